"""SSE-KMS through boto3: which key a write gets, what S3 asks of KMS, what it answers, what is at rest.

Sources (labels as in ``shared/reference/aws-sse-behaviour.md`` section 0): sections 2.1 (W4, W5, W14,
W15), 3 (reads), 5 (echoes and ETags), 6 (bucket defaults, B11-B13) and 7.1 (the KMS calls). "A" rows
are LocalStack's AWS-validated snapshots (``tests/aws/services/s3/test_s3.snapshot.json``) unless a
URL is given.
"""

from __future__ import annotations

import base64
import hashlib
import json

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from kms_support import (
    MSG_BAD_CONTEXT,
    MSG_INSECURE,
    MSG_SIGV4,
    context_header,
    error,
    kms_default,
    sse_kms,
)

BODY = b"Q3 revenue: 1,234,567"


@pytest.fixture
def key(kms):
    return kms.create_key(Description="reports")["KeyMetadata"]


@pytest.fixture
def managed(kms):
    """The AWS managed key ``aws/s3`` (describing its alias creates it, as on AWS)."""
    return kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]


# -- which key, echoed how ------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["id", "arn", "alias"])
def test_put_echoes_aws_kms_and_the_full_key_arn_whatever_form_named_it(s3, bucket, kms, key, form):
    # A for a bare id (test_s3_sse_validate_kms_key_state / success-put-object-sse); U for an alias,
    # the ARN proposed (section 5.1).
    kms.create_alias(AliasName="alias/reports", TargetKeyId=key["KeyId"])
    named = {"id": key["KeyId"], "arn": key["Arn"], "alias": "alias/reports"}[form]
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(named))
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])


def test_put_without_a_key_id_uses_the_aws_managed_aws_s3_key(s3, bucket, kms):
    # A: test_s3_sse_default_kms_key / put-obj-default-kms-s3-key; P: PutObject SSEKMSKeyId doc.
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms())
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert put["SSEKMSKeyId"] == managed["Arn"]
    assert managed["KeyManager"] == "AWS"


def test_two_buckets_share_the_accounts_aws_s3_key(s3, bucket):
    # A: test_s3_sse_default_kms_key (the same ARN for two buckets).
    s3.create_bucket(Bucket="other")
    first = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms())
    second = s3.put_object(Bucket="other", Key="k", Body=BODY, **sse_kms())
    assert first["SSEKMSKeyId"] == second["SSEKMSKeyId"]


def test_get_and_head_echo_the_algorithm_and_key_arn_but_no_bucket_key_header(s3, bucket, key):
    # A: success-get-object-sse (no BucketKeyEnabled when false, section 5.1).
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    get = s3.get_object(Bucket=bucket, Key="k")
    head = s3.head_object(Bucket=bucket, Key="k")
    for answer in (get, head):
        assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
        assert "BucketKeyEnabled" not in answer
    assert get["Body"].read() == BODY


def test_the_etag_is_not_the_md5_and_differs_for_the_same_bytes(s3, bucket, key):
    # P ("encrypted by SSE-C or SSE-KMS, have ETags that are not an MD5 digest"); A (section 5.2).
    first = s3.put_object(Bucket=bucket, Key="a", Body=BODY, **sse_kms(key["KeyId"]))["ETag"]
    second = s3.put_object(Bucket=bucket, Key="b", Body=BODY, **sse_kms(key["KeyId"]))["ETag"]
    md5 = f'"{hashlib.md5(BODY).hexdigest()}"'
    assert md5 not in (first, second)
    assert first != second
    assert len(first.strip('"')) == 32


def test_checksums_are_over_the_plaintext(s3, bucket, key):
    # A: success-put-object-sse has the plaintext's CRC32 (section 5.2 "Checksums").
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=b"test-sse", ChecksumAlgorithm="CRC32", **sse_kms(key["KeyId"])
    )
    assert put["ChecksumCRC32"] == "KHcEKQ=="  # AWS's value for b"test-sse"


# -- what S3 asks of KMS ------------------------------------------------------------------------
def test_put_calls_generate_data_key_with_the_object_arn_as_context(s3sse, s3, bucket, key):
    # P: KMS DG "How Amazon S3 uses AWS KMS"; reference 7.1 and section 10.
    before = len(s3sse.kms_calls)
    s3.put_object(Bucket=bucket, Key="reports/q3.csv", Body=BODY, **sse_kms(key["KeyId"]))
    (call,) = s3sse.kms_calls[before:]
    assert (call.operation, call.key_arn, call.via, call.error) == (
        "GenerateDataKey", key["Arn"], "s3", None,
    )  # fmt: skip
    assert dict(call.encryption_context) == {"aws:s3:arn": "arn:aws:s3:::bkt/reports/q3.csv"}


def test_get_calls_decrypt_with_the_same_context(s3sse, s3, bucket, key):
    # A: a Decrypt capture (reference 7.1); P: the context must match exactly.
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    before = len(s3sse.kms_calls)
    s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    (call,) = s3sse.kms_calls[before:]
    assert (call.operation, call.key_arn, call.via) == ("Decrypt", key["Arn"], "s3")
    assert dict(call.encryption_context) == {"aws:s3:arn": "arn:aws:s3:::bkt/k"}


def test_head_makes_no_kms_call(s3sse, s3, bucket, key):
    # P: HeadObject doc (reference section 3, last bullet).
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    before = len(s3sse.kms_calls)
    s3.head_object(Bucket=bucket, Key="k")
    assert s3sse.kms_calls[before:] == ()


def test_head_with_checksum_mode_calls_decrypt(s3sse, s3, bucket, key):
    # P: HeadObject doc, x-amz-checksum-mode needs kms:Decrypt (modelled as one Decrypt).
    s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, ChecksumAlgorithm="SHA256", **sse_kms(key["KeyId"])
    )
    before = s3sse.kms_call_count("Decrypt")
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert s3sse.kms_call_count("Decrypt") == before + 1


def test_s3_calls_kms_as_the_requester(s3sse, make_client, bucket, key):
    # A/S (reference section 10): S3-initiated calls carry the caller's identity.
    role = "arn:aws:sts::123456789012:assumed-role/app-writer/ci-session"
    s3sse.add_credentials("AKIDWRITER", account_id="123456789012", arn=role)
    writer = make_client(aws_access_key_id="AKIDWRITER")
    writer.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    call = s3sse.kms_calls[-1]
    assert (call.caller, call.account, call.via) == (role, "123456789012", "s3")


def test_kms_call_count_counts_s3s_calls_by_key_alias(s3sse, s3, bucket, kms, key):
    # The test API (docs/kms.md): S3's calls are in the same log, filtered by any key form.
    kms.create_alias(AliasName="alias/reports", TargetKeyId=key["KeyId"])
    for name in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=name, Body=BODY, **sse_kms("alias/reports"))
    s3.get_object(Bucket=bucket, Key="a")["Body"].read()
    assert s3sse.kms_call_count("GenerateDataKey", key="alias/reports") == 3
    assert s3sse.kms_call_count("Decrypt", key=key["KeyId"]) == 1


# -- the requester's encryption context -----------------------------------------------------------
def test_a_context_is_merged_into_what_s3_sends_kms(s3sse, s3, bucket, key):
    # P: S3 user guide "Encryption context" ("appends the default encryption context of aws:s3:arn").
    s3.put_object(
        Bucket=bucket, Key="k", Body=BODY,
        SSEKMSEncryptionContext=context_header({"team": "finance"}), **sse_kms(key["KeyId"]),
    )  # fmt: skip
    expected = {"team": "finance", "aws:s3:arn": "arn:aws:s3:::bkt/k"}
    assert dict(s3sse.kms_calls[-1].encryption_context) == expected
    assert dict(s3sse.stored(bucket, "k").encryption_context) == expected


def test_a_context_is_kept_and_sent_again_on_get(s3sse, s3, bucket, key):
    # P: PutObject doc ("stored as object metadata and automatically gets passed on to AWS KMS for
    # future GetObject operations").
    header = context_header({"team": "finance"})
    s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, SSEKMSEncryptionContext=header, **sse_kms(key["KeyId"])
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == BODY
    assert s3sse.kms_calls[-1].encryption_context["team"] == "finance"


def test_put_echoes_the_context_as_sent_and_get_does_not(s3, bucket, key):
    # S: minio/minio#11415 (AWS observed: the context sent comes back without aws:s3:arn); P: GET and
    # HEAD have no such member (section 5.1).
    header = context_header({"team": "finance"})
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, SSEKMSEncryptionContext=header, **sse_kms(key["KeyId"])
    )
    assert put["SSEKMSEncryptionContext"] == header
    assert "SSEKMSEncryptionContext" not in s3.head_object(Bucket=bucket, Key="k")


def test_no_context_sent_no_context_echoed(s3, bucket, key):
    # S: minio/minio#11415.
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    assert "SSEKMSEncryptionContext" not in put


@pytest.mark.parametrize(
    "raw",
    [
        "not base64!",
        base64.b64encode(b"not json").decode(),
        base64.b64encode(b'["a", "list"]').decode(),
        base64.b64encode(json.dumps({"n": 1}).encode()).decode(),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
    ids=["not-base64", "not-json", "not-a-map", "not-strings", "not-utf8"],
)
def test_a_malformed_context_is_w4_and_stores_nothing(s3, bucket, key, raw):
    # W4: S for the text (HADOOP-19197); the code is U (InvalidArgument proposed, 12.4).
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=bucket, Key="k", Body=BODY, SSEKMSEncryptionContext=raw, **sse_kms(key["KeyId"])
        )
    assert error(info) == (
        400,
        {
            "Code": "InvalidArgument",
            "Message": MSG_BAD_CONTEXT,
            "ArgumentName": "x-amz-server-side-encryption-context",
        },
    )
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_a_context_or_bucket_key_header_with_aes256_is_accepted_and_ignored(s3sse, s3, bucket):
    # W5 (U, proposed: accept and ignore; an SSE-S3 default with BucketKeyEnabled echoes no BK, A).
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="AES256", BucketKeyEnabled=True,
        SSEKMSEncryptionContext=context_header({"a": "b"}),
    )  # fmt: skip
    assert put["ServerSideEncryption"] == "AES256"
    assert "BucketKeyEnabled" not in put
    assert "SSEKMSEncryptionContext" not in put
    assert s3sse.kms_calls == ()


# -- at rest -----------------------------------------------------------------------------------
def test_stored_reports_the_mode_key_and_context_and_only_ciphertext(s3sse, s3, bucket, key):
    s3.put_object(Bucket=bucket, Key="k", Body=BODY * 100, **sse_kms(key["KeyId"]))
    view = s3sse.assert_encrypted(bucket, "k", mode="SSE-KMS", kms_key=key["Arn"])
    assert (view.kms_key_arn, view.bucket_key_enabled) == (key["Arn"], False)
    assert dict(view.encryption_context) == {"aws:s3:arn": "arn:aws:s3:::bkt/k"}
    assert b"revenue" not in view.ciphertext
    assert view.stored_size == len(BODY * 100) + 28  # one segment: a nonce and a tag


def test_a_ranged_get_answers_the_plaintext_bytes_and_the_kms_headers(s3, bucket, key):
    # Section 3: "A ranged GET of SSE-S3 or SSE-KMS objects is unchanged" (T; U for AWS).
    body = bytes(range(256)) * 1024  # 256 KiB: four segments
    s3.put_object(Bucket=bucket, Key="k", Body=body, **sse_kms(key["KeyId"]))
    get = s3.get_object(Bucket=bucket, Key="k", Range="bytes=65530-131080")
    assert get["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert get["Body"].read() == body[65530:131081]
    assert (get["ServerSideEncryption"], get["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])


# -- rotation ----------------------------------------------------------------------------------
def test_objects_written_before_an_on_demand_rotation_still_read(s3, bucket, kms, key):
    # A: test_key_rotations_encryption_decryption (old ciphertexts decrypt after rotation, 9.4).
    s3.put_object(Bucket=bucket, Key="old", Body=b"before", **sse_kms(key["KeyId"]))
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    s3.put_object(Bucket=bucket, Key="new", Body=b"after", **sse_kms(key["KeyId"]))
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"before"
    assert s3.get_object(Bucket=bucket, Key="new")["Body"].read() == b"after"


def test_objects_written_before_automatic_rotations_still_read(s3sse, s3, bucket, kms, key):
    # P: EnableKeyRotation (first rotation one period after enabling); A: 9.4.
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    s3.put_object(Bucket=bucket, Key="old", Body=b"before", **sse_kms(key["KeyId"]))
    s3sse.clock.advance(days=200)
    assert len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 2
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"before"


def test_objects_under_aws_s3_survive_its_yearly_rotation(s3sse, s3, bucket):
    # P: "KMS always rotates the key material of AWS managed keys every year".
    s3.put_object(Bucket=bucket, Key="old", Body=b"before", **sse_kms())
    s3sse.clock.advance(days=366)
    s3.put_object(Bucket=bucket, Key="new", Body=b"after", **sse_kms())
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"before"


# -- bucket default encryption ----------------------------------------------------------------
def test_a_kms_bucket_default_applies_its_key_and_get_echoes_the_id_as_given(s3, bucket, key):
    # A: test_s3_sse_bucket_key_default (KMSMasterKeyID echoed as the bare id; objects report the ARN).
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key["KeyId"]


def test_an_explicit_aes256_header_wins_over_a_kms_default(s3sse, s3, bucket, key):
    # P: CreateMultipartUpload / CopyObject docs ("the encryption setting in your request takes
    # precedence").
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    assert s3sse.kms_call_count("GenerateDataKey") == 0


def test_an_explicit_kms_key_wins_over_the_defaults_key(s3, bucket, kms, key):
    other = kms.create_key()["KeyMetadata"]
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(other["KeyId"]))
    assert put["SSEKMSKeyId"] == other["Arn"]


def test_aws_kms_without_a_key_id_uses_aws_s3_even_on_a_bucket_with_a_default_key(
    s3, bucket, key, managed
):
    # P: PutObject SSEKMSKeyId ("If you specify aws:kms ... but do not provide
    # x-amz-server-side-encryption-aws-kms-key-id, Amazon S3 uses the AWS managed key (aws/s3)").
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms())
    assert put["SSEKMSKeyId"] == managed["Arn"]


def test_changing_the_default_does_not_touch_existing_objects(s3, bucket, key):
    # B12 (A: test_s3_sse_bucket_key_default, get-obj-default-after-setting).
    s3.put_object(Bucket=bucket, Key="before", Body=BODY)
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    head = s3.head_object(Bucket=bucket, Key="before")
    assert head["ServerSideEncryption"] == "AES256"
    assert "SSEKMSKeyId" not in head


def test_delete_bucket_encryption_returns_new_writes_to_sse_s3(s3, bucket, key):
    # B3 (A for the 204; P "resets the default encryption for the bucket as SSE-S3").
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.put_object(Bucket=bucket, Key="k", Body=BODY)["ServerSideEncryption"] == "AES256"


def test_put_bucket_encryption_does_not_validate_the_key(s3, bucket):
    # P: PutBucketEncryption ("Amazon S3 doesn't validate the KMS key ID provided"); the error comes
    # with the first write (tests/test_sse_kms_errors.py).
    missing = "arn:aws:kms:us-east-1:123456789012:key/134f2428-cec1-4b25-a1ae-9048164dba47"
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(missing))
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == missing


# -- transport: HTTPS and SigV4 ----------------------------------------------------------------
def test_an_sse_kms_put_over_plain_http_is_w15(s3sse, http_s3, key):
    # W15 (S: a recorded AWS observation; P, CreateMultipartUpload doc). Nothing reaches KMS.
    http_s3.create_bucket(Bucket="plain")
    with pytest.raises(ClientError) as info:
        http_s3.put_object(Bucket="plain", Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    assert error(info) == (400, {"Code": "InvalidArgument", "Message": MSG_INSECURE})
    assert s3sse.kms_call_count("GenerateDataKey") == 0


def test_a_refused_request_makes_no_aws_s3_key(s3sse, http_s3, kms):
    # W15 is checked before S3 touches KMS: not even the AWS managed key is made.
    http_s3.create_bucket(Bucket="plain")
    with pytest.raises(ClientError):
        http_s3.put_object(Bucket="plain", Key="k", Body=BODY, **sse_kms())
    assert [a for a in kms.list_aliases()["Aliases"] if "TargetKeyId" in a] == []


def test_a_kms_bucket_default_over_plain_http_is_w15(http_s3, key):
    # W15: "SSE-KMS request (header or bucket default) over plain HTTP".
    http_s3.create_bucket(Bucket="plain")
    http_s3.put_bucket_encryption(
        Bucket="plain", ServerSideEncryptionConfiguration=kms_default(key["KeyId"])
    )
    with pytest.raises(ClientError) as info:
        http_s3.put_object(Bucket="plain", Key="k", Body=BODY)
    assert error(info)[1]["Message"] == MSG_INSECURE


def test_a_get_of_a_kms_object_over_plain_http_is_refused(s3, http_s3, key):
    # P: "All GET and PUT requests for an object protected by AWS KMS fail if you don't make them by
    # using SSL, TLS, or Signature Version 4"; W15's text (U for GET).
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    with pytest.raises(ClientError) as info:
        http_s3.get_object(Bucket="plain", Key="k")
    assert error(info) == (400, {"Code": "InvalidArgument", "Message": MSG_INSECURE})


def test_a_head_of_a_kms_object_over_plain_http_is_served(s3, http_s3, key):
    # U: HeadObject makes no KMS call (P), and the engine refuses only what would call KMS.
    s3.create_bucket(Bucket="plain")
    s3.put_object(Bucket="plain", Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    assert http_s3.head_object(Bucket="plain", Key="k")["SSEKMSKeyId"] == key["Arn"]


def test_sse_s3_over_plain_http_is_still_served(http_s3):
    # W15 concerns SSE-KMS only.
    http_s3.create_bucket(Bucket="plain")
    http_s3.put_object(Bucket="plain", Key="k", Body=BODY)
    assert http_s3.get_object(Bucket="plain", Key="k")["Body"].read() == BODY


def test_an_unsigned_sse_kms_put_is_w14(make_client, bucket, key):
    # W14 (A: aws/aws-cli#1006): ArgumentName Authorization, ArgumentValue null.
    anonymous = make_client(config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as info:
        anonymous.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    assert error(info) == (
        400,
        {
            "Code": "InvalidArgument",
            "Message": MSG_SIGV4,
            "ArgumentName": "Authorization",
            "ArgumentValue": "null",
        },
    )


def test_a_sigv2_presigned_get_of_a_kms_object_is_r8(s3, bucket, key):
    # R8/W14 (A): botocore presigns with SigV2 by default, which SSE-KMS objects refuse.
    import requests  # noqa: PLC0415 - only this test fetches a URL

    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    response = requests.get(url, timeout=5)
    assert response.status_code == 400
    assert b"<Code>InvalidArgument</Code>" in response.content
    assert MSG_SIGV4.encode() in response.content


def test_a_sigv4_presigned_get_of_a_kms_object_is_served(s3, bucket, key):
    # W14: SigV4 query authentication is Signature Version 4.
    import requests  # noqa: PLC0415

    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    signer = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret", config=Config(signature_version="s3v4"),
    )  # fmt: skip
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert requests.get(url, timeout=5).content == BODY

"""Every way KMS fails an S3 request, as S3 answers it, through boto3.

Sources: ``shared/reference/aws-sse-behaviour.md`` sections 2.1 (W6-W13, W16), 3 (R5-R7) and 7.2. The
A rows are LocalStack's AWS-validated snapshots ``test_s3_sse_validate_kms_key`` and
``test_s3_sse_validate_kms_key_state`` (2026-02-21): S3 answers ``KMS.<code>`` with KMS's own message
and status 400, and stores nothing when the key cannot be used.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from kms_support import MIB, MSG_SLOW_DOWN, error, kms_default, sse_kms

from pytest_s3sse._internal.errors.kms import KMSInternalException

BODY = b"test-sse"
FAKE_UUID = "134f2428-cec1-4b25-a1ae-9048164dba47"


@pytest.fixture
def stored(s3, bucket, key):
    """An SSE-KMS object ``k`` under ``key``, written while the key was usable."""
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    return "k"


def _kms_error(code, message, status=400):
    return status, {"Code": code, "Message": message}


def _put(s3, bucket, key_ref, name="new"):
    return s3.put_object(Bucket=bucket, Key=name, Body=BODY, **sse_kms(key_ref))


def _nothing_stored(s3, bucket, name="new"):
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key=name)
    return info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# -- key ids that name no usable key ------------------------------------------------------------
def test_a_key_id_that_is_not_a_uuid_is_w6_and_stores_nothing(s3, bucket):
    # W6 (A: put-obj-wrong-kms-key).
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, "fake-key-id")
    assert error(info) == _kms_error("KMS.NotFoundException", "Invalid keyId 'fake-key-id'")
    assert _nothing_stored(s3, bucket)


def test_create_multipart_upload_with_a_bad_key_id_is_w6(s3, bucket):
    # W6 (A: create-multipart-wrong-kms-key).
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="mp", **sse_kms("fake-key-id"))
    assert error(info) == _kms_error("KMS.NotFoundException", "Invalid keyId 'fake-key-id'")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_copy_object_to_a_bad_key_id_is_w6(s3, bucket):
    # W6 (A: copy-obj-wrong-kms-key).
    s3.put_object(Bucket=bucket, Key="src", Body=BODY)
    with pytest.raises(ClientError) as info:
        s3.copy_object(
            Bucket=bucket, Key="new", CopySource={"Bucket": bucket, "Key": "src"},
            **sse_kms("fake-key-id"),
        )  # fmt: skip
    assert error(info) == _kms_error("KMS.NotFoundException", "Invalid keyId 'fake-key-id'")
    assert _nothing_stored(s3, bucket)


@pytest.mark.parametrize("form", ["id", "arn"])
def test_a_well_formed_key_that_does_not_exist_is_w7_naming_its_arn(s3, bucket, form):
    # W7 (A: put-obj-wrong-kms-key-real-uuid, ...-real-uuid-arn): always the full ARN.
    arn = f"arn:aws:kms:us-east-1:123456789012:key/{FAKE_UUID}"
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, FAKE_UUID if form == "id" else arn)
    assert error(info) == _kms_error("KMS.NotFoundException", f"Key '{arn}' does not exist")


@pytest.fixture
def east_2(make_client):
    """A bucket in us-east-2 and a KMS key in us-west-2 (the recorded test's set-up)."""
    s3 = make_client(region_name="us-east-2")
    s3.create_bucket(Bucket="east2", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
    key = make_client("kms", region_name="us-west-2").create_key()["KeyMetadata"]
    return SimpleNamespace(s3=s3, bucket="east2", key=key)


def test_the_arn_of_a_key_in_another_region_is_w8(east_2):
    # W8 (A: put-obj-different-region-kms-key).
    with pytest.raises(ClientError) as info:
        _put(east_2.s3, east_2.bucket, east_2.key["Arn"])
    assert error(info) == _kms_error("KMS.NotFoundException", "Invalid arn us-west-2")


def test_the_bare_id_of_a_key_in_another_region_is_w9_in_the_buckets_region(east_2):
    # W9 (A: put-obj-different-region-kms-key-no-arn): resolved in the bucket's region.
    with pytest.raises(ClientError) as info:
        _put(east_2.s3, east_2.bucket, east_2.key["KeyId"])
    arn = f"arn:aws:kms:us-east-2:123456789012:key/{east_2.key['KeyId']}"
    assert error(info) == _kms_error("KMS.NotFoundException", f"Key '{arn}' does not exist")


def test_an_alias_that_does_not_exist_is_kms_not_found(s3, bucket):
    # Reference 7.2: U for S3; KMS's own text (T) proposed.
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, "alias/missing")
    assert error(info) == _kms_error(
        "KMS.NotFoundException",
        "Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found.",
    )


def test_a_default_naming_aws_s3_without_the_alias_prefix_fails_at_the_first_put(s3, bucket):
    # W16 (S, aws/aws-cli#4507 via note: "Invalid keyId aws/s3"); the quotes follow KMS's A format
    # (W6), as the engine answers every invalid key id the same way.
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms_default("aws/s3"))
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="new", Body=BODY)
    assert error(info) == _kms_error("KMS.NotFoundException", "Invalid keyId 'aws/s3'")


def test_a_default_naming_a_missing_key_fails_at_the_first_put(s3, bucket):
    # P: PutBucketEncryption does not validate the key; W7 at the first write.
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(FAKE_UUID)
    )
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="new", Body=BODY)
    assert error(info)[1]["Code"] == "KMS.NotFoundException"


def test_a_signing_key_is_kms_invalid_key_usage(s3, bucket, kms):
    # P: KMS.InvalidKeyUsageException in the S3 error list; the message is KMS's (U, reference 7.1).
    arn = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, arn)
    assert error(info) == _kms_error(
        "KMS.InvalidKeyUsageException",
        f"{arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.",
    )


# -- key states ----------------------------------------------------------------------------------
def test_a_put_under_a_disabled_key_is_w10(s3, bucket, kms, key):
    # W10 (A: put-obj-disabled-key).
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, key["KeyId"])
    assert error(info) == _kms_error("KMS.DisabledException", f"{key['Arn']} is disabled.")
    assert _nothing_stored(s3, bucket)


def test_a_get_under_a_disabled_key_is_r5(s3, bucket, kms, key, stored):
    # R5 (A: get-obj-disabled-key).
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key=stored)
    assert error(info) == _kms_error("KMS.DisabledException", f"{key['Arn']} is disabled.")


def test_a_head_under_a_disabled_key_still_answers(s3, bucket, kms, key, stored):
    # P: HeadObject makes no KMS call (reference section 3), so the key state does not matter.
    kms.disable_key(KeyId=key["KeyId"])
    assert s3.head_object(Bucket=bucket, Key=stored)["SSEKMSKeyId"] == key["Arn"]


def test_re_enabling_the_key_makes_the_object_readable_again(s3, bucket, kms, key, stored):
    kms.disable_key(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key=stored)["Body"].read() == BODY


def test_a_put_under_a_key_pending_deletion_is_w11(s3, bucket, kms, key):
    # W11 (U for PUT; the GET text, A, proposed).
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, key["KeyId"])
    assert error(info) == _kms_error(
        "KMS.KMSInvalidStateException", f"{key['Arn']} is pending deletion."
    )


def test_a_get_under_a_key_pending_deletion_is_r6(s3, bucket, kms, key, stored):
    # R6 (A: get-obj-pending-deletion-key).
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key=stored)
    assert error(info) == _kms_error(
        "KMS.KMSInvalidStateException", f"{key['Arn']} is pending deletion."
    )


def test_a_get_after_the_key_was_deleted_is_kms_not_found(s3sse, s3, bucket, kms, key, stored):
    # Reference 7.2: U, proposed `Key '<arn>' does not exist` once the window has passed.
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    s3sse.clock.advance(days=8)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key=stored)
    assert error(info) == _kms_error("KMS.NotFoundException", f"Key '{key['Arn']}' does not exist")


def test_an_upload_part_under_a_disabled_key_fails(s3, bucket, kms, key):
    # P: UploadPart needs kms:Decrypt of the upload's data key (CreateMultipartUpload doc); R5's answer.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", **sse_kms(key["KeyId"]))
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        s3.upload_part(
            Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * MIB
        )
    assert error(info)[1]["Code"] == "KMS.DisabledException"


def test_a_copy_from_a_source_under_a_disabled_key_fails(s3, bucket, kms, key, stored):
    # P: CopyObject decrypts the source (reference 7.1); R5's answer.
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": stored})
    assert error(info)[1]["Code"] == "KMS.DisabledException"
    assert _nothing_stored(s3, bucket, "copy")


# -- permissions ----------------------------------------------------------------------------------
def test_another_account_cannot_use_the_bucket_owners_aws_s3_key(s3sse, s3, make_client, bucket):
    # W12/R7: 403 AccessDenied "Access Denied" (A, boto/boto3#2952); the aws/s3 key policy only lets S3
    # use it for principals of its own account (S, policy-behaviour 4.6).
    s3sse.add_credentials("AKIDOTHER", account_id="210987654321")
    other = make_client(aws_access_key_id="AKIDOTHER")
    with pytest.raises(ClientError) as info:  # no bucket policy: S3 itself refuses (E4)
        other.put_object(Bucket=bucket, Key="new", Body=BODY, **sse_kms())
    assert error(info) == (403, {"Code": "AccessDenied", "Message": "Access Denied"})
    assert s3sse.kms_calls == ()
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": "210987654321"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant]})
    )
    with pytest.raises(ClientError) as info:  # the bucket policy allows; the aws/s3 key does not
        other.put_object(Bucket=bucket, Key="new", Body=BODY, **sse_kms())
    assert error(info) == (403, {"Code": "AccessDenied", "Message": "Access Denied"})
    assert s3sse.kms_calls[-1].error == "AccessDeniedException"


# -- throttling and KMS faults ------------------------------------------------------------------
def test_a_throttled_put_is_w13_slow_down(s3sse, s3, bucket, key):
    # W13 (A: aws-samples/cql-replicator#92, 503 SlowDown); S3's calls share the caller's quota
    # (P, KMS DG "Request quotas").
    s3sse.clock.freeze()
    s3sse.kms_quota("cryptographic", per_second=1)
    _put(s3, bucket, key["KeyId"], "first")
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, key["KeyId"], "second")
    assert error(info) == (503, {"Code": "SlowDown", "Message": MSG_SLOW_DOWN})
    assert s3sse.kms_calls[-1].error == "ThrottlingException"
    assert _nothing_stored(s3, bucket, "second")


def test_a_throttled_get_is_slow_down(s3sse, s3, bucket, stored):
    # W13 for reads (A for the answer; the Decrypt is throttled like any cryptographic call).
    s3sse.clock.freeze()
    s3sse.kms_quota("cryptographic", per_second=1)
    s3.get_object(Bucket=bucket, Key=stored)["Body"].read()
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key=stored)
    assert error(info) == (503, {"Code": "SlowDown", "Message": MSG_SLOW_DOWN})


def test_botocore_retries_slow_down_until_the_quota_refills(
    s3sse, make_client, bucket, key, monkeypatch
):
    # botocore's standard retry mode retries 503 SlowDown as a throttling error; its backoff sleeps
    # move the engine clock here, so the quota refills and the third attempt succeeds.
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=s3sse.clock.advance))
    s3sse.clock.freeze()
    s3sse.kms_quota("cryptographic", per_second=0.5, burst=1)
    retrying = make_client(config=Config(retries={"mode": "standard", "max_attempts": 5}))
    _put(retrying, bucket, key["KeyId"], "first")
    put = _put(retrying, bucket, key["KeyId"], "second")
    assert put["ResponseMetadata"]["RetryAttempts"] >= 1
    attempts = [c.error for c in s3sse.kms_calls if c.operation == "GenerateDataKey"]
    assert attempts[0] is None
    assert attempts[-1] is None
    assert set(attempts[1:-1]) == {"ThrottlingException"}


def test_a_kms_server_fault_is_503_service_unavailable(s3sse, s3, bucket, key, monkeypatch):
    # U (reference open point 12.5): a retryable 503. KMS faults cannot be provoked through the API,
    # so the service is made to fail as KMS would.
    def fail(*_args, **_kwargs):
        raise KMSInternalException("")

    monkeypatch.setattr(s3sse.kms, "generate_data_key", fail)
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, key["KeyId"])
    assert error(info) == (
        503,
        {"Code": "ServiceUnavailable", "Message": "Please reduce your request rate."},
    )

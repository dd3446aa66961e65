"""S3 Bucket Keys: one KMS call per bucket-key period instead of one per object.

Sources: S3 user guide "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys" (P, awsdocs
amazon-s3-userguide ``bucket-key.md``): "a short-lived bucket-level key ... temporarily keeps it in S3",
"A unique bucket-level key is generated for each requester", "Amazon S3 will only share an S3 Bucket
Key for objects encrypted by the same AWS KMS key", "the bucket ARN is used as the encryption context";
reference sections 5.1, 6.2 (B13) and 7.1; the period itself is U (open point 12.7; the engine's
default is one hour, ``docs/sse-kms.md``).

The clock is frozen in these tests, so the period is crossed only by ``s3sse.clock.advance``.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from kms_support import MIB, error, kms_default, sse_kms

from pytest_s3sse import mock_s3sse

BODY = b"a small object"
PERIOD = timedelta(hours=1)  # the engine's default bucket-key period
N = 1_000


@pytest.fixture(autouse=True)
def frozen(s3sse):
    s3sse.clock.freeze()


@pytest.fixture
def bk_bucket(s3, bucket, key):
    """``bkt`` with SSE-KMS under ``key`` and Bucket Keys as its default encryption."""
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"], bucket_key=True)
    )
    return bucket


def _put_many(s3, bucket, n=N, prefix="o", **kwargs):
    for i in range(n):
        s3.put_object(Bucket=bucket, Key=f"{prefix}{i}", Body=BODY, **kwargs)


def _get_many(s3, bucket, n=N, prefix="o"):
    for i in range(n):
        assert s3.get_object(Bucket=bucket, Key=f"{prefix}{i}")["Body"].read() == BODY


# -- the required arithmetic ---------------------------------------------------------------------
def test_1000_puts_with_a_bucket_key_make_one_generate_data_key_per_period(s3sse, s3, bk_bucket):
    _put_many(s3, bk_bucket)
    assert s3sse.kms_call_count("GenerateDataKey") == 1
    s3sse.clock.advance(seconds=PERIOD.total_seconds() - 1)  # still inside the period
    _put_many(s3, bk_bucket, prefix="p")
    assert s3sse.kms_call_count("GenerateDataKey") == 1
    s3sse.clock.advance(seconds=1)  # the bucket key expires: S3 asks KMS for a new one
    _put_many(s3, bk_bucket, prefix="q")
    assert s3sse.kms_call_count("GenerateDataKey") == 2
    assert s3sse.kms_call_count() == 3  # CreateKey and the two GenerateDataKey


def test_1000_puts_without_a_bucket_key_make_1000_generate_data_key(s3sse, s3, bucket, key):
    _put_many(s3, bucket, **sse_kms(key["KeyId"]))
    assert s3sse.kms_call_count("GenerateDataKey", key=key["KeyId"]) == N


def test_1000_reads_of_bucket_key_objects_make_one_decrypt_per_period(s3sse, s3, bk_bucket):
    _put_many(s3, bk_bucket)
    s3sse.clock.advance(seconds=PERIOD.total_seconds())  # the writer's bucket key has expired
    _get_many(s3, bk_bucket)
    assert s3sse.kms_call_count("Decrypt") == 1
    s3sse.clock.advance(seconds=PERIOD.total_seconds())
    _get_many(s3, bk_bucket)
    assert s3sse.kms_call_count("Decrypt") == 2


def test_1000_reads_without_a_bucket_key_make_1000_decrypt(s3sse, s3, bucket, key):
    _put_many(s3, bucket, **sse_kms(key["KeyId"]))
    _get_many(s3, bucket)
    assert s3sse.kms_call_count("Decrypt", key=key["KeyId"]) == N


def test_reads_within_the_writers_period_reuse_the_held_bucket_key(s3sse, s3, bk_bucket):
    # U: S3 holds the bucket key it made; the same requester's reads in its lifetime need no Decrypt.
    _put_many(s3, bk_bucket, n=10)
    _get_many(s3, bk_bucket, n=10)
    assert s3sse.kms_call_count("Decrypt") == 0


# -- what a bucket key is ------------------------------------------------------------------------
def test_a_bucket_default_with_bucket_keys_is_echoed_on_put_and_get(s3, bk_bucket, key):
    # A: test_s3_sse_bucket_key_default (put-obj-after-setting, get-obj-after-setting).
    put = s3.put_object(Bucket=bk_bucket, Key="k", Body=BODY)
    get = s3.get_object(Bucket=bk_bucket, Key="k")
    for answer in (put, get):
        assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"], answer["BucketKeyEnabled"]) == (
            "aws:kms", key["Arn"], True,
        )  # fmt: skip


def test_a_request_bucket_key_header_enables_it_per_object(s3sse, s3, bucket, key):
    # P: BucketKeyEnabled on PutObject (bucket-key.md "at the object level").
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, BucketKeyEnabled=True, **sse_kms(key["KeyId"])
    )
    assert put["BucketKeyEnabled"] is True
    assert s3sse.stored(bucket, "k").bucket_key_enabled


def test_aws_kms_without_a_bucket_key_header_inherits_the_buckets_setting(s3sse, s3, bk_bucket):
    # B13 (A: test_s3_sse_default_kms_key / put-obj-default-kms-s3-key-from-bucket).
    put = s3.put_object(Bucket=bk_bucket, Key="k", Body=BODY, **sse_kms())
    assert put["BucketKeyEnabled"] is True


def test_a_false_header_overrides_the_buckets_bucket_key(s3sse, s3, bk_bucket):
    # P: bucket-key.md ("you can include the x-amz-server-side-encryption-bucket-key-enabled header
    # with a true or false value in your request, to override the bucket setting").
    put = s3.put_object(Bucket=bk_bucket, Key="k", Body=BODY, BucketKeyEnabled=False)
    assert "BucketKeyEnabled" not in put
    assert dict(s3sse.kms_calls[-1].encryption_context) == {"aws:s3:arn": "arn:aws:s3:::bkt/k"}


def test_the_bucket_key_context_is_the_bucket_arn(s3sse, s3, bk_bucket):
    # P: "the bucket ARN is used as the encryption context"; A (idp-scim-sync#540, policy-behaviour K21).
    s3.put_object(Bucket=bk_bucket, Key="k", Body=BODY)
    call = s3sse.kms_calls[-1]
    assert (call.operation, dict(call.encryption_context)) == (
        "GenerateDataKey", {"aws:s3:arn": "arn:aws:s3:::bkt"},
    )  # fmt: skip
    assert dict(s3sse.stored(bk_bucket, "k").encryption_context) == {
        "aws:s3:arn": "arn:aws:s3:::bkt"
    }


def test_each_object_still_gets_its_own_data_key(s3sse, s3, bk_bucket):
    # P: the bucket-level key "will create data keys for new objects".
    body = b"same bytes" * 100
    s3.put_object(Bucket=bk_bucket, Key="a", Body=body)
    s3.put_object(Bucket=bk_bucket, Key="b", Body=body)
    a, b = s3sse.stored(bk_bucket, "a"), s3sse.stored(bk_bucket, "b")
    assert a.ciphertext != b.ciphertext
    assert b"same bytes" not in a.ciphertext


def test_another_kms_key_gets_another_bucket_key(s3sse, s3, bk_bucket, kms):
    # P: "Amazon S3 will only share an S3 Bucket Key for objects encrypted by the same AWS KMS key".
    other = kms.create_key()["KeyMetadata"]
    _put_many(s3, bk_bucket, n=5)
    _put_many(s3, bk_bucket, n=5, prefix="x", **sse_kms(other["KeyId"]))
    assert s3sse.kms_call_count("GenerateDataKey") == 2
    assert s3sse.kms_call_count("GenerateDataKey", key=other["KeyId"]) == 1


def test_another_requester_gets_another_bucket_key(s3sse, s3, make_client, bk_bucket):
    # P: "A unique bucket-level key is generated for each requester".
    role = "arn:aws:sts::123456789012:assumed-role/writer/session-2"
    s3sse.add_credentials("AKIDSESSION2", account_id="123456789012", arn=role)
    _put_many(s3, bk_bucket, n=5)
    _put_many(make_client(aws_access_key_id="AKIDSESSION2"), bk_bucket, n=5, prefix="x")
    callers = [c.caller for c in s3sse.kms_calls if c.operation == "GenerateDataKey"]
    assert callers == ["arn:aws:iam::123456789012:root", role]


def test_another_bucket_gets_another_bucket_key(s3sse, s3, bk_bucket, key):
    s3.create_bucket(Bucket="other")
    s3.put_bucket_encryption(
        Bucket="other", ServerSideEncryptionConfiguration=kms_default(key["KeyId"], bucket_key=True)
    )
    _put_many(s3, bk_bucket, n=5)
    _put_many(s3, "other", n=5)
    assert s3sse.kms_call_count("GenerateDataKey") == 2


def test_another_reader_decrypts_the_bucket_key_once(s3sse, s3, make_client, bk_bucket):
    # P: per requester, for reads too ("a different requester").
    s3sse.add_credentials(
        "AKIDREADER", account_id="123456789012", arn="arn:aws:iam::123456789012:user/r"
    )
    _put_many(s3, bk_bucket, n=20)
    _get_many(make_client(aws_access_key_id="AKIDREADER"), bk_bucket, n=20)
    assert [c.caller for c in s3sse.kms_calls if c.operation == "Decrypt"] == [
        "arn:aws:iam::123456789012:user/r"
    ]


def test_objects_written_before_bucket_keys_were_enabled_keep_their_own_keys(
    s3sse, s3, bucket, key
):
    # P: "objects that are already in the bucket do not use the S3 Bucket Key"; B12 (A).
    s3.put_object(Bucket=bucket, Key="old", Body=BODY, **sse_kms(key["KeyId"]))
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"], bucket_key=True)
    )
    assert "BucketKeyEnabled" not in s3.head_object(Bucket=bucket, Key="old")
    before = s3sse.kms_call_count("Decrypt")
    s3.get_object(Bucket=bucket, Key="old")["Body"].read()
    s3.get_object(Bucket=bucket, Key="old")["Body"].read()
    assert s3sse.kms_call_count("Decrypt") == before + 2


def test_a_held_bucket_key_outlives_disabling_its_kms_key_until_it_expires(
    s3sse, s3, kms, bk_bucket, key
):
    # U: S3 does not ask KMS again while it holds the bucket key (docs/sse-kms.md).
    s3.put_object(Bucket=bk_bucket, Key="a", Body=BODY)
    kms.disable_key(KeyId=key["KeyId"])
    s3.put_object(Bucket=bk_bucket, Key="b", Body=BODY)
    assert s3.get_object(Bucket=bk_bucket, Key="a")["Body"].read() == BODY
    s3sse.clock.advance(seconds=PERIOD.total_seconds())
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bk_bucket, Key="c", Body=BODY)
    assert error(info)[1] == {
        "Code": "KMS.DisabledException",
        "Message": f"{key['Arn']} is disabled.",
    }
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bk_bucket, Key="a")
    assert error(info)[1]["Code"] == "KMS.DisabledException"


def test_copy_to_sse_kms_with_a_bucket_key_echoes_it_and_is_not_md5(s3, bucket, key):
    # K7 (A: test_copy_object_kms).
    s3.put_object(Bucket=bucket, Key="src", Body=b"hello world")
    copy = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
        BucketKeyEnabled=True, **sse_kms(key["KeyId"]),
    )  # fmt: skip
    assert (copy["ServerSideEncryption"], copy["SSEKMSKeyId"], copy["BucketKeyEnabled"]) == (
        "aws:kms", key["Arn"], True,
    )  # fmt: skip
    assert copy["CopyObjectResult"]["ETag"] != '"5eb63bbbe01eeed093cb22bb8f5acdc3"'
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"hello world"


# -- multipart -----------------------------------------------------------------------------------
def test_s3transfer_multipart_with_the_bucket_default_makes_one_kms_call(s3sse, s3, bk_bucket, key):
    # s3transfer does not accept BucketKeyEnabled in ExtraArgs, so applications get Bucket Keys from
    # the bucket default. A: test_s3_multipart_upload_sse (every step echoes BK and the ARN).
    body = bytes(range(256)) * (48 * 1024)  # 12 MiB: three 5 MiB parts
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_fileobj(io.BytesIO(body), bk_bucket, "big", Config=config)
    out = io.BytesIO()
    s3.download_fileobj(bk_bucket, "big", out, Config=config)
    assert out.getvalue() == body
    head = s3.head_object(Bucket=bk_bucket, Key="big", PartNumber=1)
    assert (head["SSEKMSKeyId"], head["BucketKeyEnabled"], head["PartsCount"]) == (
        key["Arn"],
        True,
        3,
    )
    assert [c.operation for c in s3sse.kms_calls if c.via == "s3"] == ["GenerateDataKey"]


def test_every_multipart_step_echoes_the_bucket_key(s3, bk_bucket, key):
    # A: test_s3_multipart_upload_sse (create, upload-part, complete).
    create = s3.create_multipart_upload(Bucket=bk_bucket, Key="mp")
    part = s3.upload_part(
        Bucket=bk_bucket, Key="mp", UploadId=create["UploadId"], PartNumber=1, Body=b"test-sse"
    )
    done = s3.complete_multipart_upload(
        Bucket=bk_bucket, Key="mp", UploadId=create["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )  # fmt: skip
    for answer in (create, part, done):
        assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"], answer["BucketKeyEnabled"]) == (
            "aws:kms", key["Arn"], True,
        )  # fmt: skip
    assert part["ETag"] != '"42832cdec7083e70a9cd6f2d5852e004"'  # A: part ETags are not the MD5


# -- configuration -------------------------------------------------------------------------------
@pytest.mark.s3sse(bucket_key_period=timedelta(minutes=5))
def test_the_marker_sets_the_bucket_key_period(s3sse, s3, bk_bucket):
    _put_many(s3, bk_bucket, n=3)
    s3sse.clock.advance(minutes=5)
    _put_many(s3, bk_bucket, n=3, prefix="p")
    assert s3sse.kms_call_count("GenerateDataKey") == 2


def test_mock_s3sse_takes_the_bucket_key_period():
    s3kms = mock_s3sse(bucket_key_period=timedelta(seconds=30)).engine.sealer.kms
    assert s3kms is not None
    assert s3kms.bucket_keys.period == timedelta(seconds=30)


def test_a_bucket_key_period_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="must be positive"):
        mock_s3sse(bucket_key_period=timedelta(0))

"""Copies and multipart uploads of SSE-KMS objects: re-encryption, the copy-in-place migration, and the
KMS calls each step makes.

Sources: reference section 8 (K4-K7, K13; A rows are LocalStack's AWS-validated snapshots
``test_s3_copy_object_in_place_with_encryption`` and ``test_copy_object_kms``), 4 (multipart echoes,
A: ``test_s3_multipart_upload_sse``) and 7.1 / open point 12.7 (which calls; U for the per-part count).
"""

from __future__ import annotations

import hashlib
import io

import pytest
from boto3.s3.transfer import TransferConfig
from kms_support import MIB, context_header, sse_kms

BODY = b"test"


@pytest.fixture
def other_key(kms):
    return kms.create_key()["KeyMetadata"]


def _copy(s3, bucket, source, target, **kwargs):
    return s3.copy_object(
        Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": source}, **kwargs
    )


def _s3_calls(s3sse, since=0):
    return [(c.operation, c.key_arn) for c in s3sse.kms_calls[since:] if c.via == "s3"]


def test_an_sse_s3_object_copied_to_sse_kms_is_re_encrypted_under_the_key(s3sse, s3, bucket, key):
    # K7 (A: test_copy_object_kms without the bucket key): the target's encryption is the request's.
    s3.put_object(Bucket=bucket, Key="src", Body=BODY)
    copy = _copy(s3, bucket, "src", "dst", **sse_kms(key["KeyId"]))
    assert (copy["ServerSideEncryption"], copy["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
    assert copy["CopyObjectResult"]["ETag"] != f'"{hashlib.md5(BODY).hexdigest()}"'
    assert _s3_calls(s3sse) == [("GenerateDataKey", key["Arn"])]
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY


def test_a_copy_to_another_kms_key_decrypts_the_source_then_generates_for_the_target(
    s3sse, s3, bucket, key, other_key
):
    # Reference 7.1: Decrypt (source) + GenerateDataKey (target), each with its own object ARN.
    s3.put_object(Bucket=bucket, Key="src", Body=BODY, **sse_kms(key["KeyId"]))
    before = len(s3sse.kms_calls)
    copy = _copy(s3, bucket, "src", "dst", **sse_kms(other_key["KeyId"]))
    assert copy["SSEKMSKeyId"] == other_key["Arn"]
    calls = s3sse.kms_calls[before:]
    assert [(c.operation, c.key_arn, c.encryption_context["aws:s3:arn"]) for c in calls] == [
        ("Decrypt", key["Arn"], "arn:aws:s3:::bkt/src"),
        ("GenerateDataKey", other_key["Arn"], "arn:aws:s3:::bkt/dst"),
    ]
    assert s3sse.stored(bucket, "dst").ciphertext != s3sse.stored(bucket, "src").ciphertext


def test_a_copy_without_sse_headers_of_a_kms_object_gets_the_destination_default(s3, bucket, key):
    # K6 (P, CopyObject doc): never the source's encryption.
    s3.put_object(Bucket=bucket, Key="src", Body=BODY, **sse_kms(key["KeyId"]))
    copy = _copy(s3, bucket, "src", "dst")
    assert copy["ServerSideEncryption"] == "AES256"
    assert copy["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(BODY).hexdigest()}"'


def test_in_place_copy_without_parameters_migrates_a_kms_object_to_sse_s3(s3sse, s3, bucket, key):
    # K4 (A: copy-object-in-place-without-kms-sse): allowed, the object becomes SSE-S3 and its ETag
    # the MD5 (098f6bcd... = MD5("test")).
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, BucketKeyEnabled=True, **sse_kms(key["KeyId"]))
    copy = _copy(s3, bucket, "k", "k")
    assert copy["ServerSideEncryption"] == "AES256"
    assert copy["CopyObjectResult"]["ETag"] == '"098f6bcd4621d373cade4e832627b4f6"'
    head = s3.head_object(Bucket=bucket, Key="k")
    assert "SSEKMSKeyId" not in head
    assert "BucketKeyEnabled" not in head
    assert s3sse.stored(bucket, "k").mode == "SSE-S3"


def test_in_place_copy_with_aws_kms_and_no_key_moves_the_object_to_aws_s3(s3, bucket, kms, key):
    # K5 (A: copy-object-in-place-with-sse): the source key is not kept, nor its bucket key.
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, BucketKeyEnabled=True, **sse_kms(key["KeyId"]))
    copy = _copy(s3, bucket, "k", "k", **sse_kms())
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
    assert (copy["ServerSideEncryption"], copy["SSEKMSKeyId"]) == ("aws:kms", managed)
    assert "BucketKeyEnabled" not in copy
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == BODY


def test_in_place_copy_re_encrypts_under_a_new_key(s3sse, s3, bucket, key, other_key):
    # The migration the issue names: a copy in place with new settings changes key and ciphertext.
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    before = s3sse.stored(bucket, "k").ciphertext
    _copy(s3, bucket, "k", "k", **sse_kms(other_key["KeyId"]))
    after = s3sse.stored(bucket, "k")
    assert (after.kms_key_arn, after.ciphertext != before) == (other_key["Arn"], True)


def test_the_sources_context_is_not_copied(s3sse, s3, bucket, key):
    # K13 (P: "The additional encryption context of the source object won't be copied").
    s3.put_object(
        Bucket=bucket, Key="src", Body=BODY,
        SSEKMSEncryptionContext=context_header({"team": "finance"}), **sse_kms(key["KeyId"]),
    )  # fmt: skip
    _copy(s3, bucket, "src", "dst", **sse_kms(key["KeyId"]))
    assert dict(s3sse.stored(bucket, "dst").encryption_context) == {
        "aws:s3:arn": "arn:aws:s3:::bkt/dst"
    }


def test_a_context_sent_with_the_copy_applies_to_the_target_and_is_echoed(s3sse, s3, bucket, key):
    # K13 (P: "must be sent again"); the echo as on PutObject (S, minio/minio#11415).
    s3.put_object(Bucket=bucket, Key="src", Body=BODY)
    header = context_header({"team": "audit"})
    copy = _copy(s3, bucket, "src", "dst", SSEKMSEncryptionContext=header, **sse_kms(key["KeyId"]))
    assert copy["SSEKMSEncryptionContext"] == header
    assert s3sse.stored(bucket, "dst").encryption_context["team"] == "audit"


def test_a_kms_object_copied_to_another_region_decrypts_in_its_own(s3sse, make_client, key):
    # Reference 7.1: S3 decrypts the source with its key, in the source bucket's region.
    east, west = make_client(), make_client(region_name="us-west-2")
    east.create_bucket(Bucket="east")
    west.create_bucket(Bucket="west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    east.put_object(Bucket="east", Key="k", Body=BODY, **sse_kms(key["KeyId"]))
    west.copy_object(Bucket="west", Key="k", CopySource={"Bucket": "east", "Key": "k"})
    assert west.get_object(Bucket="west", Key="k")["Body"].read() == BODY
    decrypt = next(c for c in s3sse.kms_calls if c.operation == "Decrypt")
    assert (decrypt.region, decrypt.key_arn) == ("us-east-1", key["Arn"])


# -- multipart ----------------------------------------------------------------------------------
def test_a_multipart_upload_without_a_bucket_key_costs_one_plus_parts_plus_one(
    s3sse, s3, bucket, key
):
    # Open point 12.7 (U): GenerateDataKey at Create, Decrypt per UploadPart and at Complete.
    body = b"m" * (11 * MIB)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_fileobj(
        io.BytesIO(body), bucket, "big", ExtraArgs=sse_kms(key["KeyId"]), Config=config
    )
    operations = [op for op, _ in _s3_calls(s3sse)]
    assert operations == ["GenerateDataKey"] + ["Decrypt"] * (3 + 1)
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == body


def test_each_multipart_step_echoes_the_key_without_a_bucket_key(s3, bucket, key):
    # A: test_s3_multipart_upload_sse (echo at every step); UploadPart needs no SSE headers (P).
    create = s3.create_multipart_upload(Bucket=bucket, Key="mp", **sse_kms(key["KeyId"]))
    part = s3.upload_part(
        Bucket=bucket, Key="mp", UploadId=create["UploadId"], PartNumber=1, Body=b"test-sse"
    )
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=create["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )  # fmt: skip
    for answer in (create, part, done):
        assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
        assert "BucketKeyEnabled" not in answer
    # A: the part ETag is not the MD5; the object's is the MD5 of the binary part ETags, -1.
    raw = bytes.fromhex(part["ETag"].strip('"'))
    assert done["ETag"] == f'"{hashlib.md5(raw).hexdigest()}-1"'


def test_create_multipart_upload_echoes_the_context(s3, bucket, key):
    # P: CreateMultipartUpload has the SSEKMSEncryptionContext member; echoed as sent (S).
    header = context_header({"job": "42"})
    create = s3.create_multipart_upload(
        Bucket=bucket, Key="mp", SSEKMSEncryptionContext=header, **sse_kms(key["KeyId"])
    )
    assert create["SSEKMSEncryptionContext"] == header


def test_upload_part_copy_from_a_kms_source_into_a_kms_upload(s3sse, s3, bucket, key, other_key):
    # Reference 7.1: Decrypt of the upload's key and of the source's, then the part is re-encrypted.
    source = b"s" * (5 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=source, **sse_kms(key["KeyId"]))
    create = s3.create_multipart_upload(Bucket=bucket, Key="mp", **sse_kms(other_key["KeyId"]))
    before = len(s3sse.kms_calls)
    part = s3.upload_part_copy(
        Bucket=bucket, Key="mp", UploadId=create["UploadId"], PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"},
    )  # fmt: skip
    assert (part["ServerSideEncryption"], part["SSEKMSKeyId"]) == ("aws:kms", other_key["Arn"])
    assert _s3_calls(s3sse, before) == [("Decrypt", other_key["Arn"]), ("Decrypt", key["Arn"])]
    etag = part["CopyPartResult"]["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=create["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )  # fmt: skip
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == source

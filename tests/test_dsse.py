"""DSSE-KMS (``aws:kms:dsse``): two independent layers of encryption, each under its own KMS data key.

Sources: reference section 5.1 (DSSE echoes ``aws:kms:dsse`` and the key ARN, never a Bucket Key: P
"S3 Bucket Keys aren't supported for DSSE-KMS", via note), 5.2 (the ETag: U, non-MD5 proposed) and 7.1
(DSSE calls KMS "as SSE-KMS", object-ARN context, never a Bucket Key; U for the call details). The
engine's choice, documented in ``docs/sse-kms.md``: one GenerateDataKey per layer on write, one
Decrypt per layer on read.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from kms_support import MIB, kms_default

from pytest_s3sse._internal.crypto.aead import OVERHEAD, Aead
from pytest_s3sse._internal.crypto.layered import LayeredAead
from pytest_s3sse._internal.crypto.segments import SEGMENT_SIZE
from pytest_s3sse._internal.errors import DecryptionError

BODY = bytes(range(256)) * 1024  # 256 KiB: four segments


def _dsse(key_id=None, **extra):
    args = {"ServerSideEncryption": "aws:kms:dsse", **extra}
    if key_id is not None:
        args["SSEKMSKeyId"] = key_id
    return args


def test_put_and_get_echo_aws_kms_dsse_and_the_key_arn(s3, bucket, key):
    # Section 5.1 (P for the members; U for DSSE's GET echo, the same proposed).
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse(key["KeyId"]))
    get = s3.get_object(Bucket=bucket, Key="k")
    for answer in (put, get):
        assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"]) == (
            "aws:kms:dsse",
            key["Arn"],
        )
        assert "BucketKeyEnabled" not in answer
    assert get["Body"].read() == BODY


def test_without_a_key_id_dsse_uses_aws_s3(s3, bucket, kms):
    # P: PutObject SSEKMSKeyId ("aws:kms or aws:kms:dsse ... Amazon S3 uses the AWS managed key").
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse())
    assert put["SSEKMSKeyId"] == kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]


def test_a_put_makes_two_generate_data_key_and_a_get_two_decrypt(s3sse, s3, bucket, key):
    # U (reference 7.1): one data key per layer, each with the object-ARN context.
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse(key["KeyId"]))
    s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    s3_calls = [(c.operation, dict(c.encryption_context)) for c in s3sse.kms_calls if c.via == "s3"]
    context = {"aws:s3:arn": "arn:aws:s3:::bkt/k"}
    assert s3_calls == [("GenerateDataKey", context)] * 2 + [("Decrypt", context)] * 2


def test_dsse_never_uses_a_bucket_key(s3sse, s3, bucket, key):
    # P: "S3 Bucket Keys aren't supported for DSSE-KMS"; the BK header is ignored (U).
    s3sse.clock.freeze()
    for name in ("a", "b"):
        put = s3.put_object(
            Bucket=bucket, Key=name, Body=BODY, BucketKeyEnabled=True, **_dsse(key["KeyId"])
        )
        assert "BucketKeyEnabled" not in put
    assert s3sse.kms_call_count("GenerateDataKey") == 4
    assert not s3sse.stored(bucket, "a").bucket_key_enabled


def test_a_dsse_bucket_default_applies_and_ignores_its_bucket_key_setting(s3, bucket, key):
    # B7 allows KMSMasterKeyID with aws:kms:dsse (A); P: no Bucket Key for DSSE.
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration=kms_default(key["KeyId"], bucket_key=True, dsse=True),
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms:dsse", key["Arn"])
    assert "BucketKeyEnabled" not in put
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms:dsse"


def test_the_etag_is_not_the_md5(s3, bucket, key):
    # U (section 5.2): non-MD5 proposed, as for SSE-KMS.
    put = s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse(key["KeyId"]))
    assert put["ETag"] != f'"{hashlib.md5(BODY).hexdigest()}"'


def test_each_segment_carries_two_layers_and_no_plaintext(s3sse, s3, bucket, key):
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse(key["KeyId"]))
    view = s3sse.assert_encrypted(bucket, "k", mode="DSSE-KMS", kms_key=key["Arn"])
    segments = len(BODY) // SEGMENT_SIZE
    assert view.stored_size == len(BODY) + segments * 2 * OVERHEAD
    assert BODY[:64] not in view.ciphertext


def test_a_ranged_get_decrypts_both_layers_of_the_segments_it_touches(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse(key["KeyId"]))
    get = s3.get_object(Bucket=bucket, Key="k", Range="bytes=65000-200000")
    assert get["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert get["Body"].read() == BODY[65000:200001]


def test_a_tampered_dsse_object_fails_authentication(s3sse, make_client, bucket, key):
    s3 = make_client()
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, **_dsse(key["KeyId"]))
    s3sse.tamper(bucket, "k", offset=100)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k")
    assert info.value.response["Error"]["Code"] == "InternalError"


def test_a_dsse_multipart_upload_makes_two_calls_per_step(s3sse, s3, bucket, key):
    # Reference 12.7 (U) per layer: 2 at Create, 2 per UploadPart, 2 at Complete.
    body = b"d" * (11 * MIB)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_fileobj(io.BytesIO(body), bucket, "big", ExtraArgs=_dsse(key["KeyId"]), Config=config)
    operations = [c.operation for c in s3sse.kms_calls if c.via == "s3"]
    assert operations.count("GenerateDataKey") == 2
    assert operations.count("Decrypt") == 2 * 3 + 2  # three parts, then Complete
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == body


def test_layered_aead_opens_only_with_both_layers():
    # The recipe (crypto/layered.py): outer(inner(plaintext)); either key alone opens nothing.
    def nonces(n):
        return b"\x01" * n

    inner, outer = Aead(b"i" * 32, nonces), Aead(b"o" * 32, nonces)
    sealed = LayeredAead(inner, outer).seal(b"secret", b"aad")
    assert len(sealed) == len(b"secret") + LayeredAead.overhead
    assert LayeredAead(inner, outer).open(sealed, b"aad") == b"secret"
    with pytest.raises(DecryptionError):
        LayeredAead(outer, inner).open(sealed, b"aad")
    with pytest.raises(DecryptionError):
        inner.open(sealed, b"aad")

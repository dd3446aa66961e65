"""SSE-C and copies: CopyObject and UploadPartCopy with a customer-key source and/or target.

Sources: ``shared/reference/aws-sse-behaviour.md`` sections 3 (R13-R15) and 8 (K6-K12); "A" rows
are LocalStack's AWS-validated snapshot ``test_copy_object_with_sse_c``.
"""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError
from sse_c_support import (
    KEY,
    KEY_MD5,
    MSG_BAD_ALGORITHM,
    MSG_INCOMPATIBLE,
    MSG_INSECURE,
    MSG_KEY_REQUIRED,
    MSG_PART_KEY_MISMATCH,
    MSG_PART_PARAMETERS,
    MSG_WRONG_KEY,
    OTHER_KEY,
    copy_source_sse_c,
    error,
    md5_b64,
    sse_c,
)

BODY = b"test_data"
MIB = 1024 * 1024


@pytest.fixture
def source(s3, ssec_bucket):
    """``src``: an SSE-C object under KEY."""
    s3.put_object(Bucket=ssec_bucket, Key="src", Body=BODY, **sse_c())
    return "src"


def _copy(s3, bucket, source, key="dst", **kwargs):
    return s3.copy_object(Bucket=bucket, Key=key, CopySource=f"{bucket}/{source}", **kwargs)


def _refused_copy(s3, bucket, source, **kwargs):
    with pytest.raises(ClientError) as info:
        _copy(s3, bucket, source, **kwargs)
    return error(info)


# -- CopyObject ---------------------------------------------------------------------------------


def test_an_sse_c_source_copied_without_target_headers_becomes_sse_s3(
    s3, s3sse, ssec_bucket, source
):
    """K6 (A: copy-obj-sse-c-target-no-sse-c: AES256, and the ETag is the plaintext MD5)."""
    copied = _copy(s3, ssec_bucket, source, **copy_source_sse_c())
    assert copied["ServerSideEncryption"] == "AES256"
    assert "SSECustomerAlgorithm" not in copied
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(BODY).hexdigest()}"'
    assert s3.get_object(Bucket=ssec_bucket, Key="dst")["Body"].read() == BODY
    s3sse.assert_encrypted(ssec_bucket, "dst", mode="SSE-S3")


def test_a_copy_under_another_key_rotates_the_key_and_re_encrypts(s3, s3sse, ssec_bucket, source):
    """K8 (A: copy-obj-sse-c: the target's algorithm and key MD5 are echoed; ETag not the MD5)."""
    copied = _copy(s3, ssec_bucket, source, **copy_source_sse_c(), **sse_c(OTHER_KEY))
    assert (copied["SSECustomerAlgorithm"], copied["SSECustomerKeyMD5"]) == (
        "AES256",
        md5_b64(OTHER_KEY),
    )
    assert copied["CopyObjectResult"]["ETag"].strip('"') != hashlib.md5(BODY).hexdigest()
    s3sse.assert_readable_only_with(ssec_bucket, "dst", OTHER_KEY)
    assert (
        s3sse.stored(ssec_bucket, "dst").ciphertext != s3sse.stored(ssec_bucket, "src").ciphertext
    )
    assert s3.get_object(Bucket=ssec_bucket, Key="dst", **sse_c(OTHER_KEY))["Body"].read() == BODY


def test_a_copy_under_the_same_key_still_gets_a_new_data_key(s3, s3sse, ssec_bucket, source):
    """K8 with the same key (A: copy-obj-sse-c); a copy always re-encrypts."""
    copied = _copy(s3, ssec_bucket, source, **copy_source_sse_c(), **sse_c())
    assert copied["SSECustomerKeyMD5"] == KEY_MD5
    src, dst = s3sse.stored(ssec_bucket, "src"), s3sse.stored(ssec_bucket, "dst")
    assert src.ciphertext != dst.ciphertext
    s3sse.assert_readable_only_with(ssec_bucket, "dst", KEY)


def test_an_in_place_copy_under_a_new_key_rotates_the_objects_key(s3, s3sse, ssec_bucket, source):
    """K9 (U: derived from K3, a change of encryption attributes)."""
    before = s3sse.stored(ssec_bucket, source).ciphertext
    _copy(s3, ssec_bucket, source, key=source, **copy_source_sse_c(), **sse_c(OTHER_KEY))
    s3sse.assert_readable_only_with(ssec_bucket, source, OTHER_KEY)
    assert s3sse.stored(ssec_bucket, source).ciphertext != before
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key=source, **sse_c())
    assert error(info)[0] == 403


def test_an_sse_s3_source_copied_to_an_sse_c_target(s3, s3sse, ssec_bucket):
    s3.put_object(Bucket=ssec_bucket, Key="plain", Body=BODY)
    copied = _copy(s3, ssec_bucket, "plain", **sse_c())
    assert copied["SSECustomerKeyMD5"] == KEY_MD5
    assert "ServerSideEncryption" not in copied
    s3sse.assert_readable_only_with(ssec_bucket, "dst", KEY)


def test_a_copy_of_an_sse_c_source_without_its_key_is_r13(s3, ssec_bucket, source):
    """R13 / K11 (A: copy-obj-no-src-sse-c)."""
    status, err = _refused_copy(s3, ssec_bucket, source, **sse_c())
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_KEY_REQUIRED)


def test_a_copy_source_with_the_wrong_key_is_r14_access_denied(s3, ssec_bucket, source):
    """R14 (U: 403 AccessDenied with R2's text proposed; LocalStack answers 403, T)."""
    status, err = _refused_copy(s3, ssec_bucket, source, **copy_source_sse_c(OTHER_KEY))
    assert (status, err["Code"], err["Message"]) == (403, "AccessDenied", MSG_WRONG_KEY)


def test_a_copy_source_algorithm_other_than_aes256_is_r15(s3, ssec_bucket, source):
    """R15 (A: copy-obj-wrong-src-sse-c-algo)."""
    status, err = _refused_copy(s3, ssec_bucket, source, **copy_source_sse_c(algorithm="KMS"))
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidEncryptionAlgorithmError",
        MSG_BAD_ALGORITHM,
    )
    assert (err["ArgumentName"], err["ArgumentValue"]) == ("x-amz-server-side-encryption", "KMS")


def test_a_target_algorithm_other_than_aes256_is_c2(s3, ssec_bucket, source):
    """C2 on the target (A: copy-obj-wrong-target-sse-c-algo)."""
    status, err = _refused_copy(
        s3, ssec_bucket, source, **copy_source_sse_c(), **sse_c(algorithm="KMS")
    )
    assert (status, err["Code"], err["ArgumentValue"]) == (
        400,
        "InvalidEncryptionAlgorithmError",
        "KMS",
    )


def test_a_target_with_sse_c_and_x_amz_server_side_encryption_is_c1(s3, ssec_bucket, source):
    """K10 / C1 (A: copy-obj-target-double-encryption)."""
    status, err = _refused_copy(
        s3, ssec_bucket, source, **copy_source_sse_c(), **sse_c(), ServerSideEncryption="AES256"
    )
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_INCOMPATIBLE)


def test_copy_source_sse_c_headers_over_plain_http_are_c8(http_s3, ssec_bucket, source):
    """C8 covers the copy-source headers too (P; code U)."""
    status, err = _refused_copy(http_s3, ssec_bucket, source, **copy_source_sse_c())
    assert (status, err["Message"]) == (400, MSG_INSECURE)


def test_a_refused_copy_stores_no_target(s3, s3sse, ssec_bucket, source):
    _refused_copy(s3, ssec_bucket, source, **copy_source_sse_c(OTHER_KEY))
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=ssec_bucket, Key="dst")
    assert error(info)[0] == 404


# -- UploadPartCopy (section 8, last paragraph) -----------------------------------------------------


@pytest.fixture
def big_source(s3, ssec_bucket):
    """``big``: a 6 MiB SSE-C object under KEY (a part other than the last is at least 5 MiB)."""
    s3.put_object(Bucket=ssec_bucket, Key="big", Body=b"b" * (6 * MIB), **sse_c())
    return "big"


def _part_copy(s3, bucket, upload, source, number=1, **kwargs):
    return s3.upload_part_copy(
        Bucket=bucket, Key="mp", UploadId=upload, PartNumber=number,
        CopySource=f"{bucket}/{source}", **kwargs,
    )  # fmt: skip


def test_upload_part_copy_reads_an_sse_c_source_into_an_sse_c_upload(
    s3, s3sse, ssec_bucket, big_source
):
    """P (UploadPartCopy: CS3 for the source, C3 for an SSE-C upload); the part echoes the
    upload's key MD5 (5.1, member present in the model)."""
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c(OTHER_KEY))[
        "UploadId"
    ]
    first = _part_copy(
        s3, ssec_bucket, upload, big_source, 1, **copy_source_sse_c(), **sse_c(OTHER_KEY)
    )
    last = _part_copy(
        s3, ssec_bucket, upload, big_source, 2, CopySourceRange="bytes=0-9",
        **copy_source_sse_c(), **sse_c(OTHER_KEY),
    )  # fmt: skip
    assert first["SSECustomerKeyMD5"] == md5_b64(OTHER_KEY)
    assert first["CopyPartResult"]["ETag"].strip('"') != hashlib.md5(b"b" * (6 * MIB)).hexdigest()
    parts = [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": last["CopyPartResult"]["ETag"]},
    ]
    s3.complete_multipart_upload(
        Bucket=ssec_bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    got = s3.get_object(Bucket=ssec_bucket, Key="mp", **sse_c(OTHER_KEY))["Body"].read()
    assert got == b"b" * (6 * MIB + 10)
    s3sse.assert_readable_only_with(ssec_bucket, "mp", OTHER_KEY)


def test_upload_part_copy_of_an_sse_c_source_without_its_key_is_r13(s3, ssec_bucket, big_source):
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as info:
        _part_copy(s3, ssec_bucket, upload, big_source)
    assert error(info)[1]["Message"] == MSG_KEY_REQUIRED


def test_upload_part_copy_with_the_wrong_source_key_is_r14(s3, ssec_bucket, big_source):
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as info:
        _part_copy(s3, ssec_bucket, upload, big_source, **copy_source_sse_c(OTHER_KEY))
    assert error(info)[0] == 403


def test_upload_part_copy_into_an_sse_c_upload_without_its_key_is_m2(s3, ssec_bucket, big_source):
    """M2 for UploadPartCopy (P: same validation as UploadPart; T: ceph test_copy_part_enc)."""
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c())["UploadId"]
    with pytest.raises(ClientError) as info:
        _part_copy(s3, ssec_bucket, upload, big_source, **copy_source_sse_c())
    assert error(info)[1]["Message"] == MSG_PART_PARAMETERS


def test_upload_part_copy_into_an_sse_c_upload_with_another_key_is_m3(s3, ssec_bucket, big_source):
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c())["UploadId"]
    with pytest.raises(ClientError) as info:
        _part_copy(s3, ssec_bucket, upload, big_source, **copy_source_sse_c(), **sse_c(OTHER_KEY))
    assert error(info)[1]["Message"] == MSG_PART_KEY_MISMATCH


def test_upload_part_copy_of_an_sse_c_source_into_an_sse_s3_upload(
    s3, s3sse, ssec_bucket, big_source
):
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp")["UploadId"]
    part = _part_copy(s3, ssec_bucket, upload, big_source, **copy_source_sse_c())
    assert part["ServerSideEncryption"] == "AES256"
    s3.complete_multipart_upload(
        Bucket=ssec_bucket, Key="mp", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )  # fmt: skip
    assert s3.get_object(Bucket=ssec_bucket, Key="mp")["Body"].read() == b"b" * (6 * MIB)
    s3sse.assert_encrypted(ssec_bucket, "mp", mode="SSE-S3")


def test_upload_part_copy_source_headers_over_plain_http_are_c8(
    s3, http_s3, ssec_bucket, big_source
):
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as info:
        _part_copy(http_s3, ssec_bucket, upload, big_source, **copy_source_sse_c(KEY))
    assert error(info)[1]["Message"] == MSG_INSECURE

"""S3's default full-object CRC64NVME, and FULL_OBJECT multipart checksums (issue 11).

Since 2025 S3 gives every upload without a checksum a full-object CRC64NVME (P, S3 user guide
"Checking object integrity"; A, recorded AWS answers cited in issue 11): PutObject, CompleteMultipartUpload
and CopyObject answer ``ChecksumCRC64NVME`` with ``ChecksumType: FULL_OBJECT``, and HEAD/GET show it with
ChecksumMode. A multipart upload may ask for a FULL_OBJECT CRC32, CRC32C or CRC64NVME (P, same page).
Expected values are computed here with anycrc, independently of the engine's running CRCs.
"""

from __future__ import annotations

import base64

import anycrc
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import NO_RETRY
from support import error as _error

MIB = 1024 * 1024
PARTS = (b"a" * 5 * MIB, b"b" * 5 * MIB, b"tail")
WIDTH = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8}
MODEL = {"CRC32": "CRC32", "CRC32C": "CRC32C", "CRC64NVME": "CRC64-NVME"}


def crc(algorithm: str, data: bytes) -> str:
    value = anycrc.Model(MODEL[algorithm]).calc(data)
    return base64.b64encode(value.to_bytes(WIDTH[algorithm], "big")).decode()


@pytest.fixture
def plain(make_client):
    """A client that sends no checksum (as presigned URLs, older SDKs and `when_required` do)."""
    return make_client(config=NO_RETRY.merge(Config(request_checksum_calculation="when_required")))


def test_a_put_without_checksum_answers_the_default_crc64nvme(plain, bucket):
    put = plain.put_object(Bucket=bucket, Key="k", Body=b"hello")
    assert (put["ChecksumCRC64NVME"], put["ChecksumType"]) == (
        crc("CRC64NVME", b"hello"),
        "FULL_OBJECT",
    )


def test_head_and_get_with_checksum_mode_show_the_default(plain, bucket):
    plain.put_object(Bucket=bucket, Key="k", Body=b"hello")
    head = plain.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    got = plain.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == got["ChecksumCRC64NVME"] == crc("CRC64NVME", b"hello")
    assert "ChecksumCRC64NVME" not in plain.head_object(Bucket=bucket, Key="k")


def test_a_put_with_a_checksum_keeps_its_own_algorithm(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"hello")  # botocore sends CRC32
    assert (put["ChecksumCRC32"], "ChecksumCRC64NVME" in put) == (crc("CRC32", b"hello"), False)


def test_a_copy_of_an_object_without_checksum_answers_the_default(plain, bucket):
    plain.put_object(Bucket=bucket, Key="src", Body=b"hello")
    result = plain.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "src"})
    copied = result["CopyObjectResult"]
    assert (copied["ChecksumCRC64NVME"], copied["ChecksumType"]) == (
        crc("CRC64NVME", b"hello"),
        "FULL_OBJECT",
    )


def _upload(client, bucket, parts=PARTS, *, checksum=None, **create):
    upload = client.create_multipart_upload(Bucket=bucket, Key="k", **create)["UploadId"]
    done = []
    for number, body in enumerate(parts, 1):
        extra = {f"Checksum{checksum}": crc(checksum, body)} if checksum else {}
        part = client.upload_part(
            Bucket=bucket, Key="k", UploadId=upload, PartNumber=number, Body=body, **extra
        )
        done.append({"PartNumber": number, "ETag": part["ETag"], **extra})
    return upload, done


@pytest.mark.parametrize("client_name", ["plain", "s3"])
def test_a_multipart_upload_without_checksum_completes_with_the_default(
    request, bucket, client_name
):
    # With the default botocore client each part sends a CRC32; the upload has no algorithm, so the
    # object still gets the full-object CRC64NVME of all its bytes.
    client = request.getfixturevalue(client_name)
    upload, parts = _upload(client, bucket)
    done = client.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    whole = crc("CRC64NVME", b"".join(PARTS))
    assert (done["ChecksumCRC64NVME"], done["ChecksumType"]) == (whole, "FULL_OBJECT")
    head = client.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == whole


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_a_full_object_multipart_checksum_is_the_crc_of_the_whole_object(plain, bucket, algorithm):
    # P: FULL_OBJECT is available for the CRC algorithms (before: 501 NotImplemented).
    upload, parts = _upload(
        plain, bucket, checksum=algorithm, ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT"
    )
    whole = crc(algorithm, b"".join(PARTS))
    done = plain.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=upload,
        MultipartUpload={"Parts": parts},
        ChecksumType="FULL_OBJECT",
        **{f"Checksum{algorithm}": whole},
    )
    assert (done[f"Checksum{algorithm}"], done["ChecksumType"]) == (whole, "FULL_OBJECT")
    head = plain.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (whole, "FULL_OBJECT")


def test_a_wrong_full_object_checksum_at_complete_is_bad_digest(plain, bucket):
    # U: the text is PutObject's (docs/errors.md, checksums).
    upload, parts = _upload(
        plain, bucket, checksum="CRC32", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )
    with pytest.raises(ClientError) as info:
        plain.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload,
            MultipartUpload={"Parts": parts},
            ChecksumType="FULL_OBJECT",
            ChecksumCRC32=crc("CRC32", b"something else"),
        )
    assert _error(info)[1]["Code"] == "BadDigest"
    assert plain.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

"""SSE-C multipart uploads, and the transfer-manager flow of ``aws s3 cp --sse-c``.

Sources: ``shared/reference/aws-sse-behaviour.md`` section 4 (M1-M5; A rows are LocalStack's
AWS-validated snapshots ``test_multipart_upload_sse_c`` and ``test_multipart_upload_sse_c_validation``)
and section 5.2 (ETags).
"""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from sse_c_support import (
    KEY,
    KEY_MD5,
    MSG_INSECURE,
    MSG_KEY_REQUIRED,
    MSG_PART_KEY_MISMATCH,
    MSG_PART_PARAMETERS,
    OTHER_KEY,
    error,
    sse_c,
)

MIB = 1024 * 1024
PART = b"a" * (5 * MIB + 1)  # the recorded test's part: 5 MiB + 1 byte


@pytest.fixture
def upload(s3, ssec_bucket):
    """An SSE-C multipart upload of ``mp`` under KEY."""
    return s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c())["UploadId"]


def _part(s3, bucket, upload, number, body=PART, **kwargs):
    return s3.upload_part(
        Bucket=bucket, Key="mp", UploadId=upload, PartNumber=number, Body=body, **kwargs
    )


def _complete(s3, bucket, upload, parts, **kwargs):
    listed = [{"PartNumber": n, "ETag": etag} for n, etag in parts]
    return s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": listed}, **kwargs
    )


def test_create_echoes_the_algorithm_and_key_md5(s3, ssec_bucket):
    """A: create-mpu-sse-c."""
    created = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c())
    assert (created["SSECustomerAlgorithm"], created["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert "ServerSideEncryption" not in created


def test_each_part_echoes_the_key_md5_and_has_a_non_md5_etag(s3, ssec_bucket, upload):
    """A: upload-part-0..2 (SSECustomerKeyMD5 echoed; 5.2: part ETags of encrypted parts are not
    the MD5)."""
    part = _part(s3, ssec_bucket, upload, 1, **sse_c())
    assert (part["SSECustomerAlgorithm"], part["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert part["ETag"].strip('"') != hashlib.md5(PART).hexdigest()


def test_a_part_without_the_key_is_m2(s3, ssec_bucket, upload):
    """M2 (A: mpu-sse-c-upload-part-no-sse-c)."""
    with pytest.raises(ClientError) as info:
        _part(s3, ssec_bucket, upload, 1, body=b"testbody")
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_PART_PARAMETERS)


def test_a_part_under_another_key_is_m3(s3, ssec_bucket, upload):
    """M3 (A: mpu-sse-c-upload-part-wrong-sse-c)."""
    with pytest.raises(ClientError) as info:
        _part(s3, ssec_bucket, upload, 1, body=b"testbody", **sse_c(OTHER_KEY))
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_PART_KEY_MISMATCH)


def test_a_part_with_sse_c_on_an_upload_without_it_is_m1(s3, ssec_bucket):
    """M1 (A: mpu-no-sse-c-upload-part-with-sse-c)."""
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as info:
        _part(s3, ssec_bucket, upload, 1, body=b"testbody", **sse_c())
    assert error(info)[1]["Message"] == MSG_PART_PARAMETERS


def test_a_part_over_plain_http_is_c8(http_s3, ssec_bucket, upload):
    with pytest.raises(ClientError) as info:
        _part(http_s3, ssec_bucket, upload, 1, body=b"x", **sse_c())
    assert error(info)[1]["Message"] == MSG_INSECURE


def test_create_over_plain_http_is_c8_and_starts_no_upload(s3, http_s3, ssec_bucket):
    with pytest.raises(ClientError) as info:
        http_s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c())
    assert error(info)[1]["Message"] == MSG_INSECURE
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=ssec_bucket)


def test_list_parts_needs_no_key(s3, ssec_bucket, upload):
    """A: list-parts (called without SSE-C headers)."""
    etag = _part(s3, ssec_bucket, upload, 1, **sse_c())["ETag"]
    listed = s3.list_parts(Bucket=ssec_bucket, Key="mp", UploadId=upload)
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed["Parts"]] == [
        (1, etag, len(PART))
    ]


def test_complete_without_the_key_succeeds_with_the_composite_etag(s3, s3sse, ssec_bucket, upload):
    """M4 (A: complete-multipart-checksum: no SSE-C echo; ETag is hex(MD5(binary part ETags))-N,
    recomputed over the non-MD5 part ETags, section 5.2)."""
    etags = [_part(s3, ssec_bucket, upload, n, **sse_c())["ETag"] for n in (1, 2, 3)]
    done = _complete(s3, ssec_bucket, upload, list(zip((1, 2, 3), etags, strict=True)))
    binary = b"".join(bytes.fromhex(e.strip('"')) for e in etags)
    assert done["ETag"] == f'"{hashlib.md5(binary).hexdigest()}-3"'
    assert "SSECustomerAlgorithm" not in done
    assert "ServerSideEncryption" not in done
    s3sse.assert_readable_only_with(ssec_bucket, "mp", KEY)


def test_a_completed_sse_c_upload_reads_only_with_its_key(s3, ssec_bucket, upload):
    """A: get-obj-no-sse-c-param (R1) and get-obj-sse-c after Complete."""
    etags = [_part(s3, ssec_bucket, upload, n, **sse_c())["ETag"] for n in (1, 2)]
    _complete(s3, ssec_bucket, upload, list(zip((1, 2), etags, strict=True)))
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="mp")
    assert error(info)[1]["Message"] == MSG_KEY_REQUIRED
    got = s3.get_object(Bucket=ssec_bucket, Key="mp", **sse_c())
    assert got["ContentLength"] == 2 * len(PART)
    assert got["SSECustomerKeyMD5"] == KEY_MD5
    assert got["Body"].read() == PART * 2
    second = s3.get_object(Bucket=ssec_bucket, Key="mp", PartNumber=2, **sse_c())
    assert second["Body"].read() == PART


def test_complete_with_the_uploads_key_succeeds(s3, ssec_bucket, upload):
    """s3transfer sends the SSE-C headers on Complete too (its COMPLETE_MULTIPART_ARGS)."""
    etag = _part(s3, ssec_bucket, upload, 1, body=b"x", **sse_c())["ETag"]
    done = _complete(s3, ssec_bucket, upload, [(1, etag)], **sse_c())
    assert "SSECustomerKeyMD5" not in done  # 1: CompleteMultipartUpload has no SSE-C echo


def test_complete_with_another_key_is_m3(s3, ssec_bucket, upload):
    """U: M3 proposed for a Complete that sends another key than the upload's."""
    etag = _part(s3, ssec_bucket, upload, 1, body=b"x", **sse_c())["ETag"]
    with pytest.raises(ClientError) as info:
        _complete(s3, ssec_bucket, upload, [(1, etag)], **sse_c(OTHER_KEY))
    assert error(info)[1]["Message"] == MSG_PART_KEY_MISMATCH


def test_complete_with_a_key_for_an_upload_without_sse_c_is_m1(s3, ssec_bucket):
    """U: M1 proposed for a Complete that sends a key to an upload created without SSE-C."""
    upload = s3.create_multipart_upload(Bucket=ssec_bucket, Key="mp")["UploadId"]
    etag = _part(s3, ssec_bucket, upload, 1, body=b"x")["ETag"]
    with pytest.raises(ClientError) as info:
        _complete(s3, ssec_bucket, upload, [(1, etag)], **sse_c())
    assert error(info)[1]["Message"] == MSG_PART_PARAMETERS


# -- the AWS CLI's transfer-manager flow ------------------------------------------------------------


def test_aws_cli_sse_c_copy_round_trips_20_mib_through_s3transfer(s3, s3sse, ssec_bucket):
    """``aws s3 cp --sse-c AES256 --sse-c-key ...`` both ways, as the CLI drives s3transfer: a
    multipart upload with the SSE-C headers on every part, and a ranged multipart download with them
    on every GET (P: UploadPart doc, "If you are using a customer-provided encryption key (SSE-C),
    you must specify the encryption parameters in each UploadPart request")."""
    data = os.urandom(20 * MIB)
    extra = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}
    config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB)
    sent = []
    s3.meta.events.register(
        "request-created.s3",
        lambda request, operation_name, **_: sent.append((operation_name, dict(request.headers))),
    )

    s3.upload_fileobj(io.BytesIO(data), ssec_bucket, "big.bin", ExtraArgs=extra, Config=config)
    out = io.BytesIO()
    s3.download_fileobj(ssec_bucket, "big.bin", out, ExtraArgs=extra, Config=config)

    assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(data).digest()
    s3sse.assert_readable_only_with(ssec_bucket, "big.bin", KEY)
    assert s3sse.stored(ssec_bucket, "big.bin").size == 20 * MIB

    def headers_of(operation):
        return [h for op, h in sent if op == operation]

    parts, gets = headers_of("UploadPart"), headers_of("GetObject")
    assert len(parts) == 3
    assert len(gets) >= 3
    assert all("Range" in h for h in gets)
    for h in [*headers_of("CreateMultipartUpload"), *parts, *gets]:
        assert h["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
        assert h["x-amz-server-side-encryption-customer-key-MD5"] == KEY_MD5

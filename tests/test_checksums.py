"""Checksum algorithms and the aws-chunked body decoder, below boto3."""

from __future__ import annotations

import base64
import io
import zlib

import pytest
from botocore.exceptions import ClientError

from pytest_s3sse._internal.errors.s3 import IncompleteBody
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.types import ChecksumAlgorithm
from pytest_s3sse._internal.wire.chunked import AwsChunkedReader

# The standard check values of each CRC over b"123456789" (CRC catalogue; CRC-64/NVME as in the NVMe
# specification and AWS's CRC64NVME).
CHECK_VALUES = {
    ChecksumAlgorithm.CRC32: "cbf43926",
    ChecksumAlgorithm.CRC32C: "e3069283",
    ChecksumAlgorithm.CRC64NVME: "ae8b14860a799888",
    ChecksumAlgorithm.SHA1: "f7c3bc1d808e04732adf679965ccc34ca7ae3441",
    ChecksumAlgorithm.SHA256: "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
}


@pytest.mark.parametrize(("algorithm", "expected"), CHECK_VALUES.items())
def test_each_algorithm_gives_its_check_value(algorithm, expected):
    hasher = checksums.new_hasher(algorithm)
    hasher.update(b"1234")
    hasher.update(memoryview(b"56789"))
    assert hasher.digest().hex() == expected


def _checksum(algorithm, data):
    hasher = checksums.new_hasher(algorithm)
    hasher.update(data)
    return base64.b64encode(hasher.digest()).decode()


@pytest.mark.parametrize("name", ["CRC32C", "CRC64NVME"])
def test_crc32c_and_crc64nvme_sent_by_the_caller_are_verified_and_returned(s3, bucket, name):
    # botocore computes these only with awscrt installed; a caller may always send the value itself.
    value = _checksum(ChecksumAlgorithm(name), b"data")
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data", **{f"Checksum{name}": value})
    assert put[f"Checksum{name}"] == value
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head[f"Checksum{name}"] == value


@pytest.mark.parametrize("name", ["CRC32C", "CRC64NVME"])
def test_a_wrong_crc32c_or_crc64nvme_is_bad_digest(s3, bucket, name):
    # A: LocalStack test_put_object_checksum[<ALGO>]/put-wrong-checksum-value (upper-case name).
    value = _checksum(ChecksumAlgorithm(name), b"other")
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", **{f"Checksum{name}": value})
    assert info.value.response["Error"]["Message"] == (
        f"The {name} you specified did not match the calculated checksum."
    )


def test_two_checksum_headers_are_invalid_request(s3, bucket):
    # A: LocalStack test_s3_checksum_no_algorithm/put-2-checksums.
    def add_second(request, **_):
        request.headers["x-amz-checksum-sha256"] = base64.b64encode(b"\0" * 32).decode()

    s3.meta.events.register("before-sign.s3.PutObject", add_second)
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=bucket,
            Key="k",
            Body=b"data",
            ChecksumCRC32=_checksum(ChecksumAlgorithm.CRC32, b"data"),
        )
    assert info.value.response["Error"]["Message"] == (
        "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
    )


# -- aws-chunked -------------------------------------------------------------------------------


def _framed(payload: bytes, chunk: int, trailer: str = "", signed: bool = False) -> bytes:
    out = b""
    for i in range(0, len(payload), chunk):
        piece = payload[i : i + chunk]
        ext = b";chunk-signature=" + b"0" * 64 if signed else b""
        out += b"%x%s\r\n%s\r\n" % (len(piece), ext, piece)
    ext = b";chunk-signature=" + b"0" * 64 if signed else b""
    return out + b"0" + ext + b"\r\n" + trailer.encode() + b"\r\n"


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("read_size", [1, 7, 1 << 20, -1])
def test_aws_chunked_bodies_decode_with_their_trailer(signed, read_size):
    payload = bytes(range(256)) * 40
    raw = io.BytesIO(_framed(payload, 1000, f"x-amz-checksum-crc32:{_crc32(payload)}\r\n", signed))
    trailers: dict[str, str] = {}
    reader = AwsChunkedReader(raw, trailers, len(payload))
    pieces = []
    while chunk := reader.read(read_size):
        pieces.append(chunk)
        if read_size < 0:
            break
    assert b"".join(pieces) == payload
    assert trailers == {"x-amz-checksum-crc32": _crc32(payload)}


def test_a_body_cut_before_the_final_chunk_is_incomplete():
    raw = io.BytesIO(b"a\r\n0123456789\r\n")
    with pytest.raises(IncompleteBody, match="terminated unexpectedly"):
        AwsChunkedReader(raw, {}, 10).read()


def test_a_bad_chunk_size_is_incomplete_body():
    with pytest.raises(IncompleteBody, match="terminated unexpectedly"):
        AwsChunkedReader(io.BytesIO(b"zz\r\nabc\r\n0\r\n\r\n"), {}, None).read()


def test_a_wrong_decoded_length_is_incomplete_body_with_both_numbers():
    with pytest.raises(IncompleteBody) as info:
        AwsChunkedReader(io.BytesIO(_framed(b"abc", 2)), {}, 4).read()
    assert info.value.extra == {"NumberBytesExpected": "4", "NumberBytesProvided": "3"}


def test_a_wrong_trailing_checksum_is_bad_digest(s3, bucket):
    # The trailer form of BadDigest (U on AWS: by analogy with the header form, research row 163).
    def corrupt_trailer(request, **_):
        wrapper = request.body
        make_chunk = wrapper._make_chunk

        def wrong_trailer():
            chunk = make_chunk()
            return (
                b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"
                if chunk.startswith(b"0\r\n")
                else chunk
            )

        wrapper._make_chunk = wrong_trailer

    s3.meta.events.register_first("before-send.s3.PutObject", corrupt_trailer)
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert info.value.response["Error"] == {
        "Code": "BadDigest",
        "Message": "The CRC32 you specified did not match the calculated checksum.",
    }

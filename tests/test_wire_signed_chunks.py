"""Signed aws-chunked bodies (issue 11): a request whose ``x-amz-content-sha256`` is one of SigV4's
streaming values sends ``<hex size>;chunk-signature=<sig>\\r\\n<data>\\r\\n`` frames, and S3 stores the
payload, never the framing (P, S3 API reference "Signature Calculations for the Authorization Header:
Transferring Payload in Multiple Chunks (Chunked Upload)"; the trailer variants: "... Including
Trailing Headers"). The chunk signatures are not verified (no request signature is). Sent here as
presigned PUTs by ``requests``: botocore itself never signs a body as STREAMING-AWS4-HMAC-SHA256-PAYLOAD.

Trailers that are not ``name:value`` lines are S3's MalformedTrailerError (A (reported):
versity/versitygw#1600, #1626, #1690, with S3's answer quoted); bytes that are not UTF-8 in a trailer
are the same error (U: S3's trailer names and base64 values are ASCII).
"""

from __future__ import annotations

import base64
import io
import zlib

import pytest
import requests
from botocore.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_s3sse._internal.wire.chunked import AwsChunkedReader

TIMEOUT = 5
SIG = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
PAYLOAD = bytes(range(256)) * 300  # 76,800 bytes: two 64 KiB frames and a short one
MALFORMED_TRAILER = (
    "The request contained trailing data that was not well-formed or did not conform to our "
    "published schema."
)


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def signed_frames(payload: bytes, size: int = 65536, trailer: bytes | None = None) -> bytes:
    """``payload`` as signed aws-chunked frames, ending with the zero-length chunk (and trailer)."""
    out = b""
    for start in range(0, len(payload), size):
        piece = payload[start : start + size]
        out += f"{len(piece):x};chunk-signature={SIG}\r\n".encode() + piece + b"\r\n"
    out += f"0;chunk-signature={SIG}\r\n".encode()
    if trailer is not None:
        out += trailer + b"\r\n"
    return out + b"\r\n"


@pytest.fixture
def put_url(make_client, bucket):
    signer = make_client(config=Config(signature_version="s3v4"))
    return signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"})


@pytest.mark.parametrize("content_encoding", [None, "aws-chunked"])
def test_a_signed_chunked_put_stores_the_payload_not_the_framing(
    s3, bucket, put_url, content_encoding
):
    headers = {
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": str(len(PAYLOAD)),
    }
    if content_encoding is not None:
        headers["content-encoding"] = content_encoding
    response = requests.put(put_url, data=signed_frames(PAYLOAD), headers=headers, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == PAYLOAD
    assert got["ContentLength"] == len(PAYLOAD)
    assert "ContentEncoding" not in got  # aws-chunked is framing, not the object's encoding


@pytest.mark.parametrize(
    "sha256", ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]
)
def test_a_chunked_put_with_a_trailer_is_checked_against_it(s3, bucket, put_url, sha256):
    trailer = f"x-amz-checksum-crc32:{_crc32(PAYLOAD)}\r\nx-amz-trailer-signature:{SIG}".encode()
    if sha256.startswith("STREAMING-UNSIGNED"):
        trailer = f"x-amz-checksum-crc32:{_crc32(PAYLOAD)}".encode()
    headers = {
        "x-amz-content-sha256": sha256,
        "x-amz-decoded-content-length": str(len(PAYLOAD)),
        "x-amz-trailer": "x-amz-checksum-crc32",
    }
    body = signed_frames(PAYLOAD, trailer=trailer)
    response = requests.put(put_url, data=body, headers=headers, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == PAYLOAD
    assert got["ChecksumCRC32"] == _crc32(PAYLOAD)


@pytest.mark.parametrize(
    "trailer",
    [
        pytest.param(b"x-amz-checksum-crc32:\xff\xfe\x00\x80", id="value-not-utf8"),
        pytest.param(b"x-amz-checksum-\xe9:AAAAAA==", id="name-not-utf8"),
        pytest.param(b"x-amz-checksum-crc32AAAAAA==", id="no-colon"),
        pytest.param(b":AAAAAA==", id="empty-name"),
    ],
)
def test_a_malformed_trailer_is_malformed_trailer_error_and_stores_nothing(
    s3, bucket, put_url, trailer
):
    headers = {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(PAYLOAD)),
        "x-amz-trailer": "x-amz-checksum-crc32",
    }
    body = signed_frames(PAYLOAD, trailer=trailer)
    response = requests.put(put_url, data=body, headers=headers, timeout=TIMEOUT)
    assert response.status_code == 400
    assert "<Code>MalformedTrailerError</Code>" in response.text
    assert MALFORMED_TRAILER in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


class _Cut:
    """A body whose reads return at most ``cut`` bytes, splitting size lines, signatures and CRLFs."""

    def __init__(self, data: bytes, cut: int) -> None:
        self._data = io.BytesIO(data)
        self._cut = cut

    def read(self, size: int) -> bytes:
        return self._data.read(min(size, self._cut))


@settings(max_examples=60, deadline=None)
@given(
    payload=st.binary(max_size=3000),
    frame=st.integers(min_value=1, max_value=1200),
    cut=st.integers(min_value=1, max_value=4096),
    with_trailer=st.booleans(),
)
def test_signed_frames_decode_to_the_payload_however_they_are_cut(
    payload, frame, cut, with_trailer
):
    trailer = f"x-amz-checksum-crc32:{_crc32(payload)}".encode() if with_trailer else None
    trailers: dict[str, str] = {}
    framed = signed_frames(payload, size=frame, trailer=trailer)
    reader = AwsChunkedReader(_Cut(framed, cut), trailers, len(payload))
    assert reader.read() == payload
    assert trailers == ({"x-amz-checksum-crc32": _crc32(payload)} if with_trailer else {})

"""The floor: botocore answered by a ``before-send`` handler with canned responses.

This is what boto3 itself costs with no engine behind it (nothing is stored, nothing encrypted), so
``s3sse / floor`` is the price of the engine. The floor may route by operation name: it is not the
engine and needs no fidelity beyond what botocore parses.

Two floors, because boto3 does part of its work only when a server makes it:

- ``Floor(wire=False)``, the plain floor: minimal answers (request id, ETag, length) and the request
  body is never read. botocore then skips work it does against a real endpoint: framing the upload as
  aws-chunked and computing its CRC32 trailer (both happen lazily, as the body is read), parsing
  ``Last-Modified`` (``dateutil``) and the other headers S3 sends, and checking the CRC32 of a
  downloaded body (S3 sends ``x-amz-checksum-crc32`` when botocore asks for it, which it does by
  default since 1.36).
- ``Floor(wire=True)``, the wire floor: it drains the request body the cheapest way (frame by frame,
  as the engine reads it, not through ``read(16 KiB)`` as urllib3 would, which copies the rest of each
  1 MiB frame on every call), answers the headers S3 answers (with a correct CRC32 for botocore to
  check) and lists what S3 lists (checksums, URL-encoded keys), and hands over a freshly allocated
  copy of a downloaded body, as reading it from a socket would. That is boto3's own cost of one
  exchange with S3, which no in-process server can avoid.
"""

from __future__ import annotations

import base64
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSResponse

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
LAST_MODIFIED = "Mon, 23 Nov 2026 01:02:03 GMT"
BLOCK = 1024 * 1024


class _Raw(io.BytesIO):
    def stream(self, amt: int = 1024, decode_content: bool = True) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode()


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def drain(body: Any) -> None:
    """Read a request body to its end, as a server must (the cheapest way botocore allows)."""
    if body is None or isinstance(body, (bytes, bytearray, str)):
        return
    if hasattr(body, "_make_chunk") and hasattr(body, "__iter__"):
        for _ in body:  # botocore's AwsChunkedWrapper: one frame (and its CRC32 update) at a time
            pass
        return
    while body.read(BLOCK):
        pass


def _header(request: Any, name: str) -> str | None:
    value = request.headers.get(name)
    return value.decode() if isinstance(value, bytes) else value


def _encryption_headers(request: Any) -> dict[str, str]:
    """What S3 answers about encryption, echoing the request's SSE headers (AES256 otherwise)."""
    prefix = "x-amz-server-side-encryption"
    customer = _header(request, prefix + "-customer-algorithm")
    if customer is not None:
        md5 = _header(request, prefix + "-customer-key-MD5") or ""
        return {prefix + "-customer-algorithm": customer, prefix + "-customer-key-md5": md5}
    out = {prefix: _header(request, prefix) or "AES256"}
    for name in (prefix + "-aws-kms-key-id", prefix + "-bucket-key-enabled"):
        value = _header(request, name)
        if value is not None:
            out[name] = value
    return out


class Floor:
    """Canned answers; ``object_size`` is what GetObject/HeadObject report (see the module doc)."""

    def __init__(self, object_size: int = 1024, list_keys: int = 0, *, wire: bool = False) -> None:
        self.object_size = object_size
        self.list_keys = list_keys
        self.wire = wire
        self._body = b"\0" * object_size
        self._crc = _crc32(self._body) if wire else ""
        self._list = self._wire_list(list_keys) if wire else self._plain_list(list_keys)

    @staticmethod
    def _plain_list(keys: int) -> bytes:
        contents = "".join(
            f"<Contents><Key>k{i}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
            f'<ETag>"x"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>'
            for i in range(keys)
        )
        return _xml(
            f"<ListBucketResult {NS}><Name>bkt</Name><Prefix></Prefix><KeyCount>{keys}</KeyCount>"
            f"<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
        )

    @staticmethod
    def _wire_list(keys: int) -> bytes:
        """What S3 lists: each key's checksum, and keys URL-encoded, as boto3 asks by default (it
        then decodes every key)."""
        contents = "".join(
            f"<Contents><Key>list/{i:04d}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
            f'<ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>'
            f"<ChecksumType>FULL_OBJECT</ChecksumType><Size>1</Size><StorageClass>STANDARD</StorageClass>"
            f"</Contents>"
            for i in range(keys)
        )
        return _xml(
            f"<ListBucketResult {NS}><Name>bench</Name><Prefix>list/</Prefix><KeyCount>{keys}</KeyCount>"
            f"<MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
            f"{contents}</ListBucketResult>"
        )

    def _range(self, value: str) -> tuple[int, int]:
        """First and last byte of ``bytes=a-b``, ``bytes=a-`` (s3transfer's last part) or
        ``bytes=-n``."""
        first, _, last = value.split("=", 1)[1].partition("-")
        end = self.object_size - 1
        if not first:
            return max(0, self.object_size - int(last)), end
        return int(first), min(int(last), end) if last else end

    def _object_headers(self, request: Any) -> dict[str, str]:
        if not self.wire:
            return {}
        return {
            "last-modified": LAST_MODIFIED,
            "accept-ranges": "bytes",
            "content-type": "binary/octet-stream",
            **_encryption_headers(request),
        }

    def _wire_headers(self, headers: dict[str, str]) -> dict[str, str]:
        if self.wire:
            headers["x-amz-id-2"] = "s3sse/floor/" + "0" * 64
            headers["server"] = "AmazonS3"
        return headers

    def __call__(self, request: Any, event_name: str = "", **_: Any) -> AWSResponse:
        op = event_name.rsplit(".", 1)[-1]
        headers = {"x-amz-request-id": "0", "etag": '"d41d8cd98f00b204e9800998ecf8427e"'}
        body = b""
        status = 200
        if self.wire:
            drain(request.body)
        if op == "GetObject":
            rng = _header(request, "Range")
            data = self._body
            headers.update(self._object_headers(request))
            if rng:
                first, last = self._range(rng)
                data = self._body[first : last + 1]  # a fresh copy
                headers["content-range"] = f"bytes {first}-{last}/{self.object_size}"
                status = 206
            else:
                if self.wire and (_header(request, "x-amz-checksum-mode") or "") == "ENABLED":
                    headers["x-amz-checksum-crc32"] = self._crc
                    headers["x-amz-checksum-type"] = "FULL_OBJECT"
                # The wire floor hands over a fresh copy, as reading the body from a socket
                # allocates one; the plain floor hands over the same bytes every time.
                data = memoryview(data).tobytes() if self.wire else data
            body = data
            headers["content-length"] = str(len(data))
        elif op == "HeadObject":
            headers.update(self._object_headers(request))
            headers["content-length"] = str(self.object_size)
            return AWSResponse(request.url, 200, self._wire_headers(headers), _Raw(b""))
        elif op in {"PutObject", "UploadPart"} and self.wire:
            headers.update(_encryption_headers(request))
            headers["x-amz-checksum-crc32"] = "AAAAAA=="
            headers["x-amz-checksum-type"] = "FULL_OBJECT"
        elif op == "ListObjectsV2":
            body = self._list
        elif op == "CreateMultipartUpload":
            body = _xml(
                f"<InitiateMultipartUploadResult {NS}><Bucket>bkt</Bucket><Key>k</Key><UploadId>u</UploadId></InitiateMultipartUploadResult>"
            )
        elif op == "CompleteMultipartUpload":
            body = _xml(
                f'<CompleteMultipartUploadResult {NS}><Bucket>bkt</Bucket><Key>k</Key><ETag>"x-1"</ETag></CompleteMultipartUploadResult>'
            )
        elif op in {"GenerateDataKey", "Decrypt"}:
            blob = base64.b64encode(b"\0" * 32).decode()
            body = (
                f'{{"KeyId":"arn:aws:kms:us-east-1:123456789012:key/x","Plaintext":"{blob}","CiphertextBlob":"{blob}"}}'
            ).encode()
            headers = {
                "content-type": "application/x-amz-json-1.1",
                "content-length": str(len(body)),
            }
            return AWSResponse(request.url, status, headers, _Raw(body))
        headers.setdefault("content-length", str(len(body)))
        return AWSResponse(request.url, status, self._wire_headers(headers), _Raw(body))


@contextmanager
def floor(object_size: int = 1024, list_keys: int = 0, *, wire: bool = False) -> Iterator[Floor]:
    """Answer every botocore request of sessions created inside with canned responses."""
    handler = Floor(object_size, list_keys, wire=wire)
    entry = ("before-send", handler)
    botocore.handlers.BUILTIN_HANDLERS.append(entry)
    try:
        yield handler
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(entry)

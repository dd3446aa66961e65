"""The floor: botocore answered by a ``before-send`` handler with canned responses.

This is what boto3 itself costs with no engine behind it (no body is read, nothing is stored), so
``s3sse / floor`` is the price of the engine. The floor may route by operation name: it is not the
engine and needs no fidelity beyond what botocore parses.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.handlers
from botocore.awsrequest import AWSResponse

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


class _Raw(io.BytesIO):
    def stream(self, amt: int = 1024, decode_content: bool = True) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode()


class Floor:
    """Canned answers; ``object_size`` is what GetObject/HeadObject report."""

    def __init__(self, object_size: int = 1024, list_keys: int = 0) -> None:
        self.object_size = object_size
        self._body = b"\0" * object_size
        contents = "".join(
            f"<Contents><Key>k{i}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
            f'<ETag>"x"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>'
            for i in range(list_keys)
        )
        self._list = _xml(
            f"<ListBucketResult {NS}><Name>bkt</Name><Prefix></Prefix><KeyCount>{list_keys}</KeyCount>"
            f"<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
        )

    def __call__(self, request: Any, event_name: str = "", **_: Any) -> AWSResponse:
        op = event_name.rsplit(".", 1)[-1]
        headers = {"x-amz-request-id": "0", "etag": '"d41d8cd98f00b204e9800998ecf8427e"'}
        body = b""
        status = 200
        if op == "GetObject":
            rng = request.headers.get("Range")
            data = self._body
            if rng:
                text = rng.decode() if isinstance(rng, bytes) else rng
                first, last = text.split("=")[1].split("-")
                data = self._body[int(first) : int(last) + 1]
                headers["content-range"] = (
                    f"bytes {first}-{int(first) + len(data) - 1}/{self.object_size}"
                )
                status = 206
            body = data
            headers["content-length"] = str(len(data))
        elif op == "HeadObject":
            headers["content-length"] = str(self.object_size)
            return AWSResponse(request.url, 200, headers, _Raw(b""))
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
            import base64  # noqa: PLC0415

            blob = base64.b64encode(b"\0" * 32).decode()
            body = (
                f'{{"KeyId":"arn:aws:kms:us-east-1:123456789012:key/x","Plaintext":"{blob}","CiphertextBlob":"{blob}"}}'
            ).encode()
            headers = {"content-type": "application/x-amz-json-1.1"}
        headers.setdefault("content-length", str(len(body)))
        return AWSResponse(request.url, status, headers, _Raw(body))


@contextmanager
def floor(object_size: int = 1024, list_keys: int = 0) -> Iterator[Floor]:
    """Answer every botocore request of sessions created inside with canned responses."""
    handler = Floor(object_size, list_keys)
    entry = ("before-send", handler)
    botocore.handlers.BUILTIN_HANDLERS.append(entry)
    try:
        yield handler
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(entry)

"""Building the engine's HttpRequest from what any client library hands over (the one place that
knows the declared length and the aws-chunked framing, shared by the botocore and requests adapters)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pytest_s3sse._internal.errors.s3 import MissingContentLength
from pytest_s3sse._internal.http import HttpRequest, RequestBody, ascii_decimal
from pytest_s3sse._internal.wire.chunked import AwsChunkedReader, is_aws_chunked


def build_request(
    method: str, url: str, headers: dict[str, str], body: RequestBody, chunked_source: Any
) -> HttpRequest:
    """An HttpRequest; ``chunked_source`` is read when the body is aws-chunked (decoded on the fly)."""
    parts = urlsplit(url)
    declared = headers.get("x-amz-decoded-content-length") or headers.get("content-length")
    length = None if declared is None else _length(declared)
    trailers: dict[str, str] = {}
    if is_aws_chunked(headers):
        if declared is not None and length is None:
            # Refused when the edge reads the body, inside dispatch, where S3 errors are rendered.
            body = _UnknownLength()
        else:
            body = AwsChunkedReader(chunked_source, trailers, length)
    return HttpRequest(
        method=method.upper(),
        scheme=parts.scheme,
        host=parts.netloc.lower(),
        path=parts.path or "/",
        query=parts.query,
        headers=headers,
        body=body,
        trailers=trailers,
        decoded_length=length,
    )


# More digits than this is more bytes than any body has: the length check will fail on it.
_PAST_ANY_LENGTH = 10**19


def _length(declared: str) -> int | None:
    """A declared length: None unless ASCII digits; a number too long to read stays unmatched."""
    if not (declared.isascii() and declared.isdigit()):  # on every request: checked once, inline
        return None
    if len(declared) <= 19:
        return int(declared)
    value = ascii_decimal(declared, 19)  # leading zeros, or more digits than any body has
    return _PAST_ANY_LENGTH if value is None else value


class _UnknownLength:
    """An aws-chunked body whose ``x-amz-decoded-content-length`` is no number: reading it is 411
    MissingContentLength (A reported, versitygw#1656), not a ValueError out of the adapter."""

    def read(self, size: int = -1, /) -> bytes:
        raise MissingContentLength

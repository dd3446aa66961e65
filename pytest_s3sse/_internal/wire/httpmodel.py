"""Building the engine's HttpRequest from what any client library hands over (the one place that
knows the declared length and the aws-chunked framing, shared by the botocore and requests adapters)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pytest_s3sse._internal.http import HttpRequest, RequestBody
from pytest_s3sse._internal.wire.chunked import AwsChunkedReader, is_aws_chunked


def build_request(
    method: str, url: str, headers: dict[str, str], body: RequestBody, chunked_source: Any
) -> HttpRequest:
    """An HttpRequest; ``chunked_source`` is read when the body is aws-chunked (decoded on the fly)."""
    parts = urlsplit(url)
    declared = headers.get("x-amz-decoded-content-length") or headers.get("content-length")
    length = int(declared) if declared is not None and declared.isdigit() else None
    trailers: dict[str, str] = {}
    if is_aws_chunked(headers):
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

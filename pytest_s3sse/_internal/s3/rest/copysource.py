"""Protocol edge: the ``x-amz-copy-source`` header of CopyObject and UploadPartCopy.

Form: ``[/]bucket/key[?versionId=id]``, URL-encoded. A value without a key is
400 InvalidArgument ``Invalid copy source object key`` with ArgumentName and ArgumentValue both
``x-amz-copy-source`` (A, LocalStack snapshot test_s3_copy_object_wrong_format).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from pytest_s3sse._internal.errors.s3 import InvalidArgument

HEADER = "x-amz-copy-source"
# The prefix of the copy-source variants of the SSE-C and conditional headers.
PREFIX = "x-amz-copy-source-"


@dataclass(frozen=True, slots=True)
class CopySource:
    """The source a copy names."""

    bucket: str
    key: str
    version_id: str | None = None


def parse(value: str) -> CopySource:
    """Parse an ``x-amz-copy-source`` value."""
    path, _, query = value.partition("?")
    path = unquote(path).lstrip("/")
    bucket, slash, key = path.partition("/")
    if not bucket or not slash or not key:
        raise InvalidArgument("Invalid copy source object key", HEADER, HEADER)
    version = parse_qs(query).get("versionId", [None])[0] if query else None
    return CopySource(bucket, key, version)

"""The Range header of GetObject (single byte ranges, as S3 serves them).

S3 serves one range per request. A header that is not a valid single ``bytes=`` range is ignored and the
whole object is returned (200); a valid range that starts at or beyond the end is 416 InvalidRange.
"""

from __future__ import annotations

import re

from pytest_s3sse._internal.errors.s3 import InvalidRange

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def resolve(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` (stop exclusive) for a Range header, None for "serve everything"."""
    if header is None:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise InvalidRange(header, size)
        return max(size - suffix, 0), size
    start = int(first)
    stop = size if last == "" else min(int(last) + 1, size)
    if last != "" and int(last) < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        raise InvalidRange(header, size)
    return start, stop


def content_range(start: int, stop: int, size: int) -> str:
    """The Content-Range value of a 206 response."""
    return f"bytes {start}-{stop - 1}/{size}"

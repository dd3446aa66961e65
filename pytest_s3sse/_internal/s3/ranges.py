"""The Range header of GetObject (single byte ranges, as S3 serves them).

S3 serves one range per request. A header that is not a valid single ``bytes=`` range is ignored and the
whole object is returned (200); a valid range that starts at or beyond the end is 416 InvalidRange.
"""

from __future__ import annotations

import re

from pytest_s3sse._internal.errors.s3 import InvalidRange
from pytest_s3sse._internal.http import ascii_decimal

# ASCII digits only: ``\d`` would take Unicode digits, which HTTP's grammar does not (RFC 9110 14.1.1).
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)")
# An offset longer than 19 digits is past the end of any object: read as this, never by int(),
# which refuses more than 4,300 digits.
_PAST_ANY_END = 10**19


def offset(digits: str) -> int:
    """A byte offset written in ASCII digits (more than 19 of them: past the end of any object)."""
    if len(digits) <= 19:  # the usual case, the pattern matched ASCII digits
        return int(digits)
    value = ascii_decimal(digits, 19)  # leading zeros, or more digits than int() should read
    return _PAST_ANY_END if value is None else value


def magnitude(digits: str) -> tuple[int, str]:
    """Orders ASCII digit strings as the numbers they write, however long, without int()."""
    significant = digits.lstrip("0")
    return len(significant), significant


def resolve(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` (stop exclusive) for a Range header, None for "serve everything"."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        suffix = offset(last)
        if suffix == 0 or size == 0:
            raise InvalidRange(header, size)
        return max(size - suffix, 0), size
    start = offset(first)
    end = None if last == "" else offset(last)
    if end is not None and (
        end < start or (end == _PAST_ANY_END and magnitude(last) < magnitude(first))
    ):
        return None  # syntactically invalid: ignored
    if start >= size:
        raise InvalidRange(header, size)
    return start, size if end is None else min(end + 1, size)


def content_range(start: int, stop: int, size: int) -> str:
    """The Content-Range value of a 206 response."""
    return f"bytes {start}-{stop - 1}/{size}"

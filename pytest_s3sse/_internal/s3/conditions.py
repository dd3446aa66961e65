"""Conditional requests (If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since).

S3 follows RFC 7232 with its documented precedence (GetObject API reference): when If-Match holds,
If-Unmodified-Since is not consulted (200); when If-None-Match fails (the ETag matches),
If-Modified-Since is not consulted (304). Failures of If-Match / If-Unmodified-Since are
412 PreconditionFailed and are checked first; the others give 304 Not Modified on GET and HEAD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from pytest_s3sse._internal.errors.s3 import NoSuchKey, NotModified, PreconditionFailed


@dataclass(frozen=True, slots=True)
class Conditions:
    """The four conditional values of a request, as sent."""

    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: str | None = None
    if_unmodified_since: str | None = None
    header_prefix: str = "If-"

    @property
    def any(self) -> bool:
        """True when at least one condition was sent."""
        return (
            self.if_match is not None
            or self.if_none_match is not None
            or self.if_modified_since is not None
            or self.if_unmodified_since is not None
        )


def _etags(value: str) -> set[str]:
    return {part.strip().strip('"') for part in value.split(",") if part.strip()}


def etag_matches(header: str, etag: str) -> bool:
    """True when an If-Match/If-None-Match list names ``etag`` (or is ``*``)."""
    tags = _etags(header)
    return "*" in tags or etag in tags


def _date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        # An unparsable date is ignored, as HTTP says (RFC 9110 13.1.3, 13.1.4); so is one whose
        # year or hour does not fit a C integer (OverflowError): U for S3, which ignores invalid
        # dates (P, RFC behaviour S3's GetObject reference follows).
        return None
    return parsed if parsed.tzinfo is not None else None


def evaluate(conditions: Conditions, etag: str, last_modified: datetime, *, now: datetime) -> None:
    """Raise PreconditionFailed (412) or NotModified (304) as S3 would for a read."""
    if not conditions.any:
        return
    modified = last_modified.replace(microsecond=0)
    prefix = conditions.header_prefix
    if conditions.if_match is not None:
        if not etag_matches(conditions.if_match, etag):
            raise PreconditionFailed(f"{prefix}Match")
    else:
        since = _date(conditions.if_unmodified_since)
        if since is not None and modified > since:
            raise PreconditionFailed(f"{prefix}Unmodified-Since")
    if conditions.if_none_match is not None:
        if etag_matches(conditions.if_none_match, etag):
            raise NotModified(etag, last_modified)
    else:
        since = _date(conditions.if_modified_since)
        if since is not None and since <= now and modified <= since:
            raise NotModified(etag, last_modified)


def evaluate_copy_source(
    conditions: Conditions, etag: str, last_modified: datetime, *, now: datetime
) -> None:
    """A copy's ``x-amz-copy-source-if-*`` conditions: read rules, but 412 where a read says 304.

    A copy has no "not modified" answer, so a matching if-none-match or a not-modified
    if-modified-since is 412 PreconditionFailed naming the copy-source header; the order of
    evaluation and the ignored future if-modified-since are those of reads (A, LocalStack snapshot
    test_s3_copy_object_preconditions; ``docs/_research/s3-errors.md`` section 5b).
    """
    try:
        evaluate(conditions, etag, last_modified, now=now)
    except NotModified:
        failed = "None-Match" if conditions.if_none_match is not None else "Modified-Since"
        raise PreconditionFailed(f"{conditions.header_prefix}{failed}") from None


def check_write(conditions: Conditions, current_etag: str | None, key: str) -> None:
    """A conditional write (PutObject, CopyObject, CompleteMultipartUpload) against the key as it is.

    ``If-None-Match: *`` fails when the key exists; ``If-Match`` needs the key (404 NoSuchKey) and its
    ETag (412). A, LocalStack snapshots test_put_object_if_none_match, test_put_object_if_match,
    test_multipart_if_match_with_delete (docs/_research/s3-errors.md section 5c).
    """
    if conditions.if_none_match is not None and current_etag is not None:
        raise PreconditionFailed("If-None-Match")
    if conditions.if_match is not None:
        if current_etag is None:
            raise NoSuchKey(key)
        if not etag_matches(conditions.if_match, current_etag):
            raise PreconditionFailed("If-Match")

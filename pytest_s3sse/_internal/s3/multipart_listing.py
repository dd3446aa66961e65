"""Listing the multipart uploads in progress (ListMultipartUploads): order, markers, prefixes.

Uploads are ordered by key, then by initiation time, not by upload id whatever the API reference says
(A, LocalStack snapshot test_list_multiparts_next_marker / list-multiparts-all). An ``upload-id-marker``
counts only with a ``key-marker`` and must name an upload of that key; the next markers name the last
upload listed even when the list is complete (same test). As in ListObjects (``listing.py``), a common
prefix that sorts at or before the key marker was already answered, so its keys are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.s3.records import MultipartUpload

# Section 7, A: LocalStack snapshot test_list_multiparts_next_marker / list-multiparts-wrong-id-for-key.
MSG_UPLOAD_ID_MARKER = "Invalid uploadId marker"


@dataclass(frozen=True, slots=True)
class UploadsQuery:
    """One page: uploads under ``prefix`` after the markers, rolled up at ``delimiter`` ("" = none)."""

    prefix: str = ""
    delimiter: str = ""
    key_marker: str = ""
    upload_id_marker: str = ""
    max_uploads: int = 1000


@dataclass(frozen=True, slots=True)
class UploadsPage:
    """One page of ListMultipartUploads: uploads and common prefixes, and where the next page starts."""

    uploads: tuple[MultipartUpload, ...]
    prefixes: tuple[str, ...]
    truncated: bool
    next_key_marker: str
    next_upload_id_marker: str


def _after_markers(ordered: list[MultipartUpload], query: UploadsQuery) -> list[MultipartUpload]:
    if not query.key_marker:
        return ordered
    later = [u for u in ordered if u.key > query.key_marker]
    if not query.upload_id_marker:
        return later
    same_key = [u for u in ordered if u.key == query.key_marker]
    ids = [u.upload_id for u in same_key]
    if query.upload_id_marker not in ids:
        raise InvalidArgument(MSG_UPLOAD_ID_MARKER, "upload-id-marker", query.upload_id_marker)
    return same_key[ids.index(query.upload_id_marker) + 1 :] + later


def page(uploads: Iterable[MultipartUpload], query: UploadsQuery) -> UploadsPage:
    """The page ``query`` asks for among ``uploads`` (a snapshot taken by the store)."""
    ordered = sorted(
        uploads, key=lambda u: (u.key, u.initiated)
    )  # stable: ties keep creation order
    prefix, delimiter = query.prefix, query.delimiter
    entries: list[MultipartUpload | str] = []
    truncated = False
    for upload in _after_markers(ordered, query):
        if not upload.key.startswith(prefix):
            continue
        cut = upload.key.find(delimiter, len(prefix)) if delimiter else -1
        entry: MultipartUpload | str = upload if cut < 0 else upload.key[: cut + len(delimiter)]
        if isinstance(entry, str) and (
            (entries and entries[-1] == entry) or (query.key_marker and entry <= query.key_marker)
        ):
            continue
        if len(entries) >= query.max_uploads:
            truncated = query.max_uploads > 0  # max-uploads=0 lists nothing, not truncated (U)
            break
        entries.append(entry)
    listed = tuple(e for e in entries if isinstance(e, MultipartUpload))
    next_key, next_id = (listed[-1].key, listed[-1].upload_id) if listed else ("", "")
    if truncated and isinstance(entries[-1], str):
        next_key, next_id = entries[-1], ""
    prefixes = tuple(e for e in entries if isinstance(e, str))
    return UploadsPage(listed, prefixes, truncated, next_key, next_id)

"""Listing a bucket's versions (ListObjectVersions): prefix, delimiter, key and version-id markers.

Order (A, LocalStack snapshot test_list_objects_versions_markers; replication-behaviour.md 1.5): by
key, then newest first within a key; versions and delete markers interleaved, both counted by
``max-keys``. Markers are exclusive and the next markers name the LAST entry returned (A: the capture
disagrees with the API reference's "first key not returned"). ``key-marker`` alone skips every
version of that key. Runs under the store's lock (:meth:`Store.read`), walking
:attr:`Bucket.sorted_keys` from a bisected start as :mod:`~pytest_s3sse._internal.s3.listing` does.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.s3.listing import MAX_KEYS, _end_of_run
from pytest_s3sse._internal.s3.records import Version
from pytest_s3sse._internal.s3.store import Bucket, Store

# E5 (A, LocalStack snapshot test_list_objects_versions_markers).
MSG_VERSION_MARKER_ALONE = "A version-id marker cannot be specified without a key marker."


@dataclass(frozen=True, slots=True)
class VersionQuery:
    """One page of versions: under ``prefix``, after (``key_marker``, ``version_id_marker``)."""

    prefix: str = ""
    delimiter: str = ""
    max_keys: int = MAX_KEYS
    key_marker: str = ""
    version_id_marker: str = ""


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """One version (an object or a delete marker) and whether it is its key's latest."""

    version: Version
    is_latest: bool


@dataclass(frozen=True, slots=True)
class VersionPage:
    """One page: versions in order, common prefixes, and where the next page starts."""

    entries: tuple[VersionEntry, ...]
    common_prefixes: tuple[str, ...]
    truncated: bool
    next_key_marker: str | None
    next_version_id_marker: str | None


def check(query: VersionQuery) -> None:
    """E5: a version-id marker needs a key marker."""
    if query.version_id_marker and not query.key_marker:
        raise InvalidArgument(
            MSG_VERSION_MARKER_ALONE, "version-id-marker", query.version_id_marker
        )


def _rolled_up(key: str, query: VersionQuery) -> str | None:
    if not query.delimiter:
        return None
    at = key.find(query.delimiter, len(query.prefix))
    return None if at < 0 else key[: at + len(query.delimiter)]


def page(bucket: Bucket, query: VersionQuery) -> VersionPage:
    """The page ``query`` asks for (run under the store's lock)."""
    limit = min(query.max_keys, MAX_KEYS)
    keys = bucket.sorted_keys
    if query.key_marker and query.version_id_marker:
        start = bisect_left(keys, query.key_marker)  # resume inside the marker's key
    else:
        start = bisect_right(keys, query.key_marker) if query.key_marker else 0
    index = max(bisect_left(keys, query.prefix), start)
    entries: list[VersionEntry] = []
    prefixes: list[str] = []
    truncated = False
    last: tuple[str, str | None] | None = None
    while index < len(keys):
        key = keys[index]
        if not key.startswith(query.prefix):
            break
        common = _rolled_up(key, query)
        if common is not None:
            if query.key_marker and common <= query.key_marker:
                index = _end_of_run(keys, common, index)
                continue
            if len(entries) + len(prefixes) >= limit:
                truncated = True
                break
            prefixes.append(common)
            last = (common, None)
            index = _end_of_run(keys, common, index)
            continue
        versions = bucket.objects[key]
        newest_first = list(reversed(versions))
        if key == query.key_marker and query.version_id_marker:
            ids = [v.version_id for v in newest_first]
            if query.version_id_marker in ids:
                newest_first = newest_first[ids.index(query.version_id_marker) + 1 :]
        for version in newest_first:
            if len(entries) + len(prefixes) >= limit:
                truncated = True
                break
            entries.append(VersionEntry(version, version is versions[-1]))
            last = (key, version.version_id)
        if truncated:
            break
        index += 1
    if not truncated or last is None:
        return VersionPage(tuple(entries), tuple(prefixes), truncated, None, None)
    return VersionPage(tuple(entries), tuple(prefixes), True, last[0], last[1])


def list_versions(store: Store, bucket_name: str, query: VersionQuery) -> VersionPage:
    """A page of ``bucket_name``'s versions (NoSuchBucket if it does not exist)."""
    check(query)
    return store.read(bucket_name, page, query)

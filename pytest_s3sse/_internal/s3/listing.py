"""Listing a bucket's keys (ListObjects and ListObjectsV2): prefix, delimiter and pagination.

A page is found by bisecting :attr:`Bucket.sorted_keys` (kept sorted on every write) and walking
forward, so its cost is a few ``O(log n)`` searches plus the entries it returns: keys outside
the prefix are never visited, and a run of keys rolled up into one common prefix is skipped with
one more search. Python compares ``str`` by code point, the order of their UTF-8 bytes: S3's order.

A page starts strictly after a position (``marker``, ``start-after`` or a continuation token, which
here is that position in base64). Like S3, a common prefix that sorts at or before that position
was already answered, so its keys are skipped (A, LocalStack snapshot
test_list_objects_marker_common_prefixes: marker ``folder/aSubfolder/subFile1`` lists
``folder/file1`` next, with no ``folder/aSubfolder/`` prefix).
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.s3.records import StoredObject
from pytest_s3sse._internal.s3.store import Bucket, Store

MAX_KEYS = 1000
# A (LocalStack snapshot test_list_objects_v2_continuation_start_after/exc-continuation-token;
# s3-errors.md section 9). ArgumentName only, no ArgumentValue, as recorded.
MSG_BAD_CONTINUATION = "The continuation token provided is incorrect"
_TOKEN_TAG = b"\x01"  # marks tokens this engine issued, so a made-up token is refused


@dataclass(frozen=True, slots=True)
class ListQuery:
    """One page: keys under ``prefix``, strictly after ``after``, rolled up at ``delimiter``.

    An empty ``delimiter`` means none (S3 ignores an empty one). ``max_keys`` above 1000 returns at
    most 1000 entries (P, ListObjectsV2 API reference).
    """

    prefix: str = ""
    delimiter: str = ""
    max_keys: int = MAX_KEYS
    after: str = ""


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page: objects and common prefixes in key order, and where the next page starts."""

    objects: tuple[StoredObject, ...]
    common_prefixes: tuple[str, ...]
    truncated: bool
    last: str | None

    @property
    def count(self) -> int:
        """Entries returned: objects plus common prefixes (S3's KeyCount)."""
        return len(self.objects) + len(self.common_prefixes)


def _past(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix`` (None: there is none)."""
    stem = prefix.rstrip("\U0010ffff")
    if not stem:
        return None
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def _end_of_run(keys: list[str], prefix: str, lo: int) -> int:
    """The index just past the keys from ``lo`` on that start with ``prefix``."""
    bound = _past(prefix)
    return len(keys) if bound is None else bisect_left(keys, bound, lo)


def _rolled_up(key: str, query: ListQuery) -> str | None:
    """The common prefix ``key`` rolls up into, if the delimiter occurs after the prefix."""
    if not query.delimiter:
        return None
    at = key.find(query.delimiter, len(query.prefix))
    return None if at < 0 else key[: at + len(query.delimiter)]


def page(bucket: Bucket, query: ListQuery) -> ListPage:
    """The page ``query`` asks for (run under the store's lock, by :meth:`Store.read`)."""
    limit = min(query.max_keys, MAX_KEYS)
    if limit <= 0:  # A (reported, ceph s3-tests test_bucket_list_maxkeys_zero): not truncated
        return ListPage((), (), truncated=False, last=None)
    keys = bucket.sorted_keys
    index = max(bisect_left(keys, query.prefix), bisect_right(keys, query.after))
    objects: list[StoredObject] = []
    prefixes: list[str] = []
    truncated = False
    while index < len(keys):
        key = keys[index]
        if not key.startswith(query.prefix):
            break
        common = _rolled_up(key, query)
        if common is not None and common <= query.after:
            index = _end_of_run(keys, common, index)
            continue
        if common is not None and bucket.versioning is not None:
            end = _end_of_run(keys, common, index)
            if not any(bucket.current(keys[i]) is not None for i in range(index, end)):
                index = end  # every key under it is deleted (its latest is a delete marker)
                continue
        if len(objects) + len(prefixes) == limit:
            truncated = True
            break
        if common is None:
            obj = bucket.current(key)
            if obj is not None:
                objects.append(obj)
            index += 1
        else:
            prefixes.append(common)
            index = _end_of_run(keys, common, index)
    last = max(objects[-1].key if objects else "", prefixes[-1] if prefixes else "") or None
    return ListPage(tuple(objects), tuple(prefixes), truncated, last)


def list_objects(store: Store, bucket_name: str, query: ListQuery) -> ListPage:
    """A page of ``bucket_name`` (NoSuchBucket if it does not exist)."""
    return store.read(bucket_name, page, query)


def encode_token(position: str) -> str:
    """A continuation token: the position a page ended at, tagged and base64-encoded."""
    return base64.b64encode(_TOKEN_TAG + position.encode()).decode()


def bad_token() -> InvalidArgument:
    """S3's answer to an empty or made-up continuation token."""
    err = InvalidArgument(MSG_BAD_CONTINUATION)
    err.extra["ArgumentName"] = "continuation-token"
    return err


def decode_token(token: str) -> str:
    """The position a continuation token names (InvalidArgument if this engine did not issue it)."""
    try:
        raw = base64.b64decode(token, validate=True)
        if not raw.startswith(_TOKEN_TAG):
            raise bad_token()
        return raw[len(_TOKEN_TAG) :].decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_token() from None

"""Object and bucket tags: AWS's tag rules, and the tagging operations over the store.

Tags are part of what a writer sets on an object (:class:`~pytest_s3sse._internal.s3.store.
ObjectAttributes` ``tags``), so PutObject, CopyObject and CreateMultipartUpload carry them like
metadata, and PutObjectTagging replaces them through the store without making a new object: the ETag
and LastModified stay (P: S3 user guide "Categorizing your storage using tags": tags are subresources;
a tag change is not a write of the object).

The rules (each text's source beside it; docs/tagging.md and docs/errors.md list them):

- at most 10 tags per object, 50 per bucket (P: user guide "Object tagging", "Cost allocation tags");
- a key of 1 to 128, a value of 0 to 256 characters, counted in UTF-16 code units as S3 stores them
  (P: "Amazon S3 object tags are internally represented in UTF-16");
- keys and values only of Unicode letters, numbers, white space and ``_ . : / = + - @`` (P: user guide
  "Tagging"; IAM's ``Tag`` pattern ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]``);
- no key prefixed ``aws:`` (P: billing "AWS-generated tags ... which you can't assign");
- unique keys.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from pytest_s3sse._internal.errors.s3 import BadRequest, InvalidTag, NoSuchKey
from pytest_s3sse._internal.s3.objects import marker_not_allowed
from pytest_s3sse._internal.s3.records import DeleteMarker, StoredObject, Tags, Version
from pytest_s3sse._internal.s3.store import Bucket, Store

OBJECT_TAG_LIMIT = 10
BUCKET_TAG_LIMIT = 50
KEY_LIMIT = 128
VALUE_LIMIT = 256
RESERVED_PREFIX = "aws:"
_SYMBOLS = frozenset("_.:/=+-@")
# S: hashicorp/terraform-provider-aws#19895 (PutObject's header) and #41747 (PutObjectTagging) quote
# AWS's "BadRequest: Object tags cannot be greater than 10". U for the bucket's (by analogy; T:
# S3 clones answer it so).
MSG_TOO_MANY = {
    OBJECT_TAG_LIMIT: "Object tags cannot be greater than 10",
    BUCKET_TAG_LIMIT: "Bucket tag count cannot be greater than 50",
}
# S: aws/aws-cli#2841 quotes AWS's "InvalidTag: The TagKey you have provided is invalid" for a key
# holding brackets; the value's twin is T (scality/arsenal).
MSG_KEY_INVALID = "The TagKey you have provided is invalid"
MSG_VALUE_INVALID = "The TagValue you have provided is invalid"
# T (S3 implementations that mirror AWS: moto, versitygw): the length texts.
MSG_KEY_TOO_LONG = "The TagKey you have provided is too long, max 128"
MSG_VALUE_TOO_LONG = "The TagValue you have provided is too long, max 256"
# T (moto InvalidTagError): the reserved prefix.
MSG_RESERVED = "Your TagKey cannot be prefixed with aws:"
# T (moto DuplicateTagKeys, scality/arsenal): duplicate keys in a TagSet document.
MSG_DUPLICATE = "Cannot provide multiple Tags with the same key"


def _utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes (S3 counts tags so)."""
    return len(text.encode("utf-16-le")) // 2


def _allowed(text: str) -> bool:
    """Only letters, numbers, white space and ``_ . : / = + - @``."""
    return all(
        ch in _SYMBOLS or unicodedata.category(ch)[0] in "LNZ" or ch in "\t\n\r" for ch in text
    )


def check_tags(pairs: Iterable[tuple[str, str]], *, limit: int = OBJECT_TAG_LIMIT) -> Tags:
    """The tag set ``pairs`` make, sorted by key as S3 answers it (S: ceph s3-tests
    test_put_obj_with_tags reads a header's tags back in key order), or AWS's error.

    Order of the checks (U: AWS documents none): the count, then each tag in turn (duplicate, key
    characters, key length, reserved prefix, value characters, value length).
    """
    tags = list(pairs)
    if len(tags) > limit:
        raise BadRequest(MSG_TOO_MANY[limit])
    seen: set[str] = set()
    for key, value in tags:
        if key in seen:
            raise InvalidTag(MSG_DUPLICATE, extra={"TagKey": key})
        seen.add(key)
        if not key or not _allowed(key):
            raise InvalidTag(MSG_KEY_INVALID, extra={"TagKey": key})
        if _utf16_length(key) > KEY_LIMIT:
            raise InvalidTag(MSG_KEY_TOO_LONG, extra={"TagKey": key})
        if key.startswith(RESERVED_PREFIX):
            raise InvalidTag(MSG_RESERVED, extra={"TagKey": key})
        if not _allowed(value):
            raise InvalidTag(MSG_VALUE_INVALID, extra={"TagKey": key, "TagValue": value})
        if _utf16_length(value) > VALUE_LIMIT:
            raise InvalidTag(MSG_VALUE_TOO_LONG, extra={"TagKey": key, "TagValue": value})
    return tuple(sorted(tags))


def _version(found: Version | None, key: str, method: str) -> StoredObject:
    """The version a tagging request names (the current one without ``versionId``): NoSuchKey when
    there is none, 405 MethodNotAllowed for a delete marker named by id (replication-behaviour.md D6)."""
    if found is None:
        raise NoSuchKey(key)
    if isinstance(found, DeleteMarker):
        raise marker_not_allowed(found, method)
    return found


class TaggingService:
    """Put/Get/DeleteObjectTagging and Put/Get/DeleteBucketTagging over the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def object_tags(
        self, bucket: str, key: str, version_id: str | None, method: str = "GET"
    ) -> StoredObject:
        """The version whose tags GetObjectTagging answers (``version_id``: InvalidArgument for an
        id never issued, NoSuchVersion for one gone, as GetObject)."""
        if version_id is None:
            return _version(self.store.current(bucket, key), key, method)
        return _version(self.store.version(bucket, key, version_id), key, method)

    def set_object_tags(
        self, bucket: str, key: str, tags: Tags, version_id: str | None, method: str = "PUT"
    ) -> StoredObject:
        """Replace the version's tags (no new version, same ETag and LastModified)."""

        def change(found: Version | None) -> StoredObject:
            obj = _version(found, key, method)
            return replace(obj, attributes=replace(obj.attributes, tags=tags))

        return self.store.retag(bucket, key, change, version_id)

    def bucket_tags(self, bucket: str) -> Tags | None:
        """The bucket's tags (None: it has none)."""
        return self.store.bucket(bucket).tags

    def set_bucket_tags(self, bucket: str, tags: Tags | None) -> Bucket:
        """Put (an empty set deletes: P, "If you send this request with an empty tag set, Amazon S3
        deletes the existing tag set") or delete (None) the bucket's tags."""
        return self.store.set_bucket_tags(bucket, tags or None)

"""The S3 store: buckets, their objects and their multipart uploads.

Everything kept here is immutable once written (a :class:`StoredObject` is frozen), so a reader takes a
reference under the lock and decrypts outside it. A key maps to a list of versions, newest last, so
versioning can arrive without reshaping the store; an unversioned bucket keeps one ``null`` version.
Keys are also kept sorted for listing (``bisect``), so a write costs O(log n) to find its place.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from pytest_s3sse.crypto.segments import SealedPart
from pytest_s3sse.errors.s3 import NoSuchBucket
from pytest_s3sse.sse.envelope import Envelope
from pytest_s3sse.sse.rules import IMPLICIT_DEFAULT, BucketDefault
from pytest_s3sse.types import ChecksumAlgorithm, ObjectEncryption, Principal

EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ObjectAttributes:
    """What a writer sets on an object besides its bytes (standard headers and user metadata)."""

    content_type: str = "binary/octet-stream"
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    expires: str | None = None
    metadata: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    storage_class: str = "STANDARD"
    website_redirect: str | None = None


@dataclass(frozen=True, slots=True)
class Checksum:
    """An additional checksum of the whole object (or composite ``-N`` of its parts)."""

    algorithm: ChecksumAlgorithm
    value: str
    type: str = "FULL_OBJECT"


@dataclass(frozen=True, slots=True)
class StoredObject:
    """One version of one object: its metadata, envelope and ciphertext."""

    bucket: str
    key: str
    size: int
    etag: str
    last_modified: datetime
    attributes: ObjectAttributes
    envelope: Envelope
    parts: tuple[SealedPart, ...]
    checksum: Checksum | None = None
    version_id: str = "null"

    @property
    def encryption(self) -> ObjectEncryption:
        """How the object is encrypted."""
        return self.envelope.encryption

    @property
    def quoted_etag(self) -> str:
        """The ETag as S3 sends it, in double quotes."""
        return f'"{self.etag}"'

    @property
    def parts_count(self) -> int:
        """How many parts the object was uploaded in (1 for a single PUT)."""
        return len(self.parts)


@dataclass(frozen=True, slots=True)
class UploadedPart:
    """One part of a multipart upload in progress: its ciphertext and what S3 reports about it.

    ``checksum`` is the part's additional checksum when its UploadPart computed one; it counts (in
    ListParts and in the composite checksum) only when the upload itself has a checksum algorithm.
    """

    sealed: SealedPart
    etag: str
    last_modified: datetime
    checksum: Checksum | None = None

    @property
    def number(self) -> int:
        """The part number it was uploaded with (also bound into its segments' associated data)."""
        return self.sealed.part_number

    @property
    def size(self) -> int:
        """Plaintext bytes."""
        return self.sealed.size


@dataclass(eq=False)
class MultipartUpload:
    """A multipart upload in progress.

    Its data key exists only wrapped, in ``envelope`` (made once, at CreateMultipartUpload), so nothing
    but ciphertext and wrapped keys is ever at rest. ``parts`` maps part numbers to the latest upload of
    each; it is read and changed only under the store lock.
    """

    upload_id: str
    bucket: str
    key: str
    initiated: datetime
    initiator: Principal
    attributes: ObjectAttributes
    envelope: Envelope
    checksum_algorithm: ChecksumAlgorithm | None = None
    checksum_type: str | None = None
    parts: dict[int, UploadedPart] = field(default_factory=dict)

    @property
    def encryption(self) -> ObjectEncryption:
        """How the object will be encrypted."""
        return self.envelope.encryption


@dataclass(eq=False)
class Bucket:
    """A bucket: name, region, owner, default encryption, objects and uploads."""

    name: str
    region: str
    owner_account: str
    created: datetime
    default_encryption: BucketDefault = IMPLICIT_DEFAULT
    objects: dict[str, list[StoredObject]] = field(default_factory=dict)
    sorted_keys: list[str] = field(default_factory=list)
    uploads: dict[str, MultipartUpload] = field(default_factory=dict)

    def current(self, key: str) -> StoredObject | None:
        """The current version of ``key``, or None."""
        versions = self.objects.get(key)
        return versions[-1] if versions else None

    def put(self, obj: StoredObject) -> None:
        """Make ``obj`` the current (only, while unversioned) version of its key."""
        if obj.key not in self.objects:
            bisect.insort(self.sorted_keys, obj.key)
        self.objects[obj.key] = [obj]

    def remove(self, key: str) -> StoredObject | None:
        """Delete ``key``; returns what was removed, if anything."""
        versions = self.objects.pop(key, None)
        if versions is None:
            return None
        index = bisect.bisect_left(self.sorted_keys, key)
        del self.sorted_keys[index]
        return versions[-1]

    @property
    def is_empty(self) -> bool:
        """True when the bucket holds no objects."""
        return not self.objects


class Store:
    """All buckets of one engine. Mutations take :attr:`lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.buckets: dict[str, Bucket] = {}

    def bucket(self, name: str) -> Bucket:
        """The bucket called ``name`` or NoSuchBucket."""
        try:
            return self.buckets[name]
        except KeyError:
            raise NoSuchBucket(name) from None

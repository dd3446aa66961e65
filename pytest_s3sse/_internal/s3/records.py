"""What the S3 store keeps: object versions, delete markers, multipart uploads in progress and their
parts, as immutable values (a :class:`StoredObject` is frozen), so a reader takes a reference under the
store's lock and decrypts outside it (``s3/store.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from pytest_s3sse._internal.crypto.segments import SealedPart
from pytest_s3sse._internal.sse.envelope import Envelope
from pytest_s3sse._internal.types import ChecksumAlgorithm, ObjectEncryption, Principal

EMPTY: Mapping[str, str] = MappingProxyType({})
NULL = "null"  # the version id of every write to an unversioned or suspended bucket (I3, P)
# An object's or a bucket's tags: (key, value) pairs sorted by key (s3/tagging.py checks them).
Tags = tuple[tuple[str, str], ...]


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
    tags: Tags = ()


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
    # Each part's additional checksum, in part order, for an upload with a checksum algorithm
    # (GetObjectAttributes' ObjectParts); empty otherwise.
    part_checksums: tuple[Checksum | None, ...] = ()
    # x-amz-replication-status: PENDING, COMPLETED or FAILED on a source version a rule selected,
    # REPLICA on a replica, None otherwise (RS1, RS2: P).
    replication_status: str | None = None

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
class DeleteMarker:
    """A delete marker: the version a DeleteObject without ``versionId`` leaves on a versioned (or
    suspended: ``null``) bucket. It has no data; only ListObjectVersions lists it (P, S3 user guide
    "Working with delete markers")."""

    bucket: str
    key: str
    version_id: str
    last_modified: datetime


Version = StoredObject | DeleteMarker


@dataclass(frozen=True, slots=True)
class Deleted:
    """What a DeleteObject did: the version it made or removed (None: nothing, on an unversioned
    bucket) and whether that version is a delete marker (``x-amz-delete-marker``)."""

    version_id: str | None
    delete_marker: bool
    removed: StoredObject | None = None


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
    default_crc: bytes | None = None  # CRC64NVME digest, for an upload without a checksum algorithm

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

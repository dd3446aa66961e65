"""The store's events: one named tuple per committed change, emitted by :class:`~pytest_s3sse.
_internal.s3.store.Store` under its lock, in the order of its changes (see that module's docstring
for the listeners' rules). An event describes its change (key, version, ETag, size) rather than carry
the object, so a stream that keeps every event does not keep every overwritten version alive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pytest_s3sse._internal.policy.document import Policy
    from pytest_s3sse._internal.s3.bucket_policy import PublicAccessBlock
    from pytest_s3sse._internal.sse.rules import BucketDefault

Tags = tuple[tuple[str, str], ...]


class ObjectCommitted(NamedTuple):
    """A new current version of ``key`` (PutObject, CopyObject, CompleteMultipartUpload).

    Store events are named tuples (one is built per commit, at C speed). ``replaced`` is the version id of the version it took the place of (None: the key was new).
    """

    bucket: str
    key: str
    version_id: str
    etag: str
    size: int
    replaced: str | None = None


class ObjectRemoved(NamedTuple):
    """``key`` was deleted; ``version_id`` is the version removed."""

    bucket: str
    key: str
    version_id: str


class DeleteMarkerCreated(NamedTuple):
    """A DeleteObject on a versioned or suspended bucket left a delete marker ``version_id``;
    ``replaced`` is the null version it took the place of (suspended buckets), if any."""

    bucket: str
    key: str
    version_id: str
    replaced: str | None = None


class VersioningSet(NamedTuple):
    """PutBucketVersioning: the bucket's versioning is now ``status`` (Enabled or Suspended)."""

    bucket: str
    status: str


class ObjectTagsSet(NamedTuple):
    """The tags of version ``version_id`` of ``key`` were replaced (PutObjectTagging,
    DeleteObjectTagging): no new version, the same ETag."""

    bucket: str
    key: str
    version_id: str
    tags: Tags


class BucketTagsSet(NamedTuple):
    """A bucket's tags were put (``tags``) or deleted (None): PutBucketTagging, DeleteBucketTagging."""

    bucket: str
    tags: Tags | None


class BucketCreated(NamedTuple):
    """A new bucket."""

    bucket: str
    region: str
    owner_account: str


class BucketDeleted(NamedTuple):
    """A bucket was deleted (it was empty)."""

    bucket: str


class DefaultEncryptionSet(NamedTuple):
    """A bucket's default encryption was set (PutBucketEncryption, DeleteBucketEncryption)."""

    bucket: str
    default: BucketDefault


class BucketPolicySet(NamedTuple):
    """A bucket's policy was put (``policy``) or deleted (None): PutBucketPolicy, DeleteBucketPolicy."""

    bucket: str
    policy: Policy | None


class PublicAccessBlockSet(NamedTuple):
    """A bucket's Block Public Access configuration was put or (None) deleted."""

    bucket: str
    config: PublicAccessBlock | None


class ReplicationConfigured(NamedTuple):
    """A bucket's replication configuration was put (``rules``: how many) or deleted (0)."""

    bucket: str
    rules: int


class ReplicationQueued(NamedTuple):
    """Version ``version_id`` of ``key`` (an object, or a delete marker: ``delete_marker``) is to be
    replicated: a rule of its bucket selected it when it was committed (the object shows PENDING);
    or (``tags``) the new tags of a version already replicated are to be sent to its replicas."""

    bucket: str
    key: str
    version_id: str
    delete_marker: bool = False
    tags: bool = False


class ReplicationStatusSet(NamedTuple):
    """Replication of a source version ended: ``status`` COMPLETED or FAILED (``reason``: AWS's
    failure reason, replication-behaviour.md 3.5), or a replica was stored (REPLICA)."""

    bucket: str
    key: str
    version_id: str
    status: str
    reason: str | None = None


StoreEvent = (
    ObjectCommitted
    | ObjectRemoved
    | DeleteMarkerCreated
    | VersioningSet
    | BucketCreated
    | BucketDeleted
    | DefaultEncryptionSet
    | BucketPolicySet
    | PublicAccessBlockSet
    | ObjectTagsSet
    | BucketTagsSet
    | ReplicationConfigured
    | ReplicationQueued
    | ReplicationStatusSet
)

"""The S3 store: buckets, their objects and their multipart uploads, behind one lock that only it takes.

Every step that needs the lock is a method here: look up, commit, remove, and the few reads that must
see many keys at once (a listing page). Rules stay in the services; where a rule must hold at the
moment of a change (a conditional write, a bucket that must be empty, the parts a Complete takes),
the service hands it in as a function that the store calls under the lock, so the check and the
change are one atomic step. Those functions run with the lock held: they must be quick, only read, and
never call back into the store.

Everything kept here is immutable once written (a :class:`StoredObject` is frozen), so a reader takes a
reference under the lock and decrypts outside it; the lock is never held while a body is read,
encrypted or decrypted (s3transfer uploads the parts of one upload from several threads at once). A key
maps to a list of versions, newest last, so versioning can arrive without reshaping the store; an
unversioned bucket keeps one ``null`` version. Keys are also kept sorted for listing (``bisect``), so a
write costs O(log n) to find its place.

Events: after each committed change (an object stored or removed, a bucket created or deleted, its
default encryption set) the store calls ``on_change`` with one event of this module. It calls it under
the lock, so a store's events come in the order of its changes (what versioning, replication and the
audit trail need), at the cost of a rule for listeners: be quick, never call back into the store, never
wait for a thread that might, never raise. An event describes its change (key, version, ETag, size)
rather than carry the object, so a stream that keeps every event does not keep every overwritten
version's ciphertext alive; a consumer that needs the bytes reads the key from the store.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from pytest_s3sse._internal.errors.s3 import (
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    NoSuchVersion,
    invalid_version_id,
)
from pytest_s3sse._internal.policy.document import Policy
from pytest_s3sse._internal.s3.bucket_policy import PublicAccessBlock
from pytest_s3sse._internal.s3.records import (
    NULL,
    Deleted,
    DeleteMarker,
    MultipartUpload,
    StoredObject,
    Tags,
    UploadedPart,
    Version,
)
from pytest_s3sse._internal.s3.replication_config import ReplicationConfiguration
from pytest_s3sse._internal.s3.store_events import (
    BucketCreated,
    BucketDeleted,
    BucketPolicySet,
    BucketTagsSet,
    DefaultEncryptionSet,
    DeleteMarkerCreated,
    ObjectCommitted,
    ObjectRemoved,
    ObjectTagsSet,
    PublicAccessBlockSet,
    ReplicationConfigured,
    ReplicationQueued,
    ReplicationStatusSet,
    StoreEvent,
    VersioningSet,
)
from pytest_s3sse._internal.sse.rules import IMPLICIT_DEFAULT, BucketDefault

COMPLETED_KEPT = 1000  # completed uploads remembered per bucket (for a repeated Complete)
PENDING, COMPLETED, REPLICA = "PENDING", "COMPLETED", "REPLICA"
ENABLED, SUSPENDED = "Enabled", "Suspended"
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(eq=False)
class Bucket:
    """A bucket: name, region, owner, default encryption, objects and uploads.

    Its containers are read and changed only under the store's lock, by the :class:`Store` (and by
    the functions it calls under the lock); the rest of a bucket is set once, or (the default
    encryption) replaced by a new immutable value.
    """

    name: str
    region: str
    owner_account: str
    created: datetime
    default_encryption: BucketDefault = IMPLICIT_DEFAULT
    # The bucket policy, parsed when it was put (replaced whole, never changed in place), and whether
    # it is public (worked out once, when it was put: s3/bucket_policy.py).
    policy: Policy | None = None
    policy_public: bool = False
    # Block Public Access (None: no configuration; new buckets get ALL_BLOCKED).
    public_access_block: PublicAccessBlock | None = None
    # Versioning: None (never configured), "Enabled" or "Suspended" (it never returns to None, V6).
    versioning: str | None = None
    tags: Tags | None = None  # PutBucketTagging's set (None: no tag set)
    replication: ReplicationConfiguration | None = None  # PutBucketReplication's configuration
    # key -> its versions, oldest first (the last one is the current version, perhaps a delete marker)
    objects: dict[str, list[Version]] = field(default_factory=dict)
    # Every version id issued in this bucket, so an id S3 never issued is told apart from one that
    # names a version since deleted (E2 InvalidArgument vs E3 NoSuchVersion; I6).
    issued: set[str] = field(default_factory=set)
    sorted_keys: list[str] = field(default_factory=list)
    uploads: dict[str, MultipartUpload] = field(default_factory=dict)
    # The latest completed uploads' results (upload id -> the object without its ciphertext), so a
    # repeated CompleteMultipartUpload can be answered as S3 answers it (s3/multipart.py).
    completed: dict[str, StoredObject] = field(default_factory=dict)

    def current(self, key: str) -> StoredObject | None:
        """The current version of ``key``, or None (no such key, or its latest is a delete marker)."""
        versions = self.objects.get(key)
        if not versions:
            return None
        latest = versions[-1]
        return latest if type(latest) is StoredObject else None

    def latest(self, key: str) -> Version | None:
        """The latest version of ``key`` (a delete marker included), or None."""
        versions = self.objects.get(key)
        return versions[-1] if versions else None

    def version(self, key: str, version_id: str) -> Version:
        """The version ``version_id`` of ``key``: InvalidArgument for an id this bucket never issued
        (E1, E2), NoSuchVersion for one that names no version of ``key`` (E3)."""
        if version_id != NULL and version_id not in self.issued:
            raise invalid_version_id(version_id)
        for found in reversed(self.objects.get(key, ())):
            if found.version_id == version_id:
                return found
        raise NoSuchVersion(key, version_id)

    def _add(self, entry: Version) -> Version | None:
        """Add ``entry`` as the newest version of its key, by the bucket's versioning; returns the
        version it took the place of (unversioned, or the null version while suspended)."""
        versions = self.objects.get(entry.key)
        if versions is None:
            bisect.insort(self.sorted_keys, entry.key)
            self.objects[entry.key] = [entry]
            return None
        if self.versioning is None:
            self.objects[entry.key] = [entry]
            return versions[-1]
        replaced = None
        if entry.version_id == NULL:  # suspended: the null version is overwritten (I3)
            for index, found in enumerate(versions):
                if found.version_id == NULL:
                    replaced = versions.pop(index)
                    break
        versions.append(entry)
        return replaced

    def _put(self, obj: StoredObject) -> StoredObject | None:
        """Make ``obj`` the current version of its key; returns the object version it replaced
        (None for a new key, and on a versioned bucket, where nothing is replaced)."""
        replaced = self._add(obj)
        return replaced if type(replaced) is StoredObject else None

    def _drop(self, key: str, versions: list[Version], index: int) -> Version:
        """Remove one version; a key whose last version goes leaves the bucket."""
        removed = versions.pop(index)
        if not versions:
            del self.objects[key]
            del self.sorted_keys[bisect.bisect_left(self.sorted_keys, key)]
        return removed

    def _remove(self, key: str) -> StoredObject | None:
        """Delete ``key`` (unversioned bucket); returns what was removed, if anything."""
        versions = self.objects.pop(key, None)
        if versions is None:
            return None
        index = bisect.bisect_left(self.sorted_keys, key)
        del self.sorted_keys[index]
        latest = versions[-1]
        return latest if type(latest) is StoredObject else None

    def _upload(self, key: str, upload_id: str) -> MultipartUpload:
        """The upload in progress (a wrong key is NoSuchUpload too: A)."""
        upload = self.uploads.get(upload_id)
        if upload is None or upload.key != key:
            raise NoSuchUpload(upload_id)
        return upload

    @property
    def is_empty(self) -> bool:
        """True when the bucket holds no objects."""
        return not self.objects


class Store:
    """All buckets of one engine, and the lock over them; ``on_change`` hears of each committed
    change, under the lock (see the module docstring)."""

    def __init__(
        self,
        on_change: Callable[[StoreEvent], None] | None = None,
        version_ids: Callable[[], str] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._buckets: dict[str, Bucket] = {}
        self._on_change = on_change
        # Draws a new version id (the engine's seeded entropy, in AWS's shape: I2).
        self._version_ids = version_ids or _counter()

    def _new_version_id(self, bucket: Bucket) -> str:
        """A version id for the next version in ``bucket`` (``null`` unless versioning is Enabled)."""
        if bucket.versioning != ENABLED:
            return NULL
        version_id = self._version_ids()
        bucket.issued.add(version_id)
        return version_id

    @staticmethod
    def _pending(bucket: Bucket, obj: StoredObject) -> StoredObject:
        """``obj`` marked PENDING when a replication rule of ``bucket`` selects it (RS1); a replica
        (REPLICA) is never replicated again (P: "objects that are replicas" are not)."""
        config = bucket.replication
        if config is None or obj.replication_status is not None:
            return obj
        if not config.eligible(obj.key, obj.attributes.tags, obj.encryption.mode):
            return obj
        return replace(obj, replication_status=PENDING)

    def _queued(self, bucket: Bucket, obj: StoredObject) -> None:
        if obj.replication_status == PENDING and self._on_change is not None:
            self._on_change(ReplicationQueued(bucket.name, obj.key, obj.version_id))

    def _committed(self, obj: StoredObject, replaced: StoredObject | None) -> None:
        if self._on_change is not None:
            self._on_change(
                ObjectCommitted(
                    obj.bucket,
                    obj.key,
                    obj.version_id,
                    obj.etag,
                    obj.size,
                    None if replaced is None else replaced.version_id,
                )
            )

    # -- buckets ------------------------------------------------------------------------------
    def _bucket(self, name: str) -> Bucket:
        try:
            return self._buckets[name]
        except KeyError:
            raise NoSuchBucket(name) from None

    def find_bucket(self, name: str) -> Bucket | None:
        """The bucket called ``name``, or None (one dict read: the gate asks on every request)."""
        return self._buckets.get(name)

    def bucket(self, name: str) -> Bucket:
        """The bucket called ``name`` or NoSuchBucket."""
        with self._lock:
            return self._bucket(name)

    def buckets(self) -> list[Bucket]:
        """Every bucket, in no particular order (a snapshot)."""
        with self._lock:
            return list(self._buckets.values())

    def create_bucket(self, bucket: Bucket) -> Bucket:
        """Add ``bucket`` unless its name is taken. Returns the bucket stored under the name:
        ``bucket`` itself when it was added, else the one already there (what a taken name means is
        the caller's rule)."""
        with self._lock:
            existing = self._buckets.get(bucket.name)
            if existing is not None:
                return existing
            self._buckets[bucket.name] = bucket
            if self._on_change is not None:
                self._on_change(BucketCreated(bucket.name, bucket.region, bucket.owner_account))
        return bucket

    def delete_bucket(self, name: str, check: Callable[[Bucket], None] | None = None) -> None:
        """Delete the bucket after ``check(bucket)`` (which raises to refuse) passed under the lock."""
        with self._lock:
            bucket = self._bucket(name)
            if check is not None:
                check(bucket)
            del self._buckets[name]
            if self._on_change is not None:
                self._on_change(BucketDeleted(name))

    def set_default_encryption(
        self, name: str, change: Callable[[BucketDefault], BucketDefault]
    ) -> BucketDefault:
        """Replace the bucket's default encryption by ``change(current default)``, atomically;
        returns the new default."""
        with self._lock:
            bucket = self._bucket(name)
            bucket.default_encryption = default = change(bucket.default_encryption)
            if self._on_change is not None:
                self._on_change(DefaultEncryptionSet(name, default))
        return default

    def set_policy(
        self,
        name: str,
        policy: Policy | None,
        *,
        public: bool = False,
        check: Callable[[Bucket], None] | None = None,
    ) -> Bucket:
        """Put (``policy``, ``public`` when it grants public access) or delete (None) the bucket's
        policy, atomically, once ``check(bucket)`` (which raises to refuse: BlockPublicPolicy)
        passed under the lock."""
        with self._lock:
            bucket = self._bucket(name)
            if check is not None:
                check(bucket)
            bucket.policy, bucket.policy_public = policy, public and policy is not None
            if self._on_change is not None:
                self._on_change(BucketPolicySet(name, policy))
        return bucket

    def set_public_access_block(self, name: str, config: PublicAccessBlock | None) -> Bucket:
        """Put (``config``) or delete (None) the bucket's Block Public Access configuration."""
        with self._lock:
            bucket = self._bucket(name)
            bucket.public_access_block = config
            if self._on_change is not None:
                self._on_change(PublicAccessBlockSet(name, config))
        return bucket

    def set_versioning(self, name: str, status: str) -> Bucket:
        """PutBucketVersioning: ``status`` is Enabled or Suspended (checked by the caller)."""
        with self._lock:
            bucket = self._bucket(name)
            bucket.versioning = status
            if self._on_change is not None:
                self._on_change(VersioningSet(name, status))
        return bucket

    def set_replication(
        self,
        name: str,
        config: ReplicationConfiguration | None,
        check: Callable[[Bucket], None] | None = None,
    ) -> Bucket:
        """Put (``config``) or delete (None) the bucket's replication configuration, once
        ``check(bucket)`` (which raises to refuse: the source's versioning, R1) passed under the lock."""
        with self._lock:
            bucket = self._bucket(name)
            if check is not None:
                check(bucket)
            bucket.replication = config
            if self._on_change is not None:
                self._on_change(ReplicationConfigured(name, len(config.rules) if config else 0))
        return bucket

    def set_versioning_checked(
        self, name: str, status: str, check: Callable[[Bucket], None]
    ) -> Bucket:
        """:meth:`set_versioning` once ``check(bucket)`` passed under the lock (V7: no suspending
        while a replication configuration is present)."""
        with self._lock:
            check(self._bucket(name))
            return self.set_versioning(name, status)

    # -- replication --------------------------------------------------------------------------
    def commit_replica(self, replica: Version) -> None:
        """Store ``replica`` (an object marked REPLICA, or a delete marker) in its bucket under the
        source's version id (RS8: replicas keep it), among the key's versions by age. A version id
        already there is replaced (a replica written again). NoSuchBucket if the bucket is gone."""
        with self._lock:
            bucket = self._bucket(replica.bucket)
            bucket.issued.add(replica.version_id)
            versions = bucket.objects.get(replica.key)
            if versions is None:
                bisect.insort(bucket.sorted_keys, replica.key)
                bucket.objects[replica.key] = [replica]
            else:
                for index, found in enumerate(versions):
                    if found.version_id == replica.version_id:
                        del versions[index]
                        break
                index = len(versions)
                while index and versions[index - 1].last_modified > replica.last_modified:
                    index -= 1
                versions.insert(index, replica)
            if self._on_change is None:
                return
            if type(replica) is StoredObject:
                self._on_change(
                    ObjectCommitted(
                        replica.bucket, replica.key, replica.version_id, replica.etag, replica.size
                    )
                )
                self._on_change(
                    ReplicationStatusSet(replica.bucket, replica.key, replica.version_id, REPLICA)
                )
            else:
                self._on_change(
                    DeleteMarkerCreated(replica.bucket, replica.key, replica.version_id)
                )

    def set_replication_status(
        self, bucket: str, key: str, version_id: str, status: str, reason: str | None = None
    ) -> StoredObject | None:
        """Mark a source version COMPLETED or FAILED (``reason``: AWS's failure reason); no new
        version, ETag or LastModified. None when the version is gone (deleted meanwhile)."""
        with self._lock:
            found = self._buckets.get(bucket)
            versions = found.objects.get(key, []) if found is not None else []
            for index, entry in enumerate(versions):
                if entry.version_id == version_id and type(entry) is StoredObject:
                    versions[index] = updated = replace(entry, replication_status=status)
                    if self._on_change is not None:
                        self._on_change(
                            ReplicationStatusSet(bucket, key, version_id, status, reason)
                        )
                    return updated
        return None

    # -- objects ------------------------------------------------------------------------------
    def snapshot(self, bucket: str | None = None) -> list[StoredObject]:
        """Every stored object version of ``bucket`` (NoSuchBucket when it does not exist) or of
        every bucket, ordered by bucket, key and age (newest first; delete markers left out): a
        copy, for reports and assertions."""
        return [obj for obj, _ in self.versions_snapshot(bucket) if type(obj) is StoredObject]

    def versions_snapshot(self, bucket: str | None = None) -> list[tuple[Version, bool]]:
        """Every version of ``bucket`` (or of every bucket), delete markers included, ordered by
        bucket, key and age (newest first), each with whether it is its key's latest version (S3
        Inventory's IsLatest): a copy, for reports."""
        with self._lock:
            names = [bucket] if bucket is not None else sorted(self._buckets)
            found: list[tuple[Version, bool]] = []
            for name in names:
                held = self._bucket(name)
                for key in held.sorted_keys:
                    versions = held.objects[key]
                    latest = versions[-1]
                    found.extend((v, v is latest) for v in reversed(versions))
            return found

    def version(self, bucket: str, key: str, version_id: str) -> Version:
        """The version ``version_id`` of ``key`` (InvalidArgument, NoSuchVersion, NoSuchBucket)."""
        with self._lock:
            return self._bucket(bucket).version(key, version_id)

    def latest(self, bucket: str, key: str) -> Version | None:
        """The latest version of ``key``, a delete marker included (None: no such key)."""
        with self._lock:
            return self._bucket(bucket).latest(key)

    def current(self, bucket: str, key: str) -> StoredObject | None:
        """The current version of ``key`` (None: no such key; NoSuchBucket: no such bucket)."""
        with self._lock:
            return self._bucket(bucket).current(key)

    def commit(
        self, obj: StoredObject, check: Callable[[StoredObject | None], None] | None = None
    ) -> StoredObject:
        """Store ``obj`` as the current version of its key, once ``check(current version)`` (a
        conditional write's rule, which raises to refuse) passed; the bucket must still exist.
        Returns what was stored: ``obj`` with the version id the bucket's versioning gives it."""
        with self._lock:
            bucket = self._bucket(obj.bucket)
            if check is not None:
                check(bucket.current(obj.key))
            if bucket.versioning is not None:
                obj = replace(obj, version_id=self._new_version_id(bucket))
            obj = self._pending(bucket, obj)
            self._committed(obj, bucket._put(obj))
            self._queued(bucket, obj)
        return obj

    def remove(
        self, bucket: str, key: str, check: Callable[[StoredObject | None], None] | None = None
    ) -> StoredObject | None:
        """Delete ``key`` once ``check(current version)`` (a conditional delete's rule, which raises
        to refuse) passed; returns the version removed (None: there was none)."""
        with self._lock:
            found = self._bucket(bucket)
            if check is not None:
                check(found.current(key))
            removed = found._remove(key)
            if removed is not None and self._on_change is not None:
                self._on_change(ObjectRemoved(bucket, key, removed.version_id))
        return removed

    def delete(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        now: datetime,
        check: Callable[[StoredObject | None], None] | None = None,
    ) -> Deleted:
        """DeleteObject on any bucket, once ``check(current version)`` passed.

        Without ``version_id``: an unversioned bucket removes the key; a versioned one adds a delete
        marker (even for a key that never existed, D1), a suspended one a ``null`` marker in place
        of the null version (D2). With one: that version is removed for good (D8, D9); a version
        that is not there (any more) is no error (U: LocalStack answers 204), an id never issued is
        InvalidArgument (E1, E2).
        """
        with self._lock:
            found = self._bucket(bucket)
            if check is not None:
                check(found.current(key))
            if version_id is not None:
                return self._delete_version(found, key, version_id)
            if found.versioning is None:
                removed = found._remove(key)
                if removed is not None and self._on_change is not None:
                    self._on_change(ObjectRemoved(bucket, key, removed.version_id))
                return Deleted(None, delete_marker=False, removed=removed)
            marker = DeleteMarker(bucket, key, self._new_version_id(found), now)
            replaced = found._add(marker)
            if self._on_change is not None:
                self._on_change(
                    DeleteMarkerCreated(
                        bucket, key, marker.version_id, None if replaced is None else NULL
                    )
                )
                config = found.replication
                if config is not None and config.marker_rules(key):
                    self._on_change(ReplicationQueued(bucket, key, marker.version_id, True))
            return Deleted(marker.version_id, delete_marker=True)

    def _delete_version(self, bucket: Bucket, key: str, version_id: str) -> Deleted:
        if version_id != NULL and version_id not in bucket.issued:
            raise invalid_version_id(version_id)
        versions = bucket.objects.get(key, [])
        for index, entry in enumerate(versions):
            if entry.version_id == version_id:
                removed = bucket._drop(key, versions, index)
                if self._on_change is not None:
                    self._on_change(ObjectRemoved(bucket.name, key, version_id))
                is_marker = type(removed) is DeleteMarker
                obj = removed if type(removed) is StoredObject else None
                return Deleted(version_id, delete_marker=is_marker, removed=obj)
        return Deleted(version_id, delete_marker=False)

    def replace(self, obj: StoredObject) -> None:
        """Put ``obj`` in place of the current version of its key, which must exist (NoSuchKey): the
        test API's simulated corruption at rest, not an S3 change (so no event)."""
        with self._lock:
            bucket = self._bucket(obj.bucket)
            versions = bucket.objects.get(obj.key, [])
            for index, entry in enumerate(versions):
                if entry.version_id == obj.version_id:
                    versions[index] = obj
                    return
            raise NoSuchKey(obj.key)

    def retag(
        self,
        bucket: str,
        key: str,
        change: Callable[[Version | None], StoredObject],
        version_id: str | None = None,
    ) -> StoredObject:
        """Put ``change(version)`` (the same version with other tags; it raises to refuse: NoSuchKey,
        405 for a delete marker) in place of the current version of ``key``, or of version
        ``version_id`` (InvalidArgument, NoSuchVersion as :meth:`Bucket.version`): tags change no
        version, ETag or LastModified."""
        with self._lock:
            found = self._bucket(bucket)
            target = found.current(key) if version_id is None else found.version(key, version_id)
            obj = change(target)
            versions = found.objects[key]
            for index in range(len(versions) - 1, -1, -1):
                if versions[index] is target:
                    versions[index] = obj
                    break
            if self._on_change is not None:
                self._on_change(ObjectTagsSet(bucket, key, obj.version_id, obj.attributes.tags))
                if found.replication is not None and obj.replication_status == COMPLETED:
                    # 3.2 (P): tag changes of a replicated object are replicated too.
                    self._on_change(ReplicationQueued(bucket, key, obj.version_id, tags=True))
        return obj

    def set_bucket_tags(self, name: str, tags: Tags | None) -> Bucket:
        """Put (``tags``) or delete (None) the bucket's tag set."""
        with self._lock:
            bucket = self._bucket(name)
            bucket.tags = tags
            if self._on_change is not None:
                self._on_change(BucketTagsSet(name, tags))
        return bucket

    def read(
        self,
        bucket: str,
        reader: Callable[Concatenate[Bucket, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``reader(the bucket, *args, **kwargs)`` under the lock: one consistent read of many keys (a
        listing page bisects :attr:`Bucket.sorted_keys` and walks them, so it neither copies them
        nor sees a write halfway). ``reader`` only reads, briefly, and never calls the store."""
        with self._lock:
            return reader(self._bucket(bucket), *args, **kwargs)

    # -- multipart uploads --------------------------------------------------------------------
    def add_upload(self, upload: MultipartUpload) -> None:
        """Start keeping ``upload`` in its bucket (NoSuchBucket if the bucket is gone)."""
        with self._lock:
            self._bucket(upload.bucket).uploads[upload.upload_id] = upload

    def find_upload(self, bucket: str, key: str, upload_id: str) -> MultipartUpload:
        """The upload in progress, or NoSuchBucket / NoSuchUpload."""
        with self._lock:
            return self._bucket(bucket)._upload(key, upload_id)

    def _still_there(self, upload: MultipartUpload) -> Bucket:
        """The bucket of ``upload`` while it is in progress; NoSuchUpload once aborted or
        completed (the caller holds the lock)."""
        bucket = self._bucket(upload.bucket)
        if bucket._upload(upload.key, upload.upload_id) is not upload:  # pragma: no cover
            raise NoSuchUpload(upload.upload_id)  # ids are random and never reused
        return bucket

    def add_part(self, upload: MultipartUpload, part: UploadedPart) -> None:
        """Keep ``part`` in ``upload`` (replacing an earlier upload of its number); NoSuchUpload if
        the upload was aborted or completed meanwhile: the part has nowhere to go."""
        with self._lock:
            self._still_there(upload)
            upload.parts[part.number] = part

    def parts(
        self, bucket: str, key: str, upload_id: str
    ) -> tuple[MultipartUpload, list[UploadedPart]]:
        """An upload in progress and its parts, in no particular order (a snapshot)."""
        with self._lock:
            upload = self._bucket(bucket)._upload(key, upload_id)
            return upload, list(upload.parts.values())

    def complete_upload(
        self,
        upload: MultipartUpload,
        build: Callable[[MultipartUpload, StoredObject | None], StoredObject],
    ) -> StoredObject:
        """Complete ``upload`` in one step: ``build(upload, current version of its key)`` makes the
        object (and raises to refuse: parts, sizes, conditions), which is committed as the key's
        current version while the upload is removed. NoSuchUpload if it was aborted or completed."""
        with self._lock:
            bucket = self._still_there(upload)
            obj = build(upload, bucket.current(upload.key))
            if bucket.versioning is not None:
                obj = replace(obj, version_id=self._new_version_id(bucket))
            obj = self._pending(bucket, obj)
            replaced = bucket._put(obj)
            del bucket.uploads[upload.upload_id]
            bucket.completed[upload.upload_id] = replace(obj, parts=())  # no ciphertext kept
            if len(bucket.completed) > COMPLETED_KEPT:
                del bucket.completed[next(iter(bucket.completed))]  # the oldest
            self._committed(obj, replaced)
            self._queued(bucket, obj)
        return obj

    def completed_upload(self, bucket: str, key: str, upload_id: str) -> StoredObject | None:
        """What the completed upload ``upload_id`` of ``key`` made (without its ciphertext), while
        it is among the bucket's latest :data:`COMPLETED_KEPT` completions; else None."""
        with self._lock:
            done = self._bucket(bucket).completed.get(upload_id)
        return done if done is not None and done.key == key else None

    def abort_upload(self, bucket: str, key: str, upload_id: str) -> None:
        """Forget an upload and its parts (NoSuchBucket / NoSuchUpload)."""
        with self._lock:
            found = self._bucket(bucket)
            del found.uploads[found._upload(key, upload_id).upload_id]

    def uploads(self, bucket: str) -> list[MultipartUpload]:
        """The bucket's uploads in progress, in no particular order (a snapshot)."""
        with self._lock:
            return list(self._bucket(bucket).uploads.values())


def _counter() -> Callable[[], str]:
    """Version ids for a store built without an entropy source (unit tests): 32 characters."""
    count = iter(range(1, 1 << 62))
    return lambda: f"{next(count):032d}"

"""Replication: new versions copied to each destination of their bucket's rules, re-encrypted as S3
does it, by the rules' IAM role, with that role's rights checked.

The store marks a new version PENDING when a rule selects it and emits ``ReplicationQueued``
(``s3/store.py``); the :class:`Replicator` hears of it (it subscribes to the engine's event stream)
and queues it. :meth:`Replicator.drain` replicates what is queued: the engine calls it right after
each S3 request (``replication="immediate"``, the default), or the test calls ``s3sse.replicate()``
(``replication="manual"``), so PENDING is observable. Each replication is one attempt per
destination, made as the role's session ``.../assumed-role/<role>/s3-replication`` (S:
replication-behaviour.md 3.4, production key policies name that session), and it ends COMPLETED or
FAILED with AWS's failure reason (3.5); a FAILED replication writes nothing and is never retried
(RS5, P). Throttling by KMS leaves it PENDING, queued for the next drain (RS5: "temporary outages
stay PENDING").

What the role needs (3.6, P): ``s3:GetObjectVersionForReplication`` on the source object,
``s3:ReplicateObject`` on the destination object (with the replica's SSE condition keys; the
destination bucket policy across accounts, 3.7), ``s3:ReplicateDelete`` for a delete marker,
``s3:GetObjectVersionTagging`` and ``s3:ReplicateTags`` for the tags (without them the object is
replicated without its tags, P), ``s3:ObjectOwnerOverrideToBucketOwner`` with an owner override,
``kms:Decrypt`` on the source key and ``kms:Encrypt`` on the replica key (``GenerateDataKey`` and
``Decrypt`` with a Bucket Key), asked by KMS itself.

Each attempt is recorded as a request of its own (operation ``ReplicateObject`` or
``ReplicateDelete``, the role's context, status 200, or 403 with the failure reason as its error
code), so the failing test's report, ``s3sse.explain`` and the trail see it, and its KMS calls share
its request id.
"""

from __future__ import annotations

import binascii
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from pytest_s3sse._internal.audit import EventStream, Exchanges, RequestRecord, S3Exchange
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import S3_SERVICE, RequestContext
from pytest_s3sse._internal.crypto.aead import Aead
from pytest_s3sse._internal.crypto.segments import SealedPart, SegmentWriter, open_range
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors.s3 import S3Error
from pytest_s3sse._internal.s3.access import S3Access
from pytest_s3sse._internal.s3.records import DeleteMarker, StoredObject
from pytest_s3sse._internal.s3.replication_config import ReplicationRule
from pytest_s3sse._internal.s3.store import ENABLED, REPLICA, Bucket, Store
from pytest_s3sse._internal.s3.store_events import ReplicationQueued
from pytest_s3sse._internal.sse.envelope import Envelope
from pytest_s3sse._internal.sse.plan import SsePlanner
from pytest_s3sse._internal.sse.rules import SseHeaders
from pytest_s3sse._internal.types import Principal, SseMode

COMPLETED, FAILED = "COMPLETED", "FAILED"  # never "COMPLETE" (RS4, A)
IMMEDIATE, MANUAL = "immediate", "manual"
REPLICATE_OBJECT, REPLICATE_DELETE, REPLICATE_TAGS = (
    "ReplicateObject", "ReplicateDelete", "ReplicateTags",
)  # fmt: skip
OPERATIONS = frozenset({REPLICATE_OBJECT, REPLICATE_DELETE, REPLICATE_TAGS})
# The actions the role is asked for (3.6, P; the catalogue of policy/ knows each).
GET_FOR_REPLICATION = "s3:GetObjectVersionForReplication"
GET_VERSION = "s3:GetObjectVersion"
GET_VERSION_TAGGING = "s3:GetObjectVersionTagging"
S3_REPLICATE_OBJECT = "s3:ReplicateObject"
S3_REPLICATE_DELETE = "s3:ReplicateDelete"
S3_REPLICATE_TAGS = "s3:ReplicateTags"
OWNER_OVERRIDE = "s3:ObjectOwnerOverrideToBucketOwner"
_KMS_MODES = frozenset({SseMode.SSE_KMS, SseMode.DSSE_KMS})
_INVALID_STATE = frozenset({"KMS.DisabledException", "KMS.KMSInvalidStateException"})
_RETRY = frozenset({"SlowDown", "ServiceUnavailable"})


@dataclass(frozen=True, slots=True)
class Replication:
    """One replication attempt of one source version to one destination, as it ended.

    ``status`` is COMPLETED or FAILED; ``failure_reason`` AWS's reason for a failure (3.5: e.g.
    ``DstPutObjectNotPermitted``) and ``detail`` what was refused, in words. ``request_id`` names
    the attempt for ``s3sse.explain`` and the trail.
    """

    bucket: str
    key: str
    version_id: str
    destination: str
    rule_id: str
    status: str
    request_id: str
    failure_reason: str | None = None
    detail: str | None = None
    delete_marker: bool = False

    @property
    def failed(self) -> bool:
        """True for a FAILED replication."""
        return self.status == FAILED


class _Failed(Exception):
    """A replication attempt that ends FAILED with ``reason`` (3.5)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _Retry(Exception):
    """A temporary failure (KMS throttled): the version stays PENDING, queued again."""


class Replicator:
    """Queues the versions the store marked for replication and replicates them on :meth:`drain`."""

    def __init__(
        self,
        store: Store,
        sse: SsePlanner,
        access: S3Access,
        clock: Clock,
        entropy: Entropy,
        *,
        role_principal: Callable[[str], Principal],
        events: EventStream,
        exchanges: Exchanges | None = None,
        mode: str = IMMEDIATE,
    ) -> None:
        self.store = store
        self.sse = sse
        self.access = access
        self.clock = clock
        self.entropy = entropy
        self.role_principal = role_principal
        self.events = events
        self.exchanges = exchanges
        self.immediate = mode == IMMEDIATE
        self._queue: deque[ReplicationQueued] = deque()
        self._history: list[Replication] = []
        self._lock = threading.Lock()

    # -- the queue ------------------------------------------------------------------------------
    def on_event(self, event: object) -> None:
        """The event stream's listener: queue each version the store marked (quick, never raises)."""
        if type(event) is ReplicationQueued:
            self._queue.append(event)

    @property
    def pending(self) -> int:
        """How many versions wait to be replicated."""
        return len(self._queue)

    @property
    def history(self) -> tuple[Replication, ...]:
        """Every replication attempt that ended, oldest first."""
        with self._lock:
            return tuple(self._history)

    def drain(self) -> list[Replication]:
        """Replicate every queued version (each once: a throttled one is queued again for the next
        drain); returns the attempts that ended."""
        done: list[Replication] = []
        retry: list[ReplicationQueued] = []
        while True:
            try:
                task = self._queue.popleft()
            except IndexError:
                break
            try:
                done += self._replicate(task)
            except _Retry:
                retry.append(task)
        self._queue.extend(retry)
        with self._lock:
            self._history += done
        return done

    # -- one version ----------------------------------------------------------------------------
    def _replicate(self, task: ReplicationQueued) -> list[Replication]:
        source = self.store.find_bucket(task.bucket)
        config = source.replication if source is not None else None
        if source is None or config is None:
            return []  # the bucket or its configuration went before the drain: nothing to do
        try:
            found = self.store.version(task.bucket, task.key, task.version_id)
        except S3Error:
            return []  # SrcVersionNotFound: deleted before it was replicated (3.5)
        if isinstance(found, DeleteMarker):
            rules = config.marker_rules(task.key)
        else:
            rules = config.rules_for(task.key, found.attributes.tags, found.encryption.mode)
        principal = self.role_principal(config.role)
        if task.tags and isinstance(found, StoredObject):
            return [self._tags_attempt(source, found, rule, principal) for rule in rules]
        results = [self._attempt(source, found, rule, principal) for rule in rules]
        if isinstance(found, StoredObject) and results:
            status = FAILED if any(r.failed for r in results) else COMPLETED
            failed = next((r for r in results if r.failed), None)
            reason = failed.failure_reason if failed is not None else None
            self.store.set_replication_status(
                task.bucket, task.key, task.version_id, status, reason
            )
        return results

    def _context(self, principal: Principal, region: str) -> RequestContext:
        """The role session's context for one attempt: a request id of its own, S3 as its source
        address and agent (U: open point 7)."""
        request_id = self.entropy.bytes(8).hex().upper()
        return RequestContext(
            principal, request_id, self.clock.now(), region, True, "SigV4", "AuthHeader",
            S3_SERVICE, S3_SERVICE, None, principal.access_key_id,
        )  # fmt: skip

    def _attempt(
        self, source: Bucket, found: StoredObject | DeleteMarker, rule: ReplicationRule,
        principal: Principal,
    ) -> Replication:  # fmt: skip
        context = self._context(principal, source.region)
        marker = isinstance(found, DeleteMarker)
        operation = REPLICATE_DELETE if marker else REPLICATE_OBJECT
        destination = rule.destination.bucket
        status, reason, detail = COMPLETED, None, None
        try:
            if isinstance(found, DeleteMarker):
                self._replicate_marker(found, rule, context)
            else:
                self._replicate_object(source, found, rule, context)
        except _Failed as failure:
            status, reason, detail = FAILED, failure.reason, failure.detail
        except _Retry:
            self._record(
                context, operation, destination, found.key, status=503, reason="SlowDown",
                detail=None,
            )  # fmt: skip
            raise
        self._record(
            context, operation, destination, found.key, status=200, reason=reason, detail=detail
        )
        return Replication(
            found.bucket, found.key, found.version_id, destination, rule.id, status,
            context.request_id, reason, detail, marker,
        )  # fmt: skip

    def _tags_attempt(
        self, source: Bucket, obj: StoredObject, rule: ReplicationRule, principal: Principal
    ) -> Replication:
        """New tags of a replicated version sent to its replica (3.2, P: tags are replicated, with
        ``s3:GetObjectVersionTagging`` on the source and ``s3:ReplicateTags`` on the destination);
        the source's status stays as it is."""
        context = self._context(principal, source.region)
        destination = rule.destination.bucket
        status, reason, detail = COMPLETED, None, None
        try:
            self._check(
                context, GET_VERSION_TAGGING, source, obj.key, reason="SrcGetTaggingNotPermitted"
            )
            target = self._destination(rule)
            dst_context = context._replace(region=target.region)
            self._check(
                dst_context, S3_REPLICATE_TAGS, target, obj.key, reason="DstPutTaggingNotPermitted"
            )
            tags = obj.attributes.tags

            def retagged(replica: StoredObject | DeleteMarker | None) -> StoredObject:
                if not isinstance(replica, StoredObject):
                    raise _Failed("DstObjectHardDeleted", "the replica is not there")
                return replace(replica, attributes=replace(replica.attributes, tags=tags))

            try:
                self.store.retag(target.name, obj.key, retagged, obj.version_id)
            except S3Error as err:
                raise _Failed("DstObjectHardDeleted", err.message) from err
        except _Failed as failure:
            status, reason, detail = FAILED, failure.reason, failure.detail
        self._record(
            context, REPLICATE_TAGS, destination, obj.key, status=200, reason=reason, detail=detail
        )
        return Replication(
            obj.bucket, obj.key, obj.version_id, destination, rule.id, status,
            context.request_id, reason, detail,
        )  # fmt: skip

    def _record(
        self, context: RequestContext, operation: str, bucket: str, key: str, *, status: int,
        reason: str | None, detail: str | None,
    ) -> None:  # fmt: skip
        """The attempt as a request of the engine's stream (and the trail's details)."""
        if reason is not None and status == 200:
            status = 403
        if self.exchanges is not None:
            host_id = binascii.b2a_base64(self.entropy.bytes(24), newline=False).decode()
            self.exchanges.append(
                S3Exchange(context.request_id, f"{bucket}.s3.amazonaws.com", "", {}, {}, host_id, 0)
            )
        self.events.emit(
            RequestRecord("s3", operation, context, status, reason, detail, bucket, key)
        )

    def _destination(self, rule: ReplicationRule) -> Bucket:
        """The destination bucket: DstBucketNotFound, DstBucketUnversioned (3.5, P)."""
        name = rule.destination.bucket
        bucket = self.store.find_bucket(name)
        if bucket is None:
            raise _Failed("DstBucketNotFound", f"the destination bucket {name} does not exist")
        if bucket.versioning != ENABLED:
            raise _Failed(
                "DstBucketUnversioned", f"the destination bucket {name} is not versioning-enabled"
            )
        return bucket

    def _check(
        self, context: RequestContext, action: str, bucket: Bucket, key: str, *, reason: str,
        keys: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        resource = self.access.resource(bucket.name, key, bucket.region)
        decision = self.access.decide(context, action, resource, keys)
        if not decision.allowed:
            raise _Failed(reason, f"{context.principal.arn} may not {action} on {resource.arn}")

    def _allowed(self, context: RequestContext, action: str, bucket: Bucket, key: str) -> bool:
        resource = self.access.resource(bucket.name, key, bucket.region)
        return self.access.decide(context, action, resource).allowed

    def _replicate_marker(
        self, marker: DeleteMarker, rule: ReplicationRule, context: RequestContext
    ) -> None:
        """A delete marker: ``s3:ReplicateDelete`` (DstDelObjNotPermitted), then the same marker,
        same version id, in the destination."""
        target = self._destination(rule)
        context = context._replace(region=target.region)
        self._check(
            context, S3_REPLICATE_DELETE, target, marker.key, reason="DstDelObjNotPermitted"
        )
        self._commit(replace(marker, bucket=target.name), target)

    def _replicate_object(
        self, source: Bucket, obj: StoredObject, rule: ReplicationRule, context: RequestContext
    ) -> None:
        """An object version: the role's rights, then its envelope for the destination (the
        ciphertext copied, or re-encrypted when the replica has a data key of its own)."""
        mode = obj.encryption.mode
        if not self._allowed(context, GET_FOR_REPLICATION, source, obj.key) and (
            mode in _KMS_MODES or not self._allowed(context, GET_VERSION, source, obj.key)
        ):
            # 3.6 (P): s3:GetObjectVersion "works for unencrypted/SSE-S3 but not for SSE-KMS".
            self._check(
                context, GET_FOR_REPLICATION, source, obj.key, reason="SrcGetObjectNotPermitted"
            )
        tags = obj.attributes.tags
        if tags and not self._allowed(context, GET_VERSION_TAGGING, source, obj.key):
            tags = ()  # SrcGetTaggingNotPermitted: replicated without its tags (P)
        target = self._destination(rule)
        dst_context = context._replace(region=target.region)
        replica_key = rule.destination.replica_kms_key_id if mode in _KMS_MODES else None
        self._check(
            dst_context, S3_REPLICATE_OBJECT, target, obj.key, reason="DstPutObjectNotPermitted",
            keys=self._sse_keys(mode, replica_key, target),
        )  # fmt: skip
        if tags and not self._allowed(dst_context, S3_REPLICATE_TAGS, target, obj.key):
            tags = ()  # a Deny on s3:ReplicateTags drops the tags (3.7, P)
        if rule.destination.owner_override:
            self._check(
                dst_context, OWNER_OVERRIDE, target, obj.key, reason="DstPutObjectNotPermitted"
            )
        if mode is SseMode.SSE_C and target.default_encryption.ssec_blocked:
            # 3.2 (P: "the replication will fail with an HTTP 403 AccessDenied error"; the reason
            # is U, proposed).
            raise _Failed(
                "DstPutObjectNotPermitted",
                f"the destination bucket {target.name} blocks SSE-C writes",
            )
        etag = obj.etag
        if mode is SseMode.NONE:
            envelope, parts, etag = self._under_default(target, obj, dst_context)
        else:
            envelope, parts = self._reencrypted(
                source, target, obj, context=context, dst_context=dst_context,
                replica_key=replica_key,
            )  # fmt: skip
        attributes = obj.attributes
        if tags != attributes.tags:
            attributes = replace(attributes, tags=tags)
        storage_class = rule.destination.storage_class
        if storage_class is not None:
            attributes = replace(attributes, storage_class=storage_class)
        replica = replace(
            obj, bucket=target.name, envelope=envelope, parts=parts, attributes=attributes,
            etag=etag, replication_status=REPLICA,
        )  # fmt: skip
        self._commit(replica, target)

    def _sse_keys(self, mode: SseMode, replica_key: str | None, target: Bucket) -> dict[str, str]:
        """The SSE condition keys of the replicate request (3.6: the UG's example policy conditions
        s3:ReplicateObject on them, so replicate requests carry the replica's SSE headers)."""
        value = mode.header_value
        keys = {"s3:x-amz-server-side-encryption": value} if value is not None else {}
        if replica_key is not None:
            key_arn = self.sse.policy_key_arn(replica_key, target)
            keys["s3:x-amz-server-side-encryption-aws-kms-key-id"] = key_arn
        return keys

    def _reencrypted(
        self, source: Bucket, target: Bucket, obj: StoredObject, *, context: RequestContext,
        dst_context: RequestContext, replica_key: str | None,
    ) -> tuple[Envelope, tuple[SealedPart, ...]]:  # fmt: skip
        """The replica's envelope and parts (KMS's answers become the failure reasons of 3.5:
        the source key's side Src..., the replica key's Dst...)."""
        src_scope = dst_scope = None
        if obj.envelope.kms_wrapped:
            if replica_key is None:  # pragma: no cover - the rule requires it (R4)
                raise _Failed("DstKmsKeyNotFound", "the rule names no ReplicaKmsKeyID")
            src_scope = self.sse.scope(source, obj.key, context)
            dst_scope = self.sse.scope(target, obj.key, dst_context)
        sealer = self.sse.sealer
        try:
            envelope, ciphers = sealer.rewrap(
                obj.envelope, source=src_scope, target=dst_scope, replica_key=replica_key
            )
        except S3Error as err:
            raise self._kms_failure(err, obj, context) from err
        if ciphers is None:
            return envelope, obj.parts
        parts = self._copied(obj, *ciphers)
        if obj.envelope.parts_tag is not None:
            envelope = sealer.bind_parts(envelope, parts)
        return envelope, parts

    def _under_default(
        self, target: Bucket, obj: StoredObject, context: RequestContext
    ) -> tuple[Envelope, tuple[SealedPart, ...], str]:
        """An unencrypted source takes the destination's default encryption (3.3, P: SSE-S3, or
        SSE-KMS with the destination's Bucket Key setting; the role's GenerateDataKey, 3.4), and its
        ETag then differs from the source's (3.3, P) unless the replica is SSE-S3, whose ETag is the
        MD5 of the body as the source's is (reference 5.2)."""
        plan = self.sse.write(target, obj.key, SseHeaders(), context)
        try:
            dst_aead, envelope = plan.seal()
        except S3Error as err:
            raise self._kms_failure(err, obj, context) from err
        src_aead = self.sse.sealer.open(obj.envelope)
        parts = self._copied(obj, src_aead, dst_aead)
        if obj.envelope.parts_tag is not None:
            envelope = self.sse.sealer.bind_parts(envelope, parts)
        mode = envelope.encryption.mode
        etag = obj.etag if mode is SseMode.SSE_S3 else self.entropy.hex(16)
        return envelope, parts, etag

    @staticmethod
    def _copied(obj: StoredObject, src: Aead, dst: Aead) -> tuple[SealedPart, ...]:
        """``obj``'s parts decrypted with ``src`` and sealed again with ``dst``, part by part."""
        parts: list[SealedPart] = []
        for part in obj.parts:
            writer = SegmentWriter(dst, part.part_number)
            for chunk in open_range(src, part, 0, part.size):
                writer.write(chunk)
            parts.append(writer.close())
        return tuple(parts)

    def _kms_failure(
        self, err: S3Error, obj: StoredObject, context: RequestContext
    ) -> _Failed | _Retry:
        """Which side of the replication KMS refused (the last KMS call of this attempt: a Decrypt
        under the source key is the source's), as AWS's failure reason."""
        if err.code in _RETRY:
            return _Retry()
        kms = self.sse.sealer.kms
        calls = kms.service.calls if kms is not None else ()
        last = next((c for c in reversed(calls) if c.request_id == context.request_id), None)
        source_side = (
            last is not None
            and last.operation == "Decrypt"
            and last.key_arn == obj.encryption.kms_key_arn
        )
        detail = f"{err.code}: {err.message}"
        if source_side:
            if err.code in _INVALID_STATE:
                return _Failed("SrcKmsKeyInvalidState", detail)
            return _Failed("SrcGetObjectNotPermitted", detail)  # U: open point 6, proposed
        if err.code == "KMS.NotFoundException":
            return _Failed("DstKmsKeyNotFound", detail)
        if err.code in _INVALID_STATE:
            return _Failed("DstKmsKeyInvalidState", detail)
        return _Failed("DstPutObjectNotPermitted", detail)

    def _commit(self, replica: StoredObject | DeleteMarker, target: Bucket) -> None:
        try:
            self.store.commit_replica(replica)
        except S3Error as err:  # the destination went meanwhile
            raise _Failed("DstBucketNotFound", err.message) from err

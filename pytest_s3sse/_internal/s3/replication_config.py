"""A bucket's replication configuration as typed values, and which objects its rules select.

The protocol edge (``s3/rest/replication.py``) reads PutBucketReplication's document into a
:class:`ReplicationConfiguration` and renders it back for GetBucketReplication; the store keeps it on
the bucket (``Bucket.replication``) and asks it, when a new version is committed, whether that version
is to be replicated (:meth:`ReplicationConfiguration.eligible`); the replicator
(``s3/replication.py``) asks it which rule applies per destination.

Sources: replication-behaviour.md section 2 (the schema, V1 and V2) and 3.2 (what is replicated):

- a rule selects a new object when it is Enabled and its filter matches the key and the object's tags
  at the time of the write (P: "A tag added after creation does not make an object match");
- SSE-KMS and DSSE-KMS objects only when the rule opts in (``SseKmsEncryptedObjects`` Enabled; P, UG
  "By default, Amazon S3 doesn't replicate objects that are encrypted with SSE-KMS or DSSE-KMS");
  SSE-S3 and SSE-C objects need no opt-in (P);
- with several rules for one destination, the one with the highest ``Priority`` wins (P, BM-S3);
- delete markers: V1 rules (no ``Filter``) replicate them; V2 rules only with
  ``DeleteMarkerReplication`` Enabled, never with a tag filter (P).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pytest_s3sse._internal.types import SseMode

ENABLED, DISABLED = "Enabled", "Disabled"
BUCKET_ARN_PREFIX = "arn:aws:s3:::"
_KMS_MODES = frozenset({SseMode.SSE_KMS, SseMode.DSSE_KMS})
Tags = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RuleFilter:
    """A V2 rule's ``Filter``: a prefix, tags, or both (``And``); an empty ``<Filter/>`` selects every
    object. ``form`` is how it was written ("empty", "prefix", "tag" or "and"), so
    GetBucketReplication renders it back as it was sent."""

    form: str = "empty"
    prefix: str = ""
    tags: Tags = ()

    def matches(self, key: str, tags: Tags) -> bool:
        """True when ``key`` has the prefix and the object carries every tag of the filter."""
        if not key.startswith(self.prefix):
            return False
        return all(tag in tags for tag in self.tags)


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a rule replicates to (P, BM-S3 ``Destination``).

    ``bucket_arn`` is the ARN as sent (``arn:aws:s3:::name``); ``owner_override`` is
    ``AccessControlTranslation/Owner = Destination``; ``replication_time`` and ``metrics`` are
    (Status, Minutes) pairs (Minutes None when not sent), kept to be echoed.
    ``encryption_configuration`` is True when an ``EncryptionConfiguration`` was sent (even one
    without a ``ReplicaKmsKeyID``: R5 refuses it without ``SseKmsEncryptedObjects``).
    """

    bucket_arn: str
    account: str | None = None
    storage_class: str | None = None
    replica_kms_key_id: str | None = None
    owner_override: bool = False
    replication_time: tuple[str, int | None] | None = None
    metrics: tuple[str, int | None] | None = None
    encryption_configuration: bool = False

    @property
    def bucket(self) -> str:
        """The destination bucket's name (the ARN's resource part)."""
        arn = self.bucket_arn
        return arn[len(BUCKET_ARN_PREFIX) :] if arn.startswith(BUCKET_ARN_PREFIX) else arn


@dataclass(frozen=True, slots=True)
class ReplicationRule:
    """One rule. ``filter`` None marks a V1 rule, whose ``prefix`` sits on the rule itself.

    ``sse_kms_objects`` and ``replica_modifications`` are the ``SourceSelectionCriteria`` statuses
    (None: not sent); ``delete_marker_replication`` likewise.
    """

    id: str
    status: str
    destination: Destination
    priority: int | None = None
    prefix: str | None = None
    filter: RuleFilter | None = None
    delete_marker_replication: str | None = None
    sse_kms_objects: str | None = None
    replica_modifications: str | None = None

    @property
    def v2(self) -> bool:
        """True for a rule of the V2 schema: it has a ``Filter``, or Replication Time Control
        (reference 2.2, P: UG23 replication-add-config)."""
        return self.filter is not None or self.destination.replication_time is not None

    @property
    def enabled(self) -> bool:
        """True when the rule is Enabled (a Disabled rule is kept, and selects nothing)."""
        return self.status == ENABLED

    def matches(self, key: str, tags: Tags) -> bool:
        """True when the rule's filter (V2) or prefix (V1) selects ``key`` with ``tags``."""
        if self.filter is not None:
            return self.filter.matches(key, tags)
        return key.startswith(self.prefix or "")

    def selects(self, key: str, tags: Tags, mode: SseMode) -> bool:
        """True when this rule replicates a new object ``key`` with ``tags`` encrypted with ``mode``."""
        if not self.enabled or not self.matches(key, tags):
            return False
        return mode not in _KMS_MODES or self.sse_kms_objects == ENABLED

    def replicates_delete_markers(self, key: str) -> bool:
        """True when this rule replicates a delete marker a DeleteObject left on ``key`` (V1: always;
        V2: with DeleteMarkerReplication Enabled and no tag in the filter)."""
        if not self.enabled:
            return False
        if not self.v2:
            return key.startswith(self.prefix or "")
        if self.delete_marker_replication != ENABLED:
            return False
        if self.filter is None:
            return key.startswith(self.prefix or "")
        return not self.filter.tags and key.startswith(self.filter.prefix)


@dataclass(frozen=True, slots=True)
class ReplicationConfiguration:
    """A bucket's replication configuration: the role S3 assumes and the rules, in document order."""

    role: str
    rules: tuple[ReplicationRule, ...]

    def _by_destination(self, chosen: Iterable[ReplicationRule]) -> list[ReplicationRule]:
        """One rule per destination bucket: the highest priority (V1: the first)."""
        best: dict[str, ReplicationRule] = {}
        for rule in chosen:
            held = best.get(rule.destination.bucket)
            if held is None or (rule.priority or 0) > (held.priority or 0):
                best[rule.destination.bucket] = rule
        return list(best.values())

    def rules_for(self, key: str, tags: Tags, mode: SseMode) -> list[ReplicationRule]:
        """The rule that replicates a new object to each destination (empty: not replicated)."""
        return self._by_destination(r for r in self.rules if r.selects(key, tags, mode))

    def eligible(self, key: str, tags: Tags, mode: SseMode) -> bool:
        """True when a new object is to be replicated (it then shows ``PENDING``: RS1)."""
        return any(rule.selects(key, tags, mode) for rule in self.rules)

    def marker_rules(self, key: str) -> list[ReplicationRule]:
        """The rule that replicates a new delete marker on ``key`` to each destination."""
        return self._by_destination(r for r in self.rules if r.replicates_delete_markers(key))

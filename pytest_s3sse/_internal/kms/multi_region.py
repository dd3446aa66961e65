"""KMS's multi-Region key operations: ReplicateKey and UpdatePrimaryRegion.

A multi-Region key (``MultiRegion=True``, id ``mrk-`` and 32 hex digits) has one primary and replicas in
other Regions of the same account; they share the key id, the key material, the key spec, usage and
origin, and the automatic rotation status, while policy, tags, aliases, description and key state are
each one's own (P, ReplicateKey). Here every member holds the same :class:`~.keys.MultiRegionGroup`
and the same ``materials`` list, so a rotation of the primary is every replica's rotation at once, and a
blob sealed in one Region decrypts with the related key in another (:mod:`.crypto_ops`).

ReplicateKey answers the replica with ``KeyState`` ``Creating`` and no ``CurrentKeyMaterialId`` (A, LS-AWS
``test_replicate_key``); the replica is usable at once (AWS: "after a few seconds"), as is the new
primary of UpdatePrimaryRegion (AWS: ``Updating`` for a moment). Deleting a primary that has replicas
makes it PendingReplicaDeletion until the last replica is gone, then its own waiting period starts
(P, ScheduleKeyDeletion; audit-behaviour.md, ct-schedule-key-deletion).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pytest_s3sse._internal.crypto.asymmetric import SPECS as PAIR_SPECS
from pytest_s3sse._internal.errors.kms import (
    AlreadyExistsException,
    NotFoundException,
    UnsupportedOperationException,
    ValidationException,
)
from pytest_s3sse._internal.kms import asymmetric
from pytest_s3sse._internal.kms.imported import EXTERNAL, PENDING_IMPORT
from pytest_s3sse._internal.kms.key_ops import KeyOps, check_policy, check_tags
from pytest_s3sse._internal.kms.keys import KmsKey, MultiRegionGroup, key_arn
from pytest_s3sse._internal.kms.managed import default_policy, policy_text
from pytest_s3sse._internal.kms.types import Caller, KeyView, Tag


class MultiRegionOps(KeyOps):
    """ReplicateKey, UpdatePrimaryRegion, and the primary's deletion while replicas remain."""

    def replicate_key(
        self,
        key_ref: str,
        replica_region: str,
        *,
        caller: Caller,
        policy: str | None = None,
        bypass_lockout: bool = False,
        description: str | None = None,
        tags: Sequence[Tag] = (),
    ) -> tuple[KeyView, str, tuple[Tag, ...]]:
        """A replica of the primary ``key_ref`` in ``replica_region``; returns its metadata (as
        ReplicateKey shows it), its key policy and its tags."""
        with self._call("ReplicateKey", caller) as call:
            primary = self._own_key(key_ref, caller, call, "ReplicateKey")
            group = _group(primary)
            if group.primary != primary.region:
                raise UnsupportedOperationException.not_primary(primary.arn)  # A
            if primary.state != PENDING_IMPORT:  # an imported primary may wait for its material
                self._require_enabled(primary)  # P: DisabledException, KMSInvalidStateException
            if replica_region == primary.region:
                # P: "a different Region"; U the error and text.
                msg = f"The replica Region {replica_region} is the primary key's Region."
                raise ValidationException(msg)
            now = self.clock.now()
            keys = self.store.region(primary.account, replica_region, now)
            if primary.key_id in keys.keys:
                raise AlreadyExistsException.replica(primary.key_id, replica_region)
            if policy is not None:
                check_policy(policy)
                arn = key_arn(primary.account, replica_region, primary.key_id)
                self._check_lockout(arn, primary.account, policy, caller, bypass=bypass_lockout)
            check_tags({}, tags)
            replica = KmsKey(
                key_id=primary.key_id,
                account=primary.account,
                region=replica_region,
                created=now,
                description=description or "",  # A: the replica's own (empty by default)
                usage=primary.usage,
                spec=primary.spec,
                origin=primary.origin,
                multi_region=True,
                policy=policy_text(policy)
                if policy is not None
                else default_policy(primary.account, replica_region),
                tags={t.key: t.value for t in tags},
                materials=primary.materials,  # shared: the same key material
                private_material=primary.private_material,
                mrk=group,
            )
            if primary.origin == EXTERNAL:
                # P, ReplicateKey: a replica of an imported key is PendingImport until the same
                # material is imported into it (ImportType EXISTING_KEY_MATERIAL).
                replica.state, replica.private_material = PENDING_IMPORT, None
            elif primary.private_material is None and not primary.symmetric:
                self._share_secret(primary, replica)
            keys.keys[replica.key_id] = replica
            group.regions.append(replica_region)
            view = replace(replica.view(), state="Creating", current_material_id=None)
            return view, replica.policy, replica.tag_list()

    def update_primary_region(self, key_ref: str, primary_region: str, *, caller: Caller) -> None:
        """Make the related key in ``primary_region`` the primary (and this one a replica); the
        automatic rotation schedule moves with it."""
        with self._call("UpdatePrimaryRegion", caller) as call:
            key = self._own_key(key_ref, caller, call, "UpdatePrimaryRegion")
            group = _group(key)
            if group.primary != key.region:
                raise UnsupportedOperationException.not_primary(key.arn)  # U: the A text above
            self._require_enabled(key)  # P: DisabledException, KMSInvalidStateException
            if primary_region == key.region:
                return  # U: already the primary
            now = self.clock.now()
            target = self.store.region(key.account, primary_region, now).keys.get(key.key_id)
            if target is None:
                # P: the Region must hold a replica; the A text of a missing key there.
                raise NotFoundException.key(key_arn(key.account, primary_region, key.key_id))
            target.rotation_enabled, key.rotation_enabled = key.rotation_enabled, False
            target.rotation_period_days = key.rotation_period_days
            target.rotation_base, key.rotation_base = key.rotation_base, None
            target.on_demand_rotations = key.on_demand_rotations
            group.primary = primary_region

    def _share_secret(self, primary: KmsKey, replica: KmsKey) -> None:
        """An asymmetric or HMAC primary makes its secret now, so the replica holds the same."""
        if primary.spec.startswith("HMAC_"):
            replica.private_material = asymmetric.mac_key(primary, self.entropy.bytes)
        elif primary.spec in PAIR_SPECS:
            replica.private_material = asymmetric.key_pair(primary, self.entropy.bytes)


def _group(key: KmsKey) -> MultiRegionGroup:
    if key.mrk is None:
        raise UnsupportedOperationException.not_multi_region(key.key_id)
    return key.mrk

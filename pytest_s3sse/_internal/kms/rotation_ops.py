"""KMS rotation operations: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
RotateKeyOnDemand, ListKeyRotations. The schedule itself lives in :mod:`pytest_s3sse._internal.kms.rotation`.

Key forms: the three automatic-rotation operations also take an alias (S, faiscadev/fakecloud#901:
"Real KMS accepts either a key id or an alias ... for all rotation ops"; the model documents key id or
ARN); RotateKeyOnDemand and ListKeyRotations take a key id or ARN (P). GetKeyRotationStatus works across
accounts (P). Rotation is only for symmetric encryption keys; other keys answer
UnsupportedOperationException with an empty message (A for RotateKeyOnDemand and, through Terraform,
EnableKeyRotation: terraform-aws-modules/terraform-aws-kms#20; U for the others), except
GetKeyRotationStatus, which answers false for them (S).
"""

from __future__ import annotations

from pytest_s3sse._internal.errors.kms import (
    LimitExceededException,
    UnsupportedOperationException,
    ValidationException,
)
from pytest_s3sse._internal.kms import rotation
from pytest_s3sse._internal.kms.base import CallRecord, ServiceBase, page
from pytest_s3sse._internal.kms.keys import KmsKey
from pytest_s3sse._internal.kms.types import Caller, Page, RotationStatus, RotationView


class RotationOps(ServiceBase):
    """Key material rotation."""

    def enable_key_rotation(
        self, key_ref: str, *, caller: Caller, period_days: int | None = None
    ) -> None:
        """Rotate automatically every ``period_days`` (90-2560, default 365)."""
        with self._call("EnableKeyRotation", caller) as call:
            days = rotation.DEFAULT_PERIOD_DAYS if period_days is None else period_days
            check_period(days)
            key = self._rotatable(key_ref, caller, call, "EnableKeyRotation", aliases=True)
            self._require_enabled(key)
            rotation.enable(key, days, self.clock.now())

    def disable_key_rotation(self, key_ref: str, *, caller: Caller) -> None:
        """Stop automatic rotation."""
        with self._call("DisableKeyRotation", caller) as call:
            key = self._rotatable(key_ref, caller, call, "DisableKeyRotation", aliases=True)
            self._require_enabled(key)
            rotation.disable(key)

    def get_key_rotation_status(self, key_ref: str, *, caller: Caller) -> RotationStatus:
        """Whether automatic rotation is on, its period and next date (only while it is on).

        While a key is pending deletion its status is false (P); AWS managed keys always rotate.
        """
        with self._call("GetKeyRotationStatus", caller) as call:
            key = self._authorized_key(
                key_ref, caller, call, "GetKeyRotationStatus", aliases=True, cross_account=True
            )
            owner = self._rotation_owner(key)
            # An asymmetric or HMAC key never rotates: its status is false (S: floci-io/floci#618,
            # "AWS updated GetKeyRotationStatus ... asymmetric and HMAC keys return
            # KeyRotationEnabled: false"; Terraform reads it for every aws_kms_key, floci#586).
            if not key.symmetric or not owner.rotation_enabled or key.state == "PendingDeletion":
                return RotationStatus(key.arn, False, None, None)
            return RotationStatus(
                key.arn, True, owner.rotation_period_days, rotation.next_rotation(owner)
            )

    def rotate_key_on_demand(self, key_ref: str, *, caller: Caller) -> str:
        """Rotate now (at most 25 times per key); returns the key ARN (A)."""
        with self._call("RotateKeyOnDemand", caller) as call:
            key = self._rotatable(key_ref, caller, call, "RotateKeyOnDemand", aliases=False)
            self._require_enabled(key)
            if key.on_demand_rotations >= rotation.ON_DEMAND_LIMIT:
                raise LimitExceededException.on_demand_rotations(key.arn)
            rotation.rotate_on_demand(key, self.clock.now(), self._new_material)
            return key.arn

    def list_key_rotations(
        self,
        key_ref: str,
        *,
        caller: Caller,
        include_key_material: str | None = None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> Page[RotationView]:
        """The key's materials, oldest first: the rotations (default), or all materials with
        ``ALL_KEY_MATERIAL`` (P, IncludeKeyMaterial)."""
        with self._call("ListKeyRotations", caller) as call:
            key = self._rotatable(key_ref, caller, call, "ListKeyRotations", aliases=False)
            current = key.current_material.material_id
            views = [
                RotationView(
                    key.key_id,
                    m.material_id,
                    m.material_id == current,
                    m.created if m.rotation_type is not None else None,
                    m.rotation_type,
                )
                for m in key.materials
                if m.rotation_type is not None or include_key_material == "ALL_KEY_MATERIAL"
            ]
            return page(views, limit, marker, 100, 1000)

    def _rotation_owner(self, key: KmsKey) -> KmsKey:
        """The key whose rotation schedule ``key`` follows: its primary for a multi-Region
        replica (P, ReplicateKey: the automatic rotation status is shared), else itself."""
        group = key.mrk
        if group is None or group.primary == key.region:
            return key
        keys = self.store.region(key.account, group.primary, self.clock.now())
        return keys.keys.get(key.key_id, key)

    def _rotatable(
        self, key_ref: str, caller: Caller, call: CallRecord, action: str, *, aliases: bool
    ) -> KmsKey:
        key = self._authorized_key(
            key_ref, caller, call, action, aliases=aliases, cross_account=False
        )
        _require_symmetric(key)
        changes = action in ("EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand")
        if changes and key.mrk is not None and key.mrk.primary != key.region:
            # P: a multi-Region key's rotation is set on its primary and shared; U the error.
            raise UnsupportedOperationException.not_primary(key.arn)
        if key.origin != "AWS_KMS" and action in ("EnableKeyRotation", "RotateKeyOnDemand"):
            # A, LS-AWS test_rotate_key_on_demand_raises_error_given_key_with_imported_key_material
            # (the same answer for EnableKeyRotation: P, "not for imported-material keys").
            raise UnsupportedOperationException.origin(key.arn, key.origin)
        return key


def check_period(days: int) -> None:
    """RotationPeriodInDays 90-2560 (P, model), in AWS's validation format (U, reference 9.4)."""
    if days < rotation.MIN_PERIOD_DAYS:
        bound = f"greater than or equal to {rotation.MIN_PERIOD_DAYS}"
    elif days > rotation.MAX_PERIOD_DAYS:
        bound = f"less than or equal to {rotation.MAX_PERIOD_DAYS}"
    else:
        return
    raise ValidationException(
        f"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to "
        f"satisfy constraint: Member must have value {bound}"
    )


def _require_symmetric(key: KmsKey) -> None:
    if not key.symmetric:
        raise UnsupportedOperationException("")

"""Key material rotation on the engine clock.

Automatic rotation happens lazily: every operation that touches a key first applies the rotations that
have fallen due since it was last touched, each dated when it was scheduled, so a test that moves the
clock a year ahead sees exactly the rotations AWS would have made. The rules (P, botocore model):

- EnableKeyRotation: the first rotation is one period (default 365 days, 90-2560) after enabling;
  calling it again with a new period keeps the last rotation (or enabling) as the base.
- RotateKeyOnDemand: at most 25 per key; it does not change the automatic schedule.
- A disabled key is not rotated; when it is enabled again and a rotation is overdue, it rotates at once
  and the schedule restarts from then. A key pending deletion is not rotated and reports rotation as
  disabled until the deletion is cancelled.
- New encryptions use the newest material; older materials are kept, so old blobs still decrypt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from pytest_s3sse._internal.kms.keys import KeyMaterial, KmsKey

DEFAULT_PERIOD_DAYS = 365
MIN_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 2560
ON_DEMAND_LIMIT = 25
AUTOMATIC = "AUTOMATIC"
ON_DEMAND = "ON_DEMAND"

NewMaterial = Callable[[datetime, str], KeyMaterial]


def next_rotation(key: KmsKey) -> datetime | None:
    """When automatic rotation next happens (None when it is off)."""
    if not key.rotation_enabled or key.rotation_base is None:
        return None
    return key.rotation_base + timedelta(days=key.rotation_period_days)


def catch_up(key: KmsKey, now: datetime, new_material: NewMaterial) -> None:
    """Apply every automatic rotation due by ``now`` (only while the key is Enabled)."""
    if key.state != "Enabled":
        return
    due = next_rotation(key)
    while due is not None and due <= now:
        key.materials.append(new_material(due, AUTOMATIC))
        key.rotation_base = due
        due = next_rotation(key)


def enable(key: KmsKey, period_days: int, now: datetime) -> None:
    """Turn automatic rotation on (or change its period)."""
    if not key.rotation_enabled or key.rotation_base is None:
        key.rotation_base = now
    key.rotation_enabled = True
    key.rotation_period_days = period_days


def disable(key: KmsKey) -> None:
    """Turn automatic rotation off (enabling it again starts a new schedule)."""
    key.rotation_enabled = False
    key.rotation_base = None


def on_key_enabled(key: KmsKey, now: datetime, new_material: NewMaterial) -> None:
    """EnableKey of a disabled key: rotate at once when a rotation is overdue."""
    due = next_rotation(key)
    if due is not None and due <= now:
        key.materials.append(new_material(now, AUTOMATIC))
        key.rotation_base = now


def rotate_on_demand(key: KmsKey, now: datetime, new_material: NewMaterial) -> None:
    """One on-demand rotation (the caller checks the limit of 25)."""
    key.materials.append(new_material(now, ON_DEMAND))
    key.on_demand_rotations += 1

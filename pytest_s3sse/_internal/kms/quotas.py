"""KMS request quotas: token buckets refilled on the engine clock. Off unless a test configures them.

AWS throttles per caller account and region (P, KMS DG "Request quotas"; audit-behaviour.md 6.2):

- the symmetric **cryptographic** operations share one quota (Encrypt, Decrypt, ReEncrypt,
  GenerateDataKey*, GenerateRandom ...), S3's SSE-KMS calls on the caller's behalf included;
- every **management** operation has its own quota (CreateKey 5/s, DescribeKey 2,000/s ...).

A request beyond the rate answers ``ThrottlingException`` (HTTP 400), which botocore retries with
backoff, so a test can prove that its application copes. :data:`AWS_DEFAULTS` records AWS's defaults;
configure a family with ``per_second="aws"`` to use them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.errors.kms import ThrottlingException

CRYPTOGRAPHIC = "cryptographic"
CRYPTOGRAPHIC_OPERATIONS = frozenset(
    {
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac",
        "GenerateRandom",
    }
)  # fmt: skip
# P, KMS DG requests-per-second: the 2023 table as quoted in audit-behaviour.md 6.2 (CreateKey,
# DescribeKey, DisableKey, EnableKey, EnableKeyRotation, GetKeyPolicy, GetKeyRotationStatus, ListKeys,
# PutKeyPolicy, ScheduleKeyDeletion, CreateAlias); the others (the grant operations too) from the
# older awsdocs table (aws-kms-developer-guide doc_source/requests-per-second.md), which AWS may
# have raised since; RotateKeyOnDemand and ListKeyRotations are U.
AWS_DEFAULTS: dict[str, float] = {
    "CancelKeyDeletion": 5, "CreateAlias": 5, "CreateKey": 5, "DeleteAlias": 5,
    "DescribeKey": 2000, "DisableKey": 5, "DisableKeyRotation": 5, "EnableKey": 5,
    "EnableKeyRotation": 15, "GetKeyPolicy": 1000, "GetKeyRotationStatus": 1000,
    "ListAliases": 100, "ListKeyPolicies": 100, "ListKeyRotations": 1000, "ListKeys": 500,
    "ListResourceTags": 100, "PutKeyPolicy": 15, "RotateKeyOnDemand": 5,
    "ScheduleKeyDeletion": 15, "TagResource": 5, "UntagResource": 5, "UpdateAlias": 5,
    "UpdateKeyDescription": 5, "CreateGrant": 50, "ListGrants": 100, "ListRetirableGrants": 100,
    "RetireGrant": 30, "RevokeGrant": 50,
}  # fmt: skip
# The shared symmetric cryptographic quota per region (P for the three tiers and the named examples;
# the list of regions per tier is U, audit-behaviour.md 6.2).
_CRYPTO_TIERS = {
    50_000: ("us-east-1", "us-west-2", "eu-west-1"),
    10_000: (
        "us-east-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "eu-central-1",
        "eu-west-2",
    ),
}  # fmt: skip
_CRYPTO_ELSEWHERE = 5_500


def aws_default(family: str, region: str) -> float:
    """AWS's default requests per second for ``family`` in ``region``."""
    if family == CRYPTOGRAPHIC:
        for rate, regions in _CRYPTO_TIERS.items():
            if region in regions:
                return rate
        return _CRYPTO_ELSEWHERE
    return AWS_DEFAULTS[family]


def family_of(operation: str) -> str:
    """The quota an operation counts against: ``"cryptographic"``, or its own name."""
    return CRYPTOGRAPHIC if operation in CRYPTOGRAPHIC_OPERATIONS else operation


@dataclass(frozen=True, slots=True)
class Limit:
    """A configured rate: ``per_second`` (``None`` = AWS's default) and a burst (bucket size)."""

    per_second: float | None
    burst: float | None


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: datetime


class KmsQuotas:
    """Rate limits per (account, region, family), refilled on the engine clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._limits: dict[str, Limit] = {}
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def configure(self, family: str, per_second: float | None, burst: float | None = None) -> None:
        """Limit ``family`` (``"cryptographic"`` or an operation name) to ``per_second`` requests per
        second, with a bucket of ``burst`` requests (default: one second's worth, at least 1)."""
        if family != CRYPTOGRAPHIC and family not in AWS_DEFAULTS:
            msg = f"unknown KMS quota family {family!r}: use 'cryptographic' or one of {sorted(AWS_DEFAULTS)}"
            raise ValueError(msg)
        if per_second is not None and per_second <= 0:
            msg = "per_second must be positive"
            raise ValueError(msg)
        with self._lock:
            self._limits[family] = Limit(per_second, burst)
            for slot in [s for s in self._buckets if s[2] == family]:
                del self._buckets[slot]

    def clear(self, family: str) -> None:
        """Stop limiting ``family``."""
        with self._lock:
            self._limits.pop(family, None)
            for slot in [s for s in self._buckets if s[2] == family]:
                del self._buckets[slot]

    def limits(self) -> dict[str, Limit]:
        """The configured limits."""
        with self._lock:
            return dict(self._limits)

    def take(self, operation: str, account: str, region: str) -> None:
        """Spend one request of ``operation``'s quota, or raise ThrottlingException."""
        if not self._limits:  # quotas are off unless a test sets one: no lock, no clock
            return
        family = family_of(operation)
        with self._lock:
            limit = self._limits.get(family)
            if limit is None:
                return
            rate = limit.per_second or aws_default(family, region)
            size = limit.burst if limit.burst is not None else max(1.0, rate)
            now = self._clock.now()
            bucket = self._buckets.get((account, region, family))
            if bucket is None:
                bucket = self._buckets[(account, region, family)] = _Bucket(size, now)
            elapsed = max(0.0, (now - bucket.updated).total_seconds())
            bucket.tokens = min(size, bucket.tokens + elapsed * rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                raise ThrottlingException
            bucket.tokens -= 1.0

"""KMS request quotas: token buckets refilled on the engine clock. Off unless a test configures them.

AWS throttles per caller account and region (P, KMS DG "Request quotas"; audit-behaviour.md 6.2):

- the symmetric **cryptographic** operations share one quota (Encrypt, Decrypt, ReEncrypt,
  GenerateDataKey*, GenerateMac, VerifyMac, GenerateRandom), S3's SSE-KMS calls on the caller's behalf
  included;
- the same operations on **RSA** keys (Encrypt, Decrypt, Sign, Verify) share another, and those on
  **ECC** keys (Sign, Verify, DeriveSharedSecret) a third: "The quotas for different types of KMS keys
  are calculated independently". Which one a call counts against is known once its key is, so these
  operations take their token after resolving the key (:meth:`KmsQuotas.take_family`);
- GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext share a quota per key pair spec;
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
RSA = "cryptographic-rsa"
ECC = "cryptographic-ecc"
# P: the current requests-per-second page's "Cryptographic operations (symmetric)" list (the data key
# pair operations have their own quotas).
CRYPTOGRAPHIC_OPERATIONS = frozenset(
    {
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateMac", "VerifyMac", "GenerateRandom",
    }
)  # fmt: skip
# Operations whose quota depends on their key, taken once the key is known (take_family).
KEYED_OPERATIONS = frozenset({"Sign", "Verify", "DeriveSharedSecret", "GenerateDataKeyPair",
                              "GenerateDataKeyPairWithoutPlaintext"})  # fmt: skip
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
    # P, the current page (audit-behaviour.md 6.2: 500 / 300 in 2023, now 1,000 / 1,000).
    RSA: 1000, ECC: 1000,
    # P, the older awsdocs table (GetPublicKey; GenerateDataKeyPair* per key pair spec).
    "GetPublicKey": 5,
    "GenerateDataKeyPair (RSA_2048)": 1, "GenerateDataKeyPair (RSA_3072)": 0.5,
    "GenerateDataKeyPair (RSA_4096)": 0.1, "GenerateDataKeyPair (ECC_NIST_P256)": 25,
    "GenerateDataKeyPair (ECC_NIST_P384)": 10, "GenerateDataKeyPair (ECC_NIST_P521)": 5,
    "GenerateDataKeyPair (ECC_SECG_P256K1)": 25,
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
    """The quota an operation counts against on entry: ``"cryptographic"``, its own name, or none
    (``""``) for the operations whose quota depends on their key."""
    if operation in CRYPTOGRAPHIC_OPERATIONS:
        return CRYPTOGRAPHIC
    return "" if operation in KEYED_OPERATIONS else operation


def key_family(key_spec: str) -> str:
    """The shared quota of a cryptographic operation with a key of ``key_spec``."""
    if key_spec.startswith("RSA_"):
        return RSA
    return ECC if key_spec.startswith("ECC_") else CRYPTOGRAPHIC


def data_key_pair_family(key_pair_spec: str) -> str:
    """The quota of GenerateDataKeyPair* for ``key_pair_spec``."""
    return f"GenerateDataKeyPair ({key_pair_spec})"


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
        self.take_family(family_of(operation), account, region)

    def refund(self, family: str, account: str, region: str) -> None:
        """Give back a token taken on entry: an Encrypt or Decrypt whose key turned out to be an
        RSA key counts against the RSA quota instead of the symmetric one."""
        if not self._limits:
            return
        with self._lock:
            limit = self._limits.get(family)
            bucket = self._buckets.get((account, region, family))
            if limit is not None and bucket is not None:
                rate = limit.per_second or aws_default(family, region)
                size = limit.burst if limit.burst is not None else max(1.0, rate)
                bucket.tokens = min(size, bucket.tokens + 1.0)

    def take_family(self, family: str, account: str, region: str) -> None:
        """Spend one request of ``family``'s quota, or raise ThrottlingException."""
        if not self._limits:
            return
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

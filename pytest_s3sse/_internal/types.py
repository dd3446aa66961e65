"""Shared vocabulary: enums and frozen value types used across the layers."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

# What every holder of key material says when something tries to pickle it. Only a state directory
# persists keys (``_internal/persistence.py``: root keys and KMS key material in its key file); data
# keys, bucket keys and SSE-C keys are never persisted at all.
NOT_PICKLED = (
    "key material is not pickled (a state directory keeps root and KMS keys in its key file)"
)


class SseMode(str, Enum):
    """How an object is encrypted at rest."""

    SSE_S3 = "SSE-S3"
    SSE_KMS = "SSE-KMS"
    DSSE_KMS = "DSSE-KMS"
    SSE_C = "SSE-C"
    # Not encrypted: only an object S3 stored before 2023-01-05 without encryption, which a test
    # seeds with ``s3sse.put_unencrypted`` (S3 Inventory's NOT-SSE; P, S3 user guide "Default
    # encryption FAQ"). No request writes one: every write since is at least SSE-S3.
    NONE = "NONE"

    @functools.cached_property
    def header_value(self) -> str | None:
        """The ``x-amz-server-side-encryption`` value S3 sends for this mode (None for SSE-C and for
        an unencrypted object)."""
        return _HEADER_VALUES[self.value]

    @classmethod
    def parse(cls, value: str) -> SseMode:
        """A mode from its name (``"SSE-KMS"``) or its header value (``"aws:kms"``)."""
        for mode in cls:
            if value in (mode.value, mode.header_value):
                return mode
        msg = f"unknown SSE mode {value!r}; use one of {[m.value for m in cls]}"
        raise ValueError(msg)


_HEADER_VALUES = {
    "SSE-S3": "AES256",
    "SSE-KMS": "aws:kms",
    "DSSE-KMS": "aws:kms:dsse",
    "SSE-C": None,
    "NONE": None,
}


class ChecksumAlgorithm(str, Enum):
    """The additional checksums S3 accepts (``x-amz-checksum-*``)."""

    CRC32 = "CRC32"
    CRC32C = "CRC32C"
    CRC64NVME = "CRC64NVME"
    SHA1 = "SHA1"
    SHA256 = "SHA256"

    @functools.cached_property
    def header(self) -> str:
        """The request/response header that carries this checksum (made once per member: every
        write and checksummed read asks)."""
        return "x-amz-checksum-" + self.value.lower()


class PrincipalKind(str, Enum):
    """What kind of identity made a request (CloudTrail's ``userIdentity.type``; policy-behaviour.md
    K6 names ``aws:PrincipalType``)."""

    ROOT = "Root"
    IAM_USER = "IAMUser"
    ASSUMED_ROLE = "AssumedRole"
    AWS_SERVICE = "AWSService"
    ANONYMOUS = "Anonymous"

    @classmethod
    def of_arn(cls, arn: str) -> PrincipalKind:
        """The kind an ARN names: ``...:root``, ``...:user/...``, ``...:assumed-role/...``, an AWS
        service principal (``s3.amazonaws.com``), or ``anonymous``."""
        if arn == ANONYMOUS_ARN:
            return cls.ANONYMOUS
        if arn.endswith(".amazonaws.com"):
            return cls.AWS_SERVICE
        resource = arn.split(":", 5)[-1]
        if resource.startswith("assumed-role/"):
            return cls.ASSUMED_ROLE
        if resource.startswith("user/"):
            return cls.IAM_USER
        return cls.ROOT


ANONYMOUS_ARN = "anonymous"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made a request: the account and the ARN the credentials belong to.

    Its :attr:`kind` follows from the ARN. :data:`ANONYMOUS` is the caller of an unsigned request
    (account and ARN ``anonymous``, as AWS names it: audit-behaviour.md I4, policy-behaviour.md K3).
    """

    account_id: str
    arn: str
    access_key_id: str = ""

    @property
    def kind(self) -> PrincipalKind:
        """Root, IAM user, assumed-role session, AWS service or anonymous."""
        return PrincipalKind.of_arn(self.arn)

    @property
    def anonymous(self) -> bool:
        """True for the caller of an unsigned request."""
        return self.arn == ANONYMOUS_ARN


ANONYMOUS = Principal(ANONYMOUS_ARN, ANONYMOUS_ARN)


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class ObjectEncryption:
    """The encryption an object was written with, as S3 reports it."""

    mode: SseMode
    kms_key_arn: str | None = None
    bucket_key_enabled: bool = False
    encryption_context: Mapping[str, str] = field(default_factory=lambda: _frozen({}))

    @classmethod
    def sse_s3(cls) -> ObjectEncryption:
        """The default: SSE-S3."""
        return _SSE_S3


_SSE_S3 = ObjectEncryption(SseMode.SSE_S3)

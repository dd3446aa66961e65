"""The KMS domain's values: who calls, what a call returns, what the call log holds.

These are frozen so that the protocol edge, the S3 layer and the test API can hold them without the
service's lock; the mutable key entities stay inside :mod:`pytest_s3sse._internal.kms.keys`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Generic, Literal, NoReturn, TypeVar

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.types import NOT_PICKLED, Principal

Via = Literal["direct", "s3"]
T = TypeVar("T")

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes a KMS call, from where, and on whose behalf.

    ``account`` is the account in which bare key ids and alias names are resolved: the caller's own for
    direct calls, the bucket owner's when S3 calls KMS for a request (reference 7.1: "Key resolution uses
    the bucket's region and account"). ``via`` says whether the call came through the KMS API
    (``"direct"``) or from S3 on the caller's behalf (``"s3"``). ``context`` is the request's context
    (for S3's calls, the S3 request's, marked as invoked by S3), so a call can be linked to the request
    it was made for; None for calls made through the test API.
    """

    principal: Principal
    region: str
    via: Via = "direct"
    account: str = ""
    context: RequestContext | None = None

    def __post_init__(self) -> None:
        if not self.account:
            object.__setattr__(self, "account", self.principal.account_id)

    @classmethod
    def for_s3(cls, requester: RequestContext | Principal, *, account: str, region: str) -> Caller:
        """S3 calling KMS for a request to a bucket of ``account`` in ``region``: the request's
        context (linked to it), or just its principal (the test API: no request to link)."""
        if isinstance(requester, Principal):
            return cls(requester, region, "s3", account)
        return cls(requester.principal, region, "s3", account, requester.invoked_by_service())

    @classmethod
    def of(cls, context: RequestContext) -> Caller:
        """A direct KMS API call, in the region it was sent to."""
        return cls(context.principal, context.region, "direct", "", context)

    @property
    def request_id(self) -> str | None:
        """The id of the request this call belongs to (S3's id for S3's calls), if any."""
        return self.context.request_id if self.context is not None else None


@dataclass(frozen=True, slots=True)
class KmsCall:
    """One KMS operation as the call log records it (direct through the API, or made by S3).

    ``key_arn`` is the resolved key (None when the call failed before a key was resolved, or uses
    none); ``source_key_arn`` is the decrypting key of a ReEncrypt. ``error`` is the error code, or None
    for a success. ``caller`` is the principal ARN; ``account`` the caller's account. ``request_id`` is
    the id of the request the call was made for: the KMS request's own for a direct call, the S3
    request's for a call S3 made (None for the test API's calls). ``error_message`` is the failed
    call's KMS message (its CloudTrail ``errorMessage``); ``material_id`` the key material an
    Encrypt, GenerateDataKey or Decrypt used (CloudTrail's ``keyMaterialId``).
    """

    operation: str
    key_arn: str | None
    caller: str
    account: str
    region: str
    via: Via
    time: datetime
    error: str | None
    encryption_context: Mapping[str, str] = field(default_factory=lambda: _frozen(None))
    source_key_arn: str | None = None
    request_id: str | None = None
    error_message: str | None = None
    material_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "encryption_context", _frozen(self.encryption_context))

    def involves(self, key_arn: str) -> bool:
        """True when the call used ``key_arn`` (as its key, or as a ReEncrypt source)."""
        return key_arn in (self.key_arn, self.source_key_arn)


@dataclass(frozen=True, slots=True)
class DataKey:
    """A data key from GenerateDataKey: the plaintext (None WithoutPlaintext) and its wrapped copy."""

    plaintext: bytes | None
    ciphertext_blob: bytes
    key_arn: str
    material_id: str

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)


@dataclass(frozen=True, slots=True)
class Encrypted:
    """Encrypt's answer (``algorithm``: the EncryptionAlgorithm used)."""

    ciphertext_blob: bytes
    key_arn: str
    algorithm: str = SYMMETRIC_DEFAULT


@dataclass(frozen=True, slots=True)
class Decrypted:
    """Decrypt's answer: the plaintext, the key that sealed it and its key material id (empty for an
    asymmetric key's ciphertext, which names no key material)."""

    plaintext: bytes
    key_arn: str
    material_id: str
    algorithm: str = SYMMETRIC_DEFAULT


@dataclass(frozen=True, slots=True)
class ReEncrypted:
    """ReEncrypt's answer (a material id is empty for an asymmetric key, which has none)."""

    ciphertext_blob: bytes
    source_key_arn: str
    key_arn: str
    source_material_id: str
    material_id: str
    source_algorithm: str = SYMMETRIC_DEFAULT
    algorithm: str = SYMMETRIC_DEFAULT


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing: the items and the marker of the next page (None on the last)."""

    items: tuple[T, ...]
    next_marker: str | None


@dataclass(frozen=True, slots=True)
class Tag:
    """A key tag."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class AliasView:
    """An alias as ListAliases shows it (a predefined ``alias/aws/*`` alias whose AWS managed key
    does not exist yet has only its name and ARN)."""

    name: str
    arn: str
    target_key_id: str | None  # None: a predefined AWS alias whose key does not exist yet
    created: datetime | None = None
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class RotationView:
    """One key material as ListKeyRotations shows it (no date or type for the first material)."""

    key_id: str
    material_id: str
    current: bool
    rotated: datetime | None
    rotation_type: str | None


@dataclass(frozen=True, slots=True)
class RotationStatus:
    """GetKeyRotationStatus: period and next date only while rotation is enabled."""

    key_arn: str
    enabled: bool
    period_days: int | None
    next_rotation: datetime | None


@dataclass(frozen=True, slots=True)
class MultiRegionConfig:
    """A multi-Region key's MultiRegionConfiguration: its type (PRIMARY or REPLICA), the primary's
    (ARN, Region) and every replica's."""

    key_type: str
    primary: tuple[str, str]
    replicas: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ImportParameters:
    """GetParametersForImport's answer: the wrapping public key (DER), the import token and when
    both stop being valid."""

    key_arn: str
    public_key: bytes
    token: bytes
    valid_to: datetime


@dataclass(frozen=True, slots=True)
class KeyView:
    """A key's metadata as DescribeKey shows it (a snapshot)."""

    key_id: str
    arn: str
    account: str
    region: str
    created: datetime
    description: str
    usage: str
    spec: str
    state: str
    manager: str
    origin: str
    multi_region: bool
    deletion_date: datetime | None
    current_material_id: str | None
    algorithms: tuple[str, ...]
    expiration_model: str | None = None
    valid_to: datetime | None = None
    multi_region_config: MultiRegionConfig | None = None

    @property
    def enabled(self) -> bool:
        """KMS reports Enabled true exactly when the key state is Enabled (P, KeyMetadata)."""
        return self.state == "Enabled"


@dataclass(frozen=True, slots=True)
class PublicKeyView:
    """GetPublicKey's answer: the DER SubjectPublicKeyInfo and what the key may do."""

    key_arn: str
    public_key: bytes
    spec: str
    usage: str
    algorithms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KeyOutput:
    """What a key computed: Sign's signature, GenerateMac's MAC, DeriveSharedSecret's secret (empty
    for Verify and VerifyMac, which answer only that the check held), with the key and algorithm."""

    key_arn: str
    value: bytes
    algorithm: str


@dataclass(frozen=True, slots=True)
class DataKeyPair:
    """GenerateDataKeyPair's answer (``private_plaintext`` None WithoutPlaintext): the private key as
    PKCS #8 DER, sealed under the symmetric key like a data key; the public key as SPKI DER."""

    private_plaintext: bytes | None
    private_blob: bytes
    public_key: bytes
    key_arn: str
    spec: str
    material_id: str

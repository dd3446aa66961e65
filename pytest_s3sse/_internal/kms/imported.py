"""Imported key material (Origin EXTERNAL): the rules of a key whose material the user brings.

A key created with ``Origin=EXTERNAL`` has no material and is ``PendingImport`` (A, LS-AWS
``test_import_key_symmetric``). GetParametersForImport hands out an RSA wrapping public key and an
import token, both valid for 24 hours (P, GetParametersForImport: "These items are valid for 24
hours"); the engine keeps the wrapping private key with the token. ImportKeyMaterial unwraps the
material with it (:mod:`pytest_s3sse._internal.crypto.key_import`), checks it fits the key spec and, after
the first import, that it is the same material (P, ImportKeyMaterial: "you must reimport the same key
material"), and the key is Enabled. DeleteImportedKeyMaterial, or its ValidTo passing on the engine
clock (P: "When the key material expires, KMS deletes the key material"), makes the key PendingImport
again; everything sealed under it waits until the same material is imported again.

Expiry is lazy, like automatic rotation: whenever a key is looked at, :func:`expire_if_due` applies it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.crypto.key_import import private_key
from pytest_s3sse._internal.crypto.mac import MacKey
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.kms import (
    IncorrectKeyMaterialException,
    InvalidCiphertextException,
    NotImplementedKms,
    ValidationException,
)
from pytest_s3sse._internal.kms.keys import KeyMaterial, KmsKey
from pytest_s3sse._internal.kms.types import SYMMETRIC_DEFAULT

EXTERNAL = "EXTERNAL"
PENDING_IMPORT = "PendingImport"
EXPIRES = "KEY_MATERIAL_EXPIRES"
DOES_NOT_EXPIRE = "KEY_MATERIAL_DOES_NOT_EXPIRE"
TOKEN_LIFETIME = timedelta(hours=24)  # P, GetParametersForImport
MAX_VALID_TO = timedelta(
    days=365
)  # P, ImportKeyMaterial ValidTo: "at most 365 days from the request"
# HMAC key material lengths in bytes (P, KMS DG "Importing key material": HMAC_224 28-64 bytes,
# HMAC_256 32-64, HMAC_384 48-128, HMAC_512 64-128).
_MAC_LENGTHS = {
    "HMAC_224": (28, 64),
    "HMAC_256": (32, 64),
    "HMAC_384": (48, 128),
    "HMAC_512": (64, 128),
}
SYMMETRIC_LENGTH = 32  # P: "256-bit symmetric key material"


@dataclass(frozen=True, slots=True)
class WrappingKey:
    """What GetParametersForImport made for one import token: the key it is for, the wrapping
    algorithm and RSA key pair, and when the token expires."""

    key_arn: str
    algorithm: str
    pair: KeyPair = field(repr=False)
    valid_to: datetime


def expire_if_due(key: KmsKey, now: datetime) -> None:
    """Delete the key's imported material when its ValidTo has passed (the caller checks that the
    key has a ValidTo: one attribute test on every key look-up)."""
    if key.valid_to is not None and key.valid_to <= now:
        delete(key)


def delete(key: KmsKey) -> None:
    """The material is gone: PendingImport, no expiration. The material ids stay (DescribeKey still
    shows CurrentKeyMaterialId: A, ``describe-key-after-deleted-import``) and so does the digest of
    the material (only the same material may be imported again); an asymmetric or HMAC key's secret
    is dropped. A symmetric key's secret stays in memory, unreachable while the key is PendingImport
    (every use checks the state first), so it needs no copy when the same material comes back."""
    if key.state not in ("PendingDeletion", "PendingReplicaDeletion"):  # deletion goes on
        key.state = PENDING_IMPORT
    key.expiration_model = None
    key.valid_to = None
    if not key.symmetric:
        key.private_material = None


def has_material(key: KmsKey) -> bool:
    """Whether ``key`` has its material now (an imported key has an ExpirationModel exactly while
    its material is there)."""
    return key.origin != EXTERNAL or key.expiration_model is not None


def imported_before(key: KmsKey) -> bool:
    """Whether material was ever imported into ``key`` (or, for a multi-Region key, any member)."""
    holder = key.mrk if key.mrk is not None else key
    return holder.imported_digest is not None


def check_expiration(model: str | None, valid_to: datetime | None, now: datetime) -> str:
    """ImportKeyMaterial's ExpirationModel (default KEY_MATERIAL_EXPIRES, P) and ValidTo."""
    chosen = model or EXPIRES
    if chosen == EXPIRES:
        if valid_to is None:
            # A, LS-AWS test_import_key_symmetric ("import-expiring-key-without-valid-to").
            msg = "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"
            raise ValidationException(msg)
        if valid_to <= now or valid_to > now + MAX_VALID_TO:
            # P: "a future date and time ... at most 365 days from the request date"; U the text.
            msg = "The validTo date must be a future date no more than 365 days from now."
            raise ValidationException(msg)
    elif valid_to is not None:
        # P: "When value is KEY_MATERIAL_DOES_NOT_EXPIRE, you must omit the ValidTo parameter";
        # U the text (the pattern of the A text above).
        msg = (
            "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE"
        )
        raise ValidationException(msg)
    return chosen


def material_id(key: KmsKey, material: bytes) -> str:
    """The id of imported symmetric material: derived from the key and the material (P,
    ImportKeyMaterial KeyMaterialId: "based on the KMS key ID and the imported key material"; U the
    derivation), so the same material imported again has the same id and its blobs open again."""
    return hashlib.sha256(b"s3sse-imported:" + key.key_id.encode() + b":" + material).hexdigest()


def install(key: KmsKey, material: bytes, now: datetime) -> str:
    """Put ``material`` into ``key`` (checked for its spec and, after the first import, for being
    the same material); returns its material id ("" for asymmetric and HMAC keys, which show none)."""
    secret = _secret(key, material)
    digest = hashlib.sha256(material).digest()
    holder = key.mrk if key.mrk is not None else key  # a multi-Region key's members share it
    if holder.imported_digest is not None and holder.imported_digest != digest:
        raise IncorrectKeyMaterialException
    holder.imported_digest = key.imported_digest = digest
    if key.spec == SYMMETRIC_DEFAULT:
        found = material_id(key, material)
        if key.material(found) is None:
            key.materials.append(KeyMaterial(found, material, now))
        return found
    key.private_material = secret
    return ""


def _secret(key: KmsKey, material: bytes) -> KeyPair | MacKey | None:
    """The key's secret made of ``material``; InvalidCiphertextException (empty, as for a blob that
    does not open: U) when the material does not fit the key spec."""
    if key.spec == SYMMETRIC_DEFAULT:
        if len(material) != SYMMETRIC_LENGTH:
            raise InvalidCiphertextException
        return None
    lengths = _MAC_LENGTHS.get(key.spec)
    if lengths is not None:
        if not lengths[0] <= len(material) <= lengths[1]:
            raise InvalidCiphertextException
        return MacKey(material)
    try:
        return private_key(key.spec, material)
    except DecryptionError as exc:
        if key.spec.startswith(("SM2", "ML_DSA", "ECC_NIST_EDWARDS")):
            raise NotImplementedKms.feature(f"imported {key.spec} key material") from exc
        raise InvalidCiphertextException from exc

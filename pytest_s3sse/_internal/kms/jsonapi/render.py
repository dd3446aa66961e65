"""Protocol edge: KMS results as the JSON members AWS sends.

Timestamps are epoch seconds (the awsJson protocol's default), blobs are base64. Members that AWS
leaves out are left out: ``DeletionDate`` only while a key is pending deletion, ``CurrentKeyMaterialId``
only for symmetric encryption keys, one algorithm list per key usage, ``MultiRegionConfiguration`` only
for multi-Region keys (A, LS-AWS ``test_create_key``, ``test_hmac_create_key``,
``test_create_multi_region_key``; P, KeyMetadata docs).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from pytest_s3sse._internal.kms.grants import Grant
from pytest_s3sse._internal.kms.types import (
    AliasView,
    KeyView,
    Page,
    PublicKeyView,
    RotationStatus,
    RotationView,
    Tag,
)

_ALGORITHM_MEMBER = {
    "ENCRYPT_DECRYPT": "EncryptionAlgorithms",
    "SIGN_VERIFY": "SigningAlgorithms",
    "GENERATE_VERIFY_MAC": "MacAlgorithms",
    "KEY_AGREEMENT": "KeyAgreementAlgorithms",
}


def epoch(moment: datetime) -> float:
    """A timestamp as the JSON protocol sends it (seconds, millisecond precision)."""
    return round(moment.timestamp(), 3)


def b64(data: bytes) -> str:
    """A blob as the JSON protocol sends it."""
    return base64.b64encode(data).decode()


def key_metadata(view: KeyView) -> dict[str, Any]:
    """DescribeKey's (and CreateKey's) ``KeyMetadata``."""
    out: dict[str, Any] = {
        "AWSAccountId": view.account,
        "KeyId": view.key_id,
        "Arn": view.arn,
        "CreationDate": epoch(view.created),
        "Enabled": view.enabled,
        "Description": view.description,
        "KeyUsage": view.usage,
        "KeyState": view.state,
        "Origin": view.origin,
        "KeyManager": view.manager,
        "CustomerMasterKeySpec": view.spec,
        "KeySpec": view.spec,
        _ALGORITHM_MEMBER[view.usage]: list(view.algorithms),
        "MultiRegion": view.multi_region,
    }
    if view.deletion_date is not None:
        out["DeletionDate"] = epoch(view.deletion_date)
    if view.current_material_id is not None:
        out["CurrentKeyMaterialId"] = view.current_material_id
    if view.expiration_model is not None:  # imported key material (A, test_import_key_symmetric)
        out["ExpirationModel"] = view.expiration_model
    if view.valid_to is not None:
        out["ValidTo"] = epoch(view.valid_to)
    config = view.multi_region_config
    if config is not None:
        out["MultiRegionConfiguration"] = {
            "MultiRegionKeyType": config.key_type,
            "PrimaryKey": {"Arn": config.primary[0], "Region": config.primary[1]},
            "ReplicaKeys": [{"Arn": arn, "Region": region} for arn, region in config.replicas],
        }
    return out


def paged(member: str, items: list[Any], result: Page[Any]) -> dict[str, Any]:
    """A listing page: the items, ``Truncated`` and, when truncated, ``NextMarker``."""
    out: dict[str, Any] = {member: items, "Truncated": result.next_marker is not None}
    if result.next_marker is not None:
        out["NextMarker"] = result.next_marker
    return out


def grant_entry(grant: Grant) -> dict[str, Any]:
    """A ListGrants / ListRetirableGrants entry (P, GrantListEntry; the model's examples: ``KeyId`` is
    the key ARN, ``IssuingAccount`` the key account's root; ``Name``, ``RetiringPrincipal`` and
    ``Constraints`` only when the grant has them)."""
    out: dict[str, Any] = {
        "KeyId": grant.key_arn,
        "GrantId": grant.grant_id,
        "CreationDate": epoch(grant.created),
        "GranteePrincipal": grant.grantee,
        "IssuingAccount": grant.issuing_account,
        "Operations": list(grant.operations),
    }
    if grant.name is not None:
        out["Name"] = grant.name
    if grant.retiring is not None:
        out["RetiringPrincipal"] = grant.retiring
    constraints = grant.constraints
    if constraints is not None:
        shown: dict[str, Any] = {}
        if constraints.subset is not None:
            shown["EncryptionContextSubset"] = dict(constraints.subset)
        if constraints.equals is not None:
            shown["EncryptionContextEquals"] = dict(constraints.equals)
        out["Constraints"] = shown
    return out


def key_entry(view: KeyView) -> dict[str, Any]:
    """A ListKeys entry."""
    return {"KeyId": view.key_id, "KeyArn": view.arn}


def alias_entry(view: AliasView) -> dict[str, Any]:
    """A ListAliases entry (name and ARN only for a predefined alias without its key, P)."""
    entry: dict[str, Any] = {"AliasName": view.name, "AliasArn": view.arn}
    if view.target_key_id is not None:
        entry["TargetKeyId"] = view.target_key_id
    if view.created is not None:
        entry["CreationDate"] = epoch(view.created)
    if view.updated is not None:
        entry["LastUpdatedDate"] = epoch(view.updated)
    return entry


def tag_entry(tag: Tag) -> dict[str, Any]:
    """A ListResourceTags entry."""
    return {"TagKey": tag.key, "TagValue": tag.value}


def rotation_entry(view: RotationView) -> dict[str, Any]:
    """A ListKeyRotations entry (no date or type for the first material: P, RotationDate doc)."""
    out: dict[str, Any] = {
        "KeyId": view.key_id,
        "KeyMaterialId": view.material_id,
        "KeyMaterialState": "CURRENT" if view.current else "NON_CURRENT",
    }
    if view.rotated is not None:
        out["RotationDate"] = epoch(view.rotated)
    if view.rotation_type is not None:
        out["RotationType"] = view.rotation_type
    return out


def rotation_status(status: RotationStatus) -> dict[str, Any]:
    """GetKeyRotationStatus: period and next date only when enabled (A, reference 9.4)."""
    out: dict[str, Any] = {"KeyId": status.key_arn, "KeyRotationEnabled": status.enabled}
    if status.enabled and status.period_days is not None:
        out["RotationPeriodInDays"] = status.period_days
    if status.enabled and status.next_rotation is not None:
        out["NextRotationDate"] = epoch(status.next_rotation)
    return out


def public_key(view: PublicKeyView) -> dict[str, Any]:
    """GetPublicKey's answer: the key ARN, the DER public key, the spec (also as the deprecated
    CustomerMasterKeySpec), the usage and the one algorithm list of that usage (P, the model)."""
    return {
        "KeyId": view.key_arn,
        "PublicKey": b64(view.public_key),
        "CustomerMasterKeySpec": view.spec,
        "KeySpec": view.spec,
        "KeyUsage": view.usage,
        _ALGORITHM_MEMBER[view.usage]: list(view.algorithms),
    }

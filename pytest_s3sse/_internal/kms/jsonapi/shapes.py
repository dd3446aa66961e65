"""Protocol edge: the input shapes of the modelled KMS operations, checked as AWS checks them.

Constraints come from the botocore model (P, ``kms/2014-11-01/service-2.json``). botocore itself checks
only required members, types and minimums before sending, so what is left (maximums, enums, patterns)
reaches the service, which answers::

    1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member
    must have value less than or equal to 1024

(A, LS-AWS ``test_generate_random_invalid_number_of_bytes``; a blob's value is not shown: ``Value at
'plaintext' ...``, A ``test_plaintext_size_for_encrypt``; list members are ``tags.1.member.tagKey``, A
``test_key_with_long_tag_value_raises_error``). Several errors are counted and joined with ``; ``. The
order of values in an enum message is the model's (U: AWS's order varies).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pytest_s3sse._internal.errors.kms import SerializationException, ValidationException
from pytest_s3sse._internal.kms.keys import KEY_SPECS, LEGACY_SPECS


@dataclass(frozen=True, slots=True)
class Member:
    """One input member: its JSON name, kind and constraints."""

    name: str
    kind: str  # "str", "int", "bool", "blob", "map", "tags", "strs", "struct", "time"
    required: bool = False
    min: int | None = None
    max: int | None = None
    enum: tuple[str, ...] | None = None
    pattern: str | None = None


_ALGORITHMS = ("SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE")
_USAGES = ("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT")
_ALIAS_PATTERN = "^[a-zA-Z0-9:/_-]+$"
_PRINCIPAL_PATTERN = "^[\\w+=,.@:/-]+$"  # P, PrincipalIdType


def _key(name: str = "KeyId", *, required: bool = True) -> Member:
    return Member(name, "str", required, 1, 2048)


_LIMIT = Member("Limit", "int", min=1, max=1000)
_MARKER = Member("Marker", "str", min=1, max=1024, pattern="[\\u0020-\\u00FF]*")
_CONTEXT = Member("EncryptionContext", "map")
_GRANTS = Member("GrantTokens", "strs", max=10)
_DRY_RUN = Member("DryRun", "bool")
_ALIAS = Member("AliasName", "str", True, 1, 256, pattern=_ALIAS_PATTERN)
_POLICY = Member(
    "Policy", "str", min=1, max=131072, pattern="[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
)
_POLICY_NAME = Member("PolicyName", "str", min=1, max=128, pattern="[\\w]+")
_TAGS = Member("Tags", "tags")
_MATERIAL_ID = Member("KeyMaterialId", "str", min=64, max=64, pattern="^[a-f0-9]+$")
_MATERIAL_DESCRIPTION = "^[a-zA-Z0-9:/_\\s.-]+$"
_REGION_PATTERN = "^([a-z]+-){2,3}\\d+$"
_RECIPIENT = Member("Recipient", "map")  # a Nitro attestation: refused as not modelled
_SIGNING = (
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384",
    "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512",
)  # fmt: skip
# In the order AWS's enum message lists them (A, LS-AWS test_invalid_generate_mac).
_MACS = ("HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512")
_PAIR_SPECS = (
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
    "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024",
)  # fmt: skip
_MESSAGE = Member("Message", "blob", True, 1, 4096)
_SIGNATURE_MEMBERS = (
    _key(),
    _MESSAGE,
    Member("MessageType", "str", enum=("RAW", "DIGEST", "EXTERNAL_MU")),
    _GRANTS,
    Member("SigningAlgorithm", "str", True, enum=_SIGNING),
    _DRY_RUN,
)
_MAC_MEMBERS = (
    _MESSAGE,
    _key(),
    Member("MacAlgorithm", "str", True, enum=_MACS),
    _GRANTS,
    _DRY_RUN,
)
_DATA_KEY_PAIR = (
    _CONTEXT,
    _key(),
    Member("KeyPairSpec", "str", True, enum=_PAIR_SPECS),
    _GRANTS,
    _RECIPIENT,
    _DRY_RUN,
)
_DATA_KEY = (
    _key(),
    _CONTEXT,
    Member("NumberOfBytes", "int", min=1, max=1024),
    Member("KeySpec", "str", enum=("AES_256", "AES_128")),
    _GRANTS,
    _RECIPIENT,
    _DRY_RUN,
)

SHAPES: dict[str, tuple[Member, ...]] = {
    "CreateKey": (
        _POLICY,
        Member("Description", "str", min=0, max=8192),
        Member("KeyUsage", "str", enum=_USAGES),
        Member("CustomerMasterKeySpec", "str", enum=LEGACY_SPECS),
        Member("KeySpec", "str", enum=tuple(KEY_SPECS)),
        Member("Origin", "str", enum=("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")),
        Member("CustomKeyStoreId", "str", min=1, max=64),
        Member("BypassPolicyLockoutSafetyCheck", "bool"),
        _TAGS,
        Member("MultiRegion", "bool"),
        Member("XksKeyId", "str", min=1, max=128),
    ),
    "DescribeKey": (_key(), _GRANTS),
    "ListKeys": (_LIMIT, _MARKER),
    "UpdateKeyDescription": (_key(), Member("Description", "str", True, 0, 8192)),
    "EnableKey": (_key(),),
    "DisableKey": (_key(),),
    "ScheduleKeyDeletion": (_key(), Member("PendingWindowInDays", "int", min=1, max=365)),
    "CancelKeyDeletion": (_key(),),
    "TagResource": (_key(), Member("Tags", "tags", required=True)),
    "UntagResource": (_key(), Member("TagKeys", "strs", required=True)),
    "ListResourceTags": (_key(), _LIMIT, _MARKER),
    "GetKeyPolicy": (_key(), _POLICY_NAME),
    "PutKeyPolicy": (
        _key(),
        _POLICY_NAME,
        Member("Policy", "str", True, 1, 131072, pattern=_POLICY.pattern),
        Member("BypassPolicyLockoutSafetyCheck", "bool"),
    ),
    "ListKeyPolicies": (_key(), _LIMIT, _MARKER),
    "CreateAlias": (_ALIAS, _key("TargetKeyId")),
    "UpdateAlias": (_ALIAS, _key("TargetKeyId")),
    "DeleteAlias": (_ALIAS,),
    "ListAliases": (_key(required=False), _LIMIT, _MARKER),
    "Encrypt": (
        _key(),
        Member("Plaintext", "blob", True, 1, 4096),
        _CONTEXT,
        _GRANTS,
        Member("EncryptionAlgorithm", "str", enum=_ALGORITHMS),
        _DRY_RUN,
    ),
    "Decrypt": (
        Member("CiphertextBlob", "blob", True, 1, 6144),
        _CONTEXT,
        _GRANTS,
        _key(required=False),
        Member("EncryptionAlgorithm", "str", enum=_ALGORITHMS),
        _RECIPIENT,
        _DRY_RUN,
    ),
    "ReEncrypt": (
        Member("CiphertextBlob", "blob", True, 1, 6144),
        Member("SourceEncryptionContext", "map"),
        _key("SourceKeyId", required=False),
        _key("DestinationKeyId"),
        Member("DestinationEncryptionContext", "map"),
        Member("SourceEncryptionAlgorithm", "str", enum=_ALGORITHMS),
        Member("DestinationEncryptionAlgorithm", "str", enum=_ALGORITHMS),
        _GRANTS,
        _DRY_RUN,
    ),
    "GenerateDataKey": _DATA_KEY,
    "GenerateDataKeyWithoutPlaintext": _DATA_KEY,
    "GenerateRandom": (
        Member("NumberOfBytes", "int", min=1, max=1024),
        Member("CustomKeyStoreId", "str", min=1, max=64),
        _RECIPIENT,
    ),
    "GetPublicKey": (_key(), _GRANTS),
    "Sign": _SIGNATURE_MEMBERS,
    "Verify": (*_SIGNATURE_MEMBERS, Member("Signature", "blob", True, 1, 6144)),
    "GenerateMac": _MAC_MEMBERS,
    "VerifyMac": (*_MAC_MEMBERS, Member("Mac", "blob", True, 1, 6144)),
    "GenerateDataKeyPair": _DATA_KEY_PAIR,
    "GenerateDataKeyPairWithoutPlaintext": _DATA_KEY_PAIR,
    "DeriveSharedSecret": (
        _key(),
        Member("KeyAgreementAlgorithm", "str", True, enum=("ECDH",)),
        Member("PublicKey", "blob", True, 1, 8192),
        _GRANTS,
        _DRY_RUN,
        _RECIPIENT,
    ),
    "GetParametersForImport": (
        _key(),
        Member(
            "WrappingAlgorithm",
            "str",
            True,
            enum=(
                "RSAES_PKCS1_V1_5",
                "RSAES_OAEP_SHA_1",
                "RSAES_OAEP_SHA_256",
                "RSA_AES_KEY_WRAP_SHA_1",
                "RSA_AES_KEY_WRAP_SHA_256",
                "SM2PKE",
            ),
        ),
        Member("WrappingKeySpec", "str", True, enum=("RSA_2048", "RSA_3072", "RSA_4096", "SM2")),
    ),
    "ImportKeyMaterial": (
        _key(),
        Member("ImportToken", "blob", True, 1, 6144),
        Member("EncryptedKeyMaterial", "blob", True, 1, 6144),
        Member("ValidTo", "time"),
        Member(
            "ExpirationModel",
            "str",
            enum=("KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"),
        ),
        Member("ImportType", "str", enum=("NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL")),
        Member("KeyMaterialDescription", "str", min=0, max=256, pattern=_MATERIAL_DESCRIPTION),
        _MATERIAL_ID,
    ),
    "DeleteImportedKeyMaterial": (_key(), _MATERIAL_ID),
    "ReplicateKey": (
        _key(),
        Member("ReplicaRegion", "str", True, 1, 32, pattern=_REGION_PATTERN),
        Member("Policy", "str", min=1, max=131072, pattern=_POLICY.pattern),
        Member("BypassPolicyLockoutSafetyCheck", "bool"),
        Member("Description", "str", min=0, max=8192),
        _TAGS,
    ),
    "UpdatePrimaryRegion": (
        _key(),
        Member("PrimaryRegion", "str", True, 1, 32, pattern=_REGION_PATTERN),
    ),
    "EnableKeyRotation": (_key(), Member("RotationPeriodInDays", "int", min=90, max=2560)),
    "DisableKeyRotation": (_key(),),
    "GetKeyRotationStatus": (_key(),),
    "RotateKeyOnDemand": (_key(),),
    "ListKeyRotations": (
        _key(),
        Member("IncludeKeyMaterial", "str", enum=("ALL_KEY_MATERIAL", "ROTATIONS_ONLY")),
        _LIMIT,
        _MARKER,
    ),
    "CreateGrant": (
        _key(),
        Member("GranteePrincipal", "str", min=1, max=256, pattern=_PRINCIPAL_PATTERN),
        Member("RetiringPrincipal", "str", min=1, max=256, pattern=_PRINCIPAL_PATTERN),
        Member("Operations", "strs", required=True),
        Member("Constraints", "struct"),
        _GRANTS,
        Member("Name", "str", min=1, max=256, pattern=_ALIAS_PATTERN),
        _DRY_RUN,
        Member("GranteeServicePrincipal", "str", min=1, max=256),
        Member("RetiringServicePrincipal", "str", min=1, max=256),
    ),
    "ListGrants": (
        _LIMIT,
        _MARKER,
        _key(),
        Member("GrantId", "str", min=1, max=128),
        Member("GranteePrincipal", "str", min=1, max=256, pattern=_PRINCIPAL_PATTERN),
        Member("GranteeServicePrincipal", "str", min=1, max=256),
    ),
    "ListRetirableGrants": (
        _LIMIT,
        _MARKER,
        Member("RetiringPrincipal", "str", min=1, max=256, pattern=_PRINCIPAL_PATTERN),
        Member("RetiringServicePrincipal", "str", min=1, max=256),
    ),
    "RetireGrant": (
        Member("GrantToken", "str", min=1, max=8192),
        _key(required=False),
        Member("GrantId", "str", min=1, max=128),
        _DRY_RUN,
    ),
    "RevokeGrant": (_key(), Member("GrantId", "str", True, 1, 128), _DRY_RUN),
}


def validate(operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The members of ``body`` that ``operation`` takes, checked; blobs decoded to bytes.

    Raises SerializationException for values of the wrong JSON type, ValidationException (AWS's
    "N validation error(s) detected" text) for broken constraints.
    """
    params: dict[str, Any] = {}
    problems: list[str] = []
    for member in SHAPES[operation]:
        value = body.get(member.name)
        if value is None:
            if member.required:
                problems.append(
                    f"Value null at '{_wire(member.name)}' failed to satisfy constraint: Member must not be null"
                )
            continue
        params[member.name] = _decode(member, value)
        problems += _check(member, params[member.name], _wire(member.name))
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(problems))
    return params


def _wire(name: str) -> str:
    return name[:1].lower() + name[1:]


_SCALARS: dict[str, type] = {"str": str, "int": int, "bool": bool}


def _decode(member: Member, value: Any) -> Any:
    """``value`` checked against the member's JSON type; a blob decoded from base64."""
    kind = member.kind
    if kind == "time":  # the awsJson protocol's timestamps: epoch seconds
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise SerializationException(f"Unexpected value type for member {member.name}")
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise SerializationException(f"Invalid timestamp for member {member.name}") from exc
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SerializationException(f"Invalid base64 value for member {member.name}") from exc
    well_typed = (
        (kind == "map" and isinstance(value, dict) and _strings([*value.keys(), *value.values()]))
        or (kind == "strs" and isinstance(value, list) and _strings(value))
        or (kind == "struct" and isinstance(value, dict))
        or (kind == "tags" and isinstance(value, list) and all(_is_tag(t) for t in value))
        or (
            kind in _SCALARS
            and isinstance(value, _SCALARS[kind])
            and not (kind == "int" and isinstance(value, bool))
        )
    )
    if not well_typed:
        raise SerializationException(f"Unexpected value type for member {member.name}")
    return value


def _strings(values: list[Any]) -> bool:
    return all(isinstance(v, str) for v in values)


def _is_tag(tag: Any) -> bool:
    return (
        isinstance(tag, dict)
        and isinstance(tag.get("TagKey"), str)
        and isinstance(tag.get("TagValue", ""), str)
    )


def _check(member: Member, value: Any, at: str) -> list[str]:
    if member.kind == "tags":
        out: list[str] = []
        for index, tag in enumerate(value, 1):
            out += _check(
                Member("TagKey", "str", True, 1, 128), tag["TagKey"], f"{at}.{index}.member.tagKey"
            )
            out += _check(
                Member("TagValue", "str", True, 0, 256),
                tag.get("TagValue", ""),
                f"{at}.{index}.member.tagValue",
            )
        return out
    if member.kind == "strs":
        if member.max is not None and member.name == "GrantTokens" and len(value) > member.max:
            return [
                f"Value '{value}' at '{at}' failed to satisfy constraint: Member must have length less than or equal to {member.max}"
            ]
        if member.name == "TagKeys":
            out = []
            for index, item in enumerate(value, 1):
                out += _check(Member("TagKey", "str", True, 1, 128), item, f"{at}.{index}.member")
            return out
        return []
    constraint = _constraint(member, value)
    if constraint is None:
        return []
    shown = "Value" if member.kind == "blob" else f"Value '{value}'"
    return [f"{shown} at '{at}' failed to satisfy constraint: Member must {constraint}"]


def _constraint(member: Member, value: Any) -> str | None:
    if member.kind in ("str", "blob"):
        if member.max is not None and len(value) > member.max:
            return f"have length less than or equal to {member.max}"
        if member.min is not None and len(value) < member.min:
            return f"have length greater than or equal to {member.min}"
        if member.enum is not None and value not in member.enum:
            return f"satisfy enum value set: [{', '.join(member.enum)}]"
        if member.pattern is not None and not re.fullmatch(member.pattern, value):
            return f"satisfy regular expression pattern: {member.pattern}"
    elif member.kind == "int":
        if member.max is not None and value > member.max:
            return f"have value less than or equal to {member.max}"
        if member.min is not None and value < member.min:
            return f"have value greater than or equal to {member.min}"
    return None

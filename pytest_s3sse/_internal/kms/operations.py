"""The names of KMS's API operations, for the test API's questions about calls (``kms_call_count``).

A count of calls to an operation that does not exist is always 0, so ``kms_call_count("GenerateDatakey")
== 0`` would pass for the wrong reason: names are checked against this list, which is the KMS API of
botocore's service model (``kms/2014-11-01``; ``tests/test_kms_operations.py`` keeps the two in step).
boto3's method names (``generate_data_key``) are accepted as well.
"""

from __future__ import annotations

import difflib
import re

OPERATIONS = frozenset(
    {
        "CancelKeyDeletion",
        "ConnectCustomKeyStore",
        "CreateAlias",
        "CreateCustomKeyStore",
        "CreateGrant",
        "CreateKey",
        "Decapsulate",
        "Decrypt",
        "DeleteAlias",
        "DeleteCustomKeyStore",
        "DeleteImportedKeyMaterial",
        "DeriveSharedSecret",
        "DescribeCustomKeyStores",
        "DescribeKey",
        "DisableKey",
        "DisableKeyRotation",
        "DisconnectCustomKeyStore",
        "EnableKey",
        "EnableKeyRotation",
        "Encapsulate",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "GenerateRandom",
        "GetKeyLastUsage",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "GetParametersForImport",
        "GetPublicKey",
        "ImportKeyMaterial",
        "ListAliases",
        "ListGrants",
        "ListKeyPolicies",
        "ListKeyRotations",
        "ListKeys",
        "ListResourceTags",
        "ListRetirableGrants",
        "PutKeyPolicy",
        "ReEncrypt",
        "ReplicateKey",
        "RetireGrant",
        "RevokeGrant",
        "RotateKeyOnDemand",
        "ScheduleKeyDeletion",
        "Sign",
        "TagResource",
        "UntagResource",
        "UpdateAlias",
        "UpdateCustomKeyStore",
        "UpdateKeyDescription",
        "UpdatePrimaryRegion",
        "Verify",
        "VerifyMac",
    }
)
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")
# boto3's method name of each operation (botocore's xform_name: CamelCase to snake_case).
_BY_METHOD = {_WORD_START.sub("_", name).lower(): name for name in OPERATIONS}


def operation_name(name: str) -> str:
    """The KMS operation ``name`` names (its API name or boto3's method name); ValueError naming the
    closest operations when it names none."""
    if name in OPERATIONS:
        return name
    found = _BY_METHOD.get(name)
    if found is not None:
        return found
    folded = name.replace("_", "").lower()
    by_folded = {operation.lower(): operation for operation in OPERATIONS}
    if folded in by_folded:  # a slip of case or of underscores: exactly one operation is meant
        suggestions = [by_folded[folded]]
    else:
        suggestions = [by_folded[n] for n in difflib.get_close_matches(folded, by_folded)]
    hint = f"; did you mean {' or '.join(map(repr, suggestions))}?" if suggestions else ""
    msg = f"{name!r} is not a KMS operation{hint} (KMS API names such as 'GenerateDataKey', or boto3's 'generate_data_key')"
    raise ValueError(msg)

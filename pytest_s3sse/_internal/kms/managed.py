"""AWS managed keys (``aws/s3``) and the key policies KMS writes.

An AWS managed key is created lazily, once per account and region, when a service first needs it (or
when DescribeKey names its predefined alias: P, DescribeKey "Amazon Web Services services use
DescribeKey to create Amazon Web Services managed keys from a predefined Amazon Web Services alias with
no key ID"). Users cannot manage it: "You cannot edit any properties of AWS managed keys" (P, KMS DG
"Editing keys"), and it rotates every year on its own (P, EnableKeyRotation).

AWS enforces that through the key's fixed key policy (policy-behaviour.md 4.6, S): S3 may use it for
principals of the owning account, and the account may only call ``Describe*``, ``Get*`` and ``List*``
directly. A request's use of the key evaluates that policy like any key policy (``ServiceBase._authorize``);
:func:`authorize` reads the same policy as fixed rules for the test API's calls, which carry no request
context (``tests/test_key_policy.py`` checks that both readings agree), so a management call or a direct
Encrypt answers ``AccessDeniedException`` in the "no resource-based policy allows" form (A format KE3;
the exact wording for these operations is U, reference 12.8).
"""

from __future__ import annotations

import json

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.errors.kms import AccessDeniedException
from pytest_s3sse._internal.kms.keys import KmsKey
from pytest_s3sse._internal.kms.types import Caller

# Predefined alias -> the description of its AWS managed key (A, LS-AWS
# test_s3_bucket_encryption_sse_kms_aws_managed_key). Only S3's is modelled.
MANAGED_ALIASES = {
    "alias/aws/s3": "Default key that protects my S3 objects when no other key is defined"
}
RESERVED_PREFIX = "alias/aws/"
# What the aws/s3 policy lets S3 do for the account's principals (kms:ViaService s3.<region>).
_VIA_S3_ACTIONS = frozenset(
    {
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext", "DescribeKey",
    }
)  # fmt: skip
_READ_ONLY = ("Describe", "Get", "List")


def policy_text(document: str) -> str:
    """A key policy as GetKeyPolicy returns it: re-serialized in AWS's pretty form (two-space indents,
    ``"key" : value``, arrays inline as ``[ a, b ]``, ``[ {`` and ``}, {`` between statements), the
    members in the order they were sent (A: aws/aws-cli#9456 shows a user's policy so returned;
    LS-AWS ``test_get_put_list_key_policies``: "AWS policy string has newlines littered in the
    response"; the form is that of AWS's own documents, P: the model's GetKeyPolicy example).
    ``document`` must be valid JSON (it has been parsed before)."""
    return _pretty(json.loads(document), 1)


def _pretty(value: object, nesting: int) -> str:
    if isinstance(value, dict):
        if not value:
            return "{ }"
        inner = "\n" + "  " * nesting
        members = ("," + inner).join(
            f"{json.dumps(k, ensure_ascii=False)} : {_pretty(v, nesting + 1)}"
            for k, v in value.items()
        )
        return "{" + inner + members + "\n" + "  " * (nesting - 1) + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(_pretty(v, nesting) for v in value) + " ]"
    return json.dumps(value, ensure_ascii=False)


def default_policy(account: str, region: str) -> str:
    """The key policy of CreateKey without ``Policy``, exactly as GetKeyPolicy returns it (P, model
    example; A, LS-AWS; policy-behaviour.md 4.6)."""
    root = arn.root(account, region)
    return (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
        f'    "Principal" : {{\n      "AWS" : "{root}"\n    }},\n'
        '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
    )


def s3_policy(account: str, region: str) -> str:
    """The key policy of ``aws/s3`` (S: FogSecurity/aws-managed-kms-keys ``s3.json``, read from a live
    account; policy-behaviour.md 4.6)."""
    root = arn.root(account, region)
    return (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "auto-s3-2",\n  "Statement" : [ {\n'
        '    "Sid" : "Allow access through S3 for all principals in the account that are '
        'authorized to use S3",\n    "Effect" : "Allow",\n'
        '    "Principal" : {\n      "AWS" : "*"\n    },\n'
        '    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", '
        '"kms:GenerateDataKey*", "kms:DescribeKey" ],\n    "Resource" : "*",\n'
        '    "Condition" : {\n      "StringEquals" : {\n'
        f'        "kms:CallerAccount" : "{account}",\n'
        f'        "kms:ViaService" : "s3.{region}.amazonaws.com"\n      }}\n    }}\n  }}, {{\n'
        '    "Sid" : "Allow direct access to key metadata to the account",\n'
        '    "Effect" : "Allow",\n'
        f'    "Principal" : {{\n      "AWS" : "{root}"\n    }},\n'
        '    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],\n'
        '    "Resource" : "*"\n  } ]\n}'
    )


def authorize(key: KmsKey, action: str, caller: Caller) -> None:
    """Raise AccessDeniedException when the AWS managed key's fixed policy does not allow ``action``
    (the test API's calls; requests evaluate the policy itself). Customer managed keys are not
    checked here: the test API acts as the engine."""
    if key.manager != "AWS":
        return
    same_account = caller.principal.account_id == key.account
    if same_account and action.startswith(_READ_ONLY):
        return
    if same_account and caller.via == "s3" and action in _VIA_S3_ACTIONS:
        return
    raise AccessDeniedException.no_resource_policy(caller.principal.arn, action, key.arn)

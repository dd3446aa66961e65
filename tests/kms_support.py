"""Texts and helpers shared by the SSE-KMS, DSSE-KMS and Bucket Key tests (``tests/test_sse_kms*.py``,
``tests/test_dsse.py``).

Texts come from ``shared/reference/aws-sse-behaviour.md`` sections 2.1, 3 and 7.2; each test cites its
row and source label.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from support import error as error  # noqa: PLC0414 - shared with every test module

# W15 (S; P for GET and PUT), W14/R8 (A, aws/aws-cli#1006), W13 (A, aws-samples/cql-replicator#92).
MSG_INSECURE = "Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a secure connection."
MSG_SIGV4 = "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4."
MSG_SLOW_DOWN = "Please reduce your request rate for operations involving AWS KMS."
# W4 (S, HADOOP-19197; code U).
MSG_BAD_CONTEXT = "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map"

MIB = 1024 * 1024


KEY_FORMS = ("id", "arn", "alias", "alias_arn")


def key_form(key: dict[str, Any], form: str, *, alias: str) -> str:
    """``key`` (its ``KeyMetadata``) named in one of the forms a KeyId takes (P, botocore model):
    key id, key ARN, alias name or alias ARN (``alias`` must name it; the suite's default account
    and region)."""
    return {
        "id": key["KeyId"],
        "arn": key["Arn"],
        "alias": alias,
        "alias_arn": f"arn:aws:kms:us-east-1:123456789012:{alias}",  # the suite's account, region
    }[form]


def context_header(context: dict[str, str]) -> str:
    """``SSEKMSEncryptionContext`` as applications send it: base64 of the JSON map."""
    return base64.b64encode(json.dumps(context).encode()).decode()


def sse_kms(key: str | None = None, **extra: Any) -> dict[str, Any]:
    """PutObject / CopyObject / CreateMultipartUpload arguments for SSE-KMS (``key``: any key form;
    None: the AWS managed ``aws/s3``)."""
    args: dict[str, Any] = {"ServerSideEncryption": "aws:kms", **extra}
    if key is not None:
        args["SSEKMSKeyId"] = key
    return args


def kms_default(key: str | None = None, *, bucket_key: bool = False, dsse: bool = False) -> Any:
    """A ``ServerSideEncryptionConfiguration`` making SSE-KMS (or DSSE-KMS) the bucket default."""
    by_default: dict[str, str] = {"SSEAlgorithm": "aws:kms:dsse" if dsse else "aws:kms"}
    if key is not None:
        by_default["KMSMasterKeyID"] = key
    return {
        "Rules": [
            {"ApplyServerSideEncryptionByDefault": by_default, "BucketKeyEnabled": bucket_key}
        ]
    }


def calls(s3sse: Any, since: int = 0) -> list[tuple[str, str | None]]:
    """The KMS calls made since index ``since``: (operation, key ARN)."""
    return [(c.operation, c.key_arn) for c in s3sse.kms_calls[since:]]


def allow_account(kms, key_id, account, actions=("kms:*",)):
    """Add a key-policy statement that lets ``account`` (its root, delegating to its identities) use
    the key: what a cross-account test needs before another account may use a key (E9)."""
    import json  # noqa: PLC0415

    policy = json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])
    policy["Statement"].append(
        {
            "Sid": f"Allow {account}",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": list(actions),
            "Resource": "*",
        }
    )
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))

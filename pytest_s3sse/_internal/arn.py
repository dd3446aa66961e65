"""ARNs, built in one place: partitions, account roots, S3 buckets and objects, KMS keys and aliases.

P: "Amazon Resource Names (ARNs)", AWS General Reference (``arn:partition:service:region:account-id:
resource``). S3 bucket and object ARNs carry no region or account (``arn:aws:s3:::bucket/key``); IAM ARNs
carry no region (``arn:aws:iam::123456789012:root``).
"""

from __future__ import annotations


def partition(region: str) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def root(account: str, region: str = "") -> str:
    """``arn:aws:iam::<account>:root``: the account root (its partition from ``region``)."""
    return f"arn:{partition(region)}:iam::{account}:root"


def bucket(name: str, region: str = "") -> str:
    """``arn:aws:s3:::<bucket>``."""
    return f"arn:{partition(region)}:s3:::{name}"


def s3_object(bucket_name: str, key: str, region: str = "") -> str:
    """``arn:aws:s3:::<bucket>/<key>``."""
    return f"arn:{partition(region)}:s3:::{bucket_name}/{key}"


def kms_key(account: str, region: str, key_id: str) -> str:
    """``arn:aws:kms:<region>:<account>:key/<id>``."""
    return f"arn:{partition(region)}:kms:{region}:{account}:key/{key_id}"


def kms_alias(account: str, region: str, alias_name: str) -> str:
    """``arn:aws:kms:<region>:<account>:alias/<name>`` (``alias_name`` includes ``alias/``)."""
    return f"arn:{partition(region)}:kms:{region}:{account}:{alias_name}"

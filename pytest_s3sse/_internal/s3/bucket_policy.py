"""Bucket policies and Block Public Access: what S3 stores, and when it calls a policy public.

A policy is public unless every ``Allow`` that names everyone (``"*"``) is held to fixed values of the
keys S3 lists (P: S3 user guide, "Blocking public access to your Amazon S3 storage", section "The
meaning of public", https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html):
"To be considered non-public, a bucket policy must grant access only to fixed values (values that don't
contain a wildcard or an AWS Identity and Access Management Policy Variable)" of a principal other than
``*`` or of ``aws:SourceIp`` (a CIDR no broader than /8 for IPv4 and /32 for IPv6), ``aws:SourceArn``,
``aws:SourceVpc``, ``aws:SourceVpce``, ``aws:SourceOwner``, ``aws:SourceAccount``, ``aws:userid`` (outside
the pattern ``AROLEID:*``), ``s3:DataAccessPointArn``, ``s3:DataAccessPointAccount``. The organisation
and principal keys (``aws:PrincipalOrgID``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
``aws:SourceOrgID``) count as fixed too (U: proposed, since they also name who may call).

Which condition holds a statement to fixed values: a positive operator (``StringEquals``,
``StringEqualsIgnoreCase``, ``StringLike`` and ``ArnEquals``/``ArnLike`` without wildcards,
``IpAddress``), no ``IfExists`` (a missing key would pass) and no set qualifier (U: proposed; AWS does not
say how it reads them). Negated operators leave everyone else in, so they do not.

Block Public Access (E16, P): ``BlockPublicPolicy`` refuses PutBucketPolicy of a public policy (D8);
``RestrictPublicBuckets`` makes a bucket whose policy is public answer only its own account's principals
and AWS services (:mod:`.access`). ``BlockPublicAcls`` and ``IgnorePublicAcls`` are stored and returned:
the engine models no ACLs (bucket owner enforced). Account-level settings (S3 Control) are not modelled.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from pytest_s3sse._internal.policy.conditions import Condition, split_operator
from pytest_s3sse._internal.policy.document import Policy, Statement

# P (the list above); the last four: U (proposed).
FIXED_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceIp",
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceOwner",
        "aws:SourceAccount",
        "aws:userid",
        "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:SourceOrgID",
    )
)
_FIXED_OPERATORS = frozenset(
    ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress")
)
_WIDEST = {4: 8, 6: 32}  # the broadest CIDR prefix that still counts as fixed (P)


def is_public(policy: Policy) -> bool:
    """True when ``policy`` grants public access (the module doc: "The meaning of public")."""
    return any(_public(statement) for statement in policy.statements)


def _public(statement: Statement) -> bool:
    principals = statement.principals
    if not statement.allow or principals is None or statement.not_principal:
        return False
    if not principals.everyone:
        return False
    return not any(_fixed(condition) for condition in statement.conditions)


def _fixed(condition: Condition) -> bool:
    """Whether ``condition`` holds a statement to fixed values of a key S3 accepts."""
    if condition.lookup not in FIXED_KEYS or condition.family is None:
        return False
    qualifier, base, if_exists = split_operator(condition.operator)
    if qualifier is not None or if_exists or base not in _FIXED_OPERATORS:
        return False
    if base == "IpAddress":
        return all(_narrow(value) for value in condition.values)
    return all(not any(c in value for c in ("*", "?", "${")) for value in condition.values)


def _narrow(cidr: str) -> bool:
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:  # pragma: no cover - the document's parser refused it already (M10)
        return False
    return network.prefixlen >= _WIDEST[network.version]


def public_policy_refused(caller_arn: str, bucket_arn: str) -> str:
    """D8 (P, S3 user guide "Troubleshoot access denied (403 Forbidden) errors")."""
    return (
        f"User: {caller_arn} is not authorized to perform: s3:PutBucketPolicy on resource: "
        f'"{bucket_arn}" because public policies are prevented by the BlockPublicPolicy setting in '
        "S3 Block Public Access."
    )


@dataclass(frozen=True, slots=True)
class PublicAccessBlock:
    """A bucket's S3 Block Public Access configuration (P, API reference
    PublicAccessBlockConfiguration): the four flags, each False when not given."""

    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False


# Since April 2023 S3 creates every general purpose bucket with all four settings on (P, S3 user guide
# "Blocking public access to your Amazon S3 storage"; policy-behaviour.md E16).
ALL_BLOCKED = PublicAccessBlock(True, True, True, True)

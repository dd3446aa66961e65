"""``bucket_encryption_rules()`` and ``bucket_policies()``: bucket configurations with what they do."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from hypothesis import strategies as st

from pytest_s3sse._internal.strategies.resources import (
    KEY_CHOICES,
    ExpectedEncryption,
    KeyChoice,
    object_arn,
    strategy_key,
)
from pytest_s3sse._internal.types import SseMode

if TYPE_CHECKING:
    from pytest_s3sse._internal.strategies.configurations import PreparedSse


@dataclass(frozen=True)
class BucketEncryptionRule:
    """A valid PutBucketEncryption configuration (drawn by :func:`bucket_encryption_rules`).

    ``algorithm`` is the ``SSEAlgorithm`` (``AES256``, ``aws:kms``, ``aws:kms:dsse``);
    ``kms_key`` how ``KMSMasterKeyID`` names the key (``aws/s3``: not sent); ``bucket_key`` the
    ``BucketKeyEnabled`` sent (None: not sent); ``blocked`` the ``BlockedEncryptionTypes`` sent
    (None: not sent, so the bucket keeps blocking SSE-C). :meth:`apply` puts it on a bucket.
    """

    algorithm: Literal["AES256", "aws:kms", "aws:kms:dsse"]
    kms_key: KeyChoice = "aws/s3"
    bucket_key: bool | None = None
    blocked: Literal["NONE", "SSE-C"] | None = None

    @property
    def description(self) -> str:
        """The rule in words."""
        words = [f"default {self.algorithm}"]
        if self.algorithm != "AES256":
            words.append(f"key {self.kms_key}")
        if self.bucket_key is not None:
            words.append(f"BucketKeyEnabled={self.bucket_key}")
        if self.blocked is not None:
            words.append(f"blocked {self.blocked}")
        return ", ".join(words)

    def __repr__(self) -> str:
        return f"<BucketEncryptionRule {self.description}>"

    def configuration(self, kms: Any) -> dict[str, Any]:
        """The ``ServerSideEncryptionConfiguration`` to send (creates the strategies' KMS key when
        the rule names it)."""
        default: dict[str, Any] = {"SSEAlgorithm": self.algorithm}
        if self.algorithm != "AES256" and self.kms_key != "aws/s3":
            default["KMSMasterKeyID"] = strategy_key(kms).named(self.kms_key)
        rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": default}
        if self.bucket_key is not None:
            rule["BucketKeyEnabled"] = self.bucket_key
        if self.blocked is not None:
            rule["BlockedEncryptionTypes"] = {"EncryptionType": [self.blocked]}
        return {"Rules": [rule]}

    def apply(self, s3: Any, kms: Any, bucket: str) -> ExpectedEncryption:
        """Put the rule on ``bucket`` and return what an unencrypted PUT (no SSE header) then gets:
        the rule's mode and key (``aws/s3`` without ``KMSMasterKeyID``), and a Bucket Key when the
        rule enables one for SSE-KMS (SSE rows B10, B11, B13: A)."""
        config = self.configuration(kms)
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
        mode = SseMode.parse(self.algorithm)
        if mode is SseMode.SSE_S3:
            return ExpectedEncryption(mode)
        kms_key = "alias/aws/s3" if self.kms_key == "aws/s3" else strategy_key(kms).arn
        bucket_key = bool(self.bucket_key) and mode is SseMode.SSE_KMS
        return ExpectedEncryption(mode, kms_key=kms_key, bucket_key=bucket_key)


def bucket_encryption_rules() -> st.SearchStrategy[BucketEncryptionRule]:
    """Valid PutBucketEncryption configurations: an ``AES256``, ``aws:kms`` or ``aws:kms:dsse``
    default (KMS ones with or without ``KMSMasterKeyID``, named every way), ``BucketKeyEnabled``
    absent, false or true (not with DSSE-KMS, which has no Bucket Keys), and
    ``BlockedEncryptionTypes`` absent, ``NONE`` or ``SSE-C``. Shrinks towards the SSE-S3 default."""
    blocked = st.sampled_from([None, "NONE", "SSE-C"])
    return st.one_of(
        st.builds(
            BucketEncryptionRule,
            st.just("AES256"),
            bucket_key=st.sampled_from([None, False, True]),
            blocked=blocked,
        ),
        st.builds(
            BucketEncryptionRule,
            st.just("aws:kms"),
            kms_key=st.sampled_from(KEY_CHOICES),
            bucket_key=st.sampled_from([None, False, True]),
            blocked=blocked,
        ),
        st.builds(
            BucketEncryptionRule,
            st.just("aws:kms:dsse"),
            kms_key=st.sampled_from(KEY_CHOICES),
            blocked=blocked,
        ),
    )


# -- bucket_policies -------------------------------------------------------------------------------

Requirement = Literal[
    "sse-header-present",
    "sse-is-kms",
    "sse-is-kms-or-dsse",
    "kms-key-is-strategy-key",
    "no-sse-c",
    "secure-transport",
]
"""The SSE rules a generated bucket policy enforces on PutObject (one Deny statement each)."""

REQUIREMENTS: tuple[Requirement, ...] = (
    "sse-header-present",
    "sse-is-kms",
    "sse-is-kms-or-dsse",
    "kms-key-is-strategy-key",
    "no-sse-c",
    "secure-transport",
)
"""Every :data:`Requirement`: ``bucket_policies`` draws one to three of them per policy."""


def _deny(sid: str, resource: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": resource,
        "Condition": condition,
    }


@dataclass(frozen=True)
class BucketPolicy:
    """A bucket policy built from the SSE conditions AWS's guidance uses (drawn by
    :func:`bucket_policies`): one Deny statement per requirement, for ``s3:PutObject`` on every
    object, Principal ``*`` (so it binds the bucket owner too), named by its requirement (Sid).

    :meth:`apply` puts it; :meth:`denies` says which statement a PutObject over TLS with a given
    :class:`PreparedSse` meets (None: allowed), as AWS evaluates the conditions (policy-behaviour.md
    L1-L5, P: a missing key fails a positive operator and meets a negated one, so
    ``kms-key-is-strategy-key`` denies a request that names no key, the ``aws/s3`` default too).
    """

    requirements: tuple[Requirement, ...]

    @property
    def description(self) -> str:
        """The requirements in words."""
        return "deny PutObject unless " + " and ".join(self.requirements)

    def __repr__(self) -> str:
        return f"<BucketPolicy {self.description}>"

    def document(self, bucket: str, kms_key_arn: str | None = None) -> dict[str, Any]:
        """The policy for ``bucket``; ``kms_key_arn`` is the key ``kms-key-is-strategy-key``
        requires (:meth:`apply` passes the strategies' key)."""
        resource = f"{object_arn(bucket)}/*"
        sse = "s3:x-amz-server-side-encryption"
        conditions: dict[Requirement, dict[str, Any]] = {
            "sse-header-present": {"Null": {sse: "true"}},
            "sse-is-kms": {"StringNotEquals": {sse: "aws:kms"}},
            "sse-is-kms-or-dsse": {"StringNotEquals": {sse: ["aws:kms", "aws:kms:dsse"]}},
            "kms-key-is-strategy-key": {
                "StringNotEquals": {f"{sse}-aws-kms-key-id": kms_key_arn or "unset"}
            },
            "no-sse-c": {"Null": {f"{sse}-customer-algorithm": "false"}},
            "secure-transport": {"Bool": {"aws:SecureTransport": "false"}},
        }
        statements = [_deny(_sid(r), resource, conditions[r]) for r in self.requirements]
        return {"Version": "2012-10-17", "Statement": statements}

    def apply(self, s3: Any, kms: Any, bucket: str) -> dict[str, Any]:
        """Put the policy on ``bucket`` (creating the strategies' KMS key when a requirement names
        it); returns the document."""
        arn = strategy_key(kms).arn if "kms-key-is-strategy-key" in self.requirements else None
        doc = self.document(bucket, arn)
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
        return doc

    def denies(self, sse: PreparedSse) -> str | None:
        """The Sid of the first statement that denies a PutObject over TLS sent with ``sse``'s
        ``put_kwargs``, or None when the policy lets it through (S3 answers 403 AccessDenied)."""
        header = sse.put_kwargs.get("ServerSideEncryption")
        ssec = "SSECustomerAlgorithm" in sse.put_kwargs
        key_sent = "SSEKMSKeyId" in sse.put_kwargs
        strategy_arn = sse.kms_key_arn
        for requirement in self.requirements:
            met = {
                "sse-header-present": header is not None,
                "sse-is-kms": header == "aws:kms",
                "sse-is-kms-or-dsse": header in ("aws:kms", "aws:kms:dsse"),
                # The key is in the request only when it names one (the strategies name only their
                # own); absent, the negated operator holds, so the statement denies (L3).
                "kms-key-is-strategy-key": key_sent and strategy_arn is not None,
                "no-sse-c": not ssec,
                "secure-transport": True,
            }[requirement]
            if not met:
                return _sid(requirement)
        return None


def _sid(requirement: str) -> str:
    return "Deny" + "".join(part.capitalize() for part in requirement.split("-"))


def bucket_policies() -> st.SearchStrategy[BucketPolicy]:
    """Valid bucket policies of 1 to 3 SSE requirements (distinct, in any order): the SSE header
    present, ``aws:kms``, ``aws:kms`` or ``aws:kms:dsse``, the strategies' KMS key named on the request,
    no SSE-C, TLS only. Each parses as AWS parses a bucket policy."""
    return st.lists(st.sampled_from(REQUIREMENTS), min_size=1, max_size=3, unique=True).map(
        lambda found: BucketPolicy(tuple(found))
    )

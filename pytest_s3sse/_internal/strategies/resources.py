"""What the strategies' values need in an engine (the strategies' KMS key, a bucket that accepts
SSE-C) and what S3 must store for them (:class:`ExpectedEncryption`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pytest_s3sse._internal.assertions import S3SSEAssertionError
from pytest_s3sse._internal.types import SseMode

if TYPE_CHECKING:  # annotations only: importing the strategies does not load the engine
    from pytest_s3sse._internal.assertions import StoredView
    from pytest_s3sse._internal.testapi import S3SSE

KeyChoice = Literal["aws/s3", "key-id", "key-arn", "alias-name", "alias-arn"]
"""How a configuration names its KMS key: the AWS managed key ``aws/s3`` (no key id sent), or the
strategies' customer managed key by key id, key ARN, alias name or alias ARN."""

KEY_CHOICES: tuple[KeyChoice, ...] = ("aws/s3", "key-id", "key-arn", "alias-name", "alias-arn")
"""Every :data:`KeyChoice`: ``sse_configurations`` and ``bucket_encryption_rules`` draw the way they
name a KMS key from these."""
STRATEGY_ALIAS = "alias/s3sse-strategies"
"""The alias of the customer managed key the strategies use (created by ``prepare``/``apply``)."""


# -- the KMS key and the bucket the values need --------------------------------------------------


@dataclass(frozen=True)
class _Key:
    key_id: str
    arn: str
    alias_arn: str

    def named(self, choice: KeyChoice) -> str | None:
        """The ``SSEKMSKeyId`` / ``KMSMasterKeyID`` a configuration sends (None: the default key)."""
        return {
            "aws/s3": None,
            "key-id": self.key_id,
            "key-arn": self.arn,
            "alias-name": STRATEGY_ALIAS,
            "alias-arn": self.alias_arn,
        }[choice]


def strategy_key(kms: Any) -> _Key:
    """The strategies' customer managed key in ``kms``'s account and region, created on first use."""
    try:
        meta = kms.describe_key(KeyId=STRATEGY_ALIAS)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        meta = kms.create_key(Description="pytest_s3sse.strategies")["KeyMetadata"]
        kms.create_alias(AliasName=STRATEGY_ALIAS, TargetKeyId=meta["KeyId"])
    arn = meta["Arn"]
    alias_arn = arn.split(":key/")[0] + ":" + STRATEGY_ALIAS
    return _Key(meta["KeyId"], arn, alias_arn)


def accept_sse_c(s3: Any, bucket: str) -> None:
    """Unblock SSE-C on ``bucket`` (new buckets block it: SSE row C9, P), keeping its default."""
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    rule = {**rules[0], "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})


def object_arn(bucket: str, key: str | None = None) -> str:
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


# -- what S3 must store ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedEncryption:
    """What ``s3sse.stored()`` must find for an object written with a value of these strategies.

    ``kms_key`` names the key in any form :meth:`S3SSE.assert_encrypted` takes (``alias/aws/s3``
    for the AWS managed key); ``encryption_context`` is the requester's own pairs (S3 adds
    ``aws:s3:arn``: the object ARN, or the bucket ARN with a Bucket Key; P, AWS's SSE-KMS guide,
    as docs/sse-kms.md cites it).
    """

    mode: SseMode
    kms_key: str | None = None
    bucket_key: bool = False
    encryption_context: Mapping[str, str] = field(default_factory=dict)
    customer_key: bytes | None = None

    def context_at_rest(self, bucket: str, key: str) -> dict[str, str]:
        """The whole context S3 stores for a KMS object (empty for other modes)."""
        if self.mode not in (SseMode.SSE_KMS, SseMode.DSSE_KMS):
            return {}
        arn = object_arn(bucket) if self.bucket_key else object_arn(bucket, key)
        return {**self.encryption_context, "aws:s3:arn": arn}

    def check(self, s3sse: S3SSE, bucket: str, key: str) -> StoredView:
        """Assert the stored object is encrypted as expected (mode, key, Bucket Key, context, and
        for SSE-C that only the customer key opens it); returns its view."""
        __tracebackhide__ = True
        view = s3sse.assert_encrypted(bucket, key, mode=self.mode, kms_key=self.kms_key)
        problems = []
        if view.bucket_key_enabled != self.bucket_key:
            problems.append(f"expected bucket_key={self.bucket_key}")
        if dict(view.encryption_context) != self.context_at_rest(bucket, key):
            problems.append(f"expected context {self.context_at_rest(bucket, key)}")
        if problems:
            msg = f"s3://{bucket}/{key}: {'; '.join(problems)}\n  actual: {view.describe()}"
            raise S3SSEAssertionError(msg)
        if self.customer_key is not None:
            s3sse.assert_readable_only_with(bucket, key, self.customer_key)
        return view

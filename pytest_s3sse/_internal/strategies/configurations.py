"""``sse_configurations()``: every valid way to ask S3 to encrypt an object on write."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from pytest_s3sse._internal.strategies.resources import (
    KEY_CHOICES,
    ExpectedEncryption,
    KeyChoice,
    accept_sse_c,
    strategy_key,
)
from pytest_s3sse._internal.types import SseMode

if TYPE_CHECKING:
    from pytest_s3sse._internal.assertions import StoredView
    from pytest_s3sse._internal.testapi import S3SSE


@dataclass(frozen=True)
class PreparedSse:
    """A configuration made concrete for one engine and bucket: the boto3 keyword arguments.

    ``put_kwargs`` go to ``put_object``, ``create_multipart_upload`` and ``copy_object`` (the
    target); ``get_kwargs`` to ``get_object``, ``head_object`` and ``upload_part`` (SSE-C needs its
    key there; empty for every other mode). ``kms_key_arn`` is the ARN of the key the request names
    (None when it names none).
    """

    configuration: SseConfiguration
    put_kwargs: Mapping[str, Any]
    get_kwargs: Mapping[str, Any]
    expected: ExpectedEncryption
    kms_key_arn: str | None = None

    def check(self, s3sse: S3SSE, bucket: str, key: str) -> StoredView:
        """``self.expected.check(...)``: the object is stored as this configuration asks."""
        __tracebackhide__ = True
        return self.expected.check(s3sse, bucket, key)


@dataclass(frozen=True)
class SseConfiguration:
    """One valid way to ask S3 to encrypt an object (drawn by :func:`sse_configurations`).

    ``mode`` is what the object is stored as; ``explicit`` says whether the
    ``x-amz-server-side-encryption`` header is sent (SSE-S3 may rely on the bucket default);
    ``kms_key`` how the KMS key is named; ``encryption_context`` the requester's context (None:
    not sent); ``bucket_key`` the ``BucketKeyEnabled`` sent (None: not sent); ``customer_key`` the
    SSE-C key. Call :meth:`prepare` inside the test, with the engine running.

    The expectation assumes the bucket's default encryption is a new bucket's (SSE-S3, no Bucket
    Key): with another default, a write without the SSE header gets that default, and an SSE-KMS
    write without ``BucketKeyEnabled`` inherits the default's Bucket Key (SSE row B13, A).
    """

    mode: SseMode
    explicit: bool = True
    kms_key: KeyChoice | None = None
    encryption_context: Mapping[str, str] | None = None
    bucket_key: bool | None = None
    customer_key: bytes | None = None

    @property
    def description(self) -> str:
        """The configuration in words (also its ``repr`` in hypothesis' falsifying example)."""
        if self.mode is SseMode.SSE_S3:
            return (
                "SSE-S3 (AES256 header)" if self.explicit else "SSE-S3 (bucket default, no header)"
            )
        if self.mode is SseMode.SSE_C:
            return "SSE-C (customer key)"
        words = [self.mode.value, f"key {self.kms_key}"]
        if self.encryption_context is not None:
            words.append(f"context {dict(self.encryption_context)}")
        if self.bucket_key is not None:
            words.append(f"BucketKeyEnabled={self.bucket_key}")
        return ", ".join(words)

    def __repr__(self) -> str:
        return f"<SseConfiguration {self.description}>"

    def prepare(self, s3: Any, kms: Any, bucket: str) -> PreparedSse:
        """Create what the configuration needs (the strategies' KMS key and its alias in ``kms``'s
        account and region; SSE-C unblocked on ``bucket``, which must exist) and return the boto3
        keyword arguments. Idempotent: call it once per engine and bucket, or again."""
        if self.mode is SseMode.SSE_C:
            return self._prepare_sse_c(s3, bucket)
        if self.mode is SseMode.SSE_S3:
            kwargs = {"ServerSideEncryption": "AES256"} if self.explicit else {}
            return PreparedSse(self, kwargs, {}, ExpectedEncryption(SseMode.SSE_S3))
        choice = self.kms_key or "aws/s3"
        key = None if choice == "aws/s3" else strategy_key(kms)
        put: dict[str, Any] = {"ServerSideEncryption": self.mode.header_value}
        if key is not None:
            put["SSEKMSKeyId"] = key.named(choice)
        if self.encryption_context is not None:
            text = json.dumps(dict(self.encryption_context))
            put["SSEKMSEncryptionContext"] = base64.b64encode(text.encode()).decode()
        if self.bucket_key is not None:
            put["BucketKeyEnabled"] = self.bucket_key
        expected = ExpectedEncryption(
            self.mode,
            kms_key="alias/aws/s3" if key is None else key.arn,
            bucket_key=bool(self.bucket_key) and self.mode is SseMode.SSE_KMS,
            encryption_context=dict(self.encryption_context or {}),
        )
        return PreparedSse(self, put, {}, expected, None if key is None else key.arn)

    def _prepare_sse_c(self, s3: Any, bucket: str) -> PreparedSse:
        assert self.customer_key is not None
        accept_sse_c(s3, bucket)
        kwargs = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": self.customer_key}
        expected = ExpectedEncryption(SseMode.SSE_C, customer_key=self.customer_key)
        return PreparedSse(self, kwargs, kwargs, expected)


def customer_keys() -> st.SearchStrategy[bytes]:
    """SSE-C keys: 32 random bytes (AES-256), as boto3's ``SSECustomerKey`` takes them (boto3
    base64-encodes them and adds the MD5)."""
    return st.binary(min_size=32, max_size=32)


_CONTEXT_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
)


def encryption_contexts(*, max_pairs: int = 4) -> st.SearchStrategy[dict[str, str]]:
    """Valid KMS encryption contexts: 1 to ``max_pairs`` non-empty string pairs (any Unicode but
    surrogates and control characters), well within KMS's and S3's size limits. Keys never start
    with ``aws:`` (AWS reserves that prefix; S3 sets ``aws:s3:arn`` itself)."""
    keys = _CONTEXT_TEXT.filter(lambda k: not k.lower().startswith("aws"))
    return st.dictionaries(keys, _CONTEXT_TEXT, min_size=1, max_size=max_pairs)


def sse_configurations(
    *, modes: tuple[SseMode | str, ...] | None = None
) -> st.SearchStrategy[SseConfiguration]:
    """Every valid way to encrypt an object on write: SSE-S3 (explicit and by the bucket default),
    SSE-KMS (the default ``aws/s3`` key or a customer key by id, ARN, alias name or alias ARN; with
    or without an encryption context; BucketKeyEnabled absent, false or true), DSSE-KMS (same keys
    and contexts) and SSE-C (generated keys). ``modes`` keeps only some (``("SSE-KMS", "SSE-C")``).
    Shrinks towards SSE-S3."""
    wanted = {SseMode.parse(m.value if isinstance(m, SseMode) else m) for m in modes or SseMode}
    contexts = st.none() | encryption_contexts()
    choices = []
    if SseMode.SSE_S3 in wanted:
        choices.append(st.builds(SseConfiguration, st.just(SseMode.SSE_S3), explicit=st.booleans()))
    if SseMode.SSE_KMS in wanted:
        choices.append(
            st.builds(
                SseConfiguration,
                st.just(SseMode.SSE_KMS),
                kms_key=st.sampled_from(KEY_CHOICES),
                encryption_context=contexts,
                bucket_key=st.sampled_from([None, False, True]),
            )
        )
    if SseMode.DSSE_KMS in wanted:
        choices.append(
            st.builds(
                SseConfiguration,
                st.just(SseMode.DSSE_KMS),
                kms_key=st.sampled_from(KEY_CHOICES),
                encryption_context=contexts,
            )
        )
    if SseMode.SSE_C in wanted:
        choices.append(
            st.builds(SseConfiguration, st.just(SseMode.SSE_C), customer_key=customer_keys())
        )
    return st.one_of(choices)

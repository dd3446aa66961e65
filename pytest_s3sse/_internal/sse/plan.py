"""One SSE plan per write and per read: which key, which envelope, which KMS scope, decided in one call.

The S3 domain never conducts SSE step by step. It asks once, with plain bucket values, the request's
typed SSE headers and its context, and gets a plan back:

- :meth:`SsePlanner.write` (PutObject, CopyObject's target, CreateMultipartUpload) checks the headers
  (SSE-C C1-C9, the W-rows of :mod:`~pytest_s3sse._internal.sse.rules`), resolves the encryption from them and the
  bucket's default, and returns a :class:`WritePlan`; :meth:`WritePlan.seal` then makes the data key
  (from KMS, as the requester, for SSE-KMS and DSSE-KMS), after the caller's own checks (conditional
  writes) and before any byte is read, so a key that cannot be used stores nothing (reference 2.1);
- :meth:`SsePlanner.read` (GetObject, HeadObject, a copy source), :meth:`SsePlanner.part`
  (UploadPart, UploadPartCopy's target) and :meth:`SsePlanner.complete` (CompleteMultipartUpload)
  check the request's key against a stored envelope (R1-R15, K12, M1-M4) and return a
  :class:`ReadPlan`, whose :meth:`ReadPlan.open` gives the cipher (a KMS envelope: Decrypt as the
  requester; none while a Bucket Key is held).

A request without a context (the domain used directly, not through the S3 API) acts as the bucket
owner's root over TLS with SigV4, as the engine's test API does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.crypto.aead import Aead
from pytest_s3sse._internal.crypto.customer import CustomerKey
from pytest_s3sse._internal.crypto.segments import SealedPart
from pytest_s3sse._internal.errors.kms import KmsError
from pytest_s3sse._internal.sse.customer import check_part, check_read, read_key, write_key
from pytest_s3sse._internal.sse.envelope import Envelope, Sealer
from pytest_s3sse._internal.sse.kms import KmsScope
from pytest_s3sse._internal.sse.rules import (
    BucketDefault,
    SseHeaders,
    WriteEncryption,
    check_read_headers,
    resolve_write,
)
from pytest_s3sse._internal.types import Principal


class BucketRef(Protocol):
    """What a plan needs to know of a bucket (the S3 store's ``Bucket`` is one)."""

    @property
    def name(self) -> str: ...  # pragma: no cover - protocol

    @property
    def owner_account(self) -> str: ...  # pragma: no cover - protocol

    @property
    def region(self) -> str: ...  # pragma: no cover - protocol

    @property
    def default_encryption(self) -> BucketDefault: ...  # pragma: no cover - protocol


class WritePlan:
    """The encryption a new object or upload gets, decided; :meth:`seal` makes its data key."""

    __slots__ = ("_bucket", "_context", "_key", "_planner", "customer", "encryption")

    def __init__(
        self,
        planner: SsePlanner,
        bucket: BucketRef,
        key: str,
        context: RequestContext | None,
        *,
        encryption: WriteEncryption,
        customer: CustomerKey | None,
    ) -> None:
        self._planner = planner
        self._bucket = bucket
        self._key = key
        self._context = context
        self.encryption = encryption
        self.customer = customer

    def seal(self) -> tuple[Aead, Envelope]:
        """A fresh data key: from KMS for SSE-KMS and DSSE-KMS (as the requester), else made here."""
        sealer = self._planner.sealer
        if self.encryption.uses_kms:
            scope = self._planner.scope(self._bucket, self._key, self._context)
            return sealer.new_kms_object(self.encryption, scope)
        return sealer.new_object(self.encryption.object_encryption(), customer_key=self.customer)


class ReadPlan:
    """A stored envelope checked against a request; :meth:`open` gives its cipher."""

    __slots__ = ("_bucket", "_context", "_key", "_planner", "customer", "envelope")

    def __init__(
        self,
        planner: SsePlanner,
        envelope: Envelope,
        bucket: BucketRef,
        key: str,
        context: RequestContext | None,
        *,
        customer: CustomerKey | None,
    ) -> None:
        self._planner = planner
        self.envelope = envelope
        self._bucket = bucket
        self._key = key
        self._context = context
        self.customer = customer

    @property
    def calls_kms(self) -> bool:
        """True when opening calls KMS (SSE-KMS, DSSE-KMS)."""
        return self.envelope.kms_wrapped

    def open(self) -> Aead:
        """The cipher (DecryptionError if the wrapped key was altered). A KMS envelope calls KMS as
        the requester, in the item's bucket."""
        scope = None
        if self.envelope.kms_wrapped:
            scope = self._planner.scope(self._bucket, self._key, self._context)
        return self._planner.sealer.open(self.envelope, customer_key=self.customer, kms=scope)

    def open_parts(self, parts: Sequence[SealedPart]) -> Aead:
        """:meth:`open`, then check that ``parts`` are the ones the object was stored with, in order
        (DecryptionError otherwise, as for a flipped bit: :meth:`Sealer.check_parts`)."""
        aead = self.open()
        self._planner.sealer.check_parts(self.envelope, parts)
        return aead


class SsePlanner:
    """Makes the SSE plans of the S3 domain (one per write, one per read)."""

    def __init__(self, sealer: Sealer, clock: Clock) -> None:
        self.sealer = sealer
        self.clock = clock

    def scope(self, bucket: BucketRef, key: str, context: RequestContext | None) -> KmsScope:
        """For whom S3 calls KMS about ``bucket``/``key``: the request's principal (the bucket owner's
        root without a context); keys resolve in the bucket's account and region."""
        owner, region = bucket.owner_account, bucket.region
        if context is None:
            root = Principal(owner, arn.root(owner, region))
            context = RequestContext.internal(root, time=self.clock.now(), region=region)
        return KmsScope(context, bucket.name, key, owner, region)

    def policy_key_arn(self, key_id: str, bucket: BucketRef) -> str:
        """The value of ``s3:x-amz-server-side-encryption-aws-kms-key-id`` for a request that names
        ``key_id`` (K13: the policy "must use a key ARN"; U how S3 resolves it, proposed): a bare id in
        the bucket owner's account and region, an alias resolved to its key's ARN (no KMS call is
        recorded); an alias that names no key stays the alias ARN it names (the write then fails at
        KMS, as S3's would)."""
        kms = self.sealer.kms
        if kms is None:
            return key_id
        try:
            return kms.service.key_arn(key_id, account=bucket.owner_account, region=bucket.region)
        except KmsError:
            if key_id.startswith("alias/"):
                return arn.kms_alias(bucket.owner_account, bucket.region, key_id)
            return key_id

    @staticmethod
    def _secure(context: RequestContext | None) -> bool:
        return context is None or context.secure

    @staticmethod
    def _arn(context: RequestContext | None, bucket: BucketRef) -> str:
        if context is None:
            return arn.root(bucket.owner_account, bucket.region)
        return context.principal.arn

    def _write_key(
        self, bucket: BucketRef, key: str, sse: SseHeaders, context: RequestContext | None
    ) -> CustomerKey | None:
        """The SSE-C key of a write: C8, C9 while the bucket blocks SSE-C (naming the requester),
        C1-C6 (:func:`~pytest_s3sse._internal.sse.customer.write_key`)."""
        return write_key(
            sse,
            bucket.default_encryption,
            secure=self._secure(context),
            principal=self._arn(context, bucket),
            bucket=bucket.name,
            key=key,
        )

    def write(
        self, bucket: BucketRef, key: str, sse: SseHeaders, context: RequestContext | None
    ) -> WritePlan:
        """The plan of a new object or upload ``key`` in ``bucket``: the customer key of an SSE-C
        write (checked) and the encryption resolved from the headers and the bucket's default (never
        a copy source's, K6)."""
        customer = self._write_key(bucket, key, sse, context)
        encryption = resolve_write(sse, bucket.default_encryption)
        return WritePlan(self, bucket, key, context, encryption=encryption, customer=customer)

    def read(
        self,
        envelope: Envelope,
        bucket: BucketRef,
        key: str,
        sse: SseHeaders,
        context: RequestContext | None,
        *,
        copy_source: bool = False,
    ) -> ReadPlan:
        """The plan of reading a stored object: a GET or HEAD may carry no write-only encryption
        header (R9); the customer key it sends must be the object's (R1, R2, R10), and so must a copy
        source's ``x-amz-copy-source-server-side-encryption-customer-*`` trio (R13-R15, K12)."""
        if not copy_source:
            check_read_headers(sse)
        customer = read_key(sse, secure=self._secure(context))
        check_read(envelope, customer, self.sealer)
        return ReadPlan(self, envelope, bucket, key, context, customer=customer)

    def part(
        self,
        envelope: Envelope,
        bucket: BucketRef,
        key: str,
        sse: SseHeaders,
        context: RequestContext | None,
    ) -> ReadPlan:
        """The plan of writing a part (UploadPart, UploadPartCopy) into the upload whose envelope is
        ``envelope``: a write's SSE-C checks (C8, C9, C1-C6), then the upload's (M1-M3)."""
        customer = self._write_key(bucket, key, sse, context)
        check_part(envelope, customer, self.sealer)
        return ReadPlan(self, envelope, bucket, key, context, customer=customer)

    def complete(
        self,
        envelope: Envelope,
        bucket: BucketRef,
        key: str,
        sse: SseHeaders,
        context: RequestContext | None,
    ) -> ReadPlan:
        """The plan of completing an upload: SSE-C headers are optional (M4, A), but when sent
        (s3transfer sends them) they must be the upload's (U: M1/M3 proposed)."""
        customer = read_key(sse, secure=self._secure(context))
        if customer is not None:
            check_part(envelope, customer, self.sealer)
        return ReadPlan(self, envelope, bucket, key, context, customer=customer)

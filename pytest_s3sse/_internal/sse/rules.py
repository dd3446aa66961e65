"""Which encryption a write gets, and which encryption headers a read may carry.

The protocol edge hands over the encryption headers as typed, still-unvalidated values
(:class:`SseHeaders`); the rules here answer with the resolved :class:`WriteEncryption` or raise S3's
error. Sources: ``shared/reference/aws-sse-behaviour.md`` sections 2.1 (W1-W5), 3 (R9), 6 (bucket
defaults, B10-B13); ``docs/sse-s3.md`` and ``docs/sse-kms.md`` tabulate them. The SSE-C rules are in
:mod:`pytest_s3sse._internal.sse.customer`; what S3 then asks of KMS is in :mod:`pytest_s3sse._internal.sse.kms`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.types import ObjectEncryption, SseMode

SSE_HEADER = "x-amz-server-side-encryption"
KMS_KEY_HEADER = "x-amz-server-side-encryption-aws-kms-key-id"
CONTEXT_HEADER = "x-amz-server-side-encryption-context"
KMS_MODES = (SseMode.SSE_KMS, SseMode.DSSE_KMS)
_SUPPORTED = {
    "AES256": SseMode.SSE_S3,
    "aws:kms": SseMode.SSE_KMS,
    "aws:kms:dsse": SseMode.DSSE_KMS,
}

# W1 (A for the empty value, aws/aws-sdk-cpp#1771; same text proposed for other values).
MSG_UNSUPPORTED = "The encryption method specified is not supported"
# W2/W3 (A, mcohen01/amazonica#338; MinIO ErrInvalidEncryptionMethod has the same text).
MSG_KMS_KEY_NEEDS_KMS = (
    "Server Side Encryption with AWS KMS managed key requires HTTP header "
    "x-amz-server-side-encryption : aws:kms"
)
# W4 (S: HADOOP-19197, an AWS answer quoted 2024-06-07; the code is U, InvalidArgument proposed in
# reference open point 12.4).
MSG_BAD_CONTEXT = (
    "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding "
    "JSON which represents a string-string map"
)
# R9 (U: AWS answer quoted in s3tools/s3cmd#276; proposed in reference section 12.2).
MSG_SSE_ON_READ = "x-amz-server-side-encryption header is not supported for this operation."


@dataclass(frozen=True, slots=True)
class SseHeaders:
    """The encryption-related request values, as sent (None when absent).

    The SSE-C key and its MD5 are left out of the repr, so a failing test or a log never shows them.
    """

    algorithm: str | None = None
    kms_key_id: str | None = None
    context: str | None = None
    bucket_key_enabled: str | None = None
    customer_algorithm: str | None = None
    customer_key: str | None = field(default=None, repr=False)
    customer_key_md5: str | None = field(default=None, repr=False)

    @property
    def has_customer_key(self) -> bool:
        """True when any SSE-C header is present."""
        return (
            self.customer_algorithm is not None
            or self.customer_key is not None
            or self.customer_key_md5 is not None
        )

    @property
    def empty(self) -> bool:
        """True when no encryption header at all was sent."""
        return self == _NO_HEADERS


_NO_HEADERS = SseHeaders()


SSE_C_TYPE = "SSE-C"
NONE_TYPE = "NONE"


@dataclass(frozen=True, slots=True)
class BucketDefault:
    """A bucket's default encryption (``explicit`` once PutBucketEncryption set it).

    ``blocked_encryption_types`` is the rule's ``BlockedEncryptionTypes`` as S3 reports it: ``()``
    when it was never set (buckets made before April 2026), ``("SSE-C",)`` while SSE-C writes are
    blocked (every new bucket since), ``("NONE",)`` once the owner unblocked them.
    """

    mode: SseMode = SseMode.SSE_S3
    kms_key_id: str | None = None
    bucket_key_enabled: bool = False
    explicit: bool = False
    blocked_encryption_types: tuple[str, ...] = ()

    @property
    def ssec_blocked(self) -> bool:
        """True while SSE-C writes to the bucket are refused (reference row C9)."""
        return SSE_C_TYPE in self.blocked_encryption_types


IMPLICIT_DEFAULT = BucketDefault()
# Since April 2026 S3 creates every general purpose bucket with SSE-C writes blocked (reference B2).
NEW_BUCKET_DEFAULT = BucketDefault(blocked_encryption_types=(SSE_C_TYPE,))


@dataclass(frozen=True, slots=True)
class WriteEncryption:
    """The encryption a write will use, resolved from the request and the bucket default.

    For SSE-KMS and DSSE-KMS, ``kms_key_id`` is the key as named (None: the AWS managed ``aws/s3``),
    ``bucket_key_enabled`` whether an S3 Bucket Key is used, and ``context`` the requester's own
    encryption context (decoded ``x-amz-server-side-encryption-context``, None when not sent).
    """

    mode: SseMode
    kms_key_id: str | None = None
    bucket_key_enabled: bool = False
    from_request: bool = False
    context: Mapping[str, str] | None = None

    @property
    def uses_kms(self) -> bool:
        """True for SSE-KMS and DSSE-KMS: S3 calls KMS for this write."""
        return self.mode in KMS_MODES

    def object_encryption(self) -> ObjectEncryption:
        """The encryption an SSE-S3 or SSE-C object reports (KMS objects report theirs once KMS has
        resolved the key, :meth:`pytest_s3sse._internal.sse.envelope.Sealer.new_kms_object`)."""
        if self.mode is SseMode.SSE_S3:
            return ObjectEncryption.sse_s3()
        return ObjectEncryption(self.mode, self.kms_key_id, self.bucket_key_enabled)


def parse_context(raw: str | None) -> Mapping[str, str] | None:
    """``x-amz-server-side-encryption-context``: base64 of UTF-8 JSON holding a string-to-string map
    (P, PutObject; W4 otherwise)."""
    if raw is None:
        return None
    try:
        decoded = json.loads(base64.b64decode(raw, validate=True).decode())
    except (binascii.Error, ValueError, RecursionError):
        # UnicodeDecodeError and JSONDecodeError are ValueErrors; JSON nested deeper than the parser
        # recurses is no string-to-string map either (U: AWS's answer to it is not recorded).
        decoded = None
    if not isinstance(decoded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in decoded.items()
    ):
        raise InvalidArgument.naming(MSG_BAD_CONTEXT, CONTEXT_HEADER)
    return MappingProxyType(decoded)


def _bucket_key(header: str | None, bucket_default: bool) -> bool:
    """The request's ``x-amz-server-side-encryption-bucket-key-enabled`` wins; without it the
    bucket's ``BucketKeyEnabled`` applies (B13, A: LocalStack snapshot test_s3_sse_default_kms_key;
    P, user guide "Bucket keys": the header overrides the bucket setting). Only ``true`` (any case) is
    true (U for other values)."""
    if header is None:
        return bucket_default
    return header.strip().lower() == "true"


def _kms(
    mode: SseMode,
    key_id: str | None,
    headers: SseHeaders,
    default: BucketDefault,
    *,
    explicit: bool,
) -> WriteEncryption:
    bucket_key = _bucket_key(headers.bucket_key_enabled, default.bucket_key_enabled)
    # P: "S3 Bucket Keys aren't supported for DSSE-KMS" (via note); a BK header is ignored (U).
    bucket_key = bucket_key and mode is SseMode.SSE_KMS
    context = parse_context(headers.context)
    return WriteEncryption(mode, key_id, bucket_key, explicit, context)


def resolve_write(headers: SseHeaders, default: BucketDefault) -> WriteEncryption:
    """The encryption of a new object (PutObject, CopyObject target, CreateMultipartUpload).

    SSE-C headers make it SSE-C; :func:`pytest_s3sse._internal.sse.customer.write_key` has validated them (and
    refused them next to ``x-amz-server-side-encryption``, C1) before this is asked. The request's
    headers win over the bucket default (P, CreateMultipartUpload and CopyObject). A request naming
    ``aws:kms`` without a key id gets ``aws/s3``, not the default's key (P, PutObject
    ``SSEKMSKeyId``); a context or bucket-key header with SSE-S3 is accepted and ignored (W5, U).
    """
    if headers.has_customer_key:
        return WriteEncryption(SseMode.SSE_C, from_request=True)
    algorithm = headers.algorithm
    if algorithm is None:
        if headers.kms_key_id is not None:
            raise InvalidArgument(MSG_KMS_KEY_NEEDS_KMS)
        if default.mode in KMS_MODES:
            return _kms(default.mode, default.kms_key_id, headers, default, explicit=False)
        return WriteEncryption(default.mode, default.kms_key_id, default.bucket_key_enabled)
    mode = _SUPPORTED.get(algorithm)
    if mode is None:
        raise InvalidArgument(MSG_UNSUPPORTED, SSE_HEADER, algorithm)
    if mode is SseMode.SSE_S3:
        if headers.kms_key_id is not None:
            raise InvalidArgument(MSG_KMS_KEY_NEEDS_KMS)
        return WriteEncryption(SseMode.SSE_S3, from_request=True)
    return _kms(mode, headers.kms_key_id, headers, default, explicit=True)


def check_read_headers(headers: SseHeaders) -> None:
    """GET and HEAD take no ``x-amz-server-side-encryption`` header (R9); their SSE-C headers are
    checked by :func:`pytest_s3sse._internal.sse.customer.read_key`."""
    if headers.algorithm is not None:
        raise InvalidArgument(MSG_SSE_ON_READ, SSE_HEADER, headers.algorithm)

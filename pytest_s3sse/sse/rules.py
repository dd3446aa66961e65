"""Which encryption a write gets, and which encryption headers a read may carry.

The protocol edge hands over the encryption headers as typed, still-unvalidated values
(:class:`SseHeaders`); the rules here answer with the resolved :class:`WriteEncryption` or raise S3's
error. Sources: ``shared/reference/aws-sse-behaviour.md`` sections 2.1 (W1-W5), 3 (R9), 6 (bucket
defaults); ``docs/sse-s3.md`` tabulates them. The SSE-C rules are in :mod:`pytest_s3sse.sse.customer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_s3sse.s3.errors import InvalidArgument, NotImplementedS3
from pytest_s3sse.types import ObjectEncryption, SseMode

SSE_HEADER = "x-amz-server-side-encryption"
KMS_KEY_HEADER = "x-amz-server-side-encryption-aws-kms-key-id"
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
    """The encryption a write will use, resolved from the request and the bucket default."""

    mode: SseMode
    kms_key_id: str | None = None
    bucket_key_enabled: bool = False
    from_request: bool = False

    def object_encryption(self) -> ObjectEncryption:
        """The encryption the object will report (KMS key resolution happens in the KMS layer)."""
        if self.mode is SseMode.SSE_S3:
            return ObjectEncryption.sse_s3()
        return ObjectEncryption(self.mode, self.kms_key_id, self.bucket_key_enabled)


def resolve_write(headers: SseHeaders, default: BucketDefault) -> WriteEncryption:
    """The encryption of a new object (PutObject, CopyObject target, CreateMultipartUpload).

    SSE-C headers make it SSE-C; :func:`pytest_s3sse.sse.customer.write_key` has validated them (and
    refused them next to ``x-amz-server-side-encryption``, C1) before this is asked.
    """
    if headers.has_customer_key:
        return WriteEncryption(SseMode.SSE_C, from_request=True)
    algorithm = headers.algorithm
    if algorithm is None:
        if headers.kms_key_id is not None:
            raise InvalidArgument(MSG_KMS_KEY_NEEDS_KMS)
        if default.mode is not SseMode.SSE_S3:
            raise NotImplementedS3(
                f"the bucket default {default.mode.header_value} (SSE-KMS / DSSE-KMS) is not implemented yet"
            )
        return WriteEncryption(default.mode, default.kms_key_id, default.bucket_key_enabled)
    mode = _SUPPORTED.get(algorithm)
    if mode is None:
        raise InvalidArgument(MSG_UNSUPPORTED, SSE_HEADER, algorithm)
    if mode is SseMode.SSE_S3:
        if headers.kms_key_id is not None:
            raise InvalidArgument(MSG_KMS_KEY_NEEDS_KMS)
        return WriteEncryption(SseMode.SSE_S3, from_request=True)
    raise NotImplementedS3(f"{algorithm} (SSE-KMS / DSSE-KMS) is not implemented yet")


def check_read_headers(headers: SseHeaders) -> None:
    """GET and HEAD take no ``x-amz-server-side-encryption`` header (R9); their SSE-C headers are
    checked by :func:`pytest_s3sse.sse.customer.read_key`."""
    if headers.algorithm is not None:
        raise InvalidArgument(MSG_SSE_ON_READ, SSE_HEADER, headers.algorithm)

"""SSE-C: the rules for customer-provided keys, on typed values.

The protocol edge hands over the SSE-C headers as :class:`~pytest_s3sse._internal.sse.rules.SseHeaders` and
says whether the request came over TLS; the functions here answer with a :class:`CustomerKey` (the
validated key, alive for one request) or raise S3's error. Which object a key opens is decided by
the envelope's salted fingerprint (:meth:`~pytest_s3sse._internal.sse.envelope.Sealer.matches`), never by a
failed decryption, so a wrong key is S3's 403 and tampering stays a 500.

Order of the checks (``shared/reference/aws-sse-behaviour.md`` sections 2.2, 3, 4, 8; "A" recorded
against AWS, "U" proposed): HTTPS (C8, U code), the bucket's SSE-C block on writes (C9, P), SSE-C
next to ``x-amz-server-side-encryption`` (C1, A), a missing algorithm (C3, A) or key (C4, A), the
algorithm (C2, A), a missing MD5 (C7, U), the MD5 (C6, A), and last, on writes only, the key length
(C5, A). AWS checks the MD5 before the length (C5/C6 note), and on a read a key whose MD5 is right
but whose length is wrong is simply the wrong key: 403 (A, LocalStack snapshot
``test_object_retrieval_sse_c`` / ``get-obj-sse-c-no-md5``, a 44-byte double-base64 key).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Sequence

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.crypto.aead import KEY_SIZE
from pytest_s3sse._internal.crypto.customer import CustomerKey, key_md5
from pytest_s3sse._internal.crypto.segments import SealedPart, verify
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.s3 import (
    AccessDenied,
    InvalidArgument,
    InvalidEncryptionAlgorithmError,
    InvalidRequest,
)
from pytest_s3sse._internal.sse.envelope import Envelope, Sealer
from pytest_s3sse._internal.sse.rules import SSE_HEADER, BucketDefault, SseHeaders

ALGORITHM = "AES256"

# C1 (A: LocalStack snapshot test_put_object_validation_sse_c / put-obj-sse-c-both-encryption).
MSG_INCOMPATIBLE = (
    "Server Side Encryption with Customer provided key is incompatible with the encryption method "
    "specified"
)
# C3, C4, C5, C6 (A: same test, no-algo / no-key / wrong-key-size / bad-md5).
MSG_NO_ALGORITHM = (
    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid "
    "encryption algorithm."
)
MSG_NO_KEY = (
    "Requests specifying Server Side Encryption with Customer provided keys must provide an "
    "appropriate secret key."
)
MSG_BAD_KEY = "The secret key was invalid for the specified algorithm."
MSG_MD5_MISMATCH = "The calculated MD5 hash of the key did not match the hash that was provided."
# C7 (U: no AWS capture; MinIO's ErrMissingSSECustomerKeyMD5 text, reference open point 12.3).
MSG_NO_MD5 = (
    "Requests specifying Server Side Encryption with Customer provided keys must provide the client "
    "calculated MD5 of the secret key."
)
# C8 (P that plain HTTP is refused, user guide "Using server-side encryption with customer-provided
# keys"; the text is T/S, MinIO ErrInsecureSSECustomerRequest and an IONOS capture; the code is U,
# InvalidRequest proposed in reference open point 12.1).
MSG_INSECURE = (
    "Requests specifying Server Side Encryption with Customer provided keys must be made over a "
    "secure connection."
)
# C9 (P: user guide "Troubleshoot 403 errors" / "Blocking or unblocking SSE-C for a general purpose
# bucket"; the text as in the reference, section 2.2).
MSG_BLOCKED = (
    'User: {principal} is not authorized to perform: s3:PutObject on resource: "{resource}" because '
    "this bucket has blocked upload requests that specify Server Side Encryption with Customer "
    "provided keys (SSE-C). Please specify a different server-side encryption type"
)
# R1, R13 (A: test_object_retrieval_sse_c / get-obj-no-sse-c; test_copy_object_with_sse_c /
# copy-obj-no-src-sse-c).
MSG_KEY_REQUIRED = (
    "The object was stored using a form of Server Side Encryption. The correct parameters must be "
    "provided to retrieve the object."
)
# R2 (A: test_object_retrieval_sse_c / get-obj-sse-c-wrong-key); R14 (U: the same proposed).
MSG_WRONG_KEY = (
    "Requests specifying Server Side Encryption with Customer provided keys must provide the correct "
    "secret key."
)
# R10 (A: boto/boto3#982); K12 (U: the same proposed for a copy source).
MSG_NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
# M1, M2 (A: test_multipart_upload_sse_c_validation, mpu-no-sse-c-upload-part-with-sse-c and
# mpu-sse-c-upload-part-no-sse-c have the same text).
MSG_PART_PARAMETERS = (
    "The multipart upload initiate requested encryption. Subsequent part requests must include the "
    "appropriate encryption parameters."
)
# M3 (A: same test / mpu-sse-c-upload-part-wrong-sse-c).
MSG_PART_KEY_MISMATCH = "The provided encryption parameters did not match the ones used originally."


def _decode(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _parse(headers: SseHeaders, *, check_length: bool) -> CustomerKey:
    """C3, C4, C2, C7, C6 and (``check_length``) C5, in that order."""
    algorithm = headers.customer_algorithm
    if not algorithm:
        raise InvalidArgument.naming(MSG_NO_ALGORITHM, SSE_HEADER)  # C3
    if not headers.customer_key:
        raise InvalidArgument.naming(MSG_NO_KEY, SSE_HEADER)  # C4
    if algorithm != ALGORITHM:
        raise InvalidEncryptionAlgorithmError(SSE_HEADER, algorithm)  # C2, R3, R15
    if not headers.customer_key_md5:
        raise InvalidArgument.naming(MSG_NO_MD5, SSE_HEADER)  # C7 (U)
    secret = _decode(headers.customer_key)
    if secret is None:  # U: not base64 at all; answered like a key of the wrong length
        raise InvalidArgument.naming(MSG_BAD_KEY, SSE_HEADER)
    sent_md5 = _decode(headers.customer_key_md5)
    if sent_md5 is None or not hmac.compare_digest(sent_md5, key_md5(secret)):
        raise InvalidArgument.naming(MSG_MD5_MISMATCH, SSE_HEADER)  # C6, before C5
    if check_length and len(secret) != KEY_SIZE:
        raise InvalidArgument.naming(MSG_BAD_KEY, SSE_HEADER)  # C5
    return CustomerKey(secret)


def _require_secure(secure: bool) -> None:
    if not secure:
        raise InvalidRequest(MSG_INSECURE)  # C8


def write_key(
    headers: SseHeaders,
    default: BucketDefault,
    *,
    secure: bool,
    principal: str,
    bucket: str,
    key: str,
) -> CustomerKey | None:
    """The customer key of a write (PutObject, CopyObject target, CreateMultipartUpload,
    UploadPart, UploadPartCopy), or None when it sends no SSE-C header.

    ``principal`` is the requester's ARN, named in the C9 message.
    """
    if not headers.has_customer_key:
        return None
    _require_secure(secure)
    if default.ssec_blocked:
        resource = arn.s3_object(bucket, key)
        raise AccessDenied(MSG_BLOCKED.format(principal=principal, resource=resource))  # C9
    if headers.algorithm is not None:
        raise InvalidArgument(MSG_INCOMPATIBLE, SSE_HEADER, headers.algorithm)  # C1
    return _parse(headers, check_length=True)


def read_key(headers: SseHeaders, *, secure: bool) -> CustomerKey | None:
    """The customer key a read sends (GET, HEAD, a copy source), or None when it sends none.

    The key length is not checked: a key that cannot be the object's is the wrong key (R2).
    """
    if not headers.has_customer_key:
        return None
    _require_secure(secure)
    return _parse(headers, check_length=False)


def check_read(envelope: Envelope, key: CustomerKey | None, sealer: Sealer) -> None:
    """A read of an object (or a copy source) with ``key``: R1/R13 without a key for an SSE-C
    object, R2/R14 with the wrong one, R10/K12 with one for an object that is not SSE-C."""
    if envelope.customer_wrapped:
        if key is None:
            raise InvalidRequest(MSG_KEY_REQUIRED)
        if not sealer.matches(envelope, key):
            raise AccessDenied(MSG_WRONG_KEY)
    elif key is not None:
        raise InvalidRequest(MSG_NOT_APPLICABLE)


def check_part(envelope: Envelope, key: CustomerKey | None, sealer: Sealer) -> None:
    """A part (or a Complete that sends SSE-C headers) of the upload whose envelope is ``envelope``:
    M1 with a key for an upload without SSE-C, M2 without one for an SSE-C upload, M3 with another
    key than the upload's."""
    if envelope.customer_wrapped:
        if key is None:
            raise InvalidRequest(MSG_PART_PARAMETERS)  # M2
        if not sealer.matches(envelope, key):
            raise InvalidRequest(MSG_PART_KEY_MISMATCH)  # M3
    elif key is not None:
        raise InvalidRequest(MSG_PART_PARAMETERS)  # M1


def _one_bit_away(secret: bytes) -> list[bytes]:
    if not secret:
        return [b"\x00" * KEY_SIZE]
    first, last = bytearray(secret), bytearray(secret)
    first[0] ^= 0x01
    last[-1] ^= 0x80
    return [bytes(first), bytes(last)]


def check_customer_key(
    sealer: Sealer, envelope: Envelope, parts: Sequence[SealedPart], secret: bytes
) -> str | None:
    """Why ``secret`` is not the one key that opens an object (None when it is): the test API's
    ``assert_readable_only_with``. The reasons never quote the key."""
    if not envelope.customer_wrapped:
        return f"is not SSE-C: its data key is not wrapped under a customer key ({envelope!r})"
    key = CustomerKey(secret)
    if not sealer.matches(envelope, key):
        return "does not open with the given customer key"
    try:
        verify(sealer.open(envelope, customer_key=key), parts)
        sealer.check_parts(envelope, parts)
    except DecryptionError as exc:
        return f"opens with the given key, but its ciphertext fails authentication ({exc})"
    if any(sealer.matches(envelope, CustomerKey(other)) for other in _one_bit_away(secret)):
        return "also opens with a key other than the given one"
    return None

"""Protocol edge: S3 request headers -> domain values, and objects -> response headers."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pytest_s3sse._internal.errors.s3 import (
    AccessControlListNotSupported,
    InvalidArgument,
    InvalidBucketAclWithObjectOwnership,
    InvalidRequest,
    MissingContentLength,
    NotImplementedS3,
)
from pytest_s3sse._internal.http import HttpRequest, ascii_decimal
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.s3.conditions import Conditions
from pytest_s3sse._internal.s3.limits import check_storage_class
from pytest_s3sse._internal.s3.records import EMPTY, MultipartUpload, ObjectAttributes, StoredObject
from pytest_s3sse._internal.s3.rest.tag_wire import header_tags
from pytest_s3sse._internal.s3.rest.xmlio import http_date
from pytest_s3sse._internal.sse.rules import KMS_KEY_HEADER, KMS_MODES, SSE_HEADER, SseHeaders
from pytest_s3sse._internal.types import ChecksumAlgorithm, SseMode

SSE_C_ALGORITHM = SSE_HEADER + "-customer-algorithm"
SSE_C_KEY_MD5 = SSE_HEADER + "-customer-key-md5"
SSE_CONTEXT = SSE_HEADER + "-context"
META_PREFIX = "x-amz-meta-"
_META_LEN = len(META_PREFIX)
_CHECKSUM_HEADERS = {a.header: a for a in ChecksumAlgorithm}
STREAMING = "STREAMING-"  # the prefix of SigV4's streaming x-amz-content-sha256 values


def sse_headers(request: HttpRequest, prefix: str = "x-amz-") -> SseHeaders:
    """The encryption headers (``prefix`` ``x-amz-copy-source-`` for a copy source's SSE-C trio)."""
    h = request.headers
    if prefix == "x-amz-":
        return SseHeaders(
            algorithm=h.get(SSE_HEADER),
            kms_key_id=h.get(KMS_KEY_HEADER),
            context=h.get(SSE_HEADER + "-context"),
            bucket_key_enabled=h.get(SSE_HEADER + "-bucket-key-enabled"),
            customer_algorithm=h.get(SSE_C_ALGORITHM),
            customer_key=h.get(SSE_HEADER + "-customer-key"),
            customer_key_md5=h.get(SSE_C_KEY_MD5),
        )
    base = prefix + "server-side-encryption-customer-"
    return SseHeaders(
        customer_algorithm=h.get(base + "algorithm"),
        customer_key=h.get(base + "key"),
        customer_key_md5=h.get(base + "key-md5"),
    )


# Section 7, A: LocalStack snapshot test_complete_multipart_parts_order / upload-part-negative-part-number
# (-1 recorded; 0 and 10001 assumed the same, U).
MSG_PART_NUMBER = "Part number must be an integer between 1 and 10000, inclusive"
MAX_PART_NUMBER = 10000


def part_number(request: HttpRequest) -> int | None:
    """The ``partNumber`` query parameter (GET/HEAD of a part, UploadPart): None when absent,
    InvalidArgument unless it is 1..10000 written in ASCII digits."""
    raw = request.params.get("partNumber") if request.query else None
    if raw is None:
        return None
    number = ascii_decimal(raw, 5)
    if number is None or not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidArgument(MSG_PART_NUMBER, "partNumber", raw)
    return number


INT32_MAX = 2**31 - 1


def int32_count(params: dict[str, str], name: str) -> int | None:
    """A non-negative 32-bit count in the query (``max-parts``, ``part-number-marker``,
    ``max-uploads``): None when absent; else InvalidArgument, worded as S3 words it.

    T (moto test_multipart_list_parts_invalid_argument, for max-parts and part-number-marker): a
    negative integer is ``Argument <name> must be an integer between 0 and 2147483647``; a value that
    is no integer or beyond the 32-bit range is ``Provided <name> not an integer or within integer
    range``. U: ``max-uploads`` answers the same way, and ArgumentName/ArgumentValue are the parameter
    and the value as sent (S: recorded AWS answer to ``max-keys=abc`` on ListObjectVersions).
    """
    raw = params.get(name)
    if raw is None:
        return None
    negative = raw.startswith("-")
    value = ascii_decimal(raw[1:] if negative else raw, 10)
    if value is None or value > INT32_MAX + negative:
        msg = f"Provided {name} not an integer or within integer range"
        raise InvalidArgument(msg, name, raw)
    if negative and value:
        msg = f"Argument {name} must be an integer between 0 and {INT32_MAX}"
        raise InvalidArgument(msg, name, raw)
    return value


# Request headers of features the engine does not model: refused with S3's 501 NotImplemented naming the
# header rather than dropped (a dropped header is a fake success). docs/errors.md lists them.
UNMODELLED_HEADERS = {
    "x-amz-object-lock-mode": "Object Lock",
    "x-amz-object-lock-retain-until-date": "Object Lock",
    "x-amz-object-lock-legal-hold": "Object Lock",
}
ACL_HEADER = "x-amz-acl"
# The grant headers of an object write (x-amz-grant-write is a bucket's only).
GRANT_HEADERS = (
    "x-amz-grant-full-control",
    "x-amz-grant-read",
    "x-amz-grant-read-acp",
    "x-amz-grant-write-acp",
)
# The one canned ACL a bucket with ACLs disabled accepts (P: S3 user guide, Object Ownership).
OWNER_FULL_CONTROL = "bucket-owner-full-control"
_WRITE_CHECKED = frozenset((*UNMODELLED_HEADERS, ACL_HEADER, *GRANT_HEADERS))
# A: LocalStack snapshot test_s3_object_acl_exceptions / put-object-two-type-acl.
MSG_ACL_AND_GRANTS = "Specifying both Canned ACLs and Header Grants is not allowed"


def check_write_headers(request: HttpRequest) -> None:
    """Refuse what an object write (PutObject, CopyObject, CreateMultipartUpload) asks for that the
    engine would otherwise drop.

    ACLs are modelled as S3 has them on every bucket created since April 2023 (Object Ownership
    "bucket owner enforced", ACLs disabled): no ACL, or the canned ``bucket-owner-full-control``, is
    accepted and changes nothing; any other canned ACL (``private`` included) and any grant header is
    400 AccessControlListNotSupported (P, S3 user guide "Troubleshooting" of Object Ownership; S,
    cloudyr/aws.s3#435 shows ``private`` refused). Object Lock headers are 501
    NotImplemented naming the header, until the engine models them (``x-amz-tagging`` is read by
    :func:`attributes`). One set test when none is sent
    (the usual request).
    """
    h = request.headers
    if _WRITE_CHECKED.isdisjoint(h):
        return
    acl = h.get(ACL_HEADER)
    grants = [name for name in GRANT_HEADERS if name in h]
    if acl is not None and grants:
        raise InvalidRequest(MSG_ACL_AND_GRANTS)
    if grants or (acl is not None and acl.strip() != OWNER_FULL_CONTROL):
        raise AccessControlListNotSupported
    for name, feature in UNMODELLED_HEADERS.items():
        if h.get(name):  # an empty tag set asks for nothing
            raise NotImplementedS3.header(name, feature)


def check_body_framing(request: HttpRequest) -> None:
    """The framing of an object body that declares no ``x-amz-decoded-content-length``.

    A SigV4 streaming body (``x-amz-content-sha256: STREAMING-...``) without it is 411
    MissingContentLength (T: versitygw's integration test of this case; P that the header is
    required; see ``wire/httpmodel.py``, which refuses the body of any other operation when it is
    read). A body sent with plain ``Transfer-Encoding: chunked`` (so not SigV4's aws-chunked, which
    botocore frames so) is 501 NotImplemented naming the header: S3 takes no chunked upload of
    unknown length (A reported, full XML: Automattic/knox#43, chilts/awssum#30 for UploadPart,
    irods/irods_resource_plugin_s3#2301 in 2026). PutObject and UploadPart ask; in-process clients
    never send it, ``requests`` with a generator body and clients of the local endpoint can. The
    usual request declares its length: one membership test for botocore's aws-chunked, two
    lookups for a plain body.
    """
    headers = request.headers
    if "x-amz-decoded-content-length" in headers:
        return
    if headers.get("x-amz-content-sha256", "").startswith(STREAMING):
        raise MissingContentLength
    encoding = headers.get("transfer-encoding")
    if encoding is not None and "chunked" in encoding.lower():
        raise NotImplementedS3.header("Transfer-Encoding")


BUCKET_GRANT_HEADERS = (*GRANT_HEADERS, "x-amz-grant-write")
OWNERSHIP_HEADER = "x-amz-object-ownership"
OBJECT_LOCK_HEADER = "x-amz-bucket-object-lock-enabled"
_BUCKET_CHECKED = frozenset(
    (ACL_HEADER, *BUCKET_GRANT_HEADERS, OWNERSHIP_HEADER, OBJECT_LOCK_HEADER)
)


def check_bucket_headers(request: HttpRequest) -> None:
    """Refuse what a CreateBucket asks for that the engine would otherwise drop: a bucket is made as
    S3 makes one by default (Object Ownership "bucket owner enforced", no Object Lock).

    ``x-amz-object-ownership: BucketOwnerEnforced`` and ``x-amz-acl: private`` (the owner's full
    control: U that AWS accepts it) change nothing; another ownership (ACLs enabled) or
    ``x-amz-bucket-object-lock-enabled: true`` is 501 NotImplemented naming the header; any other ACL
    is 400 InvalidBucketAclWithObjectOwnership (P, S).
    """
    h = request.headers
    if _BUCKET_CHECKED.isdisjoint(h):
        return
    ownership = h.get(OWNERSHIP_HEADER)
    if ownership is not None and ownership != "BucketOwnerEnforced":
        raise NotImplementedS3.header(OWNERSHIP_HEADER, "buckets with ACLs enabled")
    acl = h.get(ACL_HEADER)
    grants = [name for name in BUCKET_GRANT_HEADERS if name in h]
    if acl is not None and grants:
        raise InvalidRequest(MSG_ACL_AND_GRANTS)
    if grants or (acl is not None and acl.strip() != "private"):
        raise InvalidBucketAclWithObjectOwnership
    if h.get(OBJECT_LOCK_HEADER, "").strip().lower() == "true":
        raise NotImplementedS3.header(OBJECT_LOCK_HEADER, "Object Lock")


def requests_kms(request: HttpRequest) -> bool:
    """True when the request asks for SSE-KMS or DSSE-KMS in its own headers."""
    return request.headers.get(SSE_HEADER, "").startswith("aws:kms")


def attributes(request: HttpRequest) -> ObjectAttributes:
    """Content-Type, the other standard headers, and ``x-amz-meta-*`` user metadata."""
    h = request.headers
    metadata = {k[_META_LEN:]: v for k, v in h.items() if k.startswith(META_PREFIX)}
    encoding = h.get("content-encoding")
    if encoding is not None:  # aws-chunked is transport framing, not the object's encoding
        kept = [e.strip() for e in encoding.split(",") if e.strip() and e.strip() != "aws-chunked"]
        encoding = ",".join(kept) or None
    values = ObjectAttributes(
        content_type=h.get("content-type") or "binary/octet-stream",
        content_encoding=encoding,
        content_disposition=h.get("content-disposition"),
        content_language=h.get("content-language"),
        cache_control=h.get("cache-control"),
        expires=h.get("expires"),
        metadata=MappingProxyType(metadata) if metadata else EMPTY,
        storage_class=check_storage_class(h.get("x-amz-storage-class", "STANDARD")),
        website_redirect=h.get("x-amz-website-redirect-location"),
        tags=header_tags(h["x-amz-tagging"]) if "x-amz-tagging" in h else (),
    )
    # Most objects have none of these: they share one value, one object fewer for every stored
    # object that the garbage collector walks (docs/performance.md).
    return _DEFAULT_ATTRIBUTES if values == _DEFAULT_ATTRIBUTES else values


_DEFAULT_ATTRIBUTES = ObjectAttributes()
_NO_CONDITIONS = Conditions()


def conditions(request: HttpRequest, prefix: str = "") -> Conditions:
    """If-* headers (``prefix`` ``x-amz-copy-source-`` for a copy's source conditions)."""
    h = request.headers
    if not prefix and not (
        "if-match" in h
        or "if-none-match" in h
        or "if-modified-since" in h
        or "if-unmodified-since" in h
    ):
        return _NO_CONDITIONS  # the usual request: one shared value
    return Conditions(
        if_match=h.get(prefix + "if-match"),
        if_none_match=h.get(prefix + "if-none-match"),
        if_modified_since=h.get(prefix + "if-modified-since"),
        if_unmodified_since=h.get(prefix + "if-unmodified-since"),
        header_prefix="x-amz-copy-source-If-" if prefix else "If-",
    )


def checksum_algorithm(request: HttpRequest) -> ChecksumAlgorithm | None:
    """The additional checksum a write declares (SDK header, trailer name or a checksum header)."""
    h = request.headers
    trailer = (h.get("x-amz-trailer") or "").strip().lower()
    named = [a for name, a in _CHECKSUM_HEADERS.items() if name in h or name == trailer]
    declared = h.get("x-amz-sdk-checksum-algorithm")
    if declared is not None:
        algorithm = checksums.parse_algorithm(declared, "x-amz-sdk-checksum-algorithm")
        if not named:
            # A (reported), versity/versitygw#1593.
            raise InvalidRequest(
                "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or "
                "x-amz-trailer headers were found."
            )
        return algorithm
    # A raw x-amz-checksum-algorithm without a value header is ignored on PutObject (A, LocalStack
    # snapshot test_s3_checksum_no_automatic_sdk_calculation).
    return named[0] if named else None


def checksum_claims(request: HttpRequest) -> Mapping[ChecksumAlgorithm, str]:
    """Checksums the sender claims, in headers or (after the body is read) in aws-chunked trailers."""
    found = {
        a: v
        for name, a in _CHECKSUM_HEADERS.items()
        if (v := request.headers.get(name)) is not None
    }
    for name, value in request.trailers.items():
        algorithm = _CHECKSUM_HEADERS.get(name.lower())
        if algorithm is not None:
            found[algorithm] = value
    return found


def encryption_headers(
    obj: StoredObject | MultipartUpload, request: HttpRequest | None = None
) -> dict[str, str]:
    """The SSE response headers of an object or an upload (section 5.1 of the reference).

    An SSE-C object answers no ``x-amz-server-side-encryption``; it echoes the customer algorithm
    and the key MD5 *as the request sent them* (pass ``request``), since the engine keeps neither
    the key nor its MD5. CompleteMultipartUpload echoes nothing (pass no request, M4).
    """
    enc = obj.encryption
    out: dict[str, str] = {}
    if enc.mode.header_value is not None:
        out[SSE_HEADER] = enc.mode.header_value
    if enc.mode in KMS_MODES and enc.kms_key_arn:
        out[KMS_KEY_HEADER] = enc.kms_key_arn
    if enc.bucket_key_enabled:
        out[SSE_HEADER + "-bucket-key-enabled"] = "true"
    if enc.mode is SseMode.SSE_C and request is not None:
        for name in (SSE_C_ALGORITHM, SSE_C_KEY_MD5):
            value = request.headers.get(name)
            if value is not None:
                out[name] = value
    return out


def context_echo(obj: StoredObject | MultipartUpload, request: HttpRequest) -> dict[str, str]:
    """``x-amz-server-side-encryption-context`` on PutObject, CopyObject and CreateMultipartUpload of
    a KMS object: the requester's own context, as sent, only when sent. S (minio/minio#11415, AWS
    observed: no context sent, no header; a context sent is answered without the ``aws:s3:arn`` pair S3
    adds); P that only these three responses have the member (section 5.1), never GET or HEAD."""
    value = request.headers.get(SSE_CONTEXT)
    if value is None or obj.encryption.mode not in KMS_MODES:
        return {}
    return {SSE_CONTEXT: value}


def object_headers(
    obj: StoredObject, *, checksum_mode: bool, request: HttpRequest | None = None
) -> dict[str, str]:
    """The headers GET and HEAD send for ``obj`` (length and range headers are added by the caller)."""
    attrs = obj.attributes
    out = {
        "last-modified": http_date(obj.last_modified),
        "etag": obj.quoted_etag,
        "accept-ranges": "bytes",
        "content-type": attrs.content_type,
    }
    for name, value in (
        ("content-encoding", attrs.content_encoding),
        ("content-disposition", attrs.content_disposition),
        ("content-language", attrs.content_language),
        ("cache-control", attrs.cache_control),
        ("expires", attrs.expires),
        ("x-amz-website-redirect-location", attrs.website_redirect),
    ):
        if value is not None:
            out[name] = value
    if attrs.storage_class != "STANDARD":
        out["x-amz-storage-class"] = attrs.storage_class
    for key, value in attrs.metadata.items():
        out[META_PREFIX + key] = value
    if attrs.tags:  # P: GetObject and HeadObject "x-amz-tagging-count"
        out["x-amz-tagging-count"] = str(len(attrs.tags))
    if obj.replication_status is not None:  # RS1, RS2 (P): PENDING/COMPLETED/FAILED, REPLICA
        out["x-amz-replication-status"] = obj.replication_status
    if checksum_mode and obj.checksum is not None:
        out[obj.checksum.algorithm.header] = obj.checksum.value
        out["x-amz-checksum-type"] = obj.checksum.type
    out.update(encryption_headers(obj, request))
    return out

"""Protocol edge: ListObjectsV2 (``GET /?list-type=2``) and ListObjects (v1, ``GET /``).

Query parameters become a :class:`~pytest_s3sse._internal.s3.listing.ListQuery`; the page comes back as a
``ListBucketResult`` document. botocore always sends ``encoding-type=url`` and decodes the answer,
so the URL encoding below is on the path of every boto3 listing.

Shapes (A, LocalStack snapshots in ``tests/aws/services/s3/test_s3_list_operations.snapshot.json``):
``Prefix`` is always present; v1 always has ``Marker`` (empty when none); ``Delimiter``,
``StartAfter`` and ``ContinuationToken`` appear when sent (``StartAfter`` not when a token wins);
v1 ``NextMarker`` only when a delimiter was sent and the page is truncated; ``Owner`` (ID only) in
v1 always and in v2 with ``fetch-owner=true``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.http import HttpResponse, ascii_decimal
from pytest_s3sse._internal.s3 import listing
from pytest_s3sse._internal.s3.listing import ListPage, ListQuery
from pytest_s3sse._internal.s3.records import StoredObject
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.buckets import canonical_user_id
from pytest_s3sse._internal.s3.rest.call import Call, Services, xml_response

Encoder = Callable[[str], str]
MAX_KEYS_LIMIT = 2**31 - 1
# A (reported: floci PR #3510 quoting AWS; ceph s3-tests test_bucket_list_maxkeys_invalid).
MSG_BAD_MAX_KEYS = "Argument maxKeys must be an integer between 0 and 2147483647"
# A (LocalStack snapshot test_list_ops_encoding_type_validation[list_objects(_v2)]).
MSG_BAD_ENCODING = "Invalid Encoding Method specified in Request"


def max_keys(params: dict[str, str]) -> int:
    """``max-keys``: 1000 when absent; else a non-negative 32-bit integer, or InvalidArgument."""
    raw = params.get("max-keys")
    if raw is None:
        return listing.MAX_KEYS
    value = ascii_decimal(raw, 10)  # ASCII digits only, never more than int() reads
    if value is None or value > MAX_KEYS_LIMIT:
        raise InvalidArgument(MSG_BAD_MAX_KEYS, "maxKeys", raw)
    return value


def url_encoding(params: dict[str, str]) -> bool:
    """``encoding-type``: ``url`` or absent; any other value (even empty) is InvalidArgument."""
    raw = params.get("encoding-type")
    if raw is None:
        return False
    if raw != "url":
        raise InvalidArgument(MSG_BAD_ENCODING, "encoding-type", raw)
    return True


def url_encode(value: str) -> str:
    """``encoding-type=url``: percent-encode every byte outside the RFC 3986 unreserved set except
    ``/`` (``quux ab/`` -> ``quux%20ab/``, ``foo+1/`` -> ``foo%2B1/``: ceph s3-tests
    test_bucket_list_encoding_basic; ``date=2026-03-01/`` -> ``date%3D2026-03-01/``: A, LocalStack
    snapshot list-objects-start-after-url-type)."""
    return quote(value, safe="/")


def _verbatim(value: str) -> str:
    return value


def encoder(url: bool) -> Encoder:
    """How key-like values are written: URL-encoded, or as they are."""
    return url_encode if url else _verbatim


def _contents(obj: StoredObject, owner: str | None, enc: Encoder) -> str:
    pairs: list[tuple[str, object | None]] = [
        ("Key", enc(obj.key)),
        ("LastModified", xmlio.iso8601(obj.last_modified)),
        ("ETag", obj.quoted_etag),
    ]
    if obj.checksum is not None:
        pairs += [
            ("ChecksumAlgorithm", obj.checksum.algorithm.value),
            ("ChecksumType", obj.checksum.type),
        ]
    pairs.append(("Size", obj.size))
    inner = xmlio.elements(pairs)
    if owner is not None:
        inner += f"<Owner>{xmlio.element('ID', owner)}</Owner>"
    inner += xmlio.element("StorageClass", obj.attributes.storage_class)
    return f"<Contents>{inner}</Contents>"


def _entries(result: ListPage, owner: str | None, enc: Encoder) -> str:
    body = "".join(_contents(obj, owner, enc) for obj in result.objects)
    body += "".join(
        f"<CommonPrefixes>{xmlio.element('Prefix', enc(p))}</CommonPrefixes>"
        for p in result.common_prefixes
    )
    return body


class ListOps:
    """Handlers for ListObjectsV2 and ListObjects."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def _owner(self, bucket_name: str) -> str:
        # Objects belong to the bucket owner (BucketOwnerEnforced, S3's default since April 2023).
        return canonical_user_id(self.s.buckets.get(bucket_name).owner_account)

    def list_objects_v2(self, call: Call) -> HttpResponse:
        params = call.request.params
        url = url_encoding(params)
        limit = max_keys(params)
        token = params.get("continuation-token")
        start_after = params.get("start-after") if token is None else None
        after = listing.decode_token(token) if token is not None else start_after or ""
        query = ListQuery(params.get("prefix", ""), params.get("delimiter", ""), limit, after)
        result = listing.list_objects(self.s.buckets.store, call.bucket, query)
        fetch_owner = params.get("fetch-owner", "").lower() == "true"
        owner = self._owner(call.bucket) if fetch_owner else None
        enc = encoder(url)
        head: list[tuple[str, object | None]] = [
            ("Name", call.bucket),
            ("Prefix", enc(query.prefix)),
            ("ContinuationToken", token),
            ("StartAfter", enc(start_after) if start_after is not None else None),
            ("KeyCount", result.count),
            ("MaxKeys", limit),
            ("Delimiter", enc(query.delimiter) or None),
            ("EncodingType", "url" if url else None),
            ("IsTruncated", result.truncated),
        ]
        if result.truncated and result.last is not None:
            head.append(("NextContinuationToken", listing.encode_token(result.last)))
        inner = xmlio.elements(head) + _entries(result, owner, enc)
        return xml_response(xmlio.document("ListBucketResult", inner))

    def list_objects(self, call: Call) -> HttpResponse:
        params = call.request.params
        url = url_encoding(params)
        limit = max_keys(params)
        marker = params.get("marker", "")
        query = ListQuery(params.get("prefix", ""), params.get("delimiter", ""), limit, marker)
        result = listing.list_objects(self.s.buckets.store, call.bucket, query)
        enc = encoder(url)
        next_marker = None
        if result.truncated and query.delimiter and result.last is not None:
            next_marker = enc(result.last)
        head: list[tuple[str, object | None]] = [
            ("Name", call.bucket),
            ("Prefix", enc(query.prefix)),
            ("Marker", enc(marker)),
            ("NextMarker", next_marker),
            ("MaxKeys", limit),
            ("Delimiter", enc(query.delimiter) or None),
            ("EncodingType", "url" if url else None),
            ("IsTruncated", result.truncated),
        ]
        inner = xmlio.elements(head) + _entries(result, self._owner(call.bucket), enc)
        return xml_response(xmlio.document("ListBucketResult", inner))

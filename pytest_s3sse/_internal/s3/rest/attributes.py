"""Protocol edge: GetObjectAttributes (``GET /key?attributes``).

``x-amz-object-attributes`` names what to answer, among ``ETag``, ``Checksum``, ``ObjectParts``,
``StorageClass`` and ``ObjectSize`` (P: API reference GetObjectAttributes; botocore's model). The
answer is a ``GetObjectAttributesResponse`` document (``GetObjectAttributesOutput`` in the model)
with ``Last-Modified`` (and ``x-amz-version-id`` of a versioned object) as headers:

- ``ETag`` without quotes (P: the API reference's sample response);
- ``Checksum``: the object's additional checksum and its ``ChecksumType``, when it has one;
- ``ObjectParts`` only for an object uploaded in parts: ``PartsCount`` (boto3's ``TotalPartsCount``), and for an upload made
  with a checksum algorithm the parts with their size and checksum, paged by ``x-amz-max-parts``
  (default 1000) and ``x-amz-part-number-marker`` (P: the model's members, and its note: "if an
  additional checksum ... isn't applied to the object ..., the response doesn't return the Part
  element");
- ``StorageClass``, ``ObjectSize``.

An SSE-C object needs its key, as GetObject and HeadObject do (P: "If you encrypt an object by using
server-side encryption with customer-provided encryption keys (SSE-C) when you store the object in
Amazon S3, then when you retrieve the metadata from the object, you must use the following headers");
the read checks it as a HEAD does (no body is decrypted, no KMS call is made). Permissions: the gate
asks s3:GetObjectAttributes, and this handler s3:GetObject too (P: "If the bucket is not versioned,
you need the s3:GetObject and s3:GetObjectAttributes permissions"); with ``versionId`` the version
actions, s3:GetObjectVersionAttributes and s3:GetObjectVersion (P, same page), and the version named
(InvalidArgument, NoSuchVersion, 405 for a delete marker, as GetObject).
"""

from __future__ import annotations

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.s3.access import GET_OBJECT, GET_OBJECT_VERSION
from pytest_s3sse._internal.s3.objects import ReadRequest
from pytest_s3sse._internal.s3.records import Checksum, StoredObject
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import Call, Services, xml_response

HEADER = "x-amz-object-attributes"
NAMES = frozenset({"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"})
DEFAULT_MAX_PARTS = 1000
# T (scality/cloudserver's functional tests of GetObjectAttributes, an empty list and an unknown
# name); U for ArgumentName/ArgumentValue.
MSG_INVALID_NAME = "Invalid attribute name specified."


def requested(request: HttpRequest) -> frozenset[str]:
    """The attributes ``x-amz-object-attributes`` asks for (botocore joins a list with commas); none
    or an unknown one is 400 InvalidArgument (T)."""
    raw = request.headers.get(HEADER, "")
    names = frozenset(name.strip() for name in raw.split(",") if name.strip())
    if not names:
        raise InvalidArgument(MSG_INVALID_NAME)
    unknown = sorted(names - NAMES)
    if unknown:
        raise InvalidArgument(MSG_INVALID_NAME, HEADER, unknown[0])
    return names


def _checksum_pairs(checksum: Checksum | None) -> list[tuple[str, object | None]]:
    if checksum is None:
        return []
    return [("Checksum" + checksum.algorithm.value, checksum.value)]


def object_parts(obj: StoredObject, *, marker: int, max_parts: int) -> str:
    """The ``ObjectParts`` element of a multipart object."""
    pairs: list[tuple[str, object | None]] = [("PartsCount", obj.parts_count)]
    if not obj.part_checksums:
        return f"<ObjectParts>{xmlio.elements(pairs)}</ObjectParts>"
    numbered = [
        (part.part_number, part.size, checksum)
        for part, checksum in zip(obj.parts, obj.part_checksums, strict=True)
        if part.part_number > marker
    ]
    page = numbered[:max_parts]
    truncated = len(numbered) > len(page)
    pairs += [
        ("PartNumberMarker", marker),
        ("NextPartNumberMarker", page[-1][0] if page else marker),
        ("MaxParts", max_parts),
        ("IsTruncated", truncated),
    ]
    parts = "".join(
        "<Part>"
        + xmlio.elements([*_checksum_pairs(checksum), ("PartNumber", number), ("Size", size)])
        + "</Part>"
        for number, size, checksum in page
    )
    return f"<ObjectParts>{xmlio.elements(pairs)}{parts}</ObjectParts>"


def attributes_document(
    obj: StoredObject, names: frozenset[str], *, marker: int, max_parts: int
) -> bytes:
    """The ``GetObjectAttributesResponse`` document, in the model's member order."""
    inner = ""
    if "ETag" in names:
        inner += xmlio.element("ETag", obj.etag)
    if "Checksum" in names and obj.checksum is not None:
        checksum = [*_checksum_pairs(obj.checksum), ("ChecksumType", obj.checksum.type)]
        inner += f"<Checksum>{xmlio.elements(checksum)}</Checksum>"
    if "ObjectParts" in names and (obj.parts_count > 1 or obj.part_checksums):
        inner += object_parts(obj, marker=marker, max_parts=max_parts)
    if "StorageClass" in names:
        inner += xmlio.element("StorageClass", obj.attributes.storage_class)
    if "ObjectSize" in names:
        inner += xmlio.element("ObjectSize", obj.size)
    return xmlio.document("GetObjectAttributesResponse", inner)


class AttributesOps:
    """The GetObjectAttributes handler."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def get_object_attributes(self, call: Call) -> HttpResponse:
        request = call.request
        names = requested(request)
        headers = request.headers
        max_parts = hdr.int32_count(headers, "x-amz-max-parts")
        marker = hdr.int32_count(headers, "x-amz-part-number-marker")
        access = self.s.access
        context = call.context
        version_id = request.params.get("versionId") if request.query else None
        action = GET_OBJECT if version_id is None else GET_OBJECT_VERSION
        access.check(context, action, access.resource(call.bucket, call.key, context.region))
        read = ReadRequest(
            bucket=call.bucket,
            key=call.key,
            sse=hdr.sse_headers(request),
            context=context,
            version_id=version_id,
            method=request.method,
        )
        obj = self.s.objects.read(read, with_body=False).obj
        document = attributes_document(
            obj,
            names,
            marker=marker or 0,
            max_parts=DEFAULT_MAX_PARTS if max_parts is None else max_parts,
        )
        out = {"last-modified": xmlio.http_date(obj.last_modified)}
        if obj.version_id != "null":
            out["x-amz-version-id"] = obj.version_id
        return xml_response(document, headers=out)

"""Protocol edge: multipart uploads (CreateMultipartUpload, UploadPart, UploadPartCopy,
CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads).

Reads query parameters, headers and the Complete document into the typed requests of
:mod:`pytest_s3sse._internal.s3.multipart` and renders S3's XML. Error texts cite ``docs/_research/s3-errors.md``
(sections 7 and 8); "A" marks what was recorded against AWS, "U" what was not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote_plus

from pytest_s3sse._internal.errors.s3 import (
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
)
from pytest_s3sse._internal.http import HttpRequest, HttpResponse, ascii_decimal
from pytest_s3sse._internal.s3 import checksums, conditions, ranges
from pytest_s3sse._internal.s3.multipart import (
    CompletedPart,
    CompleteRequest,
    CreateRequest,
    PartRequest,
)
from pytest_s3sse._internal.s3.multipart_listing import UploadsQuery
from pytest_s3sse._internal.s3.records import NULL, Checksum, MultipartUpload, UploadedPart
from pytest_s3sse._internal.s3.rest import copysource, xmlio
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest.buckets import canonical_user_id
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response
from pytest_s3sse._internal.s3.rest.operation_keys import OperationKeys
from pytest_s3sse._internal.s3.rest.tagging import authorize_tags
from pytest_s3sse._internal.types import ChecksumAlgorithm, Principal

COPY_RANGE_HEADER = "x-amz-copy-source-range"
MAX_LISTED = 1000
_COPY_RANGE = re.compile(r"bytes=([0-9]+)-([0-9]+)")

# Section 8, A: LocalStack snapshot test_upload_part_copy_range (upload-part-copy-wrong-format and the
# upload-part-copy-range-exc-* rows; open-ended and suffix ranges are refused too).
MSG_COPY_RANGE_FORM = (
    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are "
    "the zero-based offsets of the first and last bytes to copy"
)
# Section 8, A: same test / upload-part-copy-range-exc-0-100 (last byte past the end).
MSG_COPY_RANGE_SIZE = "Range specified is not valid for source object of size: {size}"
# Section 8, A: same test / upload-part-copy-range-exc-100-200 (first byte past the end).
MSG_COPY_RANGE_START = "The specified copy range is invalid for the source object size"
# Section 7, A: test_list_ops_encoding_type_validation[list_multipart_uploads].
MSG_ENCODING = "Invalid Encoding Method specified in Request"


def part_number(request: HttpRequest) -> int:
    """The ``partNumber`` query parameter of UploadPart(Copy): required, 1..10000."""
    number = hdr.part_number(request)
    if number is None:
        raise InvalidArgument(hdr.MSG_PART_NUMBER, "partNumber", None)
    return number


def _count(request: HttpRequest, name: str, *, cap: int | None) -> int | None:
    """A non-negative 32-bit count in the query (:func:`headers.int32_count`), capped at ``cap``."""
    value = hdr.int32_count(request.params, name) if request.query else None
    return value if value is None or cap is None else min(value, cap)


def copy_range(header: str | None, size: int) -> tuple[int, int]:
    """``(start, stop)`` of ``x-amz-copy-source-range`` (strictly ``bytes=first-last``) on ``size``."""
    if header is None:
        return 0, size
    match = _COPY_RANGE.fullmatch(header)
    if match is None:
        raise InvalidArgument(MSG_COPY_RANGE_FORM, COPY_RANGE_HEADER, header)
    if ranges.magnitude(match.group(1)) > ranges.magnitude(match.group(2)):
        raise InvalidArgument(MSG_COPY_RANGE_FORM, COPY_RANGE_HEADER, header)
    first, last = ranges.offset(match.group(1)), ranges.offset(match.group(2))
    if first >= size:
        raise InvalidRequest(MSG_COPY_RANGE_START)
    if last >= size:
        raise InvalidArgument(MSG_COPY_RANGE_SIZE.format(size=size), COPY_RANGE_HEADER, header)
    return first, last + 1


def completed_parts(body: bytes) -> tuple[CompletedPart, ...]:
    """The parts a CompleteMultipartUpload document names (empty: no body at all).

    An empty part list or a part without a numeric PartNumber or an ETag is MalformedXML (T: moto for
    the empty list; U otherwise, also for a PartNumber that is not ASCII digits or does not fit S3's
    32-bit integer: such a document does not match the schema).
    """
    if not body.strip():
        return ()
    root = xmlio.parse(body)
    if root.tag != "CompleteMultipartUpload":
        raise MalformedXML
    parts = []
    for node in root.findall("Part"):
        number = (xmlio.child_text(node, "PartNumber") or "").strip()
        etag = xmlio.child_text(node, "ETag")
        value = ascii_decimal(number, 10)
        if value is None or value > hdr.INT32_MAX or etag is None:
            raise MalformedXML
        found = {a: xmlio.child_text(node, "Checksum" + a.value) for a in ChecksumAlgorithm}
        sums = {a: v.strip() for a, v in found.items() if v is not None}
        parts.append(CompletedPart(value, etag.strip().strip('"'), sums))
    if not parts:
        raise MalformedXML
    return tuple(parts)


def _checksum_pairs(checksum: Checksum | None) -> list[tuple[str, object | None]]:
    if checksum is None:
        return []
    return [("Checksum" + checksum.algorithm.value, checksum.value)]


def _upload_checksum_headers(upload: MultipartUpload) -> dict[str, str]:
    if upload.checksum_algorithm is None or upload.checksum_type is None:
        return {}
    return {
        "x-amz-checksum-algorithm": upload.checksum_algorithm.value,
        "x-amz-checksum-type": upload.checksum_type,
    }


def _people(upload: MultipartUpload) -> str:
    """Initiator and Owner (A: Owner has only an ID in recent recordings; Initiator an ID and name).

    P (ListParts API reference): an account initiator has the Owner's ID; an IAM one its ARN.
    """
    who: Principal = upload.initiator
    owner_id = canonical_user_id(who.account_id)
    if who.arn.endswith(":root"):
        initiator = xmlio.elements((("ID", owner_id), ("DisplayName", who.account_id)))
    else:
        initiator = xmlio.elements((("ID", who.arn), ("DisplayName", who.arn.rsplit("/", 1)[-1])))
    return f"<Initiator>{initiator}</Initiator><Owner>{xmlio.element('ID', owner_id)}</Owner>"


def _upload_checksum_pairs(upload: MultipartUpload) -> list[tuple[str, object | None]]:
    algorithm = upload.checksum_algorithm
    return [
        ("ChecksumAlgorithm", algorithm.value if algorithm is not None else None),
        ("ChecksumType", upload.checksum_type),
    ]


def _part_element(part: UploadedPart, upload: MultipartUpload) -> str:
    pairs: list[tuple[str, object | None]] = [
        ("PartNumber", part.number),
        ("LastModified", xmlio.iso8601(part.last_modified)),
        ("ETag", f'"{part.etag}"'),
        ("Size", part.size),
    ]
    if upload.checksum_algorithm is not None:  # A: ListParts of an upload without one shows none
        pairs += _checksum_pairs(part.checksum)
    return f"<Part>{xmlio.elements(pairs)}</Part>"


class MultipartOps:
    """Handlers for multipart-upload requests."""

    def __init__(self, services: Services) -> None:
        self.s = services

    @staticmethod
    def _upload_id(call: Call) -> str:
        upload_id = call.request.params.get("uploadId", "")
        if not upload_id:
            raise NoSuchUpload(upload_id)
        return upload_id

    def create_multipart_upload(self, call: Call) -> HttpResponse:
        request = call.request
        hdr.check_write_headers(request)
        raw_algorithm = request.headers.get("x-amz-checksum-algorithm")
        attributes = hdr.attributes(request)
        if attributes.tags:
            authorize_tags(call, self.s, attributes.tags, OperationKeys(call, self.s))
        upload = self.s.multipart.create(
            CreateRequest(
                bucket=call.bucket,
                key=call.key,
                attributes=attributes,
                sse=hdr.sse_headers(request),
                # A: an unknown algorithm is InvalidRequest here (create-mpu-wrong-checksum-algo).
                checksum_algorithm=(
                    checksums.parse_algorithm(raw_algorithm) if raw_algorithm is not None else None
                ),
                checksum_type=request.headers.get("x-amz-checksum-type"),
                context=call.context,
            )
        )
        inner = xmlio.elements(
            (("Bucket", call.bucket), ("Key", call.key), ("UploadId", upload.upload_id))
        )
        headers = hdr.encryption_headers(upload, request) | _upload_checksum_headers(upload)
        headers |= hdr.context_echo(upload, request)
        call.note(encryption=upload.encryption)
        return xml_response(xmlio.document("InitiateMultipartUploadResult", inner), headers=headers)

    def _part_request(self, call: Call, *, with_body: bool) -> PartRequest:
        request = call.request
        upload_id = self._upload_id(call)
        number = part_number(request)
        if not with_body:
            return PartRequest(
                call.bucket, call.key, upload_id, number, sse=hdr.sse_headers(request),
                context=call.context,
            )  # fmt: skip
        return PartRequest(
            bucket=call.bucket,
            key=call.key,
            upload_id=upload_id,
            part_number=number,
            sse=hdr.sse_headers(request),
            content_md5=request.headers.get("content-md5"),
            checksum_algorithm=hdr.checksum_algorithm(request),
            checksum_claims=lambda: hdr.checksum_claims(request),
            context=call.context,
        )

    def upload_part(self, call: Call) -> HttpResponse:
        hdr.check_body_framing(call.request)
        target = self._part_request(call, with_body=True)
        upload = self.s.multipart.get(target.bucket, target.key, target.upload_id)
        part = self.s.multipart.upload_part(target, call.request.body)
        call.note(encryption=upload.encryption, bytes_in=part.size)
        headers = {"etag": f'"{part.etag}"'} | hdr.encryption_headers(upload, call.request)
        if part.checksum is not None:  # A: echoed even when the upload has no algorithm
            headers[part.checksum.algorithm.header] = part.checksum.value
        return empty_response(headers=headers)

    def upload_part_copy(self, call: Call) -> HttpResponse:
        request = call.request
        target = self._part_request(call, with_body=False)
        upload = self.s.multipart.get(target.bucket, target.key, target.upload_id)
        ref = copysource.parse(request.headers[copysource.HEADER])
        source = self.s.objects.copy_source(ref.bucket, ref.key, call.context, ref.version_id)
        source_plan = self.s.objects.source_plan(
            source, hdr.sse_headers(request, prefix=copysource.PREFIX), call.context
        )
        # Section 5b, A: the read order of conditions, but 412 where a read answers 304.
        conditions.evaluate_copy_source(
            hdr.conditions(request, prefix=copysource.PREFIX),
            source.etag,
            source.last_modified,
            now=self.s.clock.now(),
        )
        start, stop = copy_range(request.headers.get(COPY_RANGE_HEADER), source.size)
        part = self.s.multipart.copy_part(target, source, source_plan, start, stop)
        pairs: list[tuple[str, object | None]] = [
            ("LastModified", xmlio.iso8601(part.last_modified)),
            ("ETag", f'"{part.etag}"'),
        ]
        if upload.checksum_algorithm is not None:
            pairs += _checksum_pairs(part.checksum)
        body = xmlio.document("CopyPartResult", xmlio.elements(pairs))
        headers = hdr.encryption_headers(upload, request)
        if source.version_id != NULL or ref.version_id is not None:  # P, UploadPartCopy
            headers["x-amz-copy-source-version-id"] = source.version_id
        return xml_response(body, headers=headers)

    def complete_multipart_upload(self, call: Call) -> HttpResponse:
        request = call.request
        upload_id = self._upload_id(call)
        obj = self.s.multipart.complete(
            CompleteRequest(
                bucket=call.bucket,
                key=call.key,
                upload_id=upload_id,
                parts=completed_parts(request.read_body()),
                conditions=hdr.conditions(request),
                object_size=request.headers.get("x-amz-mp-object-size"),
                checksum_type=request.headers.get("x-amz-checksum-type"),
                sse=hdr.sse_headers(request),
                context=call.context,
                checksum_claims=hdr.checksum_claims(request),
            )
        )
        pairs: list[tuple[str, object | None]] = [
            ("Location", f"{request.scheme}://{request.host}{request.path}"),
            ("Bucket", call.bucket),
            ("Key", call.key),
            ("ETag", obj.quoted_etag),
            *_checksum_pairs(obj.checksum),
            ("ChecksumType", obj.checksum.type if obj.checksum is not None else None),
        ]
        body = xmlio.document("CompleteMultipartUploadResult", xmlio.elements(pairs))
        call.note(encryption=obj.encryption)
        headers = hdr.encryption_headers(obj)
        if obj.version_id != NULL:  # P: CompleteMultipartUpload returns x-amz-version-id
            headers["x-amz-version-id"] = obj.version_id
        return xml_response(body, headers=headers)

    def abort_multipart_upload(self, call: Call) -> HttpResponse:
        self.s.multipart.abort(call.bucket, call.key, self._upload_id(call))
        return empty_response(204)  # P: AbortMultipartUpload API reference

    def list_parts(self, call: Call) -> HttpResponse:
        request = call.request
        marker = _count(request, "part-number-marker", cap=None) or 0
        max_parts = _count(request, "max-parts", cap=MAX_LISTED)
        max_parts = MAX_LISTED if max_parts is None else max_parts
        page = self.s.multipart.list_parts(
            call.bucket, call.key, self._upload_id(call), marker=marker, max_parts=max_parts
        )
        upload = page.upload
        inner = xmlio.elements(
            (
                ("Bucket", call.bucket),
                ("Key", call.key),
                ("UploadId", upload.upload_id),
                ("PartNumberMarker", marker),
                ("NextPartNumberMarker", page.next_marker),
                ("MaxParts", max_parts),
                ("IsTruncated", page.truncated),
            )
        )
        inner += "".join(_part_element(p, upload) for p in page.parts)
        inner += _people(upload) + xmlio.element("StorageClass", upload.attributes.storage_class)
        inner += xmlio.elements(_upload_checksum_pairs(upload))
        return xml_response(xmlio.document("ListPartsResult", inner))

    def list_multipart_uploads(self, call: Call) -> HttpResponse:
        params = call.request.params
        encoding = params.get("encoding-type")
        if encoding is not None and encoding != "url":
            raise InvalidArgument(MSG_ENCODING, "encoding-type", encoding)
        max_uploads = _count(call.request, "max-uploads", cap=MAX_LISTED)
        max_uploads = MAX_LISTED if max_uploads is None else max_uploads
        prefix, delimiter = params.get("prefix", ""), params.get("delimiter", "")
        key_marker = params.get("key-marker", "")
        # A: the upload-id-marker is ignored without a key-marker (list-multiparts-next-upload-only).
        id_marker = params.get("upload-id-marker", "") if key_marker else ""
        query = UploadsQuery(prefix, delimiter, key_marker, id_marker, max_uploads)
        page = self.s.multipart.list_uploads(call.bucket, query)

        def enc(value: str) -> str:
            return quote_plus(value, safe="/") if encoding == "url" else value

        inner = xmlio.elements(
            (
                ("Bucket", call.bucket),
                ("KeyMarker", enc(key_marker)),
                ("UploadIdMarker", id_marker),
                ("NextKeyMarker", enc(page.next_key_marker)),
                ("Prefix", enc(prefix) if "prefix" in params else None),
                ("Delimiter", enc(delimiter) if delimiter else None),
                ("NextUploadIdMarker", page.next_upload_id_marker),
                ("MaxUploads", max_uploads),
                ("IsTruncated", page.truncated),
            )
        )
        inner += "".join(self._upload_element(u, enc(u.key)) for u in page.uploads)
        inner += _prefixes(enc(p) for p in page.prefixes)
        inner += xmlio.element("EncodingType", encoding) if encoding else ""
        return xml_response(xmlio.document("ListMultipartUploadsResult", inner))

    @staticmethod
    def _upload_element(upload: MultipartUpload, key: str) -> str:
        inner = xmlio.elements((("Key", key), ("UploadId", upload.upload_id)))
        inner += _people(upload)
        inner += xmlio.elements(
            (
                ("StorageClass", upload.attributes.storage_class),
                ("Initiated", xmlio.iso8601(upload.initiated)),
                *_upload_checksum_pairs(upload),
            )
        )
        return f"<Upload>{inner}</Upload>"


def _prefixes(prefixes: Iterable[str]) -> str:
    return "".join(
        f"<CommonPrefixes>{xmlio.element('Prefix', p)}</CommonPrefixes>" for p in prefixes
    )

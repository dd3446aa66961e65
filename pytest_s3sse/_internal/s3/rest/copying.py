"""Protocol edge: CopyObject (``PUT`` on an object with ``x-amz-copy-source``).

Reads the copy's headers into a :class:`~pytest_s3sse._internal.s3.copy.CopyRequest` and renders the
``CopyObjectResult`` document. Rules live in :mod:`pytest_s3sse._internal.s3.copy`.
"""

from __future__ import annotations

from pytest_s3sse._internal.errors.s3 import InvalidArgument
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.s3.copy import CopyRequest, MetadataDirective, copy_object
from pytest_s3sse._internal.s3.records import NULL, StoredObject
from pytest_s3sse._internal.s3.rest import copysource, xmlio
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest.call import Call, Services, xml_response
from pytest_s3sse._internal.s3.rest.tag_wire import DIRECTIVE_HEADER as DIRECTIVE_TAGS
from pytest_s3sse._internal.s3.rest.tag_wire import tagging_directive_replaces
from pytest_s3sse._internal.types import ChecksumAlgorithm

DIRECTIVE_HEADER = "x-amz-metadata-directive"
CHECKSUM_ALGORITHM_HEADER = "x-amz-checksum-algorithm"
# T (MinIO ErrInvalidMetadataDirective; not recorded against AWS): s3-errors.md section 8.
MSG_UNKNOWN_DIRECTIVE = "Unknown metadata directive."


def metadata_directive(request: HttpRequest) -> MetadataDirective:
    """``x-amz-metadata-directive``: COPY (the default) or REPLACE; anything else is refused."""
    value = request.headers.get(DIRECTIVE_HEADER)
    if value is None:
        return MetadataDirective.COPY
    try:
        return MetadataDirective(value)
    except ValueError:
        raise InvalidArgument(MSG_UNKNOWN_DIRECTIVE, DIRECTIVE_HEADER, value) from None


def checksum_algorithm(request: HttpRequest) -> ChecksumAlgorithm | None:
    """The algorithm a copy asks for (``x-amz-checksum-algorithm``; a copy has no body to hash)."""
    value = request.headers.get(CHECKSUM_ALGORITHM_HEADER)
    return None if value is None else checksums.parse_algorithm(value, CHECKSUM_ALGORITHM_HEADER)


def copy_request(call: Call) -> CopyRequest:
    """The typed copy request of ``call``."""
    request = call.request
    hdr.check_write_headers(request)
    source = copysource.parse(request.headers[copysource.HEADER])
    return CopyRequest(
        source_bucket=source.bucket,
        source_key=source.key,
        source_version_id=source.version_id,
        bucket=call.bucket,
        key=call.key,
        directive=metadata_directive(request),
        replace_tags=tagging_directive_replaces(request.headers.get(DIRECTIVE_TAGS)),
        attributes=hdr.attributes(request),
        storage_class=request.headers.get("x-amz-storage-class"),
        website_redirect=request.headers.get("x-amz-website-redirect-location"),
        sse=hdr.sse_headers(request),
        source_sse=hdr.sse_headers(request, prefix=copysource.PREFIX),
        checksum_algorithm=checksum_algorithm(request),
        source_conditions=hdr.conditions(request, prefix=copysource.PREFIX),
        conditions=hdr.conditions(request),
        context=call.context,
    )


def copy_result(obj: StoredObject) -> bytes:
    """The ``CopyObjectResult`` document (A, LocalStack snapshots: ETag, LastModified, ChecksumType
    and the checksum of the target's algorithm)."""
    pairs: list[tuple[str, object | None]] = [
        ("ETag", obj.quoted_etag),
        ("LastModified", xmlio.iso8601(obj.last_modified)),
    ]
    if obj.checksum is not None:
        pairs.append(("ChecksumType", obj.checksum.type))
        pairs.append(("Checksum" + obj.checksum.algorithm.value, obj.checksum.value))
    return xmlio.document("CopyObjectResult", xmlio.elements(pairs))


class CopyOps:
    """Handlers for copy requests."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def copy_object(self, call: Call) -> HttpResponse:
        copy = copy_request(call)
        obj, source = copy_object(self.s.objects, copy)
        call.note(encryption=obj.encryption)
        # An SSE-C target echoes the MD5 of its own key (the target's headers, not the source's).
        headers = hdr.encryption_headers(obj, call.request) | hdr.context_echo(obj, call.request)
        # The new version (I4, A: "null" into a suspended bucket) and the version copied (A,
        # LocalStack snapshot test_s3_copy_object_src_not_exists; P, CopyObject).
        target = self.s.objects.store.find_bucket(obj.bucket)
        if target is not None and target.versioning is not None:
            headers["x-amz-version-id"] = obj.version_id
        if source.version_id != NULL or copy.source_version_id is not None:
            headers["x-amz-copy-source-version-id"] = source.version_id
        return xml_response(copy_result(obj), headers=headers)

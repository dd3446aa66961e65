"""Protocol edge: object operations (PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects)."""

from __future__ import annotations

from dataclasses import replace

from pytest_s3sse._internal.errors.s3 import (
    InvalidPartNumber,
    InvalidRequest,
    MalformedXML,
    NotImplementedS3,
    NotModified,
)
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.s3 import ranges
from pytest_s3sse._internal.s3.objects import ReadRequest, ReadResult, WriteRequest
from pytest_s3sse._internal.s3.records import NULL, Deleted, StoredObject
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response
from pytest_s3sse._internal.s3.rest.operation_keys import OperationKeys
from pytest_s3sse._internal.s3.rest.tagging import authorize_tags

MAX_DELETE_KEYS = 1000
DIRECTORY_BUCKET_DELETE_CONDITIONS = ("x-amz-if-match-last-modified-time", "x-amz-if-match-size")


def version_param(request: HttpRequest) -> str | None:
    """The ``versionId`` a request names (None: none; one dict read only when there is a query)."""
    return request.params.get("versionId") if request.query else None


def write_response_headers(obj: StoredObject, request: HttpRequest) -> dict[str, str]:
    """ETag, checksum and encryption headers of a write (and the requester's KMS context), and the
    new version's id on a versioned bucket (I4, A: none while unversioned or suspended)."""
    out = {"etag": obj.quoted_etag}
    if obj.version_id != NULL:
        out["x-amz-version-id"] = obj.version_id
    if obj.checksum is not None:
        out[obj.checksum.algorithm.header] = obj.checksum.value
        out["x-amz-checksum-type"] = obj.checksum.type
    out.update(hdr.encryption_headers(obj, request))
    out.update(hdr.context_echo(obj, request))
    return out


def store_object(call: Call, services: Services, *, content_md5: str | None) -> StoredObject:
    """The write of PutObject and of a POST form lifted onto its request (``post_object.py``): the
    headers read into a typed request, the tags' own action asked, the object stored and noted."""
    request = call.request
    hdr.check_write_headers(request)
    hdr.check_body_framing(request)
    write = WriteRequest(
        bucket=call.bucket,
        key=call.key,
        attributes=hdr.attributes(request),
        sse=hdr.sse_headers(request),
        content_md5=content_md5,
        checksum_algorithm=hdr.checksum_algorithm(request),
        checksum_claims=lambda: hdr.checksum_claims(request),
        conditions=hdr.conditions(request),
        context=call.context,
    )
    if write.attributes.tags:
        authorize_tags(call, services, write.attributes.tags, OperationKeys(call, services))
    obj = services.objects.put(write, request.body)
    call.note(encryption=obj.encryption, bytes_in=obj.size)
    return obj


class ObjectOps:
    """Handlers for object-level requests."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def put_object(self, call: Call) -> HttpResponse:
        request = call.request
        obj = store_object(call, self.s, content_md5=request.headers.get("content-md5"))
        return empty_response(headers=write_response_headers(obj, request))

    def _read(self, call: Call, *, with_body: bool) -> tuple[ReadResult, dict[str, str]]:
        request = call.request
        part = hdr.part_number(call.request)
        if part is not None and "range" in request.headers:
            # A, LocalStack snapshot test_get_object_part/part-with-range.
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        checksum_mode = request.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED"
        read = ReadRequest(
            bucket=call.bucket,
            key=call.key,
            sse=hdr.sse_headers(request),
            conditions=hdr.conditions(request),
            range=None if part is not None else request.headers.get("range"),
            context=call.context,
            checksum_mode=checksum_mode,
            version_id=version_param(request),
            method=request.method,
        )
        if part is not None:
            obj = self.s.objects.readable(
                call.bucket, call.key, call.context, read.version_id, read.method
            )
            if part > obj.parts_count:
                raise InvalidPartNumber(
                    extra={
                        "PartNumberRequested": str(part),
                        "ActualPartCount": str(obj.parts_count),
                    }
                )
            start = sum(p.size for p in obj.parts[: part - 1])
            stop = start + obj.parts[part - 1].size
            read = replace(read, range=f"bytes={start}-{stop - 1}") if obj.size else read
        try:
            result = self.s.objects.read(read, with_body=with_body)
        except NotModified as err:
            # A 304 names the object it did not send (A, peer suite verified against AWS: issue 11).
            if err.etag is not None:
                err.headers["etag"] = f'"{err.etag}"'
            if err.last_modified is not None:
                err.headers["last-modified"] = xmlio.http_date(err.last_modified)
            raise
        headers = hdr.object_headers(
            result.obj, checksum_mode=checksum_mode and not result.partial, request=request
        )
        headers["content-length"] = str(result.length)
        obj = result.obj
        if obj.version_id != NULL:
            headers["x-amz-version-id"] = obj.version_id
        else:  # I4 (A): a null version says so once the bucket has a versioning state
            bucket = self.s.objects.store.find_bucket(obj.bucket)
            if bucket is not None and bucket.versioning is not None:
                headers["x-amz-version-id"] = NULL
        if result.partial:
            headers["content-range"] = ranges.content_range(
                result.start, result.stop, result.obj.size
            )
        if part is not None:
            headers["x-amz-mp-parts-count"] = str(result.obj.parts_count)
        return result, headers

    def get_object(self, call: Call) -> HttpResponse:
        result, headers = self._read(call, with_body=True)
        call.note(bytes_out=result.length)
        for name in ("response-content-type", "response-content-language", "response-expires",
                     "response-cache-control", "response-content-disposition",
                     "response-content-encoding"):  # fmt: skip
            value = call.request.params.get(name) if call.request.query else None
            if value is not None:
                headers[name[len("response-") :]] = value
        status = 206 if result.partial else 200
        return HttpResponse(status, headers, result.body)

    def head_object(self, call: Call) -> HttpResponse:
        result, headers = self._read(call, with_body=False)
        return HttpResponse(206 if result.partial else 200, headers, b"")

    def delete_object(self, call: Call) -> HttpResponse:
        h = call.request.headers
        for name in DIRECTORY_BUCKET_DELETE_CONDITIONS:
            if name in h:
                # A: directory buckets only; on a general-purpose bucket 501 naming the header
                # (LocalStack snapshot test_delete_object_if_match_all_non_express; s3-errors.md 5c).
                raise NotImplementedS3.header(name)
        done = self.s.objects.delete(
            call.bucket,
            call.key,
            if_match=h.get("if-match"),
            version_id=version_param(call.request),
        )
        # D1, D2, D8, D9 (A): the version made or removed, and whether it is a delete marker.
        headers = {}
        if done.delete_marker:
            headers["x-amz-delete-marker"] = "true"
        if done.version_id is not None:
            headers["x-amz-version-id"] = done.version_id
        return empty_response(204, headers)

    def delete_objects(self, call: Call) -> HttpResponse:
        self.s.buckets.get(call.bucket)
        root = xmlio.parse(call.request.read_body())
        if root.tag != "Delete":
            raise MalformedXML
        quiet = (xmlio.child_text(root, "Quiet") or "").strip().lower() == "true"
        entries = root.findall("Object")
        if not entries or len(entries) > MAX_DELETE_KEYS:
            raise MalformedXML
        keys = [
            (key, xmlio.child_text(entry, "VersionId"))
            for entry in entries
            if (key := xmlio.child_text(entry, "Key")) is not None
        ]
        if len(keys) != len(entries):
            raise MalformedXML  # the whole document is checked before anything is deleted
        deleted, errors = [], []
        for key, version_id, done in self.s.objects.delete_many(call.bucket, keys, call.context):
            if isinstance(done, Deleted):
                # D12 (A): a delete marker made or removed says so, with its id.
                pairs: list[tuple[str, object | None]] = [("Key", key), ("VersionId", version_id)]
                if done.delete_marker:
                    pairs += [("DeleteMarker", "true"), ("DeleteMarkerVersionId", done.version_id)]
                deleted.append(xmlio.elements(pairs))
            else:
                pairs = [("Key", key), ("VersionId", version_id)]
                pairs += [("Code", done.code), ("Message", done.message)]
                errors.append(xmlio.elements(pairs))
        inner = "" if quiet else "".join(f"<Deleted>{d}</Deleted>" for d in deleted)
        inner += "".join(f"<Error>{e}</Error>" for e in errors)
        return xml_response(xmlio.document("DeleteResult", inner))

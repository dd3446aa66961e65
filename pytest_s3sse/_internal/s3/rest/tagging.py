"""Protocol edge: object and bucket tagging (Put/Get/DeleteObjectTagging, Put/Get/DeleteBucketTagging)
and the ``x-amz-tagging`` header of PutObject, CopyObject and CreateMultipartUpload.

The request and response are one document (P: API reference, Tagging, TagSet, Tag):
``<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>``. The rules are
:mod:`pytest_s3sse._internal.s3.tagging`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote_plus
from xml.etree.ElementTree import Element

from pytest_s3sse._internal.errors.s3 import InvalidArgument, MalformedXML, NoSuchTagSet
from pytest_s3sse._internal.http import HttpResponse
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.s3.records import Tags
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response
from pytest_s3sse._internal.s3.tagging import (
    BUCKET_TAG_LIMIT,
    OBJECT_TAG_LIMIT,
    TaggingService,
    check_tags,
)

HEADER = "x-amz-tagging"
PUT_OBJECT_TAGGING = "s3:PutObjectTagging"
DIRECTIVE_HEADER = "x-amz-tagging-directive"
# A (LocalStack snapshot test_object_tagging_exc/put-obj-wrong-format, /put-obj-duplicate-tagging).
MSG_HEADER_FORMAT = (
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
    "without tag name duplicates."
)
# T (S3 clones; not recorded against AWS): s3-errors.md section 11.
MSG_UNKNOWN_DIRECTIVE = "Unknown tagging directive."


def header_tags(value: str) -> Tags:
    """The tags an ``x-amz-tagging`` header carries: URL query parameters, ``+`` a space (form
    encoding), a key without ``=`` holding the empty value (S: ceph s3-tests test_put_obj_with_tags).
    A raw ``=`` inside a value, or a key twice, is 400 InvalidArgument (A); the tag rules follow."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for piece in value.split("&"):
        if not piece:
            continue
        raw_key, _, raw_value = piece.partition("=")
        key, tag_value = unquote_plus(raw_key), unquote_plus(raw_value)
        if "=" in raw_value or key in seen:
            raise InvalidArgument(MSG_HEADER_FORMAT, HEADER, value)
        seen.add(key)
        pairs.append((key, tag_value))
    return check_tags(pairs)


def authorize_tags(
    call: Call, services: Services, tags: Tags, keys: Mapping[str, RequestValue]
) -> None:
    """A write that sets tags (``x-amz-tagging`` on PutObject or CreateMultipartUpload) also needs
    s3:PutObjectTagging on the object, with the request's condition keys (P: S3 user guide "Tagging
    and access control policies"; S: khengsaurus/nm-blog, a PutObject with ``x-amz-tagging`` that
    LocalStack accepted answered 403 on AWS). Asked after the gate's s3:PutObject (U for the order)."""
    if tags:
        access = services.access
        resource = access.resource(call.bucket, call.key, call.context.region)
        access.check(call.context, PUT_OBJECT_TAGGING, resource, keys)


def tagging_directive_replaces(value: str | None) -> bool:
    """``x-amz-tagging-directive``: COPY (the default, P: CopyObject API reference) keeps the source's
    tags, REPLACE takes the request's ``x-amz-tagging``; anything else is 400 InvalidArgument (T)."""
    if value is None or value == "COPY":
        return False
    if value == "REPLACE":
        return True
    raise InvalidArgument(MSG_UNKNOWN_DIRECTIVE, DIRECTIVE_HEADER, value)


def document_tags(body: bytes, *, limit: int) -> Tags:
    """The tags of a ``Tagging`` document; MalformedXML when it is not one (P: ``Tagging``,
    ``TagSet``, ``Key`` and ``Value`` are required)."""
    root = xmlio.parse(body)
    tag_set = root.find("TagSet")
    if root.tag != "Tagging" or tag_set is None:
        raise MalformedXML
    return tag_list(tag_set, limit=limit)


def tag_list(node: Element, *, limit: int) -> Tags:
    """The ``<Tag><Key/><Value/></Tag>`` children of ``node`` (a ``TagSet``, CreateBucket's
    ``Tags``), checked by the tag rules; MalformedXML for anything else."""
    pairs: list[tuple[str, str]] = []
    for tag in node:
        key, value = xmlio.child_text(tag, "Key"), xmlio.child_text(tag, "Value")
        if tag.tag != "Tag" or key is None or value is None:
            raise MalformedXML
        pairs.append((key, value))
    return check_tags(pairs, limit=limit)


def tagging_document(tags: Tags) -> bytes:
    """The ``Tagging`` document GetObjectTagging and GetBucketTagging answer."""
    inner = "".join(
        f"<Tag>{xmlio.element('Key', key)}{xmlio.element('Value', value)}</Tag>"
        for key, value in tags
    )
    return xmlio.document("Tagging", f"<TagSet>{inner}</TagSet>")


def _version_header(version_id: str) -> dict[str, str]:
    """``x-amz-version-id`` of a versioned object (an unversioned one's ``null`` is not sent, U)."""
    return {} if version_id == "null" else {"x-amz-version-id": version_id}


class TaggingOps:
    """Handlers for the tagging sub-resources."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self.tagging = TaggingService(services.objects.store)

    def _version_id(self, call: Call) -> str | None:
        return call.request.params.get("versionId") if call.request.query else None

    def put_object_tagging(self, call: Call) -> HttpResponse:
        tags = document_tags(call.request.read_body(), limit=OBJECT_TAG_LIMIT)
        obj = self.tagging.set_object_tags(
            call.bucket, call.key, tags, self._version_id(call), call.request.method
        )
        call.note(tags=len(tags))
        return empty_response(headers=_version_header(obj.version_id))

    def get_object_tagging(self, call: Call) -> HttpResponse:
        obj = self.tagging.object_tags(
            call.bucket, call.key, self._version_id(call), call.request.method
        )
        return xml_response(
            tagging_document(obj.attributes.tags), headers=_version_header(obj.version_id)
        )

    def delete_object_tagging(self, call: Call) -> HttpResponse:
        obj = self.tagging.set_object_tags(
            call.bucket, call.key, (), self._version_id(call), call.request.method
        )
        return empty_response(204, headers=_version_header(obj.version_id))

    def put_bucket_tagging(self, call: Call) -> HttpResponse:
        self.s.buckets.get(call.bucket)
        tags = document_tags(call.request.read_body(), limit=BUCKET_TAG_LIMIT)
        self.tagging.set_bucket_tags(call.bucket, tags)
        return empty_response(204)

    def get_bucket_tagging(self, call: Call) -> HttpResponse:
        tags = self.tagging.bucket_tags(call.bucket)
        if tags is None:
            raise NoSuchTagSet(call.bucket)
        return xml_response(tagging_document(tags))

    def delete_bucket_tagging(self, call: Call) -> HttpResponse:
        self.tagging.set_bucket_tags(call.bucket, None)
        return empty_response(204)

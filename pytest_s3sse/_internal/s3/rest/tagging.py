"""Protocol edge: object and bucket tagging (Put/Get/DeleteObjectTagging, Put/Get/DeleteBucketTagging)
and the ``x-amz-tagging`` header of PutObject, CopyObject and CreateMultipartUpload.

The request and response are one document (P: API reference, Tagging, TagSet, Tag):
``<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>``. The rules are
:mod:`pytest_s3sse._internal.s3.tagging`'s.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_s3sse._internal.errors.s3 import NoSuchTagSet
from pytest_s3sse._internal.http import HttpResponse
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.s3.records import Tags
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response
from pytest_s3sse._internal.s3.rest.tag_wire import document_tags, tagging_document
from pytest_s3sse._internal.s3.tagging import (
    BUCKET_TAG_LIMIT,
    OBJECT_TAG_LIMIT,
    TaggingService,
)

PUT_OBJECT_TAGGING = "s3:PutObjectTagging"


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

"""Protocol edge: PostObject, the POST form upload (``generate_presigned_post`` and browser forms).

The form was read and lifted by :mod:`~pytest_s3sse._internal.s3.rest.post_form` and its policy
checked (:mod:`~pytest_s3sse._internal.s3.rest.post_policy`) before the gate asked ``s3:PutObject``
with the same condition keys a PutObject carries. This handler writes the object through the same
domain path as PutObject (the SSE fields planned and validated as the PutObject headers are, Content-Type,
``x-amz-meta-*``, tags, checksums, versioning) and answers as S3 does (P, RESTObjectPOST):

- ``success_action_redirect`` (or the older ``redirect``) naming an absolute http(s) URL: 303 to it
  with ``bucket``, ``key`` and ``etag`` appended to its query; a URL S3 cannot interpret is ignored
  (A: LocalStack test_s3_presigned_post_success_action_redirect);
- else ``success_action_status`` 200 or 204: an empty answer; 201: the ``PostResponse`` document
  (``Location``, ``Bucket``, ``Key``, ``ETag``); absent or any other value: 204 (P).

Every answer carries the object's ETag, ``Location``, the SSE, checksum and version headers of a
PutObject. A request that is a bucket POST but no form is 412 PreconditionFailed (A: LocalStack
snapshot test_post_object_with_wrong_content_type).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from pytest_s3sse._internal.errors.s3 import PreconditionFailed
from pytest_s3sse._internal.http import HttpResponse
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response
from pytest_s3sse._internal.s3.rest.objects import store_object, write_response_headers

NOT_A_FORM = "Bucket POST must be of the enclosure-type multipart/form-data"  # A (module docstring)
STATUSES = {"200": 200, "201": 201, "204": 204}


def redirect_url(value: str | None) -> str | None:
    """The redirect target, when ``value`` is an absolute http(s) URL S3 can interpret."""
    if not value:
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None


class PostOps:
    """The PostObject handler."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def post_object(self, call: Call) -> HttpResponse:
        form = call.form
        if form is None:
            raise PreconditionFailed(NOT_A_FORM)
        request = call.request
        obj = store_object(call, self.s, content_md5=None)
        headers = write_response_headers(obj, request)
        location = f"{request.scheme}://{request.host}{request.path}"
        headers["location"] = location
        fields = form.fields
        target = redirect_url(fields.get("success_action_redirect") or fields.get("redirect"))
        if target is not None:
            query = urlencode({"bucket": call.bucket, "key": call.key, "etag": obj.quoted_etag})
            headers["location"] = f"{target}{'&' if urlsplit(target).query else '?'}{query}"
            return empty_response(303, headers)
        status = STATUSES.get(fields.get("success_action_status", ""), 204)
        if status != 201:
            return empty_response(status, headers)
        body = xmlio.document(
            "PostResponse",
            xmlio.elements(
                [
                    ("Location", location),
                    ("Bucket", call.bucket),
                    ("Key", call.key),
                    ("ETag", obj.quoted_etag),
                ]
            ),
        )
        return xml_response(body, 201, headers)

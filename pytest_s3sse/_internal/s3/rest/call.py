"""Protocol edge: what every S3 handler receives (the routed :class:`Call`), the services it may use,
and the response helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors.s3 import InvalidRequest
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.s3.access import S3Access
from pytest_s3sse._internal.s3.buckets import BucketService
from pytest_s3sse._internal.s3.multipart import MultipartService
from pytest_s3sse._internal.s3.objects import ObjectService
from pytest_s3sse._internal.s3.rest.routing import Target

if TYPE_CHECKING:  # post_form imports the tagging edge, which imports this module
    from pytest_s3sse._internal.s3.rest.post_form import PostForm

XML = "application/xml"


@dataclass(frozen=True, slots=True)
class Services:
    """The domain services an S3 handler may use."""

    buckets: BucketService
    objects: ObjectService
    clock: Clock
    entropy: Entropy
    multipart: MultipartService
    access: S3Access


@dataclass(slots=True)
class Call:
    """One S3 request, routed: which operation, for which bucket and key, in which context.

    ``facts`` is where a handler leaves what the domain did that the record of the request needs and
    the response does not say (the encryption applied, bytes transferred): the edge records them with
    the request (:meth:`note`). ``form`` is a POST form upload's form (PostObject), read before the
    caller was identified (``s3/rest/post_form.py``); ``request`` is then the request lifted from it.
    """

    request: HttpRequest
    target: Target
    context: RequestContext
    operation: str
    facts: dict[str, object] = field(default_factory=dict)
    form: PostForm | None = None

    @property
    def region(self) -> str:
        """The region the request was sent to."""
        return self.context.region

    @property
    def request_id(self) -> str:
        """S3's ``x-amz-request-id`` of this request."""
        return self.context.request_id

    def note(self, **facts: object) -> None:
        """Record domain facts for the request's record (see :mod:`pytest_s3sse._internal.audit`)."""
        self.facts.update(facts)

    @property
    def bucket(self) -> str:
        """The addressed bucket (routing guarantees one for bucket and object operations)."""
        if self.target.bucket is None:
            raise InvalidRequest("A bucket name is required for this operation")
        return self.target.bucket

    @property
    def key(self) -> str:
        """The addressed key (routing guarantees one for object operations)."""
        if self.target.key is None:
            raise InvalidRequest("A key is required for this operation")
        return self.target.key


Handler = Callable[[Call], HttpResponse]


def xml_response(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """A response with an XML body."""
    out = {"content-type": XML, "content-length": str(len(body))}
    if headers:
        out.update(headers)
    return HttpResponse(status, out, body)


def empty_response(status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    """A response with no body."""
    out = {"content-length": "0"}
    if headers:
        out.update(headers)
    return HttpResponse(status, out, b"")

"""Protocol edge: what every S3 handler receives, and the response helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_s3sse.clock import Clock
from pytest_s3sse.entropy import Entropy
from pytest_s3sse.errors.s3 import InvalidRequest
from pytest_s3sse.http import HttpRequest, HttpResponse
from pytest_s3sse.s3.buckets import BucketService
from pytest_s3sse.s3.multipart import MultipartService
from pytest_s3sse.s3.objects import ObjectService
from pytest_s3sse.s3.rest.routing import Target
from pytest_s3sse.types import Principal

XML = "application/xml"


@dataclass(frozen=True, slots=True)
class Services:
    """The domain services an S3 handler may use."""

    buckets: BucketService
    objects: ObjectService
    clock: Clock
    entropy: Entropy
    multipart: MultipartService


@dataclass(frozen=True, slots=True)
class Call:
    """One S3 request, routed: who sent it, to which region, for which bucket and key."""

    request: HttpRequest
    target: Target
    region: str
    principal: Principal
    request_id: str

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

"""Protocol edge: which bucket, key and operation an HTTP request addresses.

Both addressing styles: virtual-hosted (``bucket.s3.region.amazonaws.com/key``) and path-style
(``s3.region.amazonaws.com/bucket/key``, and every custom ``endpoint_url``). On a custom host a request is
virtual-hosted only when its host is ``bucket.localhost`` or ``bucket.s3.<anything>``, since botocore
sends custom endpoints path-style unless told otherwise.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.sigv4 import credential_scope

_S3_LABEL = re.compile(r"^s3(-[a-z0-9-]+)?$")
_REGION_LABEL = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")

# Sub-resources: a query parameter that turns a request into another operation.
BUCKET_SUBRESOURCES = frozenset(
    {
        "accelerate", "acl", "analytics", "cors", "delete", "encryption", "intelligent-tiering",
        "inventory", "lifecycle", "location", "logging", "metadataConfiguration",
        "metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy",
        "policyStatus", "publicAccessBlock", "replication", "requestPayment", "session",
        "tagging", "uploads", "versioning", "versions", "website",
    }
)  # fmt: skip
OBJECT_SUBRESOURCES = frozenset(
    {
        "acl", "attributes", "legal-hold", "renameObject", "restore", "retention", "select",
        "tagging", "torrent", "uploadId", "uploads",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Target:
    """What a request addresses: bucket (or None for the service), key (or None for the bucket)."""

    bucket: str | None
    key: str | None
    subresource: str | None


@functools.lru_cache(maxsize=1024)
def _virtual_bucket(host: str) -> str | None:
    """The bucket a virtual-hosted request names in its host (cached: a test run uses few hosts, and
    every request asks)."""
    labels = host.split(":", 1)[0].split(".")
    if labels[-2:] == ["amazonaws", "com"] or labels[-3:-1] == ["amazonaws", "com"]:
        s3_at = [i for i, label in enumerate(labels) if _S3_LABEL.match(label)]
        if s3_at and s3_at[-1] > 0:
            return ".".join(labels[: s3_at[-1]])
        return None
    if len(labels) >= 2 and labels[1:] == ["localhost"]:
        return labels[0]
    if len(labels) >= 3 and labels[1] == "s3":
        return labels[0]
    return None


def target(request: HttpRequest) -> Target:
    """The bucket, key and sub-resource of ``request``."""
    path = request.path or "/"
    bucket = _virtual_bucket(request.host)
    if bucket is None:
        rest = path[1:]
        if not rest:
            return Target(None, None, _subresource(request, BUCKET_SUBRESOURCES))
        name, slash, key_part = rest.partition("/")
        bucket = unquote(name)
        key = unquote(key_part) if slash and key_part else None
    else:
        key = unquote(path[1:]) if len(path) > 1 else None
    subs = OBJECT_SUBRESOURCES if key is not None else BUCKET_SUBRESOURCES
    return Target(bucket, key, _subresource(request, subs))


def _subresource(request: HttpRequest, names: frozenset[str]) -> str | None:
    if not request.query:
        return None
    for name in request.params:
        if name in names:
            return name
    return None


def access_key_id(request: HttpRequest) -> str | None:
    """The caller's access key id (SigV4, SigV2 header or presigned query), if any."""
    scope = credential_scope(request)
    if scope is not None:
        return scope[0]
    auth = request.headers.get("authorization", "")
    if auth.startswith("AWS "):
        return auth[4:].split(":", 1)[0]
    return request.params.get("AWSAccessKeyId") if request.query else None


def caller(request: HttpRequest, default_region: str) -> tuple[str | None, str]:
    """:func:`access_key_id` and :func:`region_of` at once, reading the credential scope once."""
    scope = credential_scope(request)
    if scope is not None:
        return scope[0], scope[1]
    return access_key_id(request), region_of(request, default_region)


def region_of(request: HttpRequest, default: str) -> str:
    """The region the request was sent to (signing scope, else host, else ``default``)."""
    scope = credential_scope(request)
    if scope is not None:
        return scope[1]
    for label in request.host.split(":", 1)[0].split("."):
        if _REGION_LABEL.match(label):
            return label
        if label.startswith("s3-") and _REGION_LABEL.match(label[3:]):
            return label[3:]
    return default

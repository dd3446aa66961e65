"""Protocol edge: bucket policies and Block Public Access (Put/Get/DeleteBucketPolicy,
GetBucketPolicyStatus, Put/Get/DeletePublicAccessBlock).

Who may call them is the gate's (``s3/access.py``: E15's owner-only rule and lock-out recovery); what
a policy may say and when it is public is the domain's (``s3/buckets.py``, ``s3/bucket_policy.py``).
Both writes carry a body whose Content-MD5 or ``x-amz-checksum-*`` (the model marks them
``requestChecksumRequired``) is checked against it when sent (BadDigest).
"""

from __future__ import annotations

import hashlib
from xml.etree.ElementTree import Element

from pytest_s3sse._internal.errors.s3 import (
    InvalidRequest,
    MalformedPolicy,
    MalformedXML,
    PolicyTooLarge,
    S3Error,
)
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.policy.document import INVALID_JSON
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.s3.bucket_policy import PublicAccessBlock
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response

# A policy over 20 KB is refused once parsed (M16); a body far beyond that is not read whole.
MAX_POLICY_BODY = 1024 * 1024
# T (moto's InvalidPublicAccessBlockConfiguration, also for the account level); U on AWS.
MSG_NO_CONFIGURATION = "Must specify at least one configuration."
_FLAGS = (
    ("BlockPublicAcls", "block_public_acls"),
    ("IgnorePublicAcls", "ignore_public_acls"),
    ("BlockPublicPolicy", "block_public_policy"),
    ("RestrictPublicBuckets", "restrict_public_buckets"),
)


def checked_body(
    request: HttpRequest, limit: int, *, too_large: type[S3Error] = PolicyTooLarge
) -> bytes:
    """The body (at most ``limit`` bytes: ``too_large`` beyond), checked against the Content-MD5
    (InvalidDigest, BadDigest) and ``x-amz-checksum-*`` values sent with it (BadDigest)."""
    body = request.body.read(limit + 1)
    if len(body) > limit:
        raise too_large
    claimed_md5 = checksums.parse_content_md5(request.headers.get("content-md5"))
    if claimed_md5 is not None:
        actual = hashlib.md5(body).digest()  # noqa: S324 - S3's Content-MD5, an integrity check
        checksums.check_md5(claimed_md5, actual, request.headers.get("content-md5"))
    claims = checksums.parse_claims(hdr.checksum_claims(request))
    for algorithm, claimed in claims.items():
        hasher = checksums.new_hasher(algorithm)
        hasher.update(body)
        checksums.check_claim(algorithm, claimed, hasher.digest())
    return body


def _flag(root: Element, name: str) -> bool:
    value = xmlio.child_text(root, name)
    if value is None:
        return False
    value = value.strip().lower()
    if value not in ("true", "false"):
        raise MalformedXML
    return value == "true"


class PolicyOps:
    """Handlers for bucket policies and Block Public Access."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def put_bucket_policy(self, call: Call) -> HttpResponse:
        self.s.buckets.get(call.bucket)  # NoSuchBucket before the document
        body = checked_body(call.request, MAX_POLICY_BODY)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedPolicy(INVALID_JSON) from None  # M13 (U)
        self.s.buckets.put_policy(call.bucket, text, requester_arn=call.context.principal.arn)
        call.note(policy=text)  # the trail's requestParameters.bucketPolicy (M4)
        return empty_response(204)  # P: PutBucketPolicy's sample response is 204 No Content

    def get_bucket_policy(self, call: Call) -> HttpResponse:
        body = self.s.buckets.get_policy(call.bucket).text.encode()
        headers = {"content-type": "application/json", "content-length": str(len(body))}
        return HttpResponse(200, headers, body)

    def delete_bucket_policy(self, call: Call) -> HttpResponse:
        self.s.buckets.delete_policy(call.bucket)
        return empty_response(204)

    def get_bucket_policy_status(self, call: Call) -> HttpResponse:
        # Without a policy: NoSuchBucketPolicy, as GetBucketPolicy (S: captures of the CLI's answer).
        self.s.buckets.get_policy(call.bucket)
        public = self.s.buckets.policy_is_public(call.bucket)
        inner = xmlio.element("IsPublic", public)
        return xml_response(xmlio.document("PolicyStatus", inner))

    def put_public_access_block(self, call: Call) -> HttpResponse:
        self.s.buckets.get(call.bucket)
        root = xmlio.parse(checked_body(call.request, MAX_POLICY_BODY))
        if root.tag != "PublicAccessBlockConfiguration":
            raise MalformedXML
        if all(root.find(name) is None for name, _ in _FLAGS):
            raise InvalidRequest(MSG_NO_CONFIGURATION)
        config = PublicAccessBlock(**{attr: _flag(root, name) for name, attr in _FLAGS})
        self.s.buckets.put_public_access_block(call.bucket, config)
        return empty_response()

    def get_public_access_block(self, call: Call) -> HttpResponse:
        config = self.s.buckets.get_public_access_block(call.bucket)
        inner = xmlio.elements((name, getattr(config, attr)) for name, attr in _FLAGS)
        return xml_response(xmlio.document("PublicAccessBlockConfiguration", inner))

    def delete_public_access_block(self, call: Call) -> HttpResponse:
        self.s.buckets.delete_public_access_block(call.bucket)
        return empty_response(204)

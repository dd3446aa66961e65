"""Protocol edge: the S3 REST API. HTTP request in, routed to a handler, HTTP response out.

Errors raised anywhere below are rendered here, once, as S3 XML error documents (HEAD responses carry
no body, as on S3). Operations that pytest-s3sse does not implement answer 501 NotImplemented naming the
operation, never a fake success.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable

from pytest_s3sse._internal.audit import (
    LOGGED_ECHO,
    LOGGED_SENT,
    NO_FACTS,
    EventStream,
    Exchanges,
    RequestRecord,
    S3Exchange,
    logged_headers,
)
from pytest_s3sse._internal.context import Identify
from pytest_s3sse._internal.errors import AwsError
from pytest_s3sse._internal.errors.s3 import (
    MethodNotAllowed,
    NotImplementedS3,
    NotModified,
    PreconditionFailed,
)
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest import post_form, post_policy, presign, routing, xmlio
from pytest_s3sse._internal.s3.rest.attributes import AttributesOps
from pytest_s3sse._internal.s3.rest.buckets import BucketOps
from pytest_s3sse._internal.s3.rest.call import XML, Call, Handler, Services, empty_response
from pytest_s3sse._internal.s3.rest.copying import CopyOps
from pytest_s3sse._internal.s3.rest.listing import ListOps
from pytest_s3sse._internal.s3.rest.multipart import MultipartOps
from pytest_s3sse._internal.s3.rest.objects import ObjectOps
from pytest_s3sse._internal.s3.rest.operation_keys import EXPECTED_OWNER, OperationKeys
from pytest_s3sse._internal.s3.rest.policies import PolicyOps
from pytest_s3sse._internal.s3.rest.post_object import NOT_A_FORM, PostOps
from pytest_s3sse._internal.s3.rest.replication import ReplicationOps
from pytest_s3sse._internal.s3.rest.tagging import TaggingOps
from pytest_s3sse._internal.s3.rest.versioning import VersioningOps
from pytest_s3sse._internal.sse.kms import check_transport

# (level, method, sub-resource) -> operation name, for routes and for naming what answers 501.
# level: "service", "bucket" or "object".
OPERATIONS: dict[tuple[str, str, str | None], str] = {
    ("service", "GET", None): "ListBuckets",
    ("bucket", "PUT", None): "CreateBucket",
    ("bucket", "HEAD", None): "HeadBucket",
    ("bucket", "DELETE", None): "DeleteBucket",
    ("bucket", "GET", None): "ListObjects",
    ("bucket", "GET", "location"): "GetBucketLocation",
    ("bucket", "GET", "uploads"): "ListMultipartUploads",
    ("bucket", "POST", "delete"): "DeleteObjects",
    ("bucket", "GET", "versions"): "ListObjectVersions",
    ("bucket", "GET", "policyStatus"): "GetBucketPolicyStatus",
    ("bucket", "GET", "lifecycle"): "GetBucketLifecycleConfiguration",
    ("bucket", "PUT", "lifecycle"): "PutBucketLifecycleConfiguration",
    ("bucket", "DELETE", "lifecycle"): "DeleteBucketLifecycle",
    ("bucket", "GET", "notification"): "GetBucketNotificationConfiguration",
    ("bucket", "PUT", "notification"): "PutBucketNotificationConfiguration",
    ("bucket", "GET", "publicAccessBlock"): "GetPublicAccessBlock",
    ("bucket", "PUT", "publicAccessBlock"): "PutPublicAccessBlock",
    ("bucket", "DELETE", "publicAccessBlock"): "DeletePublicAccessBlock",
    ("bucket", "GET", "object-lock"): "GetObjectLockConfiguration",
    ("bucket", "PUT", "object-lock"): "PutObjectLockConfiguration",
    ("bucket", "GET", "accelerate"): "GetBucketAccelerateConfiguration",
    ("bucket", "PUT", "accelerate"): "PutBucketAccelerateConfiguration",
    ("bucket", "GET", "ownershipControls"): "GetBucketOwnershipControls",
    ("bucket", "PUT", "ownershipControls"): "PutBucketOwnershipControls",
    ("bucket", "DELETE", "ownershipControls"): "DeleteBucketOwnershipControls",
    ("bucket", "GET", "session"): "CreateSession",
    ("object", "PUT", None): "PutObject",
    ("object", "GET", None): "GetObject",
    ("object", "HEAD", None): "HeadObject",
    ("object", "DELETE", None): "DeleteObject",
    ("object", "POST", "uploads"): "CreateMultipartUpload",
    ("object", "POST", "uploadId"): "CompleteMultipartUpload",
    ("object", "PUT", "uploadId"): "UploadPart",
    ("object", "GET", "uploadId"): "ListParts",
    ("object", "DELETE", "uploadId"): "AbortMultipartUpload",
    ("object", "GET", "attributes"): "GetObjectAttributes",
    ("object", "POST", "restore"): "RestoreObject",
    ("object", "POST", "select"): "SelectObjectContent",
    ("object", "GET", "torrent"): "GetObjectTorrent",
    ("object", "PUT", "renameObject"): "RenameObject",
}
# Sub-resources whose operations follow the Get/Put/Delete<Thing> pattern.
_NAMED = {
    ("bucket", "acl"): "BucketAcl",
    ("bucket", "cors"): "BucketCors",
    ("bucket", "encryption"): "BucketEncryption",
    ("bucket", "logging"): "BucketLogging",
    ("bucket", "policy"): "BucketPolicy",
    ("bucket", "replication"): "BucketReplication",
    ("bucket", "requestPayment"): "BucketRequestPayment",
    ("bucket", "tagging"): "BucketTagging",
    ("bucket", "versioning"): "BucketVersioning",
    ("bucket", "website"): "BucketWebsite",
    ("bucket", "analytics"): "BucketAnalyticsConfiguration",
    ("bucket", "inventory"): "BucketInventoryConfiguration",
    ("bucket", "metrics"): "BucketMetricsConfiguration",
    ("bucket", "intelligent-tiering"): "BucketIntelligentTieringConfiguration",
    ("bucket", "metadataTable"): "BucketMetadataTableConfiguration",
    ("bucket", "metadataConfiguration"): "BucketMetadataConfiguration",
    ("object", "acl"): "ObjectAcl",
    ("object", "tagging"): "ObjectTagging",
    ("object", "legal-hold"): "ObjectLegalHold",
    ("object", "retention"): "ObjectRetention",
}
_VERBS = {"GET": "Get", "PUT": "Put", "DELETE": "Delete"}


def operation_name(level: str, method: str, sub: str | None) -> str | None:
    """The S3 operation a (level, method, sub-resource) triple names, if it names one."""
    name = OPERATIONS.get((level, method, sub))
    if name is None and sub is not None and method in _VERBS and (level, sub) in _NAMED:
        name = _VERBS[method] + _NAMED[(level, sub)]
    return name


class S3Api:
    """Routes S3 requests through the gate to handlers, renders their results and errors, and
    records each request: route -> authorise -> handle -> render -> record."""

    def __init__(
        self,
        services: Services,
        *,
        default_region: str,
        identify: Identify,
        events: EventStream,
        authenticate: Callable[[HttpRequest], None] | None = None,
        exchanges: Exchanges | None = None,
    ) -> None:
        self.services = services
        # The trail's per-request details (None: the trail is off, nothing is copied per request).
        self.exchanges = exchanges
        # The engine's signature check (verify_signatures), None when signatures are not verified.
        self.authenticate = authenticate
        self.default_region = default_region
        self.identify = identify
        self.events = events
        buckets, objects = BucketOps(services), ObjectOps(services)
        multipart, listing = MultipartOps(services), ListOps(services)
        policies = PolicyOps(services)
        self.handlers: dict[str, Handler] = {
            "ListBuckets": buckets.list_buckets,
            "CreateBucket": buckets.create_bucket,
            "HeadBucket": buckets.head_bucket,
            "DeleteBucket": buckets.delete_bucket,
            "GetBucketLocation": buckets.get_bucket_location,
            "GetBucketEncryption": buckets.get_bucket_encryption,
            "PutBucketEncryption": buckets.put_bucket_encryption,
            "DeleteBucketEncryption": buckets.delete_bucket_encryption,
            "PutObject": objects.put_object,
            "GetObject": objects.get_object,
            "HeadObject": objects.head_object,
            "DeleteObject": objects.delete_object,
            "DeleteObjects": objects.delete_objects,
            "CreateMultipartUpload": multipart.create_multipart_upload,
            "UploadPart": multipart.upload_part,
            "UploadPartCopy": multipart.upload_part_copy,
            "CompleteMultipartUpload": multipart.complete_multipart_upload,
            "AbortMultipartUpload": multipart.abort_multipart_upload,
            "ListParts": multipart.list_parts,
            "ListMultipartUploads": multipart.list_multipart_uploads,
            "CopyObject": CopyOps(services).copy_object,
            "ListObjectsV2": listing.list_objects_v2,
            "ListObjects": listing.list_objects,
            "PutBucketPolicy": policies.put_bucket_policy,
            "GetBucketPolicy": policies.get_bucket_policy,
            "DeleteBucketPolicy": policies.delete_bucket_policy,
            "GetBucketPolicyStatus": policies.get_bucket_policy_status,
            "PutPublicAccessBlock": policies.put_public_access_block,
            "GetPublicAccessBlock": policies.get_public_access_block,
            "DeletePublicAccessBlock": policies.delete_public_access_block,
            **VersioningOps(services).handlers(),
            **ReplicationOps(services).handlers(),
        }
        tagging = TaggingOps(services)
        self.handlers |= {
            "PutObjectTagging": tagging.put_object_tagging,
            "GetObjectTagging": tagging.get_object_tagging,
            "DeleteObjectTagging": tagging.delete_object_tagging,
            "PutBucketTagging": tagging.put_bucket_tagging,
            "GetBucketTagging": tagging.get_bucket_tagging,
            "DeleteBucketTagging": tagging.delete_bucket_tagging,
            "GetObjectAttributes": AttributesOps(services).get_object_attributes,
            "PostObject": PostOps(services).post_object,
        }

    def resolve(self, request: HttpRequest, target: routing.Target) -> str:
        """The operation ``request`` asks for (raises for methods S3 does not allow)."""
        level = "service" if target.bucket is None else "bucket" if target.key is None else "object"
        method = request.method
        sub = target.subresource
        if (
            level == "bucket"
            and method == "GET"
            and sub is None
            and request.params.get("list-type") == "2"
        ):
            return "ListObjectsV2"
        if level == "bucket" and method == "POST" and sub is None:
            # A browser-form upload (generate_presigned_post); one that is no form is refused by
            # the handler (412, as S3).
            return "PostObject"
        if level == "object" and "x-amz-copy-source" in request.headers and method == "PUT":
            return "UploadPartCopy" if sub == "uploadId" else "CopyObject"
        name = operation_name(level, method, sub)
        if name is None:
            resource = {"service": "SERVICE", "bucket": "BUCKET", "object": "OBJECT"}[level]
            raise MethodNotAllowed(method, resource)
        return name

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one S3 request, and record it."""
        # One draw for both ids: 8 bytes of request id, 24 of host id.
        ids = self.services.entropy.bytes(32)
        request_id = ids[:8].hex().upper()
        form: post_form.PostForm | AwsError | None = None
        if request.method == "POST":  # one comparison for every other request
            request, form = self.read_form(request)
        context = self.identify(
            request, request_id=request_id, region=routing.region_of(request, self.default_region)
        )
        target: routing.Target | None = None
        call: Call | None = None
        error: AwsError | None = None
        try:
            if isinstance(form, AwsError):  # recorded as the PostObject it was
                target = routing.target(request)
                call = Call(request, target, context, "PostObject")
                raise form
            presign.authorize(request, self.services.clock)  # before anything else, as S3
            if self.authenticate is not None:
                self.authenticate(request)  # identify -> authenticate -> route -> authorise
            target = routing.target(request)
            name = self.resolve(request, target) if form is None else self.check_form(form, target)
            handler = self.handlers.get(name)
            if handler is None:
                raise NotImplementedS3.operation(name)
            call = Call(request, target, context, name, form=form)
            if form is None and name == "PostObject":
                raise PreconditionFailed(NOT_A_FORM)  # before the gate (A: see post_object.py)
            self.authorize(call)
            response = handler(call)
        except NotModified as err:
            response = empty_response(304, err.headers)
            del response.headers["content-length"]
        except AwsError as err:
            error = err
            response = self.render_error(err, request, request_id)
        headers = response.headers
        headers["x-amz-request-id"] = request_id
        headers["x-amz-id-2"] = binascii.b2a_base64(ids[8:], newline=False).decode()
        if "server" not in headers:
            headers["server"] = "AmazonS3"
        exchanges = self.exchanges
        if exchanges is not None:
            body = response.body
            exchanges.append(
                S3Exchange(
                    request_id,
                    request.host,
                    request.query,
                    logged_headers(request.headers, LOGGED_SENT),
                    logged_headers(headers, LOGGED_ECHO),
                    headers["x-amz-id-2"],
                    len(body) if isinstance(body, bytes) else 0,
                )
            )
        self.events.emit(
            RequestRecord(
                "s3",
                call.operation if call is not None else None,
                context,
                response.status,
                error.code if error is not None else None,
                error.message if error is not None else None,
                target.bucket if target is not None else None,
                target.key if target is not None else None,
                call.facts if call is not None and call.facts else NO_FACTS,
            )
        )
        return response

    @staticmethod
    def read_form(
        request: HttpRequest,
    ) -> tuple[HttpRequest, post_form.PostForm | AwsError | None]:
        """A POST form upload's form and the request lifted from it (the caller and the object's
        headers are in the form, so it is read before anything else); other requests as they are."""
        if not post_form.is_form_post(request):
            return request, None
        addressed = routing.target(request)
        if addressed.bucket is None or addressed.key is not None or addressed.subresource:
            return request, None  # a form only where PostObject is routed (resolve)
        form = post_form.read(request)
        return (form.request if isinstance(form, post_form.PostForm) else request), form

    def check_form(self, form: post_form.PostForm, target: routing.Target) -> str:
        """A POST form upload's policy, after its signature and before the gate (an unsigned form
        has none: the gate decides whether anonymous callers may write); its operation's name."""
        policy = form.policy
        if policy is not None and target.bucket is not None:
            post_policy.check(
                policy,
                form.fields,
                bucket=target.bucket,
                size=len(form.file),
                now=self.services.clock.now(),
            )
        return "PostObject"

    def authorize(self, call: Call) -> None:
        """The gate: may the caller perform the operation on its bucket and key?

        An anonymous request that asks for SSE-KMS is refused for its transport first (W14, W15: the
        reference lists anonymous requests among those S3 answers with W14; U for the order against
        the authorisation), so an unsigned SSE-KMS upload learns why it cannot work.

        The operation's condition keys (``s3:x-amz-server-side-encryption``, ``s3:prefix`` ...) are
        read from the request only if a policy's condition asks for one (:class:`OperationKeys`).
        Order of the checks that can refuse a write (one documented order; docs/errors.md): this
        gate (ExpectedBucketOwner, RestrictPublicBuckets, bucket, identity policies) first, then in
        the handler the bucket's SSE-C block (C9, April 2026), then the SSE headers themselves,
        then KMS's own authorisation of the key use (U: AWS documents no order; the block's text
        is itself an authorisation answer naming s3:PutObject, so it comes after the policies).
        """
        context = call.context
        request = call.request
        if context.anonymous and hdr.requests_kms(request):
            check_transport(context)
        target = call.target
        self.services.access.authorize_operation(
            context,
            call.operation,
            target.bucket,
            target.key,
            OperationKeys(call, self.services),
            expected_owner=request.headers.get(EXPECTED_OWNER),
            version_id=request.params.get("versionId") if request.query else None,
        )

    def render_error(self, err: AwsError, request: HttpRequest, request_id: str) -> HttpResponse:
        """An S3 error document (no body for HEAD, as S3 does)."""
        headers = dict(err.headers)
        if request.method == "HEAD":
            headers["content-length"] = "0"
            return HttpResponse(err.status, headers, b"")
        body = xmlio.error_document(err.code, err.message, err.extra, request_id, "s3sse")
        headers.update({"content-type": XML, "content-length": str(len(body))})
        return HttpResponse(err.status, headers, body)

"""Who may do what in S3: the action each operation needs, and the S3 side of the authorisation port.

Each S3 operation needs one IAM action on one resource (P: "Actions, resources, and condition keys for
Amazon S3", Service Authorization Reference; "Required permissions for Amazon S3 API operations", S3 user
guide): object operations on ``arn:aws:s3:::bucket/key``, bucket operations on ``arn:aws:s3:::bucket``,
ListBuckets on ``*``. The gate at the protocol edge asks for the request's own action
(:meth:`S3Access.authorize_operation`); the domain asks, through the same port, for the actions a request
needs beyond its own (:meth:`S3Access.check`): ``s3:GetObject`` on a copy source, ``s3:DeleteObject`` on
each key of a DeleteObjects. A denial is S3's 403 ``AccessDenied`` ``Access Denied`` (policy-behaviour.md
D6, A); detailed texts come with the policy evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.errors.s3 import AccessDenied, MethodNotAllowed
from pytest_s3sse._internal.policy import Authorizer, Decision
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.policy.document import Policy
from pytest_s3sse._internal.s3.store import Store
from pytest_s3sse._internal.types import PrincipalKind

# Operation -> IAM action (P, S3 user guide "Required permissions for Amazon S3 API operations").
ACTIONS: dict[str, str] = {
    "ListBuckets": "s3:ListAllMyBuckets",
    "CreateBucket": "s3:CreateBucket",
    "HeadBucket": "s3:ListBucket",
    "DeleteBucket": "s3:DeleteBucket",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "PutObject": "s3:PutObject",
    "PostObject": "s3:PutObject",  # a POST form upload (P, RESTObjectPOST "Permissions")
    "CopyObject": "s3:PutObject",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "DeleteObject": "s3:DeleteObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "UploadPartCopy": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "ListParts": "s3:ListMultipartUploadParts",
    "PutBucketPolicy": "s3:PutBucketPolicy",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "DeleteBucketPolicy": "s3:DeleteBucketPolicy",
    "GetBucketPolicyStatus": "s3:GetBucketPolicyStatus",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    # Routed, answered 501 until modelled; their actions are AWS's (P, Service Authorization Reference,
    # checked against the catalogue by tests/test_policy_catalogue.py) so the gate is right once they are.
    "ListObjectVersions": "s3:ListBucketVersions",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "s3:PutAccelerateConfiguration",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "GetBucketReplication": "s3:GetReplicationConfiguration",
    "PutBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "GetBucketCors": "s3:GetBucketCORS",
    "PutBucketCors": "s3:PutBucketCORS",
    "DeleteBucketCors": "s3:PutBucketCORS",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "SelectObjectContent": "s3:GetObject",
    "GetBucketAnalyticsConfiguration": "s3:GetAnalyticsConfiguration",
    "PutBucketAnalyticsConfiguration": "s3:PutAnalyticsConfiguration",
    "DeleteBucketAnalyticsConfiguration": "s3:PutAnalyticsConfiguration",
    "GetBucketInventoryConfiguration": "s3:GetInventoryConfiguration",
    "PutBucketInventoryConfiguration": "s3:PutInventoryConfiguration",
    "DeleteBucketInventoryConfiguration": "s3:PutInventoryConfiguration",
    "GetBucketMetricsConfiguration": "s3:GetMetricsConfiguration",
    "PutBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "DeleteBucketMetricsConfiguration": "s3:PutMetricsConfiguration",
    "GetBucketIntelligentTieringConfiguration": "s3:GetIntelligentTieringConfiguration",
    "PutBucketIntelligentTieringConfiguration": "s3:PutIntelligentTieringConfiguration",
    "DeleteBucketIntelligentTieringConfiguration": "s3:PutIntelligentTieringConfiguration",
    "DeleteObjectTagging": "s3:DeleteObjectTagging",
}
# E15 (P, PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy "Permissions"): only identities of the
# bucket owner's account may call these (405 MethodNotAllowed for others that have the permission),
# and the owner account's root user always may, "even if their bucket policy explicitly denies the
# root principal's access" (lock-out recovery).
# Operation -> its HTTP method (the 405 names it).
OWNER_ONLY = {"PutBucketPolicy": "PUT", "GetBucketPolicy": "GET", "DeleteBucketPolicy": "DELETE"}
# Operations whose permission is asked per object by the domain, not once by the gate: DeleteObjects
# needs s3:DeleteObject on each key it names (P, DeleteObjects API reference, "Permissions"), and
# answers a denied key in its result.
PER_OBJECT = frozenset({"DeleteObjects"})
GET_OBJECT = "s3:GetObject"
DELETE_OBJECT = "s3:DeleteObject"
# A request that names a version needs the version action instead (P, S3 user guide "Required
# permissions for Amazon S3 API operations": GetObject with versionId needs s3:GetObjectVersion
# only; DeleteObject with versionId s3:DeleteObjectVersion; policy-behaviour.md E14).
GET_OBJECT_VERSION = "s3:GetObjectVersion"
DELETE_OBJECT_VERSION = "s3:DeleteObjectVersion"
VERSION_ACTIONS = {
    "GetObject": GET_OBJECT_VERSION,
    "HeadObject": GET_OBJECT_VERSION,
    "DeleteObject": DELETE_OBJECT_VERSION,
    # P (Service Authorization Reference; PutObjectTagging etc. "Permissions": with versionId, the
    # version actions).
    "PutObjectTagging": "s3:PutObjectVersionTagging",
    "GetObjectTagging": "s3:GetObjectVersionTagging",
    "DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
    "GetObjectAttributes": "s3:GetObjectVersionAttributes",
}
LIST_BUCKET = "s3:ListBucket"
# E16, D9 (P, S3 user guide "Troubleshoot access denied (403 Forbidden) errors"): RestrictPublicBuckets
# denies as an explicit deny in a resource-based policy would.
RESTRICTED = Decision(
    allowed=False,
    reason="with an explicit deny in a resource-based policy",
    explicit=True,
    policy="public access block",
    statement="RestrictPublicBuckets",
    policy_type="resource-based",
)


def action_of(operation: str) -> str:
    """The IAM action ``operation`` needs (``s3:<Operation>`` for those not in the table)."""
    return ACTIONS.get(operation) or "s3:" + operation


class S3Resource(NamedTuple):
    """An S3 resource: an object, a bucket, or (no bucket) the service, in ``region``'s partition,
    owned by ``account`` (empty: a bucket that does not exist), under the bucket's ``policy``;
    ``restricted`` while the bucket's RestrictPublicBuckets is on and its policy is public (E16)."""

    bucket: str | None
    key: str | None = None
    region: str = ""
    account: str = ""
    policy: Policy | None = None
    restricted: bool = False

    @property
    def arn(self) -> str:
        """``arn:aws:s3:::bucket/key``, ``arn:aws:s3:::bucket``, or ``*`` (ListBuckets)."""
        if self.bucket is None:
            return "*"
        if self.key is None:
            return arn.bucket(self.bucket, self.region)
        return arn.s3_object(self.bucket, self.key, self.region)

    @property
    def service(self) -> str:
        """Always ``s3``."""
        return "s3"


def denial_message(
    context: RequestContext, action: str, resource: S3Resource, decision: Decision
) -> str:
    """S3's AccessDenied text for ``decision`` (policy-behaviour.md 4.1): the detailed form for a
    caller of the resource owner's account (D1-D3, D8), ``Access Denied`` for anonymous callers (D6)
    and other accounts (D4: the double has no organizations)."""
    principal = context.principal
    other_account = resource.account not in ("", principal.account_id)
    if not decision.reason or principal.anonymous or decision.policy_type == "" or other_account:
        return AccessDenied.default_message
    return (
        f"User: {principal.arn} is not authorized to perform: {action} on resource: "
        f'"{resource.arn}" {decision.reason}'
    )


class S3Access:
    """The S3 side of the authorisation port: builds the resource (its owner and policy), asks the
    decision point, answers S3's AccessDenied."""

    __slots__ = ("authorizer", "store")

    def __init__(self, authorizer: Authorizer, store: Store) -> None:
        self.authorizer = authorizer
        self.store = store

    def resource(self, bucket: str | None, key: str | None, region: str) -> S3Resource:
        """The resource ``bucket``/``key`` names, with its bucket's owner and policy."""
        if bucket is None:
            return S3Resource(None, None, region)
        found = self.store.find_bucket(bucket)
        if found is None:
            return S3Resource(bucket, key, region)
        block = found.public_access_block
        restricted = found.policy_public and block is not None and block.restrict_public_buckets
        return S3Resource(bucket, key, region, found.owner_account, found.policy, restricted)

    def decide(
        self,
        context: RequestContext,
        action: str,
        resource: S3Resource,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> Decision:
        """The decision for ``context`` doing ``action`` on ``resource``: RestrictPublicBuckets first
        (E16: a bucket with a public policy answers only its own account's principals and AWS
        services), then the decision point."""
        if resource.restricted and _outside(context, resource.account):
            return self.authorizer.record(context, action, resource, RESTRICTED)  # for explain()
        return self.authorizer.decide(context, action, resource, keys)

    def check(
        self,
        context: RequestContext | None,
        action: str,
        resource: S3Resource,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> None:
        """Raise AccessDenied unless ``context`` may do ``action`` on ``resource`` (a request without
        a context is the engine's own work: always allowed)."""
        if context is None:
            return
        decision = self.decide(context, action, resource, keys)
        if not decision.allowed:
            raise AccessDenied(denial_message(context, action, resource, decision))

    def authorize_operation(
        self,
        context: RequestContext,
        operation: str,
        bucket: str | None,
        key: str | None,
        keys: Mapping[str, RequestValue] | None = None,
        *,
        expected_owner: str | None = None,
        version_id: str | None = None,
    ) -> None:
        """The gate: may ``context`` perform ``operation`` on the addressed bucket and key?
        (``version_id``: the request names a version, see :data:`VERSION_ACTIONS`.)

        ``expected_owner`` (``x-amz-expected-bucket-owner``) that is not the bucket's owner is 403
        ``Access Denied`` (D7, A: LocalStack snapshot test_put_bucket_policy_expected_bucket_owner;
        P: "If the account ID that you provide does not match the actual owner of the bucket, the
        request fails with the HTTP status code 403 Forbidden (access denied)").
        """
        if operation == "CreateBucket":  # the bucket to be: owned by the caller, no policy yet
            resource = S3Resource(bucket, None, context.region)
            self.check(context, "s3:CreateBucket", resource, keys)
            return
        resource = self.resource(bucket, key, context.region)
        if expected_owner is not None and resource.account not in ("", expected_owner):
            raise AccessDenied  # D7
        if operation in PER_OBJECT:
            return
        if operation in OWNER_ONLY:
            self._owner_only(context, operation, resource, keys)
            return
        action = action_of(operation)
        if version_id is not None:
            action = VERSION_ACTIONS.get(operation, action)
        self.check(context, action, resource, keys)

    def _owner_only(
        self,
        context: RequestContext,
        operation: str,
        resource: S3Resource,
        keys: Mapping[str, RequestValue] | None,
    ) -> None:
        """E15: the owner account's root user always; others need the permission (403) and to be of
        the owner's account (405 MethodNotAllowed)."""
        principal = context.principal
        owner = resource.account or principal.account_id
        if principal.account_id == owner and _is_root(principal.arn):
            return
        self.check(context, action_of(operation), resource, keys)
        if principal.account_id != owner:
            raise MethodNotAllowed(OWNER_ONLY[operation], "BUCKET")


def _is_root(principal_arn: str) -> bool:
    return principal_arn.endswith(":root") and ":iam::" in principal_arn


def _outside(context: RequestContext, owner: str) -> bool:
    """Whether RestrictPublicBuckets shuts ``context`` out: anonymous callers and principals of other
    accounts; AWS service principals keep their access (P, PublicAccessBlockConfiguration)."""
    principal = context.principal
    if principal.anonymous:
        return True
    return principal.account_id != owner and principal.kind is not PrincipalKind.AWS_SERVICE

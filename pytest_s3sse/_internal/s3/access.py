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
from pytest_s3sse._internal.errors.s3 import AccessDenied
from pytest_s3sse._internal.policy import Authorizer, Decision
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.policy.document import Policy
from pytest_s3sse._internal.s3.store import Store

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
}
# Operations whose permission is asked per object by the domain, not once by the gate: DeleteObjects
# needs s3:DeleteObject on each key it names (P, DeleteObjects API reference, "Permissions"), and
# answers a denied key in its result.
PER_OBJECT = frozenset({"DeleteObjects"})
GET_OBJECT = "s3:GetObject"
DELETE_OBJECT = "s3:DeleteObject"


def action_of(operation: str) -> str:
    """The IAM action ``operation`` needs (``s3:<Operation>`` for those not in the table)."""
    return ACTIONS.get(operation) or "s3:" + operation


class S3Resource(NamedTuple):
    """An S3 resource: an object, a bucket, or (no bucket) the service, in ``region``'s partition,
    owned by ``account`` (empty: a bucket that does not exist), under the bucket's ``policy``."""

    bucket: str | None
    key: str | None = None
    region: str = ""
    account: str = ""
    policy: Policy | None = None

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


def denial_message(context: RequestContext, action: str, resource: str, decision: Decision) -> str:
    """S3's AccessDenied text for ``decision`` (policy-behaviour.md 4.1): the detailed form for a
    caller of the resource owner's account (D1-D3, D8), ``Access Denied`` for anonymous callers (D6)
    and other accounts (D4: the double has no organizations)."""
    if not decision.reason or context.principal.anonymous or decision.policy_type == "":
        return AccessDenied.default_message
    return (
        f"User: {context.principal.arn} is not authorized to perform: {action} on resource: "
        f'"{resource}" {decision.reason}'
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
        return S3Resource(bucket, key, region, found.owner_account, found.policy)

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
        decision = self.authorizer.decide(context, action, resource, keys)
        if not decision.allowed:
            if not context.principal.anonymous and resource.account not in (
                "",
                context.principal.account_id,
            ):
                raise AccessDenied()  # D4: cross-account denials say only "Access Denied"
            raise AccessDenied(denial_message(context, action, resource.arn, decision))

    def authorize_operation(
        self,
        context: RequestContext,
        operation: str,
        bucket: str | None,
        key: str | None,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> None:
        """The gate: may ``context`` perform ``operation`` on the addressed bucket and key?"""
        if operation in PER_OBJECT:
            return
        if operation == "CreateBucket":  # the bucket to be: owned by the caller, no policy yet
            resource = S3Resource(bucket, None, context.region)
            self.check(context, "s3:CreateBucket", resource, keys)
            return
        self.check(context, action_of(operation), self.resource(bucket, key, context.region), keys)

"""Condition keys every request carries, built from its :class:`RequestContext`.

Values per shared/reference/policy-behaviour.md 3.1 and 3.2 (P: IAM global condition keys; S3's SigV4
condition keys), with the double's proposals where AWS's value is not documented (U, named below). The
operation-specific keys (``s3:x-amz-server-side-encryption``, ``s3:prefix``, object tags,
``kms:EncryptionContext:*`` ...) are added by the caller that knows the request; this module knows only
the context.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta, timezone

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.policy.evaluate import role_of
from pytest_s3sse._internal.types import Principal, PrincipalKind

# K6 (U: the value table is not in the archived docs): Account, User, FederatedUser, AssumedRole,
# Anonymous; an AWS service principal is "Service" (U).
_TYPES = {
    PrincipalKind.ROOT: "Account",
    PrincipalKind.IAM_USER: "User",
    PrincipalKind.ASSUMED_ROLE: "AssumedRole",
    PrincipalKind.AWS_SERVICE: "Service",
    PrincipalKind.ANONYMOUS: "Anonymous",
}
_SIGNATURE = {"SigV4": "AWS4-HMAC-SHA256", "SigV2": "AWS"}  # K17 (P)
_AUTH_TYPE = {
    "AuthHeader": "REST-HEADER",
    "QueryString": "REST-QUERY-STRING",
    "POST": "POST",
}  # K17 (P)


def unique_id(prefix: str, arn: str) -> str:
    """A stable IAM-style unique id for ``arn`` (``AIDA`` users, ``AROA`` roles: K4 "stable generated
    IDs"): the prefix and 17 base-32 characters of the ARN's SHA-256, so the same ARN always gets the
    same id."""
    digest = hashlib.sha256(arn.encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return prefix + "".join(alphabet[b % 32] for b in digest[:17])


def _federated(arn: str) -> bool:
    return ":federated-user/" in arn


def principal_type(principal: Principal) -> str:
    """``aws:PrincipalType`` (K6, U values)."""
    if _federated(principal.arn):
        return "FederatedUser"
    return _TYPES[principal.kind]


def user_id(principal: Principal) -> str:
    """``aws:userid`` (K4): the account id for the root user, ``AIDA...`` for a user,
    ``AROA...:session`` for a role session, ``account:name`` for a federated user, ``anonymous``
    (U) for an unsigned request."""
    arn = principal.arn
    kind = principal.kind
    if kind is PrincipalKind.ANONYMOUS:
        return "anonymous"
    if _federated(arn):
        return f"{principal.account_id}:{arn.rsplit('/', 1)[-1]}"
    if kind is PrincipalKind.ASSUMED_ROLE:
        role = role_of(arn) or arn
        return f"{unique_id('AROA', role)}:{arn.rsplit('/', 1)[-1]}"
    if kind is PrincipalKind.IAM_USER:
        return unique_id("AIDA", arn)
    if kind is PrincipalKind.AWS_SERVICE:
        return arn
    return principal.account_id


@functools.lru_cache(maxsize=256)
def _identity_keys(principal: Principal) -> tuple[tuple[str, str], ...]:
    """The keys that depend on the principal alone, worked out once per principal."""
    keys = [
        ("aws:PrincipalAccount", principal.account_id),  # K3 ("anonymous" when unsigned)
        ("aws:PrincipalType", principal_type(principal)),  # K6
        ("aws:userid", user_id(principal)),  # K4
    ]
    if not principal.anonymous:  # K2: signed requests only; a session's is its role's ARN
        keys.append(("aws:PrincipalArn", role_of(principal.arn) or principal.arn))
    if principal.kind is PrincipalKind.IAM_USER:  # K5: IAM users only
        keys.append(("aws:username", principal.arn.rsplit("/", 1)[-1]))
    return tuple(keys)


def global_keys(context: RequestContext) -> dict[str, RequestValue]:
    """The global ``aws:`` keys of a request (K1-K9); names as AWS spells them."""
    moment = context.time
    keys: dict[str, RequestValue] = dict(_identity_keys(context.principal))
    keys["aws:SecureTransport"] = "true" if context.secure else "false"  # K1
    keys["aws:SourceIp"] = context.source_ip  # K7 (127.0.0.1 unless the adapter knows: U)
    keys["aws:CurrentTime"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # K8
    keys["aws:EpochTime"] = str(int(moment.timestamp()))  # K8
    keys["aws:ViaAWSService"] = "true" if context.invoked_by else "false"  # K9
    return keys


def s3_keys(context: RequestContext) -> dict[str, RequestValue]:
    """The S3 keys that come from how a request was signed (K17): ``s3:signatureversion`` and
    ``s3:authType``, absent for an unsigned request (``s3:signatureAge``, which changes with the
    clock, is :func:`signature_age`)."""
    keys: dict[str, RequestValue] = {}
    if context.signature_version in _SIGNATURE:
        keys["s3:signatureversion"] = _SIGNATURE[context.signature_version]
    if context.auth_method in _AUTH_TYPE:
        keys["s3:authType"] = _AUTH_TYPE[context.auth_method]
    return keys


SIGNATURE_AGE = "s3:signatureage"  # lower-cased, as the decision point looks keys up
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_MILLISECOND = timedelta(milliseconds=1)


def signature_age(context: RequestContext) -> str | None:
    """``s3:signatureAge`` (K17): the milliseconds since the request was signed, on the engine clock.

    P (S3 API "Amazon S3 Signature Version 4 Authentication Specific Policy Keys"): it works for
    presigned URLs and presigned POST, is "always set to 0" for Signature Version 2, and a SigV4
    signature may be up to seven days old. So a presigned URL or a POST form is as old as its
    ``X-Amz-Date`` (never below 0: a clock set before the signature); any SigV2 request is 0. A
    header-signed SigV4 request is 0 (U: signed as it is sent, since S3 refuses one more than 15
    minutes off; an SDK dates its header by its own wall clock, which a test that moves the engine
    clock leaves behind, so measuring it would age every SDK call with the clock). Unsigned: absent
    (K17 keys are those of authenticated requests), so ``Null`` is true and a numeric test fails.
    Worked out only when a policy reads it (:class:`~.authorizer.RequestKeys`).
    """
    version = context.signature_version
    if version is None:
        return None
    if version != "SigV4" or context.auth_method == "AuthHeader":
        return "0"
    try:
        signed = datetime.strptime(context.signed_at, _AMZ_DATE).replace(tzinfo=timezone.utc)
    except ValueError:  # refused by the presigned URL's own checks before any policy is read
        return None
    return str(max(0, (context.time - signed) // _MILLISECOND))


def kms_keys(context: RequestContext) -> dict[str, RequestValue]:
    """The KMS keys that come from the context (K19, K20): ``kms:CallerAccount`` always,
    ``kms:ViaService`` (``s3.<region>.amazonaws.com``) only when S3 calls for the caller."""
    keys: dict[str, RequestValue] = {"kms:CallerAccount": context.principal.account_id}
    if context.invoked_by is not None:
        service = context.invoked_by.split(".", 1)[0]
        keys["kms:ViaService"] = f"{service}.{context.region}.amazonaws.com"
    return keys

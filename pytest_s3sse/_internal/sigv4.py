"""What a SigV4-signed request says about itself: the access key, region and service it was signed for.

Shared vocabulary of the protocol edges (S3 and KMS) and of the engine's service routing: the credential
scope ``<access key>/<date>/<region>/<service>/aws4_request`` comes from the ``Authorization`` header or,
for presigned URLs, from the ``X-Amz-Credential`` query parameter.
"""

from __future__ import annotations

import re

from pytest_s3sse._internal.http import HttpRequest

_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


def credential_scope(request: HttpRequest) -> tuple[str, str, str] | None:
    """``(access_key_id, region, service)`` from SigV4 Authorization or presigned query auth (read
    once per request, then kept on it)."""
    if request.scope_read:
        return request.scope
    auth = request.headers.get("authorization", "")
    match = _CREDENTIAL.search(auth)
    if match is None and "X-Amz-Credential" in request.query:
        cred = request.params.get("X-Amz-Credential", "")
        match = _CREDENTIAL.search("Credential=" + cred)
    scope = None if match is None else (match.group(1), match.group(2), match.group(3))
    request.scope, request.scope_read = scope, True
    return scope


SIGV4 = "SigV4"
SIGV2 = "SigV2"
AUTH_HEADER = "AuthHeader"
QUERY_STRING = "QueryString"
# A POST form upload (S3's PostObject): ``s3:authType`` ``POST`` (P, "Amazon S3 Signature Version 4
# authentication-specific policy keys"); CloudTrail's AuthenticationMethod for it is U (docs/trail.md).
POST_FORM = "POST"


def authentication(request: HttpRequest) -> tuple[str, str, str] | None:
    """``(access_key_id, signature_version, method)`` of a signed request, None for an unsigned one.

    The version is ``SigV4`` or ``SigV2`` and the method ``AuthHeader`` or ``QueryString``: the values of
    CloudTrail's ``additionalEventData.SignatureVersion`` / ``AuthenticationMethod`` (audit-behaviour.md
    I-rows). SigV4 is an ``AWS4-HMAC-SHA256`` Authorization header or a presigned URL's
    ``X-Amz-Credential``; SigV2 an ``AWS <key>:<signature>`` header or ``AWSAccessKeyId`` in the query.
    A POST form upload carries its fields' authentication (``form_auth``), method ``POST``.
    """
    form = request.form_auth
    if form is not None:
        return form.access_key_id, form.version, POST_FORM
    scope = credential_scope(request)
    if scope is not None:
        method = AUTH_HEADER if "authorization" in request.headers else QUERY_STRING
        return scope[0], SIGV4, method
    auth = request.headers.get("authorization", "")
    if auth.startswith("AWS4-"):  # SigV4a (AWS4-ECDSA-P256-SHA256): a scope without a region
        match = _ACCESS_KEY.search(auth)
        return (match.group(1) if match else ""), SIGV4, AUTH_HEADER
    if request.query and "X-Amz-Algorithm" in request.params:
        credential = request.params.get("X-Amz-Credential", "")
        return credential.split("/", 1)[0], SIGV4, QUERY_STRING
    if auth.startswith("AWS "):
        return auth[4:].split(":", 1)[0], SIGV2, AUTH_HEADER
    if request.query and "AWSAccessKeyId" in request.params:
        return request.params["AWSAccessKeyId"], SIGV2, QUERY_STRING
    return None


def signed_date(request: HttpRequest, method: str) -> str:
    """The ``X-Amz-Date`` a presigned URL (``QueryString``) or a POST form (``POST``) was signed at,
    as sent; empty when it has none (SigV2 signs an expiry, not a date)."""
    if method == POST_FORM:
        form = request.form_auth
        return "" if form is None else form.date
    return request.params.get("X-Amz-Date", "") if request.query else ""

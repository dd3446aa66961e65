"""What a SigV4-signed request says about itself: the access key, region and service it was signed for.

Shared vocabulary of the protocol edges (S3 and KMS) and of the engine's service routing: the credential
scope ``<access key>/<date>/<region>/<service>/aws4_request`` comes from the ``Authorization`` header or,
for presigned URLs, from the ``X-Amz-Credential`` query parameter.
"""

from __future__ import annotations

import re

from pytest_s3sse.http import HttpRequest

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

"""Signature checks: what a request's signature should be, given the secret of its access key.

Pure functions on the HTTP model (no engine, no botocore): the engine calls them when
``verify_signatures`` is on, and the edges turn a :class:`Mismatch` into S3's SignatureDoesNotMatch or
KMS's InvalidSignatureException. Canonicalisation follows AWS's documents (P, "Signature Version 4
signing process" / "Create a canonical request"; "Signing and authenticating REST requests" for
Signature Version 2) and is tested against botocore-signed requests (tests/test_signatures.py).

- SigV4, ``Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``: the
  payload hash is ``x-amz-content-sha256`` when sent (S3 always sends it: a literal such as
  ``UNSIGNED-PAYLOAD`` or ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` is signed as it is), else the SHA-256
  of the body (KMS). S3 paths are used as sent; other services' are normalised.
- SigV4 query (presigned): the same canonical request over the query without ``X-Amz-Signature``; the
  payload is ``UNSIGNED-PAYLOAD`` unless ``X-Amz-Content-Sha256`` is in the query.
- SigV2 (S3 only), ``Authorization: AWS <key>:<signature>`` or ``AWSAccessKeyId``/``Signature``/
  ``Expires`` in the query: HMAC-SHA1 of verb, Content-MD5, Content-Type, Date (Expires for a query;
  empty when ``x-amz-date`` is sent), the ``x-amz-*`` headers and the resource (the bucket's path
  even for a virtual-hosted request, and the sub-resources S3 signs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import posixpath
from typing import NamedTuple
from urllib.parse import quote, unquote

from pytest_s3sse._internal.http import FormAuth, HttpRequest

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
ALGORITHM = "AWS4-HMAC-SHA256"

# The sub-resources of S3's SigV2 canonical resource (P, "Signing and authenticating REST requests",
# CanonicalizedResource; the same list as botocore's HmacV1Auth).
V2_SUBRESOURCES = frozenset(
    {
        "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber",
        "policy", "requestPayment", "torrent", "versioning", "versionId", "versions", "website",
        "uploads", "uploadId", "response-content-type", "response-content-language",
        "response-expires", "response-cache-control", "response-content-disposition",
        "response-content-encoding", "delete", "lifecycle", "tagging", "restore", "storageClass",
        "notification", "replication", "analytics", "metrics", "inventory", "select",
        "select-type", "object-lock",
    }
)  # fmt: skip


class Mismatch(NamedTuple):
    """A signature that is not the one the secret gives: what S3 reports back (its error's
    ``StringToSign``, ``SignatureProvided`` and, for SigV4, ``CanonicalRequest``)."""

    string_to_sign: str
    signature_provided: str
    canonical_request: str | None  # None for SigV2


class SigV4Parts(NamedTuple):
    """What a SigV4 request says about its own signature."""

    scope: str  # <date>/<region>/<service>/aws4_request
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str


def same(expected: str, provided: str) -> bool:
    """Constant-time equality of a computed value and one from the wire (any text: a header decoded
    with ``surrogateescape`` or non-ASCII is simply unequal, never a TypeError)."""
    return hmac.compare_digest(expected.encode(), provided.encode("utf-8", "surrogateescape"))


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, scope: str) -> bytes:
    """The SigV4 signing key of ``secret`` for ``<date>/<region>/<service>/aws4_request``."""
    date, region, service, _ = scope.split("/")
    key = _hmac(("AWS4" + secret).encode(), date)  # text that cannot be encoded: a ValueError
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _encode(value: str) -> str:
    return quote(value, safe="-_.~")


def _canonical_query(raw: str, *, drop: str | None = None) -> str:
    pairs: list[tuple[str, str]] = []
    for item in raw.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        key, value = _encode(unquote(key)), _encode(unquote(value))
        if key != drop:
            pairs.append((key, value))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def _host(request: HttpRequest) -> str:
    host = request.headers.get("host", request.host)
    if request.scheme == "https" and host.endswith(":443"):
        return host[:-4]
    if request.scheme == "http" and host.endswith(":80"):
        return host[:-3]
    return host


def _canonical_path(path: str, service: str) -> str:
    if service == "s3":
        return path or "/"
    normalised = posixpath.normpath(unquote(path)) if path not in ("", "/") else "/"
    if path.endswith("/") and normalised != "/":
        normalised += "/"
    return quote(normalised, safe="/~")


def parse_v4_header(authorization: str) -> SigV4Parts | None:
    """The parts of a SigV4 Authorization header (None if it is not one)."""
    if not authorization.startswith(ALGORITHM + " "):
        return None
    fields: dict[str, str] = {}
    for part in authorization[len(ALGORITHM) + 1 :].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    credential = fields.get("Credential", "")
    scope = credential.split("/", 1)[1] if "/" in credential else ""
    signed = tuple(fields.get("SignedHeaders", "").split(";"))
    return SigV4Parts(scope, signed, fields.get("Signature", ""), "")


def check_v4(
    request: HttpRequest, secret: str, *, service: str, body: bytes | None = None
) -> Mismatch | None:
    """Check a SigV4 header- or query-signed request. ``body`` is the payload when the request does
    not carry ``x-amz-content-sha256`` (KMS); None when it is not needed."""
    headers = request.headers
    presigned = "authorization" not in headers
    if presigned:
        params = request.params
        credential = params.get("X-Amz-Credential", "")
        parts = SigV4Parts(
            credential.split("/", 1)[1] if "/" in credential else "",
            tuple(params.get("X-Amz-SignedHeaders", "").lower().split(";")),
            params.get("X-Amz-Signature", ""),
            params.get("X-Amz-Date", ""),
        )
        query = _canonical_query(request.query, drop="X-Amz-Signature")
        payload = params.get("X-Amz-Content-Sha256", UNSIGNED_PAYLOAD)
    else:
        found = parse_v4_header(headers["authorization"])
        if found is None:
            return Mismatch("", "", None)
        amz_date = headers.get("x-amz-date") or headers.get("date", "")
        parts = found._replace(amz_date=amz_date)
        query = _canonical_query(request.query)
        payload = headers.get("x-amz-content-sha256") or (
            hashlib.sha256(body).hexdigest() if body is not None else EMPTY_SHA256
        )
    lines = []
    for name in parts.signed_headers:
        value = _host(request) if name == "host" else headers.get(name, "")
        lines.append(f"{name}:{' '.join(value.split())}\n")
    canonical = "\n".join(
        (
            request.method,
            _canonical_path(request.path, service),
            query,
            "".join(lines),
            ";".join(parts.signed_headers),
            payload,
        )
    )
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest()
    string_to_sign = "\n".join((ALGORITHM, parts.amz_date, parts.scope, digest))
    try:
        key = signing_key(secret, parts.scope)
    except ValueError:  # a scope without four parts: no key can sign it
        return Mismatch(string_to_sign, parts.signature, canonical)
    expected = hmac.new(
        key, string_to_sign.encode("utf-8", "surrogateescape"), hashlib.sha256
    ).hexdigest()
    if same(expected, parts.signature):
        return None
    return Mismatch(string_to_sign, parts.signature, canonical)


def check_v2(request: HttpRequest, secret: str, *, resource_path: str) -> Mismatch | None:
    """Check a SigV2 (S3 HMAC-SHA1) header- or query-signed request. ``resource_path`` is the path
    with the bucket, as S3 signs it (``/bucket/key`` also for a virtual-hosted request)."""
    headers = request.headers
    params = request.params
    presigned = not headers.get("authorization", "").startswith("AWS ")
    if presigned:
        provided = params.get("Signature", "")
        date = params.get("Expires", "")
    else:
        provided = headers["authorization"][4:].rpartition(":")[2]
        date = "" if "x-amz-date" in headers else headers.get("date", "")
    content_type = headers.get("content-type", params.get("content-type", "") if presigned else "")
    content_md5 = headers.get("content-md5", params.get("content-md5", "") if presigned else "")
    amz = {k: v.strip() for k, v in headers.items() if k.startswith("x-amz-")}
    if presigned and "x-amz-security-token" in params:
        amz["x-amz-security-token"] = params["x-amz-security-token"]
    resource = resource_path
    if request.query:
        subs = []
        for item in request.query.split("&"):
            key, eq, value = item.partition("=")
            if key in V2_SUBRESOURCES:
                subs.append((key, key + "=" + unquote(value) if eq else key))
        if subs:
            resource += "?" + "&".join(text for _, text in sorted(subs, key=lambda s: s[0]))
    lines = [request.method, content_md5.strip(), content_type.strip(), date]
    lines.extend(f"{k}:{amz[k]}" for k in sorted(amz))
    lines.append(resource)
    string_to_sign = "\n".join(lines)
    digest = hmac.new(
        secret.encode(), string_to_sign.encode("utf-8", "surrogateescape"), hashlib.sha1
    ).digest()
    expected = base64.b64encode(digest).decode()
    if same(expected, provided):
        return None
    return Mismatch(string_to_sign, provided, None)


def check_post(form: FormAuth, secret: str) -> Mismatch | None:
    """Check a POST form upload's signature: the string to sign is the base64 policy as sent (P,
    "Browser-based uploads using POST": SigV4 ``x-amz-signature`` is the hex HMAC-SHA256 of the
    policy with the signing key of ``x-amz-credential``'s scope; SigV2 ``signature`` the base64
    HMAC-SHA1 of the policy with the secret)."""
    policy = form.policy
    if form.version == "SigV2":
        digest = hmac.new(
            secret.encode(), policy.encode("utf-8", "surrogateescape"), hashlib.sha1
        ).digest()
        expected = base64.b64encode(digest).decode()
    else:
        try:
            key = signing_key(secret, form.scope)
        except ValueError:  # a scope without four parts: no key can sign it
            return Mismatch(policy, form.signature, None)
        expected = hmac.new(
            key, policy.encode("utf-8", "surrogateescape"), hashlib.sha256
        ).hexdigest()
    if same(expected, form.signature):
        return None
    return Mismatch(policy, form.signature, None)


def chunk_string_to_sign(amz_date: str, scope: str, previous_signature: str, digest: str) -> str:
    """The string a streaming-signed (``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``) chunk signs (P, "Signature
    calculations for the Authorization header: transferring payload in multiple chunks"); ``digest`` is
    the chunk data's SHA-256 in hex)."""
    return "\n".join(
        (
            "AWS4-HMAC-SHA256-PAYLOAD",
            amz_date,
            scope,
            previous_signature,
            EMPTY_SHA256,
            digest,
        )
    )


__all__ = [
    "Mismatch",
    "SigV4Parts",
    "check_post",
    "check_v2",
    "check_v4",
    "chunk_string_to_sign",
    "parse_v4_header",
    "same",
    "signing_key",
]

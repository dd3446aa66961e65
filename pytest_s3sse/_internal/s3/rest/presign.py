"""Protocol edge: presigned URLs (query-string authentication), checked before anything else.

A presigned URL carries its authentication in the query string, in one of two flavours:

- SigV4 (``Config(signature_version="s3v4")``): ``X-Amz-Algorithm``, ``X-Amz-Credential``,
  ``X-Amz-Date``, ``X-Amz-Expires``, ``X-Amz-SignedHeaders``, ``X-Amz-Signature``. Headers such as the
  SSE ones are *signed headers*: the client must send them.
- SigV2 (botocore's default for ``generate_presigned_url``): ``AWSAccessKeyId``, ``Signature`` and
  ``Expires`` (epoch seconds). botocore moves every ``x-amz-*`` header into the query string instead,
  SSE ones included (shared reference plugin-mechanics.md 1.7).

S3 checks the parameters are complete and well formed and that the URL has not expired; the engine does
the same against its own clock (``s3sse.clock``), so a test moves time instead of sleeping. It then lifts
``x-amz-*`` query parameters into headers (never over a header actually sent), so every rule downstream
reads one shape whichever flavour or SDK made the URL.

**Signatures are not verified here**: with the engine's ``verify_signatures`` option the engine's
check (``authn.py``) runs right after this one; without it a URL signed with a wrong secret, or tampered
with after signing, is served. "X-Amz-Date in the future" (S3's "Request is not yet valid") is not checked either, so an engine clock
frozen in the past still serves URLs that botocore signs with the real time; only a URL that would expire
after the year 9999 (``X-Amz-Date=99991231T235959Z``), in the future of any clock, is refused so.

Sources (``docs/errors.md``): LocalStack's AWS-validated snapshots (``TestS3PresignedUrl``), AWS answers
quoted in aws/aws-sdk-php#1333 (SigV4 expired) and aws/aws-sdk-js#3493 (SigV2 expired), and for the
``X-Amz-Expires`` / ``X-Amz-Date`` format messages MinIO and other S3 implementations (T).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.errors.s3 import AccessDenied, AuthorizationQueryParametersError
from pytest_s3sse._internal.http import HttpRequest, ascii_decimal

V4_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)
V2_PARAMS = ("AWSAccessKeyId", "Signature", "Expires")
MAX_EXPIRES = 604800  # seven days: the longest a SigV4 signing key is valid
# Query parameters that authenticate: never lifted into headers.
_AUTH = frozenset(p.lower() for p in V4_PARAMS) | {"x-amz-security-token"}

V4_INCOMPLETE = (
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
)
V2_INCOMPLETE = (
    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"
)
BAD_CREDENTIAL = (
    "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
    '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
)
BAD_DATE = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
EXPIRES_NOT_A_NUMBER = "X-Amz-Expires should be a number"
EXPIRES_NEGATIVE = "X-Amz-Expires must be non-negative"
EXPIRES_TOO_LONG = (
    "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be "
    "less than 604800 seconds"
)
EXPIRED = "Request has expired"
# S: AWS's answer quoted in minio/minio#2638 and dmjio/s3-signer#16 (403 AccessDenied, with
# X-Amz-Date in epoch milliseconds, Expires and ServerTime).
NOT_YET_VALID = "Request is not yet valid"


def _maybe_presigned(query: str) -> bool:
    # A cheap test first: every botocore request goes through here and almost none is presigned.
    return "X-Amz-" in query or "Signature=" in query or "AWSAccessKeyId=" in query


def authorize(request: HttpRequest, clock: Clock) -> None:
    """Check a presigned request's query authentication and expiry; lift its ``x-amz-*`` parameters
    into headers. A request without query authentication is left as it is."""
    if not request.query or not _maybe_presigned(request.query):
        return
    params = request.params
    signed: frozenset[str] | None = None
    if any(name in params for name in V4_PARAMS):
        signed = _check_v4(params, clock.now())
    elif "AWSAccessKeyId" in params or "Signature" in params:
        _check_v2(params, clock.now())
    else:
        return
    _lift(request, signed)


def _iso(when: datetime) -> str:
    """Times in these error documents: ``2017-07-20T04:18:45Z`` (aws/aws-sdk-php#1333)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_v4(params: dict[str, str], now: datetime) -> frozenset[str]:
    """Validate SigV4 query auth; returns the signed header names."""
    if not all(name in params for name in V4_PARAMS):
        raise AuthorizationQueryParametersError(V4_INCOMPLETE)
    if params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256":  # SigV4a scopes have no region
        credential = params["X-Amz-Credential"].split("/")
        if len(credential) != 5 or credential[4] != "aws4_request":
            raise AuthorizationQueryParametersError(BAD_CREDENTIAL)
    try:
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=timezone.utc
        )
    except ValueError:
        raise AuthorizationQueryParametersError(BAD_DATE) from None
    raw = params["X-Amz-Expires"]
    # ASCII digits only (int() would also take " 5", "1_0" and a fullwidth digit), never so many
    # that int() refuses them: anything longer than 10 digits is past the week anyway.
    negative = raw.startswith("-")
    digits = raw[1:] if negative else raw
    if not (digits.isascii() and digits.isdigit()):
        raise AuthorizationQueryParametersError(EXPIRES_NOT_A_NUMBER)
    if negative and digits.strip("0"):
        raise AuthorizationQueryParametersError(EXPIRES_NEGATIVE)
    seconds = ascii_decimal(digits, 10)
    if seconds is None:
        seconds = MAX_EXPIRES + 1
    if seconds > MAX_EXPIRES:
        raise AuthorizationQueryParametersError(EXPIRES_TOO_LONG)
    try:
        expires = signed_at + timedelta(seconds=seconds)
    except OverflowError:
        # Signed so late that the URL would expire after the year 9999: in the future of any clock
        # a test can set (the one "not yet valid" case the engine checks, see the module docstring).
        signed_ms = str(int(signed_at.timestamp()) * 1000)
        extra = {"X-Amz-Date": signed_ms, "ServerTime": _iso(now)}
        raise AccessDenied(NOT_YET_VALID, extra=extra) from None
    if now > expires:
        extra = {"X-Amz-Expires": str(seconds), "Expires": _iso(expires), "ServerTime": _iso(now)}
        raise AccessDenied(EXPIRED, extra=extra)
    return frozenset(params["X-Amz-SignedHeaders"].lower().split(";"))


def _check_v2(params: dict[str, str], now: datetime) -> None:
    """Validate SigV2 query auth: all three parameters, ``Expires`` in epoch seconds, not past."""
    if not all(name in params for name in V2_PARAMS):
        raise AccessDenied(V2_INCOMPLETE)
    raw = params["Expires"]
    seconds = ascii_decimal(raw, 19)  # ASCII digits only; int() would take " 5" and "1_0"
    try:
        if seconds is None:
            raise ValueError(raw)
        expires = datetime.fromtimestamp(seconds, timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise AccessDenied(f"Invalid date (should be seconds since epoch): {raw}") from None
    if now > expires:
        raise AccessDenied(EXPIRED, extra={"Expires": _iso(expires), "ServerTime": _iso(now)})


def _lift(request: HttpRequest, signed: frozenset[str] | None) -> None:
    """Copy ``x-amz-*`` query parameters into headers, never over a header that was sent.

    With SigV4, an ``x-amz-checksum-*`` parameter that is not a signed header is ignored, as S3 does
    (the JavaScript SDK puts one in the query before the checksum is known; LocalStack's presign
    validation documents the same).
    """
    headers = request.headers
    for name, value in request.params.items():
        lower = name.lower()
        if not lower.startswith("x-amz-") or lower in _AUTH or lower in headers:
            continue
        if signed is not None and lower.startswith("x-amz-checksum-") and lower not in signed:
            continue
        headers[lower] = value

"""Authentication: is a signed request signed with the secret of its access key?

Used only when the engine's ``verify_signatures`` option is on (otherwise the edges never call it, and a
request costs nothing more). The engine gives each protocol edge one of the two checks below; the edge
runs it right after identifying the caller and before the gate (route -> authenticate -> authorise).
The canonicalisation is :mod:`pytest_s3sse._internal.signing`; the secrets are the
:class:`~pytest_s3sse._internal.principals.CredentialRegistry`'s.

Answers (sources beside each error class, and in docs/errors.md and docs/kms.md):

- S3: a key the engine does not know is 403 InvalidAccessKeyId; a role session's key without its
  session token is InvalidAccessKeyId too, with a wrong token 400 InvalidToken; a wrong signature 403
  SignatureDoesNotMatch with ``StringToSign``, ``SignatureProvided`` and (SigV4) ``CanonicalRequest``.
  A streaming-signed body's chunks are checked as they are read (the chain of chunk signatures from
  the seed signature); a bad chunk is SignatureDoesNotMatch.
  A header-signed SigV4 request more than 15 minutes from the engine clock is 403 RequestTimeTooSkewed
  (checked first); a body whose SHA-256 is not the signed ``x-amz-content-sha256`` is 400
  XAmzContentSHA256Mismatch.
- KMS: an unknown key or a wrong token is UnrecognizedClientException, a wrong signature
  InvalidSignatureException (400 both); a request more than 5 minutes from the engine clock is
  InvalidSignatureException "Signature expired: ..." / "Signature not yet current: ..." (A for other
  awsJson services, quoted in aws/aws-sdk-js#254, remind101/logspout-kinesis#21, boto/botocore#3587;
  U for KMS's window: the newer quotes say 5 minutes).

The time checks read the engine clock: a test that moves ``s3sse.clock`` far from the real time while
signatures are verified gets these errors, as a client with a wrong clock does on AWS.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.errors.kms import (
    InvalidSignatureException,
    UnrecognizedClientException,
)
from pytest_s3sse._internal.errors.s3 import (
    InvalidAccessKeyId,
    InvalidToken,
    RequestTimeTooSkewed,
    SignatureDoesNotMatch,
    XAmzContentSHA256Mismatch,
)
from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.principals import CredentialRegistry, Credentials
from pytest_s3sse._internal.signing import (
    check_post,
    check_v2,
    check_v4,
    chunk_string_to_sign,
    parse_v4_header,
    same,
    signing_key,
)
from pytest_s3sse._internal.sigv4 import SIGV2, authentication

STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
S3_SKEW = timedelta(minutes=15)  # A: MaxAllowedSkewMilliseconds 900000
KMS_SKEW = timedelta(minutes=5)  # A (other awsJson services), U for KMS
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _signed_at(request: HttpRequest) -> datetime | None:
    """The ``x-amz-date`` of a header-signed SigV4 request, None when absent or unreadable (the
    signature check then fails on its own)."""
    raw = request.headers.get("x-amz-date")
    if raw is None:
        return None
    try:
        return datetime.strptime(raw, _AMZ_DATE).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _token(request: HttpRequest) -> str | None:
    token = request.headers.get("x-amz-security-token")
    if token is None and request.query:
        token = request.params.get("X-Amz-Security-Token") or request.params.get(
            "x-amz-security-token"
        )
    return token


class Authenticator:
    """The signature checks of one engine (S3 and KMS), over its credential registry."""

    def __init__(
        self,
        registry: CredentialRegistry,
        bucket_of_host: Callable[[str], str | None],
        clock: Clock,
    ) -> None:
        self.registry = registry
        self._bucket_of_host = bucket_of_host
        self._clock = clock

    def _s3_time(self, request: HttpRequest) -> None:
        signed = _signed_at(request)
        if signed is None:
            return
        now = self._clock.now()
        if abs(now - signed) > S3_SKEW:
            raise RequestTimeTooSkewed.of(
                request.headers.get("x-amz-date", ""), now.strftime("%Y-%m-%dT%H:%M:%SZ")
            )

    def _kms_time(self, request: HttpRequest) -> None:
        signed = _signed_at(request)
        if signed is None:
            return
        now = self._clock.now()
        stamp, at = signed.strftime(_AMZ_DATE), now.strftime(_AMZ_DATE)
        if signed < now - KMS_SKEW:
            earliest = (now - KMS_SKEW).strftime(_AMZ_DATE)
            raise InvalidSignatureException(
                f"Signature expired: {stamp} is now earlier than {earliest} ({at} - 5 min.)"
            )
        if signed > now + KMS_SKEW:
            latest = (now + KMS_SKEW).strftime(_AMZ_DATE)
            raise InvalidSignatureException(
                f"Signature not yet current: {stamp} is still later than {latest} ({at} + 5 min.)"
            )

    @staticmethod
    def _payload_hash(request: HttpRequest) -> None:
        """A hex ``x-amz-content-sha256`` must be the body's SHA-256 (the body is read here and
        put back for the edge)."""
        provided = request.headers.get("x-amz-content-sha256", "")
        if _HEX_DIGEST.fullmatch(provided) is None:
            return
        body = request.read_body()
        request.body = io.BytesIO(body)
        computed = hashlib.sha256(body).hexdigest()
        if computed != provided:
            raise XAmzContentSHA256Mismatch.of(provided, computed)

    def s3(self, request: HttpRequest) -> None:
        """Check an S3 request (unsigned requests pass: they are anonymous, the gate decides)."""
        auth = authentication(request)
        if auth is None:
            return
        access_key_id, version, method = auth
        credentials = self.registry.get(access_key_id)
        if credentials is None:
            raise InvalidAccessKeyId(access_key_id)
        if version != SIGV2 and method == "AuthHeader":
            self._s3_time(request)
        if credentials.session_token is not None:
            token = _token(request)
            if token is None:
                raise InvalidAccessKeyId(access_key_id)
            if not same(credentials.session_token, token):
                raise InvalidToken(token)
        secret = credentials.secret
        form = request.form_auth
        if form is not None:  # a POST form upload: its signature signs the policy (no body hash)
            mismatch = check_post(form, secret or "")
            if mismatch is not None or secret is None:
                raise SignatureDoesNotMatch.of(access_key_id, form.policy, form.signature, None)
            return
        if version == SIGV2:
            bucket = self._bucket_of_host(request.host)
            path = request.path or "/"
            path = path if bucket is None else "/" + bucket + path
            mismatch = check_v2(request, secret or "", resource_path=path)
            if mismatch is not None and path.count("/") == 1 and len(path) > 1:
                # A bucket-level path-style request (``/bkt?location``): botocore signs the bucket
                # with a trailing slash (``/bkt/?location``), which S3 accepts.
                mismatch = check_v2(request, secret or "", resource_path=path + "/") and mismatch
        else:
            mismatch = check_v4(request, secret or "", service="s3")
        if mismatch is not None or secret is None:
            if mismatch is None:  # a key added without a secret: nothing can sign for it
                raise SignatureDoesNotMatch.of(access_key_id, "", "", None)
            raise SignatureDoesNotMatch.of(access_key_id, *mismatch)
        if request.headers.get("x-amz-content-sha256", "").startswith(STREAMING_SIGNED):
            self._verify_chunks(request, credentials)
        elif version != SIGV2:
            self._payload_hash(request)

    def _verify_chunks(self, request: HttpRequest, credentials: Credentials) -> None:
        """Have the body decoder check each chunk's signature as it is read (a body decoder that
        records chunk signatures offers ``verify_chunks``; see ``wire/chunked.py``)."""
        hook = getattr(request.body, "verify_chunks", None)
        parts = parse_v4_header(request.headers.get("authorization", ""))
        if hook is None or parts is None or credentials.secret is None:
            return
        key = signing_key(credentials.secret, parts.scope)
        amz_date = request.headers.get("x-amz-date", "")
        chain = [parts.signature]
        access_key_id = credentials.access_key_id

        def check(signature: str, digest: str) -> None:
            string_to_sign = chunk_string_to_sign(amz_date, parts.scope, chain[0], digest)
            expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
            if not same(expected, signature):
                raise SignatureDoesNotMatch.of(access_key_id, string_to_sign, signature, None)
            chain[0] = signature

        hook(check)

    def kms(self, request: HttpRequest) -> None:
        """Check a KMS request (its payload hash is the SHA-256 of the JSON body, read here and put
        back for the edge)."""
        auth = authentication(request)
        if auth is None:
            return  # the gate answers MissingAuthenticationTokenException
        access_key_id = auth[0]
        credentials = self.registry.get(access_key_id)
        if credentials is None:
            raise UnrecognizedClientException
        if credentials.session_token is not None and _token(request) != credentials.session_token:
            raise UnrecognizedClientException
        self._kms_time(request)
        body: bytes | None = None
        if "x-amz-content-sha256" not in request.headers:
            body = request.read_body()
            request.body = io.BytesIO(body)
        secret = credentials.secret
        if secret is None or check_v4(request, secret, service="kms", body=body) is not None:
            raise InvalidSignatureException


__all__ = ["Authenticator"]

"""Presigned query authentication at the S3 edge (``s3/rest/presign.py``), on HttpRequest values: which
query parameters become headers, and what is refused before anything else is looked at."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.errors.s3 import AccessDenied, AuthorizationQueryParametersError
from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.s3.rest import presign

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def v4_query(signed_headers: str = "host", **extra: str) -> dict[str, str]:
    return {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": "AKID/20260301/us-east-1/s3/aws4_request",
        "X-Amz-Date": "20260301T115900Z",
        "X-Amz-Expires": "300",
        "X-Amz-SignedHeaders": signed_headers,
        "X-Amz-Signature": "0" * 64,
        **extra,
    }


def request(query: dict[str, str], headers: dict[str, str] | None = None) -> HttpRequest:
    return HttpRequest(
        "PUT", "https", "bkt.s3.amazonaws.com", "/k", urlencode(query), headers or {}
    )


def authorize(req: HttpRequest, now: datetime = NOW) -> HttpRequest:
    presign.authorize(req, Clock(now, frozen=True))
    return req


def test_a_request_without_query_auth_is_left_alone():
    req = authorize(request({"x-amz-meta-a": "b", "uploads": ""}))
    assert req.headers == {}


def test_sigv2_query_parameters_become_headers_but_auth_parameters_do_not():
    query = {
        "AWSAccessKeyId": "AKID",
        "Signature": "c2ln",
        "Expires": str(int(NOW.timestamp()) + 60),
        "x-amz-server-side-encryption": "AES256",
        "x-amz-security-token": "token",
        "content-type": "text/plain",  # botocore puts it there too, but S3 reads the header
    }
    assert authorize(request(query)).headers == {"x-amz-server-side-encryption": "AES256"}


def test_a_sent_header_is_never_overridden():
    query = {**v4_query(), "x-amz-meta-colour": "blue"}
    req = authorize(request(query, {"x-amz-meta-colour": "red"}))
    assert req.headers == {"x-amz-meta-colour": "red"}


def test_an_unsigned_sigv4_checksum_parameter_is_ignored_and_a_signed_one_is_lifted():
    # LocalStack's presign validation: AWS ignores x-amz-checksum-* query parameters that are not
    # signed headers (the JavaScript SDK adds one before the checksum is known).
    unsigned = authorize(request(v4_query(**{"x-amz-checksum-crc32": "AAAAAA=="})))
    assert unsigned.headers == {}
    signed = v4_query("host;x-amz-checksum-crc32", **{"x-amz-checksum-crc32": "AAAAAA=="})
    assert authorize(request(signed)).headers == {"x-amz-checksum-crc32": "AAAAAA=="}


def test_expiry_is_inclusive_of_the_last_second():
    assert authorize(request(v4_query()), NOW + timedelta(seconds=240)).headers == {}
    with pytest.raises(AccessDenied) as info:
        authorize(request(v4_query()), NOW + timedelta(seconds=241))
    assert info.value.extra == {
        "X-Amz-Expires": "300",
        "Expires": "2026-03-01T12:04:00Z",
        "ServerTime": "2026-03-01T12:04:01Z",
    }


def test_a_malformed_credential_is_refused():
    # A: LocalStack snapshot test_presigned_double_encoded_credentials.
    query = v4_query(**{"X-Amz-Credential": "AKID/20260301/us-east-1/s3"})
    with pytest.raises(AuthorizationQueryParametersError, match="Credential is mal-formed"):
        authorize(request(query))


def test_a_malformed_x_amz_date_is_refused():
    # T: MinIO and other S3 implementations.
    with pytest.raises(AuthorizationQueryParametersError, match="ISO8601 Long Format"):
        authorize(request(v4_query(**{"X-Amz-Date": "2026-03-01T11:59:00Z"})))


def test_a_sigv2_expires_that_is_not_epoch_seconds_is_access_denied():
    # T: OpenStack Swift's s3api and other S3 implementations.
    query = {"AWSAccessKeyId": "AKID", "Signature": "c2ln", "Expires": "tomorrow"}
    with pytest.raises(AccessDenied, match=r"Invalid date \(should be seconds since epoch\)"):
        authorize(request(query))


def test_an_x_amz_date_in_the_future_is_not_refused():
    # S3 answers "Request is not yet valid"; the engine does not, so an engine clock set in the past
    # still serves URLs botocore signs with the real time (documented in s3/rest/presign.py).
    assert authorize(request(v4_query()), NOW - timedelta(days=365)).headers == {}


def test_importing_the_package_does_not_import_requests():
    # The requests bridge costs ~40 ms of imports: paid at the first activation, not at plugin load.
    code = "import sys, pytest_s3sse; assert 'requests' not in sys.modules, 'requests imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

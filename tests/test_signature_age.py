"""``s3:signatureAge`` in bucket policies: the milliseconds since a request was signed, on the engine clock.

P, S3 API "Amazon S3 Signature Version 4 Authentication Specific Policy Keys"
(https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html;
shared/reference/policy-behaviour.md K17): the key "works for" presigned URLs and presigned POST, is
"always set to 0" in Signature Version 2, and its documented use is a bucket policy that "denies any
Amazon S3 presigned URL request on objects in examplebucket if the signature is more than ten minutes
old" (``"NumericGreaterThan": {"s3:signatureAge": "600000"}``). U: a header-signed SigV4 request is 0
(signed as it is sent); an unsigned request has no such key. docs/policies.md lists the same.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.policy.keys import signature_age
from pytest_s3sse._internal.types import ANONYMOUS, Principal

BUCKET = "bkt"
TEN_MINUTES = 600_000  # ms, the documented example's limit
SIGV4 = Config(signature_version="s3v4", retries={"total_max_attempts": 1})
SIGV2 = Config(signature_version="s3", retries={"total_max_attempts": 1})
TIMEOUT = 5
# P (D2, docs/errors.md): a same-account explicit deny names the caller, the action and the resource.
MSG_DENIED = (
    "User: arn:aws:iam::123456789012:root is not authorized to perform: s3:GetObject on resource: "
    '"arn:aws:s3:::bkt/k" with an explicit deny in a resource-based policy'
)


def _policy(operator: str, value: str, effect: str = "Deny") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SignatureAge",
                    "Effect": effect,
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                    "Condition": {operator: {"s3:signatureAge": value}},
                }
            ],
        }
    )


@pytest.fixture
def older_than_ten_minutes_denied(s3):
    """The documented policy: any request whose signature is more than ten minutes old is denied."""
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    s3.put_bucket_policy(Bucket=BUCKET, Policy=_policy("NumericGreaterThan", str(TEN_MINUTES)))


def _get(url: str) -> requests.Response:
    return requests.get(url, timeout=TIMEOUT)


def _presigned_get(make_client, config: Config = SIGV4) -> str:
    signer = make_client(config=config)
    params = {"Bucket": BUCKET, "Key": "k"}
    return signer.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)


# -- presigned URLs ------------------------------------------------------------------------------
def test_a_fresh_presigned_url_passes_a_signature_age_limit(
    make_client, older_than_ten_minutes_denied
):
    response = _get(_presigned_get(make_client))
    assert (response.status_code, response.content) == (200, b"data")


def test_a_presigned_url_signed_more_than_ten_minutes_ago_is_denied(
    s3sse, make_client, older_than_ten_minutes_denied
):
    # P: the documented policy. The URL itself is valid for an hour: the policy refuses it.
    url = _presigned_get(make_client)
    s3sse.clock.advance(seconds=601)
    response = _get(url)
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content
    assert MSG_DENIED.encode() in response.content


def test_a_presigned_url_just_under_the_limit_is_served(
    s3sse, make_client, older_than_ten_minutes_denied
):
    # X-Amz-Date has whole seconds: 598 s after signing the age is under 600,000 ms.
    url = _presigned_get(make_client)
    s3sse.clock.advance(seconds=598)
    assert _get(url).status_code == 200


def test_a_sigv2_presigned_url_is_always_age_zero(
    s3sse, make_client, older_than_ten_minutes_denied
):
    # P: "In Signature Version 2, this value is always set to 0."
    url = _presigned_get(make_client, SIGV2)
    s3sse.clock.advance(seconds=1800)
    assert _get(url).status_code == 200


def test_header_signed_sdk_calls_are_not_aged_by_moving_the_clock(
    s3sse, s3, make_client, older_than_ten_minutes_denied
):
    # U: a header-signed request is 0 (signed as it is sent); boto3 dates it by its own clock.
    s3sse.clock.advance(seconds=3600)
    assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"data"


def test_the_explanation_names_the_signature_age_that_was_denied(
    s3sse, make_client, older_than_ten_minutes_denied
):
    url = _presigned_get(make_client)
    s3sse.clock.advance(seconds=700)
    response = _get(url)
    assert response.status_code == 403
    why = str(s3sse.explain(response.headers["x-amz-request-id"]))
    assert "s3:signatureAge" in why
    assert re.search(r'request "700\d{3}" -> true', why)  # 700 s, and the part of a second


# -- presigned POST ------------------------------------------------------------------------------
def _post(presigned: dict[str, Any]) -> requests.Response:
    return requests.post(
        presigned["url"], data=presigned["fields"], files={"file": b"form"}, timeout=TIMEOUT
    )


def test_a_presigned_post_signed_more_than_ten_minutes_ago_is_denied(
    s3sse, make_client, older_than_ten_minutes_denied
):
    # P: the key "works for" presigned POST too; its age is the form's X-Amz-Date.
    presigned = make_client(config=SIGV4).generate_presigned_post(BUCKET, "form", ExpiresIn=3600)
    assert _post(presigned).status_code == 204
    s3sse.clock.advance(seconds=601)
    response = _post(presigned)
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content


# -- allowing by age -----------------------------------------------------------------------------
def test_an_allow_under_an_age_limit_grants_another_account_a_fresh_presigned_url(
    s3sse, s3, make_client
):
    # Cross-account access needs the bucket policy's Allow: NumericLessThan holds for a fresh URL
    # and fails once the signature is older than the limit.
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    s3.delete_public_access_block(Bucket=BUCKET)
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=_policy("NumericLessThan", str(TEN_MINUTES), effect="Allow")
    )
    other = make_client(config=SIGV4, **s3sse.principal("arn:aws:iam::222222222222:user/other"))
    url = other.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"})
    assert _get(url).status_code == 200
    s3sse.clock.advance(seconds=601)
    assert _get(url).status_code == 403
    # U: the same caller's header-signed call is 0 ms old, so the Allow still holds.
    assert other.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"data"


# -- over the local endpoint ---------------------------------------------------------------------
@pytest.mark.s3sse_server(https=False)
def test_the_local_endpoint_denies_an_old_presigned_url_too(s3sse, s3sse_server):
    client = boto3.client("s3", **(s3sse_server.client_kwargs() | {"config": SIGV4}))
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    client.put_bucket_policy(Bucket=BUCKET, Policy=_policy("NumericGreaterThan", str(TEN_MINUTES)))
    url = client.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "k"})
    assert _get(url).status_code == 200
    s3sse.clock.advance(seconds=601)
    assert _get(url).status_code == 403


# -- the value, from the request context ---------------------------------------------------------
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
USER = Principal("111122223333", "arn:aws:iam::111122223333:user/alice")


def _context(**changes: Any) -> RequestContext:
    return RequestContext(USER, "req", NOW, "us-east-1")._replace(**changes)


def _stamp(delta: timedelta) -> str:
    return (NOW - delta).strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.parametrize("method", ["QueryString", "POST"])
def test_a_presigned_signature_is_as_old_as_its_date_in_milliseconds(method):
    context = _context(auth_method=method, signed_at=_stamp(timedelta(minutes=10, seconds=1)))
    assert signature_age(context) == "601000"


def test_a_signature_dated_after_the_engine_clock_is_age_zero():
    # U: a clock set before the signature (a frozen clock in the past) never gives a negative age.
    context = _context(auth_method="QueryString", signed_at=_stamp(timedelta(hours=-1)))
    assert signature_age(context) == "0"


@pytest.mark.parametrize("method", ["AuthHeader", "QueryString", "POST"])
def test_every_sigv2_signature_is_age_zero(method):
    # P: "always set to 0" in Signature Version 2.
    assert signature_age(_context(signature_version="SigV2", auth_method=method)) == "0"


def test_a_header_signed_sigv4_request_is_age_zero():
    assert signature_age(_context()) == "0"  # U (module doc)


def test_an_unsigned_request_has_no_signature_age():
    context = _context(principal=ANONYMOUS, signature_version=None, auth_method=None)
    assert signature_age(context) is None

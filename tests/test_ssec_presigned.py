"""SSE-C through presigned URLs fetched with ``requests``: the key still travels with the request.

P (AWS user guide, "Specifying server-side encryption with customer-provided keys", presigned URLs
and SSE-C; AWS Developer Tools Blog "Generating Amazon S3 Pre-signed URLs with SSE-C"): a URL signed
with SigV4 covers the SSE-C headers, and whoever uses it must send them. S (aws/aws-sdk-ruby
discussion #2810): when an SDK hoists them into the query string instead (botocore does for SigV2),
S3 reads them there.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests
from botocore.config import Config
from sse_c_support import KEY, KEY_MD5, MSG_INSECURE, MSG_KEY_REQUIRED, b64, sse_c

SIGV4 = Config(signature_version="s3v4")
TIMEOUT = 5
HEADERS = {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": b64(KEY),
    "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5,
}


def _message(response: requests.Response) -> str:
    return ET.fromstring(response.content).findtext("Message") or ""


@pytest.fixture
def sigv4(make_client):
    return make_client(config=SIGV4)


@pytest.fixture
def stored(s3, ssec_bucket):
    s3.put_object(Bucket=ssec_bucket, Key="k", Body=b"secret", **sse_c())
    return "k"


def _url(client, method, bucket, key):
    params = {"Bucket": bucket, "Key": key, **sse_c()}
    return client.generate_presigned_url(method, Params=params, ExpiresIn=60)


def test_a_sigv4_presigned_get_with_the_sse_c_headers_serves_the_object(sigv4, ssec_bucket, stored):
    url = _url(sigv4, "get_object", ssec_bucket, stored)
    assert "x-amz-server-side-encryption-customer-key-md5" in url  # a signed header, not a value
    response = requests.get(url, headers=HEADERS, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secret")
    assert response.headers["x-amz-server-side-encryption-customer-key-md5"] == KEY_MD5


def test_a_sigv4_presigned_get_without_the_headers_is_r1(sigv4, ssec_bucket, stored):
    """R1 (A): the URL alone does not carry the key."""
    response = requests.get(_url(sigv4, "get_object", ssec_bucket, stored), timeout=TIMEOUT)
    assert (response.status_code, _message(response)) == (400, MSG_KEY_REQUIRED)


def test_a_sigv4_presigned_put_with_the_headers_stores_an_sse_c_object(
    sigv4, s3, s3sse, ssec_bucket
):
    url = _url(sigv4, "put_object", ssec_bucket, "up")
    response = requests.put(url, data=b"uploaded", headers=HEADERS, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
    s3sse.assert_readable_only_with(ssec_bucket, "up", KEY)
    assert s3.get_object(Bucket=ssec_bucket, Key="up", **sse_c())["Body"].read() == b"uploaded"


def test_a_sigv2_presigned_get_carries_the_key_in_its_query(make_client, ssec_bucket, stored):
    """botocore's default presigner (SigV2) hoists the SSE-C headers into the query string (S)."""
    url = _url(make_client(), "get_object", ssec_bucket, stored)
    assert "x-amz-server-side-encryption-customer-key=" in url
    response = requests.get(url, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secret")


def test_a_presigned_sse_c_get_over_plain_http_is_c8(make_client, ssec_bucket, stored):
    """C8 (P; code U): a URL presigned for a plain-HTTP endpoint cannot carry SSE-C."""
    http_presigner = make_client(endpoint_url="http://localhost:9000", config=SIGV4)
    url = _url(http_presigner, "get_object", ssec_bucket, stored)
    response = requests.get(url, headers=HEADERS, timeout=TIMEOUT)
    assert (response.status_code, _message(response)) == (400, MSG_INSECURE)

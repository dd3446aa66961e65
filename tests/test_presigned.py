"""Presigned URLs fetched with ``requests``: answered in-process by the same engine as botocore.

Expiry and parameter errors cite their sources as docs/errors.md does (A: LocalStack's AWS-validated
snapshots ``TestS3PresignedUrl`` or an AWS answer quoted in a public issue; T: other S3
implementations). Signatures are not verified (the engine has no secret keys).
"""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import boto3
import pytest
import requests
import responses
from botocore.config import Config

from pytest_s3sse import RealAWSCallBlockedError, add_s3sse_passthru, mock_s3sse

SIGV4 = Config(signature_version="s3v4")
FLAVOURS = [pytest.param(SIGV4, id="sigv4"), pytest.param(None, id="sigv2-default")]
TIMEOUT = 5


@pytest.fixture
def presigner(make_client):
    """A client that only signs URLs (sigv4 when given SIGV4, botocore's default SigV2 otherwise)."""

    def make(config=None, **kwargs):
        if config is not None:
            kwargs["config"] = config
        return make_client(**kwargs)

    return make


def error_of(response: requests.Response) -> dict[str, str]:
    """The S3 error document's elements, in order."""
    root = ET.fromstring(response.content)
    return {child.tag: child.text or "" for child in root}


def with_query(url: str, **changes: str | None) -> str:
    """``url`` with query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in changes.items():
        name = key.replace("_", "-")
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- round trips --------------------------------------------------------------------------------
@pytest.mark.parametrize("config", FLAVOURS)
def test_a_presigned_get_is_answered_from_the_store(s3, bucket, presigner, config):
    s3.put_object(Bucket=bucket, Key="dir/a b+c.txt", Body=b"payload")
    url = presigner(config).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "dir/a b+c.txt"}, ExpiresIn=60
    )
    assert ("X-Amz-Signature=" in url) == (config is SIGV4)
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.content == b"payload"
    assert response.headers["x-amz-server-side-encryption"] == "AES256"
    assert response.headers["content-length"] == "7"


@pytest.mark.parametrize("config", FLAVOURS)
def test_a_presigned_put_stores_the_body(s3, bucket, presigner, config, s3sse):
    url = presigner(config).generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "up"}, ExpiresIn=60
    )
    response = requests.put(url, data=b"uploaded", timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["etag"] == f'"{hashlib.md5(b"uploaded").hexdigest()}"'
    assert s3.get_object(Bucket=bucket, Key="up")["Body"].read() == b"uploaded"
    s3sse.assert_encrypted(bucket, "up", "AES256")


def test_a_file_like_body_is_uploaded(s3, bucket, presigner):
    url = presigner(SIGV4).generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "file"}
    )
    assert requests.put(url, data=io.BytesIO(b"from a file"), timeout=TIMEOUT).ok
    assert s3.get_object(Bucket=bucket, Key="file")["Body"].read() == b"from a file"


def test_a_generator_body_is_refused_as_s3_refuses_chunked_uploads(s3, bucket, presigner):
    """requests sends an iterable body with ``Transfer-Encoding: chunked``, which S3 answers 501
    NotImplemented naming the header (A reported, full XML: Automattic/knox#43, chilts/awssum#30,
    irods/irods_resource_plugin_s3#2301); nothing is stored."""
    url = presigner(SIGV4).generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "gen"}
    )
    chunks = (piece for piece in (b"abc", "d\u00e9f", b"", b"x" * 70_000))
    response = requests.put(url, data=chunks, timeout=TIMEOUT)
    assert response.status_code == 501
    assert "<Code>NotImplemented</Code>" in response.text
    assert "<Header>Transfer-Encoding</Header>" in response.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_a_chunked_upload_part_is_refused_as_s3_refuses_it(s3, bucket, presigner):
    """UploadPart with ``Transfer-Encoding: chunked``: 501 naming the header (A reported:
    chilts/awssum#30); the upload keeps no part."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    url = presigner(SIGV4).generate_presigned_url(
        "upload_part",
        Params={"Bucket": bucket, "Key": "big", "UploadId": upload, "PartNumber": 1},
    )
    response = requests.put(url, data=(c for c in (b"part", b" one")), timeout=TIMEOUT)
    assert response.status_code == 501
    assert "<Header>Transfer-Encoding</Header>" in response.text
    parts = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload)
    assert parts.get("Parts", []) == []


@pytest.mark.parametrize("config", FLAVOURS)
def test_a_presigned_head_answers_headers_and_no_body(s3, bucket, presigner, config):
    s3.put_object(Bucket=bucket, Key="k", Body=b"12345")
    url = presigner(config).generate_presigned_url(
        "head_object", Params={"Bucket": bucket, "Key": "k"}
    )
    response = requests.head(url, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["content-length"] == "5"
    assert response.content == b""


def test_a_missing_key_is_s3s_error_document(bucket, presigner):
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "missing"}
    )
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 404
    assert error_of(response)["Code"] == "NoSuchKey"


def test_a_large_object_streams_with_stream_true(s3, bucket, presigner):
    body = bytes(range(256)) * (5 * 4096 + 3)  # over 5 MiB: decrypted on the fly
    s3.put_object(Bucket=bucket, Key="big", Body=body)
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "big"}
    )
    with requests.get(url, stream=True, timeout=TIMEOUT) as response:
        digest = hashlib.sha256()
        for chunk in response.iter_content(64 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize(
    "s3_config",
    [
        {"addressing_style": "path"},  # https://s3.amazonaws.com/bkt/k
        {"addressing_style": "virtual"},  # https://bkt.s3.amazonaws.com/k
        {"use_dualstack_endpoint": True},  # https://bkt.s3.dualstack.us-east-1.amazonaws.com/k
        {"use_accelerate_endpoint": True},  # https://bkt.s3-accelerate.amazonaws.com/k
    ],
)
def test_every_s3_host_style_is_answered(s3, bucket, presigner, s3_config):
    s3.put_object(Bucket=bucket, Key="k", Body=b"styled")
    signer = presigner(Config(signature_version="s3v4", s3=s3_config))
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert requests.get(url, timeout=TIMEOUT).content == b"styled"


@pytest.mark.parametrize("config", FLAVOURS)
@pytest.mark.parametrize(
    ("endpoint_url", "addressing"),
    [("http://localhost:4566", "path"), ("http://localhost:4566", "virtual")],
)
def test_a_url_presigned_for_a_custom_endpoint_is_served(
    s3, bucket, presigner, config, endpoint_url, addressing
):
    # localhost:4566 is no AWS host: the presigned query auth is what says "S3".
    s3.put_object(Bucket=bucket, Key="k", Body=b"local")
    merged = Config(s3={"addressing_style": addressing})
    signer = presigner(config.merge(merged) if config else merged, endpoint_url=endpoint_url)
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert url.startswith(("http://localhost:4566/bkt/", "http://bkt.localhost:4566/"))
    assert requests.get(url, timeout=TIMEOUT).content == b"local"


# -- headers carried by the URL ----------------------------------------------------------------
def test_sigv4_sse_is_a_signed_header_the_client_sends(s3, bucket, presigner, s3sse):
    url = presigner(SIGV4).generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "sse", "ServerSideEncryption": "AES256"}
    )
    assert (
        "x-amz-server-side-encryption"
        in dict(parse_qsl(urlsplit(url).query))["X-Amz-SignedHeaders"]
    )
    response = requests.put(
        url, data=b"x", headers={"x-amz-server-side-encryption": "AES256"}, timeout=TIMEOUT
    )
    assert response.status_code == 200
    assert response.headers["x-amz-server-side-encryption"] == "AES256"
    s3sse.assert_encrypted(bucket, "sse", "AES256")


def test_a_sigv4_sse_header_the_client_sends_is_checked(bucket, presigner):
    # The header reaches the engine's SSE rules: an unknown algorithm is S3's InvalidArgument (W1).
    url = presigner(SIGV4).generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "sse", "ServerSideEncryption": "AES512"}
    )
    response = requests.put(
        url, data=b"x", headers={"x-amz-server-side-encryption": "AES512"}, timeout=TIMEOUT
    )
    assert response.status_code == 400
    assert error_of(response)["ArgumentName"] == "x-amz-server-side-encryption"


def test_sigv2_carries_x_amz_headers_in_the_query_and_they_apply(s3, bucket, presigner, s3sse):
    url = presigner().generate_presigned_url(
        "put_object",
        Params={
            "Bucket": bucket,
            "Key": "v2",
            "ServerSideEncryption": "AES256",
            "Metadata": {"colour": "blue"},
        },
    )
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["x-amz-server-side-encryption"] == "AES256"
    assert query["x-amz-meta-colour"] == "blue"
    response = requests.put(url, data=b"x", timeout=TIMEOUT)  # no headers sent at all
    assert response.headers["x-amz-server-side-encryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="v2")["Metadata"] == {"colour": "blue"}
    s3sse.assert_encrypted(bucket, "v2", "AES256")


def test_a_header_actually_sent_wins_over_the_query(s3, bucket, presigner):
    url = presigner().generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "Metadata": {"colour": "blue"}}
    )
    requests.put(url, data=b"x", headers={"x-amz-meta-colour": "red"}, timeout=TIMEOUT)
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"colour": "red"}


# -- expiry against the engine clock -----------------------------------------------------------
@pytest.mark.parametrize("config", FLAVOURS)
def test_a_url_is_served_until_it_expires(s3, bucket, presigner, config, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner(config).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=600
    )
    s3sse.clock.advance(590)
    assert requests.get(url, timeout=TIMEOUT).status_code == 200
    s3sse.clock.advance(11)
    assert requests.get(url, timeout=TIMEOUT).status_code == 403


def test_an_expired_sigv4_url_is_403_request_has_expired(s3, bucket, presigner, s3sse):
    # A: LocalStack snapshot test_s3_presigned_url_expired[s3v4]; element order and time format from
    # AWS's answer quoted in aws/aws-sdk-php#1333.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60
    )
    s3sse.clock.advance(61)
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 403
    error = error_of(response)
    assert list(error)[:5] == ["Code", "Message", "X-Amz-Expires", "Expires", "ServerTime"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == "Request has expired"
    assert error["X-Amz-Expires"] == "60"
    signed = dict(parse_qsl(urlsplit(url).query))["X-Amz-Date"]
    assert error["Expires"][:10].replace("-", "") == signed[:8]
    assert error["ServerTime"] > error["Expires"]
    assert error["ServerTime"].endswith("Z")


def test_an_expired_sigv2_url_is_403_with_expires_and_server_time(s3, bucket, presigner, s3sse):
    # A: LocalStack snapshot test_s3_presigned_url_expired[s3]; shape from AWS's answer quoted in
    # aws/aws-sdk-js#3493.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner().generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60
    )
    s3sse.clock.advance(61)
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 403
    error = error_of(response)
    assert list(error)[:4] == ["Code", "Message", "Expires", "ServerTime"]
    assert (error["Code"], error["Message"]) == ("AccessDenied", "Request has expired")


def test_an_expired_presigned_head_is_403_with_no_body(s3, bucket, presigner, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner(SIGV4).generate_presigned_url(
        "head_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1
    )
    s3sse.clock.advance(5)
    response = requests.head(url, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (403, b"")


def test_x_amz_expires_over_a_week_is_refused(bucket, presigner):
    # A (reported): AWS's answer quoted in bryanjos/aws_auth#31 and aws/aws-cli#5464.
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604801
    )
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 400
    error = error_of(response)
    assert error["Code"] == "AuthorizationQueryParametersError"
    assert error["Message"] == (
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
        "must be less than 604800 seconds"
    )


def test_a_week_exactly_is_allowed(s3, bucket, presigner):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604800
    )
    assert requests.get(url, timeout=TIMEOUT).status_code == 200


def test_an_incomplete_sigv4_query_is_authorization_query_parameters_error(bucket, presigner):
    # A: LocalStack snapshot test_s3_put_presigned_url_missing_sig_param[s3v4] (X-Amz-Date removed).
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}
    )
    response = requests.get(with_query(url, X_Amz_Date=None), timeout=TIMEOUT)
    assert response.status_code == 400
    error = error_of(response)
    assert error["Code"] == "AuthorizationQueryParametersError"
    assert error["Message"].startswith("Query-string authentication version 4 requires")


def test_an_incomplete_sigv2_query_is_access_denied(bucket, presigner):
    # A: LocalStack snapshot test_s3_put_presigned_url_missing_sig_param[s3] (Expires removed).
    url = presigner().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    response = requests.get(with_query(url, Expires=None), timeout=TIMEOUT)
    assert response.status_code == 403
    assert error_of(response)["Message"] == (
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"
    )


@pytest.mark.parametrize(
    ("expires", "message"),
    [
        ("soon", "X-Amz-Expires should be a number"),  # T: MinIO, noobaa, ceph-compatible gateways
        ("-1", "X-Amz-Expires must be non-negative"),  # T
    ],
)
def test_a_malformed_x_amz_expires_is_refused(bucket, presigner, expires, message):
    url = presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}
    )
    response = requests.get(with_query(url, X_Amz_Expires=expires), timeout=TIMEOUT)
    assert response.status_code == 400
    assert error_of(response)["Message"] == message


# -- what else requests reaches --------------------------------------------------------------
def test_another_aws_service_through_requests_is_blocked(s3sse):
    with pytest.raises(RealAWSCallBlockedError, match="'sqs'"):
        requests.get("https://sqs.us-east-1.amazonaws.com/?Action=ListQueues", timeout=TIMEOUT)


def test_a_url_signed_for_another_service_on_a_custom_host_is_blocked(s3sse):
    url = (
        "http://localhost:4566/?Action=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Signature=00"
    )
    with pytest.raises(RealAWSCallBlockedError, match="'sqs'"):
        requests.get(url, timeout=TIMEOUT)


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from the network"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    """A real HTTP server on the loopback interface, for the duration of one test."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def test_a_non_aws_host_passes_through_to_the_network(s3sse, local_server):
    with requests.Session() as session:
        response = session.get(f"{local_server}/hello?Signature=not-aws", timeout=TIMEOUT)
    assert response.content == b"hello from the network"


# -- coexistence with a user's own responses mock ----------------------------------------------
@pytest.fixture
def object_url(s3, bucket, presigner) -> str:
    s3.put_object(Bucket=bucket, Key="k", Body=b"from the engine")
    return presigner(SIGV4).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}
    )


def test_a_users_mock_started_after_the_engine_refuses_s3_without_the_passthru(object_url):
    with responses.RequestsMock() as user_mock:
        user_mock.get("https://api.example.test/v1", json={"ok": True})
        assert requests.get("https://api.example.test/v1", timeout=TIMEOUT).json() == {"ok": True}
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get(object_url, timeout=TIMEOUT)


def test_add_s3sse_passthru_lets_s3_through_a_users_mock(object_url):
    with responses.RequestsMock() as user_mock:
        add_s3sse_passthru(user_mock)
        add_s3sse_passthru(user_mock)  # idempotent
        user_mock.get("https://api.example.test/v1", json={"ok": True})
        assert requests.get(object_url, timeout=TIMEOUT).content == b"from the engine"
        assert requests.get("https://api.example.test/v1", timeout=TIMEOUT).json() == {"ok": True}
        with pytest.raises(RealAWSCallBlockedError, match="'sqs'"):
            requests.get("https://sqs.us-east-1.amazonaws.com/", timeout=TIMEOUT)
        assert [call.request.url for call in user_mock.calls] == ["https://api.example.test/v1"]


def test_a_users_registered_aws_url_keeps_priority_over_the_passthru(s3sse):
    with responses.RequestsMock() as user_mock:
        add_s3sse_passthru(user_mock)
        user_mock.get("https://sqs.us-east-1.amazonaws.com/", body="mocked by the user")
        assert requests.get("https://sqs.us-east-1.amazonaws.com/", timeout=TIMEOUT).text == (
            "mocked by the user"
        )


def test_a_users_mock_started_before_the_engine_is_chained():
    with responses.RequestsMock() as user_mock:
        user_mock.get("https://api.example.test/v1", json={"ok": True})
        user_mock.get("https://sqs.us-east-1.amazonaws.com/", body="mocked by the user")
        with mock_s3sse():
            s3 = boto3.client("s3", region_name="us-east-1", config=SIGV4)
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=b"from the engine")
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
            assert requests.get(url, timeout=TIMEOUT).content == b"from the engine"
            assert requests.get("https://api.example.test/v1", timeout=TIMEOUT).ok
            # Not blocked: the user's mock, not the network, is below the engine.
            assert requests.get("https://sqs.us-east-1.amazonaws.com/", timeout=TIMEOUT).text == (
                "mocked by the user"
            )
            with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
                requests.get("https://unmocked.example.test/", timeout=TIMEOUT)


@responses.activate
def test_the_documented_responses_activate_pattern(object_url):
    add_s3sse_passthru(responses.mock)
    responses.get("https://api.example.test/users/1", json={"name": "Ann"})
    assert requests.get(object_url, timeout=TIMEOUT).content == b"from the engine"
    assert requests.get("https://api.example.test/users/1", timeout=TIMEOUT).json()["name"] == "Ann"

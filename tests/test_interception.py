"""Interception: which requests the engine answers, the guard against real AWS, and a clean botocore
after deactivation."""

from __future__ import annotations

import os
import threading

import boto3
import botocore.endpoint
import botocore.handlers
import botocore.signers
import pytest
import requests.adapters
import responses
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from pytest_s3sse import InternalEngineError, RealAWSCallBlockedError, mock_s3sse
from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.wire.dispatch import dispatch
from tests.conftest import NO_RETRY

CREDS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret"}


def _client(**kwargs):
    kwargs.setdefault("region_name", "us-east-1")
    kwargs["config"] = NO_RETRY.merge(kwargs["config"]) if "config" in kwargs else NO_RETRY
    return boto3.client("s3", **CREDS, **kwargs)


def test_a_client_built_before_activation_is_answered_in_process():
    early = _client()
    with mock_s3sse():
        early.create_bucket(Bucket="made-early")
        assert [b["Name"] for b in early.list_buckets()["Buckets"]] == ["made-early"]


def test_a_client_built_before_activation_without_credentials_is_answered(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    early = boto3.session.Session().client("s3", region_name="us-east-1", config=NO_RETRY)
    with mock_s3sse():
        early.create_bucket(Bucket="no-creds")
        late = boto3.session.Session().client("s3", region_name="us-east-1", config=NO_RETRY)
        assert late.head_bucket(Bucket="no-creds")["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize(
    ("endpoint_url", "addressing"),
    [
        (None, "auto"),  # virtual-hosted https://bkt.s3.amazonaws.com, aws-chunked bodies
        (None, "path"),  # https://s3.amazonaws.com/bkt
        ("http://localhost:4566", "auto"),  # custom endpoint: path-style, plain bodies
        ("http://localhost:4566", "virtual"),  # http://bkt.localhost:4566
        ("https://minio.example.test:9000", "auto"),
    ],
)
def test_every_addressing_style_and_endpoint_reaches_the_same_store(endpoint_url, addressing):
    with mock_s3sse():
        writer = _client(
            endpoint_url=endpoint_url, config=Config(s3={"addressing_style": addressing})
        )
        reader = _client()
        writer.create_bucket(Bucket="bkt")
        writer.put_object(Bucket="bkt", Key="dir/a b+c.txt", Body=b"payload")
        assert reader.get_object(Bucket="bkt", Key="dir/a b+c.txt")["Body"].read() == b"payload"


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2"])
def test_any_region_is_answered(region):
    with mock_s3sse():
        s3 = _client(region_name=region)
        config = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        s3.create_bucket(Bucket="bkt", **config)
        assert s3.get_bucket_location(Bucket="bkt")["LocationConstraint"] == (
            None if region == "us-east-1" else region
        )


def test_another_service_fails_at_once_with_an_error_that_names_it():
    with mock_s3sse():
        sqs = boto3.client("sqs", region_name="us-east-1", config=NO_RETRY, **CREDS)
        with pytest.raises(RealAWSCallBlockedError, match="'sqs'"):
            sqs.list_queues()


def test_a_service_client_built_before_activation_is_blocked_too():
    dynamodb = boto3.client("dynamodb", region_name="us-east-1", config=NO_RETRY, **CREDS)
    with mock_s3sse(), pytest.raises(RealAWSCallBlockedError, match="'dynamodb'"):
        dynamodb.list_tables()


def test_an_unimplemented_s3_operation_answers_501_naming_it(s3, bucket):
    # S3's NotImplemented code and status (AWS ErrorResponses); the message names the operation.
    with pytest.raises(ClientError) as info:
        s3.get_bucket_website(Bucket=bucket)
    error = info.value.response["Error"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Code"] == "NotImplemented"
    assert "GetBucketWebsite" in error["Message"]


def test_every_response_carries_a_request_id(s3, bucket):
    meta = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]
    assert len(meta["RequestId"]) == 16
    assert meta["HostId"]


def test_errors_carry_a_request_id_too(s3):
    with pytest.raises(ClientError) as info:
        s3.head_bucket(Bucket="missing")
    assert info.value.response["ResponseMetadata"]["RequestId"]


def _botocore_state():
    return (
        list(botocore.handlers.BUILTIN_HANDLERS),
        botocore.endpoint.Endpoint.__dict__["_send"],
        botocore.signers.RequestSigner.__dict__["get_auth_instance"],
        {k: v for k, v in os.environ.items() if k.startswith("AWS_")},
    )


def test_deactivation_restores_botocore_exactly():
    before = _botocore_state()
    with mock_s3sse():
        assert _botocore_state() != before
    assert _botocore_state() == before


def test_nested_engines_restore_botocore_only_when_the_last_stops():
    before = _botocore_state()
    with mock_s3sse() as outer:
        s3 = _client()
        s3.create_bucket(Bucket="outer")
        with mock_s3sse():
            assert s3.list_buckets()["Buckets"] == []  # the innermost engine answers
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["outer"]
        assert outer.active
    assert _botocore_state() == before


def test_after_deactivation_requests_go_to_the_network_again():
    with mock_s3sse():
        pass
    s3 = _client(endpoint_url="http://127.0.0.1:9", config=Config(connect_timeout=1))
    with pytest.raises(EndpointConnectionError):
        s3.list_buckets()


def test_requests_from_worker_threads_are_answered(s3, bucket):
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            s3.put_object(Bucket=bucket, Key=f"t/{n}", Body=str(n).encode())
            assert s3.get_object(Bucket=bucket, Key=f"t/{n}")["Body"].read() == str(n).encode()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(s3.head_object(Bucket=bucket, Key=f"t/{n}")["ContentLength"] for n in range(16))


def test_a_method_s3_does_not_allow_is_405(s3, bucket):
    # MethodNotAllowed 405 (AWS ErrorResponses), raised from an event hook that rewrites the method:
    # a POST to an object without a sub-resource (a POST to a bucket is PostObject's: 412 unless
    # it is a form, tests/test_post_object.py).
    def to_post(request, **_):
        request.method = "POST"

    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.meta.events.register_first("before-sign.s3.HeadObject", to_post)
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key="k")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405


def _requests_send():
    return requests.adapters.HTTPAdapter.__dict__["send"]


def test_deactivation_restores_requests_exactly():
    before = _requests_send()
    with mock_s3sse():
        assert _requests_send() is not before
        with mock_s3sse():
            pass
        assert _requests_send() is not before  # the outer engine still answers
    assert _requests_send() is before


def test_a_responses_mock_inside_the_engine_leaves_requests_restored():
    before = _requests_send()
    with mock_s3sse(), responses.RequestsMock():
        pass
    assert _requests_send() is before


def test_a_responses_mock_that_outlives_the_engine_is_not_clobbered():
    before = _requests_send()
    user_mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    engine = mock_s3sse().start()
    user_mock.start()
    try:
        engine.stop()  # out of order: the user's mock is still patched on top, and stays active
        assert getattr(_requests_send(), "__module__", None) == "responses"
    finally:
        user_mock.stop()  # puts back what it found: the engine's wrapper, dormant now
    with mock_s3sse():
        pass
    assert _requests_send() is before  # the next deactivation removes it


def test_an_engine_bug_is_labelled_and_never_shows_the_query_string():
    class Broken:
        def dispatch(self, request):
            raise KeyError("boom")

        def describe_unserved(self, request):
            return ""

    request = HttpRequest(
        "GET",
        "https",
        "bkt.s3.amazonaws.com",
        "/k",
        query="x-amz-server-side-encryption-customer-key=SECRET",
    )
    with pytest.raises(InternalEngineError) as info:
        dispatch(Broken(), request)
    assert "GET https://bkt.s3.amazonaws.com/k" in str(info.value)
    assert "SECRET" not in str(info.value)


def test_with_no_region_configured_anywhere_clients_get_the_engines_region(monkeypatch, tmp_path):
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent-config"))
    with mock_s3sse(region="eu-west-2"):
        kms = boto3.client("kms", config=NO_RETRY)  # KMS, unlike S3, needs a region
        assert kms.meta.region_name == "eu-west-2"
        assert kms.create_key()["KeyMetadata"]["Arn"].startswith("arn:aws:kms:eu-west-2:")
    assert "AWS_DEFAULT_REGION" not in os.environ


def test_a_configured_region_is_left_in_charge(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    with mock_s3sse(region="eu-west-2"):
        assert boto3.client("kms", config=NO_RETRY).meta.region_name == "ap-south-1"

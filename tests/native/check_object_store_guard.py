"""Clients on Rust's object_store (polars, obstore) built while an engine is active, without an
endpoint, are stopped by a guard server with an error naming the client and the way out, the local
endpoint (issue 16: "no request of any client reaches the network while the engine is active, or a
clear error names the client and the way out"; wire/object_store_guard.py).

The guard is reached through ``AWS_ENDPOINT``, which object_store reads and no AWS SDK does; a client
given the local endpoint, by its own options or by the environment, is never stopped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import boto3
import pytest
from clients_support import object_store_config

from pytest_s3sse import mock_s3sse
from pytest_s3sse._internal.wire import activation, object_store_guard
from pytest_s3sse._internal.wire.guard import Guard

pl = pytest.importorskip("polars", reason="polars is not installed (it comes with [test])")
obs = pytest.importorskip("obstore", reason="obstore is not installed (it comes with [test])")

from obstore.exceptions import PermissionDeniedError  # noqa: E402
from obstore.store import S3Store  # noqa: E402

NO_RETRY = {"max_retries": 0}


@pytest.fixture(autouse=True)
def no_user_endpoint(monkeypatch):
    """A machine whose environment names no endpoint of its own."""
    for name in (*object_store_guard.ENDPOINT_VARIABLES, "AWS_ALLOW_HTTP"):
        monkeypatch.delenv(name, raising=False)


def test_polars_without_an_endpoint_is_stopped_naming_polars_and_the_local_endpoint(s3sse):
    before = len(object_store_guard.blocked)
    with pytest.raises(PermissionError, match="<Code>RealAWSCallBlocked</Code>") as err:
        pl.read_parquet("s3://bkt/frame.parquet", storage_options=NO_RETRY)
    assert "pytest-s3sse stopped a request of polars to AWS (GET /bkt/frame.parquet)" in str(
        err.value
    )
    assert "the s3sse_server fixture" in str(err.value)
    assert len(object_store_guard.blocked) > before  # it reached the guard, not the network


def test_obstore_without_an_endpoint_is_stopped_naming_object_store(s3sse):
    store = S3Store("bkt", retry_config={"max_retries": 0, "backoff": {},
                                         "retry_timeout": timedelta(seconds=5)})  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="RealAWSCallBlocked") as err:
        obs.put(store, "k", b"never sent to AWS")
    assert "a request of an object_store client (obstore" in str(err.value)


def test_a_subprocess_that_inherits_the_environment_is_stopped_too(s3sse):
    child = "import polars as pl; pl.read_parquet('s3://bkt/x.parquet', storage_options={'max_retries': 0})"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", child],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "<Code>RealAWSCallBlocked</Code>" in done.stderr


def test_a_client_given_the_local_endpoint_in_its_options_is_served(s3sse_server, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(s3sse_server.ca_bundle))
    boto3.client("s3").create_bucket(Bucket="bkt")
    assert os.environ["AWS_ENDPOINT"] == object_store_guard.endpoint_url()  # the guard is set
    options = object_store_config(s3sse_server, **NO_RETRY)
    pl.DataFrame({"n": [1]}).write_parquet("s3://bkt/f.parquet", storage_options=options)
    s3sse_server.assert_encrypted("bkt", "f.parquet", "SSE-S3")


def test_a_client_given_the_local_endpoint_by_the_environment_later_is_served(
    s3sse_server, monkeypatch
):
    # object_store applies AWS_* variables in the environment's order: one set after activation
    # comes after AWS_ENDPOINT, and wins.
    boto3.client("s3").create_bucket(Bucket="bkt")
    monkeypatch.setenv("SSL_CERT_FILE", str(s3sse_server.ca_bundle))
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3sse_server.endpoint_url)
    pl.DataFrame({"n": [1]}).write_parquet("s3://bkt/e.parquet", storage_options=NO_RETRY)
    s3sse_server.assert_encrypted("bkt", "e.parquet", "SSE-S3")


def test_an_endpoint_the_environment_names_already_is_left_alone(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://minio.example:9000")
    with mock_s3sse():
        assert "AWS_ENDPOINT" not in os.environ
        assert "AWS_ALLOW_HTTP" not in os.environ
    assert os.environ["AWS_ENDPOINT_URL"] == "https://minio.example:9000"


def test_the_environment_is_restored_exactly_after():
    before = dict(os.environ)
    with mock_s3sse():
        assert os.environ["AWS_ENDPOINT"].startswith("http://127.0.0.1:")
        assert os.environ["AWS_ALLOW_HTTP"] == "true"
    assert dict(os.environ) == before


def test_with_only_the_block_aws_guard_active_the_error_names_the_test():
    guard = Guard("test_user.py::test_forgot", "us-east-1")
    activation.activate(guard)
    try:
        with pytest.raises(PermissionError, match=r"made by test_user\.py::test_forgot"):
            pl.read_parquet("s3://bkt/x.parquet", storage_options=NO_RETRY)
    finally:
        activation.deactivate(guard)

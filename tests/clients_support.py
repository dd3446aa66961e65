"""What the tests of clients with their own HTTP stack share (polars, obstore, DuckDB, the AWS CLI v2,
the AWS SDK for JavaScript): how each is pointed at the local endpoint (``s3sse_server``)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import boto3

from pytest_s3sse import S3SSEServer


def object_store_config(server: S3SSEServer, **extra: Any) -> dict[str, Any]:
    """The S3 configuration keys of Rust's object_store (polars' ``storage_options``, obstore's
    ``S3Store`` config) for ``server``: its endpoint, region and test credentials."""
    env = server.env
    config: dict[str, Any] = {
        "aws_endpoint_url": server.endpoint_url,
        "aws_region": env["AWS_DEFAULT_REGION"],
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
    }
    if server.ca_bundle is None:
        config["aws_allow_http"] = "true"
    return config | extra


def subprocess_env(server: S3SSEServer) -> dict[str, str]:
    """This process's environment without its ``AWS_*`` variables, plus the endpoint's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(server.env)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


def serve_environment(child: subprocess.Popen[str]) -> dict[str, str]:
    """The ``export`` lines ``python -m pytest_s3sse serve`` printed, read up to "Stop with"."""
    assert child.stdout is not None
    lines = []
    while not (line := child.stdout.readline()).startswith("Stop with"):
        assert line, "serve ended before it printed its environment"
        lines.append(line.strip())
    return dict(
        line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export")
    )


def s3_client_of(env: dict[str, str], **kwargs: Any) -> Any:
    """A boto3 S3 client of the endpoint ``env`` (``serve``'s printed environment) describes."""
    return boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        verify=env["AWS_CA_BUNDLE"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        **kwargs,
    )

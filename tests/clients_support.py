"""What the tests of clients with their own HTTP stack share (polars, obstore, DuckDB, the AWS CLI v2,
the AWS SDK for JavaScript): how each is pointed at the local endpoint (``s3sse_server``)."""

from __future__ import annotations

import os
import sys
from typing import Any

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

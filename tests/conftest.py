"""Shared fixtures of pytest-s3sse's own suite.

The suite runs with ``-p no:s3sse`` (pyproject addopts) and loads the plugin here explicitly, so
coverage sees its import and pytester runs opt in with ``-p pytest_s3sse.plugin``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import cryptography.x509  # noqa: F401 - see below
import pytest
from botocore.config import Config

from pytest_s3sse import S3SSE

pytest_plugins = ["pytest_s3sse.plugin"]

# cryptography.x509 is imported once for the whole run: an in-process pytester session drops the modules
# it imported when it ends, and cryptography's Rust core keeps the classes of the first import
# (x509.DNSName ...), so a second inner session that makes the local endpoint's certificate would
# hand it classes it no longer knows ("Unsupported GeneralName type").

NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.fixture
def make_client(s3sse: S3SSE) -> Callable[..., Any]:
    """Build an S3 client inside the active engine (explicit dummy credentials, no retries)."""

    def make(service: str = "s3", **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", s3sse.region)
        kwargs.setdefault("aws_access_key_id", "AKIDTEST")
        kwargs.setdefault("aws_secret_access_key", "secret")
        kwargs.setdefault("config", NO_RETRY)
        return boto3.client(service, **kwargs)

    return make


@pytest.fixture
def s3(make_client: Callable[..., Any]) -> Any:
    """An S3 client (virtual-hosted https, aws-chunked bodies: botocore's defaults)."""
    return make_client()


@pytest.fixture
def kms(make_client: Callable[..., Any]) -> Any:
    """A KMS client."""
    return make_client("kms")


@pytest.fixture
def key(kms: Any) -> dict[str, Any]:
    """A fresh customer managed symmetric KMS key (its ``KeyMetadata``)."""
    return kms.create_key()["KeyMetadata"]


@pytest.fixture
def bucket(s3: Any) -> str:
    """A fresh bucket named ``bkt``."""
    s3.create_bucket(Bucket="bkt")
    return "bkt"


@pytest.fixture
def http_s3(make_client: Callable[..., Any]) -> Any:
    """An S3 client on a plain-HTTP endpoint (path-style, no TLS): SSE-C must refuse it (C8)."""
    return make_client(endpoint_url="http://localhost:9000")


@pytest.fixture
def ssec_bucket(s3: Any) -> str:
    """A fresh bucket ``ssec`` that accepts SSE-C writes: created, then unblocked with
    PutBucketEncryption (``BlockedEncryptionTypes`` ``NONE``), as S3 requires since April 2026."""
    from sse_c_support import unblock_sse_c  # noqa: PLC0415 - a helper module of this suite

    s3.create_bucket(Bucket="ssec")
    unblock_sse_c(s3, "ssec")
    return "ssec"

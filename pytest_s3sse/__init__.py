"""pytest-s3sse: S3 server-side encryption, testable offline, exactly.

Importing this package has no side effects: nothing is patched until an engine starts (the ``s3sse``
fixture, or :func:`mock_s3sse`).
"""

from __future__ import annotations

from pytest_s3sse._internal.assertions import S3SSEAssertionError, StoredView
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.errors import (
    AwsError,
    DecryptionError,
    InternalEngineError,
    KmsKeyNotFoundError,
    ObjectNotFoundError,
    RealAWSCallBlockedError,
    S3SSEError,
)
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.options import EngineOptions
from pytest_s3sse._internal.passthru import add_s3sse_passthru
from pytest_s3sse._internal.testapi import S3SSE, mock_s3sse
from pytest_s3sse._internal.types import SseMode

__all__ = [
    "S3SSE",
    "AwsError",
    "Clock",
    "DecryptionError",
    "EngineOptions",
    "InternalEngineError",
    "KmsCall",
    "KmsKeyNotFoundError",
    "ObjectNotFoundError",
    "RealAWSCallBlockedError",
    "S3SSEAssertionError",
    "S3SSEError",
    "SseMode",
    "StoredView",
    "add_s3sse_passthru",
    "mock_s3sse",
]

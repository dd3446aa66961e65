"""pytest-s3sse: S3 server-side encryption, testable offline, exactly.

Importing this package has no side effects: nothing is patched until an engine starts (the ``s3sse``
fixture, or :func:`mock_s3sse`). It is also cheap: each public name is imported from its internal
module on first access (module ``__getattr__``), so a pytest run that never touches S3 does not load
the engine, botocore or ``cryptography`` (docs/performance.md, "Start-up cost").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and the API reference see; at run time, __getattr__ below
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
        StateDirectoryError,
    )
    from pytest_s3sse._internal.explain import Explanation
    from pytest_s3sse._internal.kms.types import KmsCall
    from pytest_s3sse._internal.options import EngineOptions
    from pytest_s3sse._internal.passthru import add_s3sse_passthru
    from pytest_s3sse._internal.reports import EncryptionReport, KmsCost
    from pytest_s3sse._internal.s3.replication import Replication
    from pytest_s3sse._internal.serving import S3SSEServer
    from pytest_s3sse._internal.testapi import S3SSE, mock_s3sse
    from pytest_s3sse._internal.trail import Trail
    from pytest_s3sse._internal.types import SseMode

__all__ = [
    "S3SSE",
    "AwsError",
    "Clock",
    "DecryptionError",
    "EncryptionReport",
    "EngineOptions",
    "Explanation",
    "InternalEngineError",
    "KmsCall",
    "KmsCost",
    "KmsKeyNotFoundError",
    "ObjectNotFoundError",
    "RealAWSCallBlockedError",
    "Replication",
    "S3SSEAssertionError",
    "S3SSEError",
    "S3SSEServer",
    "SseMode",
    "StateDirectoryError",
    "StoredView",
    "Trail",
    "add_s3sse_passthru",
    "mock_s3sse",
]

# Where each public name lives (a test checks this table against the imports above and __all__).
_HOME = {
    "S3SSE": "testapi",
    "AwsError": "errors",
    "Clock": "clock",
    "DecryptionError": "errors",
    "EncryptionReport": "reports",
    "EngineOptions": "options",
    "Explanation": "explain",
    "InternalEngineError": "errors",
    "KmsCall": "kms.types",
    "KmsCost": "reports",
    "KmsKeyNotFoundError": "errors",
    "ObjectNotFoundError": "errors",
    "RealAWSCallBlockedError": "errors",
    "Replication": "s3.replication",
    "S3SSEAssertionError": "assertions",
    "S3SSEError": "errors",
    "S3SSEServer": "serving",
    "SseMode": "types",
    "StateDirectoryError": "errors",
    "StoredView": "assertions",
    "Trail": "trail",
    "add_s3sse_passthru": "passthru",
    "mock_s3sse": "testapi",
}


def __getattr__(name: str) -> object:
    """Import a public name from its internal module on first access, then keep it here."""
    home = _HOME.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"pytest_s3sse._internal.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

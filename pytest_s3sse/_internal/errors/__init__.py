"""The error hierarchy.

Every AWS error carries the HTTP status, the error code and the message that AWS sends. They are raised
deep in the domain and rendered once, at a protocol edge (S3 XML or KMS JSON). Errors that are not AWS's
(a blocked real-AWS request, an engine bug, misuse of the test API) derive from :class:`S3SSEError` only.
"""

from __future__ import annotations

from collections.abc import Mapping


class S3SSEError(Exception):
    """Base class of every exception raised by pytest-s3sse."""


class AwsError(S3SSEError):
    """An error that an AWS service answers: status, code, message and extra elements.

    ``extra`` holds the additional elements S3 puts in an error document (``BucketName``,
    ``ArgumentName`` ...), in order. ``headers`` are response headers that go with the error.
    """

    status: int = 400
    code: str = "InvalidRequest"
    default_message: str = ""

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        extra: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = self.default_message if message is None else message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.extra: dict[str, str] = dict(extra or {})
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(f"{self.status} {self.code}: {self.message}")


class InternalEngineError(S3SSEError):
    """An unexpected exception inside the engine: a bug of pytest-s3sse, shown to the test as such."""


class RealAWSCallBlockedError(S3SSEError):
    """A request that the active engine does not serve; it is stopped before it reaches the network."""


class ObjectNotFoundError(S3SSEError, LookupError):
    """The test API was asked about an object that is not stored."""


class KmsKeyNotFoundError(S3SSEError, LookupError):
    """The test API was asked about a KMS key or alias that does not exist."""


class StateDirectoryError(S3SSEError):
    """A state directory (``S3SSEServer(state_dir=...)``, ``serve --state-dir``) cannot be used: written
    by another release, damaged, or not a state directory. The message says which and what to do."""


class DecryptionError(S3SSEError):
    """Stored ciphertext failed authentication: it was tampered with, truncated or reordered."""

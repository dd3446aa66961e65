"""The local endpoint as users see it: an engine handle behind a real HTTP(S) server on 127.0.0.1.

What the ``s3sse_server`` fixtures and ``python -m pytest_s3sse serve`` give: the endpoint URL, the CA
bundle to trust (HTTPS, the default: SSE-C and SSE-KMS are refused over plain HTTP, as AWS refuses
them), the ``AWS_*`` environment a subprocess needs, and the same test API as the ``s3sse`` fixture
(``.s3sse``; its methods are also reachable on the server object itself).

The server (``wire/server.py``) answers from the handle's engine whether or not that engine is active
in-process: the function-scoped fixture shares the test's ``s3sse`` engine (so a subprocess of the
test and its in-process clients see one store); the session-scoped one runs its own.
"""

from __future__ import annotations

import ssl
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from pytest_s3sse._internal.crypto.tls import TlsFiles, make_tls_files
from pytest_s3sse._internal.principals import TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY
from pytest_s3sse._internal.testapi import S3SSE
from pytest_s3sse._internal.wire.server import LocalServer


class S3SSEServer:
    """A local S3 and KMS endpoint answering from ``handle``'s engine (a new one when not given).

    ``https`` (default True) serves TLS with a certificate from a CA made at start-up
    (:attr:`ca_bundle`); ``port`` 0 picks a free port. Use as a context manager or
    :meth:`start`/:meth:`stop`; stopping closes every connection and frees the port.
    """

    def __init__(
        self,
        handle: S3SSE | None = None,
        *,
        https: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.s3sse = handle if handle is not None else S3SSE()
        self.https = https
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.tls_files: TlsFiles | None = None
        context: ssl.SSLContext | None = None
        if https:
            self._tmp = tempfile.TemporaryDirectory(prefix="s3sse-tls-")
            self.tls_files = make_tls_files(Path(self._tmp.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_files.certificate, self.tls_files.key)
        self._server = LocalServer(self.s3sse.engine, host=host, port=port, tls=context)

    # -- what a client needs -----------------------------------------------------------------
    @property
    def engine(self) -> Any:
        """The engine answering (``s3sse.engine``; internal, may change between releases)."""
        return self.s3sse.engine

    @property
    def port(self) -> int:
        """The port the endpoint listens on (127.0.0.1)."""
        return self._server.port

    @property
    def endpoint_url(self) -> str:
        """``https://127.0.0.1:<port>`` (``http://`` without TLS): a client's ``endpoint_url``."""
        return self._server.endpoint_url

    @property
    def ca_bundle(self) -> str | None:
        """The PEM file of the CA to trust (``verify=``, ``AWS_CA_BUNDLE``); None over plain HTTP."""
        return None if self.tls_files is None else str(self.tls_files.ca_bundle)

    @property
    def env(self) -> dict[str, str]:
        """The environment a subprocess needs to use this endpoint with any AWS SDK or the CLI."""
        region = self.s3sse.engine.region
        env = {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": TEST_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": TEST_SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        if self.ca_bundle is not None:
            env["AWS_CA_BUNDLE"] = self.ca_bundle
        return env

    @property
    def engine_errors(self) -> list[Exception]:
        """Engine bugs (``InternalEngineError``) the endpoint answered with ``500 InternalError``: a
        client over the wire sees only the 500; the fixtures raise the first one at teardown."""
        return self._server.engine_errors

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``boto3.client("s3", **server.client_kwargs())``."""
        return {
            "endpoint_url": self.endpoint_url,
            "verify": self.ca_bundle if self.ca_bundle is not None else True,
            "region_name": self.s3sse.engine.region,
            "aws_access_key_id": TEST_ACCESS_KEY_ID,
            "aws_secret_access_key": TEST_SECRET_ACCESS_KEY,
        }

    def __getattr__(self, name: str) -> Any:
        # The test API of the handle (assert_encrypted, create_kms_key, stored ...) on the server too.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.s3sse, name)

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> S3SSEServer:
        """Start serving in a background thread (idempotent)."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving: connections closed, threads joined, port freed, TLS files removed."""
        self._server.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def serve_forever(self) -> None:
        """Serve in this thread until KeyboardInterrupt (the ``serve`` command)."""
        try:
            self._server.serve_forever()
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None

    def __enter__(self) -> S3SSEServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<S3SSEServer {self.endpoint_url}>"

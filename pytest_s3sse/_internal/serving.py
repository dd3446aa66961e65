"""The local endpoint as users see it: an engine handle behind a real HTTP(S) server on 127.0.0.1.

What the ``s3sse_server`` fixtures and ``python -m pytest_s3sse serve`` give: the endpoint URL, the CA
bundle to trust (HTTPS, the default: SSE-C and SSE-KMS are refused over plain HTTP, as AWS refuses
them), the ``AWS_*`` environment a subprocess needs, and the same test API as the ``s3sse`` fixture
(``.s3sse``; its methods are also reachable on the server object itself).

The server (``wire/server.py``) answers from the handle's engine whether or not that engine is active
in-process: the function-scoped fixture shares the test's ``s3sse`` engine (so a subprocess of the
test and its in-process clients see one store); the session-scoped one runs its own.

With ``state_dir`` the engine lives in a directory (``_internal/persistence.py``): loaded from it
when it holds one, saved to it while serving and on stop, with its TLS files kept there too.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

from pytest_s3sse._internal.crypto.tls import TlsFiles, make_tls_files, reuse_tls_files
from pytest_s3sse._internal.persistence import Saved, StateDirectory
from pytest_s3sse._internal.principals import TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY
from pytest_s3sse._internal.saving import Persisted
from pytest_s3sse._internal.testapi import S3SSE
from pytest_s3sse._internal.wire.server import LocalServer
from pytest_s3sse._internal.wire.slot import Dispatcher


class S3SSEServer:
    """A local S3 and KMS endpoint answering from ``handle``'s engine (a new one when not given).

    ``https`` (default True) serves TLS with a certificate from a CA made at start-up
    (:attr:`ca_bundle`); ``port`` 0 picks a free port. Use as a context manager or
    :meth:`start`/:meth:`stop`; stopping closes every connection and frees the port.

    ``state_dir`` keeps the engine in a directory across restarts: the engine saved there is loaded
    (``handle`` must then be None: the saved engine keeps its own options), or ``handle``'s (a new
    one) is saved there; while serving it is saved ``save_interval`` seconds after a request at most
    (0: only on :meth:`save` and on stop), and on stop. The CA and certificate are kept in its
    ``tls/`` folder. What is and is never written: docs/local-endpoint.md.
    """

    def __init__(
        self,
        handle: S3SSE | None = None,
        *,
        https: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        state_dir: str | os.PathLike[str] | None = None,
        save_interval: float = 1.0,
    ) -> None:
        self.state_dir = StateDirectory(state_dir) if state_dir is not None else None
        self._persisted: Persisted | None = None
        try:
            self._build(handle, https=https, host=host, port=port, save_interval=save_interval)
        except BaseException:
            if self.state_dir is not None:
                self.state_dir.unlock()
            raise

    def _build(
        self, handle: S3SSE | None, *, https: bool, host: str, port: int, save_interval: float
    ) -> None:
        if self.state_dir is not None:
            self.state_dir.lock()
        if self.state_dir is not None and self.state_dir.exists():
            if handle is not None:
                msg = (
                    f"{self.state_dir.path} holds a saved engine, which keeps its own options: "
                    "pass no handle (or name an empty directory)"
                )
                raise ValueError(msg)
            handle = S3SSE.of_engine(self.state_dir.load())
        self.s3sse = handle if handle is not None else S3SSE()
        dispatcher: Dispatcher = self.s3sse.engine
        if self.state_dir is not None:
            self._persisted = Persisted(self.s3sse.engine, self.state_dir, save_interval)
            self._persisted.save()  # the directory is checked, and holds this engine, from now on
            dispatcher = self._persisted
        self.https = https
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.tls_files: TlsFiles | None = None
        context: ssl.SSLContext | None = None
        if https:
            if self.state_dir is not None:
                tls = self.state_dir.tls
                self.tls_files = reuse_tls_files(tls) or make_tls_files(tls)
            else:
                self._tmp = tempfile.TemporaryDirectory(prefix="s3sse-tls-")
                self.tls_files = make_tls_files(Path(self._tmp.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_files.certificate, self.tls_files.key)
        self._server = LocalServer(dispatcher, host=host, port=port, tls=context)

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
        if self._persisted is not None:
            self._persisted.start()
        return self

    def stop(self) -> None:
        """Stop serving: connections closed, threads joined, port freed, TLS files removed (those of
        a state directory are kept), and the engine saved to its state directory."""
        self._server.stop()
        self._finish()

    def serve_forever(self) -> None:
        """Serve in this thread until KeyboardInterrupt (the ``serve`` command)."""
        if self._persisted is not None:
            self._persisted.start()
        try:
            self._server.serve_forever()
        finally:
            self._finish()

    def save(self) -> Saved:
        """Save the engine to the state directory now (requests over the endpoint wait meanwhile).
        Changes made through the test API (``server.create_kms_key(...)``) are saved by the next
        save after a request, by this, or on stop."""
        if self._persisted is None:
            msg = "this server has no state directory (S3SSEServer(state_dir=...))"
            raise ValueError(msg)
        return self._persisted.save()

    @property
    def save_errors(self) -> list[BaseException]:
        """Background saves that failed (a full disk, say); the next save tries again."""
        return [] if self._persisted is None else self._persisted.errors

    def _finish(self) -> None:
        if self._persisted is not None:
            try:
                self._persisted.stop()
            finally:
                if self.state_dir is not None:
                    self.state_dir.unlock()
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

"""The guard of clients built on Rust's object_store (polars, obstore, and what else uses it: delta-rs,
LanceDB ...): they send requests with their own HTTP stack, which no in-process adapter sees.

They can be reached through the environment, though: object_store reads its configuration from
``AWS_*`` variables when a client is built, and one of its names for the endpoint, ``AWS_ENDPOINT``,
is read by no AWS SDK (botocore, the AWS CLI, the SDKs for C++, Java, JavaScript, Go read
``AWS_ENDPOINT_URL``), nor by pyarrow or DuckDB. So while an engine is active this adapter sets
``AWS_ENDPOINT`` to a guard server of its own on 127.0.0.1 (plain HTTP: ``AWS_ALLOW_HTTP=true``),
which answers every request with ``403 RealAWSCallBlocked`` and a message that names the client (from
its user agent) and the way out: the engine's local endpoint, the ``s3sse_server`` fixture. A client
built while the engine is active, in this process or in a subprocess that inherits the environment,
never reaches AWS without being told.

A client given an endpoint is left alone: an explicit ``aws_endpoint_url`` (polars'
``storage_options``, obstore's config) wins over the environment, and when the user's environment
names an endpoint already (``AWS_ENDPOINT``, ``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_S3``) nothing
is set. A variable set later wins too: object_store applies the variables in the environment's order,
and a new one goes last. Not covered: a client built before the engine started (it read the
environment then), and clients that read none of these variables (pyarrow's ``S3FileSystem``,
DuckDB): docs/interception.md.

The server starts at the first activation and serves for the life of the process (one idle thread);
the variables are put back as they were at the last deactivation, as the botocore adapter does with
its own. The module registers itself as the adapter "object_store" (``wire/registry.py``).
"""

from __future__ import annotations

import os
import threading
from xml.sax.saxutils import escape

from pytest_s3sse._internal.errors import RealAWSCallBlockedError
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.wire import loopback, registry, slot
from pytest_s3sse._internal.wire.server import LocalServer

ENDPOINT_VARIABLES = ("AWS_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")
CODE = "RealAWSCallBlocked"

_lock = threading.Lock()
_server: LocalServer | None = None
_env_set: dict[str, str] = {}  # what install put in the environment
blocked: list[RealAWSCallBlockedError] = []  # every request the guard stopped, oldest first


def _client(user_agent: str) -> str:
    """The client a user agent names, in the words of the message."""
    agent = user_agent.lower()
    if agent.startswith("polars"):
        return "polars"
    if agent.startswith("object_store"):
        return "an object_store client (obstore, delta-rs, LanceDB ...)"
    return f"a client on Rust's object_store (user agent {user_agent or 'none'!r})"


def describe(request: HttpRequest) -> str:
    """Why ``request`` was stopped, and what to do instead."""
    client = _client(request.headers.get("user-agent", ""))
    active = slot.current()
    test = getattr(active, "test", None)
    if active is not None and getattr(active, "serves", True) is False and test:
        who = f", made by {test}, which does not use the engine: use the s3sse fixture with"
    else:
        who = ": clients with their own HTTP stack cannot be answered in-process; use"
    return (
        f"pytest-s3sse stopped a request of {client} to AWS ({request.method} {request.path})"
        f"{who} the engine's local endpoint, the s3sse_server fixture, and give the client its "
        "endpoint (aws_endpoint_url=s3sse_server.endpoint_url in polars' storage_options or "
        "obstore's config; docs/local-endpoint.md). While an engine is active, AWS_ENDPOINT "
        "points object_store clients without an endpoint at this guard."
    )


class _Refuser:
    """The guard server's dispatcher: stops every request, answering S3's error shape."""

    def dispatch(self, request: HttpRequest) -> HttpResponse:
        message = describe(request)
        blocked.append(RealAWSCallBlockedError(message))
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{CODE}</Code><Message>{escape(message)}</Message></Error>"
        ).encode()
        headers = {"content-type": "application/xml", "content-length": str(len(body))}
        return HttpResponse(403, headers, body)

    def describe_unserved(self, request: HttpRequest) -> str:  # pragma: no cover - never unserved
        return describe(request)


def endpoint_url() -> str | None:
    """The guard server's URL (None before the first activation)."""
    return _server.endpoint_url if _server is not None else None


def install(region: str | None = None) -> None:
    """Start the guard server (once) and point ``AWS_ENDPOINT`` at it, unless the environment names
    an endpoint already (idempotent)."""
    global _server  # noqa: PLW0603 - one server for the process
    with _lock:
        if _server is None:
            _server = LocalServer(_Refuser()).start()
            # Not a local endpoint of the engine: the in-process adapters need not let requests
            # through to it, and with no endpoint running their check stays one empty-set test.
            loopback.remove(_server.port)
        env = os.environ
        if _env_set or any(name in env for name in ENDPOINT_VARIABLES):
            return
        _env_set["AWS_ENDPOINT"] = _server.endpoint_url
        if "AWS_ALLOW_HTTP" not in env:
            _env_set["AWS_ALLOW_HTTP"] = "true"
        env.update(_env_set)


def uninstall() -> None:
    """Take out what :func:`install` put in the environment (a variable the test changed since is
    left as the test set it)."""
    with _lock:
        env = os.environ
        for name, value in _env_set.items():
            if env.get(name) == value:
                del env[name]
        _env_set.clear()


registry.register(registry.Adapter("object_store", install, uninstall))

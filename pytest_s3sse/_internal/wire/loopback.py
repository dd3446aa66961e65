"""The local endpoints this process serves (``wire/server.py``), which the in-process adapters let
through to the network.

While an engine is active, the botocore and ``requests`` adapters answer every S3 request in-process,
whatever its ``endpoint_url``. A request addressed to one of our own running local servers
(``http(s)://127.0.0.1:<port>``, ``localhost:<port>``, ``<bucket>.s3.localhost:<port>``) is meant
to travel over HTTP: it is what a test of the endpoint exercises (TLS, keep-alive, the CA bundle), and
the server answers it from the same engine. Such a request goes on to the loopback interface; nothing
else does (the guard still holds for every other host).

Asked on every in-process request, so the answer costs one truth test of an empty set while no server
runs.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_ports: set[int] = set()  # read without the lock: replaced, never mutated in place
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


def add(port: int) -> None:
    """A local server listens on ``port`` (127.0.0.1)."""
    global _ports  # noqa: PLW0603 - copy-on-write, so readers never take the lock
    with _lock:
        _ports = _ports | {port}


def remove(port: int) -> None:
    """The local server on ``port`` stopped."""
    global _ports  # noqa: PLW0603
    with _lock:
        _ports = _ports - {port}


def addresses_local_server(url: str) -> bool:
    """True when ``url`` (scheme://host:port/...) is addressed to a local server of this process."""
    ports = _ports
    if not ports:
        return False
    netloc = url.partition("://")[2].partition("/")[0].partition("?")[0].rpartition("@")[2]
    host, colon, port = netloc.rpartition(":")
    if not colon or not port.isdigit() or int(port) not in ports:
        return False
    host = host.lower()
    return host in _LOOPBACK_HOSTS or host.endswith(".localhost")

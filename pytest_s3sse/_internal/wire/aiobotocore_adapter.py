"""aiobotocore's adapter: its clients (and so aioboto3's, s3fs's, and pandas' or dask's through s3fs)
answered in-process by the same synchronous engine; no socket, no real AWS.

aiobotocore subclasses botocore's client, endpoint and response: ``AioEndpoint._send`` is a coroutine
that hands the prepared request to an aiohttp (or httpx) session, and the answer it expects is an
``AioAWSResponse`` whose ``content`` is awaited and whose ``raw`` looks like aiohttp's
``ClientResponse`` (``await raw.read()``; ``raw.content``, a ``StreamReader`` that
``AioStreamingBody``, its checksum-validating subclass and s3fs read with ``await content.read(n)``).
While an engine is active this adapter replaces ``AioEndpoint._send`` (a private name of aiobotocore,
relied on here only) with a coroutine that:

- reads the request body to the end when it is async (aiobotocore's ``AioAwsChunkedWrapper``, any
  object with a coroutine ``read``, an aiohttp payload, an async iterator), leaves bytes and files as
  they are, and
  builds the engine's HttpRequest exactly as botocore's adapter does (aws-chunked decoded there);
- hands it to the engine (``wire.dispatch``: the same call as every adapter, run on the event loop's
  thread: the engine takes no lock across an await, and a request is microseconds of work);
- answers with an ``AioAWSResponse`` over :class:`AsyncRawResponse`, whose streamed body decrypts
  chunk by chunk as it is read, like botocore's.

The method is looked up on the class at call time, so clients built before the engine started, and
clients of any session, are answered too (``AnyioEndpoint``, the httpx backend's, inherits it); with
no engine active the original is awaited, so aiobotocore reaches the network again. A session built
while an engine is active copies botocore's ``before-send`` handler, which lets aiobotocore's
requests pass (``botocore_adapter.defer``: they are recognised by their ``AioConfig``). A dispatcher
that serves nothing (the ``--s3sse-block-aws`` guard) stops the request with
:class:`~pytest_s3sse._internal.errors.RealAWSCallBlockedError`, as for botocore.

A client built without credentials signs with the test credentials, as botocore's adapter arranges
for botocore clients (``AioRequestSigner.get_auth_instance`` is a coroutine of its own).

Activation never imports aiobotocore (~200 ms): when it is imported already it is patched at once;
otherwise botocore's ``before-send`` handler puts this adapter in place at the first request that
finds it imported (``botocore_adapter.install_when_imported``). The module registers itself as the
adapter "aiobotocore" (``wire/registry.py``); the last deactivation puts aiobotocore back as it was.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from pytest_s3sse._internal.errors import RealAWSCallBlockedError
from pytest_s3sse._internal.http import ChunkReader, HttpResponse
from pytest_s3sse._internal.wire import botocore_adapter, registry, slot
from pytest_s3sse._internal.wire.dispatch import dispatch

_patched: list[tuple[Any, str, Any]] = []  # (owner, attribute, original), to restore
_deferred: list[type] = []  # the config classes botocore's before-send handler lets pass
_response_class: Any = None  # aiobotocore.awsrequest.AioAWSResponse, once installed
_lock = threading.Lock()  # the first requests of several threads may put the adapter in place
_ENDPOINT = "aiobotocore.endpoint"


class AsyncContent:
    """``aiohttp.StreamReader`` as aiobotocore and s3fs read a response body (``raw.content``):
    awaitable reads over a :class:`~pytest_s3sse._internal.http.ChunkReader`, which serves each read
    from the current decrypted chunk."""

    def __init__(self, reader: ChunkReader) -> None:
        self._reader = reader
        self._eof = False

    def at_eof(self) -> bool:
        """True once the body has been read to its end."""
        return self._eof

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (the rest when ``n`` is negative); b"" at the end."""
        if n < 0:
            self._eof = True
            return self._reader.read()
        data = self._reader.read(n)
        if n and not data:
            self._eof = True
        return data

    async def readany(self) -> bytes:
        """The next piece of the body (aiohttp: whatever is buffered)."""
        return await self.read(64 * 1024)

    async def readexactly(self, n: int) -> bytes:
        """Exactly ``n`` bytes, or aiohttp's error when the body ends first."""
        data = await self.read(n)
        if len(data) != n:
            import asyncio  # noqa: PLC0415 - only on this error

            raise asyncio.IncompleteReadError(data, n)
        return data

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        """Pieces of at most ``n`` bytes."""
        while data := await self.read(n):
            yield data

    async def iter_any(self) -> AsyncIterator[bytes]:
        """Pieces as they come."""
        while data := await self.readany():
            yield data

    async def iter_chunks(self) -> AsyncIterator[tuple[bytes, bool]]:
        """``(piece, end of an HTTP chunk)`` pairs, as aiobotocore's event streams read them."""
        while data := await self.readany():
            yield data, True


class AsyncRawResponse:
    """The ``raw`` of an ``AioAWSResponse``: what aiobotocore and s3fs use of aiohttp's
    ``ClientResponse`` (``read()``, ``content``, ``url``, ``status``, ``headers``, ``close()``)."""

    def __init__(self, url: str, response: HttpResponse) -> None:
        self.url = url
        self.status = response.status
        self.headers = response.headers
        declared = response.headers.get("content-length", "")
        length = int(declared) if declared.isdigit() else None
        self.content = AsyncContent(ChunkReader(response.body, length))

    async def read(self) -> bytes:
        """The whole body (what ``AioAWSResponse.content`` awaits)."""
        return await self.content.read()

    def close(self) -> None:
        """Nothing to release: no connection was opened."""

    def release(self) -> None:
        """Nothing to release: no connection was opened."""


async def _read_async_body(body: Any) -> Any:
    """The body to hand on: an async body read to its end, anything else as it is."""
    if body is None or type(body) is bytes:
        return body
    read = getattr(body, "read", None)
    if read is not None and inspect.iscoroutinefunction(read):  # AioAwsChunkedWrapper, aiofiles
        data = await read()
        return data.encode() if isinstance(data, str) else bytes(data)
    as_bytes = getattr(body, "as_bytes", None)
    if as_bytes is not None and inspect.iscoroutinefunction(as_bytes):  # an aiohttp Payload
        return bytes(await as_bytes())
    if hasattr(body, "__aiter__"):  # an async generator, an async stream
        return b"".join([bytes(piece) async for piece in body])
    return body  # bytes-like, text or a readable file: botocore's adapter reads it


async def answer(request: Any) -> Any:
    """aiobotocore's prepared request answered by the active engine (None: no engine active)."""
    engine = slot.current()
    if engine is None:
        return None
    body = await _read_async_body(request.body)
    http_request = botocore_adapter.http_request_of(request, body)
    response = dispatch(engine, http_request)
    if response is None:
        raise RealAWSCallBlockedError(engine.describe_unserved(http_request))
    url: str = request.url
    return _response_class(url, response.status, response.headers, AsyncRawResponse(url, response))


def _answering_while_active(original: Callable[..., Any]) -> Callable[..., Any]:
    async def _send(self: Any, request: Any) -> Any:
        response = await answer(request)
        if response is None:
            return await original(self, request)
        return response

    _send.__s3sse__ = True  # type: ignore[attr-defined]
    _send.__wrapped__ = original  # type: ignore[attr-defined]
    _send.__doc__ = original.__doc__
    return _send


def _signing_with_test_credentials(original: Callable[..., Any]) -> Callable[..., Any]:
    async def get_auth_instance(self: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            getattr(self, "_credentials", None) is None
            and kwargs.get("request_credentials") is None
            and slot.current() is not None
        ):
            kwargs["request_credentials"] = _test_credentials()
        return await original(self, *args, **kwargs)

    get_auth_instance.__s3sse__ = True  # type: ignore[attr-defined]
    get_auth_instance.__wrapped__ = original  # type: ignore[attr-defined]
    get_auth_instance.__doc__ = original.__doc__
    return get_auth_instance


def _test_credentials() -> Any:
    credentials = importlib.import_module("aiobotocore.credentials")
    return credentials.AioCredentials(
        botocore_adapter.TEST_ACCESS_KEY_ID, botocore_adapter.TEST_SECRET_ACCESS_KEY
    )


def _patch(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    current = owner.__dict__.get(name)
    if current is None or getattr(current, "__s3sse__", False) is True:
        return
    _patched.append((owner, name, current))
    setattr(owner, name, make(current))


def _put_in_place() -> None:
    """Patch aiobotocore (imported by now) and let its requests pass botocore's handler."""
    global _response_class  # noqa: PLW0603
    with _lock:
        endpoint = importlib.import_module("aiobotocore.endpoint")
        config_class = importlib.import_module("aiobotocore.config").AioConfig
        _response_class = importlib.import_module("aiobotocore.awsrequest").AioAWSResponse
        _patch(endpoint.AioEndpoint, "_send", _answering_while_active)
        signers = importlib.import_module("aiobotocore.signers")
        _patch(signers.AioRequestSigner, "get_auth_instance", _signing_with_test_credentials)
        if config_class not in _deferred:
            _deferred.append(config_class)
            botocore_adapter.defer(config_class)


def install(region: str | None = None) -> None:
    """Answer aiobotocore's requests from the active engine (idempotent; nothing when aiobotocore
    is not installed).

    aiobotocore already imported (a client may exist): patched now. Installed but not imported:
    importing it would cost every first activation ~200 ms, so it is patched by the first botocore
    ``before-send`` call that finds it imported (a client of a session built while the engine is
    active has that handler; one built earlier means aiobotocore was imported earlier)."""
    if _ENDPOINT in sys.modules:
        _put_in_place()
    elif registry.is_installed("aiobotocore"):
        botocore_adapter.install_when_imported(_ENDPOINT, _put_in_place)


def uninstall() -> None:
    """Put aiobotocore back as it was."""
    with _lock:
        while _patched:
            owner, name, original = _patched.pop()
            setattr(owner, name, original)
        while _deferred:
            botocore_adapter.undefer(_deferred.pop())


registry.register(registry.Adapter("aiobotocore", install, uninstall))

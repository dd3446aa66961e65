"""botocore interception: the one module that relies on botocore's internals.

Two adapters feed the same dispatch:
- a ``before-send`` handler in ``botocore.handlers.BUILTIN_HANDLERS`` (documented public hook), which
  every botocore Session created while an engine is active copies;
- a wrapt wrapper on ``botocore.endpoint.Endpoint._send``, which catches clients built before (a module
  level ``boto3.client("s3")`` included) and is the guard that no request reaches the network.
Both are installed when the first engine activates and removed when the last one deactivates (this
module registers itself as the adapter "botocore", first in ``wire/registry.py``), leaving botocore
exactly as it was. A handler already copied into a session's emitter stays dormant there.

Hermetic while active, so that tests run alike on a bare CI machine and on a laptop with a real
``~/.aws``: botocore reads neither the user's config nor credentials file (``AWS_CONFIG_FILE`` and
``AWS_SHARED_CREDENTIALS_FILE`` point at an empty file), nor a profile (``AWS_PROFILE`` and
``AWS_DEFAULT_PROFILE`` are taken out); test credentials are put in the environment when none are
there, and the engine's region when the environment names none (``AWS_DEFAULT_REGION``/``AWS_REGION``
set by the user win); EC2 instance-metadata look-ups are switched off, so botocore never probes the
network for credentials or a region. A client built earlier without credentials signs with the test
credentials instead of failing with NoCredentialsError. The last deactivation puts every variable back
as it was (a variable the test itself changed meanwhile is left as the test set it).
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import io
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, cast

import botocore.endpoint
import botocore.handlers
import botocore.signers
import wrapt
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.credentials import Credentials

from pytest_s3sse._internal.errors import RealAWSCallBlockedError
from pytest_s3sse._internal.http import (
    EMPTY_BODY,
    ChunkReader,
    HttpRequest,
    HttpResponse,
    RequestBody,
)
from pytest_s3sse._internal.wire import loopback, registry, slot
from pytest_s3sse._internal.wire.dispatch import dispatch
from pytest_s3sse._internal.wire.httpmodel import build_request

_HANDLER_ENTRY: tuple[str, Any] | None = None
_ORIGINAL_SEND: Any = None
_ORIGINAL_AUTH: Any = None
_ENV_SET: dict[str, str | None] = {}  # what install put in the environment (None: took out)
_ENV_SAVED: dict[str, str | None] = {}  # what was there before (None: absent)
_PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
_empty_file: str | None = None
TEST_ACCESS_KEY_ID = "AKIAS3SSETESTING0000"
TEST_SECRET_ACCESS_KEY = "s3sse-test-secret-access-key"  # noqa: S105 - a dummy, never sent anywhere
TEST_CREDENTIALS = Credentials(TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY)


class _Streams:
    """urllib3's ``stream()``, which botocore calls on a response's ``raw``."""

    def read(self, amt: int | None = None, /) -> bytes:  # pragma: no cover - provided by the body
        raise NotImplementedError

    def stream(self, amt: int = 1024, decode_content: bool = True) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


class RawBody(ChunkReader, _Streams):
    """The ``raw`` of an AWSResponse with a streamed body: ``read(amt)``, ``readinto`` and
    ``stream()`` over chunks (:class:`~pytest_s3sse._internal.http.ChunkReader`)."""


class BytesBody(io.BytesIO, _Streams):
    """The ``raw`` of an AWSResponse whose body is already one buffer (every object up to 4 MiB,
    every error and XML document): ``io.BytesIO``'s C reads plus ``stream()``. BytesIO shares the
    buffer it is given, so the body is not copied."""


def _text(value: Any) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else str(value)


def _headers(headers: Any) -> dict[str, str]:
    """Request headers with lower-case names and text values.

    botocore's ``HeadersDict`` builds a key object for every lookup, so going through its mapping
    interface costs ~1 µs a header (~12 µs a request); its own dict of ``_HeaderKey`` objects, which
    already hold the lower-case name, is read directly when it is there.
    """
    store = getattr(headers, "_dict", None)
    if isinstance(store, dict):
        try:
            return {
                key._lower: value.decode("utf-8", "surrogateescape")
                if type(value) is bytes  # what botocore's prepare() leaves
                else _text(value)
                for key, value in store.items()
            }
        except AttributeError:  # pragma: no cover - a botocore whose keys changed shape
            pass
    return {k.lower(): _text(v) for k, v in headers.items()}


def to_http_request(request: AWSPreparedRequest) -> HttpRequest:
    """botocore's prepared request as the engine's HttpRequest (the body is not copied)."""
    return http_request_of(request, request.body)


def http_request_of(request: AWSPreparedRequest, raw: Any) -> HttpRequest:
    """``request`` with ``raw`` as its body (bytes, text, a readable file or botocore's
    AwsChunkedWrapper; aiobotocore's adapter passes the bytes it read of an async body)."""
    headers = _headers(request.headers)
    body: RequestBody
    if raw is None:
        body = EMPTY_BODY
    elif isinstance(raw, (bytes, bytearray)):
        body = io.BytesIO(raw)
    elif isinstance(raw, str):
        body = io.BytesIO(raw.encode())
    else:
        body = cast(RequestBody, raw)
    chunked = raw if raw is not None else b""  # botocore's AwsChunkedWrapper yields whole frames
    return build_request(request.method, request.url, headers, body, chunked)


def to_aws_response(url: str, response: HttpResponse) -> AWSResponse:
    """The engine's response as the AWSResponse botocore parses."""
    headers = cast(Any, response.headers)  # AWSResponse makes its own case-insensitive copy
    body = response.body
    if isinstance(body, bytes):
        return AWSResponse(url, response.status, headers, BytesBody(body))
    # A streamed body: its length sizes the buffer of read().
    declared = response.headers.get("content-length", "")
    length = int(declared) if declared.isdigit() else None
    return AWSResponse(url, response.status, headers, RawBody(body, length))


# An async body is aiobotocore's (its AioAwsChunkedWrapper, an async stream), which its own adapter
# reads (wire/aiobotocore_adapter.py); on botocore's synchronous path nothing can await it.
MSG_ASYNC_BODY = (
    "pytest-s3sse cannot read an async request body on botocore's synchronous path (an aiobotocore "
    "request that reached botocore's hook): the request was stopped before it reached AWS. "
    "aiobotocore clients (aioboto3, s3fs) are answered by pytest-s3sse's aiobotocore adapter; "
    "build the client with aiobotocore's own session (aiobotocore.session.get_session())."
)

# Client config classes whose requests another adapter answers (aiobotocore's AioConfig): the
# ``before-send`` handler, which sessions copy whatever their flavour, lets them go on to that
# adapter. Empty unless such an adapter is installed, so botocore's own requests pay one check.
_deferred: tuple[type, ...] = ()
# Adapters waiting for their library to be imported (module name, install): aiobotocore costs
# ~200 ms to import, so its adapter is put in place by the first request that finds it imported
# rather than by importing it at every first activation. Empty unless such an adapter waits.
_pending: list[tuple[str, Callable[[], None]]] = []
_pending_lock = threading.Lock()


def defer(config_class: type) -> None:
    """Let requests of clients configured with ``config_class`` pass the ``before-send`` handler."""
    global _deferred  # noqa: PLW0603
    if config_class not in _deferred:
        _deferred = (*_deferred, config_class)


def undefer(config_class: type) -> None:
    """Answer requests of ``config_class`` clients at ``before-send`` again."""
    global _deferred  # noqa: PLW0603
    _deferred = tuple(c for c in _deferred if c is not config_class)


def install_when_imported(module: str, install: Callable[[], None]) -> None:
    """Run ``install`` (which may call :func:`defer`) at the first request that finds ``module``
    imported, before that request is answered; forgotten at the last deactivation."""
    with _pending_lock:
        if (module, install) not in _pending:
            _pending.append((module, install))


def _install_imported() -> None:
    modules = sys.modules
    with _pending_lock:
        ready = [entry for entry in _pending if entry[0] in modules]
        for entry in ready:
            _pending.remove(entry)
    for _, install in ready:
        install()


def _is_async(body: Any) -> bool:
    return hasattr(body, "__aiter__") or inspect.iscoroutinefunction(getattr(body, "read", None))


def answer(request: AWSPreparedRequest) -> AWSResponse | None:
    """Answer ``request`` from the active engine; None when no engine is active."""
    engine = slot.current()
    if engine is None or loopback.addresses_local_server(request.url):
        return None  # not active, or addressed to our own local server: it goes over loopback
    body = request.body
    if body is not None and type(body) is not bytes and _is_async(body):
        raise RealAWSCallBlockedError(MSG_ASYNC_BODY)
    http_request = to_http_request(request)
    response = dispatch(engine, http_request)
    if response is None:
        raise RealAWSCallBlockedError(engine.describe_unserved(http_request))
    return to_aws_response(request.url, response)


def _before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    if _pending:
        _install_imported()
    if _deferred and isinstance(
        (getattr(request, "context", None) or {}).get("client_config"), _deferred
    ):
        return None  # another adapter's client (aiobotocore): its own endpoint answers it
    return answer(request)


_before_send.__s3sse__ = True  # type: ignore[attr-defined]


def _send_wrapper(
    wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    request = args[0] if args else kwargs["request"]
    response = answer(request)
    if response is None:
        return wrapped(*args, **kwargs)
    return response


def _make_auth_wrapper(original: Any) -> Any:
    """``RequestSigner.get_auth_instance`` that signs with the test credentials a client built
    without any (a plain function, not a wrapt wrapper: every request of every client calls it)."""

    def get_auth_instance(self: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            getattr(self, "_credentials", None) is None  # what botocore signs with
            and kwargs.get("request_credentials") is None
            and slot.current() is not None
        ):
            kwargs["request_credentials"] = TEST_CREDENTIALS
        return original(self, *args, **kwargs)

    get_auth_instance.__s3sse__ = True  # type: ignore[attr-defined]
    get_auth_instance.__wrapped__ = original  # type: ignore[attr-defined]
    get_auth_instance.__doc__ = original.__doc__
    return get_auth_instance


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):  # removed by someone else meanwhile
        os.remove(path)


def _empty_config_file() -> str:
    """An empty file, made once per process and removed at exit: botocore's view of the AWS
    config and credentials files while an engine is active."""
    global _empty_file  # noqa: PLW0603
    if _empty_file is None or not os.path.isfile(_empty_file):
        handle, path = tempfile.mkstemp(prefix="s3sse-empty-aws-", suffix=".ini")
        os.close(handle)
        atexit.register(_remove, path)
        _empty_file = path
    return _empty_file


def _put(name: str, value: str | None) -> None:
    env = os.environ
    if name not in _ENV_SAVED:
        _ENV_SAVED[name] = env.get(name)
    if value is None:
        env.pop(name, None)
    else:
        env[name] = value
    _ENV_SET[name] = value


def _ours(name: str) -> bool:
    return name in _ENV_SET and os.environ.get(name) == _ENV_SET[name]


def _set_test_environment(region: str | None) -> None:
    env = os.environ
    empty = _empty_config_file()
    _put("AWS_CONFIG_FILE", empty)
    _put("AWS_SHARED_CREDENTIALS_FILE", empty)
    for name in _PROFILE_VARIABLES:
        if name in env:
            _put(name, None)
    if "AWS_EC2_METADATA_DISABLED" not in env:
        _put("AWS_EC2_METADATA_DISABLED", "true")
    if "AWS_ACCESS_KEY_ID" not in env and "AWS_SECRET_ACCESS_KEY" not in env:
        _put("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY_ID)
        _put("AWS_SECRET_ACCESS_KEY", TEST_SECRET_ACCESS_KEY)
    user_region = ("AWS_DEFAULT_REGION" in env and not _ours("AWS_DEFAULT_REGION")) or (
        "AWS_REGION" in env
    )
    if region is not None and not user_region:
        _put("AWS_DEFAULT_REGION", region)  # boto3.client("kms") needs one; S3 does not


def _restore_environment() -> None:
    env = os.environ
    for name, value in _ENV_SET.items():
        if env.get(name) == value:  # still what install left (a test may have changed it since)
            original = _ENV_SAVED[name]
            if original is None:
                env.pop(name, None)
            else:
                env[name] = original
    _ENV_SET.clear()
    _ENV_SAVED.clear()


def _is_ours(entry: tuple[str, Any]) -> bool:
    return getattr(entry[1], "__s3sse__", False) is True


def install(region: str | None = None) -> None:
    """Put both adapters in place (idempotent; called when the first engine activates)."""
    global _HANDLER_ENTRY, _ORIGINAL_SEND, _ORIGINAL_AUTH  # noqa: PLW0603
    handlers = botocore.handlers.BUILTIN_HANDLERS
    if not any(_is_ours(entry) for entry in handlers):
        _HANDLER_ENTRY = ("before-send", _before_send)
        handlers.append(_HANDLER_ENTRY)
    endpoint_cls = botocore.endpoint.Endpoint
    current = endpoint_cls.__dict__["_send"]
    if not isinstance(current, wrapt.FunctionWrapper):
        _ORIGINAL_SEND = current
        setattr(endpoint_cls, "_send", wrapt.FunctionWrapper(current, _send_wrapper))  # noqa: B010
    signer_cls = botocore.signers.RequestSigner
    current = signer_cls.__dict__["get_auth_instance"]
    if getattr(current, "__s3sse__", False) is not True:
        _ORIGINAL_AUTH = current
        setattr(signer_cls, "get_auth_instance", _make_auth_wrapper(current))  # noqa: B010
    _set_test_environment(region)


def uninstall() -> None:
    """Remove both adapters, leaving botocore as it was (called when the last engine deactivates)."""
    global _HANDLER_ENTRY, _ORIGINAL_SEND, _ORIGINAL_AUTH  # noqa: PLW0603
    handlers = botocore.handlers.BUILTIN_HANDLERS
    handlers[:] = [entry for entry in handlers if not _is_ours(entry)]
    _HANDLER_ENTRY = None
    with _pending_lock:
        _pending.clear()
    if _ORIGINAL_SEND is not None:
        setattr(botocore.endpoint.Endpoint, "_send", _ORIGINAL_SEND)  # noqa: B010
        _ORIGINAL_SEND = None
    if _ORIGINAL_AUTH is not None:
        setattr(botocore.signers.RequestSigner, "get_auth_instance", _ORIGINAL_AUTH)  # noqa: B010
        _ORIGINAL_AUTH = None
    _restore_environment()


registry.register(registry.Adapter("botocore", install, uninstall))

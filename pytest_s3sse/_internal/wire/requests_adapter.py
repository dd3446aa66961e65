"""The ``requests`` bridge: the one module that relies on ``requests`` internals (and ``responses``').

Presigned URLs are fetched with plain HTTP libraries, most often ``requests``. While an engine is
active, a wrapt wrapper on ``requests.adapters.HTTPAdapter.send`` hands every request *addressed to
AWS* to the same ``engine.dispatch(HttpRequest)`` path as botocore, and builds the
``requests.Response`` from the engine's answer. A request is addressed to AWS when:

- its host is an AWS host (``*.amazonaws.com``, ``*.amazonaws.com.cn``): S3 hosts in every style
  (virtual-hosted, path-style, regional, dualstack, accelerate) are answered; any other AWS host
  (``sqs.us-east-1.amazonaws.com``) raises :class:`RealAWSCallBlockedError`, the botocore guard;
- or it carries AWS authentication: presigned query auth (``X-Amz-Credential`` / ``X-Amz-Signature``,
  or ``AWSAccessKeyId`` + ``Signature``) or an ``Authorization: AWS4-HMAC-SHA256 ...`` / ``AWS ...``
  header. That is how a custom ``endpoint_url`` host (``http://localhost:4566``, a MinIO host) is
  recognised: a URL presigned by a client of any endpoint is signed, and botocore answers every
  endpoint from the engine too, so ``requests`` does the same. The credential scope decides the
  service, so a URL signed for another service is blocked, not served as S3;
- or it is a POST form upload signed for S3 (``generate_presigned_post`` fields sent as a
  ``multipart/form-data`` body with an ``x-amz-credential`` or ``AWSAccessKeyId`` field): a form
  carries its authentication in the body, so a form for a custom endpoint is recognised there.

Every other request (your application's own HTTP services) goes on unchanged: to the network, or to
whatever was patched below us (a ``responses`` mock started earlier). When something other than the
network sits below, a blocked AWS request is handed to it instead of raising, so a user's own mock of an
AWS-hosted URL keeps working.

Why a wrapt wrapper and not a ``responses.RequestsMock`` per activation: starting and stopping one costs
30-50 microseconds (``mock.patch``), importing ``responses`` ~45 ms, and ``mock.patch`` breaks when two
mocks stop out of order. The wrapper is set once per outermost activation, is exact to undo and wraps
whatever is there, so a mock started before the engine is chained, not hidden. A ``RequestsMock``
started *after* the engine hides the wrapper; :func:`add_s3sse_passthru` lets S3 through it.

Signatures are the engine's business (``verify_signatures``); the S3 edge checks presigned expiry.
"""

from __future__ import annotations

import http.client
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
import wrapt

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

_AWS_HOST = re.compile(r"(?:^|\.)amazonaws\.com(?:\.cn)?\.?$")
# The URLs add_s3sse_passthru lets through a user's RequestsMock (responses matches from the start).
_PASSTHRU = re.compile(
    r"^https?://(?:[^/?#]*\.)?amazonaws\.com(?:\.cn)?\.?(?::\d+)?(?:[/?#]|$)"
    r"|^[^#]*[?&](?:X-Amz-Credential|X-Amz-Signature|AWSAccessKeyId)="
)
Send = Callable[..., requests.Response]

if TYPE_CHECKING:  # responses is imported by the user's test, never by this module at run time
    import responses

    UserMock = responses.RequestsMock


# -- which requests are ours ------------------------------------------------------------------
def _has_aws_query_auth(query: str) -> bool:
    return (
        "X-Amz-Credential=" in query
        or "X-Amz-Signature=" in query
        or ("AWSAccessKeyId=" in query and "Signature=" in query)
    )


# The signature fields of a POST form (S3 reads field names case-insensitively), looked for in the
# form's fields, which precede its file and are at most 20 KiB on S3.
_FORM_AUTH = re.compile(rb'name="(?:x-amz-credential|awsaccesskeyid)"', re.IGNORECASE)
_FORM_PREFIX = 64 * 1024


def _has_form_auth(request: requests.PreparedRequest) -> bool:
    """True for a POST form upload signed for AWS (its body is bytes: ``requests`` encodes files so)."""
    body = request.body
    return (
        request.method == "POST"
        and isinstance(body, bytes)
        and _text(request.headers.get("Content-Type", "")).lower().startswith("multipart/form-data")
        and _FORM_AUTH.search(body, 0, _FORM_PREFIX) is not None
    )


def addressed_to_aws(request: requests.PreparedRequest) -> bool:
    """True when ``request`` goes to an AWS host or is signed for AWS (see the module docstring)."""
    url = urlsplit(request.url or "")
    if _AWS_HOST.search(url.hostname or ""):
        return True
    if url.query and _has_aws_query_auth(url.query):
        return True
    auth = _text(request.headers.get("Authorization", ""))
    return auth.startswith(("AWS4-", "AWS ")) or _has_form_auth(request)


def _is_network(send: Any) -> bool:
    """True when ``send`` is requests' own ``HTTPAdapter.send`` (the network), not someone's mock."""
    return (
        getattr(send, "__module__", None) == "requests.adapters"
        and getattr(send, "__qualname__", None) == "HTTPAdapter.send"
    )


# -- requests -> HttpRequest ------------------------------------------------------------------
def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def _bytes_chunks(chunks: Iterable[bytes | str]) -> Iterator[bytes]:
    """A generator body's chunks as bytes (http.client sends a str chunk as ISO-8859-1)."""
    for chunk in chunks:
        yield chunk.encode("iso-8859-1") if isinstance(chunk, str) else bytes(chunk)


def _body(raw: Any) -> RequestBody:
    if raw is None:
        return EMPTY_BODY
    if isinstance(raw, (bytes, bytearray)):
        return io.BytesIO(raw)
    if isinstance(raw, str):
        return io.BytesIO(raw.encode("iso-8859-1"))  # what http.client sends for a str body
    if hasattr(raw, "read"):
        return cast(RequestBody, raw)
    return ChunkReader(_bytes_chunks(raw))  # an iterable: Transfer-Encoding: chunked


def to_http_request(request: requests.PreparedRequest) -> HttpRequest:
    """``requests``' prepared request as the engine's HttpRequest (the body is read lazily)."""
    headers = {k.lower(): _text(v) for k, v in request.headers.items()}
    body = _body(request.body)
    return build_request(request.method or "GET", request.url or "", headers, body, body)


# -- HttpResponse -> requests -----------------------------------------------------------------
def to_requests_response(
    adapter: requests.adapters.HTTPAdapter,
    request: requests.PreparedRequest,
    response: HttpResponse,
) -> requests.Response:
    """The engine's answer as the ``requests.Response`` a real S3 answer would give.

    A streamed (decrypted on the fly) body stays streamed: ``stream=True`` reads it chunk by chunk.
    """
    body = response.body
    raw_body: io.IOBase = (
        io.BytesIO(body) if isinstance(body, bytes) else io.BufferedReader(ChunkReader(body))
    )
    raw = urllib3.HTTPResponse(
        body=raw_body,
        headers=response.headers,
        status=response.status,
        reason=http.client.responses.get(response.status),
        preload_content=False,
        request_method=request.method,
        request_url=request.url,
    )
    return adapter.build_response(request, raw)


# -- answering --------------------------------------------------------------------------------
def answer(
    adapter: requests.adapters.HTTPAdapter,
    request: requests.PreparedRequest,
    *,
    network_below: bool,
) -> requests.Response | None:
    """The engine's answer to ``request``, or None to let the layer below (network or mock) send it.

    Raises RealAWSCallBlockedError for an AWS request the engine does not serve when the layer below
    is the network.
    """
    engine = slot.current()
    if (
        engine is None
        or not addressed_to_aws(request)
        or loopback.addresses_local_server(request.url or "")
    ):
        return None
    http_request = to_http_request(request)
    response = dispatch(engine, http_request)
    if response is None:
        if not network_below:
            return None
        raise RealAWSCallBlockedError(engine.describe_unserved(http_request))
    return to_requests_response(adapter, request, response)


def _send_wrapper(
    wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    request = args[0] if args else kwargs["request"]
    response = answer(instance, request, network_below=_is_network(wrapped))
    return wrapped(*args, **kwargs) if response is None else response


def _is_ours(send: Any) -> bool:
    return getattr(send, "_self_wrapper", None) is _send_wrapper


def install() -> None:
    """Wrap ``HTTPAdapter.send`` (idempotent; called when the first engine activates)."""
    adapter_cls = requests.adapters.HTTPAdapter
    current = adapter_cls.__dict__["send"]
    if not _is_ours(current):
        setattr(adapter_cls, "send", wrapt.FunctionWrapper(current, _send_wrapper))  # noqa: B010


def uninstall() -> None:
    """Unwrap ``HTTPAdapter.send`` (called when the last engine deactivates).

    If a ``responses`` mock started after the engine is still patched on top, it is left alone: it
    puts our (then dormant) wrapper back when it stops, and the next deactivation removes it.
    """
    adapter_cls = requests.adapters.HTTPAdapter
    current = adapter_cls.__dict__["send"]
    if _is_ours(current):
        setattr(adapter_cls, "send", current.__wrapped__)  # noqa: B010


# The bridge needs no region. Registered lazily by name in wire/registry.py (after "botocore"), so
# that ``requests`` is imported at the first activation, not with the package.
registry.register(registry.Adapter("requests", lambda _region: install(), uninstall))


# -- coexistence with a user's responses mock -------------------------------------------------
def _chain(below: Send) -> Send:
    def send(
        adapter: requests.adapters.HTTPAdapter,
        request: requests.PreparedRequest,
        *args: Any,
        **kwargs: Any,
    ) -> requests.Response:
        response = answer(adapter, request, network_below=_is_network(below))
        return below(adapter, request, *args, **kwargs) if response is None else response

    send.__s3sse__ = True  # type: ignore[attr-defined]
    send.__wrapped__ = below  # type: ignore[attr-defined]
    return send


def add_s3sse_passthru(mock: UserMock) -> None:
    """Let requests to S3 through ``mock`` (a ``responses.RequestsMock``) to the active engine.

    A ``RequestsMock`` started after the engine replaces ``HTTPAdapter.send`` while it is active, so it
    sees S3 requests first and refuses those it has no match for. This adds a passthru for AWS hosts and
    presigned URLs, and routes the mock's passthru sending through the engine: S3 is answered by the
    engine, other AWS services are blocked, and your other passthrus still reach the network. Your own
    registered responses keep priority, and S3 requests are not recorded in ``mock.calls``. Idempotent;
    it works whether or not an engine is active at the time. The routing stays on ``mock`` (responses'
    ``reset()`` clears the passthru, not the routing), and does nothing while no engine is active.
    """
    # ``_real_send`` is what a RequestsMock calls for a passthru: private to responses (it is the
    # ``real_adapter_send`` constructor argument), and the hook moto's override_responses_real_send uses.
    if not getattr(mock._real_send, "__s3sse__", False):
        mock._real_send = _chain(mock._real_send)
    if _PASSTHRU not in mock.passthru_prefixes:
        mock.add_passthru(_PASSTHRU)

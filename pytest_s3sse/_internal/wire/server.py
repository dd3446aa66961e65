"""The local endpoint: a real HTTP/1.1 server on 127.0.0.1 that answers with an engine.

For the clients that cannot be answered in-process because they bring their own HTTP stack (the AWS
CLI v2 and any subprocess, pyarrow's ``S3FileSystem``, boto3's CRT transfer client, DuckDB, non-Python
SDKs): they are pointed at ``http(s)://127.0.0.1:<port>`` and get the same engine's answers.

Built on the standard library's :mod:`http.server` (``ThreadingHTTPServer``, one thread per
connection, ``protocol_version`` HTTP/1.1): keep-alive, ``Expect: 100-continue``, request bodies with a
Content-Length or ``Transfer-Encoding: chunked`` (and aws-chunked inside either, decoded by
``wire/chunked.py`` through ``wire/httpmodel.py`` as for botocore), streamed response bodies (a
decrypted object is written chunk by chunk, never held whole). A maintained alternative (h11, an ASGI
server) would add a dependency for what the standard library does here in ~250 lines, and none of
them is faster for one client on loopback.

TLS: the caller hands a certificate and key (``crypto/tls.py`` makes a throw-away CA and server
certificate at start-up); the TLS handshake runs in the connection's own thread, so a stalled client
never blocks the others. Requests over TLS are ``https`` to the engine, which refuses SSE-C and
SSE-KMS over plain HTTP as AWS does.

Like every adapter, this module knows the engine only as :class:`~wire.slot.Dispatcher`; it turns
each request into the engine's :class:`~pytest_s3sse._internal.http.HttpRequest` with the peer's
address (``client_address``: the request context's source IP) and writes the HttpResponse back.
:meth:`LocalServer.stop` stops accepting, closes every open connection and joins every thread, so a
stopped server leaves no thread behind and its port free.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any
from xml.sax.saxutils import escape

from pytest_s3sse._internal.errors import (
    AwsError,
    InternalEngineError,
    RealAWSCallBlockedError,
    S3SSEError,
)
from pytest_s3sse._internal.errors.s3 import IncompleteBody
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.wire import loopback
from pytest_s3sse._internal.wire.dispatch import dispatch
from pytest_s3sse._internal.wire.httpmodel import build_request
from pytest_s3sse._internal.wire.slot import Dispatcher

_BLOCK = 256 * 1024
_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH")
# A request body left unread by the engine (an error answered early) is drained up to this size so the
# connection stays usable; a larger rest closes the connection instead.
_DRAIN_LIMIT = 8 * 1024 * 1024


class _LengthBody:
    """A request body of a declared Content-Length, read from the connection (never past it)."""

    def __init__(self, rfile: Any, length: int) -> None:
        self._rfile = rfile
        self.left = length

    def read(self, size: int = -1, /) -> bytes:
        if self.left <= 0:
            return b""
        want = self.left if size is None or size < 0 else min(size, self.left)
        data: bytes = self._rfile.read(want)
        if len(data) < want:  # the connection ended early: never store a short object
            self.left = 0
            raise IncompleteBody
        self.left -= len(data)
        return data


class _ChunkedBody:
    """A ``Transfer-Encoding: chunked`` request body (RFC 9112 7.1), decoded as it is read."""

    def __init__(self, rfile: Any) -> None:
        self._rfile = rfile
        self._chunk_left = 0
        self.done = False
        self.broken = False  # a malformed frame: the connection cannot be read further

    @property
    def left(self) -> int:
        return 0 if self.done else 1

    def _next_chunk(self) -> None:
        line = self._rfile.readline(1024)
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            self.done = self.broken = True
            raise IncompleteBody from None
        if size == 0:
            while self._rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                pass  # trailer fields: S3's own trailers travel inside aws-chunked, not here
            self.done = True
        self._chunk_left = size

    def read(self, size: int = -1, /) -> bytes:
        pieces: list[bytes] = []
        want = size if size is not None and size >= 0 else None
        while not self.done and (want is None or want > 0):
            if self._chunk_left == 0:
                self._next_chunk()
                continue
            take = self._chunk_left if want is None else min(want, self._chunk_left)
            data: bytes = self._rfile.read(take)
            if not data:
                self.done = True
                break
            pieces.append(data)
            self._chunk_left -= len(data)
            if want is not None:
                want -= len(data)
            if self._chunk_left == 0:
                self._rfile.readline(8)  # the CRLF after the chunk's data
        return b"".join(pieces)


def _text(value: str) -> str:
    """A header value as the in-process adapters give it: http.server decodes ISO-8859-1; what
    clients send beyond ASCII is UTF-8 (S3 user metadata), read as botocore's bytes are."""
    if value.isascii():
        return value
    return value.encode("latin-1", "surrogateescape").decode("utf-8", "surrogateescape")


MSG_PARSE_ERROR = "An error occurred when parsing the HTTP request."


def _xml_error(code: str, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    ).encode()


def _error_body(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """An error the engine did not render (its own bug, a service it does not serve), in the shape
    of the service addressed: KMS's JSON or S3's XML."""
    if request.headers.get("x-amz-target", "").startswith("TrentService."):
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"content-type": "application/x-amz-json-1.1"}
    else:
        body = _xml_error(code, message)
        headers = {"content-type": "application/xml"}
    headers["content-length"] = str(len(body))
    return HttpResponse(status, headers, body)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def version_string(self) -> str:
        return "AmazonS3"  # S3's Server header

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):  # a streamed answer is several writes: no Nagle delay
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.opened(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the engine's event stream records every request."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A request the HTTP layer cannot parse (request line, header, Content-Length) answered as
        S3 does: 400 ``BadRequest`` "An error occurred when parsing the HTTP request." (S:
        aws/aws-sdk-cpp#1559, aristidb/aws#205), an S3 XML document, and the connection closed."""
        self.close_connection = True
        if code == HTTPStatus.BAD_REQUEST:
            error, text = "BadRequest", MSG_PARSE_ERROR
        else:
            error = http.client.responses.get(code, "Error").replace(" ", "")
            text = message or http.client.responses.get(code, "")
        body = _xml_error(error, text)
        self.send_response(code, message)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= HTTPStatus.OK:
            self.wfile.write(body)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def _serve(self) -> None:
        headers: dict[str, str] = {}
        # A repeated header: its values joined with commas, as HTTP says.
        for name, value in self.headers.items():
            key, text = name.lower(), _text(value)
            headers[key] = f"{headers[key]},{text}" if key in headers else text
        body: _LengthBody | _ChunkedBody
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = _ChunkedBody(self.rfile)
        else:
            length = headers.get("content-length", "0")
            if not (length.isascii() and length.isdigit()):
                self.send_error(HTTPStatus.BAD_REQUEST)
                return
            body = _LengthBody(self.rfile, int(length))
        server = self.server
        target = self.path
        if not target.startswith("/"):  # absolute-form: http://host/path
            target = "/" + target.partition("://")[2].partition("/")[2]
        host = headers.get("host") or server.netloc
        url = f"{server.scheme}://{host}{target}"
        request = build_request(self.command, url, headers, body, body)
        request.client_address = self.client_address[0]
        try:
            response = dispatch(server.dispatcher, request)
            if response is None:
                response = _error_body(
                    request, 400, "InvalidRequest", server.dispatcher.describe_unserved(request)
                )
        except AwsError as err:
            response = _error_body(request, err.status, err.code, err.message)
        except (InternalEngineError, RealAWSCallBlockedError) as err:
            server.engine_errors.append(err)  # for the test: the client only sees a 500
            response = _error_body(request, 500, "InternalError", str(err))
        self._drain(body)
        if isinstance(body, _ChunkedBody) and body.broken:
            self.close_connection = True
        self._write(response)

    def _drain(self, body: _LengthBody | _ChunkedBody) -> None:
        """Read what the engine left of the body, so the next request on the connection starts at
        its own first byte (or close the connection when too much is left)."""
        if not body.left:
            return
        if isinstance(body, _LengthBody) and body.left > _DRAIN_LIMIT:
            self.close_connection = True
            return
        try:
            while body.read(_BLOCK):
                pass
        except (AwsError, OSError):
            self.close_connection = True

    def _write(self, response: HttpResponse) -> None:
        headers = response.headers
        payload = response.body
        head_only = self.command == "HEAD"
        chunked = False
        lines = [f"HTTP/1.1 {response.status} {http.client.responses.get(response.status, '')}"]
        if "date" not in headers:
            lines.append(f"Date: {self.date_time_string()}")
        if "server" not in headers:
            lines.append("Server: AmazonS3")
        for name, value in headers.items():
            lines.append(f"{name}: {value}")
        if "content-length" not in headers:
            if isinstance(payload, bytes):
                if not head_only:
                    lines.append(f"content-length: {len(payload)}")
            else:
                chunked = not head_only
                if chunked:
                    lines.append("transfer-encoding: chunked")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")
        write = self.wfile.write
        if head_only:
            write(head)
            if not isinstance(payload, bytes):
                _close(payload)
            return
        if isinstance(payload, bytes):
            if len(payload) < _BLOCK:  # one write: head and body in one segment
                write(head + payload)
            else:
                write(head)
                write(payload)
            return
        write(head)
        try:
            for chunk in payload:
                if not chunk:
                    continue
                write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                write(b"0\r\n\r\n")
        except S3SSEError:
            # The status is sent: a streamed object that fails part-way (a tampered segment fails
            # authentication, DecryptionError) can only end the connection, so the client sees a
            # body shorter than its Content-Length, never bytes that were not authenticated.
            self.close_connection = True
        finally:
            _close(payload)


def _close(chunks: Iterator[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


for _method in _METHODS:
    setattr(_Handler, "do_" + _method, _Handler._serve)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() joins the connection threads itself, after closing them

    def __init__(
        self, address: tuple[str, int], dispatcher: Dispatcher, tls: ssl.SSLContext | None
    ) -> None:
        super().__init__(address, _Handler)
        self.dispatcher = dispatcher
        self.scheme = "https" if tls is not None else "http"
        host, port = self.server_address[:2]
        self.netloc = f"{host!s}:{port}"
        self._tls = tls
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self.engine_errors: list[Exception] = []  # engine bugs answered as 500 InternalError

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = self.socket.accept()
        if self._tls is not None:  # the handshake runs in the connection's thread, on first read
            conn = self._tls.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        return conn, address

    def opened(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections[conn] = threading.current_thread()

    def closed(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.pop(conn, None)

    def close_connections(self) -> list[threading.Thread]:
        """Shut every open connection down (its thread then ends); the threads to join."""
        with self._lock:
            open_now = dict(self._connections)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        return list(open_now.values())


class LocalServer:
    """An HTTP/1.1 server on ``host`` (127.0.0.1) answering with ``dispatcher``; ``port`` 0 picks a
    free one. ``tls`` (an SSLContext holding the server certificate) makes it HTTPS."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._server = _Server((host, port), dispatcher, tls)
        self._thread: threading.Thread | None = None
        self.host = host
        self.port: int = self._server.server_address[1]
        self.scheme = self._server.scheme

    @property
    def endpoint_url(self) -> str:
        """``http(s)://127.0.0.1:<port>``: what a client's ``endpoint_url`` is set to."""
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def engine_errors(self) -> list[Exception]:
        """The engine bugs (InternalEngineError) this server answered with a 500, in order."""
        return self._server.engine_errors

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> LocalServer:
        """Serve in a background thread (idempotent)."""
        if self._thread is None:
            loopback.add(self.port)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"s3sse-server-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close every connection, join every thread, free the port (idempotent)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._server.shutdown()
            thread.join(timeout)
        self._server.server_close()
        for worker in self._server.close_connections():
            worker.join(timeout)
        loopback.remove(self.port)

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python -m pytest_s3sse serve``)."""
        loopback.add(self.port)
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()
            for worker in self._server.close_connections():
                worker.join(5.0)
            loopback.remove(self.port)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

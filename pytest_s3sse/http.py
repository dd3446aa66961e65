"""The HTTP model every adapter speaks: one request in, one response out.

Routing and every rule of the engine read only these values (method, scheme, host, path, query, headers,
body), never a client library's operation name, so botocore, ``requests`` and a local endpoint share one
path. Header names are lower case; values are text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl


class RequestBody(Protocol):
    """A readable request body (a file-like object)."""

    def read(self, size: int = -1, /) -> bytes:  # pragma: no cover - protocol
        """Read up to ``size`` bytes; all that is left when ``size`` is negative."""
        ...


EMPTY_BODY: RequestBody = io.BytesIO(b"")


@dataclass(slots=True)
class HttpRequest:
    """An HTTP request as an S3 or KMS endpoint receives it.

    ``trailers`` is filled by the body decoder once an ``aws-chunked`` body has been read to its end.
    ``decoded_length`` is the payload length when the sender declared it (Content-Length or
    ``x-amz-decoded-content-length``), else None.
    """

    method: str
    scheme: str
    host: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: RequestBody = EMPTY_BODY
    trailers: dict[str, str] = field(default_factory=dict)
    decoded_length: int | None = None
    _params: dict[str, str] | None = None
    # The SigV4 credential scope, read once by :func:`pytest_s3sse.sigv4.credential_scope` (both the
    # service routing and the protocol edge ask for it).
    scope_read: bool = False
    scope: tuple[str, str, str] | None = None

    @property
    def params(self) -> dict[str, str]:
        """The query parameters, decoded (the last value wins for a repeated name)."""
        if self._params is None:
            query = self.query
            self._params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
        return self._params

    def header(self, name: str, default: str | None = None) -> str | None:
        """A header value by lower-case name."""
        return self.headers.get(name, default)

    @property
    def secure(self) -> bool:
        """True when the request arrived over TLS (https)."""
        return self.scheme == "https"

    def read_body(self) -> bytes:
        """The whole (decoded) body. Streaming handlers read ``body`` in pieces instead."""
        return self.body.read()


@dataclass(slots=True)
class HttpResponse:
    """An HTTP response.

    ``body`` is bytes, or an iterator of chunks for a streamed (decrypted on the fly) object, in which
    case the ``content-length`` header gives its total length.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterator[bytes] = b""

    def content(self) -> bytes:
        """The whole body (consumes a streamed body)."""
        if isinstance(self.body, bytes):
            return self.body
        length = self.headers.get("content-length", "")
        data = collect(self.body, int(length) if length.isdigit() else None)
        self.body = data
        return data


def as_chunks(body: bytes | Iterator[bytes]) -> Iterator[bytes]:
    """A body (one buffer, or chunks) as chunks."""
    return iter((body,)) if isinstance(body, bytes) else body


def collect(chunks: Iterable[bytes], size: int | None = None) -> bytes:
    """All of ``chunks`` as one bytes object, never holding more than it and one chunk.

    ``b"".join`` first turns a generator into a list, so a streamed (decrypted on the fly) object
    would be in memory twice besides its ciphertext: every chunk, then the result. Here each chunk
    is copied into one buffer and dropped. With ``size`` (the expected total) that buffer is
    allocated once, zero-filled lazily by the allocator; CPython's ``BytesIO.getvalue()`` then
    returns the buffer itself, not a copy, and a wrong ``size`` only costs a resize.
    """
    it = iter(chunks)
    first = next(it, None)
    if first is None:
        return b""
    second = next(it, None)
    if second is None:
        return first
    out = io.BytesIO(bytes(size)) if size is not None and size > 0 else io.BytesIO()
    out.write(first)
    out.write(second)
    del first, second
    for chunk in it:
        out.write(chunk)
    out.truncate()  # at the position: drops what a too-large ``size`` allocated
    return out.getvalue()

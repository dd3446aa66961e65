"""The HTTP model every adapter speaks: one request in, one response out.

Routing and every rule of the engine read only these values (method, scheme, host, path, query, headers,
body), never a client library's operation name, so botocore, ``requests`` and a local endpoint share one
path. Header names are lower case; values are text.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qsl


class RequestBody(Protocol):
    """A readable request body (a file-like object)."""

    def read(self, size: int = -1, /) -> bytes:  # pragma: no cover - protocol
        """Read up to ``size`` bytes; all that is left when ``size`` is negative."""
        ...


EMPTY_BODY: RequestBody = io.BytesIO(b"")

# The SSE-C key headers (the key and its MD5, of the object and of a copy source): never shown in a
# repr, so a failing test, a log or an assertion message cannot leak a customer key (as ``SseHeaders``).
SECRET_HEADERS = frozenset(
    prefix + "server-side-encryption-customer-" + name
    for prefix in ("x-amz-", "x-amz-copy-source-")
    for name in ("key", "key-md5")
)
REDACTED = "<redacted>"


def redacted(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` with the value of every SSE-C key header replaced by ``<redacted>`` (names in
    any case: a response echoes ``...-customer-key-MD5``)."""
    return {k: REDACTED if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}


class FormAuth(NamedTuple):
    """How a POST form upload (S3's PostObject, a browser-based upload) authenticates: its form
    fields, lifted by the S3 edge (``s3/rest/post_form.py``) onto the request it hands on, since such a
    request has no ``Authorization`` header and no query authentication.

    ``version`` is ``SigV4`` or ``SigV2``; ``policy`` is the base64 POST policy as sent, the string the
    ``signature`` signs; ``scope`` is ``<date>/<region>/s3/aws4_request`` (SigV4), else empty;
    ``date`` is the form's ``X-Amz-Date`` as sent (SigV4), else empty.
    """

    access_key_id: str
    version: str
    policy: str
    signature: str
    scope: str = ""
    date: str = ""


@dataclass(slots=True, repr=False)
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
    # The SigV4 credential scope, read once by :func:`pytest_s3sse._internal.sigv4.credential_scope` (both the
    # service routing and the protocol edge ask for it).
    scope_read: bool = False
    scope: tuple[str, str, str] | None = None
    # The client's address, when the adapter knows it (a local server does; in-process adapters
    # leave it None, and the request context says 127.0.0.1).
    client_address: str | None = None
    # A POST form upload's authentication, set by the S3 edge on the request it lifts from the form.
    form_auth: FormAuth | None = None

    def __repr__(self) -> str:
        # The SSE-C key headers are redacted (SECRET_HEADERS); everything else is shown.
        return (
            f"HttpRequest(method={self.method!r}, scheme={self.scheme!r}, host={self.host!r}, "
            f"path={self.path!r}, query={self.query!r}, headers={redacted(self.headers)!r}, "
            f"body={self.body!r}, trailers={self.trailers!r}, "
            f"decoded_length={self.decoded_length!r}, client_address={self.client_address!r})"
        )

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


@dataclass(slots=True, repr=False)
class HttpResponse:
    """An HTTP response.

    ``body`` is bytes, or an iterator of chunks for a streamed (decrypted on the fly) object, in which
    case the ``content-length`` header gives its total length.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterator[bytes] = b""

    def __repr__(self) -> str:
        # S3 echoes the SSE-C key's MD5 in its answers: redacted here as in requests.
        return (
            f"HttpResponse(status={self.status!r}, headers={redacted(self.headers)!r}, "
            f"body={self.body!r})"
        )

    def content(self) -> bytes:
        """The whole body (consumes a streamed body)."""
        if isinstance(self.body, bytes):
            return self.body
        length = self.headers.get("content-length", "")
        data = collect(self.body, int(length) if length.isdigit() else None)
        self.body = data
        return data


class ChunkReader(io.RawIOBase):
    """A readable body over bytes or an iterator of chunks: ``read(amt)``, ``read()`` and
    ``readinto``, as a response body is read by a client library and a request body by the engine.

    A read is served from the current chunk by position (one slice, however small ``amt`` is), never
    by re-slicing what is left; ``read()`` of the rest builds the result chunk by chunk
    (:func:`collect`), so a streamed object is never in memory twice. ``length``, when known, sizes
    that result.
    """

    def __init__(self, body: bytes | Iterator[bytes], length: int | None = None) -> None:
        super().__init__()
        if isinstance(body, bytes):
            self._chunk = body
            self._chunks: Iterator[bytes] = iter(())
        else:
            self._chunk = b""
            self._chunks = body
        self._offset = 0  # in the current chunk
        self._left = length  # bytes still to come, when the length is known

    def readable(self) -> bool:
        return True

    def _advance(self) -> bool:
        """Move to the next non-empty chunk; False at the end of the body."""
        for chunk in self._chunks:
            if chunk:
                self._chunk, self._offset = chunk, 0
                return True
        self._chunk, self._offset = b"", 0
        return False

    def read(self, amt: int | None = None, /) -> bytes:
        """Up to ``amt`` bytes (all that is left when ``amt`` is None or negative); b"" at the end."""
        if amt is None or amt < 0:
            return self._read_all()
        chunk, offset = self._chunk, self._offset
        if offset >= len(chunk):
            if not self._advance():
                return b""
            chunk, offset = self._chunk, 0
        stop = offset + amt
        if stop <= len(chunk):  # the usual case: served from the current chunk
            self._offset = stop
            out = chunk[offset:stop]
        else:
            pieces = [chunk[offset:]]
            need = stop - len(chunk)
            while need > 0 and self._advance():
                piece = self._chunk[:need]
                pieces.append(piece)
                need -= len(piece)
                self._offset = len(piece)
            out = b"".join(pieces)
        if self._left is not None:
            self._left -= len(out)
        return out

    def _read_all(self) -> bytes:
        head = self._chunk[self._offset :]
        self._chunk, self._offset = b"", 0
        size, self._left = self._left, 0
        return collect(itertools.chain((head,), self._chunks) if head else self._chunks, size)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


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


def ascii_decimal(text: str, max_digits: int) -> int | None:
    """``text`` as a non-negative integer when it is written in ASCII digits ``0``-``9`` only, with at
    most ``max_digits`` significant digits (leading zeros are free); None otherwise.

    Every number the engine reads off the wire goes through here. ``str.isdigit`` is not enough:
    ``'²'`` passes it and ``int`` refuses it, a fullwidth one (U+FF11) passes both and is no number in
    HTTP, and ``int`` refuses more than 4,300 digits (Python's integer-string limit). Bounding the
    digits keeps ``int`` cheap and never lets it raise.
    """
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    if len(digits) > max_digits:
        return None
    return int(digits) if digits else 0

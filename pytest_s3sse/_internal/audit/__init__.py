"""The engine's event stream: one record per request, each KMS call, each store change, in order.

The protocol edges emit one :class:`RequestRecord` per S3 or KMS request (route -> authorise -> handle ->
render -> record): the operation, the request's context, the status and error answered, the addressed
bucket and key, and the domain facts the handler noted (the encryption applied, bytes transferred). The
KMS service emits each call it makes, S3's calls for a request included, carrying that request's id
(``KmsCall.request_id``), so an S3 request and the KMS calls made for it can be joined. The S3 store
emits a change event at each commit. Consumers (the failing test's report, a CloudTrail-shaped trail,
versioning and replication) subscribe or read :meth:`EventStream.of`. This package imports only the
vocabulary.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from pytest_s3sse._internal.context import RequestContext

T = TypeVar("T")
Listener = Callable[[object], None]
NO_FACTS: Mapping[str, object] = MappingProxyType({})


class RequestRecord(NamedTuple):
    """One request as its protocol edge answered it (a named tuple: one is built per request).

    ``service`` is ``"s3"`` or ``"kms"``; ``operation`` is None when the request could not be routed to
    one. ``error_code`` and ``error_message`` are those of the error answered (None for a success).
    """

    service: str
    operation: str | None
    context: RequestContext
    status: int
    error_code: str | None = None
    error_message: str | None = None
    bucket: str | None = None
    key: str | None = None
    facts: Mapping[str, object] = NO_FACTS

    @property
    def request_id(self) -> str:
        """The request's id (S3's ``x-amz-request-id``, KMS's ``x-amzn-RequestId``)."""
        return self.context.request_id


class EventStream:
    """An append-only, ordered stream of the engine's events, with listeners.

    Appends are atomic (a list append under the GIL), so s3transfer's worker threads may emit at once;
    listeners run in the emitting thread and must not raise.
    """

    def __init__(self) -> None:
        self._events: list[object] | deque[object] = []
        self._listeners: tuple[Listener, ...] = ()
        self._lock = threading.Lock()

    def keep_newest(self, limit: int) -> None:
        """Keep only the newest ``limit`` events from now on (a long-running endpoint, ``serve``:
        without a bound, every request of its life would stay in memory and in its state
        directory). Counts read from the stream (``kms_calls``, the trail) then cover those events."""
        if limit <= 0:
            msg = f"an event limit must be positive, got {limit}"
            raise ValueError(msg)
        self._events = deque(self._events, maxlen=limit)

    def emit(self, event: object) -> None:
        """Append ``event`` and tell every listener."""
        self._events.append(event)
        for listener in self._listeners:
            listener(event)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with each event from now on; returns the function that unsubscribes."""
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            with self._lock:
                self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def of(self, kind: type[T]) -> list[T]:
        """The events of one kind, oldest first."""
        # A snapshot first (one C-level copy): a bounded stream is a deque, which refuses to be
        # iterated while another thread appends.
        return [event for event in list(self._events) if isinstance(event, kind)]

    def __iter__(self) -> Iterator[object]:
        return iter(list(self._events))

    def __len__(self) -> int:
        return len(self._events)


# -- what the CloudTrail-shaped trail needs beyond the RequestRecord --------------------------------
# The request headers S3's CloudTrail records log in requestParameters (audit-behaviour.md 2.2: the
# SSE headers, the KMS key id, x-amz-acl, x-amz-storage-class, the copy source, the SSE-C algorithm)
# and the response headers they log in responseElements (2.3: the SSE echo, the version id). The
# SSE-C key and its MD5 are never copied (issue 11: no form of a customer key is kept).
LOGGED_SENT = frozenset(
    {
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-context",
        "x-amz-server-side-encryption-bucket-key-enabled",
        "x-amz-server-side-encryption-customer-algorithm",
        "x-amz-copy-source",
        "x-amz-copy-source-range",
        "x-amz-copy-source-server-side-encryption-customer-algorithm",
        "x-amz-metadata-directive",
        "x-amz-acl",
        "x-amz-storage-class",
        "x-amz-tagging",
        "x-amz-tagging-directive",
        "x-amz-website-redirect-location",
        "x-amz-object-lock-mode",
        "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold",
        "x-amz-expected-bucket-owner",
    }
)
LOGGED_ECHO = frozenset(
    {
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-context",
        "x-amz-server-side-encryption-bucket-key-enabled",
        "x-amz-server-side-encryption-customer-algorithm",
        "x-amz-version-id",
        "x-amz-delete-marker",
    }
)
NO_HEADERS: Mapping[str, str] = MappingProxyType({})


def logged_headers(headers: Mapping[str, str], names: frozenset[str]) -> Mapping[str, str]:
    """The headers (lower-case names) among ``names`` that a CloudTrail record logs. The names are
    exact, so an SSE-C key or its MD5 can never be among them; the set intersection runs in C (this
    runs twice per request)."""
    present = names.intersection(headers)
    if not present:
        return NO_HEADERS
    return {name: headers[name] for name in present}


class S3Exchange(NamedTuple):
    """What an S3 request's CloudTrail record needs that its RequestRecord does not hold, copied when
    the request is answered (a few short strings: ~0.2-0.5 KiB a request)."""

    request_id: str
    host: str
    query: str
    sent: Mapping[str, str]
    echoed: Mapping[str, str]
    host_id: str
    bytes_out: int


class KmsExchange(NamedTuple):
    """What a KMS request's CloudTrail record needs: the logged request parameters (never a
    plaintext or a ciphertext) and the logged response elements (never a data key), as sent."""

    request_id: str
    params: Mapping[str, Any]
    response: Mapping[str, Any] | None


class Exchanges:
    """The trail's per-request details, newest ``limit`` kept (a ring: a soak test of any length
    keeps the memory of the last ``limit`` requests)."""

    __slots__ = ("_ring", "append", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._ring: deque[S3Exchange | KmsExchange] = deque(maxlen=limit)
        self.append = self._ring.append  # the edges call it once per request (C speed)

    def __len__(self) -> int:
        return len(self._ring)

    def by_request(self) -> dict[str, S3Exchange | KmsExchange]:
        """The kept details by request id."""
        return {x.request_id: x for x in list(self._ring)}

    @property
    def oldest(self) -> str | None:
        """The request id of the oldest kept details, None when none are kept."""
        ring = self._ring
        return ring[0].request_id if ring else None

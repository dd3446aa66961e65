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
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple, TypeVar

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
        self._events: list[object] = []
        self._listeners: tuple[Listener, ...] = ()
        self._lock = threading.Lock()

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
        return [event for event in self._events if isinstance(event, kind)]

    def __iter__(self) -> Iterator[object]:
        return iter(list(self._events))

    def __len__(self) -> int:
        return len(self._events)

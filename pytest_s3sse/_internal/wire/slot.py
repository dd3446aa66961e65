"""The active engine: a module-level slot behind a lock (not a ContextVar: s3transfer calls from
worker threads, which do not inherit context). Activations nest; the innermost one answers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from pytest_s3sse._internal.http import HttpRequest, HttpResponse


class Dispatcher(Protocol):
    """What the adapters need of an engine."""

    def dispatch(self, request: HttpRequest) -> HttpResponse | None: ...  # pragma: no cover

    def describe_unserved(self, request: HttpRequest) -> str: ...  # pragma: no cover


_lock = threading.Lock()
_stack: list[Dispatcher] = []


def current() -> Dispatcher | None:
    """The engine answering requests now, or None."""
    stack = _stack
    return stack[-1] if stack else None


def _serves(engine: Dispatcher) -> bool:
    return getattr(engine, "serves", True) is not False


def push(engine: Dispatcher, on_first: Callable[[], None]) -> None:
    """Make ``engine`` active; ``on_first`` runs (under the lock) when nothing was active before, and
    again when the first engine that serves is pushed above dispatchers that serve nothing (the guard
    of ``--s3sse-block-aws``, ``wire/guard.py``), so that engine's region configures clients."""
    with _lock:
        if not _stack or (_serves(engine) and not any(_serves(e) for e in _stack)):
            on_first()
        _stack.append(engine)


def pop(engine: Dispatcher, on_last: Callable[[], None]) -> None:
    """Deactivate ``engine``; ``on_last`` runs (under the lock) when nothing stays active."""
    with _lock:
        for index in range(len(_stack) - 1, -1, -1):
            if _stack[index] is engine:
                del _stack[index]
                break
        else:
            return
        if not _stack:
            on_last()


def depth() -> int:
    """How many activations are open."""
    return len(_stack)

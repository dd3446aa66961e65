"""Serving an engine while keeping its state directory current (``serve --state-dir``).

:class:`Persisted` is the dispatcher the local endpoint answers with: requests run concurrently; a
save (``_internal/persistence.py`` writes it) waits for the requests in flight and holds new ones for
its duration, at most every ``interval`` seconds after a request (never more than a tenth of the
time), and once more on stop.
"""

from __future__ import annotations

import contextlib
import pickle
import threading
import time
from collections.abc import Iterator

from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.errors import StateDirectoryError
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.persistence import Saved, StateDirectory


class _Gate:
    """Many requests at once, or one save alone (a save waits for the requests in flight and holds
    new ones back until it is written)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._writing = True
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class Persisted:
    """A dispatcher serving ``engine`` and saving it to ``directory``: ``interval`` seconds after a
    request at most (0: only on :meth:`save` and :meth:`stop`), and on :meth:`stop`."""

    def __init__(self, engine: Engine, directory: StateDirectory, interval: float = 1.0) -> None:
        self.engine = engine
        self.directory = directory
        self.interval = interval
        self._gate = _Gate()
        self._dirty = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors: list[BaseException] = []  # saves that failed (the disk full, say)

    def dispatch(self, request: HttpRequest) -> HttpResponse | None:
        """Answer ``request`` (concurrently with others, never during a save)."""
        with self._gate.shared():
            self._dirty = True
            return self.engine.dispatch(request)

    def describe_unserved(self, request: HttpRequest) -> str:
        """Why ``request`` is not served (the engine's words)."""
        return self.engine.describe_unserved(request)

    def save(self) -> Saved:
        """Save now (requests wait meanwhile)."""
        with self._gate.exclusive():
            self._dirty = False
            try:
                saved = self.directory.save(self.engine)
            except BaseException:
                self._dirty = True  # the next background save tries again
                raise
        return saved

    def start(self) -> Persisted:
        """Save in the background, ``interval`` seconds after a change (idempotent)."""
        if self._thread is None and self.interval > 0:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="s3sse-state-saver", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        # A save costs time proportional to the engine's size: never more than a tenth of the time.
        wait = self.interval
        while not self._stop.wait(wait):
            if self._dirty:
                began = time.monotonic()
                self._save_logged()
                wait = max(self.interval, 10 * (time.monotonic() - began))

    def _save_logged(self) -> None:
        try:
            self.save()
        # RuntimeError: the engine changed while it was pickled, by a call that did not come through
        # this dispatcher (the test API, the handle active in-process); the next save is whole.
        except (OSError, StateDirectoryError, pickle.PicklingError, TypeError, RuntimeError) as exc:
            self.errors.append(exc)

    def stop(self) -> None:
        """Stop the background saves and save a last time."""
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join()
        self.save()

"""The engine's clock: the only source of time in the engine.

It ticks with real time from the moment it is created, and tests move it with :meth:`Clock.advance`
(or stop it with :meth:`Clock.freeze`). Key rotation, bucket-key lifetimes, presigned-URL expiry and
Last-Modified all read it, so a test can jump a year ahead in a microsecond.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class Clock:
    """A controllable UTC clock."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        if start is not None and start.tzinfo is None:
            msg = "Clock start must be timezone-aware"
            raise ValueError(msg)
        self._lock = threading.Lock()
        self._base = start if start is not None else datetime.now(timezone.utc)
        self._mono = time.monotonic()
        self._frozen = frozen

    def now(self) -> datetime:
        """The current engine time (timezone-aware, UTC)."""
        if self._frozen:
            return self._base
        return self._base + timedelta(seconds=time.monotonic() - self._mono)

    def timestamp(self) -> float:
        """The current engine time as POSIX seconds."""
        return self.now().timestamp()

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move the clock forward by ``seconds`` (plus any ``timedelta`` keywords); returns the new now."""
        step = timedelta(seconds=seconds, **delta)
        if step < timedelta(0):
            msg = "the engine clock only moves forward"
            raise ValueError(msg)
        with self._lock:
            self._base += step
        return self.now()

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock (at ``at`` or now); it moves only by :meth:`advance` afterwards."""
        with self._lock:
            self._base = at if at is not None else self.now()
            self._frozen = True

    def unfreeze(self) -> None:
        """Let the clock tick with real time again, from its current value."""
        with self._lock:
            self._base = self.now()
            self._mono = time.monotonic()
            self._frozen = False

    def __getstate__(self) -> tuple[datetime, bool, float]:
        """Pickled (a state directory, ``_internal/persistence.py``) as the time it shows, whether it
        is frozen, and the real time of pickling: restored, a frozen clock shows the same time and a
        ticking one goes on from where it was plus the real time that passed in between."""
        return (self.now(), self._frozen, time.time())

    def __setstate__(self, state: tuple[datetime, bool, float]) -> None:
        now, frozen, wall = state
        self._lock = threading.Lock()
        self._frozen = frozen
        self._base = now if frozen else now + timedelta(seconds=max(0.0, time.time() - wall))
        self._mono = time.monotonic()

    def __repr__(self) -> str:
        state = "frozen" if self._frozen else "ticking"
        return f"<Clock {self.now().isoformat()} {state}>"

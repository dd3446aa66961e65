"""The SSE-S3 root keys: a rotating key ring that wraps object data keys.

A new root key version is made when the current one is older than the rotation period (on the engine
clock); older versions are kept so that every object written under them still decrypts, as S3 does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.crypto.aead import KEY_SIZE, Aead
from pytest_s3sse._internal.crypto.defaults import DEFAULT_ROTATION
from pytest_s3sse._internal.errors import DecryptionError


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key wrapped under one root key version."""

    root_version: int
    blob: bytes


@dataclass(frozen=True, slots=True)
class RootKeyVersion:
    """One root key version and when it became current (the key itself is not exposed)."""

    version: int
    created: datetime


class RootKeyRing:
    """Wraps and unwraps data keys under the current root key; rotates on the engine clock."""

    def __init__(
        self,
        clock: Clock,
        random_bytes: Callable[[int], bytes],
        rotation_period: timedelta = DEFAULT_ROTATION,
    ) -> None:
        self._clock = clock
        self._random = random_bytes
        self.rotation_period = rotation_period
        self._keys: list[Aead] = []
        self._versions: list[RootKeyVersion] = []
        self._lock = threading.Lock()

    def _current(self) -> tuple[int, Aead]:
        now = self._clock.now()
        with self._lock:
            if not self._versions or now - self._versions[-1].created >= self.rotation_period:
                self._keys.append(Aead(self._random(KEY_SIZE), self._random))
                self._versions.append(RootKeyVersion(len(self._versions) + 1, now))
            return len(self._versions), self._keys[-1]

    def rotate(self) -> RootKeyVersion:
        """Force a new root key version now."""
        with self._lock:
            self._keys.append(Aead(self._random(KEY_SIZE), self._random))
            self._versions.append(RootKeyVersion(len(self._versions) + 1, self._clock.now()))
            return self._versions[-1]

    def wrap(self, data_key: bytes, context: bytes) -> WrappedKey:
        """Wrap ``data_key`` under the current root key, bound to ``context``."""
        version, aead = self._current()
        return WrappedKey(version, aead.seal(data_key, b"s3sse-root|" + context))

    def unwrap(self, wrapped: WrappedKey, context: bytes) -> bytes:
        """Recover a data key wrapped by :meth:`wrap` under any version still in the ring."""
        if not 1 <= wrapped.root_version <= len(self._keys):
            msg = f"unknown root key version {wrapped.root_version}"
            raise DecryptionError(msg)
        return self._keys[wrapped.root_version - 1].open(wrapped.blob, b"s3sse-root|" + context)

    @property
    def versions(self) -> tuple[RootKeyVersion, ...]:
        """Every root key version made so far, oldest first."""
        with self._lock:
            return tuple(self._versions)

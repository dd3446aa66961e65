"""The engine's one random source.

Seedable so that a failing test can be replayed with the same data keys, nonces and ids. With no seed it
is seeded from the operating system. This is a test double: keys drawn here protect nothing real.
"""

from __future__ import annotations

import os
import random
import threading
import uuid


class Entropy:
    """Random bytes, ids and tokens for one engine (thread-safe)."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed if seed is not None else int.from_bytes(os.urandom(8), "big")
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def bytes(self, n: int) -> bytes:
        """``n`` random bytes (the same ones ``Random.randbytes`` gives, one Python frame less:
        several are drawn for every request)."""
        with self._lock:
            return self._random.getrandbits(n * 8).to_bytes(n, "little")

    def hex(self, n_bytes: int) -> str:
        """A random lowercase hex string of ``2 * n_bytes`` digits."""
        return self.bytes(n_bytes).hex()

    def uuid4(self) -> str:
        """A random version-4 UUID string."""
        return str(uuid.UUID(bytes=self.bytes(16), version=4))

    def token(self, n_bytes: int = 32) -> str:
        """An opaque URL-safe token."""
        import base64  # noqa: PLC0415  (rarely used)

        return base64.urlsafe_b64encode(self.bytes(n_bytes)).decode().rstrip("=")

"""S3 Bucket Keys: the bucket-level keys S3 keeps for a limited time, on the engine clock.

With a Bucket Key, S3 "generates a short-lived bucket-level key from AWS KMS then temporarily keeps it
in S3", "used for a limited time period", and makes one "for each requester"; objects under another KMS
key get their own (P, S3 user guide "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"). This
cache is that memory:

- **writes** look up the current bucket key of (bucket, KMS key ARN, requester, user context) and
  derive each object's key from it; only when there is none, or it is older than the period, does S3
  call GenerateDataKey;
- **reads** look up the plaintext of a bucket key by (bucket, its KMS blob, requester); only when it is
  not held, or has expired, does S3 call Decrypt. A bucket key that the same requester made for writing
  is held for reads too, until it expires.

The period is not published ("time-limited"; reference 7.1 and open point 12.7, U). The engine's
default, :data:`DEFAULT_PERIOD`, is one hour; ``mock_s3sse(bucket_key_period=...)`` and the ``s3sse``
marker change it. A held bucket key keeps working until it expires even if its KMS key is disabled or
scheduled for deletion meanwhile, since S3 does not ask KMS again until then (U, derived from "S3
Bucket Keys are used for a limited time period within Amazon S3, reducing the need for S3 to make
requests to AWS KMS").

The lock is held while the KMS call is made, so concurrent requests (s3transfer's worker threads) make
exactly one call per period, as the arithmetic in ``docs/sse-kms.md`` promises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.types import NOT_PICKLED

DEFAULT_PERIOD = timedelta(hours=1)

_WriteSlot = tuple[str, str, str, tuple[tuple[str, str], ...]]
_ReadSlot = tuple[str, bytes, str]


@dataclass(frozen=True, slots=True, repr=False)
class HeldKey:
    """A bucket key as S3 holds it: the plaintext, its KMS blob and when S3 stops using it."""

    plaintext: bytes
    blob: bytes
    expires: datetime

    def __repr__(self) -> str:
        return f"HeldKey(expires={self.expires.isoformat()})"

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)


class BucketKeyCache:
    """The bucket keys S3 holds, per bucket, KMS key and requester, each for :attr:`period`."""

    def __init__(self, clock: Clock, period: timedelta = DEFAULT_PERIOD) -> None:
        if period <= timedelta(0):
            msg = f"the bucket key period must be positive, got {period}"
            raise ValueError(msg)
        self.period = period
        self._clock = clock
        self._lock = threading.Lock()
        self._current: dict[_WriteSlot, bytes] = {}
        self._held: dict[_ReadSlot, HeldKey] = {}

    def for_write(
        self,
        bucket: str,
        key_arn: str,
        requester: str,
        context: Mapping[str, str],
        make: Callable[[], tuple[bytes, bytes]],
    ) -> HeldKey:
        """The bucket key new objects use; ``make()`` (GenerateDataKey: plaintext and blob) is called
        only when none is held or the held one has expired."""
        slot = (bucket, key_arn, requester, tuple(sorted(context.items())))
        with self._lock:
            now = self._clock.now()
            blob = self._current.get(slot)
            held = self._held.get((bucket, blob, requester)) if blob is not None else None
            if held is not None and now < held.expires:
                return held
            self._forget_expired(now)
            plaintext, blob = make()
            held = HeldKey(plaintext, blob, now + self.period)
            self._current[slot] = blob
            self._held[(bucket, blob, requester)] = held
            return held

    def for_read(
        self, bucket: str, blob: bytes, requester: str, fetch: Callable[[], bytes]
    ) -> bytes:
        """The plaintext of the bucket key sealed in ``blob``; ``fetch()`` (Decrypt) is called only when
        it is not held or the held copy has expired."""
        slot = (bucket, blob, requester)
        with self._lock:
            now = self._clock.now()
            held = self._held.get(slot)
            if held is not None and now < held.expires:
                return held.plaintext
            self._forget_expired(now)
            plaintext = fetch()
            self._held[slot] = HeldKey(plaintext, blob, now + self.period)
            return plaintext

    def __reduce__(self) -> tuple[type[BucketKeyCache], tuple[Clock, timedelta]]:
        """Pickled empty: the bucket keys S3 holds are plaintext and live only in memory, so an engine
        restored from a state directory asks KMS again, as S3 does once its cache has expired."""
        return (BucketKeyCache, (self._clock, self.period))

    def _forget_expired(self, now: datetime) -> None:
        """Drop what S3 would no longer use (only on a miss, so a hit costs one lookup)."""
        for read_slot in [s for s, held in self._held.items() if held.expires <= now]:
            del self._held[read_slot]
        for write_slot in [
            s for s, blob in self._current.items() if (s[0], blob, s[2]) not in self._held
        ]:
            del self._current[write_slot]

    def __len__(self) -> int:
        """How many bucket keys are held right now (expired ones may linger until the next miss)."""
        with self._lock:
            return len(self._held)

"""Segmented AES-256-GCM: how object bytes are stored at rest.

An object (or one part of a multipart object) is cut into fixed-size plaintext segments. Each segment is
sealed on its own, with its own nonce and tag, and its associated data binds the part number, the segment
index and a final-segment flag. So a ranged read decrypts only the segments it touches, and a reordered,
dropped, duplicated or truncated segment fails authentication. Segments are kept as a list of bytes: no
whole-object buffer is ever built.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pytest_s3sse._internal.crypto.aead import Aead, Buffer
from pytest_s3sse._internal.errors import DecryptionError

SEGMENT_SIZE = 64 * 1024
_AAD = struct.Struct(">4sIQ?")
_MAGIC = b"S3SE"


def _aad(part: int, index: int, final: bool) -> bytes:
    return _AAD.pack(_MAGIC, part, index, final)


@dataclass(frozen=True, slots=True)
class SealedPart:
    """The ciphertext of one part: its segments and its plaintext size."""

    part_number: int
    size: int
    segments: tuple[bytes, ...]

    @property
    def stored_size(self) -> int:
        """Bytes at rest (plaintext size plus per-segment nonce and tag)."""
        return sum(len(s) for s in self.segments)


class SegmentWriter:
    """Encrypts a stream into segments as it is written (no whole-body copy)."""

    __slots__ = ("_aead", "_buffer", "_part", "_segments", "_size")

    def __init__(self, aead: Aead, part_number: int = 1) -> None:
        self._aead = aead
        self._part = part_number
        self._segments: list[bytes] = []
        self._buffer = bytearray()
        self._size = 0

    def write(self, data: Buffer) -> None:
        """Add plaintext; full segments are sealed at once, the rest waits for more."""
        view = memoryview(data)
        self._size += len(view)
        if self._buffer:
            need = SEGMENT_SIZE - len(self._buffer)
            self._buffer += view[:need]
            view = view[need:]
            if len(self._buffer) < SEGMENT_SIZE or not view:
                return
            self._seal(self._buffer, final=False)
            self._buffer = bytearray()
        while len(view) > SEGMENT_SIZE:
            self._seal(view[:SEGMENT_SIZE], final=False)
            view = view[SEGMENT_SIZE:]
        self._buffer += view

    def _seal(self, chunk: Buffer, *, final: bool) -> None:
        index = len(self._segments)
        self._segments.append(self._aead.seal(chunk, _aad(self._part, index, final)))

    def close(self) -> SealedPart:
        """Seal the last segment (possibly empty) and return the part."""
        self._seal(self._buffer, final=True)
        self._buffer = bytearray()
        return SealedPart(self._part, self._size, tuple(self._segments))


def seal_bytes(aead: Aead, data: Buffer, part_number: int = 1) -> SealedPart:
    """Seal a whole buffer at once."""
    writer = SegmentWriter(aead, part_number)
    writer.write(data)
    return writer.close()


def _expected_segments(size: int) -> int:
    return max(1, -(-size // SEGMENT_SIZE))


def open_range(aead: Aead, part: SealedPart, start: int, stop: int) -> Iterator[bytes]:
    """Yield the plaintext of ``part[start:stop]``, decrypting only the segments it touches.

    Raises DecryptionError if a touched segment was altered, or if the segment list does not have the
    length the plaintext size implies (truncation or extension).
    """
    segments = part.segments
    count = _expected_segments(part.size)
    if len(segments) != count:
        msg = f"part {part.part_number} has {len(segments)} segments, expected {count}"
        raise DecryptionError(msg)
    if start >= stop:
        if part.size == 0:  # still authenticate the empty final segment
            aead.open(segments[0], _aad(part.part_number, 0, True))
        return
    first = start // SEGMENT_SIZE
    last = (stop - 1) // SEGMENT_SIZE
    for index in range(first, last + 1):
        sealed = segments[index]
        final = index == count - 1
        plain = aead.open(sealed, _aad(part.part_number, index, final))
        expected = min(SEGMENT_SIZE, part.size - index * SEGMENT_SIZE)
        if len(plain) != expected or len(sealed) != expected + aead.overhead:
            msg = f"segment {index} of part {part.part_number} has the wrong length"
            raise DecryptionError(msg)
        base = index * SEGMENT_SIZE
        lo = max(start - base, 0)
        hi = min(stop - base, len(plain))
        yield plain if (lo == 0 and hi == len(plain)) else plain[lo:hi]


def verify(aead: Aead, parts: Sequence[SealedPart]) -> None:
    """Authenticate every segment of every part (used when a copy re-encrypts)."""
    for part in parts:
        for _ in open_range(aead, part, 0, part.size):
            pass

"""The byte pipeline of a write and a read: a body streamed into the segment encryptor and its hashers
(``ingest``), and the plaintext of a byte window decrypted segment by segment (``plaintext``).

A write reads its body in chunks of :data:`READ_CHUNK` straight into the encryptor, the MD5 (in a worker
thread when the body is big, :class:`_BackgroundHash`) and the additional checksum, so a body is never
held whole; a read decrypts only the segments its window touches, into one buffer up to
:data:`EAGER_DECRYPT_LIMIT` (so tampering is an error response) and as a stream beyond. The store's
lock is never held here.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_s3sse._internal.crypto.aead import Aead
from pytest_s3sse._internal.crypto.segments import SealedPart, SegmentWriter, open_range
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.s3 import InternalError, InvalidRequest
from pytest_s3sse._internal.http import RequestBody
from pytest_s3sse._internal.s3 import checksums
from pytest_s3sse._internal.s3.records import Checksum, StoredObject
from pytest_s3sse._internal.types import ChecksumAlgorithm

READ_CHUNK = 1024 * 1024
EAGER_DECRYPT_LIMIT = 4 * 1024 * 1024


def no_claims() -> Mapping[ChecksumAlgorithm, str]:
    """The checksums a body claims when it claims none (a copy's source, a request without any)."""
    return {}


@dataclass(frozen=True, slots=True)
class Ingested:
    """What reading a body produced: its sealed part, size and digests."""

    part: SealedPart
    md5: bytes | None  # None when nothing needed it (not SSE-S3, no Content-MD5)
    checksum: Checksum | None
    default_crc: bytes | None = None  # the CRC64NVME digest, when ``default_crc`` asked for it


class _BackgroundHash:
    """Feeds a hash (the MD5 of a write), in a worker thread when the body is big.

    MD5 is the slowest step of a large write (~700 MB/s; AES-GCM and CRC32 run at several GB/s) and
    hashlib releases the GIL, so the MD5 of one chunk overlaps the framing, checksum and encryption
    of the next: a 64 MiB PutObject saves ~40 ms on two cores. Chunks are immutable bytes, fed in
    order through a queue; the worker is joined before the digest is read, also on errors.
    """

    def __init__(self, hash_: Any, *, threaded: bool) -> None:
        self._hash = hash_
        self._queue: queue.SimpleQueue[bytes | None] | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._run, name="s3sse-md5", daemon=True)

    @classmethod
    def over(cls, hash_: Any, *, big: bool) -> _BackgroundHash:
        """A feeder of ``hash_`` (None: nothing to hash), threaded when the body is ``big``."""
        return cls(hash_, threaded=big and hash_ is not None)

    def _run(self) -> None:
        assert self._queue is not None
        while (chunk := self._queue.get()) is not None:
            self._hash.update(chunk)

    def update(self, chunk: bytes) -> None:
        """Hash ``chunk`` (now, or queued for the worker)."""
        if self._queue is not None:
            self._queue.put(chunk)
        elif self._hash is not None:
            self._hash.update(chunk)

    def __enter__(self) -> _BackgroundHash:
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()


def ingest(
    body: RequestBody,
    aead: Aead,
    part_number: int,
    *,
    content_md5: str | None,
    algorithm: ChecksumAlgorithm | None,
    claims: Callable[[], Mapping[ChecksumAlgorithm, str]],
    etag_md5: bool = True,
    default_crc: bool = False,
) -> Ingested:
    """Read ``body`` to its end into the encryptor and hashers, then check the digests it claims.

    The MD5 is computed only when something reads it: the ETag (``etag_md5``: SSE-S3) or a
    Content-MD5 to check. A body of more than one chunk is hashed in a worker thread (see
    :class:`_BackgroundHash`). ``default_crc``: also the CRC64NVME of the body (a part of an upload
    without a checksum algorithm, whose object gets S3's default full-object CRC64NVME).
    """
    expected_md5 = checksums.parse_content_md5(content_md5)
    writer = SegmentWriter(aead, part_number)
    md5 = hashlib.md5() if etag_md5 or expected_md5 is not None else None  # noqa: S324 - S3's ETag
    hasher = checksums.new_hasher(algorithm) if algorithm is not None else None
    crc64 = (
        checksums.new_hasher(ChecksumAlgorithm.CRC64NVME)
        if default_crc and algorithm is not ChecksumAlgorithm.CRC64NVME
        else None
    )
    chunk = body.read(READ_CHUNK)
    with _BackgroundHash.over(md5, big=len(chunk) >= READ_CHUNK) as background:
        while chunk:
            background.update(chunk)
            writer.write(chunk)
            if hasher is not None:
                hasher.update(chunk)
            if crc64 is not None:
                crc64.update(chunk)
            chunk = body.read(READ_CHUNK)
    claimed = checksums.parse_claims(claims())
    digest = md5.digest() if md5 is not None else None
    if digest is not None:
        checksums.check_md5(expected_md5, digest, content_md5)
    for claimed_algorithm in claimed:
        if claimed_algorithm is not algorithm:
            # A (reported), versity/versitygw#1598: S3's answer to a mismatched SDK algorithm.
            raise InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.")
    checksum = None
    default = crc64.digest() if crc64 is not None else None
    if hasher is not None and algorithm is not None:
        actual = hasher.digest()
        if algorithm in claimed:
            checksums.check_claim(algorithm, claimed[algorithm], actual)
        checksum = Checksum(algorithm, checksums.encode(actual))
        if default_crc and algorithm is ChecksumAlgorithm.CRC64NVME:
            default = actual
    return Ingested(writer.close(), digest, checksum, default)


def tampered(obj: StoredObject, exc: DecryptionError) -> InternalError:
    """S3's InternalError for a read of ``obj`` whose stored ciphertext fails authentication (raised
    before a small object is answered; a streamed one raises DecryptionError from its body)."""
    return InternalError(
        f"pytest-s3sse: the stored ciphertext of s3://{obj.bucket}/{obj.key} failed "
        f"authentication ({exc}); it was tampered with or corrupted"
    )


def plaintext(aead: Aead, parts: tuple[SealedPart, ...], start: int, stop: int) -> Iterator[bytes]:
    """The plaintext of ``[start, stop)`` across parts, decrypted segment by segment."""
    offset = 0
    for part in parts:
        end = offset + part.size
        if end > start and offset < stop:
            yield from open_range(aead, part, max(start - offset, 0), min(stop, end) - offset)
        elif part.size == 0 and start == stop == 0 and offset == 0:
            yield from open_range(aead, part, 0, 0)
        offset = end
        if offset >= stop and part.size:
            break

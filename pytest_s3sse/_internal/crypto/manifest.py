"""The part list of a multipart object, authenticated: which parts, in which order.

Each part's segments already bind the part's number, their index and the final flag (see
:mod:`.segments`), so a flipped bit, a dropped segment or a truncated part fails. What they cannot bind
is the part's *position* in the object and the *set* of parts, which are chosen only at
CompleteMultipartUpload, after every part was sealed: two stored parts swapped, the last one dropped,
or a part replaced by an earlier upload of its number would still decrypt, to wrong bytes.

A :class:`PartListKey` closes that gap without re-encrypting anything: at Complete it computes one
HMAC-SHA256 tag over the object's id, the part count and, per position, the part's number, size,
segment count and each segment's nonce and tag (a GCM tag authenticates its segment's ciphertext, and
nonces are random, so this names every byte at rest and costs 28 bytes of hashing per 64 KiB). The
tag is kept in the object's envelope; opening the object recomputes and compares it, so any reorder,
drop or splice of stored parts fails the read as a flipped bit does.

The key is the engine's own (drawn once from its random source), not the object's data key: an SSE-C
CompleteMultipartUpload need not carry the customer key (S3 API, CompleteMultipartUpload: the SSE-C
headers are "needed only when the object was created using a checksum algorithm"), so the data key is
not always there to seal with. It lives as long as its engine and is never at rest with the objects.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Sequence
from typing import NoReturn

from pytest_s3sse._internal.crypto.aead import KEY_SIZE, NONCE_SIZE, TAG_SIZE
from pytest_s3sse._internal.crypto.segments import SealedPart
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.types import NOT_PICKLED

_LABEL = b"s3sse-part-list|"
_PART = struct.Struct(">IIQI")  # position, part number, plaintext size, segment count


class PartListKey:
    """An engine's key for authenticating the ordered part lists of its multipart objects."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            msg = f"a part-list key is {KEY_SIZE} bytes, got {len(key)}"
            raise ValueError(msg)
        self._key = key

    def __repr__(self) -> str:
        return "PartListKey(<redacted>)"

    def export_key(self) -> bytes:
        """The raw key: only for a state directory's key file (``_internal/persistence.py``)."""
        return self._key

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)

    def tag(self, object_id: bytes, parts: Sequence[SealedPart]) -> bytes:
        """The tag of ``parts``, in this order, as the parts of the object ``object_id``."""
        mac = hmac.new(self._key, _LABEL + object_id, hashlib.sha256)
        mac.update(len(parts).to_bytes(4, "big"))
        for position, part in enumerate(parts):
            segments = part.segments
            mac.update(_PART.pack(position, part.part_number, part.size, len(segments)))
            mac.update(b"".join([s[:NONCE_SIZE] + s[-TAG_SIZE:] for s in segments]))
        return mac.digest()

    def check(self, object_id: bytes, parts: Sequence[SealedPart], expected: bytes) -> None:
        """Raise DecryptionError unless ``parts`` are exactly the parts ``expected`` was made for."""
        if not hmac.compare_digest(self.tag(object_id, parts), expected):
            msg = "the object's parts are not the ones it was completed with (reordered, dropped or replaced)"
            raise DecryptionError(msg)

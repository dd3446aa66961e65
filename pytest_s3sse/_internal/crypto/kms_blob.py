"""KMS ciphertext blobs: what Encrypt and GenerateDataKey return, and what Decrypt takes back.

A blob names the KMS key and the key material version that sealed it, so that Decrypt needs no KeyId
(as on AWS, where "KMS can get this information from metadata that it adds to the symmetric ciphertext
blob"). Layout::

    version (1) | len(key ARN) (2, big endian) | key ARN (UTF-8) | material id (32) | nonce | ct | tag

The sealed part is AES-256-GCM under the material's secret. Its associated data is the header followed
by the canonical encryption context, so a changed header, a missing or different context, or any flipped
bit fails authentication. Failures raise :class:`~pytest_s3sse._internal.errors.DecryptionError`; the KMS domain
turns them into ``InvalidCiphertextException``.

The cipher of a key material (:func:`cipher`) is built once by its owner, the KMS key material of one
engine, and lives as long as it: no cache in this module holds key material, so none outlives its engine.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pytest_s3sse._internal.crypto.aead import NONCE_SIZE, OVERHEAD, Aead
from pytest_s3sse._internal.errors import DecryptionError

VERSION = 0x01
MATERIAL_ID_SIZE = 32
_FIXED = 1 + 2 + MATERIAL_ID_SIZE


@dataclass(frozen=True, slots=True)
class BlobHeader:
    """Who sealed a blob: the key ARN and the key material id (64 hex digits)."""

    key_arn: str
    material_id: str

    def encode(self) -> bytes:
        """The header bytes, as they open a blob and as they are authenticated."""
        return _encode_header(self.key_arn, self.material_id)


@functools.lru_cache(maxsize=1024)
def _encode_header(key_arn: str, material_id: str) -> bytes:
    """Cached: a test uses few keys, and every KMS encryption and decryption encodes one."""
    arn = key_arn.encode()
    return bytes([VERSION]) + len(arn).to_bytes(2, "big") + arn + bytes.fromhex(material_id)


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    """The encryption context as bound into a blob: sorted, compact JSON (no context == ``{}``).

    KMS requires "the same encryption context (a case-sensitive exact match)" to decrypt; the order of
    the pairs does not matter, so they are sorted before they are authenticated.
    """
    if not context:
        return b"{}"
    return _canonical(tuple(sorted(context.items())))


@functools.lru_cache(maxsize=1024)
def _canonical(pairs: tuple[tuple[str, str], ...]) -> bytes:
    """Cached by the sorted pairs: S3 sends the same few contexts (one per object ARN, one per
    bucket for Bucket Keys) again and again."""
    return json.dumps(dict(pairs), separators=(",", ":"), ensure_ascii=False).encode()


@functools.lru_cache(maxsize=256)
def read_header(blob: bytes) -> BlobHeader:
    """The header of ``blob`` (raises DecryptionError when it is not a blob of this engine).

    Cached (a failure is not): Decrypt reads a blob's header to find its key, then again to open it.
    """
    if len(blob) < _FIXED + OVERHEAD or blob[0] != VERSION:
        msg = "not a KMS ciphertext blob of this engine"
        raise DecryptionError(msg)
    length = int.from_bytes(blob[1:3], "big")
    end = 3 + length
    if len(blob) < end + MATERIAL_ID_SIZE + OVERHEAD:
        msg = "KMS ciphertext blob is truncated"
        raise DecryptionError(msg)
    try:
        arn = blob[3:end].decode()
    except UnicodeDecodeError as exc:
        msg = "KMS ciphertext blob has a malformed key ARN"
        raise DecryptionError(msg) from exc
    return BlobHeader(arn, blob[end : end + MATERIAL_ID_SIZE].hex())


def cipher(secret: bytes) -> Aead:
    """AES-256-GCM under one key material's secret; its owner builds it once and keeps it (blobs are
    sealed with :meth:`~pytest_s3sse._internal.crypto.aead.Aead.seal_with` and the caller's nonce source)."""
    return Aead(secret, _caller_draws_nonces)


def seal(
    key: Aead,
    header: BlobHeader,
    plaintext: bytes,
    context: Mapping[str, str] | None,
    random_bytes: Callable[[int], bytes],
) -> bytes:
    """Encrypt ``plaintext`` under ``key`` (:func:`cipher`) into a blob bound to ``header`` and
    ``context``."""
    head = header.encode()
    aad = head + canonical_context(context)
    return head + key.seal_with(random_bytes(NONCE_SIZE), plaintext, aad)


def open_blob(key: Aead, blob: bytes, context: Mapping[str, str] | None) -> bytes:
    """The plaintext of ``blob`` (DecryptionError if the blob or the context does not match)."""
    head = read_header(blob).encode()
    return key.open(memoryview(blob)[len(head) :], head + canonical_context(context))


def _caller_draws_nonces(n: int) -> bytes:  # pragma: no cover - seal_with takes the nonce
    msg = "a KMS blob is sealed with a nonce from the caller's random source"
    raise AssertionError(msg)

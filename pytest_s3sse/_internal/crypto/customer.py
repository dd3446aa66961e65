"""Customer-key recipes (SSE-C): wrap a data key under a key the engine never keeps.

S3 with SSE-C receives the customer's key with every request, uses it, and forgets it. What it keeps
is enough to *recognise* the key later (S3 documents "a randomly salted HMAC value of the encryption
key"), never the key or its plain MD5. The engine does the same:

- a **fingerprint**: HMAC-SHA256 keyed by the customer key over a random per-object salt, compared in
  constant time, so a wrong key is told apart from tampering without ever trying to decrypt;
- the object's data key **wrapped** with AES-256-GCM under HKDF-SHA256(customer key, salt), bound to
  the object, so only the right key can open it.

The raw key is only ever a function argument here; nothing in this module stores it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from pytest_s3sse._internal.crypto.aead import KEY_SIZE, Aead, derive_key
from pytest_s3sse._internal.types import NOT_PICKLED

SALT_SIZE = 16
_FINGERPRINT_LABEL = b"s3sse-ssec-fingerprint|"
_WRAP_INFO = b"s3sse-ssec-wrap"
_WRAP_AAD = b"s3sse-ssec|"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class CustomerKey:
    """A validated customer key, alive for one request only.

    It is never stored: envelopes keep a salted fingerprint instead. Its repr hides the key, and it
    has no equality, so no comparison can leak it through an assertion message. Only this module and
    the sealer read :attr:`secret`.
    """

    secret: bytes

    def __repr__(self) -> str:
        return "CustomerKey(<redacted>)"

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)


@dataclass(frozen=True, slots=True, repr=False)
class CustomerWrappedKey:
    """A data key wrapped under a customer key: salt, key fingerprint and the sealed data key.

    None of the three lets anyone recover the customer key; the repr shows none of them anyway.
    """

    salt: bytes
    fingerprint: bytes
    blob: bytes

    def __repr__(self) -> str:
        return "CustomerWrappedKey(<salted HMAC fingerprint>, <wrapped data key>)"


def key_md5(secret: bytes) -> bytes:
    """The binary MD5 of a customer key: what ``x-amz-server-side-encryption-customer-key-MD5``
    carries (base64-encoded) so S3 can check the key arrived intact."""
    return hashlib.md5(secret).digest()  # noqa: S324 - S3's integrity check of the key, not a MAC


def fingerprint(secret: bytes, salt: bytes) -> bytes:
    """The salted HMAC that recognises ``secret`` later without storing it."""
    return hmac.new(secret, _FINGERPRINT_LABEL + salt, hashlib.sha256).digest()


def matches(wrapped: CustomerWrappedKey, secret: bytes) -> bool:
    """True when ``secret`` is the key ``wrapped`` was made with (constant-time comparison)."""
    return hmac.compare_digest(fingerprint(secret, wrapped.salt), wrapped.fingerprint)


def _wrapping_aead(secret: bytes, salt: bytes, random_bytes: Callable[[int], bytes]) -> Aead:
    return Aead(derive_key(secret, salt, _WRAP_INFO), random_bytes)


def wrap(
    data_key: bytes, secret: bytes, context: bytes, random_bytes: Callable[[int], bytes]
) -> CustomerWrappedKey:
    """Wrap ``data_key`` under ``secret`` (a fresh salt each time), bound to ``context``."""
    if len(data_key) != KEY_SIZE:
        msg = f"a data key is {KEY_SIZE} bytes, got {len(data_key)}"
        raise ValueError(msg)
    salt = random_bytes(SALT_SIZE)
    blob = _wrapping_aead(secret, salt, random_bytes).seal(data_key, _WRAP_AAD + context)
    return CustomerWrappedKey(salt, fingerprint(secret, salt), blob)


def unwrap(
    wrapped: CustomerWrappedKey,
    secret: bytes,
    context: bytes,
    random_bytes: Callable[[int], bytes],
) -> bytes:
    """The data key (DecryptionError if the blob was altered; check :func:`matches` first)."""
    return _wrapping_aead(secret, wrapped.salt, random_bytes).open(
        wrapped.blob, _WRAP_AAD + context
    )

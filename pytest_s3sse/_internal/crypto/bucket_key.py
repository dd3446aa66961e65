"""S3 Bucket Keys: per-object data keys derived from one bucket-level key.

With a Bucket Key, S3 asks KMS for a data key once and "uses it to create unique data keys for objects"
for a limited time (P, S3 user guide "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"), so
KMS is not called per object. The recipe here is that derivation: HKDF-SHA256 over the bucket-level
key with a random per-object salt, bound to the object's id, so no two objects share a data key and
only the bucket-level key (which KMS wraps) can recompute one.
"""

from __future__ import annotations

from pytest_s3sse._internal.crypto.aead import derive_key

SALT_SIZE = 16
_INFO = b"s3sse-bucket-key-object|"


def object_key(bucket_key: bytes, salt: bytes, object_id: bytes) -> bytes:
    """The 256-bit data key of one object under ``bucket_key``."""
    return derive_key(bucket_key, salt, _INFO + object_id)

"""The KMS ciphertext blob recipe (crypto layer): what it names, what it binds, how it fails."""

from __future__ import annotations

import os

import pytest

from pytest_s3sse._internal.crypto import kms_blob
from pytest_s3sse._internal.errors import DecryptionError

SECRET = kms_blob.cipher(bytes(range(32)))
HEADER = kms_blob.BlobHeader("arn:aws:kms:us-east-1:123456789012:key/k", "ab" * 32)


def _seal(context=None):
    return kms_blob.seal(SECRET, HEADER, b"plaintext", context, os.urandom)


def test_a_blob_names_its_key_and_material():
    assert kms_blob.read_header(_seal()) == HEADER


def test_a_blob_opens_with_the_same_context_in_any_order():
    blob = _seal({"a": "1", "b": "2"})
    assert kms_blob.open_blob(SECRET, blob, {"b": "2", "a": "1"}) == b"plaintext"


def test_no_context_and_an_empty_context_are_the_same():
    assert kms_blob.open_blob(SECRET, _seal(None), {}) == b"plaintext"


@pytest.mark.parametrize("context", [None, {"a": "2"}, {"a": "1", "b": ""}])
def test_another_context_fails_authentication(context):
    with pytest.raises(DecryptionError):
        kms_blob.open_blob(SECRET, _seal({"a": "1"}), context)


def test_another_secret_fails_authentication():
    with pytest.raises(DecryptionError):
        kms_blob.open_blob(kms_blob.cipher(bytes(32)), _seal(), None)


def test_every_flipped_byte_fails():
    blob = _seal({"a": "1"})
    for index in range(len(blob)):
        flipped = bytearray(blob)
        flipped[index] ^= 0x80
        with pytest.raises(DecryptionError):
            kms_blob.open_blob(SECRET, bytes(flipped), {"a": "1"})


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x02" + bytes(100), b"\x01\xff\xff" + bytes(60)])
def test_what_is_not_a_blob_is_refused_before_decryption(blob):
    with pytest.raises(DecryptionError):
        kms_blob.read_header(blob)

"""Encryption at rest: the segmented AES-256-GCM format, root-key rotation, and what S3 users can
observe (ciphertext at rest, unique data keys, tampering detected)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from pytest_s3sse import DecryptionError, ObjectNotFoundError
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.crypto.aead import Aead
from pytest_s3sse._internal.crypto.keyring import RootKeyRing
from pytest_s3sse._internal.crypto.segments import (
    SEGMENT_SIZE,
    SealedPart,
    SegmentWriter,
    open_range,
    seal_bytes,
)
from pytest_s3sse._internal.entropy import Entropy


@pytest.fixture
def aead():
    return Aead(os.urandom(32), os.urandom)


def _plain(aead, part, start=0, stop=None):
    return b"".join(open_range(aead, part, start, part.size if stop is None else stop))


@pytest.mark.parametrize(
    "size", [0, 1, SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 3 * SEGMENT_SIZE + 7]
)
def test_segments_round_trip_at_every_size(aead, size):
    data = os.urandom(size)
    part = seal_bytes(aead, data)
    assert _plain(aead, part) == data
    assert len(part.segments) == max(1, -(-size // SEGMENT_SIZE))


def test_writes_in_odd_pieces_give_the_same_plaintext(aead):
    data = os.urandom(5 * SEGMENT_SIZE + 123)
    writer = SegmentWriter(aead)
    for i in range(0, len(data), 7777):
        writer.write(data[i : i + 7777])
    assert _plain(aead, writer.close()) == data


def test_a_range_decrypts_only_the_segments_it_touches(aead):
    data = os.urandom(4 * SEGMENT_SIZE)
    part = seal_bytes(aead, data)
    broken = SealedPart(part.part_number, part.size, (b"x" * 40, *part.segments[1:]))
    start, stop = 2 * SEGMENT_SIZE + 5, 3 * SEGMENT_SIZE + 9
    assert _plain(aead, broken, start, stop) == data[start:stop]
    with pytest.raises(DecryptionError):
        _plain(aead, broken, 0, 10)


def test_reordered_segments_are_detected(aead):
    part = seal_bytes(aead, os.urandom(3 * SEGMENT_SIZE))
    s = part.segments
    with pytest.raises(DecryptionError):
        _plain(aead, SealedPart(1, part.size, (s[1], s[0], s[2])))


def test_a_truncated_part_is_detected(aead):
    part = seal_bytes(aead, os.urandom(2 * SEGMENT_SIZE))
    with pytest.raises(DecryptionError):
        _plain(aead, SealedPart(1, SEGMENT_SIZE, part.segments[:1]))


def test_a_segment_from_another_part_number_is_detected(aead):
    one = seal_bytes(aead, b"a" * 10, part_number=1)
    two = seal_bytes(aead, b"a" * 10, part_number=2)
    with pytest.raises(DecryptionError):
        _plain(aead, SealedPart(1, 10, two.segments))
    assert _plain(aead, one) == b"a" * 10


def test_root_keys_rotate_on_the_engine_clock_and_old_versions_still_unwrap():
    clock = Clock(frozen=True)
    ring = RootKeyRing(clock, Entropy(1).bytes, rotation_period=timedelta(days=30))
    old = ring.wrap(b"k" * 32, b"obj-1")
    clock.advance(days=29)
    assert ring.wrap(b"k" * 32, b"obj-2").root_version == 1
    clock.advance(days=1)
    new = ring.wrap(b"k" * 32, b"obj-3")
    assert (old.root_version, new.root_version) == (1, 2)
    assert ring.unwrap(old, b"obj-1") == ring.unwrap(new, b"obj-3") == b"k" * 32


def test_a_wrapped_key_only_unwraps_for_its_own_object():
    ring = RootKeyRing(Clock(), Entropy().bytes)
    wrapped = ring.wrap(b"k" * 32, b"obj-1")
    with pytest.raises(DecryptionError):
        ring.unwrap(wrapped, b"obj-2")


# -- through S3 -------------------------------------------------------------------------------


def test_a_repetitive_plaintext_never_appears_in_the_ciphertext(s3, bucket, s3sse):
    plaintext = b"0123456789abcdef" * 65536  # 1 MiB
    s3.put_object(Bucket=bucket, Key="big", Body=plaintext)
    at_rest = s3sse.stored(bucket, "big").ciphertext
    assert plaintext[:64] not in at_rest
    assert b"0123456789abcdef" * 2 not in at_rest
    assert len(at_rest) > len(plaintext)


def test_equal_plaintexts_give_different_ciphertexts(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="a", Body=b"same bytes" * 100)
    s3.put_object(Bucket=bucket, Key="b", Body=b"same bytes" * 100)
    assert s3sse.stored(bucket, "a").ciphertext != s3sse.stored(bucket, "b").ciphertext


def test_overwriting_an_object_uses_a_new_data_key(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="a", Body=b"v")
    first = s3sse.stored(bucket, "a").ciphertext
    s3.put_object(Bucket=bucket, Key="a", Body=b"v")
    assert s3sse.stored(bucket, "a").ciphertext != first


def test_a_flipped_ciphertext_byte_makes_get_fail(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret report")
    s3sse.tamper(bucket, "k", offset=20)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k")
    assert info.value.response["Error"]["Code"] == "InternalError"
    assert "failed authentication" in info.value.response["Error"]["Message"]


def test_tampering_a_large_object_fails_the_streamed_read(s3, bucket, s3sse):
    data = os.urandom(6 * 1024 * 1024)
    s3.put_object(Bucket=bucket, Key="k", Body=data)
    s3sse.tamper(bucket, "k", offset=s3sse.stored(bucket, "k").stored_size - 1)
    body = s3.get_object(Bucket=bucket, Key="k")["Body"]
    with pytest.raises(DecryptionError):
        body.read()


def test_head_still_works_on_a_tampered_object(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3sse.tamper(bucket, "k")
    assert s3.head_object(Bucket=bucket, Key="k")["ContentLength"] == 1


def test_objects_written_before_a_root_key_rotation_still_read(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="old", Body=b"before")
    s3sse.clock.advance(days=31)
    s3.put_object(Bucket=bucket, Key="new", Body=b"after")
    assert s3sse.stored(bucket, "old").root_key_version == 1
    assert s3sse.stored(bucket, "new").root_key_version == 2
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"before"


def test_the_at_rest_view_of_a_missing_object_is_a_clear_error(s3sse, bucket):
    with pytest.raises(ObjectNotFoundError, match="s3://bkt/nope is not stored"):
        s3sse.stored(bucket, "nope")

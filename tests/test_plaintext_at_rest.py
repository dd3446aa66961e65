"""``s3sse.assert_no_plaintext_at_rest`` (issue 14, "Assertions with readable failures"): no object's
bytes at rest hold its plaintext, and no secret the test names is stored anywhere, in the ciphertext
or in what S3 keeps in clear beside it (user metadata is not encrypted by SSE: P, S3 user guide
"Protecting data with server-side encryption": "Server-side encryption encrypts only the object data,
not the object metadata")."""

from __future__ import annotations

import pytest

from pytest_s3sse import S3SSEAssertionError
from pytest_s3sse._internal.crypto import aead as aead_module
from tests.sse_c_support import KEY

BODY = b"the quarterly numbers, in full " * 4  # longer than the search's 8-byte floor
LARGE = bytes(range(256)) * 600  # 150 KiB: three 64 KiB segments


def put(s3, bucket, name="k", body=BODY, **sse):
    s3.put_object(Bucket=bucket, Key=name, Body=body, **sse)


@pytest.mark.s3sse(block_ssec_on_new_buckets=False)
def test_every_mode_passes_when_the_engine_encrypts(s3sse, s3, bucket, key):
    put(s3, bucket, "s3")
    put(s3, bucket, "large", LARGE)
    put(s3, bucket, "kms", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    put(s3, bucket, "bk", ServerSideEncryption="aws:kms", BucketKeyEnabled=True)
    put(s3, bucket, "dsse", ServerSideEncryption="aws:kms:dsse", SSEKMSKeyId=key["Arn"])
    put(s3, bucket, "ssec", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    s3sse.assert_no_plaintext_at_rest(b"the quarterly", "numbers")  # no needle in the ciphertext


def test_it_makes_no_kms_call_and_adds_nothing_to_the_event_stream(s3sse, s3, bucket, key):
    put(s3, bucket, "kms", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    put(s3, bucket, "bk", ServerSideEncryption="aws:kms", BucketKeyEnabled=True)
    calls, events = s3sse.kms_calls, len(s3sse.engine.events)
    s3sse.assert_no_plaintext_at_rest()
    assert s3sse.kms_calls == calls
    assert len(s3sse.engine.events) == events


def test_it_leaves_the_bucket_key_cache_alone_so_a_later_read_still_calls_decrypt(
    s3sse, s3, bucket
):
    # A GET after a new period asks KMS for the bucket key (docs/sse-kms.md); looking at rest in
    # between must not fill the cache and hide that Decrypt.
    put(s3, bucket, "bk", ServerSideEncryption="aws:kms", BucketKeyEnabled=True)
    s3sse.clock.advance(hours=2)
    s3sse.assert_no_plaintext_at_rest()
    s3.get_object(Bucket=bucket, Key="bk")["Body"].read()
    assert s3sse.kms_call_count("Decrypt") == 1


def test_it_opens_objects_whose_key_is_disabled_or_throttled(s3sse, s3, kms, bucket, key):
    put(s3, bucket, "kms", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    kms.disable_key(KeyId=key["KeyId"])
    s3sse.kms_quota("cryptographic", 0.001, burst=1)
    s3sse.assert_no_plaintext_at_rest()


def test_objects_of_a_deleted_key_are_checked_by_construction(s3sse, s3, kms, bucket, key):
    put(s3, bucket, "kms", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    s3sse.clock.advance(days=8)
    s3sse.assert_no_plaintext_at_rest()


@pytest.fixture
def leaky_cipher(monkeypatch):
    """An engine whose AES-GCM stores the plaintext as is (nonce || plaintext || zero tag): every
    object round-trips, and every byte at rest is readable. The defect the assertion is for."""

    def seal_with(self, nonce, plaintext, aad):
        return bytes(nonce) + bytes(plaintext) + bytes(16)

    def seal(self, plaintext, aad):
        return seal_with(self, self._nonce(12), plaintext, aad)

    def open_(self, sealed, aad):
        return bytes(sealed)[12:-16]

    monkeypatch.setattr(aead_module.Aead, "seal", seal)
    monkeypatch.setattr(aead_module.Aead, "seal_with", seal_with)
    monkeypatch.setattr(aead_module.Aead, "open", open_)


@pytest.mark.usefixtures("leaky_cipher")
def test_an_object_stored_in_clear_fails_naming_the_object_segment_and_offset(s3sse, s3, bucket):
    put(s3, bucket, "doc")
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == BODY
    with pytest.raises(S3SSEAssertionError) as failure:
        s3sse.assert_no_plaintext_at_rest()
    message = str(failure.value)
    assert "s3://bkt/doc (SSE-S3)" in message
    assert "ciphertext, part 1 segment 0: the object's own plaintext (124 bytes" in message
    assert "at stored offset 12" in message  # after the 12-byte nonce


@pytest.mark.usefixtures("leaky_cipher")
def test_the_second_segment_of_a_large_object_is_found_at_its_stored_offset(s3sse, s3, bucket):
    put(s3, bucket, "big", LARGE)
    with pytest.raises(
        S3SSEAssertionError, match="segment 1: the object's own plaintext"
    ) as failure:
        s3sse.assert_no_plaintext_at_rest(bucket=bucket)
    assert f"at stored offset {64 * 1024 + 28 + 12}" in str(failure.value)


def test_a_secret_in_user_metadata_is_a_finding(s3sse, s3, bucket):
    put(s3, bucket, "doc", Metadata={"note": "password=hunter2"})
    with pytest.raises(S3SSEAssertionError) as failure:
        s3sse.assert_no_plaintext_at_rest(b"hunter2")
    assert "user metadata x-amz-meta-note: b'hunter2' at offset 9 of 'password=hunter2'" in str(
        failure.value
    )


def test_a_secret_in_the_object_key_or_the_encryption_context_is_a_finding(s3sse, s3, bucket):
    context = "eyJ0ZW5hbnQiOiJhY21lLXNlY3JldCJ9"  # base64 of {"tenant":"acme-secret"}
    put(
        s3,
        bucket,
        "acme-secret/doc",
        ServerSideEncryption="aws:kms",
        SSEKMSEncryptionContext=context,
    )
    with pytest.raises(S3SSEAssertionError) as failure:
        s3sse.assert_no_plaintext_at_rest("acme-secret")
    message = str(failure.value)
    assert "object key: b'acme-secret' at offset 0" in message
    assert "encryption context 'tenant': b'acme-secret' at offset 0" in message
    # aws:s3:arn names the object, so the key is there too: S3 appends it in clear (P).
    assert "encryption context 'aws:s3:arn'" in message


def test_other_objects_and_other_buckets_are_left_out_by_bucket(s3sse, s3, bucket):
    s3.create_bucket(Bucket="other")
    put(s3, "other", "doc", Metadata={"note": "hunter2"})
    s3sse.assert_no_plaintext_at_rest("hunter2", bucket=bucket)


@pytest.mark.s3sse(block_ssec_on_new_buckets=False)
def test_sse_c_objects_are_counted_as_checked_without_decrypting(s3sse, s3, bucket):
    put(s3, bucket, "c", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY, Metadata={"k": "pin"})
    with pytest.raises(S3SSEAssertionError, match=r"1 of 1 objects \(1 checked without decrypting"):
        s3sse.assert_no_plaintext_at_rest("pin")


def test_an_object_altered_at_rest_is_a_finding_not_a_pass(s3sse, s3, bucket):
    put(s3, bucket, "doc")
    s3sse.tamper(bucket, "doc", offset=20)
    with pytest.raises(S3SSEAssertionError, match="does not open under its own key material"):
        s3sse.assert_no_plaintext_at_rest()


def test_an_empty_needle_is_a_value_error(s3sse):
    with pytest.raises(ValueError, match="empty needle"):
        s3sse.assert_no_plaintext_at_rest(b"")


def start_upload(s3, bucket, **kwargs):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp", **kwargs)["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=2, Body=BODY)
    return upload


def test_the_parts_of_an_upload_in_progress_are_looked_at_too(s3sse, s3, bucket, key):
    start_upload(s3, bucket, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"])
    s3sse.assert_no_plaintext_at_rest(b"quarterly")


@pytest.mark.usefixtures("leaky_cipher")
def test_a_part_stored_in_clear_is_found_in_its_upload(s3sse, s3, bucket):
    upload = start_upload(s3, bucket)
    with pytest.raises(S3SSEAssertionError) as failure:
        s3sse.assert_no_plaintext_at_rest()
    message = str(failure.value)
    assert f"s3://bkt/mp upload {upload} in progress (SSE-S3)" in message
    assert "ciphertext, part 2 segment 0: the object's own plaintext" in message


def test_a_secret_in_an_uploads_metadata_is_a_finding(s3sse, s3, bucket):
    start_upload(s3, bucket, Metadata={"note": "hunter2"})
    with pytest.raises(S3SSEAssertionError, match="user metadata x-amz-meta-note: b'hunter2'"):
        s3sse.assert_no_plaintext_at_rest("hunter2")

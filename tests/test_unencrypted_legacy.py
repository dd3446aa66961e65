"""Unencrypted legacy objects: what S3 stored before 2023-01-05 when no encryption was asked for, and
what a compliance test must find.

No request can write one today (P, S3 user guide "Default encryption FAQ": "Starting January 5, 2023,
all new object uploads to Amazon S3 are automatically encrypted"), so tests seed them with
``s3sse.put_unencrypted``. Sources: ``/work/shared/reference/audit-behaviour.md`` 4.1 (S3 Inventory's
``NOT-SSE``, P; U: only for a seeded legacy object), ``aws-sse-behaviour.md`` 5.1 (an unencrypted
object answers no ``x-amz-server-side-encryption``, P) and 5.2 (its ETag is the MD5 of its body, P).
"""

from __future__ import annotations

import hashlib

import pytest

from pytest_s3sse import S3SSEAssertionError

BODY = b"customer list, 2019"


def test_a_legacy_object_reads_back_without_any_encryption_header(s3, bucket, s3sse):
    """5.1 (P): no ``x-amz-server-side-encryption``; 5.2 (P): the ETag is the body's MD5."""
    s3sse.put_unencrypted(bucket, "old.csv", BODY, content_type="text/csv")
    got = s3.get_object(Bucket=bucket, Key="old.csv")
    assert got["Body"].read() == BODY
    assert "ServerSideEncryption" not in got
    assert got["ETag"] == f'"{hashlib.md5(BODY).hexdigest()}"'
    assert got["ContentType"] == "text/csv"
    assert s3sse.stored(bucket, "old.csv").mode == "NONE"


def test_a_legacy_object_is_not_sse_in_the_encryption_report(s3, bucket, s3sse):
    """4.1 (P: S3 Inventory's EncryptionStatus ``NOT-SSE``; U: only for a seeded object)."""
    s3sse.put_unencrypted(bucket, "old.csv", BODY)
    s3.put_object(Bucket=bucket, Key="new.csv", Body=BODY)
    statuses = {row["Key"]: row["EncryptionStatus"] for row in s3sse.encryption_report().rows}
    assert statuses == {"new.csv": "SSE-S3", "old.csv": "NOT-SSE"}


def test_every_encryption_assertion_finds_a_legacy_object(bucket, s3sse):
    """What a compliance test is for: the unencrypted object is named."""
    s3sse.put_unencrypted(bucket, "old.csv", BODY)
    with pytest.raises(S3SSEAssertionError, match=r"old\.csv"):
        s3sse.assert_all_objects_encrypted_with("SSE-S3")
    with pytest.raises(S3SSEAssertionError, match="stored unencrypted"):
        s3sse.assert_no_plaintext_at_rest()
    with pytest.raises(S3SSEAssertionError):
        s3sse.assert_encrypted(bucket, "old.csv", "SSE-S3")


def test_copying_a_legacy_object_in_place_encrypts_it_with_the_bucket_default(s3, bucket, s3sse):
    """The remediation S3 documents (P, UG23 "Copy objects": re-writing an object applies the
    encryption asked for or the bucket default, SSE-S3 since 2023)."""
    s3sse.put_unencrypted(bucket, "old.csv", BODY)
    s3.copy_object(
        Bucket=bucket, Key="old.csv", CopySource={"Bucket": bucket, "Key": "old.csv"},
        ServerSideEncryption="AES256",
    )  # fmt: skip
    s3sse.assert_encrypted(bucket, "old.csv", "SSE-S3")
    s3sse.assert_no_plaintext_at_rest(BODY)
    assert s3.get_object(Bucket=bucket, Key="old.csv")["Body"].read() == BODY


def test_a_legacy_object_in_a_versioned_bucket_gets_a_version(s3, bucket, s3sse):
    """I3 (P): a write to a versioning-enabled bucket gets a version id."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3sse.put_unencrypted(bucket, "old.csv", BODY)
    assert version != "null"
    assert s3.head_object(Bucket=bucket, Key="old.csv")["VersionId"] == version

"""CopyObject: metadata directives, copy-source conditions, copy onto itself, re-encryption.

Sources: ``docs/_research/s3-errors.md`` (sections 1, 5b, 5c, 8; A = recorded against AWS in
LocalStack's validated snapshots) and ``shared/reference/aws-sse-behaviour.md`` section 8 (K1-K13).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from pytest_s3sse._internal.s3 import copy as copy_module
from pytest_s3sse._internal.s3.copy import MSG_COPY_TO_SELF

BODY = b'{"key": "value"}'
PRECONDITION_FAILED = "At least one of the pre-conditions you specified did not hold"


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, str]:
    return excinfo.value.response["Error"]


def status_of(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def source(s3, bucket):
    """``src``: JSON with user metadata and a CRC32 checksum, as botocore sends by default."""
    s3.put_object(
        Bucket=bucket,
        Key="src",
        Body=BODY,
        ContentType="application/json",
        ContentLanguage="en-US",
        Metadata={"key": "value"},
    )
    return "src"


def copy_from(bucket, key, **kwargs):
    return {"Bucket": bucket, "CopySource": {"Bucket": bucket, "Key": key}, **kwargs}


# -- the copy itself ---------------------------------------------------------------------------
def test_copy_serves_the_source_plaintext_under_the_new_key(s3, bucket, source):
    s3.copy_object(**copy_from(bucket, source, Key="dst"))
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY


def test_copy_result_has_the_plaintext_md5_etag_and_sse_s3(s3, bucket, source):
    """5.2: the ETag of an SSE-S3 copy is the MD5 of the plaintext; 5.1: AES256 is echoed."""
    result = s3.copy_object(**copy_from(bucket, source, Key="dst"))
    assert result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(BODY).hexdigest()}"'
    assert result["ServerSideEncryption"] == "AES256"
    assert result["CopyObjectResult"]["LastModified"] is not None


def test_copy_reencrypts_under_its_own_data_key(s3, bucket, source, s3sse):
    """K6: the target's encryption is its own; no two objects share ciphertext or a data key."""
    s3.copy_object(**copy_from(bucket, source, Key="dst"))
    src, dst = s3sse.stored(bucket, source), s3sse.stored(bucket, "dst")
    assert src.ciphertext != dst.ciphertext
    assert BODY not in dst.ciphertext
    store = s3sse.engine.store
    assert (
        store.current(bucket, "dst").envelope.wrapped
        != store.current(bucket, source).envelope.wrapped
    )


def test_copy_of_keys_with_spaces_and_unicode(s3, bucket):
    """botocore URL-encodes x-amz-copy-source; the engine decodes it."""
    s3.put_object(Bucket=bucket, Key="dir with space/ünï+çødé", Body=b"x")
    s3.copy_object(**copy_from(bucket, "dir with space/ünï+çødé", Key="dst"))
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"x"


def test_copy_of_a_multi_megabyte_object_streams_segment_by_segment(s3, bucket):
    body = bytes(range(256)) * (5 * 4096 + 7)  # > 5 MiB: the streamed (not eager) decrypt path
    s3.put_object(Bucket=bucket, Key="big", Body=body)
    result = s3.copy_object(**copy_from(bucket, "big", Key="dst"))
    assert result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == body


def test_copy_across_buckets(s3, bucket, source):
    s3.create_bucket(Bucket="other")
    s3.copy_object(Bucket="other", Key="dst", CopySource={"Bucket": bucket, "Key": source})
    assert s3.get_object(Bucket="other", Key="dst")["Body"].read() == BODY


def test_copy_of_tampered_ciphertext_is_an_internal_error(s3, bucket, source, s3sse):
    s3sse.tamper(bucket, source, offset=20)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst"))
    assert error_of(exc)["Code"] == "InternalError"


def test_copy_of_a_tampered_streamed_source_is_an_internal_error_and_stores_nothing(
    s3, bucket, s3sse
):
    body = bytes(range(256)) * (5 * 4096 + 7)  # > 5 MiB: the streamed (not eager) decrypt path
    s3.put_object(Bucket=bucket, Key="big", Body=body)
    s3sse.tamper(bucket, "big", offset=5 * 1024 * 1024)  # a late segment: found while copying
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, "big", Key="dst"))
    assert error_of(exc)["Code"] == "InternalError"
    assert "tampered" in error_of(exc)["Message"]
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="dst")


# -- the in-place migration --------------------------------------------------------------------
def test_copy_in_place_with_replace_reencrypts_under_a_new_data_key(s3, bucket, source, s3sse):
    """The migration idiom: copy an object onto itself with REPLACE; A, LocalStack snapshot
    ``copy-replace-directive``: same ETag, new metadata; the data key and ciphertext change."""
    before = s3sse.stored(bucket, source)
    wrapped_before = s3sse.engine.store.current(bucket, source).envelope.wrapped
    s3.copy_object(
        **copy_from(bucket, source, Key=source, MetadataDirective="REPLACE", Metadata={"v": "2"})
    )
    after = s3sse.stored(bucket, source)
    assert after.ciphertext != before.ciphertext
    assert s3sse.engine.store.current(bucket, source).envelope.wrapped != wrapped_before
    assert after.mode == "SSE-S3"
    assert after.etag == before.etag
    assert s3.head_object(Bucket=bucket, Key=source)["Metadata"] == {"v": "2"}
    assert s3.get_object(Bucket=bucket, Key=source)["Body"].read() == BODY


def test_copy_in_place_rewraps_under_the_current_root_key(s3, bucket, source, s3sse):
    old_version = s3sse.stored(bucket, source).root_key_version
    s3sse.rotate_root_key()
    s3.copy_object(**copy_from(bucket, source, Key=source, MetadataDirective="REPLACE"))
    assert s3sse.stored(bucket, source).root_key_version != old_version


# -- metadata directive ------------------------------------------------------------------------
def test_copy_directive_keeps_source_content_type_and_metadata_by_default(s3, bucket, source):
    """A, LocalStack snapshot test_s3_copy_content_type_and_metadata."""
    s3.copy_object(**copy_from(bucket, source, Key="dst"))
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["ContentType"] == "application/json"
    assert head["ContentLanguage"] == "en-US"
    assert head["Metadata"] == {"key": "value"}


def test_copy_directive_ignores_metadata_sent_with_it(s3, bucket, source):
    """A, LocalStack snapshot ``copy-copy-directive-ignore``."""
    s3.copy_object(
        **copy_from(
            bucket, source, Key="dst", MetadataDirective="COPY",
            Metadata={"key3": "value3"}, ContentType="image/jpg",
        )
    )  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["Metadata"] == {"key": "value"}
    assert head["ContentType"] == "application/json"


def test_replace_directive_takes_the_request_attributes(s3, bucket, source):
    """A, LocalStack snapshot test_s3_copy_metadata_replace."""
    s3.copy_object(
        **copy_from(
            bucket, source, Key="dst", MetadataDirective="REPLACE",
            Metadata={"another-key": "value"}, ContentType="image/jpg",
        )
    )  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["ContentType"] == "image/jpg"
    assert head["Metadata"] == {"another-key": "value"}
    assert "ContentLanguage" not in head


def test_replace_directive_without_attributes_clears_them(s3, bucket, source):
    """A, LocalStack snapshot ``copy-replace-directive-empty``: binary/octet-stream, no metadata."""
    s3.copy_object(**copy_from(bucket, source, Key="dst", MetadataDirective="REPLACE"))
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["ContentType"] == "binary/octet-stream"
    assert head["Metadata"] == {}


def test_unknown_metadata_directive_is_invalid_argument(s3, bucket, source):
    """T (MinIO ErrInvalidMetadataDirective), s3-errors.md section 8: not recorded against AWS."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst", MetadataDirective="MOVE"))
    assert error_of(exc)["Code"] == "InvalidArgument"
    assert error_of(exc)["Message"] == "Unknown metadata directive."
    assert error_of(exc)["ArgumentName"] == "x-amz-metadata-directive"
    assert error_of(exc)["ArgumentValue"] == "MOVE"


def test_copy_takes_the_requested_storage_class_not_the_sources(s3, bucket):
    """A, LocalStack snapshot test_s3_copy_object_storage_class: the target is STANDARD."""
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    s3.copy_object(**copy_from(bucket, "ia", Key="plain"))
    s3.copy_object(**copy_from(bucket, "ia", Key="glacier", StorageClass="GLACIER_IR"))
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="plain")
    assert s3.head_object(Bucket=bucket, Key="glacier")["StorageClass"] == "GLACIER_IR"


# -- source and target errors ------------------------------------------------------------------
def test_missing_source_bucket_is_no_such_bucket_naming_it(s3, bucket):
    """A, LocalStack snapshot ``copy-object-src-bucket-not-exists``."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": "nowhere", "Key": "k"})
    assert status_of(exc) == 404
    assert error_of(exc)["Code"] == "NoSuchBucket"
    assert error_of(exc)["BucketName"] == "nowhere"


def test_missing_source_key_is_no_such_key_naming_it(s3, bucket):
    """A, LocalStack snapshot ``copy-object-src-object-not-exists``."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, "missing", Key="dst"))
    assert status_of(exc) == 404
    assert error_of(exc)["Code"] == "NoSuchKey"
    assert error_of(exc)["Message"] == "The specified key does not exist."
    assert error_of(exc)["Key"] == "missing"


def test_copy_source_without_a_key_is_invalid_argument(s3, bucket):
    """A, LocalStack snapshot test_s3_copy_object_wrong_format."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource="wrongformat")
    assert error_of(exc)["Code"] == "InvalidArgument"
    assert error_of(exc)["Message"] == "Invalid copy source object key"


def test_copy_source_version_null_names_the_unversioned_object(s3, bucket, source):
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": source, "VersionId": "null"}
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY


def test_copy_source_sse_c_key_on_an_sse_s3_source_is_invalid_request(s3, bucket, source):
    """K12 (U; the R10 text proposed in aws-sse-behaviour.md section 8)."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(
            **copy_from(
                bucket, source, Key="dst",
                CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey="k" * 32,
            )
        )  # fmt: skip
    assert error_of(exc)["Code"] == "InvalidRequest"
    assert (
        error_of(exc)["Message"] == "The encryption parameters are not applicable to this object."
    )


def test_copy_source_above_the_size_limit_is_invalid_request(s3, bucket, source, monkeypatch):
    """The 5 GiB limit, lowered for the test (S: the widely reported AWS text)."""
    monkeypatch.setattr(copy_module, "MAX_COPY_SIZE", 4)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst"))
    assert error_of(exc)["Code"] == "InvalidRequest"
    assert error_of(exc)["Message"] == (
        "The specified copy source is larger than the maximum allowable size for a copy source: 4"
    )


def test_destination_if_none_match_star_on_an_existing_key_is_412(s3, bucket, source):
    """A, LocalStack snapshot test_copy_object_if_none_match (s3-errors.md 5c)."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(
            **copy_from(bucket, source, Key=source, IfNoneMatch="*", StorageClass="STANDARD")
        )
    assert status_of(exc) == 412
    assert error_of(exc)["Condition"] == "If-None-Match"


def test_destination_if_match_on_a_missing_key_is_no_such_key(s3, bucket, source):
    """A, LocalStack snapshot ``copy-obj-if-match-fail-no-object`` (s3-errors.md 5c)."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst", IfMatch='"abc"'))
    assert status_of(exc) == 404
    assert error_of(exc)["Code"] == "NoSuchKey"
    assert error_of(exc)["Key"] == "dst"


# -- copy-source conditions (s3-errors.md 5b) --------------------------------------------------
def test_failing_copy_source_if_match_is_412_naming_the_copy_header(s3, bucket, source):
    """A, LocalStack snapshot ``copy-precondition-if-match``."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst", CopySourceIfMatch='"nope"'))
    assert status_of(exc) == 412
    assert error_of(exc)["Message"] == PRECONDITION_FAILED
    assert error_of(exc)["Condition"] == "x-amz-copy-source-If-Match"


def test_matching_copy_source_if_none_match_is_412_not_304(s3, bucket, source):
    """A, LocalStack snapshots ``copy-precondition-if-none-match``, ``copy-etag-missing-quotes``."""
    etag = s3.head_object(Bucket=bucket, Key=source)["ETag"].strip('"')
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst", CopySourceIfNoneMatch=etag))
    assert status_of(exc) == 412
    assert error_of(exc)["Condition"] == "x-amz-copy-source-If-None-Match"


def test_unmodified_copy_source_if_modified_since_is_412(s3, bucket, source, s3sse):
    """A, LocalStack snapshot ``copy-precondition-if-modified-since``."""
    since = s3sse.clock.now() + timedelta(seconds=1)
    s3sse.clock.advance(10)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst", CopySourceIfModifiedSince=since))
    assert status_of(exc) == 412
    assert error_of(exc)["Condition"] == "x-amz-copy-source-If-Modified-Since"


def test_future_copy_source_if_modified_since_is_ignored(s3, bucket, source, s3sse):
    """A, LocalStack snapshot ``copy-ignore-future-modified-since``."""
    future = s3sse.clock.now() + timedelta(days=1)
    s3.copy_object(**copy_from(bucket, source, Key="dst", CopySourceIfModifiedSince=future))
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY


def test_failing_copy_source_if_unmodified_since_is_412(s3, bucket, source, s3sse):
    """A, LocalStack snapshot ``copy-precondition-if-unmodified-since``."""
    before = s3sse.clock.now() - timedelta(days=1)
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key="dst", CopySourceIfUnmodifiedSince=before))
    assert status_of(exc) == 412
    assert error_of(exc)["Condition"] == "x-amz-copy-source-If-Unmodified-Since"


def test_matching_copy_source_if_match_overrides_a_failing_if_unmodified_since(
    s3, bucket, source, s3sse
):
    """P, CopyObject API reference: if-match true and if-unmodified-since false -> the copy goes ahead."""
    etag = s3.head_object(Bucket=bucket, Key=source)["ETag"]
    before = s3sse.clock.now() - timedelta(days=1)
    s3.copy_object(
        **copy_from(
            bucket, source, Key="dst", CopySourceIfMatch=etag, CopySourceIfUnmodifiedSince=before
        )
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == BODY


# -- copy onto itself (K1-K4) ------------------------------------------------------------------
def test_copy_onto_itself_changing_nothing_is_invalid_request(s3, bucket, source):
    """K1: A, LocalStack snapshot ``copy-object-in-place-no-change``."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key=source))
    assert status_of(exc) == 400
    assert error_of(exc)["Code"] == "InvalidRequest"
    assert error_of(exc)["Message"] == MSG_COPY_TO_SELF


def test_copy_onto_itself_with_metadata_but_no_replace_is_invalid_request(s3, bucket, source):
    """K1: A, LocalStack snapshot ``no-metadata-directive-fail``."""
    with pytest.raises(ClientError) as exc:
        s3.copy_object(**copy_from(bucket, source, Key=source, Metadata={"key": "other"}))
    assert error_of(exc)["Message"] == MSG_COPY_TO_SELF


def test_copy_onto_itself_under_an_explicit_bucket_default_is_allowed(s3, bucket, source):
    """K2: A, LocalStack snapshot test_copy_in_place_with_bucket_encryption (even AES256)."""
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    result = s3.copy_object(**copy_from(bucket, source, Key=source))
    assert result["ServerSideEncryption"] == "AES256"


def test_copy_onto_itself_naming_an_sse_header_is_allowed(s3, bucket, source):
    """K3: A, LocalStack snapshot ``copy-object-in-place-with-aes`` (same value as before)."""
    result = s3.copy_object(**copy_from(bucket, source, Key=source, ServerSideEncryption="AES256"))
    assert result["ServerSideEncryption"] == "AES256"


def test_copy_onto_itself_of_a_non_sse_s3_source_is_allowed_and_becomes_the_default(
    s3, bucket, s3sse
):
    """K4: A, LocalStack snapshot ``copy-object-in-place-without-kms-sse`` (an SSE-KMS source; more
    in ``tests/test_sse_kms_copy.py``)."""
    s3.put_object(Bucket=bucket, Key="kms", Body=BODY, ServerSideEncryption="aws:kms")
    result = s3.copy_object(**copy_from(bucket, "kms", Key="kms"))
    assert result["ServerSideEncryption"] == "AES256"
    assert s3sse.stored(bucket, "kms").mode == "SSE-S3"


def test_copy_onto_itself_with_the_same_storage_class_is_allowed(s3, bucket, source):
    """A, LocalStack snapshot ``copy-copy-directive``: a StorageClass, even the current one."""
    s3.copy_object(**copy_from(bucket, source, Key=source, StorageClass="STANDARD"))
    assert s3.get_object(Bucket=bucket, Key=source)["Body"].read() == BODY


def test_copy_onto_itself_with_a_website_redirect_is_allowed(s3, bucket, source):
    """A, LocalStack snapshot test_s3_copy_object_in_place_website_redirect_location."""
    s3.copy_object(**copy_from(bucket, source, Key=source, WebsiteRedirectLocation="/test/direct"))
    assert s3.head_object(Bucket=bucket, Key=source)["WebsiteRedirectLocation"] == "/test/direct"


def test_copy_onto_itself_with_replace_and_no_metadata_is_allowed(s3, bucket, source):
    """A, LocalStack snapshot ``copy-replace-directive-empty``."""
    s3.copy_object(**copy_from(bucket, source, Key=source, MetadataDirective="REPLACE"))
    assert s3.head_object(Bucket=bucket, Key=source)["Metadata"] == {}


# -- checksums ---------------------------------------------------------------------------------
def test_copy_keeps_the_source_checksum_algorithm(s3, bucket):
    """P, CopyObject API reference; A, LocalStack snapshot ``copy-object-to-dest-keep-checksum``."""
    put = s3.put_object(Bucket=bucket, Key="c", Body=BODY, ChecksumAlgorithm="SHA1")
    result = s3.copy_object(**copy_from(bucket, "c", Key="dst"))["CopyObjectResult"]
    assert result["ChecksumSHA1"] == put["ChecksumSHA1"]
    assert result["ChecksumType"] == "FULL_OBJECT"


def test_copy_with_a_checksum_algorithm_recomputes_over_the_plaintext(s3, bucket, source):
    """A, LocalStack snapshot ``copy-object-in-place-with-checksum``."""
    result = s3.copy_object(**copy_from(bucket, source, Key="dst", ChecksumAlgorithm="SHA256"))
    expected = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert result["CopyObjectResult"]["ChecksumSHA256"] == expected
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected

"""Answers where the engine differed from AWS, found by peer suites run against AWS (issue 11).

Each test cites its evidence: A (recorded from AWS: LocalStack snapshots, docs/_research/s3-errors.md)
or a peer suite's test verified against AWS, as reported in issue 11.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error as _error

# -- conditional deletes (S3, 2024) --------------------------------------------------------------


def test_delete_with_a_non_matching_if_match_is_412_and_keeps_the_object(s3, bucket):
    # A: LocalStack snapshot test_delete_object_if_match_non_express / delete-obj-if-match.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.delete_object(Bucket=bucket, Key="k", IfMatch='"0123456789abcdef0123456789abcdef"')
    status, error = _error(info)
    assert (status, error["Code"], error["Condition"]) == (412, "PreconditionFailed", "If-Match")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_delete_with_the_current_etag_as_if_match_deletes(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ETag"]
    assert (
        s3.delete_object(Bucket=bucket, Key="k", IfMatch=etag)["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_with_if_match_of_a_missing_key_is_no_such_key(s3, bucket):
    # U: answered as a conditional write's If-Match on a missing key (A for PutObject, 5c).
    with pytest.raises(ClientError) as info:
        s3.delete_object(Bucket=bucket, Key="k", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert (_error(info)[0], _error(info)[1]["Code"]) == (404, "NoSuchKey")


@pytest.mark.parametrize(
    ("args", "header"),
    [
        ({"IfMatchLastModifiedTime": "2030-01-01T00:00:00Z"}, "x-amz-if-match-last-modified-time"),
        ({"IfMatchSize": 1}, "x-amz-if-match-size"),
    ],
)
def test_delete_with_a_directory_bucket_condition_is_501_naming_it(s3, bucket, args, header):
    # A: LocalStack snapshots test_delete_object_if_match_modified_non_express and
    # test_delete_object_if_match_size_non_express (general-purpose buckets).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.delete_object(Bucket=bucket, Key="k", **args)
    status, error = _error(info)
    assert (status, error["Code"], error["Header"]) == (501, "NotImplemented", header)
    assert error["Message"] == "A header you provided implies functionality that is not implemented"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


# -- 304 and PartsCount --------------------------------------------------------------------------


def test_a_304_carries_the_etag_and_last_modified(s3, bucket):
    # A peer suite verified against AWS (issue 11); RFC 9110 section 15.4.5.
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPHeaders"][
        "last-modified"
    ]
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert (_error(info)[0], headers["etag"], headers["last-modified"]) == (304, etag, modified)


def test_parts_count_is_sent_only_when_a_part_number_was_asked(s3, bucket):
    # A peer suite verified against AWS (issue 11): HEAD/GET of a multipart object without
    # PartNumber carry no x-amz-mp-parts-count.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    parts = [
        {"PartNumber": n, "ETag": s3.upload_part(
            Bucket=bucket, Key="k", UploadId=upload, PartNumber=n, Body=body
        )["ETag"]}
        for n, body in ((1, b"a" * 5 * 1024 * 1024), (2, b"b"))
    ]  # fmt: skip
    s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    assert "PartsCount" not in s3.head_object(Bucket=bucket, Key="k")
    assert s3.head_object(Bucket=bucket, Key="k", PartNumber=2)["PartsCount"] == 2


# -- PutBucketEncryption -------------------------------------------------------------------------


def test_a_kms_key_on_an_aes256_default_names_the_argument_without_a_value(s3, bucket):
    # B7 (A, test_s3_default_bucket_encryption_exc); no ArgumentValue: a peer suite against AWS.
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}
    with pytest.raises(ClientError) as info:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    error = _error(info)[1]
    assert error["ArgumentName"] == "ApplyServerSideEncryptionByDefault"
    assert "ArgumentValue" not in error


# -- a repeated CompleteMultipartUpload -----------------------------------------------------------


@pytest.fixture
def completed(s3, bucket):
    """A two-part upload just completed: its id, its parts and Complete's answer."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")
    parts = []
    for number, body in ((1, b"a" * 5 * 1024 * 1024), (2, b"b")):
        part = s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload["UploadId"],
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="SHA256",
        )
        parts.append(
            {"PartNumber": number, "ETag": part["ETag"], "ChecksumSHA256": part["ChecksumSHA256"]}
        )
    first = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    return upload["UploadId"], parts, first


def test_repeating_complete_of_a_just_completed_upload_answers_the_same(s3, bucket, completed):
    # A peer suite verified against AWS (issue 11): 200 with the same ETag, not NoSuchUpload.
    upload_id, parts, first = completed
    again = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert (again["ETag"], again["ChecksumSHA256"], again["ServerSideEncryption"]) == (
        first["ETag"],
        first["ChecksumSHA256"],
        "AES256",
    )
    assert s3.get_object(Bucket=bucket, Key="k")["ContentLength"] == 5 * 1024 * 1024 + 1


def test_a_repeated_complete_for_another_key_is_still_no_such_upload(s3, bucket, completed):
    upload_id, parts, _ = completed
    with pytest.raises(ClientError) as info:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="other", UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    assert _error(info)[1]["Code"] == "NoSuchUpload"


def test_a_complete_repeated_after_the_window_is_no_such_upload(s3sse, s3, bucket, completed):
    # U: how long S3 remembers is not published; the engine's window is 10 minutes of its clock.
    upload_id, parts, _ = completed
    s3sse.clock.advance(11 * 60)
    with pytest.raises(ClientError) as info:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    assert _error(info)[1]["Code"] == "NoSuchUpload"


def test_a_remembered_completion_keeps_no_ciphertext_and_is_bounded(
    s3sse, s3, bucket, completed, monkeypatch
):
    # What lets a repeat be answered must not keep overwritten objects' bytes alive, nor grow forever.
    from pytest_s3sse._internal.s3 import store as store_module  # noqa: PLC0415

    upload_id, _, _ = completed
    remembered = s3sse.engine.store.bucket(bucket).completed
    assert remembered[upload_id].parts == ()
    monkeypatch.setattr(store_module, "COMPLETED_KEPT", 1)
    other = s3.create_multipart_upload(Bucket=bucket, Key="k2")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k2", UploadId=other, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k2",
        UploadId=other,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert list(remembered) == [other]

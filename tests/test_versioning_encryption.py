"""Versions and encryption, copies of versions, the version actions at the gate, and the test API
over versions.

Sources: ``/work/shared/reference/replication-behaviour.md`` sections 1.3 (D10, D11), 1.6 (copies)
and 1.7 (S1, S2: SSE per version); ``policy-behaviour.md`` E14 (P, S3 user guide "Required
permissions for Amazon S3 API operations": a request naming a version needs the version action).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from sse_c_support import KEY, MSG_WRONG_KEY, OTHER_KEY

from pytest_s3sse._internal.errors import ObjectNotFoundError
from pytest_s3sse._internal.s3.store_events import (
    DeleteMarkerCreated,
    ObjectCommitted,
    VersioningSet,
)

OWNER = "123456789012"


def enable(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


@pytest.fixture
def versioned(s3, bucket):
    return enable(s3, bucket)


def error_of(excinfo):
    return excinfo.value.response["Error"]


# -- each version keeps its own encryption (1.7) --------------------------------------------------
def test_a_re_encrypting_copy_in_place_makes_a_new_version_and_leaves_the_old_one(
    s3, versioned, s3sse, key
):
    """S1, 1.6 (A, test_s3_copy_object_in_place_versioned; P "a new version ... is created")."""
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"data")["VersionId"]
    copied = s3.copy_object(
        Bucket=versioned,
        Key="k",
        CopySource={"Bucket": versioned, "Key": "k"},
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key["KeyId"],
    )
    assert copied["VersionId"] not in (old, None)
    assert copied["CopySourceVersionId"] == old
    s3sse.assert_encrypted(versioned, "k", "SSE-KMS", kms_key=key["KeyId"])
    s3sse.assert_encrypted(versioned, "k", "SSE-S3", version_id=old)
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=old)["Body"].read() == b"data"


def test_sse_c_versions_each_need_their_own_key(s3, ssec_bucket):
    """S2 (A, LocalStack-AWS test_sse_c_with_versioning)."""
    enable(s3, ssec_bucket)
    first = s3.put_object(
        Bucket=ssec_bucket, Key="k", Body=b"v1", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
    )["VersionId"]
    s3.put_object(
        Bucket=ssec_bucket,
        Key="k",
        Body=b"v2",
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=OTHER_KEY,
    )
    with pytest.raises(ClientError) as exc:
        s3.get_object(
            Bucket=ssec_bucket,
            Key="k",
            VersionId=first,
            SSECustomerAlgorithm="AES256",
            SSECustomerKey=OTHER_KEY,
        )
    assert (error_of(exc)["Code"], error_of(exc)["Message"]) == ("AccessDenied", MSG_WRONG_KEY)
    got = s3.get_object(
        Bucket=ssec_bucket,
        Key="k",
        VersionId=first,
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=KEY,
    )
    assert got["Body"].read() == b"v1"


def test_a_new_bucket_default_does_not_touch_older_versions(s3, versioned, s3sse, key):
    """S1 (P, "Objects uploaded before default encryption was enabled will not be encrypted")."""
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    s3.put_bucket_encryption(
        Bucket=versioned,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["KeyId"],
                    }
                }
            ]
        },
    )
    new = s3.put_object(Bucket=versioned, Key="k", Body=b"y")["VersionId"]
    assert s3sse.stored(versioned, "k", version_id=old).mode == "SSE-S3"
    assert s3sse.stored(versioned, "k", version_id=new).mode == "SSE-KMS"


# -- copies of versions (1.6, D10, D11) ---------------------------------------------------------
def test_copy_source_version_id_copies_that_version(s3, versioned):
    """1.6 (A, test_s3_copy_object_src_not_exists; P)."""
    first = s3.put_object(Bucket=versioned, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="src", Body=b"second")
    copied = s3.copy_object(
        Bucket=versioned,
        Key="dst",
        CopySource={"Bucket": versioned, "Key": "src", "VersionId": first},
    )
    assert copied["CopySourceVersionId"] == first
    assert s3.get_object(Bucket=versioned, Key="dst")["Body"].read() == b"first"


def test_copy_into_a_suspended_bucket_returns_version_null(s3, versioned):
    """I4 (A, test_s3_copy_object_in_place_versioned asserts "null")."""
    s3.put_object(Bucket=versioned, Key="src", Body=b"x")
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    copied = s3.copy_object(Bucket=versioned, Key="dst", CopySource=f"{versioned}/src")
    assert copied["VersionId"] == "null"


def test_copy_from_a_current_delete_marker_is_no_such_key(s3, versioned):
    """D10 (A)."""
    s3.put_object(Bucket=versioned, Key="src", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="src")
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=versioned, Key="dst", CopySource=f"{versioned}/src")
    assert error_of(exc)["Code"] == "NoSuchKey"


def test_copy_from_a_delete_marker_by_id_is_invalid_request(s3, versioned):
    """D11 (A)."""
    marker = s3.delete_object(Bucket=versioned, Key="src")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.copy_object(
            Bucket=versioned,
            Key="dst",
            CopySource={"Bucket": versioned, "Key": "src", "VersionId": marker},
        )
    assert error_of(exc)["Code"] == "InvalidRequest"
    assert error_of(exc)["Message"] == (
        "The source of a copy request may not specifically refer to a delete marker by version id."
    )


def test_upload_part_copy_reads_the_version_named(s3, versioned):
    """P, UploadPartCopy: ``x-amz-copy-source`` with ``?versionId=``."""
    first = s3.put_object(Bucket=versioned, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="src", Body=b"second")
    upload = s3.create_multipart_upload(Bucket=versioned, Key="mp")["UploadId"]
    part = s3.upload_part_copy(
        Bucket=versioned,
        Key="mp",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": versioned, "Key": "src", "VersionId": first},
    )
    assert part["CopySourceVersionId"] == first
    done = s3.complete_multipart_upload(
        Bucket=versioned,
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )
    assert done["VersionId"]
    assert s3.get_object(Bucket=versioned, Key="mp")["Body"].read() == b"first"


# -- the version actions at the gate (E14) ------------------------------------------------------
@pytest.fixture
def user(s3sse, make_client):
    def make(*actions):
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
        return make_client(**s3sse.principal(f"arn:aws:iam::{OWNER}:user/u", policy=policy))

    return make


def test_get_object_by_version_needs_get_object_version_only(s3, versioned, user):
    """E14 (P): s3:GetObject is not enough, s3:GetObjectVersion alone is."""
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as exc:
        user("s3:GetObject").get_object(Bucket=versioned, Key="k", VersionId=version)
    assert error_of(exc)["Code"] == "AccessDenied"
    assert "s3:GetObjectVersion" in error_of(exc)["Message"]
    got = user("s3:GetObjectVersion").get_object(Bucket=versioned, Key="k", VersionId=version)
    assert got["Body"].read() == b"x"


def test_delete_object_by_version_needs_delete_object_version(s3, versioned, user):
    """E14 (P)."""
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as exc:
        user("s3:DeleteObject").delete_object(Bucket=versioned, Key="k", VersionId=version)
    assert "s3:DeleteObjectVersion" in error_of(exc)["Message"]


def test_list_object_versions_needs_list_bucket_versions(s3, versioned, user):
    """P: ListObjectVersions -> s3:ListBucketVersions."""
    with pytest.raises(ClientError) as exc:
        user("s3:ListBucket").list_object_versions(Bucket=versioned)
    assert "s3:ListBucketVersions" in error_of(exc)["Message"]
    user("s3:ListBucketVersions").list_object_versions(Bucket=versioned)


def test_put_bucket_versioning_needs_its_own_action(s3, versioned, user):
    """P: PutBucketVersioning -> s3:PutBucketVersioning."""
    with pytest.raises(ClientError) as exc:
        user("s3:PutObject").put_bucket_versioning(
            Bucket=versioned, VersioningConfiguration={"Status": "Suspended"}
        )
    assert "s3:PutBucketVersioning" in error_of(exc)["Message"]


# -- the test API over versions -----------------------------------------------------------------
def test_stored_names_a_version_and_refuses_a_delete_marker(s3, versioned, s3sse):
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    assert s3sse.stored(versioned, "k", version_id=old).version_id == old
    with pytest.raises(ObjectNotFoundError, match="not stored"):
        s3sse.stored(versioned, "k")
    with pytest.raises(ObjectNotFoundError, match="delete marker"):
        s3sse.stored(versioned, "k", version_id=marker)


def test_the_encryption_report_lists_every_version(s3, versioned, s3sse):
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    new = s3.put_object(Bucket=versioned, Key="k", Body=b"2")["VersionId"]
    rows = s3sse.encryption_report(versioned).rows
    assert [(r["VersionId"], r["IsLatest"]) for r in rows] == [(new, "true"), (old, "false")]


def test_the_encryption_report_lists_delete_markers_as_inventory_does(s3, versioned, s3sse):
    """audit-behaviour.md 4.2 N1 (P: IsDeleteMarker follows IsLatest in an inventory of all
    versions); a marker's other fields empty (U)."""
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    rows = s3sse.encryption_report(versioned).rows
    assert [(r["VersionId"], r["IsLatest"], r["IsDeleteMarker"]) for r in rows] == [
        (marker, "true", "true"),
        (old, "false", "false"),
    ]
    assert rows[0]["EncryptionStatus"] == rows[0]["ETag"] == rows[0]["Size"] == ""
    assert rows[0]["LastModifiedDate"].endswith(".000Z")


def test_assert_all_objects_encrypted_with_sees_older_versions(s3, versioned, s3sse, key):
    s3.put_object(Bucket=versioned, Key="k", Body=b"1")  # SSE-S3, now a noncurrent version
    s3.put_object(
        Bucket=versioned,
        Key="k",
        Body=b"2",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key["KeyId"],
    )
    with pytest.raises(AssertionError, match="1 of 2 objects"):
        s3sse.assert_all_objects_encrypted_with("SSE-KMS")


def test_versions_and_delete_markers_are_store_events(s3, bucket, s3sse):
    events = s3sse.engine.events
    start = len(list(events))
    enable(s3, bucket)
    version = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    store_events = (VersioningSet, ObjectCommitted, DeleteMarkerCreated)
    seen = [e for e in list(events)[start:] if isinstance(e, store_events)]
    assert seen[0] == VersioningSet(bucket, "Enabled")
    assert seen[1].version_id == version
    assert seen[2] == DeleteMarkerCreated(bucket, "k", marker)


# -- the trail (audit-behaviour.md: PutObject and DeleteObject rows) ------------------------------
def test_trail_records_carry_the_version_ids(s3sse, s3, versioned):
    """A (PutObject: ``x-amz-version-id`` if versioned); U (DeleteObject: ``versionId`` in
    requestParameters, ``x-amz-version-id`` and ``x-amz-delete-marker`` in responseElements)."""
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="k", VersionId=version)
    records = s3sse.trail.records
    put = next(r for r in records if r["eventName"] == "PutObject")
    assert put["responseElements"]["x-amz-version-id"] == version
    delete = next(r for r in records if r["eventName"] == "DeleteObject")
    assert delete["requestParameters"]["versionId"] == version
    assert delete["responseElements"]["x-amz-version-id"] == version


def test_copying_an_older_version_onto_its_key_restores_it(s3, versioned):
    """P (S3 user guide "Restoring previous versions": copy a previous version into the same
    bucket; it becomes the current version), so it is not K1's copy onto itself."""
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"second")
    restored = s3.copy_object(
        Bucket=versioned, Key="k", CopySource={"Bucket": versioned, "Key": "k", "VersionId": first}
    )
    assert restored["VersionId"] != first
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"first"


def test_copying_the_current_version_onto_itself_unchanged_is_still_refused(s3, versioned):
    """1.6 (A, test_s3_copy_object_in_place_versioned): K1 also on versioned buckets."""
    current = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.copy_object(
            Bucket=versioned,
            Key="k",
            CopySource={"Bucket": versioned, "Key": "k", "VersionId": current},
        )
    assert error_of(exc)["Code"] == "InvalidRequest"

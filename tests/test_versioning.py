"""Versioning through boto3: the bucket's state, version ids, reads and deletes by version, delete
markers and their errors.

Sources: ``/work/shared/reference/replication-behaviour.md`` section 1 (rows V*, I*, D*, E*; A =
recorded against AWS in LocalStack's validated snapshots, P = AWS documentation, U = proposed).
"""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

VERSION_ID = re.compile(r"[A-Za-z0-9._]{32}")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, str]:
    return excinfo.value.response["Error"]


def status_of(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def headers_of(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, str]:
    return excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]


@pytest.fixture
def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


# -- the bucket's versioning state (1.1) ------------------------------------------------------
def test_a_never_configured_bucket_has_no_versioning_status(s3, bucket):
    """V1 (A, test_bucket_versioning_crud)."""
    answer = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in answer
    assert "MFADelete" not in answer


def test_enabled_then_suspended_is_reported(s3, bucket):
    """V2, V6 (A; P)."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


@pytest.mark.parametrize("status", ["enabled", "Disabled"])
def test_a_status_other_than_enabled_or_suspended_is_malformed_xml(s3, bucket, status):
    """V3 (A)."""
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})
    assert error_of(exc)["Code"] == "MalformedXML"


def test_an_empty_versioning_configuration_is_illegal(s3, bucket):
    """V4 (A)."""
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={})
    assert error_of(exc)["Code"] == "IllegalVersioningConfigurationException"
    assert error_of(exc)["Message"] == "The Versioning element must be specified"


def test_versioning_of_a_missing_bucket_is_no_such_bucket(s3):
    """V5 (A)."""
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_versioning(Bucket="no-such-bucket-here")
    assert error_of(exc)["Code"] == "NoSuchBucket"


def test_a_badly_formatted_mfa_header_is_invalid_argument(s3, bucket):
    """V9 (A, iterate-ch/cyberduck#16267)."""
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(
            Bucket=bucket, MFA="nospace", VersioningConfiguration={"Status": "Enabled"}
        )
    assert error_of(exc)["Code"] == "InvalidArgument"
    assert error_of(exc)["ArgumentName"] == "x-amz-mfa"


def test_mfa_delete_enabled_is_not_implemented(s3, bucket):
    """MFA delete is not modelled: 501 rather than a pretended token check (U)."""
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_versioning(
            Bucket=bucket,
            MFA="arn:aws:iam::123456789012:mfa/root 123456",
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
        )
    assert status_of(exc) == 501


# -- version ids (1.2) --------------------------------------------------------------------------
def test_a_put_on_a_versioned_bucket_returns_a_32_character_version_id(s3, versioned):
    """I2 (A, test_object_version_id_format)."""
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    assert VERSION_ID.fullmatch(version)


def test_a_put_on_an_unversioned_bucket_returns_no_version_id(s3, bucket):
    """I4 (A)."""
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    assert "VersionId" not in s3.get_object(Bucket=bucket, Key="k")


def test_every_version_stays_readable_by_its_id(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"first")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="k", Body=b"second")["VersionId"]
    assert first != second
    old = s3.get_object(Bucket=versioned, Key="k", VersionId=first)
    assert old["Body"].read() == b"first"
    assert old["VersionId"] == first
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"second"
    assert s3.head_object(Bucket=versioned, Key="k", VersionId=first)["ContentLength"] == 5


def test_an_object_written_before_versioning_is_the_null_version(s3, bucket):
    """I3, I4 (P; A)."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"new")
    null = s3.get_object(Bucket=bucket, Key="k", VersionId="null")
    assert null["Body"].read() == b"old"
    assert null["VersionId"] == "null"


def test_version_null_works_on_an_unversioned_bucket(s3, bucket):
    """I5 (A, test_get_object_with_version_unversioned_bucket)."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"x"


def test_a_suspended_put_overwrites_the_null_version_and_keeps_the_others(s3, versioned):
    """I3, I4 (A, test_put_object_on_suspended_bucket)."""
    kept = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    assert "VersionId" not in s3.put_object(Bucket=versioned, Key="k", Body=b"n1")
    s3.put_object(Bucket=versioned, Key="k", Body=b"n2")
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [v["VersionId"] for v in versions] == ["null", kept]
    got = s3.get_object(Bucket=versioned, Key="k")
    assert got["Body"].read() == b"n2"
    assert got["VersionId"] == "null"


# -- version-id errors (1.4) --------------------------------------------------------------------
def test_a_version_id_on_a_never_versioned_bucket_is_invalid_argument(s3, bucket):
    """E1 (A): any id but null."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k", VersionId="gS53zabD7XTvkrwbjMnXlBylVWetO8ym")
    assert status_of(exc) == 400
    assert error_of(exc)["Code"] == "InvalidArgument"
    assert error_of(exc)["Message"] == "Invalid version id specified"
    assert error_of(exc)["ArgumentName"] == "versionId"
    assert error_of(exc)["ArgumentValue"] == "gS53zabD7XTvkrwbjMnXlBylVWetO8ym"


def test_deleting_a_forged_version_id_is_invalid_argument(s3, versioned):
    """E2 (A): a real id with its last characters changed."""
    real = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.delete_object(Bucket=versioned, Key="k", VersionId=real[:-4] + "AAAA")
    assert error_of(exc)["Code"] == "InvalidArgument"
    assert "x-amz-delete-marker" not in headers_of(exc)


def test_reading_a_permanently_deleted_version_is_no_such_version(s3, versioned):
    """E3 (A, test_delete_object_versioned/get-deleted-object-with-version)."""
    version = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="k", VersionId=version)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId=version)
    assert status_of(exc) == 404
    assert error_of(exc)["Code"] == "NoSuchVersion"
    assert error_of(exc)["Message"] == "The specified version does not exist."
    assert error_of(exc)["VersionId"] == version


# -- delete markers (1.3) -----------------------------------------------------------------------
def test_delete_without_a_version_leaves_a_delete_marker(s3, versioned):
    """D1 (A, test_delete_object_versioned)."""
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    deleted = s3.delete_object(Bucket=versioned, Key="k")
    assert deleted["DeleteMarker"] is True
    assert VERSION_ID.fullmatch(deleted["VersionId"])


def test_a_delete_marker_is_made_even_for_a_key_that_never_existed(s3, versioned):
    """D1 (A)."""
    assert s3.delete_object(Bucket=versioned, Key="never")["DeleteMarker"] is True
    markers = s3.list_object_versions(Bucket=versioned)["DeleteMarkers"]
    assert [m["Key"] for m in markers] == ["never"]


def test_a_suspended_delete_makes_a_null_marker(s3, versioned):
    """D2 (A, test_delete_object_on_suspended_bucket)."""
    kept = s3.put_object(Bucket=versioned, Key="k", Body=b"x")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    deleted = s3.delete_object(Bucket=versioned, Key="k")
    assert deleted["DeleteMarker"] is True
    assert deleted["VersionId"] == "null"
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=kept)["Body"].read() == b"x"


def test_get_of_a_current_delete_marker_is_no_such_key_with_the_marker_headers(s3, versioned):
    """D3 (A, test_delete_object_versioned L140-149)."""
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k")
    assert status_of(exc) == 404
    assert error_of(exc)["Code"] == "NoSuchKey"
    assert headers_of(exc)["x-amz-delete-marker"] == "true"
    assert headers_of(exc)["x-amz-version-id"] == marker


def test_get_of_a_delete_marker_by_id_is_method_not_allowed(s3, versioned):
    """D4 (A; P adds Last-Modified)."""
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=versioned, Key="k", VersionId=marker)
    assert status_of(exc) == 405
    error = error_of(exc)
    assert error["Code"] == "MethodNotAllowed"
    assert error["Message"] == "The specified method is not allowed against this resource."
    assert (error["Method"], error["ResourceType"]) == ("GET", "DeleteMarker")
    headers = headers_of(exc)
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["x-amz-version-id"] == marker
    assert headers["allow"] == "DELETE"
    assert "last-modified" in headers


def test_head_of_a_delete_marker_by_id_is_405_without_a_body(s3, versioned):
    """D5 (A, test_object_lock_delete_markers)."""
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="k", VersionId=marker)
    assert status_of(exc) == 405


def test_deleting_the_delete_marker_brings_the_object_back(s3, versioned):
    """D8 (A)."""
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    removed = s3.delete_object(Bucket=versioned, Key="k", VersionId=marker)
    assert removed["DeleteMarker"] is True
    assert removed["VersionId"] == marker
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"x"


def test_deleting_a_version_by_id_removes_it_for_good(s3, versioned):
    """D9 (A): no delete-marker header."""
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"2")
    removed = s3.delete_object(Bucket=versioned, Key="k", VersionId=first)
    assert "DeleteMarker" not in removed
    assert removed["VersionId"] == first
    assert [v["VersionId"] for v in s3.list_object_versions(Bucket=versioned)["Versions"]] != [
        first
    ]
    assert len(s3.list_object_versions(Bucket=versioned)["Versions"]) == 1


def test_a_current_delete_marker_hides_the_key_from_list_objects(s3, versioned):
    """P, S3 user guide "Working with delete markers": only ListObjectVersions lists them."""
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="k")
    assert s3.list_objects_v2(Bucket=versioned)["KeyCount"] == 0


def test_a_bucket_with_only_versions_left_is_not_empty(s3, versioned):
    """D13 (A, test_delete_versioned_bucket_with_objects)."""
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="k")
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=versioned)
    assert error_of(exc)["Code"] == "BucketNotEmpty"
    assert error_of(exc)["Message"] == (
        "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
    )


# -- DeleteObjects with versions (D12, E4) ------------------------------------------------------
def test_delete_objects_on_a_versioned_bucket_reports_the_markers(s3, versioned):
    """D12 (A, test_delete_objects_versioned)."""
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "k"}]})
    (deleted,) = result["Deleted"]
    assert deleted["Key"] == "k"
    assert deleted["DeleteMarker"] is True
    assert VERSION_ID.fullmatch(deleted["DeleteMarkerVersionId"])


def test_delete_objects_by_version_removes_that_version(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"2")
    result = s3.delete_objects(
        Bucket=versioned, Delete={"Objects": [{"Key": "k", "VersionId": first}]}
    )
    assert result["Deleted"] == [{"Key": "k", "VersionId": first}]
    assert len(s3.list_object_versions(Bucket=versioned)["Versions"]) == 1


def test_delete_objects_with_a_fake_version_is_no_such_version(s3, bucket):
    """E4 (A, test_delete_objects): a per-entry error, 200 overall."""
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": "fake"}]}
    )
    (error,) = result["Errors"]
    assert (error["Code"], error["Message"]) == (
        "NoSuchVersion",
        "The specified version does not exist.",
    )


def test_head_of_a_current_delete_marker_is_404_with_the_marker_headers(s3, versioned):
    """D3 (A): HEAD too, without a body."""
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=versioned, Key="k")
    assert status_of(exc) == 404
    assert headers_of(exc)["x-amz-delete-marker"] == "true"
    assert headers_of(exc)["x-amz-version-id"] == marker


def test_concurrent_writes_each_make_their_own_version(s3, versioned):
    """Version ids are drawn under the store's lock: no two writes share one, none is lost."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    def write(n):
        return s3.put_object(Bucket=versioned, Key="k", Body=str(n).encode())["VersionId"]

    with ThreadPoolExecutor(4) as pool:
        written = list(pool.map(write, range(40)))
    listed = [v["VersionId"] for v in s3.list_object_versions(Bucket=versioned)["Versions"]]
    assert len(set(written)) == 40
    assert sorted(listed) == sorted(written)

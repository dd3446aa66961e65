"""ListObjectVersions through boto3: order, IsLatest, delete markers, prefixes and pagination.

Source: ``/work/shared/reference/replication-behaviour.md`` sections 1.2 (I5) and 1.5 (A = LocalStack's
snapshot test_list_objects_versions_markers, recorded against AWS; P = botocore's S3 model) and 1.4
(E5).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def ids(entries):
    return [(e["Key"], e["VersionId"]) for e in entries]


def test_an_unversioned_bucket_lists_each_object_as_its_null_latest_version(s3, bucket):
    """I5 (A, test_list_object_versions_order_unversioned)."""
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    (version,) = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert (version["Key"], version["VersionId"], version["IsLatest"]) == ("a", "null", True)
    assert version["Size"] == 1
    assert version["StorageClass"] == "STANDARD"


def test_versions_come_by_key_then_newest_first_with_is_latest(s3, versioned):
    """1.5 (A)."""
    a1 = s3.put_object(Bucket=versioned, Key="a", Body=b"1")["VersionId"]
    a2 = s3.put_object(Bucket=versioned, Key="a", Body=b"2")["VersionId"]
    b1 = s3.put_object(Bucket=versioned, Key="b", Body=b"3")["VersionId"]
    answer = s3.list_object_versions(Bucket=versioned)
    assert ids(answer["Versions"]) == [("a", a2), ("a", a1), ("b", b1)]
    assert [v["IsLatest"] for v in answer["Versions"]] == [True, False, True]
    assert answer["MaxKeys"] == 1000
    assert answer["KeyMarker"] == ""
    assert answer["IsTruncated"] is False


def test_delete_markers_are_listed_apart_with_is_latest(s3, versioned):
    """1.5 (A): versions and markers interleaved in the XML; boto3 splits them."""
    s3.put_object(Bucket=versioned, Key="a", Body=b"1")
    marker = s3.delete_object(Bucket=versioned, Key="a")["VersionId"]
    answer = s3.list_object_versions(Bucket=versioned)
    (listed,) = answer["DeleteMarkers"]
    assert (listed["Key"], listed["VersionId"], listed["IsLatest"]) == ("a", marker, True)
    assert "ID" in listed["Owner"]
    assert answer["Versions"][0]["IsLatest"] is False


def test_prefix_and_delimiter_roll_keys_up_into_common_prefixes(s3, versioned):
    for key in ("dir/a", "dir/b", "top"):
        s3.put_object(Bucket=versioned, Key=key, Body=b"x")
    answer = s3.list_object_versions(Bucket=versioned, Delimiter="/")
    assert answer["CommonPrefixes"] == [{"Prefix": "dir/"}]
    assert [v["Key"] for v in answer["Versions"]] == ["top"]
    inside = s3.list_object_versions(Bucket=versioned, Prefix="dir/")
    assert [v["Key"] for v in inside["Versions"]] == ["dir/a", "dir/b"]


def test_max_keys_counts_versions_and_markers_and_the_next_markers_name_the_last_entry(
    s3, versioned
):
    """1.5 (A): NextKeyMarker/NextVersionIdMarker name the LAST entry returned."""
    s3.put_object(Bucket=versioned, Key="a", Body=b"1")
    marker = s3.delete_object(Bucket=versioned, Key="a")["VersionId"]
    s3.put_object(Bucket=versioned, Key="b", Body=b"2")
    page = s3.list_object_versions(Bucket=versioned, MaxKeys=1)
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("a", marker)


def test_paging_with_the_markers_visits_every_version_once(s3, versioned):
    written = []
    for key in ("a", "b", "c"):
        for body in (b"1", b"2"):
            written.append((key, s3.put_object(Bucket=versioned, Key=key, Body=body)["VersionId"]))
    seen, kwargs = [], {}
    while True:
        page = s3.list_object_versions(Bucket=versioned, MaxKeys=4, **kwargs)
        seen += ids(page.get("Versions", []))
        if not page["IsTruncated"]:
            break
        kwargs = {
            "KeyMarker": page["NextKeyMarker"],
            "VersionIdMarker": page["NextVersionIdMarker"],
        }
    assert sorted(seen) == sorted(written)
    assert len(seen) == len(written)


def test_the_paginator_visits_every_version(s3, versioned):
    for n in range(5):
        s3.put_object(Bucket=versioned, Key="k", Body=bytes([n]))
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=versioned, PaginationConfig={"PageSize": 2}
    )
    assert sum(len(p.get("Versions", [])) for p in pages) == 5


def test_a_key_marker_alone_skips_every_version_of_that_key(s3, versioned):
    """1.5 (A)."""
    s3.put_object(Bucket=versioned, Key="a", Body=b"1")
    s3.put_object(Bucket=versioned, Key="a", Body=b"2")
    s3.put_object(Bucket=versioned, Key="b", Body=b"3")
    page = s3.list_object_versions(Bucket=versioned, KeyMarker="a")
    assert [v["Key"] for v in page["Versions"]] == ["b"]


def test_a_version_id_marker_without_a_key_marker_is_invalid_argument(s3, versioned):
    """E5 (A)."""
    with pytest.raises(ClientError) as exc:
        s3.list_object_versions(Bucket=versioned, VersionIdMarker="x")
    error = exc.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "A version-id marker cannot be specified without a key marker."
    assert error["ArgumentName"] == "version-id-marker"


def test_list_objects_rolls_up_no_prefix_whose_keys_are_all_deleted(s3, versioned):
    """P (S3 user guide "Working with delete markers": a key whose current version is a delete
    marker is not listed), so a common prefix with only such keys is not listed either (U: no
    recording of the prefix case)."""
    s3.put_object(Bucket=versioned, Key="gone/a", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="gone/a")
    s3.put_object(Bucket=versioned, Key="kept/a", Body=b"x")
    answer = s3.list_objects_v2(Bucket=versioned, Delimiter="/")
    assert answer.get("CommonPrefixes") == [{"Prefix": "kept/"}]
    assert answer["KeyCount"] == 1

"""ListObjectsV2 and ListObjects (v1): prefix, delimiter, pagination, URL encoding, shapes.

Sources: ``docs/_research/s3-errors.md`` section 9 and LocalStack's snapshots recorded against AWS
(``tests/aws/services/s3/test_s3_list_operations.snapshot.json``, A); ceph s3-tests for the
encoding of ``encoding-type=url``.
"""

from __future__ import annotations

import io

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_s3sse._internal.s3 import listing
from pytest_s3sse._internal.s3.listing import ListQuery
from pytest_s3sse._internal.s3.objects import WriteRequest

NO_RETRY = Config(retries={"total_max_attempts": 1})


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> dict[str, str]:
    return excinfo.value.response["Error"]


def put_keys(s3, bucket, *keys):
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"content 123")


def seed(s3sse, bucket, count, fmt="key-{:05d}"):
    """Store many empty objects through the domain (an HTTP round trip each would be slow)."""
    objects = s3sse.engine.objects
    keys = [fmt.format(i) for i in range(count)]
    for key in keys:
        objects.put(WriteRequest(bucket, key), io.BytesIO(b""))
    return keys


def keys_of(page):
    return [c["Key"] for c in page.get("Contents", [])]


def prefixes_of(page):
    return [p["Prefix"] for p in page.get("CommonPrefixes", [])]


@pytest.fixture
def raw_s3(make_client):
    """A client without parameter validation, to send values boto3 would refuse."""
    return make_client(config=NO_RETRY.merge(Config(parameter_validation=False)))


# -- order, prefix, delimiter ------------------------------------------------------------------
def test_keys_are_listed_in_utf8_binary_order(s3, bucket):
    put_keys(s3, bucket, "b", "a", "é", "Z", "a/b", "aa")
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == ["Z", "a", "a/b", "aa", "b", "é"]


def test_prefix_selects_the_keys_that_start_with_it(s3, bucket):
    """A, LocalStack snapshot test_list_objects_v2_with_prefix."""
    put_keys(s3, bucket, "test/bar/foo/123", "test/foo/bar/123", "test/foo/bar/456", "other")
    page = s3.list_objects_v2(Bucket=bucket, Prefix="test/foo")
    assert keys_of(page) == ["test/foo/bar/123", "test/foo/bar/456"]
    assert page["Prefix"] == "test/foo"
    assert page["KeyCount"] == 2


def test_delimiter_rolls_keys_up_into_common_prefixes(s3, bucket):
    """A, LocalStack snapshot ``list-objects-v2-1``: KeyCount counts the prefixes."""
    put_keys(s3, bucket, "test/bar/foo/123", "test/foo/bar/123", "test/foo/bar/456", "test/x")
    page = s3.list_objects_v2(Bucket=bucket, Prefix="test/", Delimiter="/")
    assert prefixes_of(page) == ["test/bar/", "test/foo/"]
    assert keys_of(page) == ["test/x"]
    assert page["KeyCount"] == 3
    assert page["Delimiter"] == "/"


def test_empty_delimiter_is_ignored_and_not_echoed(s3, bucket):
    put_keys(s3, bucket, "a/b")
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="")
    assert keys_of(page) == ["a/b"]
    assert "Delimiter" not in page


def test_missing_bucket_is_no_such_bucket(s3):
    """A, LocalStack snapshot test_bucket_does_not_exist/list_object."""
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket="nowhere")
    assert error_of(exc)["Code"] == "NoSuchBucket"
    assert error_of(exc)["BucketName"] == "nowhere"


# -- contents ----------------------------------------------------------------------------------
def test_contents_carry_etag_size_storage_class_and_checksum(s3, bucket):
    """A, LocalStack snapshot test_list_objects_v2_with_prefix (botocore sends CRC32 by default)."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"content 123", StorageClass="STANDARD_IA")
    (entry,) = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert entry["ETag"] == '"0d9fa06a66933b40f615f530e59edd6b"'
    assert entry["Size"] == 11
    assert entry["StorageClass"] == "STANDARD_IA"
    assert entry["ChecksumAlgorithm"] == ["CRC32"]
    assert entry["ChecksumType"] == "FULL_OBJECT"
    assert "Owner" not in entry


def test_contents_of_an_object_uploaded_without_checksum_name_the_default_crc64nvme(
    make_client, bucket
):
    # A (issue 11): an upload without a checksum gets S3's default full-object CRC64NVME.
    client = make_client(
        config=NO_RETRY.merge(Config(request_checksum_calculation="when_required"))
    )
    client.put_object(Bucket=bucket, Key="k", Body=b"x")
    (entry,) = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert (entry["ChecksumAlgorithm"], entry["ChecksumType"]) == (["CRC64NVME"], "FULL_OBJECT")


def test_v2_names_the_owner_only_with_fetch_owner(s3, bucket):
    put_keys(s3, bucket, "k")
    (entry,) = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"]
    assert set(entry["Owner"]) == {"ID"}
    assert len(entry["Owner"]["ID"]) == 64


def test_v1_always_names_the_owner(s3, bucket):
    """A, LocalStack snapshot test_list_objects_next_marker: Owner with its ID only."""
    put_keys(s3, bucket, "k")
    (entry,) = s3.list_objects(Bucket=bucket)["Contents"]
    assert set(entry["Owner"]) == {"ID"}


def test_v1_always_echoes_marker_and_prefix(s3, bucket):
    """A, LocalStack snapshot test_s3_list_objects_empty_marker."""
    page = s3.list_objects(Bucket=bucket)
    assert page["Marker"] == ""
    assert page["Prefix"] == ""
    assert page["MaxKeys"] == 1000
    assert page["IsTruncated"] is False


# -- pagination --------------------------------------------------------------------------------
def test_v2_paginator_walks_2500_keys_in_pages_of_1000(s3, bucket, s3sse):
    keys = seed(s3sse, bucket, 2500)
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket))
    assert [p["KeyCount"] for p in pages] == [1000, 1000, 500]
    assert [k for p in pages for k in keys_of(p)] == keys
    assert [p["IsTruncated"] for p in pages] == [True, True, False]


def test_v1_paginator_walks_2500_keys_in_pages_of_1000(s3, bucket, s3sse):
    keys = seed(s3sse, bucket, 2500)
    pages = list(s3.get_paginator("list_objects").paginate(Bucket=bucket))
    assert [len(p["Contents"]) for p in pages] == [1000, 1000, 500]
    assert [k for p in pages for k in keys_of(p)] == keys


def test_max_keys_above_1000_returns_at_most_1000(s3, bucket, s3sse):
    """P, ListObjectsV2 API reference: up to 1,000 keys per page."""
    seed(s3sse, bucket, 1001)
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)
    assert page["KeyCount"] == 1000
    assert page["IsTruncated"] is True


def test_small_pages_across_common_prefixes_neither_repeat_nor_skip(s3, bucket):
    """A, LocalStack snapshot test_list_objects_v2_continuation_common_prefixes."""
    put_keys(s3, bucket, "a", "b/1", "b/2", "c", "d/1", "d/2/x", "e")
    paginator = s3.get_paginator("list_objects_v2")
    pages = list(paginator.paginate(Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1}))
    entries = [k for p in pages for k in keys_of(p) + prefixes_of(p)]
    assert entries == ["a", "b/", "c", "d/", "e"]


def test_max_keys_zero_returns_nothing_and_is_not_truncated(s3, bucket):
    """A (reported), s3-errors.md section 9: ceph s3-tests test_bucket_list_maxkeys_zero."""
    put_keys(s3, bucket, "a")
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert page["KeyCount"] == 0
    assert page["IsTruncated"] is False
    assert "Contents" not in page


def test_start_after_lists_keys_after_it(s3, bucket):
    """A, LocalStack snapshot ``list-objects-start-after``."""
    put_keys(s3, bucket, *(f"test_{i}" for i in range(10)))
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="test_7", MaxKeys=2)
    assert keys_of(page) == ["test_8", "test_9"]
    assert page["StartAfter"] == "test_7"
    assert page["IsTruncated"] is False


def test_continuation_token_wins_over_start_after(s3, bucket):
    """A, LocalStack snapshot ``list-objects-start-after-token``: StartAfter ignored, not echoed."""
    put_keys(s3, bucket, *(f"test_{i}" for i in range(10)))
    first = s3.list_objects_v2(Bucket=bucket, MaxKeys=3)
    token = first["NextContinuationToken"]
    page = s3.list_objects_v2(Bucket=bucket, ContinuationToken=token, StartAfter="test_7")
    assert keys_of(page)[0] == "test_3"
    assert page["ContinuationToken"] == token
    assert "StartAfter" not in page


@pytest.mark.parametrize("token", ["", "not-a-token", "dGVzdF8y"])
def test_continuation_token_not_issued_by_s3_is_invalid_argument(s3, bucket, token):
    """A, LocalStack snapshot ``exc-continuation-token`` (empty token); a made-up one: U."""
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken=token)
    err = error_of(exc)
    assert err["Code"] == "InvalidArgument"
    assert err["Message"] == "The continuation token provided is incorrect"
    assert err["ArgumentName"] == "continuation-token"
    assert "ArgumentValue" not in err


def test_v1_next_marker_is_sent_only_with_a_delimiter(s3, bucket):
    """A, LocalStack snapshot test_list_objects_next_marker (``list-objects-max-1``)."""
    put_keys(s3, bucket, "test_0", "test_1", "test_2")
    without = s3.list_objects(Bucket=bucket, MaxKeys=1)
    with_delimiter = s3.list_objects(Bucket=bucket, MaxKeys=1, Delimiter="/")
    assert without["IsTruncated"] is True
    assert "NextMarker" not in without
    assert with_delimiter["NextMarker"] == "test_0"


def test_v1_marker_on_a_common_prefix_continues_after_it(s3, bucket):
    """A, LocalStack snapshot test_list_objects_marker_common_prefixes (``list-objects-next-1``)."""
    put_keys(s3, bucket, "folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2")
    put_keys(s3, bucket, "folder/file1", "folder/file2")
    first = s3.list_objects(Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1)
    assert prefixes_of(first) == ["folder/aSubfolder/"]
    assert first["NextMarker"] == "folder/aSubfolder/"
    nxt = s3.list_objects(
        Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1, Marker=first["NextMarker"]
    )
    assert keys_of(nxt) == ["folder/file1"]
    assert nxt["NextMarker"] == "folder/file1"


def test_v1_marker_inside_a_common_prefix_skips_that_prefix(s3, bucket):
    """A, LocalStack snapshot ``list-objects-manual-first-file``."""
    put_keys(s3, bucket, "folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2")
    put_keys(s3, bucket, "folder/file1", "folder/file2")
    page = s3.list_objects(
        Bucket=bucket, Prefix="folder/", Delimiter="/", MaxKeys=1,
        Marker="folder/aSubfolder/subFile1",
    )  # fmt: skip
    assert keys_of(page) == ["folder/file1"]
    assert prefixes_of(page) == []


# -- parameter validation ----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["-1", "abc", "2147483648"])
def test_invalid_max_keys_is_invalid_argument(raw_s3, bucket, value):
    """A (reported), s3-errors.md section 9: floci PR #3510, ceph s3-tests."""
    with pytest.raises(ClientError) as exc:
        raw_s3.list_objects_v2(Bucket=bucket, MaxKeys=value)
    err = error_of(exc)
    assert err["Code"] == "InvalidArgument"
    assert err["Message"] == "Argument maxKeys must be an integer between 0 and 2147483647"
    assert err["ArgumentName"] == "maxKeys"
    assert err["ArgumentValue"] == value


@pytest.mark.parametrize("operation", ["list_objects_v2", "list_objects"])
def test_encoding_type_other_than_url_is_invalid_argument(s3, bucket, operation):
    """A, LocalStack snapshot test_list_ops_encoding_type_validation."""
    with pytest.raises(ClientError) as exc:
        getattr(s3, operation)(Bucket=bucket, EncodingType="value")
    err = error_of(exc)
    assert err["Code"] == "InvalidArgument"
    assert err["Message"] == "Invalid Encoding Method specified in Request"
    assert err["ArgumentName"] == "encoding-type"
    assert err["ArgumentValue"] == "value"


# -- URL encoding ------------------------------------------------------------------------------
def test_keys_with_spaces_and_unicode_round_trip_through_boto3(s3, bucket):
    """botocore asks for encoding-type=url and decodes Key, Prefix and CommonPrefixes itself."""
    put_keys(s3, bucket, "quux ab/thud", "foo+1/bar", "ünï/çødé", "a b", "100%.csv")
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert keys_of(page) == ["100%.csv", "a b"]
    assert prefixes_of(page) == ["foo+1/", "quux ab/", "ünï/"]


def test_explicit_url_encoding_encodes_keys_and_prefixes(s3, bucket):
    """ceph s3-tests test_bucket_listv2_encoding_basic; A, LocalStack snapshot
    ``list-objects-start-after-url-type`` (``=`` is encoded, ``/`` is not)."""
    put_keys(s3, bucket, "foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b", "date=1/ü")
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/", EncodingType="url")
    assert page["EncodingType"] == "url"
    assert keys_of(page) == ["asdf%2Bb"]
    assert prefixes_of(page) == ["date%3D1/", "foo%2B1/", "foo/", "quux%20ab/"]
    assert page["Delimiter"] == "/"
    deeper = s3.list_objects_v2(Bucket=bucket, Prefix="date=1/", EncodingType="url")
    assert keys_of(deeper) == ["date%3D1/%C3%BC"]
    assert deeper["Prefix"] == "date%3D1/"


def test_explicit_url_encoding_encodes_the_v1_markers(s3, bucket):
    put_keys(s3, bucket, "a b", "c d")
    page = s3.list_objects(Bucket=bucket, EncodingType="url", Delimiter="/", Marker="a", MaxKeys=1)
    assert keys_of(page) == ["a%20b"]
    assert page["NextMarker"] == "a%20b"


# -- cost --------------------------------------------------------------------------------------
class CountingList(list):
    """A list that counts item reads (bisect reads a list subclass through ``__getitem__``)."""

    reads = 0

    def __getitem__(self, index):
        CountingList.reads += 1
        return super().__getitem__(index)


def test_a_page_does_not_visit_keys_outside_it(s3, bucket, s3sse):
    """Bisecting sorted keys: unrelated keys and rolled-up runs cost a search, not a walk."""
    seed(s3sse, bucket, 3000, "big/{:05d}")
    seed(s3sse, bucket, 3000, "other/{:05d}")
    put_keys(s3, bucket, "a", "c")
    stored = s3sse.engine.store.bucket(bucket)
    stored.sorted_keys = CountingList(stored.sorted_keys)
    CountingList.reads = 0
    result = listing.list_objects(s3sse.engine.store, bucket, ListQuery(delimiter="/"))
    assert result.common_prefixes == ("big/", "other/")
    assert [o.key for o in result.objects] == ["a", "c"]
    assert CountingList.reads < 100

"""Tagging on a versioned bucket: each version has its own tags; a version named by id is tagged
without touching the others; a delete marker named by id is 405 (replication-behaviour.md D6, A);
with versionId the gate asks for the version actions (P, Service Authorization Reference:
s3:PutObjectVersionTagging, s3:GetObjectVersionTagging, s3:DeleteObjectVersionTagging)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error


@pytest.fixture
def versions(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1", Tagging="v=1")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="k", Body=b"2", Tagging="v=2")["VersionId"]
    return first, second


def tags(s3, bucket, **kwargs):
    return {
        t["Key"]: t["Value"]
        for t in s3.get_object_tagging(Bucket=bucket, Key="k", **kwargs)["TagSet"]
    }


def test_each_version_keeps_its_own_tags(s3, bucket, versions):
    first, second = versions
    assert tags(s3, bucket, VersionId=second) == {"v": "2"}
    assert tags(s3, bucket) == {"v": "2"}
    assert tags(s3, bucket, VersionId=first) == {"v": "1"}
    answer = s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=first)
    assert answer["VersionId"] == first


def test_tagging_an_older_version_leaves_the_current_one(s3, bucket, versions):
    first, _ = versions
    s3.put_object_tagging(
        Bucket=bucket,
        Key="k",
        VersionId=first,
        Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]},
    )
    assert tags(s3, bucket, VersionId=first) == {"old": "yes"}
    assert tags(s3, bucket) == {"v": "2"}
    s3.delete_object_tagging(Bucket=bucket, Key="k", VersionId=first)
    assert tags(s3, bucket, VersionId=first) == {}
    assert tags(s3, bucket) == {"v": "2"}


def test_a_delete_marker_named_by_id_is_method_not_allowed(s3, bucket, versions):
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    with pytest.raises(ClientError) as info:
        s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=marker)
    status, err = error(info)
    assert (status, err["Code"]) == (405, "MethodNotAllowed")
    assert err["ResourceType"] == "DeleteMarker"
    with pytest.raises(ClientError) as info:
        s3.get_object_tagging(Bucket=bucket, Key="k")  # the current version is the marker
    assert error(info)[1]["Code"] == "NoSuchKey"


def test_a_version_id_never_issued_is_invalid_argument(s3, bucket, versions):
    with pytest.raises(ClientError) as info:
        s3.get_object_tagging(Bucket=bucket, Key="k", VersionId="made-up")
    assert error(info)[1]["Message"] == "Invalid version id specified"


def test_tagging_a_version_needs_the_version_action(s3sse, s3, bucket, versions, make_client):
    first, _ = versions
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjectTagging", "Resource": "*"}],
    }
    reader = make_client(**s3sse.principal("arn:aws:iam::123456789012:user/r", policy=policy))
    assert reader.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    with pytest.raises(ClientError) as info:
        reader.get_object_tagging(Bucket=bucket, Key="k", VersionId=first)
    assert "s3:GetObjectVersionTagging" in error(info)[1]["Message"]


def test_object_attributes_of_an_older_version(s3, bucket, versions):
    # P (GetObjectAttributes: versionId names the version); E1 for an id never issued.
    first, second = versions
    older = s3.get_object_attributes(
        Bucket=bucket, Key="k", VersionId=first, ObjectAttributes=["ObjectSize", "ETag"]
    )
    assert older["VersionId"] == first
    assert older["ObjectSize"] == 1
    current = s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ObjectSize"])
    assert current["VersionId"] == second
    with pytest.raises(ClientError) as info:
        s3.get_object_attributes(
            Bucket=bucket, Key="k", VersionId="made-up", ObjectAttributes=["ObjectSize"]
        )
    assert error(info)[1]["Message"] == "Invalid version id specified"

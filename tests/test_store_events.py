"""Each change the S3 store commits is one event in the engine's stream, in the order of the changes:
what an audit trail, versioning and replication read (``s3sse.engine.events``)."""

from __future__ import annotations

import typing

import pytest
from botocore.exceptions import ClientError

from pytest_s3sse._internal.s3.store_events import (
    BucketCreated,
    BucketDeleted,
    DefaultEncryptionSet,
    ObjectCommitted,
    ObjectRemoved,
    StoreEvent,
)
from pytest_s3sse._internal.sse.rules import SSE_C_TYPE, BucketDefault
from pytest_s3sse._internal.types import SseMode

STORE_EVENTS = typing.get_args(StoreEvent)


class Changes:
    """The store events emitted since it was made."""

    def __init__(self, s3sse):
        self.events = s3sse.engine.events
        self.start = len(self.of_store())

    def of_store(self):
        return [e for e in self.events if isinstance(e, STORE_EVENTS)]

    def since(self):
        return self.of_store()[self.start :]


@pytest.fixture
def changes(s3sse, bucket):
    return Changes(s3sse)


def test_a_put_object_commits_one_object(s3, bucket, changes):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"hello")["ETag"].strip('"')
    assert changes.since() == [ObjectCommitted(bucket, "k", "null", etag, 5, replaced=None)]


def test_an_overwrite_names_the_version_it_replaced(s3, bucket, changes):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    assert [e.replaced for e in changes.since()] == [None, "null"]


def test_a_copy_object_commits_one_object(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="src", Body=b"hello")
    changes = Changes(s3sse)
    etag = s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")["CopyObjectResult"][
        "ETag"
    ].strip('"')
    assert changes.since() == [ObjectCommitted(bucket, "dst", "null", etag, 5)]


def test_a_multipart_upload_commits_one_object_at_complete(s3, bucket, changes):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"abc")
    assert changes.since() == []  # an upload in progress is not a committed object
    etag = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )["ETag"].strip('"')
    assert changes.since() == [ObjectCommitted(bucket, "mp", "null", etag, 3)]


def test_a_delete_object_removes_one_object(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    changes = Changes(s3sse)
    s3.delete_object(Bucket=bucket, Key="k")
    assert changes.since() == [ObjectRemoved(bucket, "k", "null")]


def test_deleting_a_missing_key_changes_nothing(s3, bucket, changes):
    s3.delete_object(Bucket=bucket, Key="absent")
    assert changes.since() == []


def test_a_refused_conditional_write_changes_nothing(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    changes = Changes(s3sse)
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="k", Body=b"again", IfNoneMatch="*")
    assert changes.since() == []


def test_changes_are_streamed_in_the_order_they_were_made(s3, bucket, changes):
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    s3.copy_object(Bucket=bucket, Key="b", CopySource=f"{bucket}/a")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="c", UploadId=upload, PartNumber=1, Body=b"3")
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="c",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    s3.delete_object(Bucket=bucket, Key="a")
    assert [(type(e), e.key) for e in changes.since()] == [
        (ObjectCommitted, "a"),
        (ObjectCommitted, "b"),
        (ObjectCommitted, "c"),
        (ObjectRemoved, "a"),
    ]


def test_a_bucket_life_is_streamed(s3, s3sse):
    changes = Changes(s3sse)
    s3.create_bucket(Bucket="life")
    s3.put_bucket_encryption(
        Bucket="life",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.delete_bucket(Bucket="life")
    kms_default = BucketDefault(
        SseMode.SSE_KMS, explicit=True, blocked_encryption_types=(SSE_C_TYPE,)
    )
    assert changes.since() == [
        BucketCreated("life", s3sse.region, s3sse.account_id),
        DefaultEncryptionSet("life", kms_default),
        BucketDeleted("life"),
    ]

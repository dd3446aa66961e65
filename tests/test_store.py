"""The S3 store owns its lock: it holds it to look up and to commit, never while a body is read or
encrypted, and a rule handed to a commit is decided in the same locked step as the change."""

from __future__ import annotations

import io
import threading
from dataclasses import replace

import pytest

from pytest_s3sse._internal.errors.s3 import BucketNotEmpty, NoSuchUpload, PreconditionFailed
from pytest_s3sse._internal.s3.multipart import CreateRequest, PartRequest
from pytest_s3sse._internal.s3.objects import WriteRequest


class ProbingBody(io.BytesIO):
    """A request body that, on its first read, checks another thread can use the store meanwhile."""

    def __init__(self, data, store, bucket):
        super().__init__(data)
        self.store, self.bucket = store, bucket
        self.store_was_free: bool | None = None

    def read(self, size=-1, /):
        if self.store_was_free is None:
            looked_up = []
            other = threading.Thread(
                target=lambda: looked_up.append(self.store.current(self.bucket, "other"))
            )
            other.start()
            other.join(timeout=5)
            self.store_was_free = bool(looked_up)
        return super().read(size)


def test_a_put_reads_and_encrypts_its_body_without_the_store_lock(s3sse, bucket):
    body = ProbingBody(b"x" * 4096, s3sse.engine.store, bucket)
    s3sse.engine.objects.put(WriteRequest(bucket, "k"), body)
    assert body.store_was_free is True


def test_a_part_is_read_and_encrypted_without_the_store_lock(s3sse, bucket):
    upload = s3sse.engine.multipart.create(CreateRequest(bucket, "k"))
    body = ProbingBody(b"x" * 4096, s3sse.engine.store, bucket)
    s3sse.engine.multipart.upload_part(PartRequest(bucket, "k", upload.upload_id, 1), body)
    assert body.store_was_free is True


def test_a_commit_refused_by_its_check_stores_nothing(s3, s3sse, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"first")
    store = s3sse.engine.store
    first = store.current(bucket, "k")

    def refuse(current):
        assert current is first  # the check sees the key as it is at commit time
        raise PreconditionFailed("If-None-Match")

    other = s3sse.engine.objects.put(WriteRequest(bucket, "other"), io.BytesIO(b"second"))
    with pytest.raises(PreconditionFailed):
        store.commit(replace(other, key="k"), refuse)
    assert store.current(bucket, "k") is first


def test_a_bucket_delete_refused_by_its_check_keeps_the_bucket(s3, s3sse, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(BucketNotEmpty):
        s3sse.engine.buckets.delete(bucket)
    assert s3sse.engine.store.bucket(bucket).name == bucket


class AbortingBody(io.BytesIO):
    """A part's body whose upload is aborted while it is being read."""

    def __init__(self, data, abort):
        super().__init__(data)
        self.abort = abort

    def read(self, size=-1, /):
        if self.abort is not None:
            self.abort, abort = None, self.abort
            abort()
        return super().read(size)


def test_a_part_whose_upload_is_aborted_meanwhile_has_nowhere_to_go(s3sse, bucket):
    multipart = s3sse.engine.multipart
    upload = multipart.create(CreateRequest(bucket, "k"))
    body = AbortingBody(b"x", lambda: multipart.abort(bucket, "k", upload.upload_id))
    with pytest.raises(NoSuchUpload):
        multipart.upload_part(PartRequest(bucket, "k", upload.upload_id, 1), body)

"""The order and the set of a multipart object's parts are authenticated (issue 11).

Each part is sealed when it is uploaded, bound to its part number; which parts make the object, and in
which order, is decided only at CompleteMultipartUpload. Complete therefore adds a tag of the ordered
part list to the object's envelope (no re-encryption), and every read checks it: stored parts swapped,
the last one dropped, or one replaced by an earlier upload of its number fail the read like a flipped
bit, with S3's 500 InternalError (as tampering is answered: ``s3sse.tamper``; S3 itself never serves
corrupted data, P: S3 user guide "Data protection", checksums verified on read).
"""

from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError
from sse_c_support import sse_c, unblock_sse_c

MIB = 1024 * 1024
PART = 5 * MIB  # S3's minimum size of every part but the last
BODIES = [b"A" * PART, b"B" * PART, b"tail"]

MODES = [
    pytest.param({}, id="sse-s3"),
    pytest.param({"ServerSideEncryption": "aws:kms"}, id="sse-kms"),
    pytest.param({"ServerSideEncryption": "aws:kms:dsse"}, id="dsse-kms"),
    pytest.param(sse_c(), id="sse-c"),
]


def _part_args(create_args):
    return {k: v for k, v in create_args.items() if k.startswith("SSECustomer")}


def _upload(s3, bucket, key, create_args, bodies=BODIES):
    if "SSECustomerKey" in create_args:
        unblock_sse_c(s3, bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **create_args)["UploadId"]
    parts = []
    for number, body in enumerate(bodies, start=1):
        etag = s3.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload,
            PartNumber=number,
            Body=body,
            **_part_args(create_args),
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    return upload, parts


def _complete(s3, bucket, key, upload, parts):
    # No SSE-C key at Complete: S3 needs it only with a checksum algorithm (P, CompleteMultipartUpload).
    s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts}
    )


def _store_parts(s3sse, bucket, key, change):
    """Rewrite the stored object's parts through the store (simulated corruption at rest)."""
    store = s3sse.engine.store
    obj = store.current(bucket, key)
    parts = change(list(obj.parts))
    store.replace(dataclasses.replace(obj, parts=tuple(parts), size=sum(p.size for p in parts)))


def _get_fails(s3, bucket, key, create_args, **extra):
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key=key, **_part_args(create_args), **extra)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert info.value.response["Error"]["Code"] == "InternalError"


@pytest.mark.parametrize("create_args", MODES)
def test_a_completed_multipart_object_reads_back_in_every_mode(s3, bucket, create_args):
    upload, parts = _upload(s3, bucket, "k", create_args)
    _complete(s3, bucket, "k", upload, parts)
    got = s3.get_object(Bucket=bucket, Key="k", **_part_args(create_args))["Body"].read()
    assert got == b"".join(BODIES)


@pytest.mark.parametrize("create_args", MODES)
def test_swapping_two_stored_parts_fails_the_read(s3, bucket, s3sse, create_args):
    upload, parts = _upload(s3, bucket, "k", create_args)
    _complete(s3, bucket, "k", upload, parts)
    _store_parts(s3sse, bucket, "k", lambda p: [p[1], p[0], p[2]])
    _get_fails(s3, bucket, "k", create_args)


def test_dropping_the_last_stored_part_fails_the_read(s3, bucket, s3sse):
    upload, parts = _upload(s3, bucket, "k", {})
    _complete(s3, bucket, "k", upload, parts)
    _store_parts(s3sse, bucket, "k", lambda p: p[:-1])
    _get_fails(s3, bucket, "k", {})


def test_a_range_away_from_the_changed_part_fails_too(s3, bucket, s3sse):
    upload, parts = _upload(s3, bucket, "k", {})
    _complete(s3, bucket, "k", upload, parts)
    _store_parts(s3sse, bucket, "k", lambda p: p[:-1])
    _get_fails(s3, bucket, "k", {}, Range="bytes=0-9")


def test_a_part_replaced_by_an_earlier_upload_of_its_number_fails_the_read(s3, bucket, s3sse):
    upload, _ = _upload(s3, bucket, "k", {})
    _, first = s3sse.engine.store.parts(bucket, "k", upload)
    earlier = next(p.sealed for p in first if p.number == 2)
    _, parts = _upload_again(s3, bucket, "k", upload)
    _complete(s3, bucket, "k", upload, parts)
    _store_parts(s3sse, bucket, "k", lambda p: [p[0], earlier, p[2]])
    _get_fails(s3, bucket, "k", {})


def _upload_again(s3, bucket, key, upload):
    """Upload part 2 again with other bytes of the same size: the later upload replaces it."""
    parts = []
    for number, body in enumerate([BODIES[0], b"C" * PART, BODIES[2]], start=1):
        etag = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    return upload, parts


def test_a_single_part_object_given_a_second_stored_part_fails_the_read(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    _store_parts(s3sse, bucket, "k", lambda p: [p[0], p[0]])
    _get_fails(s3, bucket, "k", {})


def test_a_part_spliced_in_from_another_upload_fails_the_read(s3, bucket, s3sse):
    upload, parts = _upload(s3, bucket, "k", {})
    _complete(s3, bucket, "k", upload, parts)
    other, other_parts = _upload(s3, bucket, "other", {})
    _complete(s3, bucket, "other", other, other_parts)
    foreign = s3sse.engine.store.current(bucket, "other").parts[1]
    _store_parts(s3sse, bucket, "k", lambda p: [p[0], foreign, p[2]])
    _get_fails(s3, bucket, "k", {})

"""GetObjectAttributes through boto3: ETag, Checksum, ObjectParts (with part checksums and paging),
StorageClass, ObjectSize; SSE-C objects need their key; permissions; errors.

Sources (labels as in docs/errors.md): P the API reference GetObjectAttributes and botocore's model
(GetObjectAttributesOutput, ObjectParts, ObjectPart); T scality/cloudserver's functional tests (the
invalid-name text); U proposed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sse_c_support import KEY, KEY_MD5, raw_sse_c, sse_c, unblock_sse_c
from support import error

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
MIB5 = 5 * 1024 * 1024


def _attributes(s3, bucket, key="k", names=ALL, **kwargs):
    return s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=names, **kwargs)


def _multipart(s3, bucket, key="mp", parts=3, **create):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for number in range(1, parts + 1):
        body = bytes([number]) * (MIB5 if number < parts else 10)
        extra = {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if create else {}
        part = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=body, **extra
        )
        entry = {"PartNumber": number, "ETag": part["ETag"]}
        if create:
            entry["ChecksumSHA256"] = part["ChecksumSHA256"]
        done.append(entry)
    s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done}
    )


def test_a_single_put_answers_etag_size_storage_class_and_checksum(s3, bucket):
    # P: the API reference's response elements; the ETag is sent without quotes.
    body = b"hello attributes"
    s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm="SHA256")
    got = _attributes(s3, bucket)
    assert got["ETag"] == hashlib.md5(body).hexdigest()
    assert got["ObjectSize"] == len(body)
    assert got["StorageClass"] == "STANDARD"
    assert got["Checksum"] == {
        "ChecksumSHA256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "ChecksumType": "FULL_OBJECT",
    }
    assert "ObjectParts" not in got
    assert got["LastModified"] == s3.head_object(Bucket=bucket, Key="k")["LastModified"]


def test_only_the_attributes_asked_for_are_answered(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    got = _attributes(s3, bucket, names=["ObjectSize"])
    assert got["ObjectSize"] == 1
    assert not {"ETag", "StorageClass", "Checksum", "ObjectParts"} & set(got)


def test_the_storage_class_is_the_one_written(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="STANDARD_IA")
    assert _attributes(s3, bucket, names=["StorageClass"])["StorageClass"] == "STANDARD_IA"


def test_a_multipart_object_without_checksums_answers_its_part_count(s3, bucket):
    # P: ObjectParts.TotalPartsCount (PartsCount on the wire); no Part element without an additional
    # checksum (botocore's model, GetObjectAttributesParts.Parts).
    _multipart(s3, bucket, parts=2)
    got = _attributes(s3, bucket, "mp")
    assert got["ObjectParts"]["TotalPartsCount"] == 2
    assert "Parts" not in got["ObjectParts"]
    assert got["ETag"].endswith("-2")
    assert got["ObjectSize"] == MIB5 + 10


def test_a_multipart_object_with_checksums_lists_each_part_with_its_checksum(s3, bucket):
    # P: ObjectPart (PartNumber, Size, Checksum*); the parts' checksums are those UploadPart answered.
    _multipart(s3, bucket, parts=3, ChecksumAlgorithm="SHA256")
    parts = _attributes(s3, bucket, "mp")["ObjectParts"]
    assert parts["TotalPartsCount"] == 3
    assert [(p["PartNumber"], p["Size"]) for p in parts["Parts"]] == [
        (1, MIB5),
        (2, MIB5),
        (3, 10),
    ]
    expected = base64.b64encode(hashlib.sha256(b"\x03" * 10).digest()).decode()
    assert parts["Parts"][2]["ChecksumSHA256"] == expected
    assert (parts["IsTruncated"], parts["MaxParts"], parts["NextPartNumberMarker"]) == (
        False,
        1000,
        3,
    )


def test_object_parts_are_paged_by_max_parts_and_the_part_number_marker(s3, bucket):
    # P: MaxParts, PartNumberMarker, NextPartNumberMarker, IsTruncated.
    _multipart(s3, bucket, parts=3, ChecksumAlgorithm="SHA256")
    first = _attributes(s3, bucket, "mp", names=["ObjectParts"], MaxParts=2)["ObjectParts"]
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert (first["IsTruncated"], first["NextPartNumberMarker"]) == (True, 2)
    rest = _attributes(s3, bucket, "mp", names=["ObjectParts"], MaxParts=2, PartNumberMarker=2)[
        "ObjectParts"
    ]
    assert [p["PartNumber"] for p in rest["Parts"]] == [3]
    assert (rest["IsTruncated"], rest["PartNumberMarker"]) == (False, 2)


# -- SSE-C ----------------------------------------------------------------------------------------


def _key_headers(key: bytes = KEY) -> dict[str, Any]:
    """SSE-C headers for GetObjectAttributes: botocore adds no key MD5 and no base64 for this
    operation (its SSE-C handlers skip it), so a caller sends them encoded."""
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    return raw_sse_c(base64.b64encode(key).decode(), md5)


def test_an_sse_c_object_answers_with_its_key(s3, bucket):
    # P: GetObjectAttributes "you must use the following headers" for an SSE-C object.
    assert _key_headers()["SSECustomerKeyMD5"] == KEY_MD5
    unblock_sse_c(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret", **sse_c())
    assert _attributes(s3, bucket, **_key_headers())["ObjectSize"] == 6


def test_an_sse_c_object_without_its_key_is_refused_as_head_is(s3, bucket):
    # P: the same SSE-C rule as GetObject/HeadObject (docs/errors.md, SSE-C).
    unblock_sse_c(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret", **sse_c())
    with pytest.raises(ClientError) as info:
        _attributes(s3, bucket)
    with pytest.raises(ClientError) as head:
        s3.head_object(Bucket=bucket, Key="k")
    assert error(info)[0] == error(head)[0] == 400
    assert error(info)[1]["Code"] == "InvalidRequest"


def test_an_sse_c_object_with_another_key_is_refused(s3, bucket):
    unblock_sse_c(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret", **sse_c())
    with pytest.raises(ClientError) as info:
        _attributes(s3, bucket, **_key_headers(b"k" * 32))
    assert error(info)[0] == 403


# -- errors -----------------------------------------------------------------------------------


def test_an_unknown_attribute_name_is_invalid_argument(s3, bucket, make_client):
    # T: scality/cloudserver "Invalid attribute name specified."; botocore checks the enum, so the
    # header is rewritten before signing.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")

    def rename(request, **_):
        request.headers.replace_header("x-amz-object-attributes", "ETag,Colour")

    s3.meta.events.register("before-sign.s3.GetObjectAttributes", rename)
    with pytest.raises(ClientError) as info:
        _attributes(s3, bucket)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidArgument",
        "Invalid attribute name specified.",
    )


def test_no_attribute_name_is_invalid_argument(s3, bucket):
    # T: scality/cloudserver (an empty ObjectAttributes list).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        _attributes(s3, bucket, names=[])
    assert error(info)[1]["Message"] == "Invalid attribute name specified."


def test_a_missing_key_is_no_such_key(s3, bucket):
    with pytest.raises(ClientError) as info:
        _attributes(s3, bucket, "missing")
    status, err = error(info)
    assert (status, err["Code"]) == (404, "NoSuchKey")


# -- permissions ----------------------------------------------------------------------------------


@pytest.fixture
def as_user(s3sse, make_client):
    def make(*actions: str) -> Any:
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
        return make_client(
            **s3sse.principal(
                "arn:aws:iam::123456789012:user/u", policy=json.loads(json.dumps(policy))
            )
        )

    return make


@pytest.mark.parametrize(
    ("actions", "missing"),
    [(["s3:GetObject"], "s3:GetObjectAttributes"), (["s3:GetObjectAttributes"], "s3:GetObject")],
)
def test_get_object_attributes_needs_both_permissions(s3, bucket, as_user, actions, missing):
    # P: "If the bucket is not versioned, you need the s3:GetObject and s3:GetObjectAttributes
    # permissions for this operation."
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        _attributes(as_user(*actions), bucket)
    status, err = error(info)
    assert (status, err["Code"]) == (403, "AccessDenied")
    assert missing in err["Message"]


def test_both_permissions_are_enough(s3, bucket, as_user):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    user = as_user("s3:GetObject", "s3:GetObjectAttributes")
    assert _attributes(user, bucket)["ObjectSize"] == 1


def test_get_object_attributes_is_a_read_only_data_event(s3sse, s3, bucket):
    # P: S3 user guide "Amazon S3 CloudTrail events" (object-level reads are data events).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    _attributes(s3, bucket)
    (record,) = [r for r in s3sse.trail.records if r["eventName"] == "GetObjectAttributes"]
    assert (record["eventCategory"], record["readOnly"]) == ("Data", True)

"""Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
ListMultipartUploads, and boto3's s3transfer on top of them.

Error texts and their sources: docs/_research/s3-errors.md sections 5c, 6, 7 and 8. "A" marks a
LocalStack snapshot recorded against real AWS (``LS:s3`` = tests/aws/services/s3/test_s3.snapshot.json,
``LS:api`` = test_s3_api.snapshot.json, ``LS:list`` = test_s3_list_operations.snapshot.json).
"""

from __future__ import annotations

import base64
import hashlib
import io
import random
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from support import error as _error

MIB = 1024 * 1024
MIN_PART = 5 * MIB
BIG = b"a" * MIN_PART
INVALID_PART_MESSAGE = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, "
    "or the specified entity tag may not match the part's entity tag."
)
NO_SUCH_UPLOAD_MESSAGE = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
    "aborted or completed."
)
COPY_RANGE_FORM_MESSAGE = (
    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are "
    "the zero-based offsets of the first and last bytes to copy"
)


def _status_and_code(info):
    return _error(info)[0], _error(info)[1]["Code"]


def _create(s3, **kwargs):
    return s3.create_multipart_upload(Bucket="bkt", Key="k", **kwargs)["UploadId"]


def _md5(data):
    return hashlib.md5(data).digest()


def _multipart_etag(*bodies):
    """hex(MD5(concatenated binary part MD5s))-N (aws-sse-behaviour.md section 5.2, A)."""
    return f'"{hashlib.md5(b"".join(_md5(b) for b in bodies)).hexdigest()}-{len(bodies)}"'


@pytest.fixture
def upload(s3, bucket):
    """The id of a multipart upload of ``bkt/k`` (no checksum algorithm)."""
    return s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]


def _put_part(s3, upload_id, number, body, key="k", **kwargs):
    etag = s3.upload_part(
        Bucket="bkt", Key=key, UploadId=upload_id, PartNumber=number, Body=body, **kwargs
    )["ETag"]
    return {"PartNumber": number, "ETag": etag}


def _complete(s3, upload_id, parts, key="k", **kwargs):
    return s3.complete_multipart_upload(
        Bucket="bkt", Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, **kwargs
    )


# -- the happy path -----------------------------------------------------------------------------


def test_create_upload_complete_round_trips_with_the_multipart_etag(s3, bucket, upload):
    tail = b"the last part may be small"
    parts = [_put_part(s3, upload, 1, BIG), _put_part(s3, upload, 2, tail)]
    done = _complete(s3, upload, parts)
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == BIG + tail
    assert done["ETag"] == got["ETag"] == _multipart_etag(BIG, tail)
    assert got["ContentLength"] == MIN_PART + len(tail)


def test_create_upload_and_complete_report_sse_s3(s3, bucket):
    """aws-sse-behaviour.md section 4 (A): the bucket default applies at Create; every step echoes it."""
    created = s3.create_multipart_upload(Bucket=bucket, Key="k")
    part = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=created["UploadId"], PartNumber=1, Body=b"x"
    )
    done = _complete(s3, created["UploadId"], [{"PartNumber": 1, "ETag": part["ETag"]}])
    assert created["ServerSideEncryption"] == part["ServerSideEncryption"] == "AES256"
    assert done["ServerSideEncryption"] == "AES256"


def test_get_object_with_a_part_number_reads_that_part(s3, bucket, upload):
    """A: LS:s3 test_complete_multipart_parts_checksum_composite / get-object-part-checksum (206 with
    the part's Content-Range and PartsCount)."""
    _complete(s3, upload, [_put_part(s3, upload, 1, BIG), _put_part(s3, upload, 2, b"tail")])
    got = s3.get_object(Bucket=bucket, Key="k", PartNumber=2)
    assert got["Body"].read() == b"tail"
    assert got["ContentRange"] == f"bytes {MIN_PART}-{MIN_PART + 3}/{MIN_PART + 4}"
    assert (got["PartsCount"], got["ResponseMetadata"]["HTTPStatusCode"]) == (2, 206)


def test_headers_and_metadata_given_at_create_are_the_objects(s3, bucket):
    upload_id = _create(s3, ContentType="text/csv", Metadata={"origin": "batch"})
    _complete(s3, upload_id, [_put_part(s3, upload_id, 1, b"a,b")])
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["ContentType"], head["Metadata"]) == ("text/csv", {"origin": "batch"})


def test_a_part_etag_is_the_md5_of_the_part(s3, upload):
    assert _put_part(s3, upload, 1, b"abc")["ETag"] == '"' + hashlib.md5(b"abc").hexdigest() + '"'


def test_part_numbers_may_have_gaps(s3, bucket, upload):
    """A: LS:s3 test_complete_multipart_parts_order / complete-multipart-with-step-2."""
    parts = [_put_part(s3, upload, n, BIG if n < 6 else b"end") for n in (2, 4, 6)]
    _complete(s3, upload, parts)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == BIG + BIG + b"end"


def test_re_uploading_a_part_number_replaces_the_part(s3, bucket, upload):
    _put_part(s3, upload, 1, b"first")
    part = _put_part(s3, upload, 1, b"second")
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)
    assert [p["Size"] for p in listed["Parts"]] == [6]
    _complete(s3, upload, [part])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second"


def test_parts_uploaded_from_many_threads_are_all_kept(s3, bucket, upload):
    """s3transfer uploads parts concurrently; the store lock is taken only to look up and commit."""
    bodies = {n: bytes([n]) * (100_000 + n) for n in range(1, 17)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: _put_part(s3, upload, n, bodies[n]), bodies))
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [
        (n, len(b)) for n, b in bodies.items()
    ]


def test_the_object_is_stored_encrypted_as_sse_s3(s3, s3sse, bucket, upload):
    secret = b"multipart plaintext " * 1000
    _complete(s3, upload, [_put_part(s3, upload, 1, secret)])
    view = s3sse.assert_encrypted(bucket, "k", "SSE-S3")
    assert view.size == len(secret)
    assert b"multipart plaintext" not in view.ciphertext


# -- Complete: validation ---------------------------------------------------------------------


def test_a_part_smaller_than_5_mib_before_the_last_is_entity_too_small(s3, upload):
    """A: LS:s3 test_multipart_complete_multipart_too_small / complete-exc-too-small."""
    parts = [_put_part(s3, upload, 1, b"abcd"), _put_part(s3, upload, 2, b"efgh")]
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, parts)
    status, error = _error(info)
    assert (status, error["Code"]) == (400, "EntityTooSmall")
    assert error["Message"] == "Your proposed upload is smaller than the minimum allowed size"
    assert (error["ProposedSize"], error["MinSizeAllowed"]) == ("4", "5242880")
    assert (error["PartNumber"], error["ETag"]) == ("1", hashlib.md5(b"abcd").hexdigest())


def test_parts_out_of_order_are_invalid_part_order(s3, upload):
    """A: LS:s3 test_complete_multipart_parts_order / complete-multipart-unordered."""
    parts = [_put_part(s3, upload, 1, BIG), _put_part(s3, upload, 2, BIG)]
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, parts[::-1])
    assert _error(info) == (
        400,
        {
            "Code": "InvalidPartOrder",
            "Message": "The list of parts was not in ascending order. Parts must be ordered by part number.",
            "UploadId": upload,
        },
    )


def test_a_part_never_uploaded_is_invalid_part(s3, upload):
    """A: LS:s3 test_multipart_complete_multipart_wrong_part / complete-exc-wrong-part-number."""
    etag = _put_part(s3, upload, 1, b"x")["ETag"]
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, [{"PartNumber": 2, "ETag": etag}])
    assert _error(info) == (
        400,
        {
            "Code": "InvalidPart",
            "Message": INVALID_PART_MESSAGE,
            "UploadId": upload,
            "PartNumber": "2",
            "ETag": etag.strip('"'),
        },
    )


def test_a_wrong_part_etag_is_invalid_part(s3, upload):
    """A: LS:s3 test_multipart_complete_multipart_wrong_part / complete-exc-wrong-etag."""
    _put_part(s3, upload, 1, b"x")
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, [{"PartNumber": 1, "ETag": '"' + "0" * 32 + '"'}])
    status, error = _error(info)
    assert (status, error["Code"], error["ETag"]) == (400, "InvalidPart", "0" * 32)


def test_complete_without_a_body_is_invalid_request(s3, bucket, upload):
    """A: LS:s3 test_multipart_complete_multipart_too_small / complete-exc-no-parts."""
    _put_part(s3, upload, 1, b"x")
    with pytest.raises(ClientError) as info:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)
    assert _error(info) == (
        400,
        {"Code": "InvalidRequest", "Message": "You must specify at least one part"},
    )


def test_an_empty_part_list_is_malformed_xml(s3, upload):
    """T: moto answers MalformedXML for an empty Parts list (not recorded against AWS)."""
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, [])
    assert _error(info)[1]["Code"] == "MalformedXML"


def test_a_wrong_mp_object_size_is_invalid_request(s3, upload):
    """A: LS:s3 test_multipart_size_validation / complete-multipart-wrong-size."""
    parts = [_put_part(s3, upload, 1, b"abc")]
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, parts, MpuObjectSize=4)
    assert _error(info)[1]["Message"] == (
        "The provided 'x-amz-mp-object-size' header value 4 does not match what was computed: 3"
    )


def test_complete_with_if_none_match_fails_when_the_key_exists(s3, bucket, upload):
    """A: LS:api test_multipart_if_none_match_with_put / complete-multipart-if-none-match-put-during."""
    parts = [_put_part(s3, upload, 1, b"new")]
    s3.put_object(Bucket=bucket, Key="k", Body=b"written meanwhile")
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, parts, IfNoneMatch="*")
    assert _error(info) == (
        412,
        {
            "Code": "PreconditionFailed",
            "Message": "At least one of the pre-conditions you specified did not hold",
            "Condition": "If-None-Match",
        },
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"written meanwhile"


def test_complete_with_if_none_match_succeeds_on_a_new_key(s3, bucket, upload):
    _complete(s3, upload, [_put_part(s3, upload, 1, b"new")], IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"new"


def test_complete_with_if_match_on_a_missing_key_is_no_such_key(s3, upload):
    """A: LS:api test_multipart_if_match_with_delete / complete-multipart-after-del."""
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, [_put_part(s3, upload, 1, b"new")], IfMatch='"abc"')
    assert _status_and_code(info) == (404, "NoSuchKey")


# -- the upload's life cycle --------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["upload_part", "complete", "abort", "list_parts"])
def test_an_unknown_upload_id_is_no_such_upload(s3, bucket, operation):
    """A: LS:s3 test_multipart_no_such_upload (upload-exc, complete-exc, abort-exc)."""
    calls = {
        "upload_part": lambda: _put_part(s3, "fakeid", 1, b"x"),
        "complete": lambda: _complete(s3, "fakeid", [{"PartNumber": 1, "ETag": '"e"'}]),
        "abort": lambda: s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId="fakeid"),
        "list_parts": lambda: s3.list_parts(Bucket=bucket, Key="k", UploadId="fakeid"),
    }
    with pytest.raises(ClientError) as info:
        calls[operation]()
    assert _error(info) == (
        404,
        {"Code": "NoSuchUpload", "Message": NO_SUCH_UPLOAD_MESSAGE, "UploadId": "fakeid"},
    )


def test_an_upload_id_used_with_another_key_is_no_such_upload(s3, upload):
    """A: LS:s3 test_multipart_key_validation / upload-part-wrong-key-name."""
    with pytest.raises(ClientError) as info:
        _put_part(s3, upload, 1, b"x", key="other")
    assert _error(info)[1]["Code"] == "NoSuchUpload"


def test_the_upload_is_gone_after_complete(s3, bucket, upload):
    """A: LS:s3 test_multipart_and_list_parts / list-part-after-complete-exc."""
    _complete(s3, upload, [_put_part(s3, upload, 1, b"x")])
    with pytest.raises(ClientError) as info:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)
    assert _error(info)[1]["Code"] == "NoSuchUpload"


def test_aborting_answers_204_and_the_upload_is_gone(s3, bucket, upload):
    """P: AbortMultipartUpload API reference (204); A: a second abort is NoSuchUpload (abort-exc)."""
    _put_part(s3, upload, 1, b"x")
    aborted = s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as info:
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)
    assert _error(info)[1]["Code"] == "NoSuchUpload"
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


@pytest.mark.parametrize("number", [0, 10001])
def test_part_numbers_outside_1_to_10000_are_invalid_argument(s3, upload, number):
    """A for -1 (LS:s3 test_complete_multipart_parts_order / upload-part-negative-part-number); the
    same answer for 0 and 10001 is assumed (U)."""
    with pytest.raises(ClientError) as info:
        _put_part(s3, upload, number, b"x")
    assert _error(info) == (
        400,
        {
            "Code": "InvalidArgument",
            "Message": "Part number must be an integer between 1 and 10000, inclusive",
            "ArgumentName": "partNumber",
            "ArgumentValue": str(number),
        },
    )


def test_deleting_a_bucket_with_an_upload_in_progress_is_bucket_not_empty(s3, bucket, upload):
    """U (s3-errors.md section 3): kept as the engine's existing answer."""
    with pytest.raises(ClientError) as info:
        s3.delete_bucket(Bucket=bucket)
    assert _error(info)[1]["Code"] == "BucketNotEmpty"


@pytest.mark.s3sse(block_ssec_on_new_buckets=False)
def test_a_part_with_sse_c_on_an_upload_without_it_is_invalid_request(s3, upload):
    """aws-sse-behaviour.md section 4, M1 (A: LS:s3 test_multipart_upload_sse_c_validation). A legacy
    bucket, else the bucket's SSE-C block answers first (C9)."""
    with pytest.raises(ClientError) as info:
        _put_part(s3, upload, 1, b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=b"k" * 32)
    assert _error(info)[1]["Message"] == (
        "The multipart upload initiate requested encryption. Subsequent part requests must include "
        "the appropriate encryption parameters."
    )


# -- ListParts and ListMultipartUploads ---------------------------------------------------------


def test_list_parts_shape(s3, s3sse, bucket, upload):
    """A: LS:api test_upload_part_copy_range / list-parts (Initiator, Owner, StorageClass, markers)."""
    _put_part(s3, upload, 1, b"abc")
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)
    assert (listed["Bucket"], listed["Key"], listed["UploadId"]) == (bucket, "k", upload)
    assert (listed["PartNumberMarker"], listed["NextPartNumberMarker"]) == (0, 1)
    assert (listed["MaxParts"], listed["IsTruncated"]) == (1000, False)
    assert listed["StorageClass"] == "STANDARD"
    assert listed["Owner"]["ID"] == listed["Initiator"]["ID"]  # the account itself initiated
    assert len(listed["Owner"]["ID"]) == 64
    [part] = listed["Parts"]
    assert (part["PartNumber"], part["Size"]) == (1, 3)
    assert part["ETag"] == '"' + hashlib.md5(b"abc").hexdigest() + '"'
    assert "ChecksumCRC32" not in part  # A: an upload without an algorithm lists no part checksums


def test_an_iam_initiator_is_listed_by_its_arn(s3, s3sse, bucket, make_client):
    """P: ListParts API reference ("If the initiator is an IAM User, this element provides the user
    ARN and display name"); the Owner stays the account."""
    arn = f"arn:aws:iam::{s3sse.account_id}:user/alice"
    s3sse.add_credentials("AKIDALICE", account_id=s3sse.account_id, arn=arn)
    alice = make_client(aws_access_key_id="AKIDALICE")
    upload_id = alice.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert listed["Initiator"] == {"ID": arn, "DisplayName": "alice"}
    assert listed["Owner"]["ID"] != arn


def test_list_parts_of_an_upload_without_parts(s3, bucket, upload):
    """A: LS:s3 test_multipart_and_list_parts / list-part-after-created."""
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)
    assert (listed["NextPartNumberMarker"], listed["IsTruncated"]) == (0, False)
    assert "Parts" not in listed


def test_list_parts_paginates_by_part_number(s3, bucket, upload):
    for number in (1, 2, 3):
        _put_part(s3, upload, number, b"x")
    first = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload, MaxParts=2)
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert (first["IsTruncated"], first["NextPartNumberMarker"]) == (True, 2)
    rest = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3]
    assert (rest["IsTruncated"], rest["PartNumberMarker"]) == (False, 2)


def test_list_multipart_uploads_of_a_bucket_without_uploads(s3, bucket):
    """A: LS:list test_list_multiparts_next_marker / list-multiparts-empty."""
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert listed["Bucket"] == bucket
    assert (listed["KeyMarker"], listed["UploadIdMarker"]) == ("", "")
    assert (listed["NextKeyMarker"], listed["NextUploadIdMarker"]) == ("", "")
    assert (listed["MaxUploads"], listed["IsTruncated"]) == (1000, False)
    assert "Uploads" not in listed


def _three_keys_five_uploads(s3, s3sse, bucket):
    """The uploads of LS:list test_list_multiparts_next_marker: one for test_c and test_b, three for
    test_a, created in that order."""
    ids = {}
    for key in ("test_c", "test_b", "test_a", "test_a", "test_a"):
        s3sse.clock.advance(1)
        created = s3.create_multipart_upload(Bucket=bucket, Key=key)
        ids.setdefault(key, []).append(created["UploadId"])
    return ids


def test_list_multipart_uploads_orders_by_key_then_initiation_time(s3, s3sse, bucket):
    """A: LS:list test_list_multiparts_next_marker / list-multiparts-all (not by upload id)."""
    ids = _three_keys_five_uploads(s3, s3sse, bucket)
    listed = s3.list_multipart_uploads(Bucket=bucket)
    expected = [*ids["test_a"], *ids["test_b"], *ids["test_c"]]
    assert [u["UploadId"] for u in listed["Uploads"]] == expected
    assert (listed["NextKeyMarker"], listed["NextUploadIdMarker"]) == ("test_c", ids["test_c"][0])
    upload = listed["Uploads"][0]
    assert upload["StorageClass"] == "STANDARD"
    assert upload["Owner"]["ID"] == upload["Initiator"]["ID"]
    assert "DisplayName" in upload["Initiator"]


def test_list_multipart_uploads_paginates_with_key_and_upload_id_markers(s3, s3sse, bucket):
    """A: LS:list test_list_multiparts_next_marker (max-1, both-markers, both-markers-2,
    get-last-upload-no-truncate)."""
    ids = _three_keys_five_uploads(s3, s3sse, bucket)
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1)
    assert first["IsTruncated"] is True
    assert (first["NextKeyMarker"], first["NextUploadIdMarker"]) == ("test_a", ids["test_a"][0])
    both = s3.list_multipart_uploads(
        Bucket=bucket, MaxUploads=1, KeyMarker="test_a", UploadIdMarker=ids["test_a"][0]
    )
    assert [u["UploadId"] for u in both["Uploads"]] == [ids["test_a"][1]]
    after_last_of_key = s3.list_multipart_uploads(
        Bucket=bucket, MaxUploads=1, KeyMarker="test_a", UploadIdMarker=ids["test_a"][2]
    )
    assert [u["UploadId"] for u in after_last_of_key["Uploads"]] == ids["test_b"]
    last = s3.list_multipart_uploads(
        Bucket=bucket, MaxUploads=1, KeyMarker="test_b", UploadIdMarker=ids["test_b"][0]
    )
    assert [u["UploadId"] for u in last["Uploads"]] == ids["test_c"]
    assert last["IsTruncated"] is False


def test_an_upload_id_marker_is_ignored_without_a_key_marker(s3, s3sse, bucket):
    """A: LS:list test_list_multiparts_next_marker / list-multiparts-next-upload-only."""
    ids = _three_keys_five_uploads(s3, s3sse, bucket)
    listed = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, UploadIdMarker=ids["test_b"][0])
    assert [u["UploadId"] for u in listed["Uploads"]] == [ids["test_a"][0]]


def test_an_upload_id_marker_of_another_key_is_invalid_argument(s3, s3sse, bucket):
    """A: LS:list test_list_multiparts_next_marker / list-multiparts-wrong-id-for-key."""
    ids = _three_keys_five_uploads(s3, s3sse, bucket)
    with pytest.raises(ClientError) as info:
        s3.list_multipart_uploads(
            Bucket=bucket, KeyMarker="test_a", UploadIdMarker=ids["test_b"][0]
        )
    assert _error(info) == (
        400,
        {
            "Code": "InvalidArgument",
            "Message": "Invalid uploadId marker",
            "ArgumentName": "upload-id-marker",
            "ArgumentValue": ids["test_b"][0],
        },
    )


def test_list_multipart_uploads_groups_keys_under_common_prefixes(s3, bucket):
    """A: LS:list test_list_multiparts_with_prefix_and_delimiter / list-multiparts-1."""
    for key in ("test/foo/a", "test/foo/b", "test/bar/c", "test/d", "other"):
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    listed = s3.list_multipart_uploads(Bucket=bucket, Prefix="test/", Delimiter="/")
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["test/bar/", "test/foo/"]
    assert [u["Key"] for u in listed["Uploads"]] == ["test/d"]
    assert (listed["Prefix"], listed["Delimiter"]) == ("test/", "/")


def test_a_bad_encoding_type_is_invalid_argument(s3, bucket):
    """A: LS:list test_list_ops_encoding_type_validation[list_multipart_uploads]."""
    with pytest.raises(ClientError) as info:
        s3.list_multipart_uploads(Bucket=bucket, EncodingType="value")
    assert _error(info)[1]["Message"] == "Invalid Encoding Method specified in Request"


# -- UploadPartCopy -----------------------------------------------------------------------------


@pytest.fixture
def source(s3, bucket):
    """A 10-byte source object, as in LS:api test_upload_part_copy_range."""
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    return {"Bucket": bucket, "Key": "src"}


def _copy_part(s3, upload_id, number, source, **kwargs):
    return s3.upload_part_copy(
        Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=number, CopySource=source, **kwargs
    )


def test_upload_part_copy_copies_byte_ranges(s3, bucket, upload, source):
    """A: LS:api test_upload_part_copy_range / upload-part-copy-1..3 (ETags are the ranges' MD5s)."""
    parts = []
    for number, copy_range in enumerate(("bytes=0-8", "bytes=1-1", "bytes=0-0"), start=1):
        copied = _copy_part(s3, upload, number, source, CopySourceRange=copy_range)
        parts.append({"PartNumber": number, "ETag": copied["CopyPartResult"]["ETag"]})
        assert copied["ServerSideEncryption"] == "AES256"
        assert "LastModified" in copied["CopyPartResult"]
    assert [p["ETag"] for p in parts] == [
        '"22975d8a5ed1b91445f6c55ac121505b"',
        '"c4ca4238a0b923820dcc509a6f75849b"',
        '"cfcd208495d565ef66e7dff9f98764da"',
    ]
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)
    assert [p["Size"] for p in listed["Parts"]] == [9, 1, 1]


def test_a_part_copied_without_a_range_is_the_whole_source(s3, bucket, upload, source):
    part = _copy_part(s3, upload, 1, source)
    _complete(s3, upload, [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"0123456789"


def test_copied_and_uploaded_parts_complete_into_one_object(s3, bucket, upload):
    s3.put_object(Bucket=bucket, Key="src", Body=BIG + b"zz")
    copied = _copy_part(s3, upload, 1, f"{bucket}/src", CopySourceRange=f"bytes=0-{MIN_PART - 1}")
    parts = [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]
    parts.append(_put_part(s3, upload, 2, b"tail"))
    _complete(s3, upload, parts)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == BIG + b"tail"


@pytest.mark.parametrize(
    "copy_range",
    ["0-8", "bytes=1-0", "bytes=-1-", "bytes=0--1", "bytes=0-1,3-4,7-9", "bytes=-", "bytes=-0",
     "bytes=1-", "bytes=-2", "bytes=-15"],
)  # fmt: skip
def test_a_copy_range_not_of_the_form_bytes_first_last_is_invalid_argument(
    s3, upload, source, copy_range
):
    """A: LS:api test_upload_part_copy_range / upload-part-copy-wrong-format and
    upload-part-copy-range-exc-* (open-ended and suffix ranges are refused, unlike GetObject)."""
    with pytest.raises(ClientError) as info:
        _copy_part(s3, upload, 1, source, CopySourceRange=copy_range)
    assert _error(info) == (
        400,
        {
            "Code": "InvalidArgument",
            "Message": COPY_RANGE_FORM_MESSAGE,
            "ArgumentName": "x-amz-copy-source-range",
            "ArgumentValue": copy_range,
        },
    )


def test_a_copy_range_ending_past_the_source_is_invalid_argument(s3, upload, source):
    """A: LS:api test_upload_part_copy_range / upload-part-copy-range-exc-0-100."""
    with pytest.raises(ClientError) as info:
        _copy_part(s3, upload, 1, source, CopySourceRange="bytes=0-100")
    assert _error(info) == (
        400,
        {
            "Code": "InvalidArgument",
            "Message": "Range specified is not valid for source object of size: 10",
            "ArgumentName": "x-amz-copy-source-range",
            "ArgumentValue": "bytes=0-100",
        },
    )


def test_a_copy_range_starting_past_the_source_is_invalid_request(s3, upload, source):
    """A: LS:api test_upload_part_copy_range / upload-part-copy-range-exc-100-200."""
    with pytest.raises(ClientError) as info:
        _copy_part(s3, upload, 1, source, CopySourceRange="bytes=100-200")
    assert _error(info) == (
        400,
        {
            "Code": "InvalidRequest",
            "Message": "The specified copy range is invalid for the source object size",
        },
    )


def test_a_matching_copy_source_if_none_match_is_412_not_304(s3, upload, source, bucket):
    """A: s3-errors.md section 5b (LS:pre copy-precondition-if-none-match; the same Condition values for
    UploadPartCopy in LS:api test_upload_part_copy_with_copy_source_if_*)."""
    etag = s3.head_object(Bucket=bucket, Key="src")["ETag"]
    with pytest.raises(ClientError) as info:
        _copy_part(s3, upload, 1, source, CopySourceIfNoneMatch=etag)
    assert _error(info) == (
        412,
        {
            "Code": "PreconditionFailed",
            "Message": "At least one of the pre-conditions you specified did not hold",
            "Condition": "x-amz-copy-source-If-None-Match",
        },
    )


def test_a_failing_copy_source_if_match_is_412(s3, upload, source):
    """A: s3-errors.md section 5b (copy-precondition-if-match)."""
    with pytest.raises(ClientError) as info:
        _copy_part(s3, upload, 1, source, CopySourceIfMatch='"nope"')
    assert _error(info)[1]["Condition"] == "x-amz-copy-source-If-Match"


def test_a_missing_copy_source_is_no_such_key(s3, upload):
    """A: s3-errors.md section 8 (LS:s3 test_s3_copy_object_src_not_exists)."""
    with pytest.raises(ClientError) as info:
        _copy_part(s3, upload, 1, {"Bucket": "bkt", "Key": "missing"})
    assert _status_and_code(info) == (404, "NoSuchKey")


# -- checksums ----------------------------------------------------------------------------------


def test_a_composite_checksum_matches_the_aws_recording(s3, bucket):
    """A: LS:s3 test_complete_multipart_parts_checksum_composite[SHA256]: parts of 5242881, 5242881
    and 10 bytes of "a" give these part checksums, this composite checksum and this ETag."""
    upload_id = s3.create_multipart_upload(
        Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256", ChecksumType="COMPOSITE"
    )["UploadId"]
    data = b"a" * (MIN_PART + 1)
    parts = []
    for number, body in enumerate((data, data, data[:10]), start=1):
        sent = s3.upload_part(
            Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=body,
            ChecksumAlgorithm="SHA256",
        )  # fmt: skip
        checksum = sent["ChecksumSHA256"]
        parts.append({"PartNumber": number, "ETag": sent["ETag"], "ChecksumSHA256": checksum})
    assert parts[0]["ChecksumSHA256"] == "DjU70AB1bON8k0n0fVHv2PJQVWcA/jWsITp6ti20Tbs="
    done = _complete(s3, upload_id, parts)
    assert done["ChecksumSHA256"] == "9o++y6AejqboiJ7MZCx0fahK2Vu5YC/qnNhhYsCLciI=-3"
    assert done["ChecksumType"] == "COMPOSITE"
    assert done["ETag"] == '"4d45984fc3feb2ac9b22683c49674b56-3"'
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head["ChecksumSHA256"], head["ChecksumType"]) == (done["ChecksumSHA256"], "COMPOSITE")


def test_create_reports_its_checksum_algorithm_and_type(s3, bucket):
    """A: LS:s3 ..._exceptions_composite / create-mpu-with-checksum (SHA256 defaults to COMPOSITE)."""
    created = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("SHA256", "COMPOSITE")
    [listed] = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == ("SHA256", "COMPOSITE")


def test_list_parts_of_a_checksummed_upload_shows_part_checksums(s3, bucket):
    """A: LS:s3 test_complete_multipart_parts_checksum_composite / list-parts."""
    upload_id = _create(s3, ChecksumAlgorithm="CRC32")
    sent = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"abc")
    [part] = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)["Parts"]
    # A: LS:s3 test_multipart_parts_checksum_exceptions_composite / upload-part-no-checksum-ok.
    assert part["ChecksumCRC32"] == sent["ChecksumCRC32"] == "NSRBwg=="


def test_a_part_of_another_checksum_algorithm_is_invalid_request(s3, bucket):
    """A: LS:s3 test_multipart_parts_checksum_exceptions_composite / upload-part-different-checksum-exc
    (boto3 sends CRC32 by default)."""
    upload_id = _create(s3, ChecksumAlgorithm="SHA256")
    with pytest.raises(ClientError) as info:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"abc")
    assert _error(info) == (
        400,
        {
            "Code": "InvalidRequest",
            "Message": "Checksum Type mismatch occurred, expected checksum Type: sha256, actual "
            "checksum Type: crc32",
        },
    )


def test_complete_without_part_checksums_of_a_checksummed_upload_is_invalid_request(s3, bucket):
    """A: LS:s3 test_complete_multipart_parts_checksum_composite[SHA256] / complete-multipart-no-checksum."""
    upload_id = _create(s3, ChecksumAlgorithm="SHA256")
    part = _put_part(s3, upload_id, 1, b"abc", ChecksumAlgorithm="SHA256")
    with pytest.raises(ClientError) as info:
        _complete(s3, upload_id, [part])
    assert _error(info)[1]["Message"] == (
        "The upload was created using a sha256 checksum. The complete request must include the "
        "checksum for each part. It was missing for part 1 in the request."
    )


def test_a_wrong_part_checksum_in_complete_is_invalid_part(s3, bucket):
    """A: LS:s3 test_complete_multipart_parts_checksum_composite / complete-multipart-wrong-parts-checksum."""
    upload_id = _create(s3, ChecksumAlgorithm="SHA256")
    part = _put_part(s3, upload_id, 1, b"abc", ChecksumAlgorithm="SHA256")
    wrong = base64.b64encode(hashlib.sha256(b"bbb").digest()).decode()
    with pytest.raises(ClientError) as info:
        _complete(s3, upload_id, [part | {"ChecksumSHA256": wrong}])
    assert _error(info)[1]["Code"] == "InvalidPart"


def test_a_part_checksum_of_another_algorithm_in_complete_is_bad_digest(s3, bucket):
    """A: LS:s3 test_multipart_parts_checksum_exceptions_composite / complete-part-with-checksum."""
    upload_id = _create(s3, ChecksumAlgorithm="CRC32")
    part = _put_part(s3, upload_id, 1, b"abc")
    sha = base64.b64encode(hashlib.sha256(b"abc").digest()).decode()
    with pytest.raises(ClientError) as info:
        _complete(s3, upload_id, [part | {"ChecksumSHA256": sha}])
    assert _error(info) == (
        400,
        {
            "Code": "BadDigest",
            "Message": "The sha256 you specified for part 1 did not match what we received.",
        },
    )


def test_a_part_checksum_in_complete_of_an_upload_without_algorithm_is_invalid_part(s3, upload):
    """A: LS:s3 test_complete_multipart_parts_checksum_default / complete-multipart-parts-checksum
    (recorded with CRC32C, which botocore sends only with awscrt installed; SHA1 here)."""
    sha1 = base64.b64encode(hashlib.sha1(b"aaa").digest()).decode()
    sent = s3.upload_part(
        Bucket="bkt", Key="k", UploadId=upload, PartNumber=1, Body=b"aaa", ChecksumAlgorithm="SHA1"
    )
    assert sent["ChecksumSHA1"] == sha1  # A: echoed (upload-part-different-checksum-than-default)
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, [{"PartNumber": 1, "ETag": sent["ETag"], "ChecksumSHA1": sha1}])
    assert _error(info)[1]["Code"] == "InvalidPart"


def test_a_checksum_type_differing_from_the_upload_is_invalid_request(s3, upload):
    """A: LS:s3 test_complete_multipart_parts_checksum_default / complete-multipart-full-object-type."""
    with pytest.raises(ClientError) as info:
        _complete(s3, upload, [_put_part(s3, upload, 1, b"x")], ChecksumType="FULL_OBJECT")
    assert _error(info)[1]["Message"] == (
        "The upload was created using the null checksum mode. The complete request must use the "
        "same checksum mode."
    )


def test_a_checksum_type_without_an_algorithm_is_invalid_request(s3, bucket):
    """A: LS:s3 test_multipart_parts_checksum_exceptions_composite / create-mpu-no-checksum-algo-with-type."""
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumType="COMPOSITE")
    assert _error(info)[1]["Message"] == (
        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
    )


def test_an_unknown_checksum_algorithm_at_create_is_invalid_request(s3, bucket):
    """A: LS:s3 test_multipart_parts_checksum_exceptions_composite / create-mpu-wrong-checksum-algo."""
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="TEST")
    assert _error(info) == (
        400,
        {
            "Code": "InvalidRequest",
            "Message": "Checksum algorithm provided is unsupported. Please try again with any of the "
            "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
        },
    )


def test_composite_crc64nvme_is_invalid_request(s3, bucket):
    """A: LS:s3 test_multipart_checksum_type_compatibility[COMPOSITE-CRC64NVME]."""
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(
            Bucket=bucket, Key="k", ChecksumAlgorithm="CRC64NVME", ChecksumType="COMPOSITE"
        )
    assert _error(info)[1]["Message"] == (
        "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."
    )


# -- through boto3's transfer manager and other endpoints ---------------------------------------


def test_upload_fileobj_and_download_fileobj_round_trip_20_mib(s3, s3sse, bucket):
    """The issue's scenario: s3transfer splits 20 MiB into 8 MiB parts uploaded from worker threads
    (with its default CRC32 COMPOSITE checksum) and downloads with concurrent ranged GETs."""
    data = random.Random(20).randbytes(20 * MIB)
    config = TransferConfig(
        multipart_threshold=8 * MIB,
        multipart_chunksize=8 * MIB,
        use_threads=True,
        max_concurrency=4,
    )
    s3.upload_fileobj(io.BytesIO(data), bucket, "big", Config=config)
    out = io.BytesIO()
    s3.download_fileobj(bucket, "big", out, Config=config)
    assert out.getvalue() == data
    head = s3.head_object(Bucket=bucket, Key="big", ChecksumMode="ENABLED")
    chunks = (data[: 8 * MIB], data[8 * MIB : 16 * MIB], data[16 * MIB :])
    assert head["ETag"] == _multipart_etag(*chunks)
    part_crcs = b"".join(zlib.crc32(c).to_bytes(4, "big") for c in chunks)
    composite = base64.b64encode(zlib.crc32(part_crcs).to_bytes(4, "big")).decode() + "-3"
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (composite, "COMPOSITE")
    view = s3sse.stored(bucket, "big")
    assert (view.mode, view.size) == ("SSE-S3", len(data))
    ciphertext = view.ciphertext
    assert data[:4096] not in ciphertext
    assert data[-4096:] not in ciphertext


def test_a_multipart_upload_through_a_local_endpoint_url(make_client):
    """Path-style addressing and plain (not aws-chunked) bodies, as sent to ``endpoint_url``."""
    s3 = make_client(endpoint_url="http://localhost:9999")
    s3.create_bucket(Bucket="local")
    upload_id = s3.create_multipart_upload(Bucket="local", Key="a/b")["UploadId"]
    parts = []
    for number, body in ((1, BIG), (2, b"end")):
        etag = s3.upload_part(
            Bucket="local", Key="a/b", UploadId=upload_id, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    done = s3.complete_multipart_upload(
        Bucket="local", Key="a/b", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert done["ETag"] == _multipart_etag(BIG, b"end")
    assert done["Location"] == "http://localhost:9999/local/a/b"
    assert s3.get_object(Bucket="local", Key="a/b")["Body"].read() == BIG + b"end"

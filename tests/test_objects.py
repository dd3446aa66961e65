"""PutObject, GetObject, HeadObject, DeleteObject(s): data, headers, ranges, conditions, errors.

Error texts and their sources: docs/errors.md (from docs/_research/s3-errors.md); "A" rows are
LocalStack snapshot recordings against real AWS.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support import error as _error

# -- data and metadata ------------------------------------------------------------------------


def test_the_etag_of_an_sse_s3_object_is_the_md5_of_its_plaintext(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"test-sse")
    assert put["ETag"] == '"' + hashlib.md5(b"test-sse").hexdigest() + '"'


def test_the_etag_of_a_multi_mib_sse_s3_object_is_the_md5_of_its_plaintext(s3, bucket):
    # Bodies over 1 MiB are hashed in a worker thread: the ETag is still their MD5.
    body = bytes(range(256)) * (12 * 1024 + 7)
    put = s3.put_object(Bucket=bucket, Key="k", Body=body)
    assert put["ETag"] == '"' + hashlib.md5(body).hexdigest() + '"'
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body


def test_user_metadata_and_standard_headers_round_trip(s3, bucket):
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"{}", ContentType="application/json",
        Metadata={"author": "ada", "Mixed-Case": "v"}, CacheControl="no-cache",
        ContentDisposition="attachment; filename=r.json", ContentLanguage="en",
        ContentEncoding="identity",
    )  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"author": "ada", "mixed-case": "v"}
    assert head["CacheControl"] == "no-cache"
    assert head["ContentDisposition"] == "attachment; filename=r.json"
    assert head["ContentLanguage"] == "en"
    assert head["ContentEncoding"] == "identity"  # aws-chunked, transport framing, is not kept


def test_the_default_content_type_is_binary_octet_stream(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.get_object(Bucket=bucket, Key="k")["ContentType"] == "binary/octet-stream"


def test_response_overrides_change_get_headers(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    got = s3.get_object(Bucket=bucket, Key="k", ResponseContentType="text/plain")
    assert got["ContentType"] == "text/plain"


def test_an_empty_object_round_trips(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert (got["Body"].read(), got["ContentLength"]) == (b"", 0)


def test_keys_with_unicode_and_reserved_characters_round_trip(s3, bucket):
    key = "dir/ü ñ/a+b=c&d?e#f%20g"
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"x"


def test_a_file_object_body_is_read_from_its_position(s3, bucket, tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"0123456789")
    with path.open("rb") as f:
        s3.put_object(Bucket=bucket, Key="k", Body=f)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"0123456789"


def test_head_reports_length_last_modified_and_encryption(s3, bucket, s3sse):
    s3sse.clock.freeze()
    s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentLength"] == 3
    assert head["ServerSideEncryption"] == "AES256"
    assert head["LastModified"].timestamp() == int(s3sse.clock.now().timestamp())
    assert head["AcceptRanges"] == "bytes"


def test_get_of_a_missing_key_is_no_such_key(s3, bucket):
    # A: NoSuchKey 404 "The specified key does not exist." with Key (test_range_key_not_exists).
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="missing")
    assert _error(info) == (
        404,
        {"Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "missing"},
    )


def test_head_of_a_missing_key_is_a_bodiless_404(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key="missing")
    assert _error(info) == (404, {"Code": "404", "Message": "Not Found"})


def test_put_into_a_missing_bucket_is_no_such_bucket(s3):
    # A: NoSuchBucket 404 "The specified bucket does not exist" with BucketName.
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket="nobucket", Key="k", Body=b"x")
    status, error = _error(info)
    assert (status, error["Code"], error["BucketName"]) == (404, "NoSuchBucket", "nobucket")
    assert error["Message"] == "The specified bucket does not exist"


def test_a_key_over_1024_bytes_is_key_too_long(s3, bucket):
    # A (reported): KeyTooLongError "Your key is too long".
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert _error(info)[1]["Code"] == "KeyTooLongError"
    assert _error(info)[1]["Message"] == "Your key is too long"


def test_metadata_over_2_kb_is_metadata_too_large(s3, bucket):
    # A (reported): MetadataTooLarge "Your metadata headers exceed the maximum allowed metadata size."
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"m": "v" * 2100})
    assert _error(info)[1]["Code"] == "MetadataTooLarge"


# -- delete -----------------------------------------------------------------------------------


def test_delete_removes_the_object_and_deleting_again_succeeds(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_delete_objects_reports_each_key(s3, bucket):
    for key in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "c"}]}
    )
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "c"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}], "Quiet": True})
    assert "Deleted" not in quiet


def test_delete_objects_with_more_than_1000_keys_is_malformed_xml(s3, bucket):
    # A (reported): MalformedXML for more than 1000 keys.
    with pytest.raises(ClientError) as info:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": str(i)} for i in range(1001)]})
    assert _error(info)[1]["Code"] == "MalformedXML"


# -- ranges (A: LocalStack TestS3ObjectCRUD::test_get_object_range on "0123456789") --------------


@pytest.mark.parametrize(
    ("header", "status", "body", "content_range"),
    [
        ("bytes=0-8", 206, b"012345678", "bytes 0-8/10"),
        ("bytes=0-100", 206, b"0123456789", "bytes 0-9/10"),
        ("bytes=1-", 206, b"123456789", "bytes 1-9/10"),
        ("bytes=-3", 206, b"789", "bytes 7-9/10"),
        ("bytes=-15", 206, b"0123456789", "bytes 0-9/10"),
        ("bytes=1-0", 200, b"0123456789", None),
        ("bytes=0--1", 200, b"0123456789", None),
        ("bytes=-", 200, b"0123456789", None),
        ("bytes=0-1,3-4,7-9", 200, b"0123456789", None),
        ("0-1", 200, b"0123456789", None),
    ],
)
def test_get_ranges_behave_as_s3(s3, bucket, header, status, body, content_range):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="k", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == status
    assert got["Body"].read() == body
    assert got.get("ContentRange") == content_range
    assert got["ContentLength"] == len(body)


@pytest.mark.parametrize("header", ["bytes=100-200", "bytes=-0", "bytes=10-"])
def test_an_unsatisfiable_range_is_416_invalid_range(s3, bucket, header):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", Range=header)
    assert _error(info) == (
        416,
        {
            "Code": "InvalidRange",
            "Message": "The requested range is not satisfiable",
            "RangeRequested": header,
            "ActualObjectSize": "10",
        },
    )


def test_a_range_across_many_segments_decrypts_exactly(s3, bucket):
    data = bytes(range(256)) * 4096  # 1 MiB
    s3.put_object(Bucket=bucket, Key="k", Body=data)
    got = s3.get_object(Bucket=bucket, Key="k", Range="bytes=65530-200000")
    assert got["Body"].read() == data[65530:200001]


def test_part_number_one_of_a_single_part_object_is_the_whole_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="k", PartNumber=1)
    assert (got["Body"].read(), got["PartsCount"]) == (b"0123456789", 1)


def test_range_and_part_number_together_are_refused(s3, bucket):
    # A: test_get_object_part/part-with-range.
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", PartNumber=1, Range="bytes=0-1")
    assert (
        _error(info)[1]["Message"]
        == "Cannot specify both Range header and partNumber query parameter"
    )


# -- conditional reads (A: test_s3_get_object_preconditions, test_precondition_failed_error) ----


@pytest.fixture
def written(s3, bucket, s3sse):
    s3sse.clock.freeze()
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    return etag, s3sse.clock.now()


def test_if_match_with_another_etag_is_412(s3, bucket, written):
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"nope"')
    status, error = _error(info)
    assert (status, error["Code"], error["Condition"]) == (412, "PreconditionFailed", "If-Match")
    assert error["Message"] == "At least one of the pre-conditions you specified did not hold"


def test_if_none_match_with_the_etag_is_304_quoted_or_not(s3, bucket, written):
    etag, _ = written
    for value in (etag, etag.strip('"')):
        with pytest.raises(ClientError) as info:
            s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=value)
        assert _error(info)[0] == 304


def test_if_modified_since_the_last_write_is_304(s3, bucket, written):
    _, when = written
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=when)
    assert _error(info)[0] == 304
    older = when - timedelta(seconds=5)
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=older)["Body"].read() == b"v1"


def test_if_unmodified_since_before_the_write_is_412(s3, bucket, written):
    _, when = written
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", IfUnmodifiedSince=when - timedelta(seconds=5))
    assert _error(info)[1]["Condition"] == "If-Unmodified-Since"


def test_a_true_if_match_overrides_a_false_if_unmodified_since(s3, bucket, written):
    etag, when = written
    got = s3.get_object(
        Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=when - timedelta(days=1)
    )
    assert got["Body"].read() == b"v1"


def test_head_precondition_failures_have_no_body(s3, bucket, written):
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key="k", IfMatch='"nope"')
    assert _error(info) == (412, {"Code": "412", "Message": "Precondition Failed"})


# -- conditional writes (A: test_put_object_if_none_match*, test_put_object_if_match*) ------------


def test_put_if_none_match_star_refuses_to_overwrite(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v1", IfNoneMatch="*")
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfNoneMatch="*")
    assert (_error(info)[0], _error(info)[1]["Condition"]) == (412, "If-None-Match")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v1"


def test_put_if_match_needs_the_current_etag(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch='"other"')
    assert _error(info)[1]["Condition"] == "If-Match"
    s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v2"


def test_put_if_match_on_a_missing_key_is_no_such_key(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v", IfMatch='"x"')
    assert _error(info)[:1] == (404,)


@pytest.mark.parametrize(
    ("kwargs", "header", "detail"),
    [
        ({"IfNoneMatch": '"abc"'}, "If-None-Match", "We don't accept the provided value of If-None-Match header for this API"),
        ({"IfMatch": "*"}, "If-Match", "We don't accept the provided value of If-Match header for this API"),
        ({"IfMatch": '"a"', "IfNoneMatch": "*"}, "If-Match,If-None-Match", "Multiple conditional request headers present in the request"),
    ],
)  # fmt: skip
def test_unsupported_conditional_write_values_are_501(s3, bucket, kwargs, header, detail):
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v", **kwargs)
    status, error = _error(info)
    assert (status, error["Code"], error["Header"], error["additionalMessage"]) == (
        501, "NotImplemented", header, detail,
    )  # fmt: skip
    assert error["Message"] == "A header you provided implies functionality that is not implemented"


# -- SSE-S3 header rules (shared/reference/aws-sse-behaviour.md 2.1 and 3) -------------------------


def test_an_explicit_aes256_header_is_accepted_and_echoed(s3, bucket):
    assert (
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="AES256")[
            "ServerSideEncryption"
        ]
        == "AES256"
    )


@pytest.mark.parametrize("value", ["", "aes256", "AES128", "aws:fsx", "aws:backup"])
def test_an_unsupported_sse_value_is_invalid_argument(s3, bucket, value):
    # W1: A for the empty value (aws/aws-sdk-cpp#1771); the same text proposed for others.
    def set_header(request, **_):
        request.headers["x-amz-server-side-encryption"] = value

    s3.meta.events.register("before-sign.s3.PutObject", set_header)
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    status, error = _error(info)
    assert (status, error["Code"], error["Message"]) == (
        400, "InvalidArgument", "The encryption method specified is not supported",
    )  # fmt: skip
    # botocore parses an empty <ArgumentValue/> as None
    assert (error["ArgumentName"], error["ArgumentValue"]) == (
        "x-amz-server-side-encryption",
        value or None,
    )
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")  # nothing was stored


@pytest.mark.parametrize("sse", [None, "AES256"])
def test_a_kms_key_id_without_aws_kms_is_invalid_argument(s3, bucket, sse):
    # W2 (A, mcohen01/amazonica#338) and W3 (U, same text).
    kwargs = {"ServerSideEncryption": sse} if sse else {}
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", SSEKMSKeyId="alias/x", **kwargs)
    assert _error(info)[1]["Message"] == (
        "Server Side Encryption with AWS KMS managed key requires HTTP header "
        "x-amz-server-side-encryption : aws:kms"
    )


def test_an_sse_header_on_get_is_refused(s3, bucket):
    # R9: P (GetObject doc: 400 Bad Request); code and message U (reference section 12.2).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")

    def set_header(request, **_):
        request.headers["x-amz-server-side-encryption"] = "AES256"

    s3.meta.events.register("before-sign.s3.GetObject", set_header)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k")
    assert (
        _error(info)[1]["Message"]
        == "x-amz-server-side-encryption header is not supported for this operation."
    )


# -- checksums and digests (A: LocalStack test_put_object_checksum, test_s3_invalid_content_md5) -----


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA1", "SHA256"])
def test_a_checksum_is_verified_stored_and_returned_with_checksum_mode(s3, bucket, algorithm):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == value
    assert got["Body"].read() == b"data"
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (value, "FULL_OBJECT")


def test_no_checksum_is_returned_without_checksum_mode(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert "ChecksumCRC32" not in s3.head_object(Bucket=bucket, Key="k")


def test_a_wrong_checksum_is_bad_digest_and_nothing_is_stored(s3, bucket):
    wrong = base64.b64encode(b"\0\0\0\0").decode()
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumCRC32=wrong)
    assert _error(info)[1] == {
        "Code": "BadDigest",
        "Message": "The CRC32 you specified did not match the calculated checksum.",
    }
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_a_malformed_checksum_is_invalid_request(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumSHA256="bm90IGEgc2hhMjU2")
    assert _error(info)[1]["Message"] == "Value for x-amz-checksum-sha256 header is invalid."


def test_a_matching_content_md5_is_accepted(s3, bucket):
    md5 = base64.b64encode(hashlib.md5(b"data").digest()).decode()
    s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5=md5)


def test_a_wrong_content_md5_is_bad_digest(s3, bucket):
    md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5=md5)
    assert _error(info)[1]["Code"] == "BadDigest"
    assert (
        _error(info)[1]["Message"]
        == "The Content-MD5 you specified did not match what we received."
    )


def test_an_invalid_content_md5_is_invalid_digest(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5="MTIz")
    assert _error(info)[1] == {
        "Code": "InvalidDigest",
        "Message": "The Content-MD5 you specified was invalid.",
        "Content-MD5": "MTIz",
    }


@pytest.mark.parametrize("setting", ["when_supported", "when_required"])
@pytest.mark.parametrize("endpoint_url", [None, "http://localhost:9000"])
def test_both_checksum_settings_and_both_body_encodings_round_trip(
    make_client, setting, endpoint_url
):
    # https defaults to aws-chunked with a trailing checksum; http sends a plain body.
    s3 = make_client(
        endpoint_url=endpoint_url,
        config=Config(request_checksum_calculation=setting, retries={"total_max_attempts": 1}),
    )
    s3.create_bucket(Bucket="bkt")
    data = bytes(range(256)) * 5000
    s3.put_object(Bucket="bkt", Key="k", Body=data)
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == data


def test_a_short_aws_chunked_body_is_incomplete_body(s3, bucket):
    # A (reported): IncompleteBody with NumberBytesExpected/NumberBytesProvided (versitygw#1684).
    def lie_about_length(request, **_):
        request.headers["X-Amz-Decoded-Content-Length"] = "99"

    s3.meta.events.register("before-sign.s3.PutObject", lie_about_length)
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"short")
    assert _error(info)[1] == {
        "Code": "IncompleteBody",
        "Message": "You did not provide the number of bytes specified by the Content-Length HTTP header",
        "NumberBytesExpected": "99",
        "NumberBytesProvided": "5",
    }


@pytest.mark.parametrize("raw", ["²", "\uff11", "0", "10001", "1" + "0" * 5000, "-1", ""])
def test_a_part_number_that_is_not_1_to_10000_in_ascii_digits_is_invalid_argument(
    s3sse, s3, bucket, raw
):
    # Section 7, A (upload-part-negative-part-number): the same answer on GET as on UploadPart; a
    # Unicode digit (superscript two, fullwidth one) or a number beyond int()'s digit limit is no part number either.
    from urllib.parse import quote  # noqa: PLC0415

    from pytest_s3sse._internal.http import HttpRequest  # noqa: PLC0415
    from pytest_s3sse._internal.wire.dispatch import dispatch  # noqa: PLC0415

    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    signed = {
        "authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/s3/aws4_request"
    }
    for method, query in (
        ("GET", f"partNumber={quote(raw)}"),
        ("PUT", f"partNumber={quote(raw)}&uploadId=u"),
    ):
        response = dispatch(
            s3sse.engine,
            HttpRequest(method, "https", "bkt.s3.amazonaws.com", "/k", query, dict(signed)),
        )
        assert response is not None
        assert response.status == 400, (method, raw)
        assert b"<Code>InvalidArgument</Code>" in response.body
        assert b"Part number must be an integer between 1 and 10000, inclusive" in response.body

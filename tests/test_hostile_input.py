"""Hostile numbers, dates and nesting on the wire get S3's or KMS's 4xx, never a crash (issue 11,
"Crashes instead of S3/KMS errors"), and a refused request changes nothing stored.

Each value here once escaped the engine: ``'²'`` passes ``str.isdigit`` and fails ``int``, a fullwidth
one (U+FF11) passes both, ``int`` refuses more than 4,300 digits, ``json`` recurses, ``datetime`` overflows.
Every number the engine reads goes through ``http.ascii_decimal`` (ASCII digits, bounded length).
Sources are cited per test and in ``docs/errors.md`` / ``docs/kms.md``.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError
from raw_support import error_code, kms_request, s3_request, snapshot
from support import error

BUCKET = "bkt"
DATA = b"0123456789"
HUGE = "1" * 5000  # past int()'s 4,300-digit limit
NOT_ASCII_DIGITS = ("\u00b2", "\uff11")  # superscript two; fullwidth one
MSG_BAD_MAX_KEYS = "Argument maxKeys must be an integer between 0 and 2147483647"


@pytest.fixture
def engine(s3sse, s3):
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k", Body=DATA)
    return s3sse.engine


def _upload(s3) -> str:
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=1, Body=b"x")
    return upload


def _message(response) -> str:
    body = response.content().decode()
    return body[body.index("<Message>") + 9 : body.index("</Message>")]


# -- Range (GetObject) --------------------------------------------------------------------------
@pytest.mark.parametrize("value", [f"bytes=0-{HUGE}", f"bytes=-{HUGE}"])
def test_a_range_reaching_past_the_end_by_thousands_of_digits_serves_the_whole_object(
    engine, value
):
    # A (s3-errors.md section 4: get-0-100, get--15): a last byte past the end is clamped, a
    # suffix longer than the object is all of it; 206 whatever the length of the number.
    response = s3_request(engine, "GET", f"/{BUCKET}/k", headers={"range": value})
    assert (response.status, response.content()) == (206, DATA)
    assert response.headers["content-range"] == "bytes 0-9/10"


def test_a_range_starting_thousands_of_digits_past_the_end_is_invalid_range(engine):
    # A (section 4: get-100-200): a first byte at or past the end is 416 InvalidRange.
    response = s3_request(engine, "GET", f"/{BUCKET}/k", headers={"range": f"bytes={HUGE}-"})
    assert (response.status, error_code(response)) == (416, "InvalidRange")


@pytest.mark.parametrize("digit", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("form", ["bytes={d}-5", "bytes=0-{d}", "bytes=-{d}"])
def test_a_range_with_non_ascii_digits_is_malformed_and_ignored(engine, digit, form):
    # A (section 4: get-0--1, get-wrong-format): a malformed Range is ignored (200, whole body);
    # HTTP's digits are ASCII (RFC 9110 14.1.1), so Unicode digits make it malformed.
    response = s3_request(engine, "GET", f"/{BUCKET}/k", headers={"range": form.format(d=digit)})
    assert (response.status, response.content()) == (200, DATA)


# -- max-keys, max-parts, part-number-marker, max-uploads ----------------------------------------
@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, HUGE])
def test_max_keys_that_is_not_ascii_digits_or_too_long_is_invalid_argument(engine, value):
    # A (reported), s3-errors.md section 9 (floci PR #3510, ceph s3-tests).
    response = s3_request(engine, "GET", f"/{BUCKET}", f"list-type=2&max-keys={quote(value)}")
    assert (response.status, error_code(response)) == (400, "InvalidArgument")
    assert _message(response) == MSG_BAD_MAX_KEYS


@pytest.mark.parametrize("name", ["max-parts", "part-number-marker"])
def test_a_negative_list_parts_count_is_argument_must_be_an_integer_between(engine, s3, name):
    # T: moto test_multipart_list_parts_invalid_argument (-42).
    upload = _upload(s3)
    response = s3_request(engine, "GET", f"/{BUCKET}/mp", f"uploadId={upload}&{name}=-42")
    assert (response.status, error_code(response)) == (400, "InvalidArgument")
    assert _message(response) == f"Argument {name} must be an integer between 0 and 2147483647"


@pytest.mark.parametrize("name", ["max-parts", "part-number-marker"])
@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, HUGE, "2147483648", "abc", ""])
def test_a_list_parts_count_that_is_no_32_bit_integer_is_provided_not_an_integer(
    engine, s3, name, value
):
    # T: moto test_multipart_list_parts_invalid_argument (2147483647 + 42); U for the other values.
    upload = _upload(s3)
    response = s3_request(
        engine, "GET", f"/{BUCKET}/mp", f"uploadId={upload}&{name}={quote(value)}"
    )
    assert (response.status, error_code(response)) == (400, "InvalidArgument")
    assert _message(response) == f"Provided {name} not an integer or within integer range"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Argument max-uploads must be an integer between 0 and 2147483647"),
        ("\u00b2", "Provided max-uploads not an integer or within integer range"),
        (HUGE, "Provided max-uploads not an integer or within integer range"),
    ],
)
def test_a_bad_max_uploads_is_invalid_argument(engine, value, message):
    # T (MinIO's ErrInvalidMaxUploads for the negative text); U that S3 words the rest like max-parts.
    response = s3_request(engine, "GET", f"/{BUCKET}", f"uploads=&max-uploads={quote(value)}")
    assert (response.status, error_code(response)) == (400, "InvalidArgument")
    assert _message(response) == message


def test_list_parts_max_parts_from_boto3_negative_is_the_aws_text(s3sse, s3, bucket):
    # T: moto test_multipart_list_parts_invalid_argument (peer suite, issue 11).
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as info:
        s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload, MaxParts=-42)
    status, err = error(info)
    assert (status, err["Code"]) == (400, "InvalidArgument")
    assert err["Message"] == "Argument max-parts must be an integer between 0 and 2147483647"
    assert (err["ArgumentName"], err["ArgumentValue"]) == ("max-parts", "-42")


# -- CompleteMultipartUpload <PartNumber> ----------------------------------------------------------
@pytest.mark.parametrize("number", [*NOT_ASCII_DIGITS, HUGE, "2147483648"])
def test_a_complete_part_number_that_is_no_32_bit_integer_is_malformed_xml(engine, s3, number):
    # U: a document whose PartNumber is no xsd:int does not match S3's schema (MalformedXML, the
    # answer S3 gives to a Complete document it cannot read; T, moto, for an empty part list).
    upload = _upload(s3)
    before = snapshot(engine)
    body = (
        "<CompleteMultipartUpload><Part><PartNumber>"
        + number
        + '</PartNumber><ETag>"e"</ETag></Part></CompleteMultipartUpload>'
    ).encode()
    response = s3_request(engine, "POST", f"/{BUCKET}/mp", f"uploadId={upload}", body=body)
    assert (response.status, error_code(response)) == (400, "MalformedXML")
    assert snapshot(engine) == before


# -- x-amz-copy-source-range (UploadPartCopy) -----------------------------------------------------
@pytest.mark.parametrize(
    ("value", "status", "code"),
    [
        # A (s3-errors.md section 8): a value not of the form bytes=first-last (Unicode digits are
        # not digits), last past the end, first past the end.
        ("bytes=0-\u00b2", 400, "InvalidArgument"),
        ("bytes=\uff10-1", 400, "InvalidArgument"),
        (f"bytes=0-{HUGE}", 400, "InvalidArgument"),
        (f"bytes={HUGE}-{HUGE}1", 400, "InvalidRequest"),
        (f"bytes={HUGE}1-{HUGE}", 400, "InvalidArgument"),
    ],
)
def test_a_copy_source_range_with_odd_numbers_is_refused_as_s3_refuses_it(
    engine, s3, value, status, code
):
    upload = _upload(s3)
    before = snapshot(engine)
    response = s3_request(
        engine,
        "PUT",
        f"/{BUCKET}/mp",
        f"partNumber=2&uploadId={upload}",
        headers={"x-amz-copy-source": f"{BUCKET}/k", "x-amz-copy-source-range": value},
    )
    assert (response.status, error_code(response)) == (status, code)
    assert snapshot(engine) == before


# -- x-amz-decoded-content-length ----------------------------------------------------------------
@pytest.mark.parametrize("value", [*NOT_ASCII_DIGITS, "ten", "-5"])
def test_an_aws_chunked_body_whose_decoded_length_is_no_number_is_missing_content_length(
    engine, value
):
    # A (reported): versitygw#1656 (code and message); P: ErrorResponses, MissingContentLength is
    # 411 Length Required. Before: a bare ValueError out of the adapter, outside dispatch.
    before = snapshot(engine)
    headers = {"content-encoding": "aws-chunked", "x-amz-decoded-content-length": value}
    response = s3_request(
        engine, "PUT", f"/{BUCKET}/new", headers=headers, body=b"3\r\nabc\r\n0\r\n\r\n"
    )
    assert (response.status, error_code(response)) == (411, "MissingContentLength")
    assert _message(response) == "You must provide the Content-Length HTTP header."
    assert snapshot(engine) == before


def test_a_decoded_length_of_thousands_of_digits_is_incomplete_body(engine):
    # A (reported), s3-errors.md section 6: a decoded length that is not the payload's is
    # IncompleteBody, however many digits it has.
    headers = {"content-encoding": "aws-chunked", "x-amz-decoded-content-length": HUGE}
    response = s3_request(
        engine, "PUT", f"/{BUCKET}/new", headers=headers, body=b"3\r\nabc\r\n0\r\n\r\n"
    )
    assert (response.status, error_code(response)) == (400, "IncompleteBody")


def test_boto3_with_a_non_numeric_decoded_length_gets_a_client_error_not_a_value_error(s3, bucket):
    # The value is read by the adapter before dispatch: it must reach boto3 as S3's error.
    def lie_about_length(request, **_):
        request.headers["X-Amz-Decoded-Content-Length"] = "\u00b2"

    s3.meta.events.register("before-sign.s3.PutObject", lie_about_length)
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    assert error(info)[1]["Code"] == "MissingContentLength"


# -- SSEKMSEncryptionContext ---------------------------------------------------------------------
def test_an_encryption_context_of_deeply_nested_json_is_the_bad_context_answer(engine):
    # S (HADOOP-19197; code U), kms_support.MSG_BAD_CONTEXT: not a string-to-string map. Before:
    # RecursionError.
    from kms_support import MSG_BAD_CONTEXT  # noqa: PLC0415

    nested = base64.b64encode(b"[" * 100_000 + b"]" * 100_000).decode()
    before = snapshot(engine)
    headers = {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-context": nested,
    }
    response = s3_request(engine, "PUT", f"/{BUCKET}/new", headers=headers, body=b"x")
    assert (response.status, error_code(response)) == (400, "InvalidArgument")
    assert _message(response) == MSG_BAD_CONTEXT
    assert snapshot(engine) == before


# -- KMS -----------------------------------------------------------------------------------------
def test_a_kms_body_nested_100000_deep_is_a_serialization_exception(engine):
    # U: the awsJson protocol's error for a body it cannot read (AWS's answer to this one is not
    # recorded). Before: RecursionError reported as InternalEngineError.
    before = snapshot(engine)
    body = b'{"KeyId": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = kms_request(engine, "DescribeKey", body)
    assert (response.status, error_code(response)) == (400, "SerializationException")
    assert snapshot(engine) == before


@pytest.mark.parametrize("operation", ["ListKeys", "ListAliases"])
@pytest.mark.parametrize("offset", ["\u00b2", "\uff11", "9" * 500])
def test_a_list_marker_with_a_non_ascii_or_huge_offset_is_invalid_marker(engine, operation, offset):
    # P: InvalidMarkerException (ListKeys and ListAliases errors, botocore model).
    marker = base64.urlsafe_b64encode(f"s3sse:{offset}".encode()).decode()
    response = kms_request(engine, operation, {"Marker": marker})
    assert (response.status, error_code(response)) == (400, "InvalidMarkerException")


# -- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", ["if-modified-since", "if-unmodified-since"])
@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
        "Mon, 01 Jan 2020 99999999999999999999:00:00 GMT",
        "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",
    ],
)
def test_a_condition_date_with_an_absurd_year_or_hour_is_ignored(engine, header, value):
    # P: an invalid If-Modified-Since / If-Unmodified-Since date is ignored (RFC 9110 13.1.3 and
    # 13.1.4, which S3's GetObject reference follows); U for S3 on these values. Before: OverflowError.
    response = s3_request(engine, "GET", f"/{BUCKET}/k", headers={header: value})
    assert (response.status, response.content()) == (200, DATA)


def test_a_presigned_url_signed_at_the_end_of_year_9999_is_not_yet_valid(engine):
    # S: AWS's "Request is not yet valid" (403 AccessDenied) quoted in minio/minio#2638 and
    # dmjio/s3-signer#16. Before: OverflowError adding X-Amz-Expires to the date.
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDTEST%2F99991231%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=99991231T235959Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=" + "0" * 64
    )
    response = s3_request(engine, "GET", f"/{BUCKET}/k", query, signed=False)
    assert (response.status, error_code(response)) == (403, "AccessDenied")
    assert _message(response) == "Request is not yet valid"
    assert "<X-Amz-Date>253402300799000</X-Amz-Date>" in response.content().decode()


def test_condition_dates_still_work_after_the_fix(engine):
    # A (s3-errors.md section 5a): a far-past If-Modified-Since is modified (200); a far-past
    # If-Unmodified-Since fails (412).
    old = "Mon, 01 Jan 1990 00:00:00 GMT"
    assert (
        s3_request(engine, "GET", f"/{BUCKET}/k", headers={"if-modified-since": old}).status == 200
    )
    assert (
        s3_request(engine, "GET", f"/{BUCKET}/k", headers={"if-unmodified-since": old}).status
        == 412
    )


def test_json_of_the_kms_edge_is_still_read(engine):
    response = kms_request(engine, "ListKeys", {})
    assert response.status == 200
    assert "Keys" in json.loads(response.content())


def test_a_range_whose_last_byte_is_before_its_first_by_thousands_of_digits_is_ignored(engine):
    # A (section 4: get-1-0): last < first is syntactically invalid, ignored (200), at any length.
    response = s3_request(engine, "GET", f"/{BUCKET}/k", headers={"range": f"bytes={HUGE}1-{HUGE}"})
    assert (response.status, response.content()) == (200, DATA)


@pytest.mark.parametrize("value", ["\uff15", " 5", "1_0", "+5"])
def test_a_presigned_expiry_in_other_than_ascii_digits_is_not_a_number(engine, value):
    # T (MinIO, noobaa; docs/errors.md): "X-Amz-Expires should be a number". Before: int() read
    # these as 5 and 10 and served the URL.
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDTEST%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
        f"&X-Amz-Date=20260101T000000Z&X-Amz-Expires={quote(value)}&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=" + "0" * 64
    )
    response = s3_request(engine, "GET", f"/{BUCKET}/k", query, signed=False)
    assert (response.status, error_code(response)) == (400, "AuthorizationQueryParametersError")
    assert _message(response) == "X-Amz-Expires should be a number"


def test_a_presigned_expiry_of_thousands_of_digits_is_more_than_a_week(engine):
    # A (reported, docs/errors.md): over 604800 seconds, however many digits.
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDTEST%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
        f"&X-Amz-Date=20260101T000000Z&X-Amz-Expires={HUGE}&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=" + "0" * 64
    )
    response = s3_request(engine, "GET", f"/{BUCKET}/k", query, signed=False)
    assert (response.status, error_code(response)) == (400, "AuthorizationQueryParametersError")
    assert _message(response).startswith("X-Amz-Expires must be less than a week")

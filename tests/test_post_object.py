"""POST form uploads (S3's PostObject): boto3's ``generate_presigned_post`` fields sent by ``requests``
as a browser sends them, answered in-process by the same engine (the ``requests`` adapter passes the
``multipart/form-data`` body through).

Sources, as in docs/errors.md: A = LocalStack's AWS-validated snapshots ``TestS3PresignedPost``
(tests/aws/services/s3/test_s3.snapshot.json, recorded 2026-02-21) or an AWS answer quoted in a public
issue; P = AWS's API reference "POST Object" (RESTObjectPOST) and "Creating a POST policy"
(sigv4-HTTPPOSTConstructPolicy); U = unconfirmed (the engine's proposed value).
"""

from __future__ import annotations

import base64
import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from sse_c_support import KEY, KEY_MD5, MSG_INSECURE, blocked_message, sse_c

SIGV4 = Config(signature_version="s3v4", retries={"total_max_attempts": 1})
SIGV2 = Config(signature_version="s3", retries={"total_max_attempts": 1})
FLAVOURS = [pytest.param(SIGV4, id="sigv4"), pytest.param(SIGV2, id="sigv2")]
TIMEOUT = 5
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@pytest.fixture
def signer(make_client):
    """A client that signs POST policies (SigV4 unless given another config)."""

    def make(config: Config = SIGV4, **kwargs: Any) -> Any:
        return make_client(config=config, **kwargs)

    return make


def post(presigned: dict[str, Any], file: Any = b"form data", **fields: str) -> requests.Response:
    """Send the form as a browser does: the fields (``fields`` override them), then the file."""
    data = {**presigned["fields"], **fields}
    return requests.post(
        presigned["url"],
        data=data,
        files={"file": file},
        timeout=TIMEOUT,
        allow_redirects=False,
    )


def error_of(response: requests.Response) -> dict[str, str]:
    """The S3 error document's elements (and the status as ``Status``)."""
    root = ET.fromstring(response.content)
    return {"Status": str(response.status_code)} | {c.tag: c.text or "" for c in root}


def error_without_ids(response: requests.Response) -> dict[str, str]:
    found = error_of(response)
    del found["RequestId"], found["HostId"]
    return found


# -- storing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", FLAVOURS)
def test_a_presigned_post_stores_the_file_and_answers_204(s3, bucket, signer, config):
    presigned = signer(config).generate_presigned_post(bucket, "form-key")
    response = post(presigned, b"0" * 70_000)
    assert response.status_code == 204  # A: test_post_object_with_files
    assert response.content == b""
    assert response.headers["etag"] == s3.head_object(Bucket=bucket, Key="form-key")["ETag"]
    assert response.headers["location"] == "https://bkt.s3.amazonaws.com/form-key"
    assert response.headers["x-amz-server-side-encryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="form-key")["Body"].read() == b"0" * 70_000


def test_the_file_name_replaces_filename_in_the_key(s3, bucket, signer):
    presigned = signer().generate_presigned_post(bucket, "uploads/${filename}")
    assert post(presigned, ("photo.jpg", b"jpeg")).status_code == 204
    assert s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")["Body"].read() == b"jpeg"


def test_a_file_sent_as_a_plain_field_keeps_filename_literally(s3, bucket, signer):
    # A: test_post_object_with_file_as_string (no file name: the key keeps "${filename}").
    presigned = signer().generate_presigned_post(bucket, "as-field-${filename}")
    assert post(presigned, (None, b"text")).status_code == 204
    assert s3.get_object(Bucket=bucket, Key="as-field-${filename}")["Body"].read() == b"text"


def test_fields_after_the_file_are_ignored(s3, bucket, signer):
    # P: "The file or content must be the last field in the form. Any fields below it are ignored."
    presigned = signer().generate_presigned_post(bucket, "k")
    boundary = "b0undary"
    parts = [*presigned["fields"].items(), ("file", "body"), ("x-amz-meta-late", "ignored")]
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in parts
    )
    response = requests.post(
        presigned["url"],
        data=f"{body}--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 204
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["Metadata"] == {}
    assert head["ContentLength"] == 4


def test_content_type_and_metadata_fields_are_stored_with_lower_cased_names(s3, bucket, signer):
    # A: test_post_object_with_metadata (x-amz-meta-TEST-2 is stored as test-2).
    fields = {"x-amz-meta-test-1": "one", "x-amz-meta-TEST-2": "two", "Content-Type": "text/plain"}
    conditions = [{name: value} for name, value in fields.items()]
    presigned = signer().generate_presigned_post(bucket, "k", Fields=fields, Conditions=conditions)
    assert post(presigned).status_code == 204
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"test-1": "one", "test-2": "two"}


def test_a_versioned_bucket_answers_the_new_version_id(s3, bucket, signer):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    response = post(signer().generate_presigned_post(bucket, "k"))
    assert (
        response.headers["x-amz-version-id"] == s3.head_object(Bucket=bucket, Key="k")["VersionId"]
    )


def test_the_tagging_field_sets_the_objects_tags(s3, bucket, signer):
    # A: test_post_object_with_tags[list]; the field is a Tagging document (P).
    tagging = (
        "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag>"
        "<Tag><Key>b c+</Key><Value>2=3</Value></Tag></TagSet></Tagging>"
    )
    presigned = signer().generate_presigned_post(
        bucket, "k", Fields={"tagging": tagging}, Conditions=[{"tagging": tagging}]
    )
    assert post(presigned).status_code == 204
    tags = s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]
    assert tags == [{"Key": "a", "Value": "1"}, {"Key": "b c+", "Value": "2=3"}]


def test_a_tagging_field_that_is_not_xml_is_malformed_xml(s3, bucket, signer):
    # A: test_post_object_with_tags[notxml].
    presigned = signer().generate_presigned_post(
        bucket, "k", Fields={"tagging": "not-xml"}, Conditions=[{"tagging": "not-xml"}]
    )
    assert error_without_ids(post(presigned)) == {
        "Status": "400",
        "Code": "MalformedXML",
        "Message": "The XML you provided was not well-formed or did not validate against our published schema",
    }


# -- answers ------------------------------------------------------------------------------------
def test_success_action_status_201_answers_the_post_response_document(s3, bucket, signer):
    # A: test_s3_presigned_post_success_action_status_201_response.
    presigned = signer().generate_presigned_post(
        bucket,
        "key-${filename}",
        Fields={"success_action_status": "201"},
        Conditions=[["eq", "$success_action_status", "201"]],
    )
    response = post(presigned, ("my-file", b"something body"))
    assert response.status_code == 201
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}PostResponse"
    found = {child.tag.removeprefix(NS): child.text for child in root}
    assert found == {
        "Location": "https://bkt.s3.amazonaws.com/key-my-file",
        "Bucket": bucket,
        "Key": "key-my-file",
        "ETag": '"43281e21fce675ac3bcb3524b38ca4ed"',  # A: the MD5 AWS answered for this body
    }
    assert response.headers["etag"] == found["ETag"]
    assert response.headers["location"] == found["Location"]


@pytest.mark.parametrize(("status", "expected"), [("200", 200), ("204", 204), ("302", 204)])
def test_success_action_status_200_204_or_another_value_answer_an_empty_body(
    bucket, signer, status, expected
):
    # P: 200 and 204 as asked; not set or any other value, 204.
    presigned = signer().generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_status": status},
        Conditions=[{"success_action_status": status}],
    )
    response = post(presigned)
    assert (response.status_code, response.content) == (expected, b"")


def test_success_action_redirect_answers_303_with_bucket_key_and_etag(s3, bucket, signer):
    # A: test_s3_presigned_post_success_action_redirect; P for the etag parameter.
    target = "http://localhost.test/random?from=form"
    presigned = signer().generate_presigned_post(
        bucket,
        "key-test",
        Fields={"success_action_redirect": target},
        Conditions=[["starts-with", "$success_action_redirect", "http://localhost"]],
    )
    response = post(presigned)
    assert response.status_code == 303
    assert response.content == b""
    location = urlsplit(response.headers["location"])
    assert location.netloc == "localhost.test"
    assert parse_qs(location.query) == {
        "from": ["form"],
        "bucket": [bucket],
        "key": ["key-test"],
        "etag": [s3.head_object(Bucket=bucket, Key="key-test")["ETag"]],
    }


def test_a_redirect_s3_cannot_interpret_is_ignored(bucket, signer):
    # A: "If S3 cannot interpret the URL, it acts as if the field is not present."
    presigned = signer().generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": "/relative"},
        Conditions=[{"success_action_redirect": "/relative"}],
    )
    assert post(presigned).status_code == 204


@pytest.mark.parametrize("addressing", ["path", "virtual"])
def test_a_form_for_a_custom_endpoint_is_served_in_process(s3, bucket, signer, addressing):
    # localhost:4566 is no AWS host: the form's x-amz-credential field is what says "S3".
    config = SIGV4.merge(Config(s3={"addressing_style": addressing}))
    presigned = signer(config, endpoint_url="https://localhost:4566").generate_presigned_post(
        bucket, "k"
    )
    assert presigned["url"] in ("https://localhost:4566/bkt", "https://bkt.localhost:4566/")
    assert post(presigned).status_code == 204
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"form data"


# -- encryption ---------------------------------------------------------------------------------
def test_the_sse_s3_field_encrypts_as_the_put_object_header_does(bucket, signer, s3sse):
    fields = {"x-amz-server-side-encryption": "AES256"}
    presigned = signer().generate_presigned_post(bucket, "k", Fields=fields, Conditions=[fields])
    response = post(presigned)
    assert response.headers["x-amz-server-side-encryption"] == "AES256"
    s3sse.assert_encrypted(bucket, "k", "AES256")


def test_the_sse_kms_fields_encrypt_under_the_named_key(s3, bucket, signer, key, s3sse):
    fields = {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key["KeyId"],
        "x-amz-server-side-encryption-bucket-key-enabled": "true",
    }
    presigned = signer().generate_presigned_post(
        bucket, "k", Fields=fields, Conditions=[{n: v} for n, v in fields.items()]
    )
    response = post(presigned, b"secret")
    assert response.status_code == 204
    assert response.headers["x-amz-server-side-encryption-aws-kms-key-id"] == key["Arn"]
    assert response.headers["x-amz-server-side-encryption-bucket-key-enabled"] == "true"
    s3sse.assert_encrypted(bucket, "k", "aws:kms", kms_key=key["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"secret"


def test_the_encryption_context_field_is_added_to_s3s_context_and_echoed(
    bucket, signer, key, s3sse
):
    context = base64.b64encode(json.dumps({"team": "finance"}).encode()).decode()
    fields = {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key["KeyId"],
        "x-amz-server-side-encryption-context": context,
    }
    presigned = signer().generate_presigned_post(
        bucket, "k", Fields=fields, Conditions=[{n: v} for n, v in fields.items()]
    )
    response = post(presigned)
    assert response.headers["x-amz-server-side-encryption-context"] == context
    expected = {"aws:s3:arn": "arn:aws:s3:::bkt/k", "team": "finance"}
    assert dict(s3sse.stored(bucket, "k").encryption_context) == expected


def test_sse_kms_fields_in_a_sigv2_form_are_refused_as_sigv2_headers_are(bucket, signer):
    # SSE row W14 (A): SSE-KMS needs Signature Version 4, for a form as for a PutObject.
    fields = {"x-amz-server-side-encryption": "aws:kms"}
    presigned = signer(SIGV2).generate_presigned_post(
        bucket, "k", Fields=fields, Conditions=[fields]
    )
    found = error_of(post(presigned))
    assert (found["Status"], found["Code"]) == ("400", "InvalidArgument")
    assert found["Message"] == (
        "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS "
        "Signature Version 4."
    )


def test_an_sse_field_s3_does_not_know_is_refused_as_the_header_is(s3, bucket, signer):
    fields = {"x-amz-server-side-encryption": "AES512"}
    presigned = signer().generate_presigned_post(bucket, "k", Fields=fields, Conditions=[fields])
    with pytest.raises(s3.exceptions.ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="AES512")
    as_header = exc.value.response["Error"]
    found = error_of(post(presigned))
    assert (found["Code"], found["Message"]) == (as_header["Code"], as_header["Message"])


def test_the_sse_c_fields_encrypt_with_the_customers_key(s3, ssec_bucket, signer, s3sse):
    fields = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5,
    }
    presigned = signer().generate_presigned_post(
        ssec_bucket, "k", Fields=fields, Conditions=[{n: v} for n, v in fields.items()]
    )
    response = post(presigned, b"customer data")
    assert response.status_code == 204
    assert response.headers["x-amz-server-side-encryption-customer-key-md5"] == KEY_MD5
    got = s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert got["Body"].read() == b"customer data"
    s3sse.assert_readable_only_with(ssec_bucket, "k", KEY)


def test_sse_c_fields_to_a_bucket_that_blocks_sse_c_are_refused_as_the_headers_are(
    bucket, signer, s3sse
):
    # SSE row C9 (S): POST is among the writes a bucket's SSE-C block refuses.
    fields = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5,
    }
    presigned = signer().generate_presigned_post(
        bucket, "k", Fields=fields, Conditions=[{n: v} for n, v in fields.items()]
    )
    found = error_of(post(presigned))
    assert (found["Status"], found["Code"]) == ("403", "AccessDenied")
    assert found["Message"] == blocked_message(s3sse.default_principal.arn, bucket, "k")


def test_sse_c_fields_over_plain_http_are_refused_as_the_headers_are(s3, ssec_bucket, signer):
    # SSE row C8 (A): SSE-C needs a secure connection, for a form as for a PutObject.
    fields = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5,
    }
    http = signer(endpoint_url="http://localhost:9000")
    presigned = http.generate_presigned_post(
        ssec_bucket, "k", Fields=fields, Conditions=[{n: v} for n, v in fields.items()]
    )
    found = error_of(post(presigned))
    assert (found["Status"], found["Code"]) == ("400", "InvalidRequest")
    assert found["Message"] == MSG_INSECURE


def test_the_bucket_default_encryption_applies_to_a_form_without_sse_fields(
    s3, bucket, signer, key, s3sse
):
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["KeyId"],
                    }
                }
            ]
        },
    )
    assert post(signer().generate_presigned_post(bucket, "k")).status_code == 204
    s3sse.assert_encrypted(bucket, "k", "aws:kms", kms_key=key["KeyId"])


# -- the POST policy ----------------------------------------------------------------------------
def test_a_policy_past_its_expiration_on_the_engine_clock_is_access_denied(bucket, signer, s3sse):
    presigned = signer().generate_presigned_post(bucket, "k", ExpiresIn=60)
    s3sse.clock.advance(61)
    assert error_without_ids(post(presigned)) == {
        "Status": "403",
        "Code": "AccessDenied",
        "Message": "Invalid according to Policy: Policy expired.",  # A: test_post_request_expires
    }


def test_a_field_that_fails_an_eq_condition_is_access_denied_naming_the_condition(bucket, signer):
    # A: test_post_object_policy_conditions_validation_eq (invalid-condition-eq).
    target = "http://localhost.test/random"
    presigned = signer().generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[["eq", "$success_action_redirect", target]],
    )
    response = post(presigned, success_action_redirect="http://wrong.location/test")
    assert error_without_ids(response) == {
        "Status": "403",
        "Code": "AccessDenied",
        "Message": 'Invalid according to Policy: Policy Condition failed: ["eq", "$success_action_redirect", "http://localhost.test/random"]',
    }


def test_a_starts_with_condition_is_case_sensitive_in_its_value(bucket, signer):
    # A: test_post_object_policy_conditions_validation_starts_with (casing).
    presigned = signer().generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": "http://localhost.test/r"},
        Conditions=[["starts-with", "$success_action_redirect", "http://localhost"]],
    )
    response = post(presigned, success_action_redirect="HTTP://localhost.test/r")
    assert error_of(response)["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["starts-with", '
        '"$success_action_redirect", "http://localhost"]'
    )


def test_condition_field_names_are_case_insensitive(bucket, signer):
    # A: test_post_object_policy_conditions_validation_eq ("$success_Action_REDIRECT" accepted).
    target = "http://localhost.test/random"
    presigned = signer().generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[["eq", "$success_Action_REDIRECT", target]],
    )
    assert post(presigned).status_code == 303


def test_a_form_field_no_condition_names_is_an_extra_input_field(bucket, signer):
    # P: every field but the exempt ones must appear in the conditions; S for the text
    # (aws/aws-sdk-php#3292, waynehoover/s3_direct_upload#54: the name lower-cased).
    presigned = signer().generate_presigned_post(bucket, "k")
    assert error_without_ids(post(presigned, **{"Content-Type": "text/plain"})) == {
        "Status": "403",
        "Code": "AccessDenied",
        "Message": "Invalid according to Policy: Extra input fields: content-type",
    }


def test_x_ignore_fields_need_no_condition(bucket, signer):
    presigned = signer().generate_presigned_post(bucket, "k")
    assert post(presigned, **{"x-ignore-submit": "Upload"}).status_code == 204


@pytest.mark.parametrize(
    ("body", "code", "limits"),
    [
        (b"a" * 12, "EntityTooLarge", {"ProposedSize": "12", "MaxSizeAllowed": "10"}),
        (b"a", "EntityTooSmall", {"ProposedSize": "1", "MinSizeAllowed": "5"}),
    ],
)
def test_a_file_outside_the_content_length_range_is_refused_with_its_size(
    bucket, signer, body, code, limits
):
    # A: test_post_object_policy_validation_size.
    presigned = signer().generate_presigned_post(
        bucket, "k", Conditions=[["content-length-range", 5, 10]]
    )
    found = error_without_ids(post(presigned, body))
    messages = {
        "EntityTooLarge": "Your proposed upload exceeds the maximum allowed size",
        "EntityTooSmall": "Your proposed upload is smaller than the minimum allowed size",
    }
    assert found == {"Status": "400", "Code": code, "Message": messages[code], **limits}


def test_content_length_range_bounds_may_be_digit_strings(bucket, signer):
    presigned = signer().generate_presigned_post(
        bucket, "k", Conditions=[["content-length-range", "5", "10"]]
    )
    assert post(presigned, b"a" * 10).status_code == 204  # A


def test_a_content_length_range_that_is_no_number_fails_as_a_condition(bucket, signer):
    presigned = signer().generate_presigned_post(
        bucket, "k", Conditions=[["content-length-range", "test", "10"]]
    )
    assert error_of(post(presigned, b"a" * 10))["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]'
    )  # A


def test_a_simple_condition_with_two_properties_is_an_invalid_policy_document(bucket, signer):
    # A: test_post_object_policy_conditions_validation_eq (invalid-condition-wrong-condition).
    presigned = signer().generate_presigned_post(
        bucket, "k", Conditions=[{"bucket": bucket, "success_action_status": "204"}]
    )
    assert error_without_ids(post(presigned)) == {
        "Status": "400",
        "Code": "InvalidPolicyDocument",
        "Message": "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.",
    }


# -- the form's fields ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "removed", "named"),
    [
        (SIGV4, ["x-amz-signature"], "X-Amz-Signature"),
        (SIGV2, ["signature"], "Signature"),
        (SIGV4, ["x-amz-algorithm", "x-amz-credential"], "X-Amz-Algorithm"),
        (SIGV2, ["AWSAccessKeyId"], "AWSAccessKeyId"),
    ],
)
def test_a_missing_signature_field_is_invalid_argument_naming_it(
    bucket, signer, config, removed, named
):
    # A: test_post_request_missing_signature, test_post_request_missing_fields.
    presigned = signer(config).generate_presigned_post(bucket, "k")
    for name in removed:
        del presigned["fields"][name]
    assert error_without_ids(post(presigned)) == {
        "Status": "400",
        "Code": "InvalidArgument",
        "Message": f"Bucket POST must contain a field named '{named}'.  If it is specified, please check the order of the fields.",
        "ArgumentName": named,
        "ArgumentValue": "",
    }


def test_a_policy_without_any_signature_field_is_access_denied(bucket, signer):
    # A: test_post_request_missing_fields (exception-no-sig-related-fields).
    presigned = signer().generate_presigned_post(bucket, "k")
    presigned["fields"] = {k: v for k, v in presigned["fields"].items() if k in ("key", "policy")}
    assert error_without_ids(post(presigned)) == {
        "Status": "403",
        "Code": "AccessDenied",
        "Message": "Access Denied",
    }


def test_a_form_without_a_key_field_is_invalid_argument(bucket, signer):
    presigned = signer().generate_presigned_post(bucket, "k")
    del presigned["fields"]["key"]
    found = error_without_ids(post(presigned))
    assert found == {
        "Status": "400",
        "Code": "InvalidArgument",
        "Message": "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
        "ArgumentName": "key",
        "ArgumentValue": "",
    }  # S: ryuzee/SlideHub#213 (AWS's text and ArgumentName)


def test_a_form_without_a_file_is_invalid_argument(bucket, signer):
    presigned = signer().generate_presigned_post(bucket, "k")
    response = requests.post(
        presigned["url"],
        files={k: (None, v) for k, v in presigned["fields"].items()},
        timeout=TIMEOUT,
    )
    assert error_without_ids(response) == {
        "Status": "400",
        "Code": "InvalidArgument",
        "Message": "POST requires exactly one file upload per request.",
        "ArgumentName": "file",
        "ArgumentValue": "0",
    }  # S: AWS's answer quoted in itinance/react-native-fs#992


def test_fields_over_20_kib_before_the_file_are_refused(bucket, signer):
    presigned = signer().generate_presigned_post(bucket, "k")
    found = error_without_ids(post(presigned, **{"x-ignore-padding": "p" * 21_000}))
    assert found == {
        "Status": "400",
        "Code": "MaxPostPreDataLengthExceeded",
        "Message": "Your POST request fields preceeding the upload file was too large.",
        "MaxPostPreDataLengthBytes": "20480",
    }  # S: AWS's answer quoted in benefitcloud/ember-uploader#45


def test_a_body_that_is_not_well_formed_multipart_is_malformed_post_request(bucket):
    response = requests.post(
        "https://bkt.s3.amazonaws.com/",
        data=b"--x\r\nno headers, no end",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        timeout=TIMEOUT,
    )
    assert error_without_ids(response) == {
        "Status": "400",
        "Code": "MalformedPOSTRequest",
        "Message": "The body of your POST request is not well-formed multipart/form-data.",  # P
    }


def test_a_bucket_post_that_is_no_form_is_precondition_failed(bucket, signer):
    # A: test_post_object_with_wrong_content_type.
    presigned = signer().generate_presigned_post(bucket, "k")
    response = requests.post(
        presigned["url"], data=b"<html/>", headers={"Content-Type": "text/html"}, timeout=TIMEOUT
    )
    assert error_without_ids(response) == {
        "Status": "412",
        "Code": "PreconditionFailed",
        "Message": "At least one of the pre-conditions you specified did not hold",
        "Condition": "Bucket POST must be of the enclosure-type multipart/form-data",
    }


# -- authorisation ------------------------------------------------------------------------------
REQUIRE_KMS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RequireKMS",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::bkt/*",
            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
        }
    ],
}


def test_a_bucket_policy_that_requires_sse_kms_refuses_a_form_without_the_sse_field(
    s3, bucket, signer
):
    # Seed statement of issue 16; K11 (P: s3:PutObject covers POST, the key is the field as sent).
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(REQUIRE_KMS))
    without = post(signer().generate_presigned_post(bucket, "plain"))
    assert (without.status_code, error_of(without)["Code"]) == (403, "AccessDenied")
    fields = {"x-amz-server-side-encryption": "aws:kms"}
    with_field = signer().generate_presigned_post(bucket, "kms", Fields=fields, Conditions=[fields])
    assert post(with_field).status_code == 204


def test_a_form_upload_is_auth_type_post_in_a_bucket_policy(s3, bucket, signer):
    # P: s3:authType is POST for browser-based uploads ("Amazon S3 Signature Version 4
    # authentication-specific policy keys").
    deny_forms = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::bkt/*",
                "Condition": {"StringEquals": {"s3:authType": "POST"}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(deny_forms))
    assert post(signer().generate_presigned_post(bucket, "k")).status_code == 403
    s3.put_object(Bucket=bucket, Key="k", Body=b"a REST-HEADER write")


def test_an_unsigned_form_is_an_anonymous_write_the_gate_refuses(bucket):
    response = requests.post(
        "https://bkt.s3.amazonaws.com/",
        data={"key": "k"},
        files={"file": b"x"},
        timeout=TIMEOUT,
    )
    assert (response.status_code, error_of(response)["Code"]) == (403, "AccessDenied")


# -- signatures (verify_signatures) --------------------------------------------------------------
USER = "arn:aws:iam::123456789012:user/alice"


@pytest.mark.s3sse(verify_signatures=True)
@pytest.mark.parametrize("config", FLAVOURS)
def test_a_form_signed_with_the_principals_secret_is_served(s3sse, config):
    creds = s3sse.principal(USER)
    s3 = boto3.client("s3", region_name="us-east-1", config=config, **creds)
    s3.create_bucket(Bucket="bkt")
    assert post(s3.generate_presigned_post("bkt", "k")).status_code == 204
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"form data"


@pytest.mark.s3sse(verify_signatures=True)
@pytest.mark.parametrize("config", FLAVOURS)
def test_a_tampered_policy_is_signature_does_not_match_over_the_policy(s3sse, config):
    # A: test_post_request_malformed_policy (StringToSign is the policy as sent).
    creds = s3sse.principal(USER)
    s3 = boto3.client("s3", region_name="us-east-1", config=config, **creds)
    s3.create_bucket(Bucket="bkt")
    presigned = s3.generate_presigned_post("bkt", "k")
    tampered = presigned["fields"]["policy"][:-2]
    found = error_of(post(presigned, policy=tampered))
    signature = presigned["fields"].get("x-amz-signature") or presigned["fields"]["signature"]
    assert (found["Status"], found["Code"]) == ("403", "SignatureDoesNotMatch")
    assert found["StringToSign"] == tampered
    assert found["SignatureProvided"] == signature
    assert found["AWSAccessKeyId"] == creds["aws_access_key_id"]


@pytest.mark.s3sse(verify_signatures=True)
def test_a_role_sessions_form_carries_its_session_token(s3sse):
    # A: test_presigned_post_with_different_user_credentials (the token is a field and a condition).
    creds = s3sse.principal("arn:aws:iam::123456789012:role/uploader")
    s3 = boto3.client("s3", region_name="us-east-1", config=SIGV4, **creds)
    s3.create_bucket(Bucket="bkt")
    presigned = s3.generate_presigned_post("bkt", "k")
    assert presigned["fields"]["x-amz-security-token"] == creds["aws_session_token"]
    assert post(presigned).status_code == 204
    found = error_of(post(presigned, **{"x-amz-security-token": "wrong"}))
    assert found["Code"] == "InvalidToken"


# -- checksums ----------------------------------------------------------------------------------
def test_a_checksum_field_is_checked_and_kept_as_the_header_is(s3, bucket, signer):
    digest = base64.b64encode(hashlib.sha256(b"form data").digest()).decode()
    fields = {"x-amz-checksum-sha256": digest}
    presigned = signer().generate_presigned_post(bucket, "k", Fields=fields, Conditions=[fields])
    response = post(presigned)
    assert response.headers["x-amz-checksum-sha256"] == digest
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == digest
    wrong = post(presigned, b"other data")
    assert (wrong.status_code, error_of(wrong)["Code"]) == (400, "BadDigest")


def test_a_form_without_a_checksum_field_gets_the_default_crc64nvme(bucket, signer):
    # A: test_post_object_default_checksum.
    response = post(signer().generate_presigned_post(bucket, "k"))
    assert "x-amz-checksum-crc64nvme" in response.headers
    assert response.headers["x-amz-checksum-type"] == "FULL_OBJECT"


def test_a_form_posted_to_the_service_is_method_not_allowed(bucket):
    response = requests.post(
        "https://s3.amazonaws.com/", data={"key": "k"}, files={"file": b"x"}, timeout=TIMEOUT
    )
    assert (response.status_code, error_of(response)["Code"]) == (405, "MethodNotAllowed")


# -- the trail ----------------------------------------------------------------------------------
def test_the_trail_records_a_post_object_data_event_with_its_sse_fields(bucket, signer, key, s3sse):
    # audit-behaviour.md 2.2/2.3: the SSE fields as sent, the echo, SSEApplied (P "PUT and POST").
    fields = {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key["KeyId"],
    }
    presigned = signer().generate_presigned_post(
        bucket, "k", Fields=fields, Conditions=[{n: v} for n, v in fields.items()]
    )
    assert post(presigned, b"12345").status_code == 204
    (record,) = [r for r in s3sse.trail.records if r["eventName"] == "PostObject"]
    assert record["requestParameters"] == {
        "bucketName": bucket,
        "Host": "bkt.s3.amazonaws.com",
        "key": "k",
        **fields,
    }
    assert record["responseElements"] == {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key["Arn"],
    }
    extra = record["additionalEventData"]
    assert extra["SSEApplied"] == "SSE_KMS"
    assert extra["bytesTransferredIn"] == 5
    assert record["resources"][0] == {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::bkt/k"}
    assert record["eventCategory"] == "Data"


# -- non-ASCII fields ---------------------------------------------------------------------------
UNICODE_FIELDS = {
    "Content-Disposition": 'filename="test_—_file%E2%80%94_é_2-.pdf"',
    "Cache-Control": "non-ascii-%E2%80%94_—_é_",
    "x-amz-meta-nonascii": "ÄMÄZÕÑ S3",
    "x-amz-meta-nonascii-2": "test_—_file%E2%80%94_é_2👑.pdf",
    "x-amz-meta-safe-chars": "! \"#$%&'()*+,-./0123456789:;<>'?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\t",
    "x-amz-meta-utf-8": "\x00\x01\x02\x03\x04",
    "x-amz-meta-q-encoded": "=?UTF-8?Q?actually-ascii?=",
}


def test_non_ascii_fields_are_stored_as_s3_stores_them(s3, bucket, signer):
    # A: test_post_object_with_unicode_metadata (metadata RFC 2047-encoded, Q or B; standard headers
    # lose what ISO-8859-1 cannot hold; the key keeps its Unicode).
    presigned = signer().generate_presigned_post(
        bucket,
        "test_unicode—_file.pdf",
        Fields={**UNICODE_FIELDS, "success_action_status": "201"},
        Conditions=[
            *({name: value} for name, value in UNICODE_FIELDS.items()),
            {"success_action_status": "201"},
        ],
    )
    response = post(presigned, b"test-body-tagging")
    assert response.status_code == 201
    assert response.headers["location"].endswith("/test_unicode%E2%80%94_file.pdf")
    head = s3.head_object(Bucket=bucket, Key="test_unicode—_file.pdf")
    assert head["Metadata"] == {
        "nonascii": "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=",
        "nonascii-2": "=?UTF-8?Q?test=5F=E2=80=94=5Ffile%E2%80%94=5F=C3=A9=5F2=F0=9F=91=91.pdf?=",
        "safe-chars": UNICODE_FIELDS["x-amz-meta-safe-chars"],
        "utf-8": "=?UTF-8?B?AAECAwQ=?=",
        "q-encoded": "=?UTF-8?Q?actually-ascii?=",
    }
    assert head["CacheControl"] == "non-ascii-%E2%80%94_ _é_"
    assert head["ContentDisposition"] == 'filename="test_ _file%E2%80%94_é_2-.pdf"'


def test_a_form_posted_with_a_sub_resource_is_that_operation_not_post_object(bucket, s3sse):
    # PostObject is a bucket POST without a sub-resource: ?delete stays DeleteObjects.
    response = requests.post(
        "https://bkt.s3.amazonaws.com/?delete",
        files={"key": (None, "k"), "file": b"x"},
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"
        },
        timeout=TIMEOUT,
    )
    assert response.status_code == 400
    operations = [r["eventName"] for r in s3sse.trail.records]
    assert operations[-1] == "DeleteObjects"

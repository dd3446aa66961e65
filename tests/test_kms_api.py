"""The KMS protocol edge (awsJson1_1): routing by ``X-Amz-Target``, JSON answers with a request id,
JSON error documents, validation messages, the region from the SigV4 scope, and 501 for what is not
modelled.

Sources: aws-sse-behaviour.md 9.1 (the error document ``{"__type", "message"}``, HTTP 400) and the
botocore model (P: ``"protocol": "json"``, ``"jsonVersion": "1.1"``, ``"targetPrefix": "TrentService"``).
"""

from __future__ import annotations

import io
import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_s3sse._internal.http import HttpRequest


def _request(target, body=b"{}", region="us-east-1"):
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/"
        f"{region}/kms/aws4_request, SignedHeaders=host, Signature=0"
    )
    return HttpRequest(
        method="POST",
        scheme="https",
        host=f"kms.{region}.amazonaws.com",
        path="/",
        headers={
            "x-amz-target": target,
            "content-type": "application/x-amz-json-1.1",
            "authorization": auth,
        },
        body=io.BytesIO(body),
    )


def test_an_answer_is_json_with_a_request_id(kms):
    out = kms.create_key()
    headers = out["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-requestid"] == out["ResponseMetadata"]["RequestId"]


def test_an_error_is_a_json_document_with_type_and_message(s3sse):
    # Reference 9.1: {"__type": "<Code>", "message": "<msg>"}, HTTP 400.
    request = _request("TrentService.DescribeKey", b'{"KeyId": "fake-key-id"}')
    response = s3sse.engine.dispatch(request)
    assert response.status == 400
    assert json.loads(response.content()) == {
        "__type": "NotFoundException",
        "message": "Invalid keyId 'fake-key-id'",
    }
    assert response.headers["x-amzn-requestid"]


def test_a_target_that_is_no_kms_operation_is_an_unknown_operation(s3sse):
    response = s3sse.engine.dispatch(_request("TrentService.MakeCoffee"))
    assert (response.status, json.loads(response.content())["__type"]) == (
        400, "UnknownOperationException",
    )  # fmt: skip


def test_a_body_that_is_not_json_is_a_serialization_exception(s3sse):
    response = s3sse.engine.dispatch(_request("TrentService.ListKeys", b"{not json"))
    assert json.loads(response.content())["__type"] == "SerializationException"


def test_a_kms_operation_that_is_not_modelled_answers_501_naming_it(kms):
    # STYLE: never a made-up success.
    with pytest.raises(ClientError) as info:
        kms.describe_custom_key_stores()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert info.value.response["Error"] == {
        "Code": "NotImplemented",
        "Message": "pytest-s3sse does not implement the KMS operation DescribeCustomKeyStores",
    }


def test_the_region_comes_from_the_signing_scope(make_client):
    meta = make_client("kms", region_name="eu-west-1").create_key()["KeyMetadata"]
    assert meta["Arn"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")


def test_a_missing_required_member_is_not_null(make_client):
    # The awsJson "Member must not be null" form (botocore normally refuses before sending).
    kms = make_client("kms", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as info:
        kms.describe_key()
    assert info.value.response["Error"]["Message"] == (
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_several_broken_constraints_are_counted_in_one_message(make_client):
    kms = make_client("kms", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId="k" * 2049, NumberOfBytes=2000)
    assert info.value.response["Error"]["Message"] == (
        "2 validation errors detected: "
        f"Value '{'k' * 2049}' at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048; "
        "Value '2000' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"
    )

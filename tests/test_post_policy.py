"""The POST policy check on its own (``s3/rest/post_policy.py``, pure): the cases the boto3-driven tests
of tests/test_post_object.py do not reach. Sources as in docs/errors.md (P: "Creating a POST policy",
sigv4-HTTPPOSTConstructPolicy; U: the engine's proposed value)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_s3sse._internal.errors.s3 import AccessDenied, InvalidPolicyDocument
from pytest_s3sse._internal.s3.rest.post_policy import check

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def policy(conditions: list[Any], expiration: str | None = "2026-03-01T13:00:00Z") -> str:
    document: dict[str, Any] = {"conditions": conditions}
    if expiration is not None:
        document["expiration"] = expiration
    return base64.b64encode(json.dumps(document).encode()).decode()


def run(text: str, fields: dict[str, str], size: int = 3) -> None:
    check(text, fields, bucket="bkt", size=size, now=NOW)


@pytest.mark.parametrize("expiration", ["2026-03-01T13:00:00Z", "2026-03-01T13:00:00.000Z"])
def test_both_iso_8601_forms_of_the_expiration_are_read(expiration):
    run(policy([{"key": "k"}], expiration), {"key": "k"})  # P: "2007-12-01T12:00:00.000Z"


def test_an_expiration_equal_to_now_has_not_passed():
    run(policy([{"key": "k"}], "2026-03-01T12:00:00Z"), {"key": "k"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not base64 at all!", "Invalid Policy: Invalid JSON."),
        (base64.b64encode(b"[1]").decode(), "Invalid Policy: Invalid JSON."),
        (policy([], expiration=None), "Invalid Policy: Policy missing expiration."),
        (policy([], "tomorrow"), "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"),
    ],
)
def test_a_policy_that_is_no_post_policy_is_an_invalid_policy_document(text, message):
    with pytest.raises(InvalidPolicyDocument) as info:
        run(text, {"key": "k"})
    assert info.value.message == message  # U (code P)


def test_the_bucket_condition_names_the_addressed_bucket_in_both_forms():
    run(policy([{"bucket": "bkt"}, ["eq", "$bucket", "bkt"], {"key": "k"}]), {"key": "k"})
    with pytest.raises(AccessDenied):
        run(policy([{"bucket": "other"}, {"key": "k"}]), {"key": "k"})


def test_starts_with_on_content_type_checks_each_value_of_a_list():
    # P: "For Content-Type, you can specify a comma-separated list of content types"
    conditions = [{"key": "k"}, ["starts-with", "$Content-Type", "image/"]]
    run(policy(conditions), {"key": "k", "content-type": "image/png, image/jpeg"})
    with pytest.raises(AccessDenied):
        run(policy(conditions), {"key": "k", "content-type": "image/png, text/html"})


def test_an_empty_starts_with_accepts_any_value():
    run(policy([["starts-with", "$key", ""]]), {"key": "anything"})  # A (starts_with test)


def test_an_operator_s3_does_not_know_fails_as_a_condition():
    with pytest.raises(AccessDenied) as info:
        run(policy([["in", "$key", "k"]]), {"key": "k"})
    assert info.value.message == (
        'Invalid according to Policy: Policy Condition failed: ["in", "$key", "k"]'
    )  # U


def test_x_ignore_and_signature_fields_need_no_condition():
    fields = {
        "key": "k",
        "x-ignore-submit": "Upload",
        "awsaccesskeyid": "AKID",
        "signature": "s",
        "policy": "p",
        "x-amz-signature": "s",
    }
    run(policy([{"key": "k"}]), fields)  # P (V4 names; U for the V2 ones)

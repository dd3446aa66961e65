"""``pytest_assertrepr_compare`` (issue 14, "pytest_assertrepr_compare where it helps"): a failed
``==`` that involves this package's values explains itself, in inner pytest runs (pytester)."""

from __future__ import annotations

import textwrap

import pytest

PREAMBLE = """
import boto3
from collections import Counter
from pytest_s3sse import SseMode

def client():
    return boto3.client("s3", region_name="us-east-1", aws_access_key_id="a",
                        aws_secret_access_key="b")
"""


@pytest.fixture
def run(pytester):
    def run_(body: str):
        pytester.makepyfile(test_user=PREAMBLE + textwrap.dedent(body))
        warnings = ("-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")
        result = pytester.runpytest("-p", "no:benchmark", *warnings)
        result.assert_outcomes(failed=1)
        return result

    return run_


def test_a_stored_view_compared_with_a_mode_says_to_compare_its_mode(run):
    result = run(
        """
        def test_it(s3sse):
            s3 = client()
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=b"x")
            assert s3sse.stored("bkt", "k") == SseMode.SSE_KMS
        """
    )
    result.stdout.fnmatch_lines(
        [
            "*StoredView == <SseMode.SSE_KMS*a StoredView is the object at rest, never equal to a mode",
            "*compare its mode (view.mode == 'SSE-KMS') or use s3sse.assert_encrypted(*",
            "*actual: s3://bkt/k mode=SSE-S3",
        ]
    )


def test_a_mode_name_compared_with_a_header_value_names_both_spellings(run):
    result = run(
        """
        def test_it(s3sse):
            s3 = client()
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
            assert s3sse.stored("bkt", "k").mode == "aws:kms"
        """
    )
    result.stdout.fnmatch_lines(
        [
            "*'SSE-KMS' is a mode name (StoredView.mode, SseMode); 'aws:kms' is the "
            "x-amz-server-side-encryption header value of SSE-KMS",
            "*the same mode, spelt two ways: compare SseMode.parse(value) is SseMode.SSE_KMS",
        ]
    )


def test_kms_operation_counts_list_each_difference(run):
    result = run(
        """
        def test_it(s3sse):
            s3 = client()
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
            s3.get_object(Bucket="bkt", Key="k")["Body"].read()
            made = Counter(call.operation for call in s3sse.kms_calls)
            assert made == {"GenerateDataKey": 1}
        """
    )
    result.stdout.fnmatch_lines(
        [
            "*KMS call counts differ: Decrypt=1, GenerateDataKey=1 != GenerateDataKey=1",
            "*Decrypt: 1 (left) != 0 (right)",
        ]
    )


def test_the_kms_call_log_is_shown_as_counts_and_call_lines(run):
    result = run(
        """
        def test_it(s3sse):
            s3 = client()
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
            assert s3sse.kms_calls == ()
        """
    )
    result.stdout.fnmatch_lines(
        [
            "*assert 1 KMS call(s): GenerateDataKey=1 == 0 KMS call(s): no calls",
            "*left, oldest first:",
            "*1  GenerateDataKey*via S3*ok*",
        ]
    )


def test_other_comparisons_keep_pytests_own_explanation(run):
    result = run(
        """
        def test_it(s3sse):
            assert "SSE-KMS" == "SSE-S3"
        """
    )
    result.stdout.fnmatch_lines(["*- SSE-S3", "*+ SSE-KMS"])
    result.stdout.no_fnmatch_line("*mode name*")

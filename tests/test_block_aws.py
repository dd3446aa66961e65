"""``--s3sse-block-aws`` / ini ``s3sse_block_aws`` (issue 12, point 1): a test that forgot the engine
fails with an error naming it, instead of reaching AWS with the machine's credentials (or failing with
botocore's NoCredentialsError, which says nothing about the fixture)."""

from __future__ import annotations

import os
import textwrap

import pytest

FORGOT_THE_FIXTURE = """
import boto3

def test_forgot_the_fixture():
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.list_buckets()
"""

ARGS = ("-p", "no:benchmark", "-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")


@pytest.fixture
def run(pytester):
    def run_(source: str, *args: str, subprocess: bool = False):
        pytester.makepyfile(test_user=textwrap.dedent(source))
        runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest
        return runner(*ARGS, *args)

    return run_


def test_a_botocore_call_from_a_test_without_the_engine_fails_naming_the_test(run):
    result = run(FORGOT_THE_FIXTURE, "--s3sse-block-aws")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*RealAWSCallBlockedError: pytest-s3sse blocked a request to AWS (GET https://s3.amazonaws.com/)"
            " made by test_user.py::test_forgot_the_fixture, which does not use the engine: use the"
            " s3sse fixture or mock_s3sse()*"
        ]
    )


def test_the_ini_option_turns_the_guard_on(run, pytester):
    pytester.makeini("[pytest]\ns3sse_block_aws = true\n")
    result = run(FORGOT_THE_FIXTURE)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RealAWSCallBlockedError*test_forgot_the_fixture*"])


def test_a_kms_client_without_a_region_is_blocked_too_not_a_no_region_error(run, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    result = run(
        """
import boto3

def test_it():
    boto3.client("kms").list_keys()
""",
        "--s3sse-block-aws",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RealAWSCallBlockedError*https://kms.us-east-1.amazonaws.com/*"])


def test_a_requests_call_to_aws_is_blocked(run):
    result = run(
        """
import requests

def test_it():
    requests.get("https://bkt.s3.amazonaws.com/k", timeout=1)
""",
        "--s3sse-block-aws",
        subprocess=True,  # requests does not survive pytester's in-process module snapshots
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RealAWSCallBlockedError*bkt.s3.amazonaws.com*test_it*"])


def test_tests_that_use_the_engine_work_as_usual(run):
    result = run(
        """
import boto3
import pytest
from pytest_s3sse import mock_s3sse

def client():
    return boto3.client("s3")

def test_fixture(s3sse):
    client().create_bucket(Bucket="bkt")

@pytest.mark.s3sse(region="eu-west-1")
def test_marker_region(s3sse):
    assert client().meta.region_name == "eu-west-1"

@mock_s3sse()
def test_decorator():
    client().create_bucket(Bucket="bkt")

def test_context_manager():
    with mock_s3sse(region="ap-south-1"):
        assert client().meta.region_name == "ap-south-1"
        client().create_bucket(
            Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": "ap-south-1"}
        )
""",
        "--s3sse-block-aws",
    )
    result.assert_outcomes(passed=4)


def test_the_header_says_aws_calls_are_blocked(run):
    result = run("def test_it():\n    pass\n", "--s3sse-block-aws")
    result.stdout.fnmatch_lines(
        ["s3sse: AWS calls from tests that do not use the engine are blocked"]
    )


def test_the_environment_is_restored_after_each_guarded_test(run, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "prod")
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    result = run(
        """
import os

def test_it():
    assert "AWS_PROFILE" not in os.environ
""",
        "--s3sse-block-aws",
    )
    result.assert_outcomes(passed=1)
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_without_the_option_nothing_is_patched_for_a_test_without_the_engine(run):
    result = run(
        """
import botocore.endpoint

def test_it():
    assert not hasattr(botocore.endpoint.Endpoint._send, "__wrapped__")
"""
    )
    result.assert_outcomes(passed=1)


def test_the_error_names_the_test_that_made_the_call_not_an_earlier_one(run):
    result = run(
        """
import boto3

def test_first(s3sse):
    boto3.client("s3").list_buckets()

def test_second():
    pass

def test_third():
    boto3.client("s3").list_buckets()
""",
        "--s3sse-block-aws",
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*made by test_user.py::test_third, which does not use the engine*"]
    )


def test_a_call_at_import_time_is_blocked_during_collection(run):
    result = run(
        """
import boto3

BUCKETS = boto3.client("s3", region_name="us-east-1").list_buckets()

def test_it():
    pass
""",
        "--s3sse-block-aws",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*RealAWSCallBlockedError*made by collection (no test was running)*"]
    )


def test_a_call_from_a_session_fixtures_teardown_is_blocked(run):
    result = run(
        """
import boto3
import pytest

@pytest.fixture(scope="session")
def late():
    yield
    boto3.client("s3", region_name="us-east-1").list_buckets()

def test_it(late):
    pass
""",
        "--s3sse-block-aws",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*RealAWSCallBlockedError*test_user.py::test_it*"])

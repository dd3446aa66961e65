"""``mock_s3sse`` as a decorator of test classes and without parentheses (issue 12, point 2), as users
of moto's ``mock_aws`` write it: a decorated class stays a class whose tests pytest collects."""

from __future__ import annotations

import textwrap

import pytest

from pytest_s3sse import mock_s3sse

ARGS = ("-p", "no:benchmark", "-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")

CLASS = """
import unittest

import boto3
import pytest
from pytest_s3sse import mock_s3sse

def client():
    return boto3.client("s3", region_name="us-east-1")

@mock_s3sse{call}
class TestReports:
    def helper(self):
        return "not a test: not decorated"

    def test_first(self):
        client().create_bucket(Bucket="bkt")
        assert len(client().list_buckets()["Buckets"]) == 1

    def test_second(self):
        client().create_bucket(Bucket="bkt")  # a fresh engine: no BucketAlreadyOwnedByYou
        assert len(client().list_buckets()["Buckets"]) == 1

    @pytest.mark.parametrize("n", [1, 2])
    def test_parametrized(self, n):
        assert client().list_buckets()["Buckets"] == []

    @staticmethod
    def test_static():
        assert client().list_buckets()["Buckets"] == []
"""


@pytest.fixture
def run(pytester):
    def run_(source: str, *args: str):
        pytester.makepyfile(test_user=textwrap.dedent(source))
        return pytester.runpytest(*ARGS, *args)

    return run_


@pytest.mark.parametrize("call", ["()", "(seed=3)", ""], ids=["()", "(seed=3)", "bare"])
def test_a_decorated_class_keeps_every_test_collected(run, call):
    result = run(CLASS.format(call=call), "--co", "-q")
    result.stdout.fnmatch_lines(["*5 tests collected*"])


@pytest.mark.parametrize("call", ["()", ""], ids=["()", "bare"])
def test_each_test_of_a_decorated_class_gets_a_fresh_engine(run, call):
    run(CLASS.format(call=call)).assert_outcomes(passed=5)


def test_a_decorated_unittest_class_shares_one_engine_across_set_up_test_and_tear_down(run):
    result = run(
        """
import unittest

import boto3
from pytest_s3sse import mock_s3sse

@mock_s3sse()
class TestReports(unittest.TestCase):
    def setUp(self):
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.s3.create_bucket(Bucket="bkt")

    def tearDown(self):
        self.s3.delete_bucket(Bucket="bkt")

    def test_one(self):
        self.assertEqual(len(self.s3.list_buckets()["Buckets"]), 1)

    def test_two(self):
        self.assertEqual(len(self.s3.list_buckets()["Buckets"]), 1)
"""
    )
    result.assert_outcomes(passed=2)


def test_a_bare_decorator_on_a_function_works():
    @mock_s3sse
    def buckets() -> list[object]:
        import boto3  # noqa: PLC0415

        return boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]

    assert buckets() == []


def test_a_positional_argument_that_is_not_decorated_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"keyword options only.*@mock_s3sse\(region=\.\.\.\)"):
        mock_s3sse("eu-west-1")  # type: ignore[call-overload]


def test_a_coroutine_test_method_is_refused_naming_it():
    with pytest.raises(TypeError, match=r"TestAsync\.test_it"):

        @mock_s3sse()
        class TestAsync:
            async def test_it(self) -> None:
                pass

"""Expected requests (issue 14, "Expectations and pytest integration"): ``s3sse.expect_requests``
and the ``assert_all_requests_expected`` option, which fails a test that made S3/KMS requests no
expectation covered, checked when the engine stops (pytest-httpx's ``assert_all_requests_were_expected``
is the model)."""

from __future__ import annotations

import textwrap

import boto3
import pytest

from pytest_s3sse import S3SSEAssertionError, mock_s3sse
from pytest_s3sse._internal.wire import activation
from tests.conftest import NO_RETRY

STRICT = {"assert_all_requests_expected": True}


@pytest.fixture
def engine():
    """A started handle factory; each handle is stopped (unchecked) if the test left it running."""
    started = []

    def start(**options):
        handle = mock_s3sse(**options).start()
        started.append(handle)
        return handle

    yield start
    for handle in started:
        if handle.active:
            activation.deactivate(handle.engine)


def clients():
    kwargs = {"region_name": "us-east-1", "aws_access_key_id": "a", "aws_secret_access_key": "b"}
    return boto3.client("s3", config=NO_RETRY, **kwargs), boto3.client("kms", **kwargs)


def test_without_the_option_unexpected_requests_pass():
    with mock_s3sse():
        s3, _ = clients()
        s3.create_bucket(Bucket="bkt")


def test_with_the_option_a_request_nothing_expected_fails_when_the_engine_stops(engine):
    s3sse = engine(**STRICT)
    s3, _ = clients()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    with pytest.raises(S3SSEAssertionError) as failure:
        s3sse.stop()
    message = str(failure.value)
    assert "2 S3/KMS request(s) were not expected (assert_all_requests_expected):" in message
    assert "S3  CreateBucket s3://bkt/  200" in message
    assert "S3  PutObject s3://bkt/k  200" in message


def test_expect_requests_covers_its_operations_in_its_bucket_and_key():
    with mock_s3sse(**STRICT) as s3sse:
        s3sse.expect_requests("CreateBucket", bucket="bkt")
        s3sse.expect_requests("put_object", "GetObject", bucket="bkt", key="k")  # boto3's too
        s3, _ = clients()
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=b"x")
        s3.get_object(Bucket="bkt", Key="k")["Body"].read()


def test_a_request_outside_the_expected_bucket_or_key_is_unexpected(engine):
    s3sse = engine(**STRICT)
    s3sse.expect_requests("CreateBucket")
    s3sse.expect_requests("PutObject", bucket="bkt", key="k")
    s3, _ = clients()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    s3.put_object(Bucket="bkt", Key="other", Body=b"x")
    with pytest.raises(S3SSEAssertionError, match=r"S3  PutObject s3://bkt/other") as failure:
        s3sse.stop()
    assert "1 S3/KMS request(s) were not expected" in str(failure.value)


def test_failed_requests_must_be_expected_too(engine):
    s3sse = engine(**STRICT)
    s3, _ = clients()
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.get_object(Bucket="nope", Key="k")
    with pytest.raises(S3SSEAssertionError, match=r"S3  GetObject s3://nope/k  NoSuchBucket"):
        s3sse.stop()


def test_expect_kms_calls_covers_direct_kms_requests_of_the_operations_it_counts():
    with mock_s3sse(**STRICT) as s3sse:
        s3sse.expect_kms_calls(CreateKey=1, Encrypt=1)
        _, kms = clients()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.encrypt(KeyId=key, Plaintext=b"x")


def test_an_expectation_of_zero_calls_covers_nothing(engine):
    s3sse = engine(**STRICT)
    s3sse.expect_kms_calls(at_most=True, CreateKey=0)
    clients()[1].create_key()
    with pytest.raises(S3SSEAssertionError, match="KMS CreateKey"):
        s3sse.stop()


def test_expect_kms_calls_with_a_key_covers_only_requests_with_that_key(engine):
    s3sse = engine(**STRICT)
    s3sse.expect_requests("CreateKey", times=2)
    _, kms = clients()
    mine = kms.create_key()["KeyMetadata"]["KeyId"]
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    s3sse.expect_kms_calls(key=mine, at_most=True, Encrypt=5)
    kms.encrypt(KeyId=mine, Plaintext=b"x")
    kms.encrypt(KeyId=other, Plaintext=b"x")
    with pytest.raises(S3SSEAssertionError, match="KMS Encrypt") as failure:
        s3sse.stop()
    assert "1 S3/KMS request(s) were not expected" in str(failure.value)


def test_s3s_own_kms_calls_belong_to_its_request_and_need_no_expectation():
    with mock_s3sse(**STRICT) as s3sse:
        s3sse.expect_requests("CreateBucket", "PutObject", "GetObject")
        s3, _ = clients()
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
        s3.get_object(Bucket="bkt", Key="k")["Body"].read()
        assert s3sse.kms_call_count() == 2


def test_an_expected_request_never_made_fails_even_without_the_option(engine):
    s3sse = engine()
    s3sse.expect_requests("DeleteObject")
    with pytest.raises(S3SSEAssertionError, match="expected DeleteObject at least once, made none"):
        s3sse.stop()


def test_times_makes_the_count_exact(engine):
    s3sse = engine()
    s3sse.expect_requests("PutObject", bucket="bkt", times=1)
    s3, _ = clients()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k1", Body=b"x")
    s3.put_object(Bucket="bkt", Key="k2", Body=b"x")
    with pytest.raises(S3SSEAssertionError, match=r"on s3://bkt/\* 1 time\(s\), made 2"):
        s3sse.stop()


def test_a_misspelt_s3_operation_fails_as_an_expectation_never_met(engine):
    s3sse = engine()
    s3sse.expect_requests("PutObjcet")
    clients()[0].create_bucket(Bucket="bkt")
    with pytest.raises(S3SSEAssertionError, match="expected PutObjcet at least once, made none"):
        s3sse.stop()


def test_a_misspelt_kms_operation_is_a_value_error_at_once(s3sse):
    with pytest.raises(ValueError, match="'GenerateDataKey'"):
        s3sse.expect_requests("GenerateDatakey")


def test_expect_requests_needs_an_operation_and_a_whole_count(s3sse):
    with pytest.raises(TypeError):
        s3sse.expect_requests()
    with pytest.raises(ValueError, match="times"):
        s3sse.expect_requests("PutObject", times=-1)


def test_a_block_that_raises_reports_its_own_error_not_the_unexpected_requests():
    with pytest.raises(KeyError), mock_s3sse(**STRICT):  # noqa: PT012 - the block's own error
        clients()[0].create_bucket(Bucket="bkt")
        raise KeyError("the test's own failure")


def test_the_marker_and_the_ini_option_turn_it_on_for_the_fixture(pytester):
    pytester.makeini("[pytest]\ns3sse_assert_all_requests_expected = true\n")
    pytester.makepyfile(
        test_user=textwrap.dedent(
            """
            import boto3, pytest
            def client():
                return boto3.client("s3", region_name="us-east-1",
                                    aws_access_key_id="a", aws_secret_access_key="b")
            def test_unexpected(s3sse):
                client().create_bucket(Bucket="bkt")
            def test_expected(s3sse):
                s3sse.expect_requests("CreateBucket")
                client().create_bucket(Bucket="bkt")
            @pytest.mark.s3sse(assert_all_requests_expected=False)
            def test_marker_turns_it_off(s3sse):
                client().create_bucket(Bucket="bkt")
            """
        )
    )
    result = pytester.runpytest("-p", "no:benchmark")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_unexpected*", "*S3  CreateBucket s3://bkt/*"]
    )

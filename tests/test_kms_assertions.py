"""KMS-call assertions and expectations, ownership of key use, and whole-store encryption checks
(issue 14, "Assertions with readable failures" and "Expectations"). KMS call counts follow S3's
documented behaviour: one GenerateDataKey per SSE-KMS PUT, one Decrypt per GET without a Bucket Key
(shared/reference/audit-behaviour.md 6.1 estimation rule, aws-sse-behaviour.md section 7)."""

from __future__ import annotations

import pytest

from pytest_s3sse import S3SSEAssertionError, mock_s3sse


@pytest.fixture
def key(kms):
    return kms.create_key(Description="docs")["KeyMetadata"]


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="bkt")
    return "bkt"


def put_get(s3, bucket, key, name="k"):
    s3.put_object(
        Bucket=bucket, Key=name, Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )
    s3.get_object(Bucket=bucket, Key=name)["Body"].read()


def test_exact_counts_pass_when_they_are_the_calls(s3sse, s3, bucket, key):
    put_get(s3, bucket, key)
    s3sse.assert_kms_calls(GenerateDataKey=1, Decrypt=1, CreateKey=1)
    s3sse.assert_kms_calls(key=key["KeyId"], generate_data_key=1, decrypt=1, create_key=1)


def test_an_unnamed_operation_fails_the_exact_form(s3sse, s3, bucket, key):
    put_get(s3, bucket, key)
    with pytest.raises(S3SSEAssertionError) as failed:
        s3sse.assert_kms_calls(GenerateDataKey=1, Decrypt=1)
    text = str(failed.value)
    assert "CreateKey: expected none, made 1" in text
    assert "actual: CreateKey=1, Decrypt=1, GenerateDataKey=1" in text
    assert "GenerateDataKey" in text
    assert "via S3" in text


def test_a_wrong_count_names_the_operation_and_lists_the_calls(s3sse, s3, bucket, key):
    put_get(s3, bucket, key)
    put_get(s3, bucket, key, "k2")
    with pytest.raises(S3SSEAssertionError) as failed:
        s3sse.assert_kms_calls(key=key["Arn"], GenerateDataKey=1, Decrypt=2, CreateKey=1)
    text = str(failed.value)
    assert "GenerateDataKey: expected 1, made 2" in text
    assert text.count("request ") >= 4  # each S3 call names the request it was made for


def test_at_most_is_a_budget(s3sse, s3, bucket, key):
    put_get(s3, bucket, key)
    s3sse.assert_kms_calls(at_most=True, Decrypt=1, GenerateDataKey=5)
    with pytest.raises(S3SSEAssertionError, match="Decrypt: expected at most 0, made 1"):
        s3sse.assert_kms_calls(at_most=True, Decrypt=0)


def test_a_misspelt_operation_is_a_value_error(s3sse):
    with pytest.raises(ValueError, match="did you mean 'GenerateDataKey'"):
        s3sse.assert_kms_calls(GenerateDatakey=1)


def test_a_negative_count_is_a_value_error(s3sse):
    with pytest.raises(ValueError, match="whole number"):
        s3sse.assert_kms_calls(Decrypt=-1)


def test_an_expectation_is_checked_when_the_engine_stops(make_client):
    engine = mock_s3sse().start()
    engine.expect_kms_calls(Decrypt=0, at_most=True)
    s3 = make_client()
    key = make_client("kms").create_key()["KeyMetadata"]
    s3.create_bucket(Bucket="bkt")
    put_get(s3, "bkt", key)
    with pytest.raises(S3SSEAssertionError, match="Decrypt: expected at most 0, made 1"):
        engine.stop()


def test_a_met_expectation_passes_at_stop(make_client):
    with mock_s3sse() as s3sse:
        s3sse.expect_kms_calls(GenerateDataKey=1, at_most=True)
        make_client().create_bucket(Bucket="bkt")


def fail_inside(engine):
    with engine:
        engine.expect_kms_calls(Decrypt=5)
        raise KeyError("the test's own failure")


def test_a_failing_block_reports_its_own_error_not_the_expectation():
    with pytest.raises(KeyError):
        fail_inside(mock_s3sse())


def test_the_fixture_checks_expectations_at_teardown(pytester):
    pytester.makepyfile(
        """
        import boto3

        def test_budget(s3sse):
            s3sse.expect_kms_calls(GenerateDataKey=0)
            boto3.client("kms").generate_random(NumberOfBytes=8)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*GenerateRandom: expected none, made 1*"])


def test_a_key_used_by_a_role_session_counts_for_the_role(s3sse, s3, bucket, key, make_client):
    app = s3sse.principal("arn:aws:iam::123456789012:role/app")
    put_get(make_client(**app), bucket, key)
    s3sse.assert_key_used_by(key["Arn"], app)
    s3sse.assert_key_used_by(key["KeyId"], "arn:aws:iam::123456789012:role/app")
    s3sse.assert_key_used_by(key["KeyId"], app.session_arn)


def test_a_key_never_used_by_the_principal_says_who_used_it(s3sse, s3, bucket, key):
    put_get(s3, bucket, key)
    with pytest.raises(S3SSEAssertionError) as failed:
        s3sse.assert_key_used_by(key["Arn"], "arn:aws:iam::123456789012:user/alice")
    text = str(failed.value)
    assert "was never used by arn:aws:iam::123456789012:user/alice" in text
    assert "used successfully by: arn:aws:iam::123456789012:root" in text


def test_a_denied_use_is_not_a_use_and_is_shown(s3sse, s3, bucket, key, make_client):
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )
    only_s3 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    ops = s3sse.principal("arn:aws:iam::123456789012:role/ops", policy=only_s3)
    with pytest.raises(Exception, match="AccessDenied"):
        make_client(**ops).get_object(Bucket=bucket, Key="k")
    with pytest.raises(S3SSEAssertionError) as failed:
        s3sse.assert_key_used_by(key["Arn"], ops)
    assert "AccessDeniedException" in str(failed.value)


def test_every_object_encrypted_as_required_passes(s3sse, s3, bucket, key):
    put_get(s3, bucket, key, "a")
    put_get(s3, bucket, key, "b")
    s3sse.assert_all_objects_encrypted_with("SSE-KMS", key["KeyId"])
    s3sse.assert_all_objects_encrypted_with("aws:kms", bucket=bucket)


def test_objects_encrypted_otherwise_are_listed(s3sse, s3, bucket, key):
    put_get(s3, bucket, key, "kms")
    s3.put_object(Bucket=bucket, Key="plain-default", Body=b"x")
    with pytest.raises(S3SSEAssertionError) as failed:
        s3sse.assert_all_objects_encrypted_with("SSE-KMS", key["Arn"])
    text = str(failed.value)
    assert "1 of 2 objects are not SSE-KMS" in text
    assert "s3://bkt/plain-default mode=SSE-S3" in text

"""``s3sse.explain(error_or_request_id)`` and the failing-test report's denial lines (issue 13,
"Explainable denials"): the decision, the policy, the statement, and each condition with the value the
request carried, never a secret."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

USER = "arn:aws:iam::123456789012:user/reader"
DENY_HTTP = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadAll", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {
            "Sid": "DenyPlainHttp",
            "Effect": "Deny",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ],
}
READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


@pytest.fixture
def bucket(s3):
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"secret data")
    return "bkt"


def test_an_explicit_deny_names_its_statement_and_each_condition(s3sse, make_client, bucket):
    creds = s3sse.principal(USER, policy=DENY_HTTP)
    plain = make_client(endpoint_url="http://s3.amazonaws.com", **creds)
    with pytest.raises(ClientError) as info:
        plain.get_object(Bucket=bucket, Key="k")
    why = s3sse.explain(info.value)
    assert not why.allowed
    assert why.operation == "GetObject"
    assert (why.status, why.error_code) == (403, "AccessDenied")
    denial = why.denial
    assert denial is not None
    assert (denial.action, denial.resource, denial.caller) == (
        "s3:GetObject",
        "arn:aws:s3:::bkt/k",
        USER,
    )
    decision = denial.decision
    assert (decision.explicit, decision.policy, decision.statement) == (
        True,
        "identity policy",
        'Sid "DenyPlainHttp"',
    )
    [condition] = decision.conditions
    assert (condition.key, condition.operator, condition.request_value) == (
        "aws:SecureTransport",
        "Bool",
        "false",
    )
    text = str(why)
    assert "explicitly denied by the identity policy" in text
    assert 'aws:SecureTransport Bool ["false"]: request "false" -> true' in text


def test_an_implicit_deny_says_no_statement_allowed(s3sse, make_client, bucket):
    reader = make_client(**s3sse.principal(USER, policy=READ_ONLY))
    with pytest.raises(ClientError) as info:
        reader.put_object(Bucket=bucket, Key="new", Body=b"x")
    decision = s3sse.explain(info.value).decision
    assert decision is not None
    assert not decision.allowed
    assert not decision.explicit
    assert decision.statement == "no statement allowed"
    # The same request is explained by its id too (ResponseMetadata.RequestId).
    request_id = info.value.response["ResponseMetadata"]["RequestId"]
    assert s3sse.explain(request_id).denial == s3sse.explain(info.value).denial


def test_an_allowed_request_without_policies_says_so(s3sse, s3, bucket):
    response = s3.get_object(Bucket=bucket, Key="k")
    why = s3sse.explain(response)
    assert why.allowed
    assert why.decisions == ()
    assert "no policy applied" in str(why)


def test_an_allowed_request_shows_the_statement_that_allowed_it(s3sse, make_client, bucket):
    reader = make_client(**s3sse.principal(USER, policy=READ_ONLY))
    why = s3sse.explain(reader.get_object(Bucket=bucket, Key="k"))
    assert why.allowed
    assert why.decision is not None
    assert why.decision.statement == 'Sid "Read"'


def test_a_failure_that_is_not_a_policy_decision_says_so(s3sse, s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="missing")
    text = str(s3sse.explain(info.value))
    assert "no policy decision was made" in text
    assert "NoSuchKey" in text


def test_an_unknown_request_id_is_a_lookup_error(s3sse):
    with pytest.raises(LookupError, match="no request with id 'NOPE'"):
        s3sse.explain("NOPE")


def test_something_without_a_request_id_is_a_type_error(s3sse):
    with pytest.raises(TypeError, match="request id"):
        s3sse.explain(42)


def test_an_explanation_never_shows_secrets(s3sse, make_client, bucket):
    creds = s3sse.principal(USER, policy=READ_ONLY)
    with pytest.raises(ClientError) as info:
        make_client(**creds).put_object(Bucket=bucket, Key="n", Body=b"x")
    text = str(s3sse.explain(info.value))
    assert creds["aws_secret_access_key"] not in text
    assert creds["aws_access_key_id"] not in text


def test_a_failing_tests_report_shows_why_a_request_was_denied(pytester):
    pytester.makepyfile(
        """
        import boto3
        from botocore.exceptions import ClientError

        POLICY = {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "OnlyRead", "Effect": "Allow", "Action": "s3:GetObject",
                           "Resource": "*"}],
        }

        def test_upload(s3sse):
            boto3.client("s3").create_bucket(Bucket="bkt")
            reader = boto3.client(
                "s3", **s3sse.principal("arn:aws:iam::123456789012:user/r", policy=POLICY))
            reader.put_object(Bucket="bkt", Key="k", Body=b"x")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*PutObject*bkt/k*403 AccessDenied*",
            "*s3:PutObject on arn:aws:s3:::bkt/k by arn:aws:iam::123456789012:user/r: denied by "
            "the identity policy: no statement allowed*",
        ]
    )

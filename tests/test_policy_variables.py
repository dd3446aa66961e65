"""Policy variables (``${aws:username}`` ...) in Resource and in string and ARN conditions.

Source: P, IAM user guide "IAM policy elements: Variables and tags" (shared/reference/policy-behaviour.md
O11, S9): only under Version 2012-10-17; ``${*}``, ``${?}``, ``${$}`` escapes; ``${key, 'default'}``;
a variable without a value matches nothing; multivalued keys cannot be variables.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from pytest_s3sse._internal.policy.document import PolicyKind, parse_policy
from pytest_s3sse._internal.policy.evaluate import Caller, Facts, evaluate

ACCOUNT = "111111111111"
ALICE = Caller(f"arn:aws:iam::{ACCOUNT}:user/alice", ACCOUNT)


def identity(statement, version="2012-10-17"):
    return parse_policy(
        json.dumps({"Version": version, "Statement": [statement]}), PolicyKind.IDENTITY
    )


def allowed(policy, resource, keys, action="s3:GetObject"):
    facts = Facts.build(ALICE, action, resource, ACCOUNT, keys)
    return evaluate(facts, resource_policy=None, identity_policies=[policy]).allowed


HOME = {
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::b/home/${aws:username}/*",
}


def test_a_resource_variable_takes_the_requests_value():
    policy = identity(HOME)
    assert allowed(policy, "arn:aws:s3:::b/home/alice/notes.txt", {"aws:username": "alice"})
    assert not allowed(policy, "arn:aws:s3:::b/home/bob/notes.txt", {"aws:username": "alice"})


def test_a_resource_whose_variable_has_no_value_matches_nothing():
    assert not allowed(identity(HOME), "arn:aws:s3:::b/home//notes.txt", {})


def test_under_version_2008_a_variable_is_literal_text():
    policy = identity(HOME, version="2008-10-17")
    assert not allowed(policy, "arn:aws:s3:::b/home/alice/x", {"aws:username": "alice"})
    assert allowed(policy, "arn:aws:s3:::b/home/${aws:username}/x", {"aws:username": "alice"})


def test_a_variables_value_is_literal_even_with_wildcard_characters():
    policy = identity(HOME)
    keys = {"aws:username": "a*"}
    assert allowed(policy, "arn:aws:s3:::b/home/a*/x", keys)
    assert not allowed(policy, "arn:aws:s3:::b/home/abc/x", keys)


def test_escapes_stand_for_literal_characters():
    statement = {**HOME, "Resource": "arn:aws:s3:::b/literal${*}star/*"}
    policy = identity(statement)
    assert allowed(policy, "arn:aws:s3:::b/literal*star/x", {})
    assert not allowed(policy, "arn:aws:s3:::b/literalXstar/x", {})


def test_a_default_value_is_used_when_the_key_is_absent():
    statement = {**HOME, "Resource": "arn:aws:s3:::b/team/${aws:PrincipalTag/team, 'shared'}/*"}
    policy = identity(statement)
    assert allowed(policy, "arn:aws:s3:::b/team/shared/x", {})
    assert allowed(policy, "arn:aws:s3:::b/team/red/x", {"aws:PrincipalTag/team": "red"})


def test_a_multivalued_key_is_not_a_variable():
    assert not allowed(identity(HOME), "arn:aws:s3:::b/home/a/x", {"aws:username": ("a", "b")})


def test_a_string_condition_compares_with_the_expanded_value():
    statement = {
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::b",
        "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", ""]}},
    }
    policy = identity(statement)
    keys = {"aws:username": "alice", "s3:prefix": "home/alice/docs/"}
    assert allowed(policy, "arn:aws:s3:::b", keys, "s3:ListBucket")
    keys["s3:prefix"] = "home/bob/"
    assert not allowed(policy, "arn:aws:s3:::b", keys, "s3:ListBucket")


def test_an_arn_condition_compares_part_by_part_with_the_expanded_value():
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}
        },
    }
    policy = identity(statement)
    keys = {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalArn": ALICE.arn}
    assert allowed(policy, "arn:aws:s3:::b/k", keys)
    keys["aws:PrincipalAccount"] = "999999999999"
    assert not allowed(policy, "arn:aws:s3:::b/k", keys)


def test_a_negated_condition_whose_variable_has_no_value_is_true():
    statement = {
        "Effect": "Allow",
        "Action": "s3:ListBucket",  # s3:prefix is a key of ListBucket (SAR; M8)
        "Resource": "*",
        "Condition": {"StringNotEquals": {"s3:prefix": "${aws:username}"}},
    }
    assert allowed(identity(statement), "arn:aws:s3:::b", {"s3:prefix": "x"}, "s3:ListBucket")


def test_a_home_directory_policy_works_end_to_end(s3sse, make_client):
    s3sse_root = make_client()
    s3sse_root.create_bucket(Bucket="homes")
    for user in ("alice", "bob"):
        s3sse_root.put_object(Bucket="homes", Key=f"home/{user}/notes.txt", Body=user.encode())
    policy = {
        "Version": "2012-10-17",
        "Statement": [{**HOME, "Resource": "arn:aws:s3:::homes/home/${aws:username}/*"}],
    }
    alice = make_client(**s3sse.principal("arn:aws:iam::123456789012:user/alice", policy=policy))
    assert alice.get_object(Bucket="homes", Key="home/alice/notes.txt")["Body"].read() == b"alice"
    with pytest.raises(ClientError) as denied:
        alice.get_object(Bucket="homes", Key="home/bob/notes.txt")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"

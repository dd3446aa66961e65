"""The engine's decision point (``policy/authorizer.py``): its shortcut when no policy applies gives the
evaluator's answer, it reads the resource's owner and policy, and it keeps decisions for explain()."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_policy_property import PROFILE

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.policy.authorizer import PolicyAuthorizer, RequestKeys
from pytest_s3sse._internal.policy.document import Policy, PolicyKind, parse_policy
from pytest_s3sse._internal.policy.evaluate import Caller, Facts, evaluate
from pytest_s3sse._internal.types import ANONYMOUS, Principal

OWNER, OTHER = "111111111111", "222222222222"
PRINCIPALS = [
    Principal(OWNER, f"arn:aws:iam::{OWNER}:root"),
    Principal(OWNER, f"arn:aws:iam::{OWNER}:user/alice"),
    Principal(OWNER, f"arn:aws:sts::{OWNER}:assumed-role/app/s1"),
    Principal(OTHER, f"arn:aws:iam::{OTHER}:user/mallory"),
    Principal(OTHER, f"arn:aws:iam::{OTHER}:root"),
    ANONYMOUS,
]
NOW = datetime(2026, 12, 3, tzinfo=timezone.utc)


class Thing(NamedTuple):
    arn: str
    service: str
    account: str
    policy: Policy | None = None


def context(principal: Principal, request_id: str = "r1") -> RequestContext:
    return RequestContext(principal, request_id, NOW, "us-east-1")


@PROFILE
@given(
    principal=st.sampled_from(PRINCIPALS),
    owner=st.sampled_from([OWNER, OTHER, ""]),
    action=st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]),
)
def test_the_shortcut_without_policies_agrees_with_the_evaluator(principal, owner, action):
    resource = Thing("arn:aws:s3:::b/k", "s3", owner)
    decided = PolicyAuthorizer().decide(context(principal), action, resource)
    facts = Facts(
        Caller.of(principal),
        action,
        resource.arn,
        owner or principal.account_id,
        RequestKeys(context(principal), "s3", None),
    )
    expected = evaluate(facts, resource_policy=None, identity_policies=None)
    assert decided.allowed == expected.allowed


def test_a_key_without_a_policy_allows_nobody():
    # E8: the key policy must allow; a key resource with no policy allows nothing.
    resource = Thing("arn:aws:kms:us-east-1:111111111111:key/k", "kms", OWNER)
    assert not PolicyAuthorizer().decide(context(PRINCIPALS[0]), "kms:Decrypt", resource).allowed


def test_identity_policies_come_from_the_lookup():
    policy = parse_policy(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
        PolicyKind.IDENTITY,
    )
    alice = PRINCIPALS[1]
    authorizer = PolicyAuthorizer(lambda p: (policy,) if p == alice else None)
    resource = Thing("arn:aws:s3:::b/k", "s3", OWNER)
    assert authorizer.decide(context(alice), "s3:GetObject", resource).allowed
    assert not authorizer.decide(context(alice), "s3:PutObject", resource).allowed


def test_decisions_are_kept_by_request_id_and_bounded():
    authorizer = PolicyAuthorizer()
    resource = Thing("arn:aws:s3:::b/k", "s3", OWNER)
    authorizer.decide(context(ANONYMOUS, "first"), "s3:GetObject", resource)
    assert len(authorizer.decisions("first")) == 1
    for number in range(2100):
        authorizer.decide(context(ANONYMOUS, f"r{number}"), "s3:GetObject", resource)
    assert authorizer.decisions("first") == ()
    assert len(authorizer.decisions("r2099")) == 1


def test_an_allowed_decision_without_policies_is_not_kept():
    authorizer = PolicyAuthorizer()
    resource = Thing("arn:aws:s3:::b/k", "s3", OWNER)
    assert authorizer.decide(context(PRINCIPALS[0]), "s3:GetObject", resource).allowed
    assert authorizer.decisions("r1") == ()


@pytest.mark.parametrize("name", ["aws:SecureTransport", "AWS:securetransport"])
def test_request_keys_are_read_in_any_case(name):
    keys = RequestKeys(context(PRINCIPALS[0]), "s3", {"s3:prefix": "a/"})
    assert keys.get(name) == "true"
    assert keys["S3:Prefix"] == "a/"
    assert "s3:prefix" in set(keys)

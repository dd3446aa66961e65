"""The evaluator against a plain, deliberately naive reading of AWS's rules, over generated policies.

The reference below works on the raw JSON dicts, matches wildcards with a recursive function, and
states each rule as one boolean expression, straight from shared/reference/policy-behaviour.md (P):
E1 (explicit deny > allow > implicit deny), E2/E3 (same account: identity OR resource; a user, role or
session ARN grants directly), E4 (cross-account: both), E5 (an account principal delegates), E8/E9 (KMS:
the key policy must allow, directly or by naming the account), S1 ("*" is everyone, anonymous too), S6
(NotAction/NotResource), S7/S8 (actions case-insensitive, resources case-sensitive), L1-L5 (AND of keys,
OR of values, NOR for negated operators, missing keys, IfExists, Null).

Bounded: the CI profile runs a few hundred derandomized examples (about two seconds); set
``S3SSE_FUZZ=long`` for a long run.
"""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pytest_s3sse._internal.errors.s3 import MalformedPolicy
from pytest_s3sse._internal.policy.document import (
    ACTION_NOT_APPLICABLE,
    InvalidIdentityPolicy,
    PolicyKind,
    parse_policy,
)
from pytest_s3sse._internal.policy.evaluate import Caller, Facts, evaluate

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "database": None}
PROFILES = {
    "ci": settings(max_examples=200, derandomize=True, **_COMMON),
    "long": settings(max_examples=20_000, **_COMMON),
}
PROFILE = PROFILES[os.environ.get("S3SSE_FUZZ", "ci")]

OWNER, OTHER = "111111111111", "222222222222"
BUCKET = "arn:aws:s3:::b"
ROLE = f"arn:aws:iam::{OWNER}:role/app"
CALLERS = [
    Caller(f"arn:aws:iam::{OWNER}:root", OWNER),
    Caller(f"arn:aws:iam::{OWNER}:user/alice", OWNER),
    Caller(f"arn:aws:iam::{OWNER}:user/bob", OWNER),
    Caller(f"arn:aws:sts::{OWNER}:assumed-role/app/s1", OWNER, ROLE),
    Caller(f"arn:aws:iam::{OTHER}:user/mallory", OTHER),
    Caller(f"arn:aws:iam::{OTHER}:root", OTHER),
    Caller("anonymous", "anonymous"),
]
PRINCIPAL_NAMES = [OWNER, OTHER, f"arn:aws:iam::{OWNER}:root", f"arn:aws:iam::{OWNER}:user/alice",
                   f"arn:aws:iam::{OTHER}:user/mallory", ROLE, f"arn:aws:sts::{OWNER}:assumed-role/app/s1"]  # fmt: skip
S3_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "s3:?etObject",
    "S3:getobject",
    "*",
]
KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey", "kms:*", "kms:Gen*", "kms:?ecrypt", "*"]
OBJECTS = [f"{BUCKET}/abc", f"{BUCKET}/abd", f"{BUCKET}/xyz", f"{BUCKET}/ABC"]
RESOURCES = [
    f"{BUCKET}/*",
    f"{BUCKET}/a*",
    f"{BUCKET}/a?c",
    f"{BUCKET}/abc",
    f"{BUCKET}/x*z",
    BUCKET,
]
OPERATORS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIfExists",
             "StringNotEqualsIfExists", "StringNotLikeIfExists", "Null"]  # fmt: skip
# Global keys only: a service key that none of a statement's actions supports is refused on put (M8,
# tests/test_policy_catalogue.py), and the evaluator treats every key name alike.
SSE_KEY = "aws:RequestTag/sse"
CONDITION_KEYS = [SSE_KEY, "aws:SecureTransport"]
VALUES = ["AES256", "aws:kms", "aws*", "true", "false", "A?S256"]


# --- generated documents --------------------------------------------------------------------------


def _one_or_list(elements):
    return st.lists(elements, min_size=1, max_size=3, unique=True).map(
        lambda v: v[0] if len(v) == 1 else v
    )


_principal = st.one_of(
    st.sampled_from(["*", {"AWS": "*"}]),
    st.sampled_from(PRINCIPAL_NAMES).map(lambda v: {"AWS": v}),
    _one_or_list(st.sampled_from(PRINCIPAL_NAMES)).map(lambda v: {"AWS": v}),
)
_condition_value = st.one_of(
    st.sampled_from(["true", "false"]), _one_or_list(st.sampled_from(VALUES))
)


@st.composite
def _condition(draw):
    block = {}
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        operator = draw(st.sampled_from(OPERATORS))
        key = draw(st.sampled_from(CONDITION_KEYS))
        value = (
            draw(st.sampled_from(["true", "false"]))
            if operator == "Null"
            else draw(_condition_value)
        )
        block.setdefault(operator, {})[key] = value
    return block


@st.composite
def _statement(draw, *, with_principal, actions, resources):
    effect = draw(st.sampled_from(["Allow", "Deny"]))
    statement = {"Effect": effect}
    if draw(st.booleans()):
        statement["Sid"] = f"S{draw(st.integers(0, 99))}"
    if with_principal:
        if effect == "Deny" and draw(st.integers(0, 5)) == 0:
            statement["NotPrincipal"] = draw(_principal)
        else:
            statement["Principal"] = draw(_principal)
    statement["NotAction" if draw(st.integers(0, 4)) == 0 else "Action"] = draw(
        _one_or_list(st.sampled_from(actions))
    )
    statement["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = draw(
        _one_or_list(st.sampled_from(resources))
    )
    condition = draw(_condition())
    if condition:
        statement["Condition"] = condition
    return statement


def _document(statement):
    return st.lists(statement, min_size=1, max_size=4).map(
        lambda s: {"Version": "2012-10-17", "Statement": s}
    )


_request_keys = st.fixed_dictionaries(
    {}, optional={SSE_KEY: st.sampled_from(["AES256", "aws:kms", "AWS256", ""]),
                  "aws:securetransport": st.sampled_from(["true", "false"])}
)  # fmt: skip


# --- the naive reference --------------------------------------------------------------------------


def like(pattern, text):
    """Wildcard match, recursively: "*" any run, "?" one character."""
    if not pattern:
        return not text
    if pattern[0] == "*":
        return any(like(pattern[1:], text[i:]) for i in range(len(text) + 1))
    if text and (pattern[0] == "?" or pattern[0] == text[0]):
        return like(pattern[1:], text[1:])
    return False


def as_list(value):
    return value if isinstance(value, list) else [value]


def condition_holds(operator, policy_values, request):
    if operator == "Null":
        absent = request is None or request == ""
        return any((v == "true") == absent for v in as_list(policy_values))
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    negated = "Not" in base
    if request is None:
        return True if if_exists else negated
    test = like if "Like" in base else (lambda p, t: p == t)
    matched = any(test(v, request) for v in as_list(policy_values))
    return not matched if negated else matched


def statement_applies(statement, caller, action, resource, keys):
    if "Action" in statement:
        covers = any(like(a.lower(), action.lower()) for a in as_list(statement["Action"]))
    else:
        covers = not any(like(a.lower(), action.lower()) for a in as_list(statement["NotAction"]))
    if "Resource" in statement:
        covers = covers and any(like(r, resource) for r in as_list(statement["Resource"]))
    else:
        covers = covers and not any(like(r, resource) for r in as_list(statement["NotResource"]))
    for operator, pairs in statement.get("Condition", {}).items():
        for key, values in pairs.items():
            covers = covers and condition_holds(operator, values, keys.get(key.lower()))
    return covers


def names(principal, caller):
    """'direct', 'account' or None: how a Principal element names the caller."""
    if principal == "*" or principal == {"AWS": "*"}:
        return "direct"
    if caller.arn == "anonymous":
        return None
    listed = as_list(principal["AWS"])
    if caller.arn in listed or caller.role_arn in listed:
        return "direct"
    if caller.account_id in listed or f"arn:aws:iam::{caller.account_id}:root" in listed:
        return "direct" if caller.arn.endswith(":root") else "account"
    return None


def not_principal_exempts(principal, caller):
    if principal == "*" or principal == {"AWS": "*"}:
        return True
    if caller.arn == "anonymous":
        return False
    listed = as_list(principal["AWS"])
    account = caller.account_id in listed or f"arn:aws:iam::{caller.account_id}:root" in listed
    if caller.arn.endswith(":root"):
        return account
    role_ok = caller.role_arn is None or caller.role_arn in listed
    return account and caller.arn in listed and role_ok


def reference(resource_doc, identity_doc, caller, action, resource, owner, keys, *, kms):
    """AWS's rules as one reading: True (allowed) or False."""
    keys = {k.lower(): v for k, v in keys.items()}
    resource_statements = resource_doc["Statement"] if resource_doc else []
    identity_statements = identity_doc["Statement"] if identity_doc else []
    deny = allow_direct = allow_account = identity_allow = False
    for s in resource_statements:
        if not statement_applies(s, caller, action, resource, keys):
            continue
        if "NotPrincipal" in s:
            how = None if not_principal_exempts(s["NotPrincipal"], caller) else "direct"
        else:
            how = names(s["Principal"], caller)
        if how is None:
            continue
        if s["Effect"] == "Deny":
            deny = True
        elif how == "direct":
            allow_direct = True
        else:
            allow_account = True
    for s in identity_statements:
        if caller.arn != "anonymous" and statement_applies(s, caller, action, resource, keys):
            deny = deny or s["Effect"] == "Deny"
            identity_allow = identity_allow or s["Effect"] == "Allow"
    if caller.arn.endswith(":root") or identity_doc is None:
        identity_allow = caller.arn != "anonymous"
    if deny:
        return False  # E1
    same = caller.account_id == owner
    if kms:  # E8, E9
        return (allow_direct and (same or identity_allow or caller.arn == "anonymous")) or (
            allow_account and identity_allow
        )
    if caller.arn == "anonymous":
        return allow_direct  # S1
    if same:  # E2, E3, E5
        return identity_allow or allow_direct
    return (allow_direct or allow_account) and identity_allow  # E4


# --- the properties -------------------------------------------------------------------------------

_identity = st.one_of(
    st.none(), _document(_statement(with_principal=False, actions=S3_ACTIONS, resources=RESOURCES))
)


@PROFILE
@given(
    resource_doc=st.one_of(
        st.none(),
        _document(_statement(with_principal=True, actions=S3_ACTIONS, resources=RESOURCES)),
    ),
    identity_doc=_identity,
    caller=st.sampled_from(CALLERS),
    action=st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]),
    resource=st.sampled_from([*OBJECTS, BUCKET]),
    keys=_request_keys,
)
def test_bucket_policy_evaluation_agrees_with_the_reference_reading(
    resource_doc, identity_doc, caller, action, resource, keys
):
    expected = reference(
        resource_doc, identity_doc, caller, action, resource, OWNER, keys, kms=False
    )
    decision = _decide(resource_doc, identity_doc, caller, action, resource, keys, kms=False)
    assert decision.allowed is expected, decision.explain()


_KEY = f"arn:aws:kms:us-east-1:{OWNER}:key/k1"


@PROFILE
@given(
    resource_doc=st.one_of(
        st.none(),
        _document(
            _statement(
                with_principal=True, actions=KMS_ACTIONS, resources=["*", _KEY, "arn:aws:kms:*"]
            )
        ),
    ),
    identity_doc=st.one_of(
        st.none(),
        _document(_statement(with_principal=False, actions=KMS_ACTIONS, resources=["*", _KEY])),
    ),
    caller=st.sampled_from(CALLERS),
    action=st.sampled_from(["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"]),
    keys=_request_keys,
)
def test_key_policy_evaluation_agrees_with_the_reference_reading(
    resource_doc, identity_doc, caller, action, keys
):
    expected = reference(resource_doc, identity_doc, caller, action, _KEY, OWNER, keys, kms=True)
    decision = _decide(resource_doc, identity_doc, caller, action, _KEY, keys, kms=True)
    assert decision.allowed is expected, decision.explain()


def _parse(document, kind):
    """The parsed document; a statement whose action applies to none of its resources (an object
    action on the bucket ARN alone) is refused on put (M7), so the property skips that document."""
    try:
        return parse_policy(json.dumps(document), kind)
    except (MalformedPolicy, InvalidIdentityPolicy) as refused:
        assume(ACTION_NOT_APPLICABLE not in str(refused))
        raise


def _decide(resource_doc, identity_doc, caller, action, resource, keys, *, kms):
    kind = PolicyKind.KEY if kms else PolicyKind.BUCKET
    rp = _parse(resource_doc, kind) if resource_doc else None
    ip = [_parse(identity_doc, PolicyKind.IDENTITY)] if identity_doc else None
    facts = Facts.build(caller, action, resource, OWNER, keys)
    return evaluate(facts, resource_policy=rp, identity_policies=ip, key_policy=kms)

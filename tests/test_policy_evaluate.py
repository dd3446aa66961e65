"""Policy evaluation: who may, by which policy and statement, and why not.

Sources: shared/reference/policy-behaviour.md 1.1 (E1-E9, P: IAM user guide policy evaluation logic and
cross-account evaluation, KMS developer guide key policies), 1.2 (S1-S6, P), 3.2 (K11, K12: the seeds'
SSE rules, P S3 user guide UsingKMSEncryption), 4.1 and 4.3 (AccessDenied text tails: D1-D3 A/P, KE2-KE4
A, KE6/D12 U). The seeds' policies are reproduced verbatim in shape.
"""

from __future__ import annotations

import json

import pytest

from pytest_s3sse._internal.policy import Decision
from pytest_s3sse._internal.policy.document import PolicyKind, parse_policy
from pytest_s3sse._internal.policy.evaluate import Caller, Facts, evaluate, role_of

OWNER = "111111111111"
OTHER = "222222222222"
BUCKET = "arn:aws:s3:::vault"
OBJECT = f"{BUCKET}/report.csv"
KEY = f"arn:aws:kms:us-east-1:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

ROOT = Caller(f"arn:aws:iam::{OWNER}:root", OWNER)
ALICE = Caller(f"arn:aws:iam::{OWNER}:user/alice", OWNER)
APP_SESSION = Caller(
    f"arn:aws:sts::{OWNER}:assumed-role/app/s1", OWNER, f"arn:aws:iam::{OWNER}:role/app"
)
MALLORY = Caller(f"arn:aws:iam::{OTHER}:user/mallory", OTHER)
ANONYMOUS = Caller("anonymous", "anonymous")


def policy(kind, *statements):
    return parse_policy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), kind)


def bucket(*statements):
    return policy(PolicyKind.BUCKET, *statements)


def identity(*statements):
    return policy(PolicyKind.IDENTITY, *statements)


def key_policy(*statements):
    return policy(PolicyKind.KEY, *statements)


def allow(principal=None, action="s3:GetObject", resource=OBJECT, **more):
    return _statement("Allow", principal, action, resource, more)


def deny(principal="*", action="s3:GetObject", resource=OBJECT, **more):
    return _statement("Deny", principal, action, resource, more)


def _statement(effect, principal, action, resource, more):
    statement = {"Effect": effect, "Action": action, "Resource": resource, **more}
    if principal is not None:
        statement["Principal"] = principal
    return statement


def ask(
    caller, action="s3:GetObject", resource=OBJECT, keys=None, owner=OWNER, **policies
) -> Decision:
    return evaluate(Facts.build(caller, action, resource, owner, keys), **policies)


# --- E1: deny beats allow beats implicit deny -----------------------------------------------------


def test_an_explicit_deny_beats_an_allow():
    # E1 (P).
    decision = ask(ALICE, resource_policy=bucket(allow({"AWS": ALICE.arn}), deny(Sid="NoOne")))
    assert not decision.allowed
    assert (decision.explicit, decision.statement) == (True, 'Sid "NoOne"')


def test_an_explicit_deny_in_a_bucket_policy_names_a_resource_based_policy():
    # D2 (P S3-403): "... with an explicit deny in a resource-based policy".
    decision = ask(ALICE, resource_policy=bucket(deny()))
    assert decision.reason == "with an explicit deny in a resource-based policy"


def test_an_explicit_deny_in_an_identity_policy_names_an_identity_based_policy():
    # D3 (P S3-403): "... with an explicit deny in an identity-based policy".
    decision = ask(ALICE, resource_policy=None, identity_policies=[identity(deny(None))])
    assert decision.reason == "with an explicit deny in an identity-based policy"
    assert decision.policy == "identity policy"


def test_no_applicable_allow_is_an_implicit_deny():
    # E1 (P); D1 (A): same account, "because no identity-based policy allows the s3:GetObject action".
    decision = ask(
        ALICE, resource_policy=None, identity_policies=[identity(allow(action="s3:PutObject"))]
    )
    assert not decision.allowed
    assert not decision.explicit
    assert decision.reason == "because no identity-based policy allows the s3:GetObject action"
    assert decision.statement == "no statement allowed"


def test_a_deny_naming_the_account_denies_its_users():
    # E5 (P): an account principal stands for the whole account, so its Deny covers every identity.
    assert not ask(ALICE, resource_policy=bucket(deny({"AWS": OWNER}))).allowed


# --- E2, E3, E5: same account ---------------------------------------------------------------------


def test_same_account_without_bucket_policy_identity_decides():
    # E2 (P): with no bucket policy the bucket implicitly allows identities of the owner's account.
    assert ask(ALICE, resource_policy=None, identity_policies=[identity(allow())]).allowed
    assert not ask(ALICE, resource_policy=None, identity_policies=[]).allowed


def test_same_account_bucket_policy_naming_the_user_grants_without_identity_allow():
    # E2, E3 (P): identity OR resource; a user ARN grants directly.
    decision = ask(
        ALICE, resource_policy=bucket(allow({"AWS": ALICE.arn}, Sid="Alice")), identity_policies=[]
    )
    assert decision.allowed
    assert decision.statement == 'Sid "Alice"'


def test_a_role_arn_in_a_bucket_policy_covers_its_sessions():
    # E3 (P): a role ARN covers the role's sessions.
    assert ask(
        APP_SESSION,
        resource_policy=bucket(allow({"AWS": APP_SESSION.role_arn})),
        identity_policies=[],
    ).allowed


def test_a_session_arn_in_a_bucket_policy_covers_that_session_only():
    # E3, S2 (P): one session, exact.
    other_session = Caller(f"arn:aws:sts::{OWNER}:assumed-role/app/s2", OWNER, APP_SESSION.role_arn)
    rp = bucket(allow({"AWS": APP_SESSION.arn}))
    assert ask(APP_SESSION, resource_policy=rp, identity_policies=[]).allowed
    assert not ask(other_session, resource_policy=rp, identity_policies=[]).allowed


def test_a_bucket_policy_naming_the_account_delegates_to_identity_policies():
    # E5 (P): users and roles still need an identity Allow, in the same account too.
    rp = bucket(allow({"AWS": f"arn:aws:iam::{OWNER}:root"}))
    assert not ask(ALICE, resource_policy=rp, identity_policies=[]).allowed
    assert ask(ALICE, resource_policy=rp, identity_policies=[identity(allow())]).allowed


def test_the_owners_root_user_has_full_identity_permissions():
    # E1 (P): "except the account root user, which has full access".
    assert ask(ROOT, resource_policy=None, identity_policies=[]).allowed


def test_the_owners_root_user_is_still_bound_by_a_bucket_policy_deny():
    # E1 (P), E15 (P): a Deny covers the root user (who can always remove the policy).
    assert not ask(ROOT, resource_policy=bucket(deny())).allowed


def test_without_identity_policies_a_same_account_caller_has_full_identity_permissions():
    # The test API's default (issue 13): a principal without a policy has full identity permissions.
    assert ask(ALICE, resource_policy=None, identity_policies=None).allowed


def test_an_identity_policy_allow_with_a_failing_condition_is_the_nearest_statement():
    # V5 (A): an Allow whose condition fails counts as "no ... policy allows"; explain shows why.
    ip = identity(allow(Sid="OnlyTls", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    decision = ask(
        ALICE, keys={"aws:SecureTransport": "false"}, resource_policy=None, identity_policies=[ip]
    )
    assert not decision.allowed
    assert decision.statement == 'Sid "OnlyTls"'
    [outcome] = decision.conditions
    assert (outcome.key, outcome.operator, outcome.policy_values, outcome.request_value, outcome.result) == (
        "aws:SecureTransport", "Bool", ("true",), "false", False
    )  # fmt: skip


# --- E4: cross account ----------------------------------------------------------------------------


def test_cross_account_needs_the_bucket_policy_and_the_identity_policy():
    # E4 (P): both must allow.
    rp = bucket(allow({"AWS": MALLORY.arn}))
    assert not ask(MALLORY, resource_policy=rp, identity_policies=[]).allowed
    assert not ask(MALLORY, resource_policy=None, identity_policies=[identity(allow())]).allowed
    assert ask(MALLORY, resource_policy=rp, identity_policies=[identity(allow())]).allowed


def test_cross_account_without_a_bucket_policy_allow_is_a_resource_based_denial():
    # E4 (P); D12 (U): the resource side is what is missing.
    decision = ask(
        MALLORY, resource_policy=bucket(allow({"AWS": ALICE.arn})), identity_policies=None
    )
    assert decision.policy_type == "resource-based"


def test_cross_account_principal_star_still_needs_the_callers_identity_allow():
    # S1 (P): "*" is everyone; other accounts still need E4.
    rp = bucket(allow("*"))
    assert not ask(MALLORY, resource_policy=rp, identity_policies=[]).allowed
    assert ask(MALLORY, resource_policy=rp, identity_policies=None).allowed


def test_an_anonymous_caller_is_allowed_only_by_principal_star():
    # S1 (P): "*" includes anonymous; nothing else names an anonymous caller.
    assert ask(ANONYMOUS, resource_policy=bucket(allow("*"))).allowed
    assert not ask(ANONYMOUS, resource_policy=bucket(allow({"AWS": OWNER}))).allowed
    assert not ask(ANONYMOUS, resource_policy=None).allowed


# --- S5: NotPrincipal -----------------------------------------------------------------------------


def test_not_principal_deny_applies_to_everyone_not_listed():
    # S5 (P): deny applies to everyone not listed.
    rp = bucket(allow({"AWS": OWNER}), deny(None, NotPrincipal={"AWS": [ALICE.arn, OWNER]}))
    assert ask(ALICE, resource_policy=rp).allowed
    assert not ask(Caller(f"arn:aws:iam::{OWNER}:user/bob", OWNER), resource_policy=rp).allowed


def test_not_principal_must_list_the_account_too():
    # S5 (P): "list the account ARN too".
    rp = bucket(deny(None, NotPrincipal={"AWS": [ALICE.arn]}))
    assert not ask(ALICE, resource_policy=rp).allowed


def test_not_principal_must_list_the_role_for_a_session():
    # S5 (P): "and the role ARN for sessions".
    only_session = bucket(deny(None, NotPrincipal={"AWS": [APP_SESSION.arn, OWNER]}))
    with_role = bucket(
        deny(None, NotPrincipal={"AWS": [APP_SESSION.arn, APP_SESSION.role_arn, OWNER]})
    )
    assert not ask(APP_SESSION, resource_policy=only_session).allowed
    assert ask(APP_SESSION, resource_policy=with_role).allowed


# --- E8, E9: KMS key policies ---------------------------------------------------------------------

DEFAULT_KEY_POLICY = key_policy(
    {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
     "Action": "kms:*", "Resource": "*"}
)  # fmt: skip


def decrypt(caller, **policies):
    return ask(caller, "kms:Decrypt", KEY, key_policy=True, **policies)


def test_default_key_policy_delegates_to_identity_policies():
    # E8 (P): the account principal delegates; 4.6 (P) default key policy.
    assert decrypt(
        ALICE,
        resource_policy=DEFAULT_KEY_POLICY,
        identity_policies=[identity(allow(None, "kms:Decrypt", "*"))],
    ).allowed


def test_default_key_policy_without_an_identity_allow_is_an_identity_based_denial():
    # KE4 (A): "because no identity-based policy allows the kms:Decrypt action"; KE6 (U).
    decision = decrypt(
        ALICE,
        resource_policy=DEFAULT_KEY_POLICY,
        identity_policies=[identity(allow(None, "s3:*", "*"))],
    )
    assert decision.reason == "because no identity-based policy allows the kms:Decrypt action"


def test_iam_alone_never_grants_a_kms_key():
    # E8 (P), section 6 fact 1: without the key policy's allow, IAM allows are ineffective.
    kp = key_policy(allow({"AWS": f"arn:aws:iam::{OWNER}:user/bob"}, "kms:*", "*"))
    decision = decrypt(
        ALICE, resource_policy=kp, identity_policies=[identity(allow(None, "kms:*", "*"))]
    )
    assert not decision.allowed
    assert (
        decision.reason == "because no resource-based policy allows the kms:Decrypt action"
    )  # KE3 (A)


def test_iam_deny_is_effective_even_when_the_key_policy_allows():
    # E8 (P): "IAM policies that deny access to the key are still effective".
    decision = decrypt(
        ALICE,
        resource_policy=DEFAULT_KEY_POLICY,
        identity_policies=[identity(deny(None, "kms:Decrypt", "*"))],
    )
    assert decision.explicit


def test_a_key_policy_naming_the_user_grants_without_iam():
    # E8 (P): "A key policy naming a user/role ARN grants without IAM".
    kp = key_policy(allow({"AWS": ALICE.arn}, "kms:Decrypt", "*"))
    assert decrypt(ALICE, resource_policy=kp, identity_policies=[]).allowed


def test_the_root_user_needs_the_key_policy_too():
    # E8 (P): the key policy must allow, the root user included.
    kp = key_policy(allow({"AWS": ALICE.arn}, "kms:Decrypt", "*"))
    assert not decrypt(ROOT, resource_policy=kp).allowed
    assert decrypt(ROOT, resource_policy=DEFAULT_KEY_POLICY).allowed


def test_kms_cross_account_needs_the_key_policy_and_the_external_iam():
    # E9 (P): "Neither ... alone is sufficient".
    kp = key_policy(*DEFAULT_KEY_POLICY_STATEMENTS(), allow({"AWS": OTHER}, "kms:Decrypt", "*"))
    assert not decrypt(MALLORY, resource_policy=kp, identity_policies=[]).allowed
    assert decrypt(
        MALLORY, resource_policy=kp, identity_policies=[identity(allow(None, "kms:Decrypt", KEY))]
    ).allowed
    assert not decrypt(
        MALLORY,
        resource_policy=DEFAULT_KEY_POLICY,
        identity_policies=[identity(allow(None, "kms:Decrypt", KEY))],
    ).allowed


def DEFAULT_KEY_POLICY_STATEMENTS():
    return [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]


def test_a_missing_key_policy_allows_nothing():
    # E8 (P): the key policy must allow.
    assert not decrypt(ROOT, resource_policy=None).allowed


def test_the_aws_s3_key_policy_allows_via_s3_for_the_account_only():
    # 4.6 (S): "Allow access through S3 for all principals in the account"; K19, K20 (P).
    kp = key_policy(allow({"AWS": "*"}, ["kms:Decrypt", "kms:GenerateDataKey*"], "*", Condition={
        "StringEquals": {"kms:CallerAccount": OWNER, "kms:ViaService": "s3.us-east-1.amazonaws.com"}}))  # fmt: skip
    via_s3 = {"kms:CallerAccount": OWNER, "kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert decrypt(ALICE, keys=via_s3, resource_policy=kp, identity_policies=[]).allowed
    assert not decrypt(
        ALICE, keys={"kms:CallerAccount": OWNER}, resource_policy=kp, identity_policies=[]
    ).allowed


# --- the seeds' bucket policies (K11, K12, L3, L5) -------------------------------------------------

REQUIRE_AES256 = bucket(deny(action="s3:PutObject", Sid="DenyNotAES256",
                             Condition={"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}))  # fmt: skip
REQUIRE_KMS_KEY = bucket(deny(action="s3:PutObject", Sid="DenyOtherKey",
                              Condition={"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": KEY}}))  # fmt: skip
DENY_HTTP = bucket(deny(action="s3:*", resource=[BUCKET, f"{BUCKET}/*"], Sid="DenyInsecure",
                        Condition={"Bool": {"aws:SecureTransport": "false"}}))  # fmt: skip
DENY_UNENCRYPTED = bucket(deny(action="s3:PutObject", Sid="DenyUnencrypted",
                               Condition={"Null": {"s3:x-amz-server-side-encryption": "true"}}))  # fmt: skip


def put(keys, rp):
    return ask(ALICE, "s3:PutObject", keys=keys, resource_policy=rp)


def test_deny_put_without_aes256_allows_aes256():
    assert put({"s3:x-amz-server-side-encryption": "AES256"}, REQUIRE_AES256).allowed


def test_deny_put_without_aes256_denies_kms_and_header_less_puts():
    # K11 (P/A): the header is absent without it, even under default encryption; L3 (P).
    assert not put({"s3:x-amz-server-side-encryption": "aws:kms"}, REQUIRE_AES256).allowed
    decision = put({}, REQUIRE_AES256)
    assert decision.explicit
    assert decision.conditions[0].request_value is None


def test_deny_unless_the_given_kms_key_allows_only_that_key():
    # K13 (P): the key id must match the policy's key ARN; absent header: denied (U, proposed).
    assert put({"s3:x-amz-server-side-encryption-aws-kms-key-id": KEY}, REQUIRE_KMS_KEY).allowed
    assert not put(
        {"s3:x-amz-server-side-encryption-aws-kms-key-id": KEY[:-1] + "c"}, REQUIRE_KMS_KEY
    ).allowed
    assert not put({}, REQUIRE_KMS_KEY).allowed


def test_deny_insecure_transport_denies_http_and_allows_https():
    # K1 (P): aws:SecureTransport always present.
    assert not ask(ALICE, keys={"aws:SecureTransport": "false"}, resource_policy=DENY_HTTP).allowed
    assert ask(ALICE, keys={"aws:SecureTransport": "true"}, resource_policy=DENY_HTTP).allowed


def test_deny_unencrypted_uploads_with_null_allows_any_sse_header():
    # L5 (P): Null "true" holds only when the key is absent.
    assert put({"s3:x-amz-server-side-encryption": "aws:kms"}, DENY_UNENCRYPTED).allowed
    assert not put({}, DENY_UNENCRYPTED).allowed


def test_a_put_only_sse_rule_leaves_get_alone():
    # K11 (P): the rule lists s3:PutObject only, so GET is not covered.
    assert ask(ALICE, resource_policy=REQUIRE_AES256).allowed


# --- explanation ----------------------------------------------------------------------------------


def test_explain_names_policy_statement_and_each_condition():
    # Issue 13 "Explainable denials": decision, policy, statement, key/operator/values/request value.
    text = put({}, REQUIRE_AES256).explain()
    assert text.splitlines() == [
        'explicitly denied by the bucket policy: Sid "DenyNotAES256" (with an explicit deny in a resource-based policy)',
        '  s3:x-amz-server-side-encryption StringNotEquals ["AES256"]: request absent -> true',
    ]


def test_role_of_maps_a_session_to_its_role():
    # K2 (P): role session -> the role ARN.
    assert role_of(f"arn:aws:sts::{OWNER}:assumed-role/app/s1") == f"arn:aws:iam::{OWNER}:role/app"
    assert role_of(ALICE.arn) is None


@pytest.mark.parametrize("action", ["s3:getobject", "S3:GETOBJECT"])
def test_the_requests_action_matches_case_insensitively(action):
    # S7 (P).
    assert not ask(ALICE, action, resource_policy=bucket(deny())).allowed


def test_the_nearest_statement_is_named_with_the_policy_it_is_in():
    # Issue 13 "Explainable denials": the statement and the policy it belongs to go together.
    rp = bucket(
        allow(
            {"AWS": ALICE.arn}, Sid="TlsOnly", Condition={"Bool": {"aws:SecureTransport": "true"}}
        )
    )
    ip = identity(allow(action="s3:PutObject"))
    decision = ask(
        ALICE, keys={"aws:SecureTransport": "false"}, resource_policy=rp, identity_policies=[ip]
    )
    assert (decision.policy, decision.statement) == ("bucket policy", 'Sid "TlsOnly"')


def test_identity_policies_do_not_apply_to_an_anonymous_caller():
    # S1 (P), K2/K3: an unsigned request has no identity, so no identity policy (Allow or Deny) is its.
    rp = bucket(allow("*"))
    decision = ask(ANONYMOUS, resource_policy=rp, identity_policies=[identity(deny(None))])
    assert decision.allowed

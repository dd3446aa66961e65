"""KMS key policies: validated on CreateKey and PutKeyPolicy, returned as AWS returns them, enforced on
every use of a key (direct calls and S3's calls for its callers).

Sources (shared/reference/policy-behaviour.md; labels as in docs/kms.md):

- 4.5 KP1 (P, botocore model CreateKey/PutKeyPolicy; A: terraform-aws-modules/terraform-aws-eks#1950):
  ``The new key policy will not allow you to update the key policy in the future.`` unless
  BypassPolicyLockoutSafetyCheck; KP2 (P; A awslabs/minimum-viable-dataspace-on-aws#6) invalid
  principals; KP3 (A aws/aws-sdk-ruby#1784, U today) not JSON: empty message; KP4 (P) over 32 KB:
  LimitExceededException; KP6 (S, amended 2025-08-18) a statement without Action or Resource is refused.
- 4.6 (P model GetKeyPolicy example; A LS-AWS) the default policy; a user's policy comes back
  re-serialized in AWS's pretty form (A: aws/aws-cli#9456; LS-AWS test_get_put_list_key_policies).
- E8, E9 (P, KMS DG): the key policy must allow; across accounts key policy and IAM; which operations
  work across accounts. E12 (P, S3 troubleshoot-403): ``aws/s3`` is for its own account only.
- KE3, KE4 (A): AccessDeniedException texts of direct calls (HTTP 400).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import NO_RETRY
from support import error

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.errors.kms import AccessDeniedException
from pytest_s3sse._internal.kms.managed import authorize as managed_authorize
from pytest_s3sse._internal.kms.types import Caller
from pytest_s3sse._internal.types import Principal

ACCOUNT = "123456789012"
OTHER = "999988887777"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."


def statement(principal: Any, actions: Any = "kms:*", effect: str = "Allow", **extra: Any) -> Any:
    return {
        "Effect": effect,
        "Principal": principal,
        "Action": actions,
        "Resource": "*",
        **extra,
    }


def document(*statements: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ROOT_ALL = statement({"AWS": ROOT})


def as_principal(s3sse: Any, arn: str, service: str = "kms", **policy: Any) -> Any:
    creds = s3sse.principal(arn, **policy)
    return boto3.client(service, region_name="us-east-1", config=NO_RETRY, **creds)


# -- validation (4.5) --------------------------------------------------------------------------------
def test_create_key_refuses_a_policy_that_locks_the_caller_out(kms):
    # KP1: the root caller is not named; only bob may manage the key.
    with pytest.raises(ClientError) as info:
        kms.create_key(Policy=document(statement({"AWS": BOB})))
    assert error(info) == (400, {"Code": "MalformedPolicyDocumentException", "Message": LOCKOUT})
    assert kms.list_keys()["Keys"] == []


def test_put_key_policy_refuses_a_policy_that_locks_the_caller_out(kms, key):
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(
            KeyId=key["KeyId"], PolicyName="default", Policy=document(statement({"AWS": BOB}))
        )
    assert error(info) == (400, {"Code": "MalformedPolicyDocumentException", "Message": LOCKOUT})
    assert "Enable IAM User Permissions" in kms.get_key_policy(KeyId=key["KeyId"])["Policy"]


def test_an_explicit_deny_of_put_key_policy_locks_out(kms, key):
    # E1: the Deny wins over the root's kms:*, so a later PutKeyPolicy would fail (KP1).
    deny = statement("*", "kms:PutKeyPolicy", effect="Deny")
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(
            KeyId=key["KeyId"], PolicyName="default", Policy=document(ROOT_ALL, deny)
        )
    assert error(info)[1]["Message"] == LOCKOUT


def test_bypass_policy_lockout_safety_check_accepts_the_policy_and_locks_out(kms):
    # KP1 (P): "BypassPolicyLockoutSafetyCheck" skips the check; the key is then unmanageable
    # (KE3's form: the key policy does not name the caller).
    key = kms.create_key(
        Policy=document(statement({"AWS": BOB})), BypassPolicyLockoutSafetyCheck=True
    )["KeyMetadata"]
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=document(ROOT_ALL))
    assert error(info) == (
        400,
        {
            "Code": "AccessDeniedException",
            "Message": f"User: {ROOT} is not authorized to perform: kms:PutKeyPolicy on resource: "
            f"{key['Arn']} because no resource-based policy allows the kms:PutKeyPolicy action",
        },
    )


def test_a_role_that_names_itself_passes_the_lockout_check(s3sse):
    role = f"arn:aws:iam::{ACCOUNT}:role/admin"
    kms = as_principal(s3sse, role)
    key = kms.create_key(Policy=document(statement({"AWS": role})))["KeyMetadata"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyId"] == key["KeyId"]


def test_an_invalid_principal_is_kp2(kms):
    with pytest.raises(ClientError) as info:
        kms.create_key(Policy=document(statement({"AWS": "arn:aws:iam::123:user/x"})))
    assert error(info) == (
        400,
        {"Code": "MalformedPolicyDocumentException", "Message": INVALID_PRINCIPALS},
    )


def test_a_policy_that_is_not_json_is_kp3_with_an_empty_message(kms, key):
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy="not json")
    assert error(info) == (400, {"Code": "MalformedPolicyDocumentException", "Message": ""})


def test_a_policy_over_32_kb_is_limit_exceeded(kms, key):
    # KP4 (P: 32,768 bytes; the message is U).
    padding = [statement({"AWS": ROOT}, Sid=f"s{i}") for i in range(400)]
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=document(*padding))
    assert error(info)[1]["Code"] == "LimitExceededException"


@pytest.mark.parametrize("missing", ["Action", "Resource"])
def test_a_statement_without_action_or_resource_is_malformed(kms, key, missing):
    # KP6 as amended on 2025-08-18 (S: AWS's notice quoted in ministryofjustice/analytical-platform
    # #7691): "requests without a valid Action or NotAction, and Resource element in the key policy
    # will be rejected with MalformedPolicyDocumentException"; the message is U (empty, as KP3).
    idle = {
        "Sid": "idle",
        "Effect": "Allow",
        "Principal": {"AWS": ROOT},
        "Action": "kms:*",
        "Resource": "*",
    }
    del idle[missing]
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(
            KeyId=key["KeyId"], PolicyName="default", Policy=document(ROOT_ALL, idle)
        )
    assert error(info)[1] == {"Code": "MalformedPolicyDocumentException", "Message": ""}


def test_a_principal_given_as_the_string_star_is_accepted(kms, key):
    # KP6 (P; S aws/aws-cdk#10403): the API accepts "Principal": "*" (the console does not).
    everyone = {"Effect": "Allow", "Principal": "*", "Action": "kms:Describe*", "Resource": "*"}
    kms.put_key_policy(
        KeyId=key["KeyId"], PolicyName="default", Policy=document(ROOT_ALL, everyone)
    )
    assert '"Principal" : "*"' in kms.get_key_policy(KeyId=key["KeyId"])["Policy"]


# -- GetKeyPolicy (4.6) -------------------------------------------------------------------------------
def test_get_key_policy_returns_the_default_policy_exactly(kms, key):
    assert kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"] == (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
        '    "Principal" : {\n      "AWS" : "arn:aws:iam::123456789012:root"\n    },\n'
        '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
    )


def test_get_key_policy_returns_a_users_policy_in_awss_form_with_its_order_kept(kms, key):
    # A (aws/aws-cli#9456): "Sid" : ..., arrays inline, "}, {" between statements.
    sent = document(
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*",
         "Resource": "*"},
        {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": [BOB, ROOT]},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"},
    )  # fmt: skip
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=sent)
    returned = kms.get_key_policy(KeyId=key["KeyId"])["Policy"]
    assert json.loads(returned) == json.loads(sent)
    assert returned == (
        '{\n  "Version" : "2012-10-17",\n  "Statement" : [ {\n    "Sid" : "Root",\n'
        '    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : "arn:aws:iam::123456789012:root"\n'
        '    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  }, {\n    "Sid" : "Use",\n'
        '    "Effect" : "Allow",\n    "Principal" : {\n'
        '      "AWS" : [ "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::123456789012:root" ]\n'
        '    },\n    "Action" : [ "kms:Decrypt", "kms:GenerateDataKey" ],\n    "Resource" : "*"\n'
        "  } ]\n}"
    )


# -- enforcement on direct calls (E8, KE3, KE4) --------------------------------------------------------
ALLOW_ALL_KMS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}],
}


def test_a_user_the_key_policy_does_not_name_is_denied_with_the_resource_based_text(s3sse, kms):
    # KE3 (A): "because no resource-based policy allows"; an identity allow does not help (E8).
    root_only = statement({"AWS": ROOT}, Condition={"StringEquals": {"aws:PrincipalArn": ROOT}})
    arn = kms.create_key(Policy=document(root_only))["KeyMetadata"]["Arn"]
    bob = as_principal(s3sse, BOB, policy=ALLOW_ALL_KMS)
    with pytest.raises(ClientError) as info:
        bob.encrypt(KeyId=arn, Plaintext=b"x")
    assert error(info) == (
        400,
        {
            "Code": "AccessDeniedException",
            "Message": f"User: {BOB} is not authorized to perform: kms:Encrypt on resource: {arn} "
            "because no resource-based policy allows the kms:Encrypt action",
        },
    )


def test_a_user_with_no_identity_policy_may_use_a_key_delegated_to_its_account(s3sse, key):
    # The double's rule: a principal registered without a policy has full identity permissions.
    bob = as_principal(s3sse, BOB)
    assert bob.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"]


def test_a_denied_direct_call_is_recorded_with_its_key_and_error(s3sse, key):
    bob = as_principal(
        s3sse,
        BOB,
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "kms:Describe*", "Resource": "*"}],
        },
    )
    with pytest.raises(ClientError):
        bob.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"a": "b"})
    call = s3sse.kms_calls[-1]
    assert (call.operation, call.key_arn, call.caller, call.via, call.error) == (
        "GenerateDataKey",
        key["Arn"],
        BOB,
        "direct",
        "AccessDeniedException",
    )


def test_kms_encryption_context_condition_keys_reach_a_direct_call(s3sse, kms, key):
    # K21/K22 (P, KMS DG conditions-kms): kms:EncryptionContext:<k> from the request's context.
    only_finance = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:EncryptionContext:dept": "finance"}}}
        ],
    }  # fmt: skip
    bob = as_principal(s3sse, BOB, policy=only_finance)
    bob.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "finance"})
    with pytest.raises(ClientError) as info:
        bob.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "sales"})
    assert error(info)[1]["Message"].endswith(
        "because no identity-based policy allows the kms:Encrypt action"
    )


def test_for_any_value_on_encryption_context_keys_fails_without_a_context(s3sse, key):
    # K22 (P): "ForAnyValue fails with no context".
    any_key = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*",
             "Condition": {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["dept"]}}}
        ],
    }  # fmt: skip
    bob = as_principal(s3sse, BOB, policy=any_key)
    bob.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "a", "x": "b"})
    with pytest.raises(ClientError) as info:
        bob.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert error(info)[1]["Code"] == "AccessDeniedException"


# -- across accounts (E9) ----------------------------------------------------------------------------
PARTNER = f"arn:aws:iam::{OTHER}:user/partner"


@pytest.fixture
def shared_key(kms: Any) -> dict[str, Any]:
    other_root = statement(
        {"AWS": f"arn:aws:iam::{OTHER}:root"},
        ["kms:Encrypt", "kms:DescribeKey", "kms:PutKeyPolicy"],
    )
    return kms.create_key(Policy=document(ROOT_ALL, other_root))["KeyMetadata"]


def test_another_account_may_use_a_key_whose_policy_names_it(s3sse, shared_key):
    partner = as_principal(s3sse, PARTNER)
    assert partner.encrypt(KeyId=shared_key["Arn"], Plaintext=b"x")["KeyId"] == shared_key["Arn"]
    assert partner.describe_key(KeyId=shared_key["Arn"])["KeyMetadata"]["Arn"] == shared_key["Arn"]


def test_another_accounts_iam_must_allow_too(s3sse, shared_key):
    # E9: "Neither ... alone is sufficient".
    only_describe = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"}],
    }
    partner = as_principal(s3sse, PARTNER, policy=only_describe)
    with pytest.raises(ClientError) as info:
        partner.encrypt(KeyId=shared_key["Arn"], Plaintext=b"x")
    assert error(info)[1]["Message"].endswith(
        "because no identity-based policy allows the kms:Encrypt action"
    )


def test_another_account_is_denied_a_key_whose_policy_does_not_name_it(s3sse, key):
    partner = as_principal(s3sse, PARTNER)
    with pytest.raises(ClientError) as info:
        partner.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    assert error(info)[1]["Message"] == (
        f"User: {PARTNER} is not authorized to perform: kms:Encrypt on resource: {key['Arn']} "
        "because no resource-based policy allows the kms:Encrypt action"
    )


def test_put_key_policy_does_not_reach_across_accounts_even_when_the_policy_allows(
    s3sse, shared_key
):
    # E9: PutKeyPolicy is not among the cross-account operations (U: NotFoundException, as today).
    partner = as_principal(s3sse, PARTNER)
    with pytest.raises(ClientError) as info:
        partner.put_key_policy(
            KeyId=shared_key["Arn"], PolicyName="default", Policy=document(ROOT_ALL)
        )
    assert error(info)[1]["Code"] == "NotFoundException"


# -- the aws/s3 key (E12, 4.6) ------------------------------------------------------------------------
def test_another_account_cannot_describe_the_aws_s3_key_directly(s3sse, kms):
    arn = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
    partner = as_principal(s3sse, PARTNER)
    with pytest.raises(ClientError) as info:
        partner.describe_key(KeyId=arn)
    assert error(info)[1]["Code"] == "AccessDeniedException"


def test_a_user_of_the_account_may_describe_the_aws_s3_key_but_not_use_it_directly(s3sse, kms):
    arn = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
    bob = as_principal(s3sse, BOB)
    assert bob.describe_key(KeyId=arn)["KeyMetadata"]["KeyManager"] == "AWS"
    with pytest.raises(ClientError) as info:
        bob.encrypt(KeyId=arn, Plaintext=b"x")
    assert error(info)[1]["Message"].endswith(
        "because no resource-based policy allows the kms:Encrypt action"
    )


_ACTIONS = (
    "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext", "DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus",
    "ListResourceTags", "PutKeyPolicy", "EnableKeyRotation", "DisableKey", "ScheduleKeyDeletion",
    "TagResource", "CreateGrant",
)  # fmt: skip


@pytest.mark.parametrize("action", _ACTIONS)
@pytest.mark.parametrize("via", ["direct", "s3"])
@pytest.mark.parametrize("account", [ACCOUNT, OTHER])
def test_the_aws_s3_policy_evaluated_agrees_with_its_fixed_rules(s3sse, action, via, account):
    # The fixed rules (managed.authorize, for the test API's calls) and the evaluator (requests) read
    # the same auto-s3-2 policy the same way for a root caller.
    service = s3sse.kms
    view = service.managed_key("aws/s3", account=ACCOUNT, region="us-east-1")
    key = service.store.region(ACCOUNT, "us-east-1", s3sse.clock.now()).keys[view.key_id]
    principal = Principal(account, f"arn:aws:iam::{account}:root")
    context = RequestContext.internal(principal, time=s3sse.clock.now(), region="us-east-1")
    if via == "s3":
        caller = Caller.for_s3(context, account=ACCOUNT, region="us-east-1")
    else:
        caller = Caller.of(context)

    def allowed(check: Any) -> bool:
        try:
            check()
        except AccessDeniedException:
            return False
        return True

    fixed = allowed(lambda: managed_authorize(key, action, Caller(principal, "us-east-1", via)))
    evaluated = allowed(lambda: service._authorize(key, action, caller))
    assert fixed == evaluated

"""KMS grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and grants as an
allow path beside the key policy and IAM.

Sources: the botocore KMS model (P: members, errors, the CreateGrant/ListGrants/ListRetirableGrants
examples, "Cross-account use: Yes", Name idempotency, "the returned grant token is unique with every
CreateGrant request", GrantConstraints), the KMS DG grants.md (P; policy-behaviour.md E10: "A grant can
allow access to a KMS key, but not deny access"), resource-limits (P: 50,000 grants per key, 500 per
grantee per key), conditions-kms (P: kms:GrantOperations, kms:GrantIsForAWSResource: K23). Error texts
the model does not give are U (docs/kms.md).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import NO_RETRY
from support import error

from pytest_s3sse._internal.kms import grants as grants_module

ACCOUNT = "123456789012"
OTHER = "999988887777"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/worker"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/worker/s3sse-session"
ONLY_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def as_principal(s3sse: Any, arn: str, service: str = "kms", **policy: Any) -> Any:
    creds = s3sse.principal(arn, **policy)
    return boto3.client(service, region_name="us-east-1", config=NO_RETRY, **creds)


@pytest.fixture
def worker(s3sse: Any) -> Any:
    """The role ``worker``, whose IAM allows S3 only: a default key policy alone does not let it use
    a key (E8)."""
    return as_principal(s3sse, ROLE, policy=ONLY_S3)


def grant(kms: Any, key: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("GranteePrincipal", ROLE)
    kwargs.setdefault("Operations", ["Encrypt", "Decrypt"])
    return kms.create_grant(KeyId=key["KeyId"], **kwargs)


# -- CreateGrant --------------------------------------------------------------------------------------
def test_create_grant_returns_a_64_hex_grant_id_and_a_token(kms, key):
    made = grant(kms, key)
    assert len(made["GrantId"]) == 64
    assert int(made["GrantId"], 16) >= 0
    assert made["GrantToken"]


def test_a_grant_lets_its_grantee_use_the_key_without_iam(worker, kms, key):
    # E10 (P): a third allow path; the grantee needs no key-policy or IAM allow.
    with pytest.raises(ClientError):
        worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    grant(kms, key)
    blob = worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")["CiphertextBlob"]
    assert worker.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_a_grant_allows_only_its_operations(worker, kms, key):
    grant(kms, key, Operations=["Encrypt"])
    blob = worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        worker.decrypt(CiphertextBlob=blob)
    assert error(info) == (
        400,
        {
            "Code": "AccessDeniedException",
            "Message": f"User: {SESSION} is not authorized to perform: kms:Decrypt on resource: "
            f"{key['Arn']} because no identity-based policy allows the kms:Decrypt action",
        },
    )


def test_a_grant_never_overrides_an_explicit_deny(s3sse, kms, key):
    # E10: "A grant can allow access to a KMS key, but not deny access"; E1: a Deny wins.
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "kms:Encrypt", "Resource": "*"}],
    }
    worker = as_principal(s3sse, ROLE, policy=deny)
    grant(kms, key)
    with pytest.raises(ClientError) as info:
        worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    assert error(info)[1]["Message"].endswith("with an explicit deny in an identity-based policy")


def test_an_encryption_context_subset_constraint_must_hold(worker, kms, key):
    # P (GrantConstraints): the request's context must include the constraint's pairs; keys are
    # case-insensitive, values case-sensitive.
    grant(kms, key, Constraints={"EncryptionContextSubset": {"Dept": "finance"}})
    worker.encrypt(
        KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"dept": "finance", "x": "y"}
    )
    for context in ({}, {"dept": "Finance"}, {"other": "finance"}):
        with pytest.raises(ClientError):
            worker.encrypt(KeyId=key["Arn"], Plaintext=b"x", EncryptionContext=context)


def test_an_encryption_context_equals_constraint_must_match_exactly(worker, kms, key):
    grant(kms, key, Constraints={"EncryptionContextEquals": {"dept": "finance"}})
    worker.encrypt(KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"dept": "finance"})
    with pytest.raises(ClientError):
        worker.encrypt(
            KeyId=key["Arn"], Plaintext=b"x", EncryptionContext={"dept": "finance", "x": "y"}
        )


def test_constraints_do_not_apply_to_describe_key(worker, kms, key):
    # P (GrantConstraints): "not applied to ... management operations, such as DescribeKey".
    grant(
        kms,
        key,
        Operations=["DescribeKey"],
        Constraints={"EncryptionContextEquals": {"dept": "finance"}},
    )
    assert worker.describe_key(KeyId=key["Arn"])["KeyMetadata"]["Arn"] == key["Arn"]


def test_a_grant_for_the_role_lets_s3_decrypt_for_its_session(s3sse, s3, kms, bucket, key):
    # E11 + E10: S3 calls KMS as the caller, so a grant to the caller's role allows S3's Decrypt.
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"data", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )
    reader = as_principal(s3sse, ROLE, "s3", policy=ONLY_S3)
    with pytest.raises(ClientError):
        reader.get_object(Bucket=bucket, Key="k")
    grant(kms, key, Operations=["Decrypt"])
    assert reader.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"


def test_a_name_reused_with_the_same_parameters_returns_the_same_grant(kms, key):
    # P (Name): "the original GrantId is returned without creating a new grant"; the token differs.
    first = grant(kms, key, Name="nightly")
    again = grant(kms, key, Name="nightly")
    assert first["GrantId"] == again["GrantId"]
    assert first["GrantToken"] != again["GrantToken"]
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 1


def test_a_name_reused_with_other_parameters_makes_a_new_grant(kms, key):
    first = grant(kms, key, Name="nightly")
    other = grant(kms, key, Name="nightly", Operations=["Decrypt"])
    assert first["GrantId"] != other["GrantId"]


def test_dry_run_makes_no_grant(kms, key):
    with pytest.raises(ClientError) as info:
        grant(kms, key, DryRun=True)
    assert error(info)[1]["Code"] == "DryRunOperationException"
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_an_operation_outside_the_grant_operations_is_a_validation_error(kms, key):
    with pytest.raises(ClientError) as info:
        grant(kms, key, Operations=["PutKeyPolicy"])
    assert error(info)[1]["Code"] == "ValidationException"


def test_an_operation_a_symmetric_key_does_not_support_is_a_validation_error(kms, key):
    # P (Operations): "you cannot create a grant for a symmetric encryption KMS key that allows the
    # Sign operation ... KMS returns a ValidationError exception".
    with pytest.raises(ClientError) as info:
        grant(kms, key, Operations=["Sign"])
    assert error(info)[1]["Code"] == "ValidationException"


def test_create_grant_on_a_key_pending_deletion_is_invalid_state(kms, key):
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as info:
        grant(kms, key)
    assert error(info)[1] == {
        "Code": "KMSInvalidStateException",
        "Message": f"{key['Arn']} is pending deletion.",
    }


def test_create_grant_on_a_disabled_key_is_disabled(kms, key):
    # P, KMS DG key-state table: CreateGrant on a Disabled key fails [1].
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        grant(kms, key)
    assert error(info)[1] == {"Code": "DisabledException", "Message": f"{key['Arn']} is disabled."}


def test_create_grant_needs_kms_create_grant(s3sse, key):
    only_encrypt = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}],
    }
    bob = as_principal(s3sse, f"arn:aws:iam::{ACCOUNT}:user/bob", policy=only_encrypt)
    with pytest.raises(ClientError) as info:
        grant(bob, key)
    assert error(info)[1]["Message"].endswith(
        "because no identity-based policy allows the kms:CreateGrant action"
    )


def test_kms_grant_operations_is_a_condition_key_on_create_grant(s3sse, key):
    # K23/conditions-kms (P): kms:GrantOperations (multivalued) and kms:GrantIsForAWSResource.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "kms:CreateGrant",
                "Resource": "*",
                "Condition": {
                    "ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]},
                    "Bool": {"kms:GrantIsForAWSResource": "false"},
                },
            }
        ],
    }
    bob = as_principal(s3sse, f"arn:aws:iam::{ACCOUNT}:user/bob", policy=policy)
    grant(bob, key, Operations=["Decrypt"])
    with pytest.raises(ClientError) as info:
        grant(bob, key, Operations=["Decrypt", "Encrypt"])
    assert error(info)[1]["Code"] == "AccessDeniedException"


def test_the_grants_per_key_quota_is_limit_exceeded(monkeypatch, kms, key):
    # P (resource-limits): 50,000 grants per key (lowered here to keep the test fast).
    monkeypatch.setattr(grants_module, "MAX_GRANTS_PER_KEY", 2)
    grant(kms, key)
    grant(kms, key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:user/bob")
    with pytest.raises(ClientError) as info:
        grant(kms, key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:user/carol")
    assert error(info)[1]["Code"] == "LimitExceededException"


def test_the_grants_per_grantee_quota_is_limit_exceeded(monkeypatch, kms, key):
    monkeypatch.setattr(grants_module, "MAX_GRANTS_PER_GRANTEE", 1)
    grant(kms, key)
    with pytest.raises(ClientError) as info:
        grant(kms, key, Operations=["Decrypt"])
    assert error(info)[1]["Code"] == "LimitExceededException"


def test_a_grantee_may_grant_its_own_operations_only(worker, kms, key):
    # P (KMS DG grants.md): a grant that allows CreateGrant lets the grantee create grants with the
    # same or fewer operations.
    grant(kms, key, Operations=["Decrypt", "CreateGrant"])
    other = f"arn:aws:iam::{ACCOUNT}:user/bob"
    worker.create_grant(KeyId=key["Arn"], GranteePrincipal=other, Operations=["Decrypt"])
    with pytest.raises(ClientError) as info:
        worker.create_grant(KeyId=key["Arn"], GranteePrincipal=other, Operations=["Encrypt"])
    assert error(info)[1]["Code"] == "AccessDeniedException"


# -- ListGrants ---------------------------------------------------------------------------------------
def test_list_grants_shows_each_grant_as_the_model_documents(s3sse, kms, key):
    made = grant(
        kms,
        key,
        Name="nightly",
        RetiringPrincipal=ROOT,
        Constraints={"EncryptionContextSubset": {"dept": "finance"}},
    )
    [entry] = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert {k: v for k, v in entry.items() if k != "CreationDate"} == {
        "KeyId": key["Arn"],
        "GrantId": made["GrantId"],
        "Name": "nightly",
        "GranteePrincipal": ROLE,
        "RetiringPrincipal": ROOT,
        "IssuingAccount": ROOT,
        "Operations": ["Encrypt", "Decrypt"],
        "Constraints": {"EncryptionContextSubset": {"dept": "finance"}},
    }
    assert entry["CreationDate"].timestamp() == pytest.approx(s3sse.clock.now().timestamp(), abs=1)


def test_list_grants_filters_by_grant_id_and_grantee(kms, key):
    first = grant(kms, key)
    grant(kms, key, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:user/bob")
    by_id = kms.list_grants(KeyId=key["KeyId"], GrantId=first["GrantId"])["Grants"]
    assert [g["GrantId"] for g in by_id] == [first["GrantId"]]
    by_grantee = kms.list_grants(KeyId=key["KeyId"], GranteePrincipal=ROLE)["Grants"]
    assert [g["GrantId"] for g in by_grantee] == [first["GrantId"]]


def test_list_grants_pages(kms, key):
    ids = [grant(kms, key, Name=f"g{i}")["GrantId"] for i in range(3)]
    first = kms.list_grants(KeyId=key["KeyId"], Limit=2)
    assert first["Truncated"] is True
    rest = kms.list_grants(KeyId=key["KeyId"], Limit=2, Marker=first["NextMarker"])
    assert [g["GrantId"] for g in first["Grants"] + rest["Grants"]] == ids
    assert rest["Truncated"] is False


def test_list_grants_with_a_malformed_grant_id_is_invalid_grant_id(kms, key):
    with pytest.raises(ClientError) as info:
        kms.list_grants(KeyId=key["KeyId"], GrantId="nope")
    assert error(info)[1]["Code"] == "InvalidGrantIdException"


def test_grant_operations_are_recorded_in_kms_calls(s3sse, kms, key):
    made = grant(kms, key)
    kms.list_grants(KeyId=key["KeyId"])
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=made["GrantId"])
    assert [(c.operation, c.key_arn, c.error) for c in s3sse.kms_calls[-3:]] == [
        ("CreateGrant", key["Arn"], None),
        ("ListGrants", key["Arn"], None),
        ("RevokeGrant", key["Arn"], None),
    ]


# -- ListRetirableGrants ------------------------------------------------------------------------------
def test_list_retirable_grants_lists_the_grants_a_principal_may_retire(kms, key):
    made = grant(kms, key, RetiringPrincipal=ROLE)
    grant(kms, key, RetiringPrincipal=ROOT)
    grants = kms.list_retirable_grants(RetiringPrincipal=ROLE)["Grants"]
    assert [g["GrantId"] for g in grants] == [made["GrantId"]]


def test_list_retirable_grants_needs_a_principal_of_the_callers_account(s3sse, kms, key):
    # P: "You must specify a principal in your Amazon Web Services account"; IAM decides (U text).
    partner = as_principal(s3sse, f"arn:aws:iam::{OTHER}:user/partner")
    with pytest.raises(ClientError) as info:
        partner.list_retirable_grants(RetiringPrincipal=ROLE)
    assert error(info)[1]["Code"] == "AccessDeniedException"


# -- RetireGrant and RevokeGrant -----------------------------------------------------------------------
def test_the_retiring_principal_retires_a_grant_by_token(s3sse, kms, key):
    made = grant(kms, key, RetiringPrincipal=ROLE)
    as_principal(s3sse, ROLE, policy=ONLY_S3).retire_grant(GrantToken=made["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_the_grantee_retires_a_grant_that_allows_retire_grant(worker, kms, key):
    made = grant(kms, key, Operations=["Encrypt", "RetireGrant"])
    worker.retire_grant(KeyId=key["Arn"], GrantId=made["GrantId"])
    with pytest.raises(ClientError):
        worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")


def test_a_grantee_whose_grant_does_not_allow_retire_grant_cannot_retire_it(worker, kms, key):
    made = grant(kms, key)
    with pytest.raises(ClientError) as info:
        worker.retire_grant(KeyId=key["Arn"], GrantId=made["GrantId"])
    assert error(info)[1]["Code"] == "AccessDeniedException"
    assert len(kms.list_grants(KeyId=key["KeyId"])["Grants"]) == 1


def test_the_keys_account_may_retire_any_grant(kms, key):
    # P: "and by the Amazon Web Services account in which the grant is created".
    made = grant(kms, key)
    kms.retire_grant(KeyId=key["Arn"], GrantId=made["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_a_token_the_engine_did_not_issue_is_invalid_grant_token(kms, key):
    with pytest.raises(ClientError) as info:
        kms.retire_grant(GrantToken="not-a-token")
    assert error(info)[1] == {
        "Code": "InvalidGrantTokenException",
        "Message": "The request was rejected because the specified grant token is not valid.",
    }


def test_grant_tokens_on_other_calls_are_checked_for_shape(kms, key):
    made = grant(kms, key)
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=[made["GrantToken"]])
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=["forged"])
    assert error(info)[1]["Code"] == "InvalidGrantTokenException"


def test_revoke_grant_removes_the_permission_at_once(worker, kms, key):
    # Grants take effect, and end, at once here (AWS: eventual consistency, not modelled).
    made = grant(kms, key)
    worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=made["GrantId"])
    with pytest.raises(ClientError):
        worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")


def test_revoke_grant_of_an_unknown_grant_is_not_found(kms, key):
    with pytest.raises(ClientError) as info:
        kms.revoke_grant(KeyId=key["KeyId"], GrantId="0" * 64)
    assert error(info)[1]["Code"] == "NotFoundException"


def test_revoke_grant_of_a_malformed_id_is_invalid_grant_id(kms, key):
    with pytest.raises(ClientError) as info:
        kms.revoke_grant(KeyId=key["KeyId"], GrantId="xyz")
    assert error(info)[1]["Code"] == "InvalidGrantIdException"


def test_revoke_grant_needs_kms_revoke_grant(worker, kms, key):
    made = grant(kms, key)
    with pytest.raises(ClientError) as info:
        worker.revoke_grant(KeyId=key["Arn"], GrantId=made["GrantId"])
    assert error(info)[1]["Code"] == "AccessDeniedException"


# -- across accounts (E9) ----------------------------------------------------------------------------
def test_another_account_may_create_grants_on_a_key_its_policy_names(s3sse, kms):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                "Action": ["kms:CreateGrant", "kms:ListGrants"],
                "Resource": "*",
            },
        ],
    }
    key = kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]
    partner = as_principal(s3sse, f"arn:aws:iam::{OTHER}:root")
    made = partner.create_grant(
        KeyId=key["Arn"], GranteePrincipal=f"arn:aws:iam::{OTHER}:root", Operations=["Encrypt"]
    )
    grants = partner.list_grants(KeyId=key["Arn"])["Grants"]
    assert [(g["GrantId"], g["IssuingAccount"]) for g in grants] == [(made["GrantId"], ROOT)]
    assert partner.encrypt(KeyId=key["Arn"], Plaintext=b"x")["KeyId"] == key["Arn"]


def test_explain_says_a_grant_allowed_what_the_key_policy_did_not(s3sse, worker, kms, key):
    # The key policy's implicit deny is kept, then overturned by the grant (E10): not a denial.
    grant(kms, key)
    response = worker.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    why = s3sse.explain(response)
    assert why.allowed
    assert why.denial is None
    assert why.decision is not None
    assert why.decision.policy == "grant"
    assert "allowed by the grant" in str(why)

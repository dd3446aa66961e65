"""The AWS managed key ``aws/s3``: created lazily per account and region, described as AWS describes it,
rotating yearly, usable by S3 for the account's principals and not manageable by users.

Sources: shared/reference/aws-sse-behaviour.md 7.1 (A: LS-AWS
``test_s3_bucket_encryption_sse_kms_aws_managed_key``) and 12.8 (U: AccessDeniedException for managing
its rotation), the botocore model (P: DescribeKey creates AWS managed keys from predefined aliases;
"You cannot enable or disable automatic rotation of AWS managed KMS keys"; TagResource "you cannot tag
an AWS managed key"), KMS DG "Editing keys" (P) and policy-behaviour.md 4.6 (S: the aws/s3 key policy).
The domain calls S3 will make are exercised through ``s3sse.kms`` with ``Caller.for_s3``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from support import error as _error

from pytest_s3sse._internal.errors.kms import AccessDeniedException
from pytest_s3sse._internal.kms.types import Caller
from pytest_s3sse._internal.types import Principal

ROOT = "arn:aws:iam::123456789012:root"
DESCRIPTION = "Default key that protects my S3 objects when no other key is defined"


@pytest.fixture
def managed(kms):
    return kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]


def _denied(action, arn):
    # U (reference 12.8): the A format of policy-behaviour.md KE3 for the fixed aws/s3 key policy.
    return {
        "Code": "AccessDeniedException",
        "Message": f"User: {ROOT} is not authorized to perform: kms:{action} on resource: {arn} because no resource-based policy allows the kms:{action} action",
    }


def test_describing_alias_aws_s3_creates_the_aws_managed_key(managed):
    # A: 7.1 (KeyManager AWS, the description, symmetric, Enabled, single-Region); P: DescribeKey.
    expected = {
        "KeyManager": "AWS", "Description": DESCRIPTION, "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "Enabled": True, "MultiRegion": False,
    }  # fmt: skip
    assert {k: managed[k] for k in expected} == expected


def _aws_s3_alias(kms):
    [alias] = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/aws/s3"]
    return alias


def test_list_aliases_shows_aws_s3_without_a_target_until_its_key_exists(kms):
    # P: ListAliases lists "predefined aliases that AWS has created but has not yet associated with a
    # KMS key" without TargetKeyId; the model's example shows alias/aws/s3 with one once it exists.
    assert _aws_s3_alias(kms) == {
        "AliasName": "alias/aws/s3",
        "AliasArn": "arn:aws:kms:us-east-1:123456789012:alias/aws/s3",
    }
    key_id = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"]
    assert _aws_s3_alias(kms)["TargetKeyId"] == key_id


def test_list_aliases_lists_the_predefined_aws_aliases_in_a_fresh_account(kms):
    # P (ListAliases: predefined aliases are listed); the names T (moto) and S (an account's listing).
    names = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    assert {"alias/aws/ebs", "alias/aws/rds", "alias/aws/s3", "alias/aws/ssm"} <= set(names)
    assert names == sorted(names)
    assert all(name.startswith("alias/aws/") for name in names)


def test_the_managed_key_is_made_once_per_account_and_region(s3sse, managed):
    # 7.1: "created lazily, once per account and region".
    kms = s3sse.kms
    assert (
        kms.managed_key("aws/s3", account="123456789012", region="us-east-1").arn == managed["Arn"]
    )
    elsewhere = kms.managed_key("aws/s3", account="123456789012", region="eu-west-1")
    other = kms.managed_key("aws/s3", account="999988887777", region="us-east-1")
    assert len({managed["Arn"], elsewhere.arn, other.arn}) == 3
    assert elsewhere.arn.startswith("arn:aws:kms:eu-west-1:123456789012:key/")


def test_the_managed_key_rotates_every_year_on_its_own(s3sse, kms):
    # P: "KMS always rotates the key material of AWS managed keys every year"; "The key rotation
    # status for AWS managed KMS keys is always true".
    s3sse.clock.freeze(datetime(2026, 1, 1, tzinfo=timezone.utc))
    key = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 365)
    assert status["NextRotationDate"] == datetime(2027, 1, 1, tzinfo=timezone.utc)
    s3sse.clock.advance(days=366)
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert rotation["RotationType"] == "AUTOMATIC"


@pytest.mark.parametrize(
    ("action", "call"),
    [
        ("EnableKeyRotation", lambda kms, k: kms.enable_key_rotation(KeyId=k)),
        ("DisableKeyRotation", lambda kms, k: kms.disable_key_rotation(KeyId=k)),
        ("RotateKeyOnDemand", lambda kms, k: kms.rotate_key_on_demand(KeyId=k)),
        ("DisableKey", lambda kms, k: kms.disable_key(KeyId=k)),
        ("EnableKey", lambda kms, k: kms.enable_key(KeyId=k)),
        ("ScheduleKeyDeletion", lambda kms, k: kms.schedule_key_deletion(KeyId=k)),
        (
            "PutKeyPolicy",
            lambda kms, k: kms.put_key_policy(KeyId=k, PolicyName="default", Policy="{}"),
        ),
        (
            "TagResource",
            lambda kms, k: kms.tag_resource(KeyId=k, Tags=[{"TagKey": "a", "TagValue": "b"}]),
        ),
        (
            "UpdateKeyDescription",
            lambda kms, k: kms.update_key_description(KeyId=k, Description="x"),
        ),
        ("CreateAlias", lambda kms, k: kms.create_alias(AliasName="alias/mine", TargetKeyId=k)),
    ],
)
def test_users_cannot_manage_the_aws_managed_key(kms, managed, action, call):
    # P: "You cannot edit any properties of AWS managed keys"; the error is U (reference 12.8).
    with pytest.raises(ClientError) as info:
        call(kms, managed["KeyId"])
    assert _error(info) == (400, _denied(action, managed["Arn"]))


def test_alias_aws_s3_cannot_be_deleted_or_moved(kms, managed):
    # P: alias/aws/ is reserved; T: moto's NotAuthorizedException (U on AWS).
    with pytest.raises(ClientError) as info:
        kms.delete_alias(AliasName="alias/aws/s3")
    assert _error(info)[1]["Code"] == "NotAuthorizedException"


def test_the_account_may_read_the_managed_keys_policy_and_tags(kms, managed):
    # S: the aws/s3 key policy (Describe*, Get*, List* for the account root; Id auto-s3-2).
    policy = kms.get_key_policy(KeyId=managed["KeyId"], PolicyName="default")["Policy"]
    assert '"Id" : "auto-s3-2"' in policy
    assert '"kms:ViaService" : "s3.us-east-1.amazonaws.com"' in policy
    assert kms.list_resource_tags(KeyId=managed["KeyId"])["Tags"] == []


def test_direct_encryption_with_the_managed_key_is_denied(kms, managed):
    # S: the aws/s3 policy allows Encrypt only with kms:ViaService s3.<region>.amazonaws.com.
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"x")
    assert _error(info)[1] == _denied("Encrypt", managed["Arn"])


def test_s3_may_use_the_managed_key_for_the_accounts_principals(s3sse):
    # S: the aws/s3 policy (kms:CallerAccount = the key's account, kms:ViaService = S3).
    caller = Caller.for_s3(
        Principal("123456789012", ROOT), account="123456789012", region="us-east-1"
    )
    data_key = s3sse.kms.generate_data_key(
        "alias/aws/s3", caller=caller, context={"aws:s3:arn": "a"}
    )
    back = s3sse.kms.decrypt(data_key.ciphertext_blob, caller=caller, context={"aws:s3:arn": "a"})
    assert back.plaintext == data_key.plaintext
    assert (
        back.key_arn
        == data_key.key_arn
        == s3sse.kms.key_arn("alias/aws/s3", account="123456789012", region="us-east-1")
    )


def test_s3_cannot_use_the_managed_key_for_another_accounts_principal(s3sse):
    # S: kms:CallerAccount must be the key's account, so aws/s3 does not work across accounts.
    other = Principal("999988887777", "arn:aws:iam::999988887777:root")
    caller = Caller.for_s3(other, account="123456789012", region="us-east-1")
    with pytest.raises(AccessDeniedException) as info:
        s3sse.kms.generate_data_key("alias/aws/s3", caller=caller)
    assert info.value.message.startswith(
        "User: arn:aws:iam::999988887777:root is not authorized to perform: kms:GenerateDataKey"
    )


def test_the_managed_key_is_not_created_by_listing(kms):
    # P: predefined aliases get a key when a service (or DescribeKey) first needs it.
    assert kms.list_keys()["Keys"] == []
    kms.describe_key(KeyId="alias/aws/s3")
    assert len(kms.list_keys()["Keys"]) == 1


def test_another_predefined_alias_is_not_modelled(s3sse):
    with pytest.raises(ValueError, match="no AWS managed key is modelled"):
        s3sse.kms.managed_key("aws/ebs", account="123456789012", region="us-east-1")


def test_a_year_later_old_s3_data_keys_still_decrypt(s3sse):
    # P: rotation keeps old material for decryption (reference 9.4).
    caller = Caller.for_s3(
        Principal("123456789012", ROOT), account="123456789012", region="us-east-1"
    )
    data_key = s3sse.kms.generate_data_key("alias/aws/s3", caller=caller)
    s3sse.clock.advance(timedelta(days=400).total_seconds())
    newer = s3sse.kms.generate_data_key("alias/aws/s3", caller=caller)
    assert newer.material_id != data_key.material_id
    assert (
        s3sse.kms.decrypt(data_key.ciphertext_blob, caller=caller).plaintext == data_key.plaintext
    )

"""KMS keys through boto3's kms client: creation, metadata, key id forms, regions and accounts, states,
deletion on the engine clock, tags, key policies and aliases.

Sources: shared/reference/aws-sse-behaviour.md section 9 (A = LocalStack's AWS-validated snapshots,
``tests/aws/services/kms/test_kms.snapshot.json``), the botocore model (P), the KMS Developer Guide
key-state table (P, awsdocs/aws-kms-developer-guide ``doc_source/key-state.md``, notes [1]-[10]) and
policy-behaviour.md 4.6. T = moto or LocalStack code; U = unconfirmed, value proposed (docs/kms.md).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from kms_support import KEY_FORMS, allow_account, key_form
from support import error as _error

KEY_METADATA = {
    "AWSAccountId", "KeyId", "Arn", "CreationDate", "Enabled", "Description", "KeyUsage", "KeyState",
    "Origin", "KeyManager", "CustomerMasterKeySpec", "KeySpec", "EncryptionAlgorithms", "MultiRegion",
    "CurrentKeyMaterialId",
}  # fmt: skip


@pytest.fixture
def key(kms):
    return kms.create_key(Description="test key")["KeyMetadata"]


def _arn(key_id, region="us-east-1", account="123456789012"):
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


# -- creation and metadata ----------------------------------------------------------------------------
def test_create_key_makes_an_enabled_symmetric_customer_key(kms):
    # A: test_create_key (the members and values of DescribeKey for a default key).
    meta = kms.create_key(Description="test key 123")["KeyMetadata"]
    assert set(meta) == KEY_METADATA
    assert meta["Arn"] == _arn(meta["KeyId"])
    assert meta["AWSAccountId"] == "123456789012"
    expected = {
        "Description": "test key 123", "Enabled": True, "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled", "Origin": "AWS_KMS", "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": False,
    }  # fmt: skip
    assert {k: meta[k] for k in expected} == expected
    assert len(meta["CurrentKeyMaterialId"]) == 64


def test_a_key_created_without_a_description_has_an_empty_one(kms):
    # P: the model's CreateKey example ("Description": "").
    assert kms.create_key()["KeyMetadata"]["Description"] == ""


def test_describe_key_matches_create_key(kms, key):
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"] == key


def test_a_multi_region_key_has_an_mrk_id_and_a_primary_configuration(kms):
    # A: test_create_multi_region_key; P: "mrk-" and 32 hex digits.
    meta = kms.create_key(MultiRegion=True)["KeyMetadata"]
    assert meta["KeyId"].startswith("mrk-")
    assert len(meta["KeyId"]) == 36
    assert meta["MultiRegion"] is True
    assert meta["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": meta["Arn"], "Region": "us-east-1"},
        "ReplicaKeys": [],
    }


def test_a_non_symmetric_key_needs_a_key_usage(kms):
    # A: test_hmac_create_key_invalid_operations.
    with pytest.raises(ClientError) as info:
        kms.create_key(KeySpec="HMAC_256")
    assert _error(info) == (
        400,
        {
            "Code": "ValidationException",
            "Message": "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
        },
    )


def test_an_hmac_key_lists_mac_algorithms_and_no_key_material_id(kms):
    # A: test_hmac_create_key (MacAlgorithms, no EncryptionAlgorithms, no CurrentKeyMaterialId).
    meta = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    assert meta["MacAlgorithms"] == ["HMAC_SHA_256"]
    assert "EncryptionAlgorithms" not in meta
    assert "CurrentKeyMaterialId" not in meta


def test_a_key_usage_the_spec_does_not_support_is_refused(kms):
    # T: LocalStack's text; U on AWS.
    with pytest.raises(ClientError) as info:
        kms.create_key(KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT")
    assert (
        _error(info)[1]["Message"]
        == "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256"
    )


def test_keys_in_a_custom_key_store_are_not_modelled(kms):
    with pytest.raises(ClientError) as info:
        kms.create_key(Origin="AWS_CLOUDHSM")
    assert _error(info) == (
        501,
        {
            "Code": "NotImplemented",
            "Message": "pytest-s3sse does not model keys with Origin AWS_CLOUDHSM",
        },
    )


# -- key ids, regions, accounts ----------------------------------------------------------------------
@pytest.mark.parametrize("form", KEY_FORMS)
def test_describe_key_accepts_every_key_form(kms, key, form):
    # P: "use its key ID, key ARN, alias name, or alias ARN" (DescribeKey).
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    ref = key_form(key, form, alias="alias/app")
    assert kms.describe_key(KeyId=ref)["KeyMetadata"]["Arn"] == key["Arn"]


@pytest.mark.parametrize(
    "key_id", ["fake-key-id", "134f2428cec14b25a1ae9048164dba47", "mrk-fake-key-id"]
)
def test_a_key_id_that_is_not_a_uuid_or_mrk_id_is_an_invalid_key_id(kms, key_id):
    # A: test_get_key_invalid_uuid.
    with pytest.raises(ClientError) as info:
        kms.describe_key(KeyId=key_id)
    assert _error(info) == (
        400,
        {"Code": "NotFoundException", "Message": f"Invalid keyId '{key_id}'"},
    )


@pytest.mark.parametrize(
    "key_id",
    ["0b5e0b0e-1c5e-4d4e-9a9e-4b0e7c1e2d3f", "mrk-0123456789abcdef0123456789abcdef"],
)
def test_a_well_formed_key_id_that_names_no_key_does_not_exist(kms, key_id):
    # A: test_get_key_does_not_exist (the message names the full ARN, also for an id and mrk-).
    for ref in (key_id, _arn(key_id)):
        with pytest.raises(ClientError) as info:
            kms.describe_key(KeyId=ref)
        assert _error(info)[1] == {
            "Code": "NotFoundException",
            "Message": f"Key '{_arn(key_id)}' does not exist",
        }


def test_a_key_arn_of_another_region_is_an_invalid_arn(kms, key):
    # A: test_get_key_in_different_region ("describe-key-diff-region-with-arn").
    with pytest.raises(ClientError) as info:
        kms.describe_key(KeyId=key["Arn"].replace("us-east-1", "eu-west-1"))
    assert _error(info)[1] == {"Code": "NotFoundException", "Message": "Invalid arn eu-west-1"}


def test_a_key_belongs_to_its_region(make_client, key):
    # A: test_get_key_in_different_region ("describe-key-diff-region-with-id").
    with pytest.raises(ClientError) as info:
        make_client("kms", region_name="eu-west-1").describe_key(KeyId=key["KeyId"])
    assert _error(info)[1]["Message"] == f"Key '{_arn(key['KeyId'], 'eu-west-1')}' does not exist"


def test_a_key_belongs_to_its_account_but_its_arn_reaches_across(s3sse, make_client, kms, key):
    # P: ListKeys lists the caller's account; DescribeKey "Cross-account use: Yes" with the key ARN,
    # once the key policy allows the other account (E9).
    allow_account(kms, key["KeyId"], "999988887777")
    s3sse.add_credentials("OTHERKEY", account_id="999988887777")
    other = make_client("kms", aws_access_key_id="OTHERKEY")
    assert other.list_keys()["Keys"] == []
    assert other.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyId"] == key["KeyId"]
    with pytest.raises(ClientError) as info:
        other.describe_key(KeyId=key["KeyId"])
    assert (
        _error(info)[1]["Message"]
        == f"Key '{_arn(key['KeyId'], account='999988887777')}' does not exist"
    )


def test_an_alias_that_does_not_exist_is_not_found(kms):
    # T: LocalStack and moto ("AWS itself uses AliasArn ... in this exception").
    with pytest.raises(ClientError) as info:
        kms.describe_key(KeyId="alias/nope")
    assert _error(info)[1] == {
        "Code": "NotFoundException",
        "Message": "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found.",
    }


def test_key_management_operations_do_not_take_an_alias(kms, key):
    # P: EnableKey/DisableKey/ScheduleKeyDeletion take "the key ID or key ARN"; the error is U.
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.disable_key(KeyId="alias/app")
    assert _error(info)[1] == {"Code": "NotFoundException", "Message": "Invalid keyId 'alias/app'"}


def test_list_keys_pages_with_limit_and_marker(kms):
    # P: Limit, Marker, NextMarker and Truncated (ListKeys).
    ids = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True
    second = kms.list_keys(Limit=2, Marker=first["NextMarker"])
    assert second["Truncated"] is False
    assert "NextMarker" not in second
    listed = first["Keys"] + second["Keys"]
    assert [k["KeyId"] for k in listed] == ids
    assert all(k["KeyArn"] == _arn(k["KeyId"]) for k in listed)


def test_list_keys_with_a_forged_marker_is_an_invalid_marker(kms):
    # P: InvalidMarkerException (ListKeys errors); the message is U.
    with pytest.raises(ClientError) as info:
        kms.list_keys(Marker="forged")
    assert _error(info)[1]["Code"] == "InvalidMarkerException"


# -- states -------------------------------------------------------------------------------------------
def test_disable_and_enable_key(kms, key):
    # A: LS-AWS test_disable_and_enable_key.
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["Enabled"], meta["KeyState"]) == (False, "Disabled")
    kms.enable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["Enabled"], meta["KeyState"]) == (True, "Enabled")


def test_schedule_key_deletion_waits_30_days_by_default(s3sse, kms, key):
    # P: "defaults to 30"; the response and DescribeKey show the deletion date (A: LS-AWS
    # test_schedule_and_cancel_key_deletion).
    s3sse.clock.freeze()
    out = kms.schedule_key_deletion(KeyId=key["KeyId"])
    expected = s3sse.clock.now() + timedelta(days=30)
    assert (out["KeyId"], out["KeyState"], out["PendingWindowInDays"]) == (
        key["Arn"], "PendingDeletion", 30,
    )  # fmt: skip
    assert abs(out["DeletionDate"] - expected) < timedelta(seconds=1)
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["Enabled"], meta["KeyState"]) == (False, "PendingDeletion")
    assert meta["DeletionDate"] == out["DeletionDate"]


@pytest.mark.parametrize("days", [6, 31])
def test_a_deletion_window_outside_7_to_30_days_is_refused(kms, key, days):
    # P: "it must be between 7 and 30, inclusive"; T: LocalStack's text (U on AWS).
    with pytest.raises(ClientError) as info:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": f"PendingWindowInDays should be between 7 and 30, but it is {days}",
    }


def test_scheduling_the_deletion_of_a_key_pending_deletion_is_invalid_state(kms, key):
    # A: LS-AWS test_cant_delete_deleted_key; P: key-state table [3] for the message.
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert _error(info)[1] == {
        "Code": "KMSInvalidStateException",
        "Message": f"{key['Arn']} is pending deletion.",
    }


def test_cancel_key_deletion_leaves_the_key_disabled(kms, key):
    # P: "the key state of the KMS key is Disabled"; A: LS-AWS test_schedule_and_cancel_key_deletion.
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["Enabled"], meta["KeyState"]) == (False, "Disabled")
    assert "DeletionDate" not in meta


def test_cancelling_the_deletion_of_a_key_not_pending_deletion_is_invalid_state(kms, key):
    # P: key-state table [4].
    with pytest.raises(ClientError) as info:
        kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert _error(info)[1] == {
        "Code": "KMSInvalidStateException",
        "Message": f"{key['Arn']} is not pending deletion.",
    }


def test_a_key_is_gone_with_its_aliases_once_its_deletion_window_ends(s3sse, kms, key):
    # P: "After the waiting period ends, KMS deletes the KMS key ... including all aliases that refer
    # to it"; afterwards the key does not exist (reference 7.2: U for the message).
    s3sse.clock.freeze()
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    s3sse.clock.advance(days=7, seconds=-1)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    s3sse.clock.advance(1)
    with pytest.raises(ClientError) as info:
        kms.describe_key(KeyId=key["KeyId"])
    assert _error(info)[1]["Message"] == f"Key '{key['Arn']}' does not exist"
    assert kms.list_keys()["Keys"] == []
    assert _customer_aliases(kms) == []


# -- tags ---------------------------------------------------------------------------------------------
def test_tags_are_added_replaced_listed_and_removed(kms):
    # A: LS-AWS test_tag_existing_key_and_untag, test_update_and_add_tags_on_tagged_key.
    key_id = kms.create_key(Tags=[{"TagKey": "tag2", "TagValue": "value2"}])["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "tag1", "TagValue": "value1"}])
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "tag2", "TagValue": "new"}])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [
        {"TagKey": "tag1", "TagValue": "value1"},
        {"TagKey": "tag2", "TagValue": "new"},
    ]
    kms.untag_resource(KeyId=key_id, TagKeys=["tag1", "tag2", "absent"])
    assert kms.list_resource_tags(KeyId=key_id) | {"ResponseMetadata": None} == {
        "Tags": [],
        "Truncated": False,
        "ResponseMetadata": None,
    }


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (
            [{"TagKey": "a", "TagValue": "1"}, {"TagKey": "a", "TagValue": "2"}],
            "Duplicate tag keys",
        ),
        ([{"TagKey": "aws:owner", "TagValue": "x"}], "Tags beginning with aws: are reserved"),
        ([{"TagKey": "AWS:owner", "TagValue": "x"}], "Tags beginning with aws: are reserved"),
        ([{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)], "Too many tags"),
    ],
    ids=["duplicate", "aws-prefix", "AWS-prefix", "too-many"],
)
def test_invalid_tags_are_a_tag_exception(kms, tags, message):
    # A: LS-AWS test_tag_key_with_duplicate_tag_keys_raises_error, test_create_key_with_invalid_tag_key,
    # test_create_key_with_too_many_tags_raises_error.
    with pytest.raises(ClientError) as info:
        kms.create_key(Tags=tags)
    assert _error(info) == (400, {"Code": "TagException", "Message": message})


def test_a_tag_value_over_256_characters_is_a_validation_error(kms, key):
    # A: LS-AWS test_key_with_long_tag_value_raises_error.
    value = "v" * 257
    with pytest.raises(ClientError) as info:
        kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "k", "TagValue": value}])
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{value}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256",
    }


# -- key policies -------------------------------------------------------------------------------------
def test_the_default_key_policy_is_the_one_aws_writes(kms, key):
    # P: the model's GetKeyPolicy example; policy-behaviour.md 4.6 (exact text, AWS's " : " format).
    out = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")
    assert out["PolicyName"] == "default"
    assert out["Policy"] == (
        '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
        '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n'
        '    "Principal" : {\n      "AWS" : "arn:aws:iam::123456789012:root"\n    },\n'
        '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
    )


def test_a_put_key_policy_is_stored_and_returned(kms, key):
    # A: LS-AWS test_get_put_list_key_policies (JSON-equal; only "default" exists).
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=policy)
    assert json.loads(kms.get_key_policy(KeyId=key["KeyId"])["Policy"]) == json.loads(policy)
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]


def test_a_key_policy_that_is_not_json_is_malformed(kms, key):
    # A (2018): MalformedPolicyDocumentException with an empty message; U today (KP3).
    with pytest.raises(ClientError) as info:
        kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy="not json")
    assert _error(info)[1] == {"Code": "MalformedPolicyDocumentException", "Message": ""}


def test_a_policy_name_other_than_default_is_not_found(kms, key):
    # T: moto and LocalStack; U on AWS (KP7).
    with pytest.raises(ClientError) as info:
        kms.get_key_policy(KeyId=key["KeyId"], PolicyName="other")
    assert _error(info)[1] == {"Code": "NotFoundException", "Message": "No such policy exists"}


def test_update_key_description(kms, key):
    kms.update_key_description(KeyId=key["KeyId"], Description="new")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "new"


# -- aliases ------------------------------------------------------------------------------------------
def test_create_alias_needs_the_alias_prefix(kms, key):
    # A: LS-AWS test_create_alias.
    with pytest.raises(ClientError) as info:
        kms.create_alias(AliasName="no-prefix", TargetKeyId=key["KeyId"])
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    }


def test_aliases_under_alias_aws_are_reserved(kms, key):
    # P: "The alias name cannot begin with alias/aws/"; T: moto's NotAuthorizedException (U on AWS).
    with pytest.raises(ClientError) as info:
        kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key["KeyId"])
    assert _error(info)[1] == {"Code": "NotAuthorizedException", "Message": ""}


def test_creating_an_alias_that_exists_is_already_exists(kms, key):
    # T: LocalStack and moto (the message names the alias ARN).
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    assert _error(info)[1] == {
        "Code": "AlreadyExistsException",
        "Message": "An alias with the name arn:aws:kms:us-east-1:123456789012:alias/app already exists",
    }


def _customer_aliases(kms):
    """ListAliases less the predefined ``alias/aws/*`` aliases every account has."""
    return [a for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")]


def test_an_alias_with_a_colon_is_a_validation_exception(kms, key):
    # P: an alias name "can contain only alphanumeric characters, forward slashes (/), underscores
    # (_), and dashes (-)" (CreateAlias); the model's pattern allows ":"; the text T (moto).
    with pytest.raises(ClientError) as info:
        kms.create_alias(AliasName="alias/my:alias", TargetKeyId=key["KeyId"])
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "alias/my:alias contains invalid characters for an alias",
    }
    assert _customer_aliases(kms) == []


@pytest.mark.parametrize(
    "name", ["alias/my alias", "alias/my-alias$", "alias/my-alias@", "alias/é"]
)
def test_an_alias_outside_the_model_pattern_is_a_validation_exception(kms, key, name):
    # P: the model's AliasNameType pattern; the text KMS's model validation (T: moto, fakecloud).
    with pytest.raises(ClientError) as info:
        kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    assert _error(info)[1]["Message"] == (
        f"1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
    )
    assert _customer_aliases(kms) == []


def test_list_aliases_shows_name_arn_and_target(kms, key):
    # P: AliasListEntry; the model's ListAliases example.
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["Arn"])
    [alias] = _customer_aliases(kms)
    assert (alias["AliasName"], alias["AliasArn"], alias["TargetKeyId"]) == (
        "alias/app", "arn:aws:kms:us-east-1:123456789012:alias/app", key["KeyId"],
    )  # fmt: skip


def test_list_aliases_of_one_key(kms, key):
    # A: LS-AWS test_list_aliases_of_key.
    other = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/one", TargetKeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/two", TargetKeyId=other["KeyId"])
    names = [a["AliasName"] for a in kms.list_aliases(KeyId=other["KeyId"])["Aliases"]]
    assert names == ["alias/two"]


def test_update_alias_points_it_at_another_key(kms, key):
    # A: LS-AWS test_update_alias.
    other = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    kms.update_alias(AliasName="alias/app", TargetKeyId=other["KeyId"])
    assert kms.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"] == other["KeyId"]


def test_an_alias_cannot_point_at_a_key_pending_deletion(kms, key):
    # P: key-state table [3] (CreateAlias) and [10] (UpdateAlias destination).
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    assert _error(info)[1]["Message"] == f"{key['Arn']} is pending deletion."


def test_delete_alias_removes_only_the_alias(kms, key):
    # A: LS-AWS test_create_list_delete_alias.
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    kms.delete_alias(AliasName="alias/app")
    assert _customer_aliases(kms) == []
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    with pytest.raises(ClientError) as info:
        kms.delete_alias(AliasName="alias/app")
    assert (
        _error(info)[1]["Message"]
        == "Alias arn:aws:kms:us-east-1:123456789012:alias/app is not found."
    )

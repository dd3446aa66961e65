"""Multi-Region KMS keys through boto3's kms client: CreateKey MultiRegion, ReplicateKey,
UpdatePrimaryRegion, DescribeKey's MultiRegionConfiguration, cross-Region Decrypt, shared rotation and
the primary's deletion while replicas remain; and S3 using each Region's related key.

Sources (docs/kms.md): A = LocalStack's AWS-validated snapshots (``test_create_multi_region_key``,
``test_replicate_key``, ``test_replicate_replica_key_should_fail``); P = the botocore model
(ReplicateKey, UpdatePrimaryRegion, ScheduleKeyDeletion) and the KMS Developer Guide ("Multi-Region
keys"); T = LocalStack's code; U = unconfirmed, proposed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from support import error as _error
from test_kms_import import import_material

PRIMARY, REPLICA = "us-east-1", "eu-west-1"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def kms_eu(make_client):
    return make_client("kms", region_name=REPLICA)


@pytest.fixture
def mrk(kms):
    return kms.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]


def _replicate(kms, mrk, region=REPLICA, **kwargs):
    return kms.replicate_key(KeyId=mrk["KeyId"], ReplicaRegion=region, **kwargs)


def test_a_multi_region_key_id_is_mrk_and_32_hex_digits(mrk):
    # P: "mrk-" prefix; A: test_create_multi_region_key (PRIMARY, itself, no replicas).
    assert re.fullmatch(r"mrk-[0-9a-f]{32}", mrk["KeyId"])
    assert mrk["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": mrk["Arn"], "Region": PRIMARY},
        "ReplicaKeys": [],
    }


def test_replicate_key_answers_the_replica_creating_with_its_own_policy(kms, mrk):
    # A: test_replicate_key ("replicate-key": same id, the replica's Region, Creating, no
    # CurrentKeyMaterialId, empty Description, the default key policy of that Region).
    answer = _replicate(kms, mrk)
    replica = answer["ReplicaKeyMetadata"]
    replica_arn = mrk["Arn"].replace(PRIMARY, REPLICA)
    assert (replica["KeyId"], replica["Arn"]) == (mrk["KeyId"], replica_arn)
    assert (replica["KeyState"], replica["Enabled"], replica["Description"]) == (
        "Creating", False, "",
    )  # fmt: skip
    assert "CurrentKeyMaterialId" not in replica
    assert replica["MultiRegionConfiguration"] == {
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": {"Arn": mrk["Arn"], "Region": PRIMARY},
        "ReplicaKeys": [{"Arn": replica_arn, "Region": REPLICA}],
    }
    assert '"kms:*"' in answer["ReplicaPolicy"]


def test_describe_key_shows_the_replicas_from_either_region(kms, kms_eu, mrk):
    # A: test_replicate_key ("describe-key-from-region", "describe-replicated-key").
    _replicate(kms, mrk, Tags=[{"TagKey": "t", "TagValue": "v"}])
    primary = kms.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]
    replica = kms_eu.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]
    assert replica["KeyState"] == "Enabled"
    assert (
        primary["MultiRegionConfiguration"]["ReplicaKeys"]
        == (replica["MultiRegionConfiguration"]["ReplicaKeys"])
    )
    assert replica["CurrentKeyMaterialId"] == primary["CurrentKeyMaterialId"]
    assert kms_eu.list_resource_tags(KeyId=mrk["KeyId"])["Tags"] == [
        {"TagKey": "t", "TagValue": "v"}
    ]


def test_a_ciphertext_of_one_region_decrypts_with_the_replica_in_the_other(kms, kms_eu, mrk):
    # P: ReplicateKey ("encrypt data in one Region and decrypt it in a different Region").
    _replicate(kms, mrk)
    blob = kms.encrypt(KeyId=mrk["KeyId"], Plaintext=b"hello", EncryptionContext={"a": "b"})
    opened = kms_eu.decrypt(
        CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "b"}, KeyId=mrk["KeyId"]
    )
    assert (opened["Plaintext"], opened["KeyId"]) == (
        b"hello",
        mrk["Arn"].replace(PRIMARY, REPLICA),
    )
    back = kms_eu.encrypt(KeyId=mrk["KeyId"], Plaintext=b"back")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=back)["Plaintext"] == b"back"


def test_a_ciphertext_of_a_single_region_key_does_not_decrypt_in_another_region(kms, kms_eu, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms_eu.decrypt(CiphertextBlob=blob)
    assert _error(info)[1]["Code"] == "InvalidCiphertextException"


def test_replicating_to_a_region_that_has_the_key_is_already_exists(kms, mrk):
    # P: ReplicateKey's AlreadyExistsException; T: LocalStack's text.
    _replicate(kms, mrk)
    with pytest.raises(ClientError) as info:
        _replicate(kms, mrk)
    assert _error(info)[1]["Code"] == "AlreadyExistsException"


def test_replicating_to_the_primarys_own_region_is_a_validation_error(kms, mrk):
    # P: "each must be in a different Region"; U the error.
    with pytest.raises(ClientError) as info:
        _replicate(kms, mrk, region=PRIMARY)
    assert _error(info)[1]["Code"] == "ValidationException"


def test_replicating_a_single_region_key_is_unsupported(kms, key):
    # P: ReplicateKey's UnsupportedOperationException; T: LocalStack's text.
    with pytest.raises(ClientError) as info:
        kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=REPLICA)
    assert _error(info)[1]["Code"] == "UnsupportedOperationException"


def test_replicating_a_replica_is_unsupported(kms, kms_eu, mrk):
    # A: test_replicate_replica_key_should_fail.
    _replicate(kms, mrk)
    replica_arn = mrk["Arn"].replace(PRIMARY, REPLICA)
    with pytest.raises(ClientError) as info:
        kms_eu.replicate_key(KeyId=mrk["KeyId"], ReplicaRegion="ap-southeast-1")
    assert _error(info) == (
        400,
        {
            "Code": "UnsupportedOperationException",
            "Message": f"{replica_arn} is not a multi-region primary key.",
        },
    )


def test_update_primary_region_swaps_the_primary_and_the_replica(kms, kms_eu, mrk):
    # P: UpdatePrimaryRegion.
    _replicate(kms, mrk)
    kms.update_primary_region(KeyId=mrk["KeyId"], PrimaryRegion=REPLICA)
    old = kms.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    new = kms_eu.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert (old["MultiRegionKeyType"], new["MultiRegionKeyType"]) == ("REPLICA", "PRIMARY")
    assert new["PrimaryKey"] == {"Arn": mrk["Arn"].replace(PRIMARY, REPLICA), "Region": REPLICA}
    assert new["ReplicaKeys"] == [{"Arn": mrk["Arn"], "Region": PRIMARY}]


def test_update_primary_region_to_a_region_without_a_replica_is_not_found(kms, mrk):
    # P: the Region must hold a replica; the A text of a missing key there.
    with pytest.raises(ClientError) as info:
        kms.update_primary_region(KeyId=mrk["KeyId"], PrimaryRegion=REPLICA)
    assert _error(info)[1] == {
        "Code": "NotFoundException",
        "Message": f"Key '{mrk['Arn'].replace(PRIMARY, REPLICA)}' does not exist",
    }


def test_a_rotation_of_the_primary_is_the_replicas_rotation(kms, kms_eu, mrk):
    # P: ReplicateKey ("the same ... key material ... and automatic key rotation status").
    _replicate(kms, mrk)
    kms.rotate_key_on_demand(KeyId=mrk["KeyId"])
    primary = kms.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    replica = kms_eu.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    assert primary == replica
    kms.enable_key_rotation(KeyId=mrk["KeyId"])
    assert kms_eu.get_key_rotation_status(KeyId=mrk["KeyId"])["KeyRotationEnabled"] is True


def test_rotation_is_set_on_the_primary_only(kms, kms_eu, mrk):
    # P: a replica's rotation follows its primary; U the error.
    _replicate(kms, mrk)
    with pytest.raises(ClientError) as info:
        kms_eu.enable_key_rotation(KeyId=mrk["KeyId"])
    assert _error(info)[1]["Code"] == "UnsupportedOperationException"


def test_deleting_a_primary_with_replicas_waits_for_them(s3sse, kms, kms_eu, mrk):
    # P: ScheduleKeyDeletion (audit-behaviour.md: PendingReplicaDeletion and no DeletionDate), then
    # the primary's own waiting period starts when its last replica is deleted.
    s3sse.clock.freeze(START)
    _replicate(kms, mrk)
    answer = kms.schedule_key_deletion(KeyId=mrk["KeyId"], PendingWindowInDays=7)
    assert answer["KeyState"] == "PendingReplicaDeletion"
    assert "DeletionDate" not in answer
    kms_eu.schedule_key_deletion(KeyId=mrk["KeyId"], PendingWindowInDays=7)
    s3sse.clock.advance(days=7)
    described = kms.describe_key(KeyId=mrk["KeyId"])["KeyMetadata"]
    assert (described["KeyState"], described["DeletionDate"]) == (
        "PendingDeletion", START + timedelta(days=14),
    )  # fmt: skip


def test_replication_operations_are_recorded_in_the_kms_call_log(s3sse, kms, mrk):
    _replicate(kms, mrk)
    kms.update_primary_region(KeyId=mrk["KeyId"], PrimaryRegion=REPLICA)
    assert s3sse.kms_call_count("ReplicateKey", key=mrk["KeyId"]) == 1
    assert s3sse.kms_call_count("UpdatePrimaryRegion", key=mrk["KeyId"]) == 1


def test_a_signature_of_the_primary_verifies_with_the_replica(kms, kms_eu):
    # P: ReplicateKey (the same key material for asymmetric multi-Region keys).
    key = kms.create_key(MultiRegion=True, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    key_id = key["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=key_id, ReplicaRegion=REPLICA)
    args = {"KeyId": key_id, "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}
    signature = kms.sign(**args)["Signature"]
    assert kms_eu.verify(Signature=signature, **args)["SignatureValid"] is True
    assert (
        kms_eu.get_public_key(KeyId=key_id)["PublicKey"]
        == (kms.get_public_key(KeyId=key_id)["PublicKey"])
    )


def test_a_mac_of_the_primary_verifies_with_the_replica(kms, kms_eu):
    key = kms.create_key(MultiRegion=True, KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    key_id = key["KeyMetadata"]["KeyId"]
    kms.replicate_key(KeyId=key_id, ReplicaRegion=REPLICA)
    args = {"KeyId": key_id, "Message": b"m", "MacAlgorithm": "HMAC_SHA_256"}
    assert kms_eu.generate_mac(**args)["Mac"] == kms.generate_mac(**args)["Mac"]


def test_replicate_key_is_on_the_trail_with_its_replica_region(s3sse, kms, mrk):
    # P, KMS DG ct-replicatekey: keyId and replicaRegion among the request parameters.
    _replicate(kms, mrk)
    params = s3sse.trail.filter(event_name="ReplicateKey")[0]["requestParameters"]
    assert (params["keyId"], params["replicaRegion"]) == (mrk["KeyId"], REPLICA)


def _import(kms, key_id, material, **kwargs):
    return import_material(kms, key_id, material=material, **kwargs)


def test_a_replica_of_an_imported_key_waits_for_the_same_material(kms, kms_eu):
    # P, ImportKeyMaterial ImportType: "import new key material into the primary Region key ...
    # Then, you can import the same key material into the replica Region key"; ReplicateKey: the
    # replica is PendingImport until then.
    key = kms.create_key(MultiRegion=True, Origin="EXTERNAL")["KeyMetadata"]
    replica = kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=REPLICA)["ReplicaKeyMetadata"]
    material = bytes(range(32))
    _import(kms, key["KeyId"], material)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms_eu.decrypt(CiphertextBlob=blob)
    assert _error(info)[1]["Message"] == f"{replica['Arn']} is pending import."
    with pytest.raises(ClientError) as other:
        _import(kms_eu, key["KeyId"], bytes(32))
    assert _error(other)[1]["Code"] == "IncorrectKeyMaterialException"
    _import(
        kms_eu,
        key["KeyId"],
        material,
        ImportType="EXISTING_KEY_MATERIAL",
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    assert kms_eu.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_replicating_a_disabled_primary_is_disabled(kms, mrk):
    # P: ReplicateKey's DisabledException; the A text of a disabled key.
    kms.disable_key(KeyId=mrk["KeyId"])
    with pytest.raises(ClientError) as info:
        _replicate(kms, mrk)
    assert _error(info)[1] == {"Code": "DisabledException", "Message": f"{mrk['Arn']} is disabled."}

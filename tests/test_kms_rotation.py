"""KMS key rotation through boto3's kms client, on the engine clock: automatic rotation (lazy, dated
when scheduled), on-demand rotation and its limit, ListKeyRotations, and what key states do to it.

Sources: shared/reference/aws-sse-behaviour.md section 9.4 (A = LocalStack's AWS-validated snapshots),
the botocore model (P: EnableKeyRotation, RotateKeyOnDemand, GetKeyRotationStatus, ListKeyRotations
docs), the KMS DG key-state table (P); S = a third party reporting AWS; U = unconfirmed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support import error as _error

YEAR = timedelta(days=365)
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def key(s3sse, kms):
    s3sse.clock.freeze(START)
    return kms.create_key()["KeyMetadata"]


def _status(kms, key):
    out = kms.get_key_rotation_status(KeyId=key["KeyId"])
    del out["ResponseMetadata"]
    return out


def _material(kms, key):
    return kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]


def test_a_new_key_does_not_rotate(kms, key):
    # A: rotation-status-response-after-rotation (disabled: only KeyId and KeyRotationEnabled).
    assert _status(kms, key) == {"KeyId": key["Arn"], "KeyRotationEnabled": False}


def test_enable_key_rotation_defaults_to_a_year_from_now(s3sse, kms, key):
    # P: "one year (approximately 365 days) from the enable date"; A: the status members.
    kms.enable_key_rotation(KeyId=key["KeyId"])
    assert _status(kms, key) == {
        "KeyId": key["Arn"],
        "KeyRotationEnabled": True,
        "RotationPeriodInDays": 365,
        "NextRotationDate": s3sse.clock.now() + YEAR,
    }


def test_enable_key_rotation_takes_a_custom_period(s3sse, kms, key):
    # A: test_key_enable_rotation_status[90].
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    status = _status(kms, key)
    assert status["RotationPeriodInDays"] == 90
    assert status["NextRotationDate"] == s3sse.clock.now() + timedelta(days=90)


@pytest.mark.parametrize(
    ("days", "bound"), [(89, "greater than or equal to 90"), (2561, "less than or equal to 2560")]
)
def test_a_rotation_period_outside_90_to_2560_days_is_a_validation_error(
    make_client, key, days, bound
):
    # P: RotationPeriodInDays 90-2560; the message format is U (reference 9.4).
    kms = make_client("kms", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as info:
        kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=days)
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value {bound}",
    }


def test_automatic_rotation_happens_when_the_clock_passes_its_date(s3sse, kms, key):
    # P: the key material rotates every period; CurrentKeyMaterialId changes (A, reference 9.4).
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    s3sse.clock.advance(days=89)
    assert _material(kms, key) == key["CurrentKeyMaterialId"]
    s3sse.clock.advance(days=1)
    assert _material(kms, key) != key["CurrentKeyMaterialId"]


def test_each_period_that_passed_is_one_rotation_dated_when_it_was_due(s3sse, kms, key):
    # P: ListKeyRotations lists completed rotations with their date and type.
    start = START
    kms.enable_key_rotation(KeyId=key["KeyId"])
    s3sse.clock.advance(days=3 * 365 + 10)
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [(r["RotationType"], r["RotationDate"]) for r in rotations] == [
        ("AUTOMATIC", start + YEAR),
        ("AUTOMATIC", start + 2 * YEAR),
        ("AUTOMATIC", start + 3 * YEAR),
    ]
    assert [r["KeyMaterialState"] for r in rotations] == ["NON_CURRENT", "NON_CURRENT", "CURRENT"]
    assert rotations[-1]["KeyMaterialId"] == _material(kms, key)
    assert _status(kms, key)["NextRotationDate"] == start + 4 * YEAR


def test_old_blobs_still_decrypt_after_rotation_and_new_ones_use_the_new_material(s3sse, kms, key):
    # A: test_key_rotations_encryption_decryption; P: "KMS uses the current key material for ...
    # encryption, and the non-current key material for decryption operations only".
    old = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    s3sse.clock.advance(days=91)
    new = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert new["KeyMaterialId"] != old["KeyMaterialId"]
    back = kms.decrypt(CiphertextBlob=old["CiphertextBlob"])
    assert (back["Plaintext"], back["KeyMaterialId"]) == (old["Plaintext"], old["KeyMaterialId"])


def test_rotate_key_on_demand_changes_the_material_and_returns_the_key_arn(kms, key):
    # A: test_rotate_on_demand_returns_arn_for_key_id, test_key_rotation_updates_current_key_material_id.
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert _material(kms, key) != key["CurrentKeyMaterialId"]
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert (rotation["RotationType"], rotation["KeyId"]) == ("ON_DEMAND", key["KeyId"])


def test_on_demand_rotation_does_not_move_the_automatic_schedule(s3sse, kms, key):
    # P: "On-demand rotations do not change existing automatic rotation schedules".
    kms.enable_key_rotation(KeyId=key["KeyId"])
    due = _status(kms, key)["NextRotationDate"]
    s3sse.clock.advance(days=100)
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert _status(kms, key)["NextRotationDate"] == due


def test_on_demand_rotation_is_limited_to_25_per_key(kms, key):
    # A: test_key_rotations_limits.
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert _error(info) == (
        400,
        {
            "Code": "LimitExceededException",
            "Message": f"The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {key['Arn']}",
        },
    )


def test_on_demand_rotation_of_a_disabled_key_is_disabled(kms, key):
    # A: test_rotate_key_on_demand_raises_error_given_key_is_disabled.
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert _error(info)[1] == {"Code": "DisabledException", "Message": f"{key['Arn']} is disabled."}


def test_on_demand_rotation_of_an_hmac_key_is_unsupported(kms):
    # A: test_rotate_key_on_demand_raises_error_given_non_symmetric_key (an empty message).
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    with pytest.raises(ClientError) as info:
        kms.rotate_key_on_demand(KeyId=hmac["KeyId"])
    assert _error(info)[1] == {"Code": "UnsupportedOperationException", "Message": ""}


def test_enable_key_rotation_of_a_disabled_key_is_disabled(kms, key):
    # P: key-state table [1] (EnableKeyRotation on a Disabled key).
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    assert _error(info)[1]["Code"] == "DisabledException"


def test_a_disabled_key_does_not_rotate_and_rotates_at_once_when_enabled_again(s3sse, kms, key):
    # P (GetKeyRotationStatus): "while the KMS key is disabled, KMS does not rotate the key material
    # ... If the key material in the re-enabled KMS key hasn't been rotated in one year, KMS rotates
    # it immediately, and every year thereafter."
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    s3sse.clock.advance(days=400)
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    kms.enable_key(KeyId=key["KeyId"])
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    now = s3sse.clock.now()
    assert rotation["RotationDate"] == now
    assert _status(kms, key)["NextRotationDate"] == now + YEAR


def test_a_key_pending_deletion_reports_rotation_off_until_the_deletion_is_cancelled(kms, key):
    # P (GetKeyRotationStatus): "While a KMS key is pending deletion, its key rotation status is false
    # ... If you cancel the deletion, the original key rotation status returns to true."
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    assert _status(kms, key)["KeyRotationEnabled"] is False
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert _status(kms, key)["KeyRotationEnabled"] is True


def test_disable_key_rotation_stops_automatic_rotation(s3sse, kms, key):
    # A: LS-AWS test_key_rotation_status.
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.disable_key_rotation(KeyId=key["KeyId"])
    s3sse.clock.advance(days=800)
    assert _status(kms, key) == {"KeyId": key["Arn"], "KeyRotationEnabled": False}
    assert _material(kms, key) == key["CurrentKeyMaterialId"]


def test_all_key_material_lists_the_first_material_without_a_date(kms, key):
    # P: IncludeKeyMaterial ALL_KEY_MATERIAL "adds the first key material"; "RotationDate ... not
    # present for the first key material" (reference 9.4).
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    first, second = kms.list_key_rotations(
        KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL"
    )["Rotations"]
    assert first == {
        "KeyId": key["KeyId"],
        "KeyMaterialId": key["CurrentKeyMaterialId"],
        "KeyMaterialState": "NON_CURRENT",
    }
    assert second["KeyMaterialState"] == "CURRENT"


def test_the_automatic_rotation_operations_take_an_alias(kms, key):
    # S: faiscadev/fakecloud#901 ("Real KMS accepts either a key id or an alias ... for all rotation
    # ops"); P documents key id or ARN.
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId="alias/app")
    assert kms.get_key_rotation_status(KeyId="alias/app")["KeyRotationEnabled"] is True


def test_enable_key_rotation_of_a_signing_key_is_unsupported(kms):
    # A: terraform-aws-modules/terraform-aws-kms#20 ("key rotation: UnsupportedOperationException:",
    # an empty message, for a SIGN_VERIFY RSA_4096 key).
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    with pytest.raises(ClientError) as info:
        kms.enable_key_rotation(KeyId=signing["KeyId"])
    assert _error(info)[1] == {"Code": "UnsupportedOperationException", "Message": ""}


@pytest.mark.parametrize(
    ("spec", "usage"), [("RSA_2048", "SIGN_VERIFY"), ("HMAC_256", "GENERATE_VERIFY_MAC")]
)
def test_the_rotation_status_of_an_asymmetric_or_hmac_key_is_false(kms, spec, usage):
    # S: floci-io/floci#618 ("AWS updated GetKeyRotationStatus behavior so asymmetric and HMAC keys
    # return { KeyRotationEnabled: false }"; Terraform reads it for every key, floci#586).
    key = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert (status["KeyId"], status["KeyRotationEnabled"]) == (key["Arn"], False)
    assert "RotationPeriodInDays" not in status

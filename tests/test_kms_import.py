"""Imported key material (Origin EXTERNAL) through boto3's kms client: CreateKey, GetParametersForImport,
ImportKeyMaterial, DeleteImportedKeyMaterial and expiry on the engine clock.

The material is wrapped as a user wraps it: with ``cryptography``, under GetParametersForImport's public
key. Sources (docs/kms.md): A = LocalStack's AWS-validated snapshots (``tests/aws/services/kms/
test_kms.snapshot.json``: ``test_import_key_symmetric``, ``test_get_parameters_for_import``,
``test_import_key_hmac_keys``, ``test_import_key_ecc_keys``); P = the botocore model and the KMS
Developer Guide ("Importing key material"); U = unconfirmed, proposed.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding
from support import error as _error

MATERIAL = bytes(range(32))
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
NEVER = {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}
HASHES = {"SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256}


def wrap(params, material, algorithm="RSAES_OAEP_SHA_256"):
    """``material`` wrapped with GetParametersForImport's public key, as a user wraps it (P, KMS DG
    "Encrypt key material"): RSAES-OAEP, or RSA-OAEP of an AES key + AES key wrap with padding."""
    public = serialization.load_der_public_key(params["PublicKey"])
    digest = HASHES["SHA_1" if algorithm.endswith("SHA_1") else "SHA_256"]()
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=digest), algorithm=digest, label=None)
    if algorithm.startswith("RSAES_OAEP"):
        return public.encrypt(material, oaep)
    aes_key = os.urandom(32)
    return public.encrypt(aes_key, oaep) + aes_key_wrap_with_padding(aes_key, material)


def external_key(kms, **kwargs):
    return kms.create_key(Origin="EXTERNAL", **kwargs)["KeyMetadata"]


def import_material(kms, key_id, material=MATERIAL, algorithm="RSAES_OAEP_SHA_256", **kwargs):
    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec="RSA_2048"
    )
    return kms.import_key_material(
        KeyId=key_id,
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=wrap(params, material, algorithm),
        **(kwargs or NEVER),
    )


def test_an_external_key_is_pending_import_without_material(kms):
    # A: test_import_key_symmetric ("created-key": Enabled false, no CurrentKeyMaterialId).
    key = external_key(kms)
    assert (key["Origin"], key["KeyState"], key["Enabled"]) == ("EXTERNAL", "PendingImport", False)
    assert "CurrentKeyMaterialId" not in key
    assert "ExpirationModel" not in key


def test_encrypt_with_a_key_pending_import_is_kms_invalid_state(kms):
    # A: test_import_key_symmetric ("encrypt-before-import-error").
    key = external_key(kms)
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert _error(info) == (
        400,
        {"Code": "KMSInvalidStateException", "Message": f"{key['Arn']} is pending import."},
    )


def test_get_parameters_for_import_answers_a_wrapping_key_valid_for_24_hours(s3sse, kms):
    # P: GetParametersForImport ("valid for 24 hours"); A: KeyId is the key ARN.
    s3sse.clock.freeze(START)
    key = external_key(kms)
    params = kms.get_parameters_for_import(
        KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    assert params["KeyId"] == key["Arn"]
    assert params["ParametersValidTo"] == s3sse.clock.now() + timedelta(hours=24)
    public = serialization.load_der_public_key(params["PublicKey"])
    assert public.key_size == 2048


def test_get_parameters_for_import_of_an_aws_kms_key_is_unsupported(kms, key):
    # A: test_get_parameters_for_import_raises_for_non_external_kms_keys.
    with pytest.raises(ClientError) as info:
        kms.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
    assert _error(info) == (
        400,
        {
            "Code": "UnsupportedOperationException",
            "Message": f"{key['Arn']} origin is AWS_KMS which is not valid for this operation.",
        },
    )


@pytest.mark.parametrize(
    "algorithm",
    [
        "RSAES_OAEP_SHA_1",
        "RSAES_OAEP_SHA_256",
        "RSA_AES_KEY_WRAP_SHA_1",
        "RSA_AES_KEY_WRAP_SHA_256",
    ],
)
def test_imported_material_encrypts_and_decrypts_with_each_wrapping_algorithm(kms, algorithm):
    # A: test_import_key_symmetric ("describe-key-after-import"), test_import_key_rsa_aes_wrap_sha256.
    key_id = external_key(kms)["KeyId"]
    answer = import_material(kms, key_id, algorithm=algorithm)
    described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("Enabled", True)
    assert described["ExpirationModel"] == "KEY_MATERIAL_DOES_NOT_EXPIRE"
    assert described["CurrentKeyMaterialId"] == answer["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"


def test_import_without_expiration_model_needs_valid_to(kms):
    # A: test_import_key_symmetric ("import-expiring-key-without-valid-to"); P: the default
    # ExpirationModel is KEY_MATERIAL_EXPIRES.
    key_id = external_key(kms)["KeyId"]
    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    with pytest.raises(ClientError) as info:
        kms.import_key_material(
            KeyId=key_id,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params, MATERIAL),
        )
    assert _error(info) == (
        400,
        {
            "Code": "ValidationException",
            "Message": "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
        },
    )


def test_valid_to_with_a_material_that_does_not_expire_is_a_validation_error(s3sse, kms):
    # P: "When value is KEY_MATERIAL_DOES_NOT_EXPIRE, you must omit the ValidTo parameter"; U text.
    key_id = external_key(kms)["KeyId"]
    with pytest.raises(ClientError) as info:
        import_material(
            kms,
            key_id,
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
            ValidTo=s3sse.clock.now() + timedelta(days=1),
        )
    assert _error(info)[1]["Code"] == "ValidationException"


def test_valid_to_more_than_365_days_ahead_is_a_validation_error(s3sse, kms):
    # P: ImportKeyMaterial ValidTo: "The maximum value is 365 days from the request date"; U text.
    key_id = external_key(kms)["KeyId"]
    with pytest.raises(ClientError) as info:
        import_material(kms, key_id, ValidTo=s3sse.clock.now() + timedelta(days=366))
    assert _error(info)[1]["Code"] == "ValidationException"


def test_an_import_token_of_another_key_is_invalid(kms):
    # P: InvalidImportTokenException ("associated with a different KMS key"); U text.
    first, second = external_key(kms)["KeyId"], external_key(kms)["KeyId"]
    params = kms.get_parameters_for_import(
        KeyId=first, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    with pytest.raises(ClientError) as info:
        kms.import_key_material(
            KeyId=second,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params, MATERIAL),
            **NEVER,
        )
    assert _error(info)[1]["Code"] == "InvalidImportTokenException"


def test_an_import_token_expires_after_24_hours_on_the_engine_clock(s3sse, kms):
    # P: GetParametersForImport ("valid for 24 hours"), ExpiredImportTokenException; U text.
    s3sse.clock.freeze(START)
    key_id = external_key(kms)["KeyId"]
    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    s3sse.clock.advance(hours=24)
    with pytest.raises(ClientError) as info:
        kms.import_key_material(
            KeyId=key_id,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(params, MATERIAL),
            **NEVER,
        )
    assert _error(info)[1]["Code"] == "ExpiredImportTokenException"


def test_material_wrapped_with_another_public_key_is_invalid_ciphertext(kms):
    # P: ImportKeyMaterial's InvalidCiphertextException (the wrapped material does not unwrap).
    key_id = external_key(kms)["KeyId"]
    other = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    params = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    with pytest.raises(ClientError) as info:
        kms.import_key_material(
            KeyId=key_id,
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=wrap(other, MATERIAL),
            **NEVER,
        )
    assert _error(info) == (400, {"Code": "InvalidCiphertextException", "Message": ""})


def test_symmetric_material_must_be_256_bits(kms):
    # P: "256-bit symmetric key material"; U the error (InvalidCiphertextException, empty).
    key_id = external_key(kms)["KeyId"]
    with pytest.raises(ClientError) as info:
        import_material(kms, key_id, material=bytes(16))
    assert _error(info)[1]["Code"] == "InvalidCiphertextException"


def test_delete_imported_key_material_makes_the_key_pending_import(kms):
    # A: test_import_key_symmetric ("describe-key-after-deleted-import", "encrypt-after-delete").
    key_id = external_key(kms)["KeyId"]
    material_id = import_material(kms, key_id)["KeyMaterialId"]
    deleted = kms.delete_imported_key_material(KeyId=key_id)
    assert deleted["KeyMaterialId"] == material_id
    described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (described["KeyState"], described["Enabled"]) == ("PendingImport", False)
    assert described["CurrentKeyMaterialId"] == material_id
    assert "ExpirationModel" not in described


def test_a_blob_decrypts_again_once_the_same_material_is_reimported(kms):
    # P: ImportKeyMaterial ("you must reimport the same key material").
    key_id = external_key(kms)["KeyId"]
    import_material(kms, key_id)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"kept")["CiphertextBlob"]
    kms.delete_imported_key_material(KeyId=key_id)
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob)
    assert _error(info)[1]["Code"] == "KMSInvalidStateException"
    import_material(kms, key_id)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"


def test_reimporting_other_material_is_incorrect_key_material(kms):
    # P: IncorrectKeyMaterialException ("not the same key material that was previously imported").
    key_id = external_key(kms)["KeyId"]
    import_material(kms, key_id)
    kms.delete_imported_key_material(KeyId=key_id)
    with pytest.raises(ClientError) as info:
        import_material(kms, key_id, material=bytes(32))
    assert _error(info)[1]["Code"] == "IncorrectKeyMaterialException"


def test_material_expires_when_valid_to_passes_on_the_engine_clock(s3sse, kms):
    # P: ImportKeyMaterial ValidTo ("When the key material expires, KMS deletes the key material").
    s3sse.clock.freeze(START)
    key_id = external_key(kms)["KeyId"]
    valid_to = s3sse.clock.now() + timedelta(days=2)
    import_material(kms, key_id, ValidTo=valid_to, ExpirationModel="KEY_MATERIAL_EXPIRES")
    described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (described["ExpirationModel"], described["ValidTo"]) == (
        "KEY_MATERIAL_EXPIRES",
        valid_to,
    )
    s3sse.clock.advance(days=2)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert _error(info)[1]["Code"] == "KMSInvalidStateException"


def test_enable_key_of_a_key_pending_import_is_kms_invalid_state(kms):
    # P: key-state table (EnableKey, DisableKey: PendingImport -> KMSInvalidStateException).
    key_id = external_key(kms)["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.enable_key(KeyId=key_id)
    assert _error(info)[1]["Code"] == "KMSInvalidStateException"


def test_rotation_of_an_imported_key_is_unsupported(kms):
    # A: test_rotate_key_on_demand_raises_error_given_key_with_imported_key_material.
    key = external_key(kms)
    import_material(kms, key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert _error(info) == (
        400,
        {
            "Code": "UnsupportedOperationException",
            "Message": f"{key['Arn']} origin is EXTERNAL which is not valid for this operation.",
        },
    )


def test_new_key_material_for_a_key_that_had_some_is_not_modelled(kms):
    # Several key materials in one imported key (on-demand rotation of imported keys): 501.
    key_id = external_key(kms)["KeyId"]
    import_material(kms, key_id)
    kms.delete_imported_key_material(KeyId=key_id)
    with pytest.raises(ClientError) as info:
        import_material(kms, key_id, ImportType="NEW_KEY_MATERIAL", **NEVER)
    assert _error(info)[0] == 501


@pytest.mark.parametrize("spec", ["HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512"])
def test_an_imported_hmac_key_macs_with_the_imported_secret(kms, spec):
    # A: test_import_key_hmac_keys (Enabled after import, GenerateMac, VerifyMac).
    import hmac  # noqa: PLC0415 - only this test needs it

    key_id = external_key(kms, KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    secret = bytes(range(64))
    import_material(kms, key_id, material=secret)
    algorithm = "HMAC_SHA_" + spec[-3:]
    mac = kms.generate_mac(KeyId=key_id, Message=b"m", MacAlgorithm=algorithm)["Mac"]
    assert mac == hmac.new(secret, b"m", "sha" + spec[-3:]).digest()


def test_an_imported_ecc_key_signs_with_the_imported_private_key(kms):
    # A: test_import_key_ecc_keys[ECC_NIST_P256]; the signature verifies with the user's key.
    key_id = external_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    import_material(kms, key_id, material=der)
    signature = kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))


def test_an_asymmetric_key_pending_import_has_no_public_key(kms):
    # P: key-state table (GetPublicKey: PendingImport -> KMSInvalidStateException); A text.
    key = external_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    with pytest.raises(ClientError) as info:
        kms.get_public_key(KeyId=key["KeyId"])
    assert _error(info)[1]["Message"] == f"{key['Arn']} is pending import."


def test_import_operations_are_recorded_in_the_kms_call_log(s3sse, kms):
    key_id = external_key(kms)["KeyId"]
    import_material(kms, key_id)
    kms.delete_imported_key_material(KeyId=key_id)
    for operation in ("GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial"):
        assert s3sse.kms_call_count(operation, key=key_id) == 1


def test_a_key_policy_denying_import_key_material_refuses_it(kms):
    # E1 (P, policy evaluation: an explicit Deny wins); KE4 (A format of the denial).
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "kms:ImportKeyMaterial",
        "Resource": "*",
    }
    root = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    policy = json.dumps({"Version": "2012-10-17", "Statement": [root, deny]})
    key_id = external_key(kms, Policy=policy)["KeyId"]
    with pytest.raises(ClientError) as info:
        import_material(kms, key_id)
    status, found = _error(info)
    assert (status, found["Code"]) == (400, "AccessDeniedException")
    assert "kms:ImportKeyMaterial" in found["Message"]


def test_import_key_material_is_on_the_trail_with_its_expiry_and_no_material(s3sse, kms):
    # P, KMS DG ct-importkeymaterial: keyId, validTo and expirationModel logged; never the material.
    s3sse.clock.freeze(START)
    key_id = external_key(kms)["KeyId"]
    import_material(
        kms, key_id, ValidTo=START + timedelta(days=1), ExpirationModel="KEY_MATERIAL_EXPIRES"
    )
    record = s3sse.trail.filter(event_name="ImportKeyMaterial")[0]
    params = record["requestParameters"]
    assert (params["keyId"], params["expirationModel"]) == (key_id, "KEY_MATERIAL_EXPIRES")
    assert params["validTo"] == "Jan 2, 2026, 12:00:00 AM"
    assert "encryptedKeyMaterial" not in params
    assert "importToken" not in params


def test_a_key_pending_deletion_stays_so_when_its_material_expires(s3sse, kms):
    # P: key-state table (PendingDeletion until the waiting period ends); the expiry deletes only
    # the material.
    s3sse.clock.freeze(START)
    key_id = external_key(kms)["KeyId"]
    import_material(
        kms, key_id, ValidTo=START + timedelta(days=1), ExpirationModel="KEY_MATERIAL_EXPIRES"
    )
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    s3sse.clock.advance(days=2)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_cancelling_the_deletion_of_a_key_without_material_leaves_it_pending_import(kms):
    # P: CancelKeyDeletion leaves a key Disabled; one without its imported material cannot be
    # (U: PendingImport, the state of a key waiting for material).
    key_id = external_key(kms)["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"


def test_an_imported_rsa_key_wrapped_with_aes_key_wrap_signs_and_decrypts(kms):
    # A: test_import_key_rsa_aes_wrap_sha256 (an RSA private key is too long for RSAES-OAEP: it is
    # wrapped with RSA_AES_KEY_WRAP_SHA_256; P, KMS DG "Select a wrapping algorithm").
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_id = external_key(kms, KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyId"]
    import_material(kms, key_id, material=der, algorithm="RSA_AES_KEY_WRAP_SHA_256")
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    blob = private.public_key().encrypt(b"for kms", oaep)
    opened = kms.decrypt(
        CiphertextBlob=blob, KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )
    assert opened["Plaintext"] == b"for kms"


def test_a_private_key_of_another_spec_is_invalid_ciphertext(kms):
    # U: the error for material that does not fit the key spec (an ECC P384 key for a P256 key).
    key_id = external_key(kms, KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyId"]
    der = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ClientError) as info:
        import_material(kms, key_id, material=der)
    assert _error(info)[1]["Code"] == "InvalidCiphertextException"


def test_reimporting_the_same_material_changes_only_its_expiration(s3sse, kms):
    # P, ImportKeyMaterial: "You might also reimport key material to change the expiration model or
    # expiration date of the key material"; the key stays usable, its material id the same.
    s3sse.clock.freeze(START)
    key_id = external_key(kms)["KeyId"]
    first = import_material(kms, key_id)["KeyMaterialId"]
    later = START + timedelta(days=30)
    again = import_material(kms, key_id, ValidTo=later, ExpirationModel="KEY_MATERIAL_EXPIRES")
    described = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (described["KeyState"], described["ExpirationModel"], described["ValidTo"]) == (
        "Enabled", "KEY_MATERIAL_EXPIRES", later,
    )  # fmt: skip
    assert again["KeyMaterialId"] == first


def test_get_parameters_for_import_of_a_key_pending_deletion_is_kms_invalid_state(kms):
    # P: key-state table [3] (GetParametersForImport of a key PendingDeletion); A text (R6).
    key = external_key(kms)
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as info:
        kms.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
    assert _error(info) == (
        400,
        {"Code": "KMSInvalidStateException", "Message": f"{key['Arn']} is pending deletion."},
    )


def test_delete_imported_key_material_of_an_aws_kms_key_is_unsupported(kms, key):
    # A: the origin text of test_get_parameters_for_import_raises_for_non_external_kms_keys.
    with pytest.raises(ClientError) as info:
        kms.delete_imported_key_material(KeyId=key["KeyId"])
    assert _error(info)[1] == {
        "Code": "UnsupportedOperationException",
        "Message": f"{key['Arn']} origin is AWS_KMS which is not valid for this operation.",
    }

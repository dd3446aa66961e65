"""GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext through boto3's kms client.

Sources (docs/kms.md): A = LocalStack's AWS-validated snapshots (``tests/aws/services/kms/
test_kms.snapshot.json``: ``test_generate_data_key_pair``, ``..._without_plaintext``,
``test_encryption_context_generate_data_key_pair``, ``test_generate_data_key_pair_dry_run``); P = the
botocore model and the API reference ("PrivateKeyPlaintext ... in PKCS #8 format", "PublicKey ... a
DER-encoded X.509 SubjectPublicKeyInfo"); U = unconfirmed, proposed.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_der_private_key, load_der_public_key
from support import error as _error

SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize(
    ("spec", "kind", "size"),
    [
        ("RSA_2048", rsa.RSAPrivateKey, 2048),
        ("ECC_NIST_P256", ec.EllipticCurvePrivateKey, 256),
        ("ECC_NIST_P521", ec.EllipticCurvePrivateKey, 521),
        ("ECC_SECG_P256K1", ec.EllipticCurvePrivateKey, 256),
    ],
)
def test_a_data_key_pair_is_a_pkcs8_private_key_and_its_spki_public_key(kms, key, spec, kind, size):
    # A: test_generate_data_key_pair (KeyId the key ARN, KeyPairSpec, the three blobs); P: the
    # formats; the model: KeyMaterialId.
    pair = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=spec)
    assert (pair["KeyId"], pair["KeyPairSpec"]) == (key["Arn"], spec)
    assert (
        pair["KeyMaterialId"]
        == kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    )
    private = load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    assert isinstance(private, kind)
    assert private.key_size == size
    assert private.public_key().public_bytes(*SPKI) == pair["PublicKey"]
    assert load_der_public_key(pair["PublicKey"]).public_bytes(*SPKI) == pair["PublicKey"]


def test_the_private_key_blob_decrypts_to_the_private_key(kms, key):
    # A: test_generate_data_key_pair ("assert correct value of encrypted key").
    pair = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P384")
    opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], KeyId=key["KeyId"])
    assert opened["Plaintext"] == pair["PrivateKeyPlaintext"]


def test_each_call_makes_a_new_pair(kms, key):
    args = {"KeyId": key["KeyId"], "KeyPairSpec": "ECC_NIST_P256"}
    assert (
        kms.generate_data_key_pair(**args)["PublicKey"]
        != (kms.generate_data_key_pair(**args)["PublicKey"])
    )


def test_without_plaintext_answers_no_private_key_in_the_clear(kms, key):
    # A: test_generate_data_key_pair_without_plaintext (the members).
    pair = kms.generate_data_key_pair_without_plaintext(
        KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P256"
    )
    assert "PrivateKeyPlaintext" not in pair
    assert (pair["KeyId"], pair["KeyPairSpec"]) == (key["Arn"], "ECC_NIST_P256")
    private = load_der_private_key(
        kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"], password=None
    )
    assert private.public_key().public_bytes(*SPKI) == pair["PublicKey"]


@pytest.mark.parametrize(
    "operation", ["generate_data_key_pair", "generate_data_key_pair_without_plaintext"]
)
def test_the_private_key_blob_is_bound_to_the_encryption_context(kms, key, operation):
    # A: test_encryption_context_generate_data_key_pair(_without_plaintext).
    pair = getattr(kms, operation)(
        KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P256", EncryptionContext={"context-key": "v"}
    )
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], KeyId=key["KeyId"])
    assert _error(info) == (400, {"Code": "InvalidCiphertextException", "Message": ""})


@pytest.mark.parametrize(
    "operation", ["generate_data_key_pair", "generate_data_key_pair_without_plaintext"]
)
def test_dry_run_answers_dry_run_operation(kms, key, operation):
    # A: test_generate_data_key_pair_dry_run, ..._without_plaintext_dry_run.
    with pytest.raises(ClientError) as info:
        getattr(kms, operation)(KeyId=key["KeyId"], KeyPairSpec="RSA_2048", DryRun=True)
    assert _error(info) == (
        400,
        {
            "Code": "DryRunOperationException",
            "Message": "The request would have succeeded, but the DryRun option is set.",
        },
    )


def test_an_asymmetric_key_cannot_protect_a_data_key_pair(kms):
    # P: "you must use a symmetric encryption KMS key"; InvalidKeyUsageException (the model's
    # errors); U: the text, the usage pattern of A.
    arn = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        kms.generate_data_key_pair(KeyId=arn, KeyPairSpec="ECC_NIST_P256")
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"{arn} key spec is RSA_2048 which is not valid for GenerateDataKeyPair.",
    }


def test_a_signing_key_cannot_protect_a_data_key_pair(kms):
    # A: the usage pattern (test_error_messaging_for_invalid_keys).
    arn = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        kms.generate_data_key_pair_without_plaintext(KeyId=arn, KeyPairSpec="ECC_NIST_P256")
    assert _error(info)[1]["Message"] == (
        f"{arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKeyPairWithoutPlaintext."
    )


def test_an_unknown_key_pair_spec_is_a_validation_error(kms, key):
    # A: the enum format of reference 9.2; P: the model's DataKeyPairSpec values.
    with pytest.raises(ClientError) as info:
        kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="RSA_1024")
    assert _error(info)[1]["Message"].startswith(
        "1 validation error detected: Value 'RSA_1024' at 'keyPairSpec' failed to satisfy "
        "constraint: Member must satisfy enum value set: [RSA_2048, "
    )


def test_a_key_pair_spec_outside_the_models_cryptography_is_not_modelled(kms, key):
    # STYLE: 501 for what the double cannot make (ML-KEM, Ed25519, SM2 pairs).
    with pytest.raises(ClientError) as info:
        kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="ML_KEM_768")
    assert _error(info) == (
        501,
        {
            "Code": "NotImplemented",
            "Message": "pytest-s3sse does not model data key pairs of ML_KEM_768",
        },
    )

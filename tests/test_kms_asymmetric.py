"""Asymmetric KMS keys through boto3's kms client: CreateKey/DescribeKey of RSA and ECC keys,
GetPublicKey, Sign, Verify, Encrypt/Decrypt with RSAES-OAEP, DeriveSharedSecret, and their errors.

Sources (docs/kms.md): A = LocalStack's AWS-validated snapshots (``tests/aws/services/kms/
test_kms.snapshot.json``: ``test_sign_verify``, ``test_verify_salt_length``,
``test_error_messaging_for_invalid_keys``, ``test_encrypt_validate_plaintext_size_per_key_type``,
``test_get_public_key``, ``test_derive_shared_secret``) or an AWS answer quoted in a public issue; P =
the botocore model and the KMS Developer Guide; T = another implementation; U = unconfirmed, proposed.
Signatures and ciphertexts are checked with ``cryptography`` against GetPublicKey's key, as a user
outside KMS would check them.
"""

from __future__ import annotations

import hashlib

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from support import error as _error

RSA_SIGNING = (
    "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
)  # fmt: skip
ECC_SIGNING = {
    "ECC_NIST_P256": "ECDSA_SHA_256",
    "ECC_NIST_P384": "ECDSA_SHA_384",
    "ECC_NIST_P521": "ECDSA_SHA_512",
    "ECC_SECG_P256K1": "ECDSA_SHA_256",
}
# Every (key spec, signing algorithm) pair the specs offer (P, KMS DG asymmetric key specs); RSA's
# six algorithms on RSA_2048, one each on the larger keys.
SIGNING_PAIRS = [
    *(("RSA_2048", algorithm) for algorithm in RSA_SIGNING),
    ("RSA_3072", "RSASSA_PSS_SHA_384"),
    ("RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512"),
    *ECC_SIGNING.items(),
]
MESSAGE = b"test message !%$@ 1234567890"


def _hash(algorithm: str) -> hashes.HashAlgorithm:
    return {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}[algorithm[-3:]]()


def _digest(algorithm: str, message: bytes = MESSAGE) -> bytes:
    return hashlib.new(f"sha{algorithm[-3:]}", message).digest()


def _key(kms, spec, usage="SIGN_VERIFY"):
    return kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]


def _verify_outside(public_der: bytes, algorithm: str, signature: bytes, message: bytes) -> None:
    """Verify as a user outside KMS would, with ``cryptography`` (raises InvalidSignature)."""
    public = load_der_public_key(public_der)
    chosen = _hash(algorithm)
    if isinstance(public, rsa.RSAPublicKey):
        pad = (
            padding.PSS(mgf=padding.MGF1(chosen), salt_length=padding.PSS.DIGEST_LENGTH)
            if "PSS" in algorithm
            else padding.PKCS1v15()
        )
        public.verify(signature, message, pad, chosen)
    else:
        assert isinstance(public, ec.EllipticCurvePublicKey)
        public.verify(signature, message, ec.ECDSA(chosen))


# -- CreateKey and DescribeKey -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "usage", "member", "algorithms"),
    [
        ("RSA_2048", "SIGN_VERIFY", "SigningAlgorithms", list(RSA_SIGNING)),
        ("RSA_4096", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
        ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
        ("ECC_NIST_P521", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
    ],
)  # fmt: skip
def test_describe_key_lists_the_algorithms_of_the_keys_usage(kms, spec, usage, member, algorithms):
    # P: KeyMetadata (one algorithm list per usage; KMS DG key specs); A: no CurrentKeyMaterialId
    # beside symmetric keys (test_hmac_create_key).
    created = _key(kms, spec, usage)
    meta = kms.describe_key(KeyId=created["KeyId"])["KeyMetadata"]
    assert (meta["KeySpec"], meta["CustomerMasterKeySpec"], meta["KeyUsage"]) == (spec, spec, usage)
    assert meta[member] == algorithms
    assert {"EncryptionAlgorithms", "SigningAlgorithms", "KeyAgreementAlgorithms"} & set(meta) == {
        member
    }
    assert "CurrentKeyMaterialId" not in meta


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_SECG_P256K1"])
def test_key_agreement_is_a_usage_of_the_nist_curves_only(kms, spec):
    # A: test_derive_shared_secret ("response-invalid-key-spec", RSA_2048); P: CreateKey KeyUsage
    # ("ECC_SECG_P256K1 key pairs, specify SIGN_VERIFY"; NIST curves SIGN_VERIFY or KEY_AGREEMENT).
    with pytest.raises(ClientError) as info:
        kms.create_key(KeySpec=spec, KeyUsage="KEY_AGREEMENT")
    assert _error(info) == (
        400,
        {
            "Code": "ValidationException",
            "Message": f"KeyUsage KEY_AGREEMENT is not compatible with KeySpec {spec}",
        },
    )


def test_an_sm2_key_outside_the_china_regions_fails_the_key_spec_enum(kms):
    # P: SM2 is offered in the China Regions only; A: the enum message of an unknown spec
    # (test_hmac_create_key_invalid_operations, whose us-east-1 value set has no SM2); U for SM2.
    with pytest.raises(ClientError) as info:
        kms.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")
    status, err = _error(info)
    assert (status, err["Code"]) == (400, "ValidationException")
    assert err["Message"].startswith(
        "1 validation error detected: Value 'SM2' at 'keySpec' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSA_2048,"
    )
    assert "SM2" not in err["Message"].split("[", 1)[1]


def test_an_sm2_key_is_created_in_a_china_region(make_client):
    # P: "SM2 key spec (China Regions only)".
    kms = make_client("kms", region_name="cn-north-1")
    meta = kms.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert (meta["KeySpec"], meta["SigningAlgorithms"]) == ("SM2", ["SM2DSA"])


# -- GetPublicKey ------------------------------------------------------------------------------------
def test_get_public_key_returns_the_der_public_key_and_what_the_key_does(kms):
    # A: test_get_public_key (KeyId is the key ARN; KeySpec and KeyUsage as created); P: the model
    # (DER SubjectPublicKeyInfo; EncryptionAlgorithms for an encryption key).
    created = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    answer = kms.get_public_key(KeyId=created["KeyId"])
    assert answer["KeyId"] == created["Arn"]
    assert (answer["KeySpec"], answer["CustomerMasterKeySpec"]) == ("RSA_2048", "RSA_2048")
    assert answer["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert answer["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    public = load_der_public_key(answer["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    assert public.key_size == 2048


def test_get_public_key_is_the_same_key_every_time(kms):
    created = _key(kms, "ECC_NIST_P256")
    first = kms.get_public_key(KeyId=created["KeyId"])["PublicKey"]
    assert kms.get_public_key(KeyId=created["Arn"])["PublicKey"] == first


def test_get_public_key_of_a_symmetric_key_is_an_unsupported_operation(kms, key):
    # T: the code (stackshy/cloudemu#676); U: the text, the usage pattern of A.
    with pytest.raises(ClientError) as info:
        kms.get_public_key(KeyId=key["KeyId"])
    assert _error(info) == (
        400,
        {
            "Code": "UnsupportedOperationException",
            "Message": f"{key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for GetPublicKey.",
        },
    )


def test_get_public_key_of_a_disabled_key_still_answers(kms):
    # S: LocalStack's provider notes AWS answers for a disabled key (the key-state table says not).
    created = _key(kms, "ECC_NIST_P256")
    kms.disable_key(KeyId=created["KeyId"])
    assert kms.get_public_key(KeyId=created["KeyId"])["PublicKey"]


def test_get_public_key_of_a_key_pending_deletion_is_invalid_state(kms):
    # P: key-state table [3].
    created = _key(kms, "ECC_NIST_P256")
    kms.schedule_key_deletion(KeyId=created["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as info:
        kms.get_public_key(KeyId=created["KeyId"])
    assert _error(info)[1] == {
        "Code": "KMSInvalidStateException",
        "Message": f"{created['Arn']} is pending deletion.",
    }


def test_a_seeded_engine_makes_the_same_ecc_key_pairs():
    # The engine's random source is seedable (docs/kms.md): EC keys are derived from it, so a
    # replayed run signs with the same keys (RSA keys come from cryptography's own generator).
    from pytest_s3sse import mock_s3sse  # noqa: PLC0415

    def public_key() -> bytes:
        with mock_s3sse(seed=7):
            kms = boto3.client("kms", region_name="us-east-1")
            key_id = _key(kms, "ECC_NIST_P384")["KeyId"]
            return kms.get_public_key(KeyId=key_id)["PublicKey"]

    assert public_key() == public_key()


# -- Sign and Verify ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("spec", "algorithm"), SIGNING_PAIRS)
def test_a_signature_verifies_outside_kms_with_the_public_key(kms, spec, algorithm):
    # A: test_verify_salt_length (RAW and DIGEST signatures verify with cryptography against
    # GetPublicKey's key; PSS salt as long as the digest).
    key_id = _key(kms, spec)["KeyId"]
    public = kms.get_public_key(KeyId=key_id)["PublicKey"]
    raw = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm=algorithm)
    assert (raw["KeyId"], raw["SigningAlgorithm"]) == (
        kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"],
        algorithm,
    )
    _verify_outside(public, algorithm, raw["Signature"], MESSAGE)
    digest = kms.sign(
        KeyId=key_id, Message=_digest(algorithm), MessageType="DIGEST", SigningAlgorithm=algorithm
    )["Signature"]
    _verify_outside(public, algorithm, digest, MESSAGE)


@pytest.mark.parametrize(
    ("spec", "algorithm"), [("RSA_2048", "RSASSA_PSS_SHA_512"), ("ECC_NIST_P384", "ECDSA_SHA_384")]
)
@pytest.mark.parametrize("message_type", ["RAW", "DIGEST"])
def test_verify_accepts_a_signature_that_sign_made(kms, spec, algorithm, message_type):
    # A: test_sign_verify ("verification": SignatureValid true, KeyId the key ARN).
    key = _key(kms, spec)
    message = MESSAGE if message_type == "RAW" else _digest(algorithm)
    args = {"KeyId": key["KeyId"], "SigningAlgorithm": algorithm, "MessageType": message_type}
    signature = kms.sign(Message=message, **args)["Signature"]
    answer = kms.verify(Message=message, Signature=signature, **args)
    assert (answer["KeyId"], answer["SignatureValid"], answer["SigningAlgorithm"]) == (
        key["Arn"], True, algorithm,
    )  # fmt: skip


@pytest.mark.parametrize("change", ["signature", "message"])
def test_verify_of_a_tampered_signature_or_message_is_kms_invalid_signature(kms, change):
    # A: test_sign_verify ("bad-signature": KMSInvalidSignatureException, empty message, 400).
    key_id = _key(kms, "RSA_2048")["KeyId"]
    args = {"KeyId": key_id, "SigningAlgorithm": "RSASSA_PSS_SHA_256"}
    signature = kms.sign(Message=MESSAGE, **args)["Signature"]
    if change == "signature":
        signature = bytes([signature[0] ^ 1]) + signature[1:]
    message = MESSAGE if change == "signature" else b"bad message 321"
    with pytest.raises(ClientError) as info:
        kms.verify(Message=message, Signature=signature, **args)
    assert _error(info) == (400, {"Code": "KMSInvalidSignatureException", "Message": ""})


@pytest.mark.parametrize("operation", ["sign", "verify"])
def test_a_digest_of_the_wrong_length_is_a_validation_error(kms, operation):
    # A: test_sign_verify ("bad-digest"; Verify with a bad digest: ValidationException too).
    key_id = _key(kms, "ECC_NIST_P256")["KeyId"]
    args = {"KeyId": key_id, "SigningAlgorithm": "ECDSA_SHA_256", "MessageType": "DIGEST"}
    if operation == "verify":
        args["Signature"] = b"\x00" * 64
    with pytest.raises(ClientError) as info:
        getattr(kms, operation)(Message=MESSAGE, **args)
    assert _error(info) == (
        400,
        {
            "Code": "ValidationException",
            "Message": "Digest is invalid length for algorithm ECDSA_SHA_256.",
        },
    )


def test_a_raw_message_over_4096_bytes_is_a_validation_error(kms):
    # P: Message 1-4096 bytes (the model; botocore checks only the minimum); A: the format of
    # test_plaintext_size_for_encrypt (no value shown for a blob).
    key_id = _key(kms, "ECC_NIST_P256")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=key_id, Message=b"x" * 4097, SigningAlgorithm="ECDSA_SHA_256")
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value at 'message' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096",
    }


def test_a_raw_message_of_4096_bytes_is_signed(kms):
    # P: the model's bound is inclusive.
    key_id = _key(kms, "ECC_NIST_P256")["KeyId"]
    assert kms.sign(KeyId=key_id, Message=b"x" * 4096, SigningAlgorithm="ECDSA_SHA_256")[
        "Signature"
    ]


@pytest.mark.parametrize(
    ("spec", "algorithm"),
    [("ECC_NIST_P256", "ECDSA_SHA_384"), ("ECC_NIST_P384", "RSASSA_PSS_SHA_384"), ("RSA_2048", "ECDSA_SHA_256")],
)  # fmt: skip
def test_an_algorithm_the_key_spec_does_not_offer_is_invalid_key_usage(kms, spec, algorithm):
    # The A pattern of test_invalid_generate_mac ("Algorithm <alg> is incompatible with key spec
    # <spec>."); U for signing keys.
    key_id = _key(kms, spec)["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm=algorithm)
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"Algorithm {algorithm} is incompatible with key spec {spec}.",
    }


def test_sign_with_an_hmac_key_is_invalid_key_usage(kms):
    # A: test_error_messaging_for_invalid_keys ("sign-invalid-key-id").
    arn = _key(kms, "HMAC_224", "GENERATE_VERIFY_MAC")["Arn"]
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=arn, Message=MESSAGE, SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"{arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.",
    }


def test_verify_with_a_symmetric_key_is_invalid_key_usage(kms, key):
    # A: test_error_messaging_for_invalid_keys ("verify-invalid-key-id").
    with pytest.raises(ClientError) as info:
        kms.verify(
            KeyId=key["KeyId"],
            Message=b"m",
            Signature=b"random text",
            SigningAlgorithm="ECDSA_SHA_256",
        )
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"{key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for Verify.",
    }


def test_sign_with_an_rsa_encryption_key_is_invalid_key_usage(kms):
    # A: test_invalid_key_usage (the code); the message is the A pattern.
    arn = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")["Arn"]
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=arn, Message=b"hello", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert _error(info)[1]["Message"] == (
        f"{arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign."
    )


def test_sign_with_a_disabled_key_is_disabled(kms):
    # P: key-state table [1] (Sign on a Disabled key).
    key = _key(kms, "ECC_NIST_P256")
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert _error(info)[1] == {"Code": "DisabledException", "Message": f"{key['Arn']} is disabled."}


def test_sign_with_dry_run_answers_dry_run_operation(kms):
    # A: the DryRun message (test_generate_data_key_pair_dry_run).
    key_id = _key(kms, "ECC_NIST_P256")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_256", DryRun=True)
    assert _error(info)[1]["Code"] == "DryRunOperationException"


def test_signing_with_an_edwards_key_is_not_modelled(kms):
    # STYLE: a key spec whose cryptography the double lacks answers 501, never a made-up success.
    key_id = _key(kms, "ECC_NIST_EDWARDS25519")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ED25519_SHA_512")
    assert _error(info) == (
        501,
        {
            "Code": "NotImplemented",
            "Message": "pytest-s3sse does not model cryptography with ECC_NIST_EDWARDS25519 keys",
        },
    )


# -- Encrypt and Decrypt with RSA keys ---------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
def test_rsa_encrypt_then_decrypt_round_trips(kms, algorithm):
    # A: test_encrypt_decrypt (RSA_2048, RSAES_OAEP_SHA_256); P: Decrypt needs KeyId and
    # EncryptionAlgorithm for an asymmetric key's ciphertext.
    key = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret", EncryptionAlgorithm=algorithm)
    assert (sealed["KeyId"], sealed["EncryptionAlgorithm"]) == (key["Arn"], algorithm)
    opened = kms.decrypt(
        KeyId=key["KeyId"], CiphertextBlob=sealed["CiphertextBlob"], EncryptionAlgorithm=algorithm
    )
    assert (opened["Plaintext"], opened["KeyId"], opened["EncryptionAlgorithm"]) == (
        b"secret", key["Arn"], algorithm,
    )  # fmt: skip


def test_a_ciphertext_made_outside_with_the_public_key_decrypts_in_kms(kms):
    # P: "you can encrypt data outside of AWS KMS with the public key ... and decrypt it in KMS".
    key_id = _key(kms, "RSA_3072", "ENCRYPT_DECRYPT")["KeyId"]
    public = load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    ciphertext = public.encrypt(b"from outside", oaep)
    opened = kms.decrypt(
        KeyId=key_id, CiphertextBlob=ciphertext, EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )
    assert opened["Plaintext"] == b"from outside"


@pytest.mark.parametrize(
    ("spec", "algorithm", "limit"),
    [
        ("RSA_2048", "RSAES_OAEP_SHA_1", 214), ("RSA_2048", "RSAES_OAEP_SHA_256", 190),
        ("RSA_3072", "RSAES_OAEP_SHA_1", 342), ("RSA_3072", "RSAES_OAEP_SHA_256", 318),
        ("RSA_4096", "RSAES_OAEP_SHA_1", 470), ("RSA_4096", "RSAES_OAEP_SHA_256", 446),
    ],
)  # fmt: skip
def test_rsa_plaintext_over_the_key_specs_limit_is_a_validation_error(kms, spec, algorithm, limit):
    # A: test_encrypt_validate_plaintext_size_per_key_type (each limit and the text).
    key_id = _key(kms, spec, "ENCRYPT_DECRYPT")["KeyId"]
    assert kms.encrypt(KeyId=key_id, Plaintext=b"x" * limit, EncryptionAlgorithm=algorithm)
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key_id, Plaintext=b"x" * (limit + 1), EncryptionAlgorithm=algorithm)
    assert _error(info) == (
        400,
        {
            "Code": "ValidationException",
            "Message": f"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than {limit} bytes.",
        },
    )


def test_rsa_encrypt_without_an_algorithm_is_invalid_key_usage(kms):
    # A: zalando/spring-cloud-config-aws-kms#82, jkroepke/helm-secrets#395 (the default
    # SYMMETRIC_DEFAULT with an RSA key).
    key_id = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    }


def test_rsa_encrypt_with_an_encryption_context_is_a_validation_error(kms):
    # P: "An encryption context is supported only on operations with symmetric encryption KMS
    # keys"; T: the text (several emulators); U on AWS.
    key_id = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.encrypt(
            KeyId=key_id,
            Plaintext=b"x",
            EncryptionAlgorithm="RSAES_OAEP_SHA_256",
            EncryptionContext={"a": "b"},
        )
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.",
    }


@pytest.mark.parametrize("how", ["no key id", "other algorithm"])
def test_an_rsa_ciphertext_that_does_not_open_is_invalid_ciphertext(kms, how):
    # P: KeyId is required for an asymmetric ciphertext (it names no key); U: InvalidCiphertext
    # with the empty message of symmetric blobs.
    key_id = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")[
        "CiphertextBlob"
    ]
    args = {"CiphertextBlob": blob}
    if how == "other algorithm":
        args |= {"KeyId": key_id, "EncryptionAlgorithm": "RSAES_OAEP_SHA_1"}
    with pytest.raises(ClientError) as info:
        kms.decrypt(**args)
    assert _error(info) == (400, {"Code": "InvalidCiphertextException", "Message": ""})


def test_a_symmetric_blob_decrypted_with_a_signing_keys_id_is_incorrect_key(kms, key):
    # A: test_error_messaging_for_invalid_keys ("decrypt-invalid-key-id", with an HMAC key).
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    other = _key(kms, "HMAC_224", "GENERATE_VERIFY_MAC")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob, KeyId=other)
    assert _error(info)[1]["Code"] == "IncorrectKeyException"


def test_re_encrypt_moves_a_symmetric_blob_to_an_rsa_key_and_back(kms, key):
    # P: ReEncrypt with asymmetric keys (SourceKeyId and SourceEncryptionAlgorithm for an asymmetric
    # source, DestinationEncryptionAlgorithm for an asymmetric destination); the model: the
    # KeyMaterialId members only where a key has key material.
    rsa_key = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"a": "b"})
    to_rsa = kms.re_encrypt(
        CiphertextBlob=blob["CiphertextBlob"],
        SourceEncryptionContext={"a": "b"},
        DestinationKeyId=rsa_key["KeyId"],
        DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_1",
    )
    assert (to_rsa["SourceKeyId"], to_rsa["KeyId"]) == (key["Arn"], rsa_key["Arn"])
    assert (to_rsa["SourceEncryptionAlgorithm"], to_rsa["DestinationEncryptionAlgorithm"]) == (
        "SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1",
    )  # fmt: skip
    assert "SourceKeyMaterialId" in to_rsa
    assert "DestinationKeyMaterialId" not in to_rsa
    back = kms.re_encrypt(
        CiphertextBlob=to_rsa["CiphertextBlob"],
        SourceKeyId=rsa_key["KeyId"],
        SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1",
        DestinationKeyId=key["KeyId"],
    )
    assert "SourceKeyMaterialId" not in back
    assert kms.decrypt(CiphertextBlob=back["CiphertextBlob"])["Plaintext"] == b"x"


def test_re_encrypt_to_an_rsa_key_without_an_algorithm_is_invalid_key_usage(kms, key):
    # The A text of Encrypt without an algorithm (zalando/spring-cloud-config-aws-kms#82); U here.
    rsa_key = _key(kms, "RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=rsa_key)
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    }


# -- DeriveSharedSecret ------------------------------------------------------------------------------
def test_derive_shared_secret_agrees_on_both_sides_and_with_ecdh_outside(kms):
    # A: test_derive_shared_secret (both keys derive the same secret; KeyOrigin AWS_KMS) and
    # test_derive_shared_secret_matches_openssl (the raw ECDH secret).
    first = _key(kms, "ECC_NIST_P256", "KEY_AGREEMENT")
    second = _key(kms, "ECC_NIST_P256", "KEY_AGREEMENT")
    first_public = kms.get_public_key(KeyId=first["KeyId"])["PublicKey"]
    second_public = kms.get_public_key(KeyId=second["KeyId"])["PublicKey"]
    one = kms.derive_shared_secret(
        KeyId=first["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=second_public
    )
    other = kms.derive_shared_secret(
        KeyId=second["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=first_public
    )
    assert one["SharedSecret"] == other["SharedSecret"]
    assert (one["KeyId"], one["KeyAgreementAlgorithm"], one["KeyOrigin"]) == (
        first["Arn"], "ECDH", "AWS_KMS",
    )  # fmt: skip
    local = ec.generate_private_key(ec.SECP256R1())
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    local_public = local.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kms_side = kms.derive_shared_secret(
        KeyId=first["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=local_public
    )["SharedSecret"]
    peer = load_der_public_key(first_public)
    assert isinstance(peer, ec.EllipticCurvePublicKey)
    assert kms_side == local.exchange(ec.ECDH(), peer)


def test_derive_shared_secret_with_an_invalid_public_key_is_an_empty_validation_error(kms):
    # A: test_derive_shared_secret ("response-invalid-public-key").
    key_id = _key(kms, "ECC_NIST_P256", "KEY_AGREEMENT")["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.derive_shared_secret(
            KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=b"InvalidPublicKey"
        )
    assert _error(info) == (400, {"Code": "ValidationException", "Message": ""})


@pytest.mark.parametrize("usage", ["SIGN_VERIFY", "ENCRYPT_DECRYPT"])
def test_derive_shared_secret_with_a_key_of_another_usage_is_invalid_key_usage(kms, usage):
    # A: test_derive_shared_secret ("response-invalid-key-usage", "response-invalid-key").
    key = (
        _key(kms, "ECC_NIST_P256", usage)
        if usage == "SIGN_VERIFY"
        else kms.create_key()["KeyMetadata"]
    )
    public = kms.get_public_key(KeyId=_key(kms, "ECC_NIST_P256", "KEY_AGREEMENT")["KeyId"])[
        "PublicKey"
    ]
    with pytest.raises(ClientError) as info:
        kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=public)
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"{key['Arn']} key usage is {usage} which is not valid for DeriveSharedSecret.",
    }


def test_an_unknown_key_agreement_algorithm_is_a_validation_error(kms):
    # A: test_derive_shared_secret ("response-invalid-key-agreement-algo").
    key_id = _key(kms, "ECC_NIST_P256", "KEY_AGREEMENT")["KeyId"]
    public = kms.get_public_key(KeyId=key_id)["PublicKey"]
    with pytest.raises(ClientError) as info:
        kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="INVALID", PublicKey=public)
    assert _error(info)[1]["Message"] == (
        "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ECDH]"
    )

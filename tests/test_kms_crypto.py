"""KMS cryptography through boto3's kms client: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(Without
Plaintext), GenerateRandom; encryption-context binding, tampering, IncorrectKey, key states and usage.

Sources: shared/reference/aws-sse-behaviour.md sections 9.1-9.2 (A = LocalStack's AWS-validated
snapshots, ``tests/aws/services/kms/test_kms.snapshot.json``), the botocore model (P), the KMS DG
key-state table (P); U = unconfirmed, value proposed (docs/kms.md).
"""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from kms_support import KEY_FORMS, key_form
from support import error as _error

UNVALIDATED = Config(parameter_validation=False, retries={"total_max_attempts": 1})


def _flip(blob, index):
    data = bytearray(blob)
    data[index] ^= 0x01
    return bytes(data)


def test_encrypt_then_decrypt_round_trips_and_names_the_key_arn(kms, key):
    # P: Encrypt/Decrypt return the key ARN; A: Decrypt adds EncryptionAlgorithm and KeyMaterialId
    # (decrypt_response_with_encryption_context).
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")
    assert (out["KeyId"], out["EncryptionAlgorithm"]) == (key["Arn"], "SYMMETRIC_DEFAULT")
    assert b"secret" not in out["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"])
    assert back["Plaintext"] == b"secret"
    assert (back["KeyId"], back["EncryptionAlgorithm"]) == (key["Arn"], "SYMMETRIC_DEFAULT")
    assert back["KeyMaterialId"] == key["CurrentKeyMaterialId"]


@pytest.mark.parametrize("form", KEY_FORMS)
def test_encrypt_accepts_every_key_form(kms, key, form):
    # A: LS-AWS test_all_types_of_key_id_can_be_used_for_encryption.
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    ref = key_form(key, form, alias="alias/app")
    assert kms.encrypt(KeyId=ref, Plaintext=b"x")["KeyId"] == key["Arn"]


def test_decrypt_with_the_same_context_in_any_order_succeeds(kms, key):
    # P: "the same encryption context (a case-sensitive exact match)"; the pairs are a map.
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"a": "1", "b": "2"})
    out = kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"b": "2", "a": "1"})
    assert out["Plaintext"] == b"x"


@pytest.mark.parametrize(
    "context",
    [None, {"a": "other"}, {"A": "1"}, {"a": "1", "b": "2"}],
    ids=["missing", "value", "case", "extra"],
)
def test_decrypt_without_the_same_context_is_invalid_ciphertext(kms, key, context):
    # A: test_encrypt_decrypt_encryption_context (an empty message).
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"a": "1"})
    kwargs = {"EncryptionContext": context} if context is not None else {}
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], **kwargs)
    assert _error(info) == (400, {"Code": "InvalidCiphertextException", "Message": ""})


@pytest.mark.parametrize(
    "index", [0, 10, 90, 115, -1], ids=["version", "key-arn", "material-id", "nonce", "tag"]
)
def test_a_tampered_blob_is_invalid_ciphertext(kms, key, index):
    # A: test_encrypt_decrypt_encryption_context ("decrypt_response_with_invalid_ciphertext").
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=_flip(blob, index))
    assert _error(info)[1] == {"Code": "InvalidCiphertextException", "Message": ""}


def test_a_blob_with_bytes_appended_is_invalid_ciphertext(kms, key):
    # A: test_key_rotations_encryption_decryption ("bad-ciphertext": ciphertext + b"bad_data").
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob + b"bad_data", KeyId=key["KeyId"])
    assert _error(info)[1]["Code"] == "InvalidCiphertextException"


def test_bytes_that_kms_never_produced_are_invalid_ciphertext(kms):
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=b"not a kms blob at all" * 3)
    assert _error(info)[1] == {"Code": "InvalidCiphertextException", "Message": ""}


def test_decrypt_with_the_id_of_another_key_is_incorrect_key(kms, key):
    # A: test_error_messaging_for_invalid_keys ("decrypt-invalid-key-id").
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob, KeyId=other["KeyId"])
    assert _error(info) == (
        400,
        {
            "Code": "IncorrectKeyException",
            "Message": "The key ID in the request does not identify a CMK that can perform this operation.",
        },
    )


def test_decrypt_with_an_alias_of_the_right_key_succeeds(kms, key):
    # P: Decrypt KeyId takes "key ID, key ARN, alias name, or alias ARN".
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId="alias/app")["Plaintext"] == b"x"


def test_re_encrypt_moves_a_blob_to_another_key(kms, key):
    # A: test_re_encrypt (SourceKeyId is the ARN, algorithms SYMMETRIC_DEFAULT); P: material ids.
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"a": "1"})
    out = kms.re_encrypt(
        CiphertextBlob=blob["CiphertextBlob"],
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=other["KeyId"],
        DestinationEncryptionContext={"b": "2"},
    )
    assert (out["SourceKeyId"], out["KeyId"]) == (key["Arn"], other["Arn"])
    assert (out["SourceEncryptionAlgorithm"], out["DestinationEncryptionAlgorithm"]) == (
        "SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT",
    )  # fmt: skip
    assert out["SourceKeyMaterialId"] == key["CurrentKeyMaterialId"]
    assert out["DestinationKeyMaterialId"] == other["CurrentKeyMaterialId"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert (back["Plaintext"], back["KeyId"]) == (b"x", other["Arn"])


def test_re_encrypt_with_the_wrong_source_key_is_incorrect_key(kms, key):
    # A: test_re_encrypt_incorrect_source_key.
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        kms.re_encrypt(
            CiphertextBlob=blob, SourceKeyId=other["KeyId"], DestinationKeyId=other["KeyId"]
        )
    assert _error(info)[1]["Code"] == "IncorrectKeyException"


@pytest.mark.parametrize(
    ("kwargs", "size"),
    [({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16), ({"NumberOfBytes": 7}, 7)],
)
def test_generate_data_key_returns_a_key_and_its_sealed_copy(kms, key, kwargs, size):
    # P: KeySpec AES_256/AES_128 or NumberOfBytes; KeyId is the key ARN; KeyMaterialId (model).
    out = kms.generate_data_key(KeyId=key["KeyId"], **kwargs)
    assert len(out["Plaintext"]) == size
    assert (out["KeyId"], out["KeyMaterialId"]) == (key["Arn"], key["CurrentKeyMaterialId"])
    assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"] == out["Plaintext"]


def test_generate_data_key_without_plaintext_returns_only_the_sealed_copy(kms, key):
    # A: test_generate_data_key_without_plaintext (no Plaintext member).
    out = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
    assert "Plaintext" not in out
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32


def test_a_data_key_is_bound_to_its_encryption_context(kms, key):
    # A: test_encryption_context_generate_data_key.
    out = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext={"a": "1"})
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=out["CiphertextBlob"])
    assert _error(info)[1] == {"Code": "InvalidCiphertextException", "Message": ""}


@pytest.mark.parametrize(
    "kwargs", [{}, {"KeySpec": "AES_256", "NumberOfBytes": 32}], ids=["neither", "both"]
)
def test_generate_data_key_needs_exactly_one_of_key_spec_and_number_of_bytes(kms, key, kwargs):
    # P: "Use either the KeySpec or NumberOfBytes parameters (but not both)"; T: moto's text (U).
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId=key["KeyId"], **kwargs)
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "Please specify either number of bytes or key spec.",
    }


def test_an_unknown_data_key_spec_is_a_validation_error(make_client, key):
    # T: moto's text, in the A format of reference 9.2 (botocore does not check enums).
    kms = make_client("kms", config=UNVALIDATED)
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_512")
    assert _error(info)[1]["Message"] == (
        "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: "
        "Member must satisfy enum value set: [AES_256, AES_128]"
    )


def test_a_plaintext_over_4096_bytes_is_a_validation_error(kms, key):
    # A: test_plaintext_size_for_encrypt (no value shown for a blob).
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 4097)
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    }


@pytest.mark.parametrize("size", [1, 12, 1024])
def test_generate_random_returns_that_many_bytes(kms, size):
    # A: test_generate_random.
    assert len(kms.generate_random(NumberOfBytes=size)["Plaintext"]) == size


@pytest.mark.parametrize(
    ("size", "bound"),
    [(0, "greater than or equal to 1"), (1025, "less than or equal to 1024")],
)
def test_generate_random_outside_1_to_1024_bytes_is_a_validation_error(make_client, size, bound):
    # A: test_generate_random_invalid_number_of_bytes[0] and [1025].
    kms = make_client("kms", config=UNVALIDATED)
    with pytest.raises(ClientError) as info:
        kms.generate_random(NumberOfBytes=size)
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": f"1 validation error detected: Value '{size}' at 'numberOfBytes' failed to satisfy constraint: Member must have value {bound}",
    }


def test_generate_random_without_a_size_is_a_validation_error(kms):
    # A: test_generate_random_invalid_number_of_bytes[None].
    with pytest.raises(ClientError) as info:
        kms.generate_random()
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "NumberOfBytes is required.",
    }


def test_a_disabled_key_refuses_every_cryptographic_operation(kms, key):
    # A: "<arn> is disabled." (reference 9.1); P: key-state table [1].
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    calls = [
        lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"),
        lambda: kms.decrypt(CiphertextBlob=blob),
        lambda: kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert _error(info)[1] == {
            "Code": "DisabledException",
            "Message": f"{key['Arn']} is disabled.",
        }


def test_a_key_pending_deletion_refuses_cryptographic_operations(kms, key):
    # A: via S3 (R6) and LS-AWS test_cant_use_disabled_or_deleted_keys; P: key-state table [3].
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob)
    assert _error(info)[1] == {
        "Code": "KMSInvalidStateException",
        "Message": f"{key['Arn']} is pending deletion.",
    }


def test_a_blob_of_a_deleted_key_names_the_missing_key(s3sse, kms, key):
    # U: NotFoundException "Key '<arn>' does not exist" after the waiting period (reference 7.2).
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    s3sse.clock.advance(days=8)
    with pytest.raises(ClientError) as info:
        kms.decrypt(CiphertextBlob=blob)
    assert _error(info)[1] == {
        "Code": "NotFoundException",
        "Message": f"Key '{key['Arn']}' does not exist",
    }


def test_a_blob_decrypted_in_another_region_is_invalid_ciphertext(make_client, kms, key):
    # U: a key's blobs decrypt only in its region.
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as info:
        make_client("kms", region_name="eu-west-1").decrypt(CiphertextBlob=blob)
    assert _error(info)[1]["Code"] == "InvalidCiphertextException"


def test_a_signing_key_refuses_encrypt_with_invalid_key_usage(kms):
    # A: test_error_messaging_for_invalid_keys ("encrypt-invalid-key-id").
    arn = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=arn, Plaintext=b"x")
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"{arn} key usage is SIGN_VERIFY which is not valid for Encrypt.",
    }


def test_an_asymmetric_algorithm_with_a_symmetric_key_is_invalid_key_usage(kms, key):
    # Pattern of A "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224." (U for Encrypt).
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert _error(info)[1]["Message"] == (
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT."
    )


def test_dry_run_checks_everything_and_answers_dry_run_operation(kms, key):
    # A: test_generate_data_key_pair_dry_run (the message).
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", DryRun=True)
    assert _error(info)[1] == {
        "Code": "DryRunOperationException",
        "Message": "The request would have succeeded, but the DryRun option is set.",
    }


def test_another_accounts_key_encrypts_through_its_arn(s3sse, make_client, kms, key):
    # P: Encrypt "Cross-account use: Yes" with the key ARN, once the key policy allows the other
    # account (policy-behaviour.md E9: the default key policy names only the key's own account).
    s3sse.add_credentials("OTHERKEY", account_id="999988887777")
    other = make_client("kms", aws_access_key_id="OTHERKEY")
    with pytest.raises(ClientError) as info:
        other.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    assert info.value.response["Error"]["Code"] == "AccessDeniedException"
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"])["Policy"])
    policy["Statement"].append(
        {
            "Sid": "Other account",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
            "Action": ["kms:Encrypt", "kms:Decrypt"],
            "Resource": "*",
        }
    )
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    blob = other.encrypt(KeyId=key["Arn"], Plaintext=b"x")["CiphertextBlob"]
    assert other.decrypt(CiphertextBlob=blob)["KeyId"] == key["Arn"]

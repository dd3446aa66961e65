"""HMAC KMS keys through boto3's kms client: GenerateMac and VerifyMac, and their errors.

Sources (docs/kms.md): A = LocalStack's AWS-validated snapshots (``tests/aws/services/kms/
test_kms.snapshot.json``: ``test_hmac_create_key``, ``test_generate_and_verify_mac``,
``test_invalid_generate_mac``, ``test_invalid_verify_mac``, ``test_error_messaging_for_invalid_keys``);
P = the botocore model and the KMS Developer Guide; U = unconfirmed, proposed.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error as _error

SPECS = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}  # MAC lengths (P)
MESSAGE = b"some important message"


def _mac_key(kms, spec="HMAC_256"):
    return kms.create_key(KeySpec=spec, KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]


@pytest.mark.parametrize(("spec", "size"), SPECS.items())
def test_generate_mac_then_verify_mac(kms, spec, size):
    # A: test_generate_and_verify_mac (KeyId the key ARN, the algorithm echoed, MacValid true).
    key = _mac_key(kms, spec)
    algorithm = "HMAC_SHA_" + spec[-3:]
    made = kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm)
    assert (made["KeyId"], made["MacAlgorithm"], len(made["Mac"])) == (key["Arn"], algorithm, size)
    checked = kms.verify_mac(
        KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm, Mac=made["Mac"]
    )
    assert (checked["KeyId"], checked["MacValid"], checked["MacAlgorithm"]) == (
        key["Arn"], True, algorithm,
    )  # fmt: skip


def test_a_mac_is_the_same_for_the_same_message_and_key(kms):
    # P: HMAC is deterministic ("the same message, key and algorithm always produce the same MAC").
    key_id = _mac_key(kms)["KeyId"]
    args = {"KeyId": key_id, "Message": MESSAGE, "MacAlgorithm": "HMAC_SHA_256"}
    assert kms.generate_mac(**args)["Mac"] == kms.generate_mac(**args)["Mac"]


def test_each_hmac_key_has_its_own_secret(kms):
    args = {"Message": MESSAGE, "MacAlgorithm": "HMAC_SHA_256"}
    one = kms.generate_mac(KeyId=_mac_key(kms)["KeyId"], **args)["Mac"]
    assert kms.generate_mac(KeyId=_mac_key(kms)["KeyId"], **args)["Mac"] != one


def test_verify_mac_of_another_message_is_kms_invalid_mac(kms):
    # A: test_invalid_verify_mac ("some different important message": empty message, 400).
    key_id = _mac_key(kms)["KeyId"]
    mac = kms.generate_mac(KeyId=key_id, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"]
    with pytest.raises(ClientError) as info:
        kms.verify_mac(
            KeyId=key_id,
            Message=b"some different important message",
            MacAlgorithm="HMAC_SHA_256",
            Mac=mac,
        )
    assert _error(info) == (400, {"Code": "KMSInvalidMacException", "Message": ""})


@pytest.mark.parametrize("operation", ["generate_mac", "verify_mac"])
def test_an_algorithm_of_another_key_spec_is_invalid_key_usage(kms, operation):
    # A: test_invalid_generate_mac (HMAC_224 key, HMAC_SHA_256) and test_invalid_verify_mac.
    key_id = _mac_key(kms, "HMAC_224")["KeyId"]
    args = {"KeyId": key_id, "Message": MESSAGE, "MacAlgorithm": "HMAC_SHA_256"}
    if operation == "verify_mac":
        args["Mac"] = b"\x00" * 32
    with pytest.raises(ClientError) as info:
        getattr(kms, operation)(**args)
    assert _error(info) == (
        400,
        {
            "Code": "InvalidKeyUsageException",
            "Message": "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
        },
    )


def test_an_unknown_mac_algorithm_is_a_validation_error(kms):
    # A: test_invalid_generate_mac ("INVALID": the enum in AWS's order).
    key_id = _mac_key(kms)["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.generate_mac(KeyId=key_id, Message=MESSAGE, MacAlgorithm="INVALID")
    assert _error(info)[1] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to "
        "satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, "
        "HMAC_SHA_224, HMAC_SHA_512]",
    }


def test_a_message_over_4096_bytes_is_a_validation_error(kms):
    # P: Message 1-4096 bytes (the model); A: the blob format of test_plaintext_size_for_encrypt.
    key_id = _mac_key(kms)["KeyId"]
    with pytest.raises(ClientError) as info:
        kms.generate_mac(KeyId=key_id, Message=b"x" * 4097, MacAlgorithm="HMAC_SHA_256")
    assert _error(info)[1]["Message"] == (
        "1 validation error detected: Value at 'message' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096"
    )


def test_generate_mac_with_a_symmetric_key_is_invalid_key_usage(kms, key):
    # A: test_error_messaging_for_invalid_keys ("generate-mac-invalid-key-id").
    with pytest.raises(ClientError) as info:
        kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_224")
    assert _error(info)[1] == {
        "Code": "InvalidKeyUsageException",
        "Message": f"{key['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.",
    }


def test_generate_mac_with_an_invalid_key_id_is_not_found(kms):
    # A: test_generate_and_verify_mac ("generate-mac-invalid-key-id").
    with pytest.raises(ClientError) as info:
        kms.generate_mac(KeyId="key_id", Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    assert _error(info)[1] == {"Code": "NotFoundException", "Message": "Invalid keyId 'key_id'"}


def test_an_hmac_key_refuses_encrypt(kms):
    # A: the usage pattern of test_error_messaging_for_invalid_keys.
    arn = _mac_key(kms)["Arn"]
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=arn, Plaintext=b"x")
    assert _error(info)[1]["Message"] == (
        f"{arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt."
    )


def test_generate_mac_with_a_disabled_key_is_disabled(kms):
    # P: key-state table [1].
    key = _mac_key(kms)
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as info:
        kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")
    assert _error(info)[1] == {"Code": "DisabledException", "Message": f"{key['Arn']} is disabled."}


def test_get_public_key_of_an_hmac_key_is_an_unsupported_operation(kms):
    # T: the code (stackshy/cloudemu#676); U the text.
    key = _mac_key(kms)
    with pytest.raises(ClientError) as info:
        kms.get_public_key(KeyId=key["KeyId"])
    assert _error(info)[1]["Code"] == "UnsupportedOperationException"

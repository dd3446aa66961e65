"""Protocol edge: the KMS handlers of asymmetric and HMAC keys (GetPublicKey, Sign, Verify,
GenerateMac, VerifyMac, DeriveSharedSecret, GenerateDataKeyPair*), beside :mod:`.api`'s table.

Blobs arrive decoded (:mod:`.shapes`) and leave base64; ``KeyId`` in every answer is the key ARN (A,
LS-AWS ``test_get_public_key``). Verify and VerifyMac answer ``true`` or an error, never ``false``
(A, ``test_sign_verify``, ``test_invalid_verify_mac``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_s3sse._internal.errors.kms import NotImplementedKms
from pytest_s3sse._internal.kms.jsonapi import render
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import Caller

Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[KmsService, Params, Caller], Result]


def _no_recipient(params: Params) -> None:
    if params.get("Recipient") is not None:  # a Nitro attestation: not modelled
        raise NotImplementedKms.feature("the Recipient parameter")


def _get_public_key(svc: KmsService, p: Params, caller: Caller) -> Result:
    return render.public_key(svc.get_public_key(p["KeyId"], caller=caller))


def _sign(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.sign(
        p["KeyId"],
        p["Message"],
        caller=caller,
        algorithm=p["SigningAlgorithm"],
        message_type=p.get("MessageType"),
        dry_run=bool(p.get("DryRun", False)),
    )
    return {
        "KeyId": out.key_arn,
        "Signature": render.b64(out.value),
        "SigningAlgorithm": out.algorithm,
    }


def _verify(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.verify(
        p["KeyId"],
        p["Message"],
        p["Signature"],
        caller=caller,
        algorithm=p["SigningAlgorithm"],
        message_type=p.get("MessageType"),
        dry_run=bool(p.get("DryRun", False)),
    )
    return {"KeyId": out.key_arn, "SignatureValid": True, "SigningAlgorithm": out.algorithm}


def _generate_mac(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.generate_mac(
        p["KeyId"],
        p["Message"],
        caller=caller,
        algorithm=p["MacAlgorithm"],
        dry_run=bool(p.get("DryRun", False)),
    )
    return {"Mac": render.b64(out.value), "MacAlgorithm": out.algorithm, "KeyId": out.key_arn}


def _verify_mac(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.verify_mac(
        p["KeyId"],
        p["Message"],
        p["Mac"],
        caller=caller,
        algorithm=p["MacAlgorithm"],
        dry_run=bool(p.get("DryRun", False)),
    )
    return {"KeyId": out.key_arn, "MacValid": True, "MacAlgorithm": out.algorithm}


def _derive_shared_secret(svc: KmsService, p: Params, caller: Caller) -> Result:
    _no_recipient(p)
    out = svc.derive_shared_secret(
        p["KeyId"],
        p["PublicKey"],
        caller=caller,
        algorithm=p["KeyAgreementAlgorithm"],
        dry_run=bool(p.get("DryRun", False)),
    )
    return {
        "KeyId": out.key_arn,
        "SharedSecret": render.b64(out.value),
        "KeyAgreementAlgorithm": out.algorithm,
        "KeyOrigin": "AWS_KMS",
    }


def _data_key_pair(with_plaintext: bool) -> Handler:
    def handler(svc: KmsService, p: Params, caller: Caller) -> Result:
        _no_recipient(p)
        out = svc.generate_data_key_pair(
            p["KeyId"],
            p["KeyPairSpec"],
            caller=caller,
            context=p.get("EncryptionContext"),
            with_plaintext=with_plaintext,
            dry_run=bool(p.get("DryRun", False)),
        )
        result: Result = {
            "PrivateKeyCiphertextBlob": render.b64(out.private_blob),
            "PublicKey": render.b64(out.public_key),
            "KeyId": out.key_arn,
            "KeyPairSpec": out.spec,
            "KeyMaterialId": out.material_id,
        }
        if out.private_plaintext is not None:
            result["PrivateKeyPlaintext"] = render.b64(out.private_plaintext)
        return result

    return handler


ASYMMETRIC_HANDLERS: dict[str, Handler] = {
    "GetPublicKey": _get_public_key,
    "Sign": _sign,
    "Verify": _verify,
    "GenerateMac": _generate_mac,
    "VerifyMac": _verify_mac,
    "DeriveSharedSecret": _derive_shared_secret,
    "GenerateDataKeyPair": _data_key_pair(with_plaintext=True),
    "GenerateDataKeyPairWithoutPlaintext": _data_key_pair(with_plaintext=False),
}

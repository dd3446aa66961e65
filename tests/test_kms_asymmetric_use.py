"""Asymmetric and HMAC keys as the rest of the engine sees them: key policies and grants decide
Sign, Verify, GetPublicKey, GenerateMac, GenerateDataKeyPair ...; the calls are counted and on the
trail; S3 refuses such keys for SSE-KMS as AWS does.

Sources (docs/kms.md, docs/sse-kms.md): P = the Service Authorization Reference (kms:Sign and its
condition keys kms:SigningAlgorithm, kms:MessageType; kms:MacAlgorithm; kms:DataKeyPairSpec), the KMS
DG (grants, CloudTrail ct-sign); A/P/U as in ``shared/reference/aws-sse-behaviour.md`` 7.1.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import NO_RETRY
from kms_support import sse_kms
from support import error

ACCOUNT = "123456789012"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"


def _as(s3sse: Any, arn: str, policy: Any = None) -> Any:
    creds = s3sse.principal(arn, policy=policy) if policy is not None else s3sse.principal(arn)
    return boto3.client("kms", region_name="us-east-1", config=NO_RETRY, **creds)


def _signing_key(kms: Any) -> dict[str, Any]:
    return kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]


def _allow(actions: Any, **condition: Any) -> dict[str, Any]:
    stmt: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": "*"}
    if condition:
        stmt["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [stmt]}


# -- key policies and grants -------------------------------------------------------------------------
def test_sign_needs_kms_sign_from_the_callers_policies(s3sse, kms):
    # P: kms:Sign is the action; A format KE4 of the denial (policy-behaviour.md).
    key = _signing_key(kms)
    bob = _as(s3sse, BOB, _allow("kms:Verify"))
    with pytest.raises(ClientError) as info:
        bob.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    assert error(info)[1] == {
        "Code": "AccessDeniedException",
        "Message": f"User: {BOB} is not authorized to perform: kms:Sign on resource: {key['Arn']} "
        "because no identity-based policy allows the kms:Sign action",
    }


def test_the_signing_algorithm_condition_key_reaches_sign(s3sse, kms):
    # P: kms:SigningAlgorithm and kms:MessageType are condition keys of kms:Sign.
    key = _signing_key(kms)
    only_digests = _allow(
        "kms:Sign",
        StringEquals={"kms:SigningAlgorithm": "ECDSA_SHA_256", "kms:MessageType": "DIGEST"},
    )
    bob = _as(s3sse, BOB, only_digests)
    digest = b"\x01" * 32
    args = {"KeyId": key["KeyId"], "SigningAlgorithm": "ECDSA_SHA_256"}
    assert bob.sign(Message=digest, MessageType="DIGEST", **args)["Signature"]
    with pytest.raises(ClientError) as info:
        bob.sign(Message=b"raw message", **args)
    assert error(info)[1]["Code"] == "AccessDeniedException"


def test_the_mac_algorithm_condition_key_reaches_generate_mac(s3sse, kms):
    # P: kms:MacAlgorithm is a condition key of kms:GenerateMac.
    key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    bob = _as(
        s3sse, BOB, _allow("kms:GenerateMac", StringEquals={"kms:MacAlgorithm": "HMAC_SHA_512"})
    )
    with pytest.raises(ClientError) as info:
        bob.generate_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    assert error(info)[1]["Code"] == "AccessDeniedException"


def test_the_data_key_pair_spec_condition_key_reaches_generate_data_key_pair(s3sse, kms, key):
    # P: kms:DataKeyPairSpec is a condition key of kms:GenerateDataKeyPair.
    only_p256 = _allow(
        "kms:GenerateDataKeyPair", StringEquals={"kms:DataKeyPairSpec": "ECC_NIST_P256"}
    )
    bob = _as(s3sse, BOB, only_p256)
    assert bob.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P256")
    with pytest.raises(ClientError) as info:
        bob.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P384")
    assert error(info)[1]["Code"] == "AccessDeniedException"


def test_a_grant_of_sign_and_get_public_key_lets_its_grantee_sign(s3sse, kms):
    # P: grants of Sign, Verify, GetPublicKey on an asymmetric key (KMS DG grants.md, E10).
    key = _signing_key(kms)
    bob = _as(s3sse, BOB, _allow("kms:DescribeKey"))
    args = {"KeyId": key["KeyId"], "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}
    with pytest.raises(ClientError):
        bob.sign(**args)
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=["Sign", "GetPublicKey"])
    assert bob.sign(**args)["Signature"]
    assert bob.get_public_key(KeyId=key["KeyId"])["PublicKey"]


@pytest.mark.parametrize(
    ("spec", "usage", "operation"),
    [
        ("ECC_NIST_P256", "SIGN_VERIFY", "Encrypt"),
        ("HMAC_256", "GENERATE_VERIFY_MAC", "Sign"),
        ("RSA_2048", "ENCRYPT_DECRYPT", "GenerateDataKey"),
    ],
)
def test_a_grant_of_an_operation_the_key_does_not_support_is_a_validation_error(
    kms, spec, usage, operation
):
    # P (CreateGrant Operations): only operations the key supports; ValidationException (text U).
    key = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    with pytest.raises(ClientError) as info:
        kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=BOB, Operations=[operation])
    assert error(info)[1] == {
        "Code": "ValidationException",
        "Message": f"Grant operations ['{operation}'] are not supported for key spec {spec}.",
    }


# -- the call log and the trail ----------------------------------------------------------------------
def test_asymmetric_calls_are_counted_like_every_kms_call(s3sse, kms):
    # The test API (docs/kms.md): every call recorded with its key, failed ones too.
    key = _signing_key(kms)
    signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    kms.verify(
        KeyId=key["KeyId"],
        Message=b"m",
        Signature=signature["Signature"],
        SigningAlgorithm="ECDSA_SHA_256",
    )
    with pytest.raises(ClientError):
        kms.verify(
            KeyId=key["KeyId"], Message=b"x", Signature=b"bad", SigningAlgorithm="ECDSA_SHA_256"
        )
    assert s3sse.kms_call_count("Sign", key=key["KeyId"]) == 1
    assert s3sse.kms_call_count("verify", key=key["Arn"]) == 2
    failed = [c for c in s3sse.kms_calls if c.operation == "Verify" and c.error]
    assert [(c.key_arn, c.error) for c in failed] == [(key["Arn"], "KMSInvalidSignatureException")]


def test_sign_is_on_the_trail_without_its_message_or_signature(s3sse, kms):
    # P: ct-sign (requestParameters keyId, messageType, signingAlgorithm; no message); the response
    # holds no signature (responseElements null, as for Encrypt).
    key = _signing_key(kms)
    kms.sign(
        KeyId=key["KeyId"], Message=b"secret", MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256"
    )
    record = s3sse.trail.filter(event_name="Sign")[0]
    assert record["requestParameters"] == {
        "keyId": key["KeyId"],
        "messageType": "RAW",
        "signingAlgorithm": "ECDSA_SHA_256",
    }
    assert record["responseElements"] is None
    assert "secret" not in json.dumps(record)


def test_generate_mac_is_on_the_trail_with_its_algorithm(s3sse, kms):
    # P: ct-generatemac (keyId, macAlgorithm; never the message or the MAC).
    key = kms.create_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    kms.generate_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_384")
    record = s3sse.trail.filter(event_name="GenerateMac")[0]
    assert record["requestParameters"] == {"keyId": key["KeyId"], "macAlgorithm": "HMAC_SHA_384"}


# -- S3 and keys that are not symmetric encryption keys ----------------------------------------------
def test_an_hmac_key_for_sse_kms_is_kms_invalid_key_usage(s3, bucket, kms):
    # 7.1: only symmetric ENCRYPT_DECRYPT keys (P via the S3 error list; the message U, KMS's).
    arn = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(arn))
    assert error(info) == (
        400,
        {
            "Code": "KMS.InvalidKeyUsageException",
            "Message": f"{arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey.",
        },
    )


def test_an_rsa_encryption_key_for_sse_kms_is_kms_invalid_key_usage(s3, bucket, kms):
    # 7.1 (P: the code); U: the text, the usage pattern naming the key spec.
    arn = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(arn))
    assert error(info) == (
        400,
        {
            "Code": "KMS.InvalidKeyUsageException",
            "Message": f"{arn} key spec is RSA_2048 which is not valid for GenerateDataKey.",
        },
    )

"""KMS request quotas: off by default; when configured, a token bucket per (account, region, family)
refilled on the engine clock, answering ThrottlingException beyond the rate, which botocore retries.

Sources: audit-behaviour.md 6.2 (P: KMS DG "Request quotas": the cryptographic operations share one
quota, S3's calls included; management operations have one each; the caller's account is throttled) and
aws-sse-behaviour.md 9.1 (A: the ThrottlingException text, HTTP 400).
"""

from __future__ import annotations

from types import SimpleNamespace

import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from kms_support import allow_account
from support import error as _error

from pytest_s3sse._internal.errors.kms import ThrottlingException
from pytest_s3sse._internal.kms.quotas import aws_default
from pytest_s3sse._internal.kms.types import Caller
from pytest_s3sse._internal.types import Principal

THROTTLED = {
    "Code": "ThrottlingException",
    "Message": "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.",
}


@pytest.fixture
def kms(s3sse, make_client):
    s3sse.clock.freeze()
    return make_client("kms")


@pytest.fixture
def key_id(kms):
    return kms.create_key()["KeyMetadata"]["KeyId"]


def test_quotas_are_off_by_default(kms, key_id):
    for _ in range(50):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_calls_beyond_the_rate_are_throttled(s3sse, kms, key_id):
    # A: the message and HTTP 400 (aws-dynamodb-encryption-java#6, hyperlane-monorepo#2391).
    s3sse.kms_quota("cryptographic", per_second=2)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert _error(info) == (400, THROTTLED)


def test_the_quota_refills_on_the_engine_clock(s3sse, kms, key_id):
    s3sse.kms_quota("cryptographic", per_second=1)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    with pytest.raises(ClientError):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    s3sse.clock.advance(1)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_the_cryptographic_operations_share_one_quota(s3sse, kms, key_id):
    # P: "AWS KMS cryptographic operations share request quotas".
    s3sse.kms_quota("cryptographic", per_second=3)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    kms.generate_random(NumberOfBytes=8)
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert _error(info)[1]["Code"] == "ThrottlingException"


def test_each_management_operation_has_its_own_quota(s3sse, kms, key_id):
    # P: "requests for the CreateKey operation have no effect on the request quota for CreateAlias".
    s3sse.kms_quota("CreateKey", per_second=1)
    kms.create_key()
    with pytest.raises(ClientError) as info:
        kms.create_key()
    assert _error(info)[1]["Code"] == "ThrottlingException"
    kms.describe_key(KeyId=key_id)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_the_callers_account_is_throttled_not_the_keys(s3sse, make_client, kms, key_id):
    # P: "For cross-account requests, AWS KMS throttles the account that makes the requests".
    allow_account(kms, key_id, "999988887777")
    s3sse.kms_quota("cryptographic", per_second=1)
    s3sse.add_credentials("OTHERKEY", account_id="999988887777")
    other = make_client("kms", aws_access_key_id="OTHERKEY")
    arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    other.encrypt(KeyId=arn, Plaintext=b"x")
    with pytest.raises(ClientError):
        other.encrypt(KeyId=arn, Plaintext=b"x")


def test_s3_calls_count_against_the_callers_quota(s3sse, kms, key_id):
    # P: "These requests count toward your quota" (API requests made on your behalf).
    s3sse.kms_quota("cryptographic", per_second=1)
    caller = Caller.for_s3(
        Principal("123456789012", "arn:aws:iam::123456789012:root"),
        account="123456789012",
        region="us-east-1",
    )
    s3sse.kms.generate_data_key(key_id, caller=caller)
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert _error(info)[1]["Code"] == "ThrottlingException"
    with pytest.raises(ThrottlingException):
        s3sse.kms.generate_data_key(key_id, caller=caller)


def test_botocore_retries_throttling_and_succeeds_once_the_clock_moves(
    s3sse, make_client, monkeypatch, key_id
):
    # botocore's standard retry mode treats ThrottlingException as retryable and sleeps between
    # attempts; here its sleep moves the (frozen) engine clock, so the bucket refills.
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=s3sse.clock.advance))
    kms = make_client("kms", config=Config(retries={"total_max_attempts": 10, "mode": "standard"}))
    s3sse.kms_quota("cryptographic", per_second=1)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    out = kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert out["ResponseMetadata"]["RetryAttempts"] >= 1
    errors = [c.error for c in s3sse.kms_calls if c.operation == "Encrypt"]
    assert errors[0] is None
    assert errors[-1] is None
    assert set(errors[1:-1]) == {"ThrottlingException"}


def test_an_application_that_backs_off_gets_through(s3sse, kms, key_id):
    s3sse.kms_quota("cryptographic", per_second=1)

    def encrypt_with_backoff(plaintext, sleep):
        delay = 0.1
        for _ in range(8):
            try:
                return kms.encrypt(KeyId=key_id, Plaintext=plaintext)
            except ClientError as err:
                if err.response["Error"]["Code"] != "ThrottlingException":
                    raise
                sleep(delay)
                delay *= 2
        raise AssertionError("still throttled")

    encrypt_with_backoff(b"first", s3sse.clock.advance)
    encrypt_with_backoff(b"second", s3sse.clock.advance)
    # Throttled at +0, +0.1, +0.3 and +0.7 seconds; through at +1.5.
    assert s3sse.kms_call_count("Encrypt") == 6
    assert [c.error for c in s3sse.kms_calls if c.operation == "Encrypt"].count(
        "ThrottlingException"
    ) == 4


def test_a_burst_lets_several_calls_through_at_once(s3sse, kms, key_id):
    s3sse.kms_quota("cryptographic", per_second=1, burst=5)
    for _ in range(5):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    with pytest.raises(ClientError):
        kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_lifting_a_quota_stops_throttling(s3sse, kms, key_id):
    s3sse.kms_quota("cryptographic", per_second=1)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    s3sse.kms_quota("cryptographic", per_second=None)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_aws_uses_the_documented_default_rate(s3sse):
    # P: 50,000/s symmetric cryptographic requests in us-east-1 (the tier list is U); DescribeKey
    # 2,000/s (the 2023 table).
    s3sse.kms_quota("cryptographic", per_second="aws")
    assert s3sse.kms.quotas.limits()["cryptographic"].per_second is None
    assert aws_default("cryptographic", "us-east-1") == 50_000
    assert aws_default("cryptographic", "eu-west-2") == 10_000
    assert aws_default("cryptographic", "sa-east-1") == 5_500
    assert aws_default("DescribeKey", "us-east-1") == 2000


def test_an_unknown_quota_family_is_refused(s3sse):
    with pytest.raises(ValueError, match="unknown KMS quota family 'Encryption'"):
        s3sse.kms_quota("Encryption", per_second=1)


# -- asymmetric, HMAC and data key pair quotas (audit-behaviour.md 6.2; P, requests-per-second) --------
def _signing_key(kms, spec="RSA_2048"):
    return kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]


def test_signing_with_rsa_keys_has_its_own_quota(s3sse, kms, key_id):
    # P: "The quotas for different types of KMS keys are calculated independently" (RSA, ECC).
    rsa_key = _signing_key(kms)
    s3sse.kms_quota("cryptographic-rsa", per_second=1)
    args = {"KeyId": rsa_key, "Message": b"m", "SigningAlgorithm": "RSASSA_PSS_SHA_256"}
    kms.sign(**args)
    with pytest.raises(ClientError) as info:
        kms.sign(**args)
    assert _error(info) == (400, THROTTLED)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")  # the symmetric quota is another
    kms.sign(
        KeyId=_signing_key(kms, "ECC_NIST_P256"), Message=b"m", SigningAlgorithm="ECDSA_SHA_256"
    )


def test_ecc_signing_and_key_agreement_share_the_ecc_quota(s3sse, kms):
    # P: the ECC quota covers Sign, Verify and DeriveSharedSecret with ECC keys.
    signing = _signing_key(kms, "ECC_NIST_P256")
    agreeing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]
    public = kms.get_public_key(KeyId=agreeing["KeyId"])["PublicKey"]
    s3sse.kms_quota("cryptographic-ecc", per_second=1)
    kms.sign(KeyId=signing, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    with pytest.raises(ClientError) as info:
        kms.derive_shared_secret(
            KeyId=agreeing["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=public
        )
    assert _error(info)[1]["Code"] == "ThrottlingException"


def test_rsa_encryption_counts_against_the_rsa_quota_not_the_symmetric_one(s3sse, kms, key_id):
    # P: Encrypt and Decrypt with RSA keys count against the RSA quota.
    rsa_key = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    s3sse.kms_quota("cryptographic", per_second=1)
    s3sse.kms_quota("cryptographic-rsa", per_second=2)
    args = {"KeyId": rsa_key, "Plaintext": b"x", "EncryptionAlgorithm": "RSAES_OAEP_SHA_256"}
    kms.encrypt(**args)
    kms.encrypt(**args)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")  # the symmetric token is still there
    with pytest.raises(ClientError) as info:
        kms.encrypt(**args)
    assert _error(info)[1]["Code"] == "ThrottlingException"


def test_hmac_operations_share_the_symmetric_quota(s3sse, kms, key_id):
    # P: GenerateMac and VerifyMac are in the symmetric cryptographic quota.
    mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    s3sse.kms_quota("cryptographic", per_second=1)
    kms.generate_mac(KeyId=mac_key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert _error(info)[1]["Code"] == "ThrottlingException"


def test_data_key_pairs_have_a_quota_per_key_pair_spec(s3sse, kms, key_id):
    # P (the older awsdocs table): GenerateDataKeyPair* share a quota per key pair spec, apart
    # from the symmetric one.
    s3sse.kms_quota("GenerateDataKeyPair (ECC_NIST_P256)", per_second="aws")
    s3sse.kms_quota("cryptographic", per_second=1)
    kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="ECC_NIST_P384")
    s3sse.kms_quota("GenerateDataKeyPair (ECC_NIST_P256)", per_second=1)
    kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    with pytest.raises(ClientError) as info:
        kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    assert _error(info)[1]["Code"] == "ThrottlingException"
    assert s3sse.kms_call_count("GenerateDataKeyPairWithoutPlaintext") == 2


def test_the_asymmetric_defaults_are_awss(s3sse):
    # P: RSA and ECC 1,000/s (the current page; 500 and 300 in 2023); GetPublicKey 5/s and the data
    # key pair rates of the older awsdocs table.
    assert aws_default("cryptographic-rsa", "us-east-1") == 1000
    assert aws_default("cryptographic-ecc", "us-east-1") == 1000
    assert aws_default("GetPublicKey", "us-east-1") == 5
    assert aws_default("GenerateDataKeyPair (RSA_4096)", "us-east-1") == 0.1
    assert aws_default("GenerateDataKeyPair (ECC_NIST_P256)", "us-east-1") == 25

"""The release publisher signs with a KMS asymmetric key; releases verify offline with its public key,
and tampering is caught."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from release_signing import ReleasePublisher, TamperedRelease, verify_release


@pytest.fixture
def publisher(s3sse):
    kms = boto3.client("kms")
    data_key = kms.create_key(Description="release artifacts")["KeyMetadata"]["Arn"]
    signing_key = kms.create_key(
        Description="release signing", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY"
    )["KeyMetadata"]["Arn"]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="acme-releases")
    return ReleasePublisher(s3, kms, "acme-releases", data_key, signing_key)


def test_a_published_release_verifies_offline(s3sse, publisher):
    publisher.publish("1.0.0", {"app.tar.gz": b"\x1f\x8b app", "app.sbom.json": b"{}"})
    public_key = publisher.public_key()
    before = len(s3sse.kms_calls)
    artifacts = verify_release(publisher.s3, "acme-releases", "1.0.0", public_key)
    assert artifacts == {"app.tar.gz": b"\x1f\x8b app", "app.sbom.json": b"{}"}
    assert {c.operation for c in s3sse.kms_calls[before:]} == {"Decrypt"}  # S3's reads, no Verify
    assert s3sse.kms_call_count("Sign", key=publisher.signing_key) == 1


def test_a_replaced_artifact_is_caught(s3sse, publisher):
    publisher.publish("1.0.1", {"app.tar.gz": b"good"})
    publisher.s3.put_object(Bucket="acme-releases", Key="releases/1.0.1/app.tar.gz", Body=b"evil")
    with pytest.raises(TamperedRelease, match=r"app\.tar\.gz of 1\.0\.1"):
        verify_release(publisher.s3, "acme-releases", "1.0.1", publisher.public_key())


def test_a_manifest_signed_by_another_key_is_caught(s3sse, publisher):
    publisher.publish("1.0.2", {"app.tar.gz": b"good"})
    other = boto3.client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    with pytest.raises(TamperedRelease, match="not signed by the release key"):
        verify_release(
            publisher.s3,
            "acme-releases",
            "1.0.2",
            publisher.kms.get_public_key(KeyId=other["KeyMetadata"]["KeyId"])["PublicKey"],
        )


def test_the_signing_key_cannot_encrypt_artifacts(s3sse, publisher):
    misconfigured = ReleasePublisher(
        publisher.s3, publisher.kms, "acme-releases", publisher.signing_key, publisher.signing_key
    )
    with pytest.raises(ClientError) as refused:
        misconfigured.publish("1.0.3", {"app.tar.gz": b"x"})
    assert refused.value.response["Error"]["Code"] == "KMS.InvalidKeyUsageException"
    assert s3sse.encryption_report("acme-releases").rows == ()

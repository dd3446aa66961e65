"""The document vault: every document under the vault's key, a KMS budget that Bucket Keys keep,
and readers who can list but never decrypt."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from document_vault import DocumentVault, VaultDenied

ACCOUNT = "123456789012"


@pytest.fixture
def vault(s3sse):
    vault = DocumentVault(boto3.client("s3"), boto3.client("kms"), "acme-vault")
    vault.key_arn = vault.provision()
    return vault


def test_documents_round_trip_under_the_vaults_key(s3sse, vault):
    vault.store("contract-1", b"terms")
    assert vault.fetch("contract-1") == b"terms"
    s3sse.assert_all_objects_encrypted_with("SSE-KMS", "alias/document-vault", bucket="acme-vault")


def test_a_burst_of_uploads_costs_one_data_key_thanks_to_the_bucket_key(s3sse, vault):
    s3sse.expect_kms_calls(key=vault.key_arn, at_most=True, GenerateDataKey=1)
    for number in range(50):
        vault.store(f"invoice-{number}", b"%d" % number)
    assert s3sse.kms_cost().by_operation.get("GenerateDataKey") == 1


def test_an_upload_asking_for_sse_s3_is_refused_by_the_policy(s3sse, vault):
    with pytest.raises(ClientError) as refused:
        vault.s3.put_object(
            Bucket="acme-vault", Key="docs/x", Body=b"x", ServerSideEncryption="AES256"
        )
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert s3sse.explain(refused.value).denial.decision.statement == 'Sid "OnlySseKms"'


def test_the_ifexists_form_of_the_policy_would_refuse_every_header_less_upload(s3sse, vault):
    # IAM: "...IfExists" is true when the key is absent, so this Deny also hits uploads that send no
    # SSE header at all (the trap the vault's Null + StringNotEquals form avoids).
    policy = vault.policy()
    statement = policy["Statement"][0]
    statement["Condition"] = {
        "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}
    }
    vault.s3.put_bucket_policy(Bucket="acme-vault", Policy=json.dumps(policy))
    with pytest.raises(VaultDenied) as refused:
        vault.store("memo", b"x")
    why = s3sse.explain(refused.value.__cause__)
    [condition] = why.denial.decision.conditions
    assert condition.request_value is None  # the header was absent, and the Deny still applied


def test_an_auditor_lists_documents_but_cannot_read_them(s3sse, vault):
    vault.store("salary", b"secret")
    auditor = s3sse.principal(
        f"arn:aws:iam::{ACCOUNT}:role/auditor",
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        },
    )
    as_auditor = DocumentVault(
        boto3.client("s3", **auditor), boto3.client("kms", **auditor), "acme-vault"
    )
    assert as_auditor.list() == ["salary"]
    with pytest.raises(VaultDenied) as denied:
        as_auditor.fetch("salary")
    assert denied.value.code == "AccessDenied"
    assert "kms:Decrypt" in str(denied.value)
    s3sse.assert_key_used_by(vault.key_arn, f"arn:aws:iam::{ACCOUNT}:root")

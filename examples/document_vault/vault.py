"""Keep documents in S3 under SSE-KMS with one customer managed key and an S3 Bucket Key.

The vault provisions its own key (with an alias), a bucket whose default encryption is that key with a
Bucket Key (so a burst of uploads costs one KMS call per requester and period, not one per document),
and a bucket policy that refuses uploads asking for anything but SSE-KMS. Readers who may list the
vault but have no ``kms:Decrypt`` on the key can see that documents exist, never what they say.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

ALIAS = "alias/document-vault"


class VaultDenied(PermissionError):
    """S3 or KMS refused the caller (the AWS error code and message are kept)."""

    def __init__(self, error: ClientError) -> None:
        details = error.response.get("Error", {})
        super().__init__(f"{details.get('Code')}: {details.get('Message')}")
        self.code = details.get("Code")


@dataclass
class DocumentVault:
    """The vault on ``bucket``, through the caller's S3 and KMS clients."""

    s3: Any
    kms: Any
    bucket: str

    def provision(self) -> str:
        """Create the key, its alias, the bucket, its default encryption and policy; returns the
        key's ARN (the key policy is KMS's default: the account decides through IAM)."""
        key_arn: str = self.kms.create_key(Description="document vault")["KeyMetadata"]["Arn"]
        self.kms.create_alias(AliasName=ALIAS, TargetKeyId=key_arn)
        self.s3.create_bucket(Bucket=self.bucket)
        self.s3.put_bucket_encryption(
            Bucket=self.bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key_arn,
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            },
        )
        self.s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(self.policy()))
        return key_arn

    def policy(self) -> dict[str, Any]:
        """Refuse uploads that ask for another encryption than SSE-KMS, and only those: header-less
        uploads get the bucket default, which is the vault's key. The Deny needs both conditions: the
        header is present (``Null: false``) and is not ``aws:kms``. ``StringNotEquals`` alone, or
        ``StringNotEqualsIfExists``, is true when the header is absent, and would refuse every
        header-less upload (IAM's rules for missing keys; tests/test_document_vault.py shows it)."""
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OnlySseKms",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{self.bucket}/*",
                    "Condition": {
                        "Null": {"s3:x-amz-server-side-encryption": "false"},
                        "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
                    },
                }
            ],
        }

    def store(self, doc_id: str, data: bytes) -> None:
        """Keep a document (the bucket's default puts it under the vault's key)."""
        try:
            self.s3.put_object(Bucket=self.bucket, Key=f"docs/{doc_id}", Body=data)
        except ClientError as err:
            raise VaultDenied(err) from err

    def fetch(self, doc_id: str) -> bytes:
        """A document's bytes (S3 asks KMS to decrypt as the caller)."""
        try:
            body: bytes = self.s3.get_object(Bucket=self.bucket, Key=f"docs/{doc_id}")[
                "Body"
            ].read()
        except ClientError as err:
            raise VaultDenied(err) from err
        return body

    def list(self) -> list[str]:
        """The ids of the documents kept."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix="docs/"
        )
        return [
            obj["Key"].removeprefix("docs/") for page in pages for obj in page.get("Contents", [])
        ]

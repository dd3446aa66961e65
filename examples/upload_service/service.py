"""Receive customer uploads into a bucket that only answers TLS and only stores SSE-KMS uploads.

``secure_bucket_policy`` is the policy the security team requires (and AWS Config's
``s3-bucket-ssl-requests-only`` checks for): deny every S3 action over plain HTTP, and deny uploads
that do not ask for SSE-KMS under the approved key. ``UploadService`` is the application code that
must comply: it always sends the SSE headers, so its uploads pass. Browsers upload straight to S3
with the presigned POST forms it hands out (``browser_form``), which force the same SSE-KMS fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def secure_bucket_policy(bucket: str, key_arn: str) -> dict[str, Any]:
    """The bucket policy: TLS only (``aws:SecureTransport``), SSE-KMS only, the approved key only."""
    objects = f"arn:aws:s3:::{bucket}/*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", objects],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyUnencryptedUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            },
            {
                "Sid": "DenyOtherKeys",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {
                    "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn}
                },
            },
        ],
    }


@dataclass
class UploadService:
    """Store customer uploads under ``uploads/<customer>/<name>``, always with SSE-KMS and the key."""

    s3: Any
    bucket: str
    key_arn: str

    def setup(self) -> None:
        """Create the bucket and put the required policy on it."""
        self.s3.create_bucket(Bucket=self.bucket)
        policy = secure_bucket_policy(self.bucket, self.key_arn)
        self.s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))

    def upload(self, customer: str, name: str, data: bytes) -> str:
        """Store one upload; returns its key."""
        key = f"uploads/{customer}/{name}"
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=self.key_arn,
        )
        return key

    def download(self, key: str) -> bytes:
        """An upload's bytes."""
        body: bytes = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def browser_form(self, customer: str, max_bytes: int = 10 * 1024 * 1024) -> dict[str, Any]:
        """A presigned POST form a customer's browser uploads with (``url`` and ``fields``; the file
        goes last). Its policy pins the SSE-KMS fields to the approved key, the customer's prefix and
        the size, so the form cannot be bent into an upload the bucket policy refuses. SSE-KMS needs
        a SigV4 signer: build the client with ``Config(signature_version="s3v4")``."""
        sse = {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": self.key_arn,
        }
        form: dict[str, Any] = self.s3.generate_presigned_post(
            self.bucket,
            f"uploads/{customer}/${{filename}}",
            Fields=sse,
            Conditions=[
                *({name: value} for name, value in sse.items()),
                ["starts-with", "$key", f"uploads/{customer}/"],
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=600,
        )
        return form

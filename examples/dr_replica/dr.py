"""Keep a disaster-recovery copy of an SSE-KMS ledger in a second bucket, under a key of its own.

The ledger's objects are SSE-KMS under the application's key. S3 replication copies each new entry
to the DR bucket and re-encrypts it under the DR key, acting as a replication role whose policy this
module writes, least-privilege: read the ledger's versions for replication, decrypt with the ledger
key only through S3 and only for the ledger's objects, write replicas, encrypt with the DR key only
through S3 and only for the DR bucket's objects. Two mistakes break this in production without any
error at write time, and the tests show both: a rule that does not opt in to SSE-KMS objects (they
are silently not replicated), and a role policy that forgets ``kms:Encrypt`` on the DR key (every
replication FAILS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RULE_ID = "ledger-to-dr"


class ReplicationFailed(RuntimeError):
    """S3 reported the entry's replication FAILED (S3 does not retry it)."""


@dataclass
class DisasterRecovery:
    """The ledger bucket ``source``, its DR copy ``replica`` and the replication ``role`` ARN."""

    s3: Any
    source: str
    replica: str
    role: str
    region: str = "us-east-1"

    def provision(self, replica_key_arn: str, *, replicate_sse_kms: bool = True) -> None:
        """Versioning on both buckets (replication needs it), then the replication rule: every
        object, SSE-KMS objects included (``replicate_sse_kms``), replicas under the DR key."""
        for bucket in (self.source, self.replica):
            self.s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            )
        rule: dict[str, Any] = {
            "ID": RULE_ID,
            "Priority": 1,
            "Status": "Enabled",
            "Filter": {},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {
                "Bucket": f"arn:aws:s3:::{self.replica}",
                "EncryptionConfiguration": {"ReplicaKmsKeyID": replica_key_arn},
            },
        }
        if replicate_sse_kms:
            rule["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
        else:  # the mistake: EncryptionConfiguration then needs the opt-in (S3 refuses it alone)
            del rule["Destination"]["EncryptionConfiguration"]
        self.s3.put_bucket_replication(
            Bucket=self.source, ReplicationConfiguration={"Role": self.role, "Rules": [rule]}
        )

    def role_policy(self, ledger_key_arn: str, replica_key_arn: str) -> dict[str, Any]:
        """The replication role's identity policy, least-privilege (the S3 user guide's
        "Replicating encrypted objects" example, narrowed to these buckets and keys)."""
        via_s3 = f"s3.{self.region}.amazonaws.com"
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadLedgerVersions",
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionTagging",
                    ],
                    "Resource": f"arn:aws:s3:::{self.source}/*",
                },
                {
                    "Sid": "WriteReplicas",
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateTags"],
                    "Resource": f"arn:aws:s3:::{self.replica}/*",
                },
                {
                    "Sid": "DecryptLedgerThroughS3",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": ledger_key_arn,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": via_s3},
                        "StringLike": {
                            "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{self.source}/*"
                        },
                    },
                },
                {
                    "Sid": "EncryptReplicasThroughS3",
                    "Effect": "Allow",
                    "Action": "kms:Encrypt",
                    "Resource": replica_key_arn,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": via_s3},
                        "StringLike": {
                            "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{self.replica}/*"
                        },
                    },
                },
            ],
        }

    def record(self, key: str, body: bytes, ledger_key_arn: str) -> str:
        """Write one ledger entry under the ledger key; returns its version id."""
        put = self.s3.put_object(
            Bucket=self.source, Key=key, Body=body,
            ServerSideEncryption="aws:kms", SSEKMSKeyId=ledger_key_arn,
        )  # fmt: skip
        version: str = put["VersionId"]
        return version

    def status(self, key: str) -> str | None:
        """The entry's replication status (PENDING, COMPLETED, FAILED), None when no rule took it."""
        found: str | None = self.s3.head_object(Bucket=self.source, Key=key).get(
            "ReplicationStatus"
        )
        return found

    def confirm(self, key: str) -> None:
        """Raise ReplicationFailed unless the entry's DR copy is there (COMPLETED)."""
        status = self.status(key)
        if status != "COMPLETED":
            msg = f"{key}: replication {status or 'not configured for this object'}"
            raise ReplicationFailed(msg)

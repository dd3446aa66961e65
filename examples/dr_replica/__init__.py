"""Disaster-recovery copies of an SSE-KMS ledger, made by S3 replication."""

from dr_replica.dr import DisasterRecovery, ReplicationFailed

__all__ = ["DisasterRecovery", "ReplicationFailed"]

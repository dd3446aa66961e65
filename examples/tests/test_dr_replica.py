"""The ledger's DR copy: replicated under the DR key by a least-privilege role, and the two mistakes
that break it silently."""

from __future__ import annotations

import boto3
import pytest
from dr_replica import DisasterRecovery, ReplicationFailed

ROLE = "arn:aws:iam::123456789012:role/ledger-replication"
SESSION = "arn:aws:sts::123456789012:assumed-role/ledger-replication/s3-replication"


@pytest.fixture
def keys(s3sse):
    kms = boto3.client("kms", region_name="us-east-1")
    ledger = kms.create_key(Description="ledger")["KeyMetadata"]["Arn"]
    replica = kms.create_key(Description="ledger DR")["KeyMetadata"]["Arn"]
    return ledger, replica


@pytest.fixture
def dr(s3sse, keys):
    s3 = boto3.client("s3", region_name="us-east-1")
    for bucket in ("ledger", "ledger-dr"):
        s3.create_bucket(Bucket=bucket)
    dr = DisasterRecovery(s3, "ledger", "ledger-dr", ROLE)
    s3sse.principal(ROLE, policy=dr.role_policy(*keys))  # the role, with the module's policy
    return dr


def test_entries_reach_the_dr_bucket_under_the_dr_key(s3sse, dr, keys):
    ledger_key, replica_key = keys
    dr.provision(replica_key)
    dr.record("2026/12/03.csv", b"debit,credit\n", ledger_key)
    dr.confirm("2026/12/03.csv")
    s3sse.assert_all_objects_encrypted_with("SSE-KMS", replica_key, bucket="ledger-dr")
    s3sse.assert_no_plaintext_at_rest(b"debit,credit")
    copy = dr.s3.get_object(Bucket="ledger-dr", Key="2026/12/03.csv")
    assert copy["Body"].read() == b"debit,credit\n"
    # The role used each key once, through S3, and for nothing else.
    assert [(c.operation, c.key_arn) for c in s3sse.kms_calls if c.caller == SESSION] == [
        ("Decrypt", ledger_key),
        ("Encrypt", replica_key),
    ]


def test_the_role_policy_is_least_privilege_yet_enough(s3sse, dr, keys):
    ledger_key, replica_key = keys
    dr.provision(replica_key)
    for day in range(1, 4):
        dr.record(f"2026/12/0{day}.csv", b"%d" % day, ledger_key)
        dr.confirm(f"2026/12/0{day}.csv")
    assert s3sse.kms_call_count("Encrypt", key=replica_key) == 3


def test_forgetting_the_sse_kms_opt_in_leaves_the_ledger_unreplicated(s3sse, dr, keys):
    ledger_key, replica_key = keys
    dr.provision(replica_key, replicate_sse_kms=False)
    dr.record("2026/12/03.csv", b"debit,credit\n", ledger_key)
    assert dr.status("2026/12/03.csv") is None  # no error anywhere: silently not replicated
    with pytest.raises(ReplicationFailed, match="not configured"):
        dr.confirm("2026/12/03.csv")


def test_a_role_policy_without_kms_encrypt_fails_every_replication(s3sse, dr, keys):
    ledger_key, replica_key = keys
    policy = dr.role_policy(ledger_key, replica_key)
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "EncryptReplicasThroughS3"]
    s3sse.principal(ROLE, policy=policy)
    dr.provision(replica_key)
    dr.record("2026/12/03.csv", b"debit,credit\n", ledger_key)
    with pytest.raises(ReplicationFailed, match="FAILED"):
        dr.confirm("2026/12/03.csv")
    (attempt,) = s3sse.replications
    assert attempt.failure_reason == "DstPutObjectNotPermitted"
    assert s3sse.explain(attempt).denial.action == "kms:Encrypt"


@pytest.mark.s3sse(replication="manual")
def test_an_entry_is_pending_until_s3_has_copied_it(s3sse, dr, keys):
    ledger_key, replica_key = keys
    dr.provision(replica_key)
    dr.record("2026/12/03.csv", b"debit,credit\n", ledger_key)
    assert dr.status("2026/12/03.csv") == "PENDING"
    with pytest.raises(ReplicationFailed, match="PENDING"):
        dr.confirm("2026/12/03.csv")
    s3sse.replicate()
    dr.confirm("2026/12/03.csv")

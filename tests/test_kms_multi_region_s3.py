"""S3 with multi-Region KMS keys: each Region's S3 uses its local related key, and replication to
another Region re-encrypts under the replica key there (issue 17; P, KMS DG "Multi-Region keys": "S3
... replica key in the destination Region"; replication-behaviour.md 3.3, 3.4).
"""

from __future__ import annotations

import pytest
from kms_support import kms_default
from test_replication import BODY, SESSION, configure, role_with, rule, versioned

PRIMARY, REPLICA = "us-east-1", "eu-west-1"


@pytest.fixture
def s3_eu(make_client):
    return make_client("s3", region_name=REPLICA)


@pytest.fixture
def mrk(kms):
    """A multi-Region key of us-east-1 and its replica in eu-west-1: (primary ARN, replica ARN)."""
    key = kms.create_key(MultiRegion=True)["KeyMetadata"]
    replica = kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=REPLICA)["ReplicaKeyMetadata"]
    return key["Arn"], replica["Arn"]


def test_a_bucket_in_the_replicas_region_encrypts_with_the_replica(s3sse, s3_eu, mrk):
    s3_eu.create_bucket(Bucket="eu-bkt", CreateBucketConfiguration={"LocationConstraint": REPLICA})
    s3_eu.put_bucket_encryption(
        Bucket="eu-bkt", ServerSideEncryptionConfiguration=kms_default(mrk[1])
    )
    s3_eu.put_object(Bucket="eu-bkt", Key="k", Body=BODY)
    got = s3_eu.get_object(Bucket="eu-bkt", Key="k")
    assert (got["Body"].read(), got["SSEKMSKeyId"]) == (BODY, mrk[1])
    assert s3sse.kms_call_count("GenerateDataKey", key=mrk[1]) == 1


def test_replication_to_another_region_re_encrypts_under_the_replica_key(s3sse, s3, s3_eu, mrk):
    role_with(s3sse)
    src = versioned(s3, "src")
    dst = versioned(s3_eu, "dst", CreateBucketConfiguration={"LocationConstraint": REPLICA})
    configure(s3, src, rule(dst, replica_key=mrk[1]))
    s3.put_object(
        Bucket=src, Key="k", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=mrk[0]
    )
    assert s3.head_object(Bucket=src, Key="k")["ReplicationStatus"] == "COMPLETED"
    replica = s3_eu.get_object(Bucket=dst, Key="k")
    assert (replica["Body"].read(), replica["SSEKMSKeyId"]) == (BODY, mrk[1])
    by_role = [(c.operation, c.key_arn) for c in s3sse.kms_calls if c.caller == SESSION]
    assert by_role == [("Decrypt", mrk[0]), ("Encrypt", mrk[1])]
    s3sse.assert_no_plaintext_at_rest(BODY, bucket=dst)

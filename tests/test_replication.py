"""Replication of encrypted objects: what is replicated, how the replica is encrypted, and what the
replication role needs, through boto3.

The seed statements of issue 15 (seeds 000 and 003: "where encryption goes wrong in production"):
the role lacks kms:Decrypt on the source key or kms:Encrypt on the destination key; SSE-KMS objects
are silently skipped because the rule does not opt in; a destination with SSE-KMS and a Bucket Key.

Sources: ``/work/shared/reference/replication-behaviour.md`` (labels as there):
3.1 RS1-RS8 (``x-amz-replication-status``; P: BM-S3 HeadObject, UG23 "Getting replication status
information"; RS4 A: aws/aws-sdk-java-v2#4152, "COMPLETED", never "COMPLETE"); 3.2 (what is and
isn't replicated, P: UG23 "What does Amazon S3 replicate?", UG "Replicating encrypted objects");
3.3 (how the replica is encrypted, P: UG "How default bucket encryption affects replication", UG23
"Bucket Keys"); 3.4 (KMS calls, P: UG policy examples; S: the ``s3-replication`` session name); 3.5
(failure reasons, P: UG ``replication-failure-codes``); 3.6 and 3.7 (the role's rights,
cross-account, P: UG23 "Setting up permissions"); open points 4-10 (U, proposed values used).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import NO_RETRY
from sse_c_support import KEY, md5_b64, sse_c, unblock_sse_c

ACCOUNT = "123456789012"
OTHER = "999988887777"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/replication"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/replication/s3-replication"
BODY = b"quarterly ledger"
# The installed entry point loads the plugin in inner runs (as tests/test_plugin.py).
INNER = ("-p", "no:benchmark", "-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")


# -- helpers ---------------------------------------------------------------------------------------
def versioned(s3: Any, name: str, **create: Any) -> str:
    s3.create_bucket(Bucket=name, **create)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def rule(
    dst: str,
    *,
    rule_id: str = "to-" + "dst",
    priority: int = 1,
    prefix: str = "",
    replica_key: str | None = None,
    markers: str = "Disabled",
    status: str = "Enabled",
    **destination: Any,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "ID": rule_id,
        "Priority": priority,
        "Status": status,
        "Filter": {"Prefix": prefix},
        "DeleteMarkerReplication": {"Status": markers},
        "Destination": {"Bucket": f"arn:aws:s3:::{dst}", **destination},
    }
    if replica_key is not None:
        found["Destination"]["EncryptionConfiguration"] = {"ReplicaKmsKeyID": replica_key}
        found["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    return found


def configure(s3: Any, src: str, *rules: dict[str, Any], role: str = ROLE) -> None:
    s3.put_bucket_replication(
        Bucket=src, ReplicationConfiguration={"Role": role, "Rules": list(rules)}
    )


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


# The role's identity policy as the S3 user guide's example (3.6, P), every right it lists.
ALL_RIGHTS = (
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
    "s3:ReplicateObject",
    "s3:ReplicateDelete",
    "s3:ReplicateTags",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
)


def role_with(s3sse: Any, *actions: str, without: tuple[str, ...] = ()) -> None:
    """Register the replication role with an identity policy allowing ``actions`` (default: all
    the rights 3.6 lists) minus ``without``."""
    granted = [a for a in (actions or ALL_RIGHTS) if a not in without]
    s3sse.principal(ROLE, policy=policy(allow(granted)))


def head(s3: Any, bucket: str, key: str, **kwargs: Any) -> dict[str, Any]:
    return s3.head_object(Bucket=bucket, Key=key, **kwargs)


@pytest.fixture
def src(s3: Any) -> str:
    return versioned(s3, "src")


@pytest.fixture
def dst(s3: Any) -> str:
    return versioned(s3, "dst")


@pytest.fixture
def replica_key(kms: Any) -> str:
    return kms.create_key(Description="replica key")["KeyMetadata"]["Arn"]


# -- status and what is replicated (3.1, 3.2) ------------------------------------------------------
def test_a_new_object_is_replicated_at_once_completed_on_the_source_replica_on_the_copy(
    s3, src, dst
):
    """RS1, RS2, RS4 (A: COMPLETED, never COMPLETE), RS8 (P: the replica keeps the version id and
    the creation time)."""
    configure(s3, src, rule(dst))
    put = s3.put_object(Bucket=src, Key="k", Body=BODY, Metadata={"team": "finance"})
    source = head(s3, src, "k")
    assert source["ReplicationStatus"] == "COMPLETED"
    replica = s3.get_object(Bucket=dst, Key="k")
    assert replica["ReplicationStatus"] == "REPLICA"
    assert replica["Body"].read() == BODY
    assert replica["VersionId"] == put["VersionId"]
    assert replica["LastModified"] == source["LastModified"]
    assert replica["Metadata"] == {"team": "finance"}


def test_with_manual_replication_the_source_stays_pending_until_replicate(make_client, s3sse):
    """RS1 (P: PENDING until replicated); open point 10 (U): replication waits for an explicit
    call, so PENDING can be observed."""
    s3sse.engine.replicator.immediate = (
        False  # as replication="manual" (the option's own test below)
    )
    s3 = make_client()
    configure(s3, versioned(s3, "src"), rule(versioned(s3, "dst")))
    s3.put_object(Bucket="src", Key="k", Body=BODY)
    assert head(s3, "src", "k")["ReplicationStatus"] == "PENDING"
    assert s3sse.replication_pending == 1
    with pytest.raises(ClientError):
        head(s3, "dst", "k")
    done = s3sse.replicate()
    assert [(r.key, r.status, r.destination) for r in done] == [("k", "COMPLETED", "dst")]
    assert head(s3, "src", "k")["ReplicationStatus"] == "COMPLETED"
    assert head(s3, "dst", "k")["ReplicationStatus"] == "REPLICA"


def test_the_replication_option_manual_queues_until_replicate(pytester):
    """The ``replication`` engine option, through the marker (docs/replication.md)."""
    pytester.makepyfile(
        """
        import boto3, pytest

        @pytest.mark.s3sse(replication="manual")
        def test_pending(s3sse):
            s3 = boto3.client("s3", region_name="us-east-1")
            for name in ("src-bucket", "dst-bucket"):
                s3.create_bucket(Bucket=name)
                s3.put_bucket_versioning(
                    Bucket=name, VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_replication(Bucket="src-bucket", ReplicationConfiguration={
                "Role": "arn:aws:iam::123456789012:role/r",
                "Rules": [{"Priority": 1, "Status": "Enabled", "Filter": {},
                           "DeleteMarkerReplication": {"Status": "Disabled"},
                           "Destination": {"Bucket": "arn:aws:s3:::dst-bucket"}}]})
            s3.put_object(Bucket="src-bucket", Key="k", Body=b"x")
            status = s3.head_object(Bucket="src-bucket", Key="k")["ReplicationStatus"]
            assert status == "PENDING"
            assert [r.status for r in s3sse.replicate()] == ["COMPLETED"]
        """
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=1)
    pytester.makeini("[pytest]\ns3sse_replication = immediate\n")
    pytester.runpytest(*INNER).assert_outcomes(passed=1)  # the marker beats the ini option


def test_objects_written_before_the_rule_are_neither_replicated_nor_marked(s3, src, dst):
    """3.2 (P: "Objects that existed before the rule ... no (use Batch Replication)"); RS1 (P: only
    an eligible object has the header)."""
    s3.put_object(Bucket=src, Key="old", Body=BODY)
    configure(s3, src, rule(dst))
    assert "ReplicationStatus" not in head(s3, src, "old")
    with pytest.raises(ClientError) as excinfo:
        head(s3, dst, "old")
    assert excinfo.value.response["Error"]["Code"] == "404"


def test_a_prefix_filter_selects_only_its_keys(s3, src, dst):
    """2.1 Filter/Prefix (P, BM-S3); RS1 (P)."""
    configure(s3, src, rule(dst, prefix="ledger/"))
    s3.put_object(Bucket=src, Key="ledger/q1", Body=BODY)
    s3.put_object(Bucket=src, Key="scratch/q1", Body=BODY)
    assert head(s3, src, "ledger/q1")["ReplicationStatus"] == "COMPLETED"
    assert "ReplicationStatus" not in head(s3, src, "scratch/q1")
    assert head(s3, dst, "ledger/q1")["ReplicationStatus"] == "REPLICA"


def test_a_tag_filter_reads_the_tags_the_object_was_written_with(s3, src, dst):
    """3.2 (P, UG troubleshooting: "A tag added after creation does not make an object match")."""
    tagged = rule(dst)
    tagged["Filter"] = {"Tag": {"Key": "replicate", "Value": "yes"}}
    configure(s3, src, tagged)
    s3.put_object(Bucket=src, Key="tagged", Body=BODY, Tagging="replicate=yes")
    s3.put_object(Bucket=src, Key="later", Body=BODY)
    s3.put_object_tagging(
        Bucket=src, Key="later", Tagging={"TagSet": [{"Key": "replicate", "Value": "yes"}]}
    )
    assert head(s3, src, "tagged")["ReplicationStatus"] == "COMPLETED"
    assert "ReplicationStatus" not in head(s3, src, "later")
    tags = s3.get_object_tagging(Bucket=dst, Key="tagged")["TagSet"]
    assert tags == [{"Key": "replicate", "Value": "yes"}]


def test_a_disabled_rule_replicates_nothing(s3, src, dst):
    """2.1 Rule/Status (A: a Disabled rule is stored, LocalStack-AWS
    test_replication_config_without_filter; it selects nothing)."""
    configure(s3, src, rule(dst, status="Disabled"))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert "ReplicationStatus" not in head(s3, src, "k")


def test_a_replica_is_not_replicated_again(s3, src, dst):
    """3.2 (P: "objects that are replicas (A→B→C)" are not replicated)."""
    third = versioned(s3, "third")
    configure(s3, src, rule(dst))
    configure(s3, dst, rule(third))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert head(s3, dst, "k")["ReplicationStatus"] == "REPLICA"
    assert s3.list_object_versions(Bucket=third).get("Versions") is None


def test_the_destination_storage_class_applies_to_the_replica(s3, src, dst):
    """2.1 Destination/StorageClass (P, BM-S3: "default = source object's class")."""
    configure(s3, src, rule(dst, StorageClass="STANDARD_IA"))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert head(s3, dst, "k")["StorageClass"] == "STANDARD_IA"
    assert "StorageClass" not in head(s3, src, "k")


def test_a_multipart_object_is_replicated_whole(s3, src, dst):
    """3.2 (P: new objects, however written); the replica's parts are the source's."""
    configure(s3, src, rule(dst))
    upload = s3.create_multipart_upload(Bucket=src, Key="big")["UploadId"]
    parts = []
    for number, chunk in enumerate((b"a" * 5 * 1024 * 1024, b"b" * 100), start=1):
        etag = s3.upload_part(
            Bucket=src, Key="big", UploadId=upload, PartNumber=number, Body=chunk
        )["ETag"]
        parts.append({"ETag": etag, "PartNumber": number})
    s3.complete_multipart_upload(
        Bucket=src, Key="big", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    assert head(s3, src, "big")["ReplicationStatus"] == "COMPLETED"
    replica = s3.get_object(Bucket=dst, Key="big", PartNumber=2)
    assert replica["Body"].read() == b"b" * 100
    assert replica["PartsCount"] == 2


# -- how the replica is encrypted (3.3) ------------------------------------------------------------
def test_an_sse_s3_object_stays_sse_s3_whatever_the_destination_default(
    s3, src, dst, replica_key, s3sse
):
    """3.3 (P: "SSE-S3 ... the destination default is ignored"); open point 4 (U): the ETag is
    the source's."""
    s3.put_bucket_encryption(
        Bucket=dst,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": replica_key,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    configure(s3, src, rule(dst))
    put = s3.put_object(Bucket=src, Key="k", Body=BODY)
    replica = head(s3, dst, "k")
    assert replica["ServerSideEncryption"] == "AES256"
    assert replica["ETag"] == put["ETag"]
    s3sse.assert_encrypted(dst, "k", "SSE-S3")
    # SSE-S3 replication calls no KMS (3.4, P)
    assert [c for c in s3sse.kms_calls if c.caller == SESSION] == []


def test_sse_kms_objects_are_silently_skipped_unless_the_rule_opts_in(s3, src, dst, key):
    """Seed statement; 3.2 (P, UG: "By default, Amazon S3 doesn't replicate objects that are
    encrypted with SSE-KMS or DSSE-KMS"); open point 8 (U): no status header on a skipped object."""
    configure(s3, src, rule(dst))
    s3.put_object(
        Bucket=src, Key="k", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )
    s3.put_object(Bucket=src, Key="plain", Body=BODY)
    assert "ReplicationStatus" not in head(s3, src, "k")
    assert head(s3, src, "plain")["ReplicationStatus"] == "COMPLETED"
    keys = [v["Key"] for v in s3.list_object_versions(Bucket=dst)["Versions"]]
    assert keys == ["plain"]


def test_an_sse_kms_object_is_re_encrypted_under_the_replica_key_by_the_role(
    s3, src, dst, key, replica_key, s3sse
):
    """3.3 (P: "SSE-KMS under ReplicaKmsKeyID"); 3.4 (P: Decrypt under the source key with the
    source object's ARN, Encrypt under the replica key with the destination object's ARN; all
    calls by the replication role; S: its session is ``s3-replication``)."""
    configure(s3, src, rule(dst, replica_key=replica_key))
    s3.put_object(
        Bucket=src, Key="k", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )
    assert head(s3, src, "k")["ReplicationStatus"] == "COMPLETED"
    replica = s3.get_object(Bucket=dst, Key="k")
    assert replica["Body"].read() == BODY
    assert replica["SSEKMSKeyId"] == replica_key
    s3sse.assert_encrypted(dst, "k", "SSE-KMS", kms_key=replica_key)
    by_role = [(c.operation, c.key_arn) for c in s3sse.kms_calls if c.caller == SESSION]
    assert by_role == [("Decrypt", key["Arn"]), ("Encrypt", replica_key)]
    encrypt = next(c for c in s3sse.kms_calls if c.operation == "Encrypt")
    assert dict(encrypt.encryption_context) == {"aws:s3:arn": "arn:aws:s3:::dst/k"}
    assert s3sse.kms_call_count("Encrypt", key=replica_key) == 1
    s3sse.assert_no_plaintext_at_rest(BODY, bucket=dst)


def test_an_sse_kms_object_with_a_bucket_key_keeps_it_at_the_destination(
    s3, src, dst, key, replica_key, s3sse
):
    """Seed statement (Bucket Keys at the destination); 3.3 (P, UG23 "Bucket Keys" example 1: the
    replica keeps its Bucket Key setting); 3.4 (P, UG "S3 Bucket Keys and replication":
    GenerateDataKey and a Decrypt that verifies the bucket key, with the destination bucket's ARN;
    U the order, open point 6)."""
    configure(s3, src, rule(dst, replica_key=replica_key))
    body = b"ledger line\n" * 20_000
    s3.put_object(
        Bucket=src, Key="k", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"],
        BucketKeyEnabled=True,
    )  # fmt: skip
    replica = s3.get_object(Bucket=dst, Key="k")
    assert replica["BucketKeyEnabled"] is True
    assert replica["Body"].read() == body
    on_replica = [
        (c.operation, dict(c.encryption_context))
        for c in s3sse.kms_calls
        if c.caller == SESSION and c.key_arn == replica_key
    ]
    assert on_replica == [
        ("GenerateDataKey", {"aws:s3:arn": "arn:aws:s3:::dst"}),
        ("Decrypt", {"aws:s3:arn": "arn:aws:s3:::dst"}),
    ]
    s3sse.assert_no_plaintext_at_rest(body[:64], bucket=dst)


def test_a_dsse_kms_object_is_replicated_as_dsse_kms_under_the_replica_key(
    s3, src, dst, key, replica_key, s3sse
):
    """3.3 (P: DSSE-KMS replicates with opt-in, "same type of encryption"; U: under
    ReplicaKmsKeyID, open point 9)."""
    configure(s3, src, rule(dst, replica_key=replica_key))
    s3.put_object(
        Bucket=src, Key="k", Body=BODY, ServerSideEncryption="aws:kms:dsse",
        SSEKMSKeyId=key["Arn"],
    )  # fmt: skip
    replica = s3.get_object(Bucket=dst, Key="k")
    assert replica["ServerSideEncryption"] == "aws:kms:dsse"
    assert replica["Body"].read() == BODY
    s3sse.assert_encrypted(dst, "k", "DSSE-KMS", kms_key=replica_key)


SSEC = sse_c()


def test_an_sse_c_object_is_replicated_and_opens_with_the_same_customer_key(s3, src, dst, s3sse):
    """3.2 (P: SSE-C objects are replicated with no extra configuration); open point 5 (U): the
    replica opens with the source's customer key and keeps its ETag."""
    unblock_sse_c(s3, src)
    unblock_sse_c(s3, dst)
    configure(s3, src, rule(dst))
    put = s3.put_object(Bucket=src, Key="k", Body=BODY, **SSEC)
    assert head(s3, src, "k", **SSEC)["ReplicationStatus"] == "COMPLETED"
    replica = s3.get_object(Bucket=dst, Key="k", **SSEC)
    assert replica["Body"].read() == BODY
    assert replica["ETag"] == put["ETag"]
    assert replica["SSECustomerKeyMD5"] == md5_b64(KEY)
    s3sse.assert_encrypted(dst, "k", "SSE-C")


def test_an_sse_c_object_fails_into_a_destination_that_blocks_sse_c(s3, src, dst, s3sse):
    """3.2 (P, UG "Blocking or unblocking SSE-C": "the replication will fail with an HTTP 403
    AccessDenied error"; new buckets block SSE-C since April 2026; U the reason, proposed
    DstPutObjectNotPermitted)."""
    unblock_sse_c(s3, src)
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY, **SSEC)
    assert head(s3, src, "k", **SSEC)["ReplicationStatus"] == "FAILED"
    (attempt,) = s3sse.replications
    assert attempt.failure_reason == "DstPutObjectNotPermitted"
    assert s3.list_object_versions(Bucket=dst).get("Versions") is None


# -- the role's rights (3.5, 3.6): a missing one fails the replication and writes nothing ---------
def kms_object(s3: Any, src: str, key: dict[str, Any], name: str = "k") -> None:
    s3.put_object(
        Bucket=src, Key=name, Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )


def test_a_role_with_every_right_the_user_guide_lists_replicates(
    s3, src, dst, key, replica_key, s3sse
):
    """3.6 (P, UG23 "Setting up permissions" and UG "Replicating encrypted objects")."""
    role_with(s3sse)
    configure(s3, src, rule(dst, replica_key=replica_key))
    kms_object(s3, src, key)
    assert head(s3, src, "k")["ReplicationStatus"] == "COMPLETED"


def test_a_role_without_kms_decrypt_on_the_source_key_fails_the_replication(
    s3, src, dst, key, replica_key, s3sse
):
    """Seed statement; 3.5 (U: no dedicated reason is listed for a missing source kms:Decrypt,
    proposed SrcGetObjectNotPermitted, open point 6); nothing is written at the destination."""
    role_with(s3sse, without=("kms:Decrypt",))
    configure(s3, src, rule(dst, replica_key=replica_key))
    kms_object(s3, src, key)
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    (attempt,) = s3sse.replications
    assert (attempt.status, attempt.failure_reason) == ("FAILED", "SrcGetObjectNotPermitted")
    assert s3.list_object_versions(Bucket=dst).get("Versions") is None
    denied = [c for c in s3sse.kms_calls if c.caller == SESSION]
    assert [(c.operation, c.error) for c in denied] == [("Decrypt", "AccessDeniedException")]
    explanation = s3sse.explain(attempt)
    assert explanation.denial is not None
    assert explanation.denial.action == "kms:Decrypt"
    assert "kms:Decrypt" in str(explanation)


def test_a_role_without_kms_encrypt_on_the_replica_key_fails_the_replication(
    s3, src, dst, key, replica_key, s3sse
):
    """Seed statement; 3.5 (P: the destination key policy refusing the role:
    DstPutObjectNotPermitted)."""
    role_with(s3sse, without=("kms:Encrypt",))
    configure(s3, src, rule(dst, replica_key=replica_key))
    kms_object(s3, src, key)
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    (attempt,) = s3sse.replications
    assert attempt.failure_reason == "DstPutObjectNotPermitted"
    assert s3sse.explain(attempt).denial.action == "kms:Encrypt"
    assert s3.list_object_versions(Bucket=dst).get("Versions") is None


def test_a_role_without_generate_data_key_fails_into_a_bucket_key_destination(
    s3, src, dst, key, replica_key, s3sse
):
    """3.6 (P: with a destination Bucket Key the role needs kms:GenerateDataKey and kms:Decrypt on
    the replica key; 3.5 DstPutObjectNotPermitted)."""
    role_with(s3sse, without=("kms:GenerateDataKey",))
    configure(s3, src, rule(dst, replica_key=replica_key))
    s3.put_object(
        Bucket=src, Key="k", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"],
        BucketKeyEnabled=True,
    )  # fmt: skip
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[0].failure_reason == "DstPutObjectNotPermitted"


def test_a_role_without_get_object_version_for_replication_fails_at_the_source(
    s3, src, dst, key, replica_key, s3sse
):
    """3.5 (P: SrcGetObjectNotPermitted); 3.6 (P: s3:GetObjectVersion "works for unencrypted/SSE-S3
    but not for SSE-KMS")."""
    role_with(
        s3sse, *ALL_RIGHTS, "s3:GetObjectVersion", without=("s3:GetObjectVersionForReplication",)
    )
    configure(s3, src, rule(dst, replica_key=replica_key))
    s3.put_object(Bucket=src, Key="plain", Body=BODY)
    kms_object(s3, src, key)
    assert head(s3, src, "plain")["ReplicationStatus"] == "COMPLETED"
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    failed = [r for r in s3sse.replications if r.failed]
    assert [(r.key, r.failure_reason) for r in failed] == [("k", "SrcGetObjectNotPermitted")]


def test_a_role_without_replicate_object_fails_at_the_destination(s3, src, dst, s3sse):
    """3.5 (P: "Role lacks s3:ReplicateObject ... DstPutObjectNotPermitted")."""
    role_with(s3sse, without=("s3:ReplicateObject",))
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[0].failure_reason == "DstPutObjectNotPermitted"
    assert s3sse.explain(s3sse.replications[0]).denial.action == "s3:ReplicateObject"


def test_replicate_object_is_asked_with_the_replicas_encryption_condition_keys(
    s3, src, dst, key, replica_key, s3sse
):
    """3.6 (P: the UG's example policy conditions s3:ReplicateObject on
    s3:x-amz-server-side-encryption and its key id, so replicate requests carry them)."""
    only_kms = allow(
        "s3:ReplicateObject",
        f"arn:aws:s3:::{dst}/*",
        Condition={
            "StringLikeIfExists": {
                "s3:x-amz-server-side-encryption": "aws:kms",
                "s3:x-amz-server-side-encryption-aws-kms-key-id": replica_key,
            }
        },
    )
    rest = [a for a in ALL_RIGHTS if a != "s3:ReplicateObject"]
    s3sse.principal(ROLE, policy=policy(allow(rest), only_kms))
    configure(s3, src, rule(dst, replica_key=replica_key))
    kms_object(s3, src, key)
    s3.put_object(Bucket=src, Key="plain", Body=BODY)  # SSE-S3: AES256, not allowed by the policy
    assert head(s3, src, "k")["ReplicationStatus"] == "COMPLETED"
    assert head(s3, src, "plain")["ReplicationStatus"] == "FAILED"


def test_without_the_tagging_rights_the_replica_has_no_tags(s3, src, dst, s3sse):
    """3.5 (P: "a missing tagging permission replicates the object without tags"); 3.7 (P: a Deny on
    s3:ReplicateTags drops the tags)."""
    role_with(s3sse, without=("s3:GetObjectVersionTagging",))
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY, Tagging="team=finance")
    assert head(s3, src, "k")["ReplicationStatus"] == "COMPLETED"
    assert s3.get_object_tagging(Bucket=dst, Key="k")["TagSet"] == []
    assert s3sse.stored(src, "k").tags == {"team": "finance"}


def test_a_tag_change_on_a_replicated_object_reaches_its_replica(s3, src, dst, s3sse):
    """3.2 (P: tags are replicated, with s3:GetObjectVersionTagging and s3:ReplicateTags); the
    source stays COMPLETED."""
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY, Tagging="stage=draft")
    s3.put_object_tagging(
        Bucket=src, Key="k", Tagging={"TagSet": [{"Key": "stage", "Value": "final"}]}
    )
    assert s3.get_object_tagging(Bucket=dst, Key="k")["TagSet"] == [
        {"Key": "stage", "Value": "final"}
    ]
    assert head(s3, src, "k")["ReplicationStatus"] == "COMPLETED"
    assert [r.status for r in s3sse.replications] == ["COMPLETED", "COMPLETED"]


def test_a_tag_change_without_replicate_tags_stays_on_the_source(s3, src, dst, s3sse):
    """3.5 (U: AWS's failure reason DstPutTaggingNotPermitted, from its list of reasons)."""
    role_with(s3sse, without=("s3:ReplicateTags",))
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    s3.put_object_tagging(Bucket=src, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=dst, Key="k")["TagSet"] == []
    assert s3sse.replications[-1].failure_reason == "DstPutTaggingNotPermitted"
    assert head(s3, src, "k")["ReplicationStatus"] == "COMPLETED"


# -- the destination (3.5, RS6) ---------------------------------------------------------------------
def test_a_destination_that_suspended_versioning_fails_the_replication(s3, src, dst, s3sse):
    """RS6 (P: "Suspending versioning on the destination → source FAILED"); 3.5 DstBucketUnversioned."""
    configure(s3, src, rule(dst))
    s3.put_bucket_versioning(Bucket=dst, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[0].failure_reason == "DstBucketUnversioned"


def test_a_replica_key_that_does_not_exist_fails_the_replication_not_the_put(
    s3, src, dst, key, s3sse
):
    """R6 (P: "The PutBucketReplication API operation doesn't check the validity of KMS keys");
    3.5 DstKmsKeyNotFound."""
    missing = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
    configure(s3, src, rule(dst, replica_key=missing))
    kms_object(s3, src, key)
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[0].failure_reason == "DstKmsKeyNotFound"


def test_a_disabled_replica_key_and_a_disabled_source_key_fail_with_their_reasons(
    make_client, s3sse, key, replica_key, kms
):
    """3.5 (P: DstKmsKeyInvalidState; SrcKmsKeyInvalidState "Source KMS key disabled")."""
    s3sse.engine.replicator.immediate = False
    s3 = make_client()
    configure(s3, versioned(s3, "src"), rule(versioned(s3, "dst"), replica_key=replica_key))
    kms_object(s3, "src", key, "a")
    kms.disable_key(KeyId=replica_key)
    (first,) = s3sse.replicate()
    assert first.failure_reason == "DstKmsKeyInvalidState"
    kms.enable_key(KeyId=replica_key)
    kms_object(s3, "src", key, "b")
    kms.disable_key(KeyId=key["KeyId"])
    (second,) = s3sse.replicate()
    assert second.failure_reason == "SrcKmsKeyInvalidState"


def test_a_failed_replication_is_not_retried(make_client, s3sse):
    """RS5 (P: permission or KMS problems → FAILED, and S3 does not retry)."""
    s3 = make_client()
    configure(s3, versioned(s3, "src"), rule(versioned(s3, "dst")))
    s3.put_bucket_versioning(Bucket="dst", VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket="src", Key="k", Body=BODY)
    s3.put_bucket_versioning(Bucket="dst", VersioningConfiguration={"Status": "Enabled"})
    assert s3sse.replicate() == []
    assert head(s3, "src", "k")["ReplicationStatus"] == "FAILED"


def test_with_two_destinations_one_failure_makes_the_source_failed(s3, src, dst, s3sse):
    """RS3 (P: FAILED if any destination fails, COMPLETED only when all succeed)."""
    other = versioned(s3, "other")
    configure(s3, src, rule(dst, rule_id="a", priority=1), rule(other, rule_id="b", priority=2))
    s3.put_bucket_versioning(Bucket=other, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert head(s3, src, "k")["ReplicationStatus"] == "FAILED"
    outcomes = sorted((r.destination, r.status) for r in s3sse.replications)
    assert outcomes == [("dst", "COMPLETED"), ("other", "FAILED")]
    assert head(s3, dst, "k")["ReplicationStatus"] == "REPLICA"


# -- cross-account (3.7) ---------------------------------------------------------------------------
@pytest.fixture
def other_account(s3sse: Any) -> dict[str, Any]:
    """A client of the account that owns the destination, its bucket and its replica key."""
    creds = s3sse.principal(f"arn:aws:iam::{OTHER}:root")
    s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY, **creds)
    kms = boto3.client("kms", region_name="us-east-1", config=NO_RETRY, **creds)
    versioned(s3, "vault")
    return {"s3": s3, "kms": kms}


def test_cross_account_replication_needs_the_destination_bucket_policy(
    s3, src, other_account, s3sse
):
    """3.7 (P: the destination bucket policy grants the role s3:ReplicateObject); E4 (P: across
    accounts the resource policy must allow)."""
    configure(s3, src, rule("vault", Account=OTHER))
    s3.put_object(Bucket=src, Key="denied", Body=BODY)
    assert head(s3, src, "denied")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[0].failure_reason == "DstPutObjectNotPermitted"
    other_account["s3"].put_bucket_policy(
        Bucket="vault",
        Policy=json.dumps(
            policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ROLE},
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": "arn:aws:s3:::vault/*",
                }
            )
        ),
    )
    s3.put_object(Bucket=src, Key="allowed", Body=BODY)
    assert head(s3, src, "allowed")["ReplicationStatus"] == "COMPLETED"
    replica = other_account["s3"].get_object(Bucket="vault", Key="allowed")
    assert replica["Body"].read() == BODY


def test_cross_account_sse_kms_needs_the_destination_key_policy_to_grant_the_role(
    s3, src, key, other_account, s3sse
):
    """3.7 (P: "The destination key policy (destination account) must grant the role
    kms:Encrypt"); E9 (P)."""
    other_account["s3"].put_bucket_policy(
        Bucket="vault",
        Policy=json.dumps(
            policy(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ROLE},
                    "Action": "s3:ReplicateObject",
                    "Resource": "arn:aws:s3:::vault/*",
                }
            )
        ),
    )
    root = {
        "Sid": "owner",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    closed = other_account["kms"].create_key(Policy=json.dumps(policy(root)))["KeyMetadata"]
    configure(s3, src, rule("vault", Account=OTHER, replica_key=closed["Arn"]))
    kms_object(s3, src, key, "denied")
    assert head(s3, src, "denied")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[-1].failure_reason == "DstPutObjectNotPermitted"

    grant_role = {
        "Sid": "replication",
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
        "Resource": "*",
    }
    other_account["kms"].put_key_policy(
        KeyId=closed["KeyId"], Policy=json.dumps(policy(root, grant_role))
    )
    kms_object(s3, src, key, "allowed")
    assert head(s3, src, "allowed")["ReplicationStatus"] == "COMPLETED"
    replica = other_account["s3"].get_object(Bucket="vault", Key="allowed")
    assert replica["SSEKMSKeyId"] == closed["Arn"]
    assert replica["Body"].read() == BODY


# -- delete markers (3.2) --------------------------------------------------------------------------
def test_delete_markers_are_replicated_only_when_the_rule_says_so(s3, src, dst):
    """3.2 (P: V2 rules replicate a delete marker only with DeleteMarkerReplication Enabled;
    "DELETE with a versionId (permanent delete): never")."""
    configure(s3, src, rule(dst, prefix="on/", rule_id="on", markers="Enabled"),
              rule(dst, prefix="off/", rule_id="off", priority=2))  # fmt: skip
    for name in ("on/k", "off/k"):
        s3.put_object(Bucket=src, Key=name, Body=BODY)
        s3.delete_object(Bucket=src, Key=name)
    with pytest.raises(ClientError) as excinfo:
        head(s3, dst, "on/k")
    assert (
        excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    )
    assert head(s3, dst, "off/k")["ReplicationStatus"] == "REPLICA"


def test_a_rule_with_replication_time_control_is_v2_for_its_delete_markers(s3, src, dst):
    """2.2 (P, UG23 replication-add-config: Replication Time Control makes a rule V2, and a V2 rule
    replicates delete markers only with DeleteMarkerReplication Enabled)."""
    timed = rule(dst, ReplicationTime={"Status": "Enabled", "Time": {"Minutes": 15}},
                 Metrics={"Status": "Enabled", "EventThreshold": {"Minutes": 15}})  # fmt: skip
    del timed["Filter"]
    timed["Prefix"] = ""
    configure(s3, src, timed)
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    s3.delete_object(Bucket=src, Key="k")
    assert head(s3, dst, "k")["ReplicationStatus"] == "REPLICA"


def test_a_permanent_delete_of_a_version_is_never_replicated(s3, src, dst):
    """3.2 (P: "DELETE with a versionId (permanent delete): never")."""
    configure(s3, src, rule(dst, markers="Enabled"))
    version = s3.put_object(Bucket=src, Key="k", Body=BODY)["VersionId"]
    s3.delete_object(Bucket=src, Key="k", VersionId=version)
    replica = s3.get_object(Bucket=dst, Key="k", VersionId=version)
    assert replica["Body"].read() == BODY


def test_a_role_without_replicate_delete_leaves_the_destination_as_it_was(s3, src, dst, s3sse):
    """3.5 (P: "Role lacks s3:ReplicateDelete (DM replication): DstDelObjNotPermitted")."""
    role_with(s3sse, without=("s3:ReplicateDelete",))
    configure(s3, src, rule(dst, markers="Enabled"))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    s3.delete_object(Bucket=src, Key="k")
    assert head(s3, dst, "k")["ReplicationStatus"] == "REPLICA"
    marker = s3sse.replications[-1]
    assert (marker.delete_marker, marker.failure_reason) == (True, "DstDelObjNotPermitted")


# -- the trail and the test API (issue 15: FAILED visible on the trail and in explain) -------------
def test_replications_kms_calls_are_on_the_trail_as_the_role_invoked_by_s3(
    s3, src, dst, key, replica_key, s3sse
):
    """3.4 (U, open point 7: userIdentity the role session, invokedBy, sourceIPAddress and
    userAgent ``s3.amazonaws.com``); the attempt itself is a ReplicateObject record (U)."""
    configure(s3, src, rule(dst, replica_key=replica_key))
    kms_object(s3, src, key)
    records = [r for r in s3sse.trail.records if r["userIdentity"].get("arn") == SESSION]
    names = [(r["eventSource"], r["eventName"]) for r in records]
    assert names == [
        ("kms.amazonaws.com", "Decrypt"),
        ("kms.amazonaws.com", "Encrypt"),
        ("s3.amazonaws.com", "ReplicateObject"),
    ]
    decrypt = records[0]
    assert decrypt["userIdentity"]["type"] == "AssumedRole"
    assert decrypt["userIdentity"]["invokedBy"] == "s3.amazonaws.com"
    assert decrypt["sourceIPAddress"] == "s3.amazonaws.com"
    assert decrypt["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == ROLE
    assert len({r["requestID"] for r in records}) == 1


def test_a_failed_replication_is_on_the_trail_with_its_reason(s3, src, dst, s3sse):
    """3.5 (P: the failure reasons); the trail record of the attempt carries it (U)."""
    role_with(s3sse, without=("s3:ReplicateObject",))
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    (record,) = [r for r in s3sse.trail.records if r["eventName"] == "ReplicateObject"]
    assert record["errorCode"] == "DstPutObjectNotPermitted"
    assert record["resources"][0]["ARN"] == "arn:aws:s3:::dst/k"


def test_the_stored_view_shows_the_replication_status(s3, src, dst, s3sse):
    """The test API's look at rest (``s3sse.stored``) names the status of both copies."""
    configure(s3, src, rule(dst))
    s3.put_object(Bucket=src, Key="k", Body=BODY)
    assert s3sse.stored(src, "k").replication_status == "COMPLETED"
    assert s3sse.stored(dst, "k").replication_status == "REPLICA"
    # S3 Inventory's ReplicationStatus column (audit-behaviour.md 4.2 N1, P).
    statuses = {r["Bucket"]: r["ReplicationStatus"] for r in s3sse.encryption_report().rows}
    assert statuses == {src: "COMPLETED", dst: "REPLICA"}


# -- an unencrypted legacy source (3.3) ------------------------------------------------------------
def kms_default(s3: Any, bucket: str, key_arn: str, *, bucket_key: bool) -> None:
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": bucket_key,
                }
            ]
        },
    )


def test_an_unencrypted_source_becomes_sse_kms_with_a_bucket_key_and_its_etag_changes(
    s3, src, dst, replica_key, s3sse
):
    """Seed statement; 3.3 (P, UG "How default bucket encryption affects replication": an
    unencrypted object takes the destination's default, here SSE-KMS with a Bucket Key; the ETag
    differs; UG23 "Bucket Keys" example 2); 3.4 (P: the role's GenerateDataKey under the
    destination default key). The source is seeded: no write since 2023-01-05 is unencrypted."""
    kms_default(s3, dst, replica_key, bucket_key=True)
    configure(s3, src, rule(dst))
    version = s3sse.put_unencrypted(src, "legacy.csv", BODY)
    source = head(s3, src, "legacy.csv")
    assert "ServerSideEncryption" not in source
    assert source["ReplicationStatus"] == "COMPLETED"
    replica = s3.get_object(Bucket=dst, Key="legacy.csv")
    assert replica["ServerSideEncryption"] == "aws:kms"
    assert replica["SSEKMSKeyId"] == replica_key
    assert replica["BucketKeyEnabled"] is True
    assert replica["VersionId"] == version
    assert replica["ETag"] != source["ETag"]
    assert replica["Body"].read() == BODY
    by_role = [(c.operation, c.key_arn) for c in s3sse.kms_calls if c.caller == SESSION]
    assert by_role == [("GenerateDataKey", replica_key)]
    s3sse.assert_no_plaintext_at_rest(bucket=dst)


def test_an_unencrypted_source_into_an_sse_s3_destination_keeps_its_etag(s3, src, dst, s3sse):
    """3.3 (P: the destination's default, SSE-S3 by default); reference 5.2 (P: an SSE-S3 ETag is
    the MD5 of the body, as an unencrypted object's is; U that the two are then equal)."""
    configure(s3, src, rule(dst))
    s3sse.put_unencrypted(src, "legacy.csv", BODY)
    replica = head(s3, dst, "legacy.csv")
    assert replica["ServerSideEncryption"] == "AES256"
    assert replica["ETag"] == head(s3, src, "legacy.csv")["ETag"]


def test_an_unencrypted_source_fails_when_the_role_may_not_use_the_destination_default_key(
    s3, src, dst, replica_key, s3sse
):
    """3.4 (P: "include the kms:GenerateDataKey permission for the destination encryption
    context"); 3.5 DstPutObjectNotPermitted."""
    role_with(s3sse, without=("kms:GenerateDataKey",))
    kms_default(s3, dst, replica_key, bucket_key=False)
    configure(s3, src, rule(dst))
    s3sse.put_unencrypted(src, "legacy.csv", BODY)
    assert head(s3, src, "legacy.csv")["ReplicationStatus"] == "FAILED"
    assert s3sse.replications[0].failure_reason == "DstPutObjectNotPermitted"

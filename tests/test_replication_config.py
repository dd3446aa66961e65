"""The replication configuration through boto3: PutBucketReplication's checks in AWS's order,
GetBucketReplication's echo, DeleteBucketReplication, and versioning while a configuration exists.

Sources: ``/work/shared/reference/replication-behaviour.md`` section 2 (2.1 the request, 2.2 V1 and
V2, 2.3 rows R1-R15, 2.4 Get and Delete) and V7 in 1.1. Labels: A recorded from AWS (LocalStack's
AWS-validated snapshots, or AWS's answer quoted in a public issue), P AWS documentation, S a secondary
report of AWS's answer, T a third-party implementation (OIO: open-io/swift's replication controller),
U unconfirmed (the value is proposed). docs/replication.md tabulates them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_support import s3_request
from support import error

from pytest_s3sse import mock_s3sse
from pytest_s3sse._internal.s3.replication_rules import MAX_DOCUMENT

OWNER = "123456789012"
ROLE = f"arn:aws:iam::{OWNER}:role/replication"
DST_ARN = "arn:aws:s3:::dst"
KEY_ARN = f"arn:aws:kms:us-east-1:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT_NAME = "ReplicationConfiguration"
GUIDE = "Please refer to S3 Developer Guide for more information."


def v2_rule(**fields: Any) -> dict[str, Any]:
    """A valid V2 rule to ``dst`` (Filter, Priority, DeleteMarkerReplication), ``fields`` replacing."""
    rule: dict[str, Any] = {
        "ID": "rule-1",
        "Priority": 1,
        "Filter": {},
        "Status": "Enabled",
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": DST_ARN},
    }
    rule.update(fields)
    return {k: v for k, v in rule.items() if v is not None}


def v1_rule(**fields: Any) -> dict[str, Any]:
    """A valid V1 rule to ``dst`` (Prefix on the rule, no Filter)."""
    rule: dict[str, Any] = {
        "ID": "v1",
        "Prefix": "",
        "Status": "Enabled",
        "Destination": {"Bucket": DST_ARN},
    }
    rule.update(fields)
    return {k: v for k, v in rule.items() if v is not None}


def with_destination(**fields: Any) -> dict[str, Any]:
    return v2_rule(Destination={"Bucket": DST_ARN, **fields})


def enable_versioning(s3: Any, name: str) -> None:
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


@pytest.fixture
def src(s3: Any) -> str:
    """A versioned source bucket ``src``."""
    s3.create_bucket(Bucket="src")
    enable_versioning(s3, "src")
    return "src"


@pytest.fixture
def dst(s3: Any) -> str:
    """A versioned destination bucket ``dst``."""
    s3.create_bucket(Bucket="dst")
    enable_versioning(s3, "dst")
    return "dst"


def put(s3: Any, *rules: dict[str, Any], role: str = ROLE, bucket: str = "src") -> Any:
    return s3.put_bucket_replication(
        Bucket=bucket, ReplicationConfiguration={"Role": role, "Rules": list(rules)}
    )


def refused(s3: Any, *rules: dict[str, Any], role: str = ROLE) -> tuple[int, dict[str, str]]:
    with pytest.raises(ClientError) as info:
        put(s3, *rules, role=role)
    return error(info)


def stored(s3: Any) -> dict[str, Any]:
    configuration: dict[str, Any] = s3.get_bucket_replication(Bucket="src")[
        "ReplicationConfiguration"
    ]
    return configuration


# -- R1, R2: versioning of the source and of the destination -----------------------------------
def test_a_source_without_versioning_is_refused_first(s3, dst):
    """R1 (A, LS-AWS test_replication_config): InvalidRequest, no BucketName; before the schema
    (an empty rule list would be MalformedXML, R3)."""
    s3.create_bucket(Bucket="src")
    with pytest.raises(ClientError) as info:
        put(s3)
    status, err = error(info)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
    )
    assert "BucketName" not in err


def test_a_suspended_source_is_refused(s3, src, dst):
    """R1 (A): Suspended is not Enabled."""
    s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Suspended"})
    assert error_code_of(s3, v2_rule()) == "InvalidRequest"


def error_code_of(s3: Any, *rules: dict[str, Any]) -> str:
    return refused(s3, *rules)[1]["Code"]


def test_a_missing_destination_bucket_is_refused(s3, src):
    """R2 (A, LS-AWS test_replication_config_without_filter)."""
    status, err = refused(s3, v2_rule())
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Destination bucket must have versioning enabled."


def test_an_unversioned_destination_bucket_is_refused(s3, src):
    """R2 (A; nozaq/terraform-aws-remote-state-s3-backend#107)."""
    s3.create_bucket(Bucket="dst")
    assert refused(s3, v2_rule())[1]["Message"] == (
        "Destination bucket must have versioning enabled."
    )


def test_a_destination_of_another_account_is_found_by_name(s3, src, s3sse, make_client):
    """R2 (reference 2.3): the destination is looked up by name, whoever owns it."""
    other = make_client(**s3sse.principal("arn:aws:iam::210987654321:root"))
    other.create_bucket(Bucket="dst")
    enable_versioning(other, "dst")
    put(s3, with_destination(Account="210987654321"))
    assert stored(s3)["Rules"][0]["Destination"]["Account"] == "210987654321"


def test_the_schema_is_checked_before_the_destination(s3, src):
    """Order (reference 2.3, U; LocalStack and moto agree): R9 before R2."""
    assert refused(s3, v2_rule(Priority=None))[1]["Message"].startswith("Priority must")


# -- R3 and the schema (MalformedXML) -----------------------------------------------------------
def test_an_empty_rule_list_is_malformed_xml(s3, src, dst):
    """R3 (A, LS-AWS test_replication_config)."""
    status, err = refused(s3)
    assert (status, err["Code"]) == (400, "MalformedXML")
    assert err["Message"] == (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


def test_existing_object_replication_is_malformed_xml(s3, src, dst):
    """2.1 (S: Pulumi's BucketReplicationConfig docs; hashicorp/terraform-provider-aws#21961)."""
    rule = v2_rule(ExistingObjectReplication={"Status": "Enabled"})
    assert error_code_of(s3, rule) == "MalformedXML"


def test_a_filter_with_two_conditions_outside_and_is_malformed_xml(s3, src, dst):
    """2.1 (P): exactly one of Prefix, Tag or And."""
    rule = v2_rule(Filter={"Prefix": "a/", "Tag": {"Key": "k", "Value": "v"}})
    assert error_code_of(s3, rule) == "MalformedXML"


def test_an_owner_override_other_than_destination_is_malformed_xml(s3, src, dst):
    """2.1 (P): AccessControlTranslation/Owner is only ``Destination`` (the model's enumeration)."""
    rule = with_destination(Account=OWNER, AccessControlTranslation={"Owner": "Source"})
    assert error_code_of(s3, rule) == "MalformedXML"


def test_fsx_openzfs_is_not_a_destination_storage_class(s3, src, dst):
    """2.1 (P: FSX_OPENZFS not accepted); the code InvalidStorageClass is U (PutObject's, A)."""
    status, err = refused(s3, with_destination(StorageClass="FSX_OPENZFS"))
    assert (status, err["Code"]) == (400, "InvalidStorageClass")
    assert err["StorageClassRequested"] == "FSX_OPENZFS"


# -- the V1 and V2 schemas (2.2) ----------------------------------------------------------------
def test_a_v2_rule_without_priority_is_refused(s3, src, dst):
    """R9 (U: OIO's text, "schema.Please" sic)."""
    status, err = refused(s3, v2_rule(Priority=None))
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        "Priority must be specified for this version of Cross Region Replication configuration "
        f"schema.{GUIDE}"
    )


def test_a_v2_rule_without_delete_marker_replication_is_refused(s3, src, dst):
    """2.2 (S: a project log quoting AWS; the second sentence T, OIO)."""
    status, err = refused(s3, v2_rule(DeleteMarkerReplication=None))
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        "DeleteMarkerReplication must be specified for this version of Cross Region Replication "
        f"configuration schema. {GUIDE}"
    )


def test_delete_marker_replication_in_a_v1_rule_is_refused(s3, src, dst):
    """2.2 (A: rust-lang/simpleinfra#468)."""
    status, err = refused(s3, v1_rule(DeleteMarkerReplication={"Status": "Disabled"}))
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        "DeleteMarkerReplication cannot be used for this version of Cross Region Replication "
        f"configuration schema. {GUIDE}"
    )


def test_replica_modifications_in_a_v1_rule_is_refused(s3, src, dst):
    """2.2 (P: V2 only, BM-S3; U: the text, after the DeleteMarkerReplication one)."""
    rule = v1_rule(SourceSelectionCriteria={"ReplicaModifications": {"Status": "Enabled"}})
    assert refused(s3, rule)[1]["Message"].startswith("ReplicaModifications cannot be used")


def test_a_v1_configuration_names_one_destination(s3, src, dst):
    """2.2 (S: terraform-aws-modules/terraform-aws-s3-bucket#104 quotes AWS; U: the code)."""
    s3.create_bucket(Bucket="dst2")
    enable_versioning(s3, "dst2")
    second = v1_rule(ID="v1-b", Prefix="b/", Destination={"Bucket": "arn:aws:s3:::dst2"})
    status, err = refused(s3, v1_rule(), second)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Number of distinct destination bucket ARNs cannot exceed 1"


def test_v2_rules_may_name_several_destinations(s3, src, dst):
    """2.2 (P): V2 replicates to several destinations."""
    s3.create_bucket(Bucket="dst2")
    enable_versioning(s3, "dst2")
    second = v2_rule(ID="rule-2", Destination={"Bucket": "arn:aws:s3:::dst2"})
    put(s3, v2_rule(), second)
    assert [r["Destination"]["Bucket"] for r in stored(s3)["Rules"]] == [
        DST_ARN,
        "arn:aws:s3:::dst2",
    ]


# -- R4, R5: SSE-KMS objects (R6: keys are not checked) ----------------------------------------
def test_sse_kms_objects_without_a_replica_key_is_refused(s3, src, dst):
    """R4 (S: Terraform module comments quoting AWS)."""
    rule = v2_rule(SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}})
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
    )


def test_an_encryption_configuration_without_sse_kms_objects_is_refused(s3, src, dst):
    """R5 (A: a Terraform log with its RequestID; hashicorp/terraform-provider-aws#26241)."""
    rule = with_destination(EncryptionConfiguration={"ReplicaKmsKeyID": KEY_ARN})
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        "SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present."
    )


def test_a_replica_key_that_does_not_exist_is_accepted(s3, src, dst):
    """R6 (P: "The PutBucketReplication API operation doesn't check the validity of KMS keys")."""
    rule = with_destination(EncryptionConfiguration={"ReplicaKmsKeyID": "arn:aws:kms:x:1:key/no"})
    rule["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    put(s3, rule)
    destination = stored(s3)["Rules"][0]["Destination"]
    assert destination["EncryptionConfiguration"] == {"ReplicaKmsKeyID": "arn:aws:kms:x:1:key/no"}


# -- R7, R8, R10: filters, priorities and IDs ----------------------------------------------------
def test_delete_marker_replication_with_a_tag_filter_is_refused(s3, src, dst):
    """R7 (P: the rule; U: OIO's text)."""
    rule = v2_rule(
        Filter={"Tag": {"Key": "k", "Value": "v"}},
        DeleteMarkerReplication={"Status": "Enabled"},
    )
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == (
        f"Delete marker replication is not supported if any Tag filter is specified. {GUIDE}"
    )


def test_a_filter_with_one_tag_key_twice_is_refused(s3, src, dst):
    """2.1 (P: And's tags); T: OIO's text; U on AWS."""
    tags = [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]
    status, err = refused(s3, v2_rule(Filter={"And": {"Prefix": "", "Tags": tags}}))
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Duplicate Tag Keys are not allowed."


def test_two_rules_with_one_priority_and_destination_are_refused(s3, src, dst):
    """R8 (U: OIO's text; ceph checks it too)."""
    status, err = refused(s3, v2_rule(Priority=3), v2_rule(ID="rule-2", Priority=3))
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Found duplicate priority 3."


def test_two_rules_with_one_id_are_refused(s3, src, dst):
    """R10 (U: OIO's text; InvalidArgument naming ID)."""
    status, err = refused(s3, v2_rule(Priority=1), v2_rule(Priority=2))
    assert (status, err["Code"]) == (400, "InvalidArgument")
    assert err["Message"] == "Rule Id must be unique."
    assert (err["ArgumentName"], err["ArgumentValue"]) == ("ID", "rule-1")


# -- R11, R12: InvalidArgument and InvalidRequest of one rule -----------------------------------
def test_a_non_ascii_rule_id_is_invalid_argument(s3, src, dst):
    """R11 (P: ErrorResponses; T: OIO's text)."""
    status, err = refused(s3, v2_rule(ID="règle"))
    assert (status, err["Code"], err["ArgumentName"]) == (400, "InvalidArgument", "ID")
    assert err["Message"] == "Rule ID must not contain non-ASCII characters."


def test_a_rule_id_over_255_characters_is_invalid_argument(s3, src, dst):
    """2.1 (P: at most 255 characters); T: OIO's text."""
    assert (
        refused(s3, v2_rule(ID="i" * 256))[1]["Message"] == "The maximum value is 255 characters."
    )


def test_an_account_that_does_not_own_the_destination_is_invalid_argument(s3, src, dst):
    """R11 (P: ErrorResponses, "not the destination owner"; U: the text)."""
    status, err = refused(s3, with_destination(Account="210987654321"))
    assert (status, err["Code"], err["ArgumentName"]) == (400, "InvalidArgument", "Account")


@pytest.mark.parametrize("minutes", [10, 30])
def test_replication_time_other_than_15_minutes_is_invalid_argument(s3, src, dst, minutes):
    """R11 (P: Minutes must be 15; U: the text)."""
    rule = with_destination(
        ReplicationTime={"Status": "Enabled", "Time": {"Minutes": minutes}},
        Metrics={"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
    )
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidArgument")


def test_a_metrics_event_threshold_without_replication_time_is_invalid_argument(s3, src, dst):
    """R11 (S: crossplane-contrib/provider-aws#1117 and pulumi/pulumi-aws#5806 quote AWS)."""
    rule = with_destination(Metrics={"Status": "Enabled", "EventThreshold": {"Minutes": 15}})
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidArgument")
    assert err["Message"] == (
        "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled"
    )


def test_metrics_alone_are_accepted(s3, src, dst):
    """P: replication metrics can be enabled without S3 RTC (UG repl-metrics; aws/aws-cdk#35772)."""
    put(s3, with_destination(Metrics={"Status": "Enabled"}))
    assert stored(s3)["Rules"][0]["Destination"]["Metrics"] == {"Status": "Enabled"}


def test_replication_time_without_metrics_is_invalid_request(s3, src, dst):
    """R12 (P: ErrorResponses; U: the text)."""
    rule = with_destination(ReplicationTime={"Status": "Enabled", "Time": {"Minutes": 15}})
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Metrics must be specified if ReplicationTime is present."


def test_replication_time_and_metrics_with_different_statuses_are_invalid_request(s3, src, dst):
    """R12 (P: ErrorResponses; U: the text)."""
    rule = with_destination(
        ReplicationTime={"Status": "Enabled", "Time": {"Minutes": 15}},
        Metrics={"Status": "Disabled"},
    )
    assert (
        refused(s3, rule)[1]["Message"] == "ReplicationTime and Metrics must have the same Status."
    )


def test_an_owner_override_without_account_is_invalid_request(s3, src, dst):
    """R12 (P: ErrorResponses; U: the text)."""
    rule = with_destination(AccessControlTranslation={"Owner": "Destination"})
    status, err = refused(s3, rule)
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Account must be specified if AccessControlTranslation is present."


# -- R13, R15 ---------------------------------------------------------------------------------
def test_a_role_that_is_not_an_iam_role_arn_is_invalid_argument(s3, src, dst):
    """R13 (U: OIO's text; InvalidArgument naming Role)."""
    status, err = refused(s3, v2_rule(), role=f"arn:aws:iam::{OWNER}:user/someone")
    assert (status, err["Code"], err["ArgumentName"]) == (400, "InvalidArgument", "Role")
    assert err["Message"] == "Invalid Role specified in replication configuration"


def test_the_source_bucket_as_destination_is_refused(s3, src):
    """R15 (U: OIO's text)."""
    status, err = refused(s3, with_destination(Bucket="arn:aws:s3:::src"))
    assert (status, err["Code"]) == (400, "InvalidRequest")
    assert err["Message"] == "Destination bucket cannot be the same as the source bucket."


# -- the body: Content-MD5 and the 2 MB limit -------------------------------------------------
DOCUMENT = (
    "<ReplicationConfiguration><Role>" + ROLE + "</Role><Rule><ID>r</ID><Priority>1</Priority>"
    "<Filter/><Status>Enabled</Status><DeleteMarkerReplication><Status>Disabled</Status>"
    "</DeleteMarkerReplication><Destination><Bucket>" + DST_ARN + "</Bucket></Destination></Rule>"
    "</ReplicationConfiguration>"
).encode()


def raw_put(s3sse: Any, body: bytes, headers: dict[str, str] | None = None) -> Any:
    return s3_request(s3sse.engine, "PUT", "/src", "replication", headers, body)


def body_error(response: Any) -> tuple[int, str]:
    text = response.content().decode()
    match = re.search(r"<Code>([^<]*)</Code>", text)
    return response.status, match.group(1) if match else ""


def test_a_content_md5_that_does_not_match_is_bad_digest(s3sse, src, dst):
    """2.1 (P: Content-MD5 is the body's); BadDigest as the other writes (A §9)."""
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert body_error(raw_put(s3sse, DOCUMENT, {"content-md5": wrong})) == (400, "BadDigest")


def test_a_matching_content_md5_is_accepted(s3sse, src, dst):
    """2.1 (P)."""
    right = base64.b64encode(hashlib.md5(DOCUMENT).digest()).decode()
    assert raw_put(s3sse, DOCUMENT, {"content-md5": right}).status == 200


def test_a_document_over_2_mb_is_refused(s3sse, src, dst):
    """2.1 (P: at most 2 MB); MaxMessageLengthExceeded (P: ErrorResponses; U here)."""
    padded = DOCUMENT.replace(b"<Role>", b" " * MAX_DOCUMENT + b"<Role>")
    assert body_error(raw_put(s3sse, padded)) == (400, "MaxMessageLengthExceeded")


# -- GetBucketReplication (2.1 echo, 2.4) -------------------------------------------------------
def test_a_v2_configuration_round_trips_through_boto3(s3, src, dst):
    """2.1 (A: LS-AWS test_replication_config_without_filter echoes Filter {}, StorageClass,
    ReplicationTime and Metrics as sent); every member, rule order kept."""
    first = v2_rule(
        ID="all",
        Priority=5,
        Destination={
            "Bucket": DST_ARN,
            "StorageClass": "STANDARD_IA",
            "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
            "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
        },
    )
    second = v2_rule(
        ID="kms",
        Priority=2,
        Status="Disabled",
        Filter={
            "And": {
                "Prefix": "logs/",
                "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}],
            }
        },
        SourceSelectionCriteria={
            "SseKmsEncryptedObjects": {"Status": "Enabled"},
            "ReplicaModifications": {"Status": "Disabled"},
        },
        Destination={
            "Bucket": DST_ARN,
            "Account": OWNER,
            "AccessControlTranslation": {"Owner": "Destination"},
            "EncryptionConfiguration": {"ReplicaKmsKeyID": KEY_ARN},
        },
    )
    third = v2_rule(ID="tag", Priority=1, Filter={"Tag": {"Key": "t", "Value": "v"}})
    fourth = v2_rule(
        ID="prefix",
        Priority=9,
        Filter={"Prefix": "p/"},
        DeleteMarkerReplication={"Status": "Enabled"},
    )
    put(s3, first, second, third, fourth)
    assert stored(s3) == {"Role": ROLE, "Rules": [first, second, third, fourth]}


def test_a_v1_configuration_round_trips_through_boto3(s3, src, dst):
    """2.2 (P): a V1 rule keeps its Prefix, and has no Filter, Priority or DeleteMarkerReplication."""
    rule = v1_rule(
        Prefix="docs/",
        SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        Destination={
            "Bucket": DST_ARN,
            "StorageClass": "GLACIER_IR",
            "EncryptionConfiguration": {"ReplicaKmsKeyID": KEY_ARN},
        },
    )
    put(s3, rule)
    assert stored(s3) == {"Role": ROLE, "Rules": [rule]}


def test_a_disabled_rule_is_stored(s3, src, dst):
    """2.1 (A, LS-AWS test_replication_config_without_filter)."""
    put(s3, v2_rule(Status="Disabled"))
    assert stored(s3)["Rules"][0]["Status"] == "Disabled"


def test_a_rule_without_id_gets_a_generated_one(s3, src, dst):
    """2.1 (A: Get shows an ID; U: its form, 48 characters of base64 of a UUID4 string)."""
    put(s3, v2_rule(ID=None))
    rule_id = stored(s3)["Rules"][0]["ID"]
    assert len(rule_id) == 48
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        base64.b64decode(rule_id).decode())  # fmt: skip


def _generated_id_with_seed(seed: int) -> str:
    with mock_s3sse(seed=seed):
        client = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="x"
        )
        for name in ("src", "dst"):
            client.create_bucket(Bucket=name)
            enable_versioning(client, name)
        put(client, v2_rule(ID=None))
        return str(stored(client)["Rules"][0]["ID"])


def test_generated_rule_ids_repeat_in_a_seeded_run():
    """2.1: the IDs come from the engine's entropy, so an engine seeded alike gives the same ones."""
    assert _generated_id_with_seed(7) == _generated_id_with_seed(7)
    assert _generated_id_with_seed(7) != _generated_id_with_seed(8)


def test_get_without_a_configuration_is_not_found(s3, src):
    """2.4 (A, LS-AWS test_replication_config; P: ErrorResponses)."""
    with pytest.raises(ClientError) as info:
        s3.get_bucket_replication(Bucket=src)
    status, err = error(info)
    assert (status, err["Code"]) == (404, "ReplicationConfigurationNotFoundError")
    assert err["Message"] == "The replication configuration was not found"
    assert err["BucketName"] == src


def test_a_second_put_replaces_the_configuration(s3, src, dst):
    """2.1 (P: PutBucketReplication creates or replaces the configuration)."""
    put(s3, v2_rule(ID="first"))
    put(s3, v2_rule(ID="second"))
    assert [r["ID"] for r in stored(s3)["Rules"]] == ["second"]


def test_a_refused_put_keeps_the_configuration_in_place(s3, src, dst):
    """2.3: a refused document changes nothing (here R2, checked last, under the store's lock)."""
    put(s3, v2_rule(ID="kept"))
    refused(s3, v2_rule(ID="new", Destination={"Bucket": "arn:aws:s3:::missing"}))
    assert [r["ID"] for r in stored(s3)["Rules"]] == ["kept"]


# -- DeleteBucketReplication (2.4) --------------------------------------------------------------
def test_delete_answers_204_and_removes_the_configuration(s3, src, dst):
    """2.4 (A)."""
    put(s3, v2_rule())
    answer = s3.delete_bucket_replication(Bucket=src)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as info:
        s3.get_bucket_replication(Bucket=src)
    assert error(info)[1]["Code"] == "ReplicationConfigurationNotFoundError"


def test_delete_without_a_configuration_answers_204(s3, src):
    """2.4 (A): idempotent."""
    answer = s3.delete_bucket_replication(Bucket=src)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_replication_operations_on_a_missing_bucket_are_no_such_bucket(s3):
    """V5's rule for every bucket operation (A: NoSuchBucket with BucketName)."""
    with pytest.raises(ClientError) as info:
        s3.get_bucket_replication(Bucket="missing")
    assert error(info)[1]["Code"] == "NoSuchBucket"


# -- V7: versioning while a configuration is present ------------------------------------------
def test_suspending_versioning_with_a_replication_configuration_is_invalid_bucket_state(
    s3, src, dst
):
    """V7 (A: nozaq/terraform-aws-remote-state-s3-backend#59; P: UG23)."""
    put(s3, v2_rule())
    with pytest.raises(ClientError) as info:
        s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Suspended"})
    status, err = error(info)
    assert (status, err["Code"]) == (409, "InvalidBucketState")
    assert err["Message"] == (
        "A replication configuration is present on this bucket, so you cannot change the versioning "
        "state. To change the versioning state, first delete the replication configuration."
    )
    assert s3.get_bucket_versioning(Bucket=src)["Status"] == "Enabled"


def test_enabling_versioning_again_with_a_replication_configuration_is_allowed(s3, src, dst):
    """V7 (A) refuses only a change away from Enabled: Enabled again keeps the state (V6, P)."""
    put(s3, v2_rule())
    s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=src)["Status"] == "Enabled"


def test_suspending_versioning_after_the_configuration_is_deleted_is_allowed(s3, src, dst):
    """V7 (P: "first delete the replication configuration")."""
    put(s3, v2_rule())
    s3.delete_bucket_replication(Bucket=src)
    s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=src)["Status"] == "Suspended"


# -- the gate -----------------------------------------------------------------------------------
def test_a_caller_without_put_replication_configuration_is_denied(s3, src, dst, s3sse, make_client):
    """2.1 (P: the caller needs s3:PutReplicationConfiguration)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetReplicationConfiguration",
                       "Resource": "arn:aws:s3:::src"}],
    }  # fmt: skip
    user = make_client(**s3sse.principal(f"arn:aws:iam::{OWNER}:user/u", policy=policy))
    with pytest.raises(ClientError) as info:
        put(user, v2_rule())
    status, err = error(info)
    assert (status, err["Code"]) == (403, "AccessDenied")


# -- malformed documents are always an AWS-shaped 400 -------------------------------------------
_ELEMENTS = [
    "ReplicationConfiguration", "Role", "Rule", "ID", "Priority", "Prefix", "Filter", "Tag", "Key",
    "Value", "And", "Status", "SourceSelectionCriteria", "SseKmsEncryptedObjects",
    "ReplicaModifications", "Destination", "Bucket", "Account", "StorageClass",
    "AccessControlTranslation", "Owner", "EncryptionConfiguration", "ReplicaKmsKeyID",
    "ReplicationTime", "Time", "Minutes", "Metrics", "EventThreshold", "DeleteMarkerReplication",
    "ExistingObjectReplication", "Bogus",
]  # fmt: skip
_TEXTS = ["", "Enabled", "Disabled", "enabled", "1", "-1", "15", "99999999999", "x" * 300,
          "é", DST_ARN, "arn:aws:s3:::src", ROLE, "STANDARD", "Destination", OWNER, "1.5"]  # fmt: skip

_node = st.deferred(
    lambda: st.tuples(
        st.sampled_from(_ELEMENTS),
        st.one_of(st.sampled_from(_TEXTS), st.lists(_node, max_size=4)),
    )
)


def _xml(node: tuple[str, Any]) -> str:
    name, inner = node
    body = inner if isinstance(inner, str) else "".join(_xml(child) for child in inner)
    return f"<{name}>{body}</{name}>"


OUTCOMES: list[tuple[int, str]] = []
_KMS_KEY = f"<ReplicaKmsKeyID>{KEY_ARN}</ReplicaKmsKeyID>"
# Pieces of a rule and of its destination, valid and not, so that documents get past the parser and
# reach each rule of 2.3 in turn.
_DESTINATION_PARTS = [
    f"<Bucket>{DST_ARN}</Bucket>", "<Bucket>arn:aws:s3:::src</Bucket>", "<Bucket>dst</Bucket>",
    "<Bucket>arn:aws:s3:::nowhere</Bucket>", f"<Account>{OWNER}</Account>", "<Account/>",
    "<StorageClass>STANDARD</StorageClass>", "<StorageClass>FSX_OPENZFS</StorageClass>",
    "<AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation>",
    f"<EncryptionConfiguration>{_KMS_KEY}</EncryptionConfiguration>", "<EncryptionConfiguration/>",
    "<EncryptionConfiguration><UseSourceMultiRegionKey><Status>Enabled</Status>"
    "</UseSourceMultiRegionKey></EncryptionConfiguration>",
    "<ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime>",
    "<ReplicationTime><Status>Disabled</Status></ReplicationTime>",
    "<ReplicationTime><Time><Minutes>x</Minutes></Time></ReplicationTime>",
    "<Metrics><Status>Enabled</Status><EventThreshold><Minutes>15</Minutes></EventThreshold></Metrics>",
    "<Metrics><Status>Disabled</Status></Metrics>", "<Metrics/>",
]  # fmt: skip
_RULE_PARTS = [
    "<SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status>"
    "</SseKmsEncryptedObjects></SourceSelectionCriteria>",
    "<SourceSelectionCriteria><ReplicaModifications><Status>Enabled</Status>"
    "</ReplicaModifications></SourceSelectionCriteria>",
    "<ExistingObjectReplication><Status>Enabled</Status></ExistingObjectReplication>",
    "<Prefix>a/</Prefix>", "<Filter/>",
    "<Filter><Prefix>a/</Prefix></Filter>", "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>",
    "<Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>",
    "<Filter><Not><Prefix>a/</Prefix></Not></Filter>", "<Filter><Tag><Key>k</Key></Tag></Filter>",
    "<Status>Enabled</Status>", "<Status>Disabled</Status>", "<Status>on</Status>",
    "<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>",
    "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>",
    "<DeleteMarkerReplication/>",
]  # fmt: skip
_BASE_RULE = ["<Filter/>", "<Status>Enabled</Status>",
              "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>"]  # fmt: skip


def _element_name(piece: str) -> str:
    return piece[1:].split(">", 1)[0].rstrip("/")


def _piece(
    rule_id: str, priority: str, drop: set[int], extra: list[str], destination: list[str]
) -> str:
    """A valid V2 rule with some of its parts dropped and others added."""
    parts = [p for n, p in enumerate([rule_id, priority, *_BASE_RULE]) if n not in drop]
    if not any(part.startswith("<Bucket>") for part in destination):
        destination = [f"<Bucket>{DST_ARN}</Bucket>", *destination]
    return (
        "<Rule>"
        + "".join(parts + extra)
        + f"<Destination>{''.join(destination)}</Destination></Rule>"
    )


_piece_rule = st.builds(
    _piece,
    st.sampled_from(["<ID>r</ID>", "<ID>s</ID>", "<ID>t</ID>", "", "<ID>é</ID>", "<ID></ID>"]),
    st.sampled_from(
        [
            "<Priority>1</Priority>",
            "<Priority>2</Priority>",
            "<Priority>3</Priority>",
            "<Priority>-1</Priority>",
            "<Priority>99999999999</Priority>",
        ]
    ),
    st.sets(st.integers(0, 4), max_size=1),
    st.lists(st.sampled_from(_RULE_PARTS), max_size=1),
    st.lists(st.sampled_from(_DESTINATION_PARTS), max_size=3, unique_by=_element_name),
)
_tree_rule = _node.map(lambda node: _xml(("Rule", [node]) if node[0] != "Rule" else node))


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(
    rules=st.lists(
        st.one_of(_piece_rule, _piece_rule, _piece_rule, _tree_rule), min_size=1, max_size=3
    ),
    role=st.one_of(st.just(ROLE), st.sampled_from(_TEXTS)),
)
def test_any_document_gets_an_aws_answer_never_a_server_error(s3sse, src, dst, rules, role):
    """2.3: whatever the document, S3 answers 200 or an S3 error document with a 4xx status (501
    only for a feature refused by name), and a refused one leaves the stored configuration as is."""
    engine = s3sse.engine
    before = engine.store.bucket("src").replication
    body = "<ReplicationConfiguration>" + _xml(("Role", role)) + "".join(rules)
    body += "</ReplicationConfiguration>"
    response = raw_put(s3sse, body.encode())
    OUTCOMES.append(body_error(response) if response.status != 200 else (200, ""))
    if response.status == 200:
        return
    status, code = body_error(response)
    assert 400 <= status < 500 or (status, code) == (501, "NotImplemented"), response.content()
    assert code, response.content()
    assert engine.store.bucket("src").replication == before


def _document(rule_parts: str, destination: str = "", root: str = ROOT_NAME) -> bytes:
    return (
        f"<{root}><Role>{ROLE}</Role><Rule>{rule_parts}"
        f"<Destination><Bucket>{DST_ARN}</Bucket>{destination}</Destination></Rule></{root}>"
    ).encode()


_V2 = (
    "<Priority>1</Priority><Filter/><Status>Enabled</Status>"
    "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b"not xml", (400, "MalformedXML"), id="not-xml"),
        pytest.param(_document(_V2, root="Replication"), (400, "MalformedXML"), id="wrong-root"),
        pytest.param(
            _document(_V2).replace(f"<Role>{ROLE}</Role>".encode(), b""),
            (400, "MalformedXML"),
            id="no-role",
        ),
        pytest.param(_document(_V2 + "<Bogus/>"), (400, "MalformedXML"), id="unknown-element"),
        pytest.param(
            _document(_V2.replace("<Priority>1", "<Priority>one")),
            (400, "MalformedXML"),
            id="priority-not-a-number",
        ),
        pytest.param(
            _document(_V2.replace("<Status>Enabled</Status>", "<Status>enabled</Status>", 1)),
            (400, "MalformedXML"),
            id="status-case",
        ),
        pytest.param(
            _document(_V2.replace("<Filter/>", "")),
            (400, "MalformedXML"),
            id="neither-filter-nor-prefix",
        ),
        pytest.param(
            _document(_V2.replace("<Filter/>", "<Filter/><Prefix>a</Prefix>")),
            (400, "MalformedXML"),
            id="filter-and-prefix",
        ),
        pytest.param(
            _document(
                _V2,
                "<ReplicationTime><Status>Enabled</Status><Time><Minutes>x</Minutes>"
                "</Time></ReplicationTime>",
            ),
            (400, "MalformedXML"),
            id="minutes-not-a-number",
        ),
        pytest.param(
            _document(_V2.replace("<Filter/>", "<Filter><Not><Prefix>a</Prefix></Not></Filter>")),
            (501, "NotImplemented"),
            id="filter-not",
        ),
        pytest.param(
            _document(
                _V2,
                "<EncryptionConfiguration><UseSourceMultiRegionKey><Status>Enabled"
                "</Status></UseSourceMultiRegionKey></EncryptionConfiguration>",
            ),
            (501, "NotImplemented"),
            id="use-source-multi-region-key",
        ),
    ],
)
def test_a_document_outside_the_schema_is_refused(s3sse, src, dst, body, expected):
    """2.1 (P: BM-S3's shapes): outside the published schema is MalformedXML (A, R3's answer); the
    model's Filter ``Not`` and ``UseSourceMultiRegionKey``, which the engine does not model, are
    S3's 501 NotImplemented naming them rather than a silent acceptance."""
    assert body_error(raw_put(s3sse, body)) == expected

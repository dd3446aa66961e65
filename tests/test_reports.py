"""``s3sse.encryption_report()`` and ``s3sse.kms_cost()`` (issue 14, "Reports").

Sources (shared/reference/audit-behaviour.md): S3 Inventory's EncryptionStatus values and column order
(4.1, 4.2 N1, P); AWS Config's s3-bucket-server-side-encryption-enabled and s3-default-encryption-kms
(5, P descriptions, the proposed readings there); KMS's price, $0.03 per 10,000 symmetric requests and
20,000 free per month (6.1, P).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest


@pytest.fixture
def key(kms):
    return kms.create_key(Description="docs")["KeyMetadata"]


@pytest.fixture
def buckets(s3, key):
    s3.create_bucket(Bucket="plain")
    s3.create_bucket(Bucket="kms")
    s3.put_bucket_encryption(
        Bucket="kms",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["Arn"],
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_object(Bucket="plain", Key="a.txt", Body=b"a")
    s3.put_object(Bucket="kms", Key="b.txt", Body=b"b")


def test_each_object_is_a_row_with_inventorys_encryption_fields(s3sse, buckets, key):
    report = s3sse.encryption_report()
    rows = {(r["Bucket"], r["Key"]): r for r in report.rows}
    assert rows[("plain", "a.txt")]["EncryptionStatus"] == "SSE-S3"
    assert rows[("plain", "a.txt")]["BucketKeyStatus"] == "DISABLED"
    assert rows[("plain", "a.txt")]["KMSKeyArn"] == ""
    assert rows[("kms", "b.txt")]["EncryptionStatus"] == "SSE-KMS"
    assert rows[("kms", "b.txt")]["BucketKeyStatus"] == "ENABLED"
    assert rows[("kms", "b.txt")]["KMSKeyArn"] == key["Arn"]
    assert list(report.rows[0]) == [
        "Bucket", "Key", "VersionId", "IsLatest", "IsDeleteMarker", "Size", "LastModifiedDate", "ETag",
        "IsMultipartUploaded", "ReplicationStatus", "EncryptionStatus", "BucketKeyStatus", "KMSKeyArn",
    ]  # fmt: skip


def test_one_bucket_can_be_reported(s3sse, buckets):
    assert [r["Key"] for r in s3sse.encryption_report("kms").rows] == ["b.txt"]


def test_each_bucket_gets_config_verdicts(s3sse, buckets, key):
    verdicts = {v.bucket: v for v in s3sse.encryption_report().buckets}
    assert verdicts["plain"].server_side_encryption_enabled == "COMPLIANT"
    assert verdicts["plain"].default_encryption_kms == "NON_COMPLIANT"
    assert verdicts["kms"].default_encryption_kms == "COMPLIANT"
    listed = s3sse.encryption_report(kms_key_arns=["arn:aws:kms:us-east-1:123456789012:key/other"])
    assert {v.bucket: v for v in listed.buckets}["kms"].default_encryption_kms == "NON_COMPLIANT"


def test_the_report_renders_as_csv_and_as_a_table(s3sse, buckets):
    report = s3sse.encryption_report()
    parsed = list(csv.DictReader(io.StringIO(report.csv())))
    assert [row["Key"] for row in parsed] == ["b.txt", "a.txt"]
    table = report.table()
    assert table.splitlines()[0].split() == [
        "Bucket", "Key", "EncryptionStatus", "BucketKeyStatus", "KMSKeyArn",
    ]  # fmt: skip
    assert "SSE-S3" in table


def test_kms_cost_counts_every_request_at_the_published_price(s3sse, s3, key):
    s3.create_bucket(Bucket="bkt")
    for i in range(3):
        s3.put_object(
            Bucket="bkt", Key=f"k{i}", Body=b"x", ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key["Arn"],
        )  # fmt: skip
    cost = s3sse.kms_cost()
    assert cost.requests == 4  # CreateKey + 3 GenerateDataKey
    assert cost.by_operation == {"CreateKey": 1, "GenerateDataKey": 3}
    assert cost.by_key == {key["Arn"]: 4}
    assert cost.usd == Decimal("0.000012")
    assert cost.usd_after_free_tier == 0
    assert s3sse.kms_cost(free_tier_used=20_000).usd_after_free_tier == Decimal("0.000012")
    assert "4 KMS requests" in str(cost)

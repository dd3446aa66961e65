"""The event log (examples/event_log), written and read through s3fs, answered by pytest-s3sse.

s3fs runs aiobotocore on an event loop of its own; the ``s3sse`` fixture answers it like boto3.
"""

from __future__ import annotations

from datetime import date

import boto3
import pytest

pytest.importorskip("s3fs", reason="the event log example needs s3fs (pip install s3fs)")

from event_log import Event, EventLog

BUCKET = "acme-events"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
LOGIN = Event("2026-03-02T09:00:00Z", "login", {"user": "ada"})
LOGOUT = Event("2026-03-02T17:30:00Z", "logout", {"user": "ada"})


@pytest.fixture
def log(s3sse):
    """The log of ``acme-events``, under the customer managed key ``alias/event-log``."""
    s3 = boto3.client("s3", region_name="us-east-1")
    kms = boto3.client("kms", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    key = kms.create_key(Description="event log")["KeyMetadata"]
    kms.create_alias(AliasName="alias/event-log", TargetKeyId=key["KeyId"])
    return EventLog(BUCKET, "alias/event-log")


def test_a_day_reads_back_in_order(log):
    log.write_day(MONDAY, [LOGIN, LOGOUT])

    assert list(log.read_day(MONDAY)) == [LOGIN, LOGOUT]


def test_every_day_is_encrypted_under_the_logs_key(log, s3sse):
    log.write_day(MONDAY, [LOGIN])
    log.write_day(TUESDAY, [LOGOUT])

    s3sse.assert_all_objects_encrypted_with("SSE-KMS", "alias/event-log", bucket=BUCKET)
    s3sse.assert_no_plaintext_at_rest(b'"user": "ada"', bucket=BUCKET)


def test_a_large_day_is_a_multipart_upload_and_reads_back(log, s3sse):
    events = [
        Event(f"2026-03-02T00:00:{i % 60:02d}Z", "tick", {"n": i, "pad": "x" * 200})
        for i in range(20_000)
    ]

    path = log.write_day(MONDAY, events)

    stored = s3sse.assert_encrypted(
        BUCKET, path.split("/", 1)[1], mode="SSE-KMS", kms_key="alias/event-log"
    )
    assert "-" in stored.etag  # over the log's 5 MiB block: written in parts
    assert list(log.read_day(MONDAY)) == events


def test_days_are_listed_and_old_ones_forgotten(log):
    for day in (WEDNESDAY, MONDAY, TUESDAY):
        log.write_day(day, [LOGIN])

    assert log.days() == [MONDAY, TUESDAY, WEDNESDAY]
    assert log.forget_before(WEDNESDAY) == [MONDAY, TUESDAY]
    assert log.days() == [WEDNESDAY]


def test_a_missing_day_is_file_not_found(log):
    with pytest.raises(FileNotFoundError):
        list(log.read_day(MONDAY))


def test_without_kms_rights_a_day_cannot_be_read(log, s3sse):
    """The key's policy allows only the account root; a reader whose identity policy allows S3 but
    not kms:Decrypt gets S3's AccessDenied (docs/policies.md), which s3fs raises as PermissionError."""
    log.write_day(MONDAY, [LOGIN])
    reader = s3sse.principal(
        "arn:aws:iam::123456789012:user/reader",
        policy={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        },
    )
    import s3fs  # noqa: PLC0415

    fs = s3fs.S3FileSystem(
        key=reader["aws_access_key_id"],
        secret=reader["aws_secret_access_key"],
        skip_instance_cache=True,
    )
    with pytest.raises(PermissionError):
        list(EventLog(BUCKET, "alias/event-log", fs=fs).read_day(MONDAY))

"""Storing and reading single reports."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from report_archive import ReportArchive, ReportNotFound

MARCH = datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc)
QUARTERLY = b"Q1 revenue: 1,234,567 EUR. Do not forward."


def test_a_report_is_filed_under_its_year_and_month(reports):
    key = reports.upload("q1.txt", QUARTERLY, author="ada", when=MARCH)

    assert key == "reports/2025/03/q1.txt"


def test_an_uploaded_report_reads_back_unchanged(reports):
    key = reports.upload("q1.txt", QUARTERLY, author="ada", when=MARCH)

    assert reports.read(key) == QUARTERLY


def test_content_type_and_author_are_kept_with_the_report(reports):
    key = reports.upload(
        "q1.csv", b"quarter,revenue\nQ1,1234567\n", author="ada", content_type="text/csv"
    )

    info = reports.info(key)

    assert (info.content_type, info.author, info.size) == ("text/csv", "ada", 27)


def test_a_file_report_gets_its_content_type_from_its_name(reports, tmp_path):
    path = tmp_path / "summary.json"
    path.write_bytes(b'{"revenue": 1234567}')

    key = reports.upload_file(path, author="grace", when=MARCH)

    assert key == "reports/2025/03/summary.json"
    assert reports.info(key).content_type == "application/json"
    assert reports.read(key) == b'{"revenue": 1234567}'


def test_reports_are_stored_encrypted_with_sse_s3(reports, s3sse):
    key = reports.upload("q1.txt", QUARTERLY, author="ada")

    s3sse.assert_encrypted(reports.bucket, key, mode="SSE-S3")


def test_the_bytes_at_rest_do_not_contain_the_report(reports, s3sse):
    key = reports.upload("q1.txt", QUARTERLY, author="ada")

    at_rest = s3sse.stored(reports.bucket, key)

    assert at_rest.size == len(QUARTERLY)
    assert b"revenue" not in at_rest.ciphertext


def test_reading_a_missing_report_raises_report_not_found(reports):
    with pytest.raises(ReportNotFound) as caught:
        reports.read("reports/2025/03/nothing.txt")

    assert caught.value.key == "reports/2025/03/nothing.txt"
    assert caught.value.__cause__.response["Error"]["Code"] == "NoSuchKey"


def test_the_info_of_a_missing_report_raises_report_not_found(reports):
    with pytest.raises(ReportNotFound):
        reports.info("reports/2025/03/nothing.txt")


def test_an_injected_client_is_answered_too(bucket, region):
    client = boto3.client("s3", region_name=region)
    reports = ReportArchive(bucket, client=client)

    key = reports.upload("q1.txt", QUARTERLY, author="ada", when=MARCH)

    assert reports.read(key) == QUARTERLY

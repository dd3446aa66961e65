"""Large reports go through s3transfer: a multipart upload and ranged, parallel downloads."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from report_archive import ReportNotFound

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def big_report():
    """20 MiB: three 8 MiB parts with the archive's transfer settings."""
    return os.urandom(20 * MiB)


def test_a_20_mib_report_round_trips_through_upload_and_download(reports, big_report):
    key = reports.upload_stream(io.BytesIO(big_report), "archive.bin", author="ops")

    out = io.BytesIO()
    reports.download(key, out)

    assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(big_report).digest()


def test_a_large_report_is_stored_as_a_multipart_object(reports, big_report):
    key = reports.upload_stream(io.BytesIO(big_report), "archive.bin", author="ops")

    etag = reports.s3.head_object(Bucket=reports.bucket, Key=key)["ETag"]

    assert etag.endswith('-3"')  # a multipart ETag names its part count


def test_a_large_report_keeps_its_metadata(reports, big_report):
    key = reports.upload_stream(
        io.BytesIO(big_report), "archive.bin", author="ops", content_type="application/zip"
    )

    info = reports.info(key)

    assert (info.size, info.content_type, info.author) == (20 * MiB, "application/zip", "ops")


def test_a_large_report_is_encrypted_at_rest(reports, s3sse, big_report):
    key = reports.upload_stream(io.BytesIO(big_report), "archive.bin", author="ops")

    at_rest = s3sse.assert_encrypted(reports.bucket, key, mode="SSE-S3")

    assert at_rest.size == 20 * MiB
    assert big_report[:4096] not in at_rest.ciphertext


def test_downloading_a_missing_report_raises_report_not_found(reports):
    with pytest.raises(ReportNotFound):
        reports.download("reports/2025/01/missing.bin", io.BytesIO())

"""Expiring old reports, with S3's clock moved forward instead of waiting."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from report_archive import ReportNotFound

MAY = datetime(2025, 5, 2, tzinfo=timezone.utc)


def test_reports_older_than_the_limit_are_deleted(reports, s3sse):
    old = reports.upload("old.txt", b"old", author="ada")
    s3sse.clock.advance(days=31)
    new = reports.upload("new.txt", b"new", author="ada")

    deleted = reports.delete_older_than(days=30)

    assert deleted == [old]
    with pytest.raises(ReportNotFound):
        reports.read(old)
    assert reports.read(new) == b"new"


def test_reports_younger_than_the_limit_are_kept(reports, s3sse):
    key = reports.upload("recent.txt", b"recent", author="ada")
    s3sse.clock.advance(days=29)

    assert reports.delete_older_than(days=30) == []
    assert reports.read(key) == b"recent"


def test_more_than_one_batch_of_old_reports_is_deleted(reports, s3sse):
    for n in range(1100):
        reports.upload(f"log-{n:04d}.txt", b"log", author="cron", when=MAY)
    s3sse.clock.advance(days=90)

    deleted = reports.delete_older_than(days=30)

    assert len(deleted) == 1100
    assert list(reports.list_month(2025, 5)) == []

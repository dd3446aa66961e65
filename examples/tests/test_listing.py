"""Listing a month's reports (S3 pages list results by 1,000 keys)."""

from __future__ import annotations

from datetime import datetime, timezone

MAY = datetime(2025, 5, 2, tzinfo=timezone.utc)
JUNE = datetime(2025, 6, 30, tzinfo=timezone.utc)


def test_a_month_lists_only_its_own_reports(reports):
    reports.upload("may.txt", b"may", author="ada", when=MAY)
    reports.upload("june.txt", b"june", author="ada", when=JUNE)

    listed = [r.name for r in reports.list_month(2025, 5)]

    assert listed == ["may.txt"]


def test_a_month_with_more_than_one_page_of_reports_lists_them_all(reports):
    names = [f"daily-{n:04d}.txt" for n in range(1234)]
    for name in names:
        reports.upload(name, b"x", author="cron", when=MAY)
    reports.upload("june.txt", b"june", author="ada", when=JUNE)

    listed = [r.name for r in reports.list_month(2025, 5)]

    assert listed == names


def test_a_month_without_reports_lists_nothing(reports):
    assert list(reports.list_month(2024, 2)) == []


def test_a_listing_gives_sizes_and_keys(reports):
    key = reports.upload("may.txt", b"12345", author="ada", when=MAY)

    [summary] = reports.list_month(2025, 5)

    assert (summary.key, summary.size) == (key, 5)

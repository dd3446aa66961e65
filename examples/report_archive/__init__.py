"""A small report archive on S3: the application that ``examples/tests`` tests with pytest-s3sse."""

from __future__ import annotations

from report_archive.archive import (
    ReportArchive,
    ReportArchiveError,
    ReportInfo,
    ReportNotFound,
    ReportSummary,
    report_key,
)

__all__ = [
    "ReportArchive",
    "ReportArchiveError",
    "ReportInfo",
    "ReportNotFound",
    "ReportSummary",
    "report_key",
]

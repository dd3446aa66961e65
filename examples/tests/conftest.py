"""Fixtures for the report archive's tests.

``s3sse`` (from pytest-s3sse) answers every S3 call of the test in-process, including the calls of
the client that ``report_archive.archive`` built at import time, before the fixture started.
"""

from __future__ import annotations

import pytest
from report_archive import ReportArchive, archive


@pytest.fixture
def region():
    """The region of the application's client (us-east-1 unless AWS configuration says otherwise)."""
    return archive.s3.meta.region_name


@pytest.fixture
def bucket(s3sse, region):
    """The archive's bucket, created in the application's region."""
    if region == "us-east-1":  # S3 refuses a LocationConstraint naming us-east-1
        archive.s3.create_bucket(Bucket=archive.BUCKET)
    else:
        archive.s3.create_bucket(
            Bucket=archive.BUCKET, CreateBucketConfiguration={"LocationConstraint": region}
        )
    return archive.BUCKET


@pytest.fixture
def reports(bucket, s3sse):
    """The archive, on the module-level client, with S3's clock (so tests can move time)."""
    return ReportArchive(bucket, clock=s3sse.clock.now)

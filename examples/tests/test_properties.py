"""A property test: any report content and name round-trips.

Hypothesis runs the test body many times per test, while a function-scoped fixture is set up once
for all of them (its health check refuses that). So each example starts its own engine with
``mock_s3sse()``, the context-manager form of the ``s3sse`` fixture.
"""

from __future__ import annotations

import boto3
from hypothesis import given, settings
from hypothesis import strategies as st
from report_archive import ReportArchive

from pytest_s3sse import mock_s3sse

# Built once, outside any engine: every engine started later answers it.
client = boto3.client("s3", region_name="us-east-1")

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=100,
)


@settings(max_examples=25, deadline=None)
@given(name=names, content=st.binary(max_size=200_000))
def test_any_report_reads_back_as_it_was_written(name, content):
    with mock_s3sse():
        client.create_bucket(Bucket="property-reports")
        reports = ReportArchive("property-reports", client=client)

        key = reports.upload(name, content, author="hypothesis")

        assert reports.read(key) == content

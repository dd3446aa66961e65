"""The foundation's happy path through boto3."""

from __future__ import annotations


def test_put_then_get_round_trips_and_reports_sse_s3(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"hello"
    assert put["ServerSideEncryption"] == got["ServerSideEncryption"] == "AES256"

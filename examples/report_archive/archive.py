"""Store, find and expire reports in an S3 bucket.

Reports live under ``reports/<yyyy>/<mm>/<name>``, carry their content type and author, and are
encrypted at rest by S3 (SSE-S3, the default of every bucket). Nothing here knows about tests: the
client is built at import time, as many applications do, and can be replaced by passing ``client=``.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX = "reports/"
MiB = 1024 * 1024
DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys per request

BUCKET = os.environ.get("REPORT_ARCHIVE_BUCKET", "acme-reports")

# Built once, when the module is imported (before any test fixture runs). The region comes from the
# usual AWS configuration; with none at all, botocore's S3 client defaults to us-east-1.
s3: S3Client = boto3.client("s3")

# Files above 8 MiB go up in 8 MiB parts (a multipart upload), four parts at a time.
TRANSFER = TransferConfig(
    multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4
)


class ReportArchiveError(Exception):
    """Something went wrong in the report archive."""


class ReportNotFound(ReportArchiveError, LookupError):
    """There is no report under that key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no report at {key}")
        self.key = key


@dataclass(frozen=True)
class ReportSummary:
    """A report as a listing shows it."""

    key: str
    name: str
    size: int
    last_modified: datetime


@dataclass(frozen=True)
class ReportInfo:
    """A report's metadata, without its content."""

    key: str
    size: int
    content_type: str
    author: str
    last_modified: datetime


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def report_key(name: str, when: datetime) -> str:
    """The key of report ``name`` filed in ``when``'s month."""
    if not name or "/" in name:
        msg = f"a report name is a non-empty file name without '/', got {name!r}"
        raise ValueError(msg)
    return f"{PREFIX}{when:%Y}/{when:%m}/{name}"


def _is_missing(err: ClientError) -> bool:
    # GetObject answers the code NoSuchKey; HEAD responses have no body, so botocore reports "404".
    return err.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}


class ReportArchive:
    """The reports of one bucket."""

    def __init__(
        self,
        bucket: str = BUCKET,
        *,
        client: S3Client | None = None,
        clock: Callable[[], datetime] = _utcnow,
        transfer: TransferConfig = TRANSFER,
    ) -> None:
        self.bucket = bucket
        self.s3 = client if client is not None else s3
        self.clock = clock
        self.transfer = transfer

    # -- writing ------------------------------------------------------------------------------
    def upload(
        self,
        name: str,
        content: bytes,
        *,
        author: str,
        content_type: str = "application/octet-stream",
        when: datetime | None = None,
    ) -> str:
        """Store a report held in memory; returns its key."""
        key = report_key(name, when or self.clock())
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
            Metadata={"author": author},
        )
        return key

    def upload_stream(
        self,
        stream: IO[bytes],
        name: str,
        *,
        author: str,
        content_type: str = "application/octet-stream",
        when: datetime | None = None,
    ) -> str:
        """Store a report read from a binary stream (multipart above 8 MiB); returns its key."""
        key = report_key(name, when or self.clock())
        self.s3.upload_fileobj(
            stream,
            self.bucket,
            key,
            ExtraArgs={"ContentType": content_type, "Metadata": {"author": author}},
            Config=self.transfer,
        )
        return key

    def upload_file(self, path: str | Path, *, author: str, when: datetime | None = None) -> str:
        """Store a report file under its own name; the content type is guessed from the name."""
        path = Path(path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        with path.open("rb") as stream:
            return self.upload_stream(
                stream, path.name, author=author, content_type=content_type, when=when
            )

    # -- reading ------------------------------------------------------------------------------
    def read(self, key: str) -> bytes:
        """The content of a report."""
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as err:
            if _is_missing(err):
                raise ReportNotFound(key) from err
            raise
        return response["Body"].read()

    def download(self, key: str, stream: IO[bytes]) -> None:
        """Write a report into a binary stream (ranged, parallel GETs for large reports)."""
        try:
            self.s3.download_fileobj(self.bucket, key, stream, Config=self.transfer)
        except ClientError as err:
            if _is_missing(err):
                raise ReportNotFound(key) from err
            raise

    def info(self, key: str) -> ReportInfo:
        """A report's size, content type, author and upload time."""
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as err:
            if _is_missing(err):
                raise ReportNotFound(key) from err
            raise
        return ReportInfo(
            key=key,
            size=head["ContentLength"],
            content_type=head["ContentType"],
            author=head["Metadata"].get("author", ""),
            last_modified=head["LastModified"],
        )

    # -- listing ------------------------------------------------------------------------------
    def _summaries(self, prefix: str) -> Iterator[ReportSummary]:
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                yield ReportSummary(
                    key=key,
                    name=key.rsplit("/", 1)[-1],
                    size=item["Size"],
                    last_modified=item["LastModified"],
                )

    def list_month(self, year: int, month: int) -> Iterator[ReportSummary]:
        """Every report filed in one month, in key order (S3 returns 1,000 per page)."""
        return self._summaries(f"{PREFIX}{year:04d}/{month:02d}/")

    # -- expiring -----------------------------------------------------------------------------
    def delete_older_than(self, days: int) -> list[str]:
        """Delete the reports last modified more than ``days`` days ago; returns their keys."""
        cutoff = self.clock() - timedelta(days=days)
        expired = [r.key for r in self._summaries(PREFIX) if r.last_modified < cutoff]
        for start in range(0, len(expired), DELETE_BATCH):
            batch = expired[start : start + DELETE_BATCH]
            response = self.s3.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
            if response.get("Errors"):
                failed = ", ".join(f"{e['Key']} ({e['Code']})" for e in response["Errors"])
                msg = f"could not delete: {failed}"
                raise ReportArchiveError(msg)
        return expired

"""Keep a day's events as JSON lines on S3, written and read through s3fs.

Each day is one object, ``<bucket>/events/<yyyy-mm-dd>.jsonl``, encrypted with SSE-KMS under the
log's key: the SSE arguments are s3fs' ``s3_additional_kwargs``, so every PutObject, multipart part
and GetObject carries them. A day larger than the log's block size (5 MiB; s3fs' default is 50 MiB)
is written as a multipart upload of parts that size. Nothing here knows about tests; the filesystem is built when the log is, and can be passed in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import s3fs

PREFIX = "events/"
BLOCK_SIZE = 5 * 1024 * 1024  # S3's smallest part


@dataclass(frozen=True)
class Event:
    """Something that happened: when (ISO 8601 text), what kind, and its details."""

    at: str
    kind: str
    details: dict[str, Any]

    def to_line(self) -> bytes:
        doc = {"at": self.at, "kind": self.kind, "details": self.details}
        return json.dumps(doc, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> Event:
        doc = json.loads(line)
        return cls(doc["at"], doc["kind"], doc["details"])


def day_path(bucket: str, day: date) -> str:
    """The s3fs path of ``day``'s log."""
    return f"{bucket}/{PREFIX}{day.isoformat()}.jsonl"


class EventLog:
    """The log of one bucket, encrypted under ``kms_key`` (a key id, ARN or alias)."""

    def __init__(self, bucket: str, kms_key: str, *, fs: s3fs.S3FileSystem | None = None) -> None:
        self.bucket = bucket
        self.kms_key = kms_key
        self.fs = fs or s3fs.S3FileSystem(
            s3_additional_kwargs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key},
            skip_instance_cache=True,  # a log of its own: never another's listing cache
        )

    def write_day(self, day: date, events: Iterable[Event]) -> str:
        """Write ``day``'s events (replacing what was there); returns the object's path."""
        path = day_path(self.bucket, day)
        with self.fs.open(path, "wb", block_size=BLOCK_SIZE) as handle:
            for event in events:
                handle.write(event.to_line())
        return path

    def read_day(self, day: date) -> Iterator[Event]:
        """``day``'s events, in order, read line by line (FileNotFoundError: no such day)."""
        with self.fs.open(day_path(self.bucket, day), "rb") as handle:
            for line in handle:
                if line.strip():
                    yield Event.from_line(line)

    def days(self) -> list[date]:
        """The days that have a log, oldest first."""
        names = self.fs.ls(f"{self.bucket}/{PREFIX}", detail=False, refresh=True)
        return sorted(
            date.fromisoformat(name.rsplit("/", 1)[-1][: -len(".jsonl")]) for name in names
        )

    def forget_before(self, day: date) -> list[date]:
        """Delete the logs of every day before ``day``; returns the days deleted."""
        gone = [old for old in self.days() if old < day]
        if gone:
            self.fs.rm([day_path(self.bucket, old) for old in gone])
        return gone

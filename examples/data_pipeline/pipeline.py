"""Ingest CSV drops, total them, keep the originals: a pipeline whose every object is encrypted as
configured.

Drops arrive under ``incoming/<name>`` (lines of ``item,quantity``). :meth:`Pipeline.process` reads
one, writes its totals to ``curated/<name>.json`` (a multipart upload when large) and moves the drop
to ``archive/<name>`` (CopyObject, then DeleteObject). Every write carries the pipeline's
:class:`Encryption`, and every read the arguments that encryption needs (SSE-C: the key, on GET,
on each part and as the copy source). Forgetting one of them is the classic bug: a copy without the
SSE arguments is stored under the bucket default, not the configured encryption; an SSE-C read
without the key is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

INCOMING, CURATED, ARCHIVE = "incoming/", "curated/", "archive/"
MiB = 1024 * 1024


@dataclass(frozen=True)
class Encryption:
    """How the pipeline's objects are encrypted: boto3's arguments for writes (PutObject,
    CreateMultipartUpload, CopyObject's target) and for reads (GetObject, UploadPart; SSE-C only)."""

    write: Mapping[str, Any] = field(default_factory=dict)
    read: Mapping[str, Any] = field(default_factory=dict)

    def copy_source(self) -> dict[str, Any]:
        """The read arguments as CopyObject wants them for its source (``CopySourceSSECustomer*``)."""
        return {f"CopySource{name}": value for name, value in self.read.items()}


@dataclass(frozen=True)
class Totals:
    """One drop, totalled: quantity per item, and how many lines were not ``item,quantity``."""

    totals: dict[str, int]
    rejected: int

    def to_json(self) -> bytes:
        return json.dumps(
            {"totals": self.totals, "rejected": self.rejected}, sort_keys=True
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Totals:
        doc = json.loads(data)
        return cls(doc["totals"], doc["rejected"])


def totals_of(data: bytes) -> Totals:
    """Total a drop: each ``item,quantity`` line adds to its item; other non-empty lines are rejected."""
    totals: dict[str, int] = {}
    rejected = 0
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        item, sep, quantity = line.rpartition(",")
        if not sep or not item or not quantity.strip().isascii() or not quantity.strip().isdigit():
            rejected += 1
            continue
        totals[item] = totals.get(item, 0) + int(quantity)
    return Totals(dict(sorted(totals.items())), rejected)


class Pipeline:
    """The pipeline over one bucket."""

    def __init__(
        self,
        bucket: str,
        *,
        encryption: Encryption | None = None,
        client: S3Client | None = None,
        multipart_threshold: int = 8 * MiB,
        part_size: int = 8 * MiB,
    ) -> None:
        self.bucket = bucket
        self.encryption = encryption or Encryption()
        self.s3: S3Client = client or boto3.client("s3")
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size

    def ingest(self, name: str, data: bytes) -> str:
        """Drop ``data`` as ``incoming/<name>``; returns its key."""
        key = INCOMING + name
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, **self.encryption.write)
        return key

    def pending(self) -> list[str]:
        """The names of the drops not processed yet."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=INCOMING
        )
        return [obj["Key"][len(INCOMING) :] for page in pages for obj in page.get("Contents", [])]

    def process(self, name: str) -> Totals:
        """Total the drop ``name``, store the totals, archive the drop."""
        source = INCOMING + name
        got = self.s3.get_object(Bucket=self.bucket, Key=source, **self.encryption.read)
        totals = totals_of(got["Body"].read())
        self._write(CURATED + name + ".json", totals.to_json())
        self.s3.copy_object(
            Bucket=self.bucket,
            Key=ARCHIVE + name,
            CopySource={"Bucket": self.bucket, "Key": source},
            **self.encryption.copy_source(),
            **self.encryption.write,
        )
        self.s3.delete_object(Bucket=self.bucket, Key=source)
        return totals

    def run(self) -> list[str]:
        """Process every pending drop; returns their names."""
        names = self.pending()
        for name in names:
            self.process(name)
        return names

    def totals(self, name: str) -> Totals:
        """The stored totals of the processed drop ``name``."""
        key = CURATED + name + ".json"
        got = self.s3.get_object(Bucket=self.bucket, Key=key, **self.encryption.read)
        return Totals.from_json(got["Body"].read())

    def archived(self, name: str) -> bytes:
        """The original bytes of the processed drop ``name``."""
        got = self.s3.get_object(Bucket=self.bucket, Key=ARCHIVE + name, **self.encryption.read)
        return got["Body"].read()

    def _write(self, key: str, data: bytes) -> None:
        if len(data) < self.multipart_threshold:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=data, **self.encryption.write)
            return
        upload = self.s3.create_multipart_upload(
            Bucket=self.bucket, Key=key, **self.encryption.write
        )
        parts = []
        try:
            for number, start in enumerate(range(0, max(len(data), 1), self.part_size), start=1):
                chunk = data[start : start + self.part_size]
                answer = self.s3.upload_part(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload["UploadId"],
                    PartNumber=number,
                    Body=chunk,
                    **self.encryption.read,
                )
                parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            self.s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=upload["UploadId"],
                MultipartUpload={"Parts": parts},
                **self.encryption.read,
            )
        except BaseException:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload["UploadId"])
            raise

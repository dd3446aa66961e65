"""Threads sharing one engine (issue 11, "Done when"): mixed operations in every SSE mode at once, and
afterwards every byte read back, every listing and every KMS call is exactly what the operations imply.

Each thread works under its own prefix in one bucket per mode, so what it lists is exactly what it
wrote and did not delete, even while the others write. The KMS arithmetic is S3's (P, reference
section 3 and docs/sse-kms.md): a write without a Bucket Key is one GenerateDataKey, a read one
Decrypt, HEAD none, a copy one of each, a multipart upload of one part 1 + 1 + 1; DSSE-KMS twice that
(one call per layer); with a Bucket Key, one GenerateDataKey for the bucket key, held for every write
and read of the same requester (no Decrypt). Bounded: a few hundred requests, a couple of seconds.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sse_c_support import copy_source_sse_c, sse_c, unblock_sse_c

THREADS = 6
ROUNDS = 3  # per thread and mode
MODES = ("sse-s3", "sse-kms", "sse-kms-bucket-key", "dsse-kms", "sse-c")
FACTOR = {"sse-kms": 1, "dsse-kms": 2}  # KMS calls per data key: one per layer


@pytest.fixture
def world(s3, kms):
    """One bucket per mode, one KMS key per KMS mode, and the write arguments of each mode."""
    keys = {m: kms.create_key()["KeyMetadata"]["Arn"] for m in MODES if "kms" in m}
    args = {
        "sse-s3": {"ServerSideEncryption": "AES256"},
        "sse-kms": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": keys["sse-kms"]},
        "sse-kms-bucket-key": {
            "ServerSideEncryption": "aws:kms",
            "SSEKMSKeyId": keys["sse-kms-bucket-key"],
            "BucketKeyEnabled": True,
        },
        "dsse-kms": {"ServerSideEncryption": "aws:kms:dsse", "SSEKMSKeyId": keys["dsse-kms"]},
    }
    buckets = {}
    for mode in MODES:
        name = f"conc-{mode}"
        s3.create_bucket(Bucket=name)
        buckets[mode] = name
    unblock_sse_c(s3, buckets["sse-c"])
    return buckets, keys, args


class Worker:
    """One thread's operations, and what they imply: live keys and KMS-relevant counts per mode."""

    def __init__(self, s3: Any, number: int, buckets: dict[str, str], args: dict[str, Any]) -> None:
        self.s3 = s3
        self.prefix = f"t{number}/"
        self.buckets = buckets
        self.args = args
        self.customer_key = random.Random(number).randbytes(32)
        self.random = random.Random(1000 + number)
        self.live: dict[str, dict[str, bytes]] = {m: {} for m in MODES}
        self.counts: dict[str, Counter[str]] = {m: Counter() for m in MODES}

    def _write_args(self, mode: str) -> dict[str, Any]:
        return sse_c(self.customer_key) if mode == "sse-c" else dict(self.args[mode])

    def _read_args(self, mode: str) -> dict[str, Any]:
        return sse_c(self.customer_key) if mode == "sse-c" else {}

    def _get(self, mode: str, key: str, **extra: Any) -> bytes:
        self.counts[mode]["reads"] += 1
        got = self.s3.get_object(
            Bucket=self.buckets[mode], Key=key, **self._read_args(mode), **extra
        )
        return got["Body"].read()

    def run(self, barrier: threading.Barrier) -> None:
        barrier.wait()
        for index in range(ROUNDS):
            for mode in MODES:
                self.round(mode, index)

    def round(self, mode: str, index: int) -> None:
        s3, bucket, key = self.s3, self.buckets[mode], f"{self.prefix}{index:02d}"
        body = self.random.randbytes(self.random.choice([0, 1, 1000, 70_000, 200_000]))
        s3.put_object(Bucket=bucket, Key=key, Body=body, **self._write_args(mode))
        self.counts[mode]["writes"] += 1
        self.live[mode][key] = body
        assert self._get(mode, key) == body
        if body:
            start = self.random.randrange(len(body))
            piece = self._get(mode, key, Range=f"bytes={start}-{start + 99}")
            assert piece == body[start : start + 100]
        head = s3.head_object(Bucket=bucket, Key=key, **self._read_args(mode))
        assert head["ContentLength"] == len(body)
        if index % 2 == 0:
            self.copy(mode, key)
        if index == 1:
            self.multipart(mode, f"{key}.mp")
        if index == 2:
            s3.delete_object(Bucket=bucket, Key=key)
            del self.live[mode][key]
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=self.prefix).get("Contents", [])
        assert {o["Key"]: o["Size"] for o in listed} == {
            k: len(v) for k, v in self.live[mode].items()
        }

    def copy(self, mode: str, key: str) -> None:
        extra = copy_source_sse_c(self.customer_key) if mode == "sse-c" else {}
        target = f"{key}.copy"
        self.s3.copy_object(
            Bucket=self.buckets[mode],
            Key=target,
            CopySource={"Bucket": self.buckets[mode], "Key": key},
            **self._write_args(mode),
            **extra,
        )
        self.counts[mode]["copies"] += 1
        self.live[mode][target] = self.live[mode][key]
        assert self._get(mode, target) == self.live[mode][key]

    def multipart(self, mode: str, key: str) -> None:
        s3, bucket = self.s3, self.buckets[mode]
        body = self.random.randbytes(3000)
        upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **self._write_args(mode))
        etag = s3.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload["UploadId"],
            PartNumber=1,
            Body=body,
            **self._read_args(mode),
        )["ETag"]
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key=key,
            UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )
        self.counts[mode]["uploads"] += 1
        self.live[mode][key] = body
        assert self._get(mode, key) == body


def test_threads_sharing_one_engine_read_list_and_bill_exactly(make_client, s3, s3sse, world):
    buckets, keys, args = world
    before = {mode: Counter() for mode in keys}
    for mode, key in keys.items():
        for operation in ("GenerateDataKey", "Decrypt"):
            before[mode][operation] = s3sse.kms_call_count(operation, key=key)
    workers = [Worker(make_client(), n, buckets, args) for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(w.run, barrier) for w in workers]:
            future.result()  # re-raises a worker's failure here

    # Every listing is exact: the union of what each thread left, byte sizes included.
    for mode, bucket in buckets.items():
        expected = {k: len(v) for w in workers for k, v in w.live[mode].items()}
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        listed = {o["Key"]: o["Size"] for page in pages for o in page.get("Contents", [])}
        assert listed == expected, mode

    # Every byte reads back after the storm, from a fresh client.
    for worker in workers:
        for mode, objects in worker.live.items():
            for key, body in objects.items():
                extra = sse_c(worker.customer_key) if mode == "sse-c" else {}
                got = s3.get_object(Bucket=buckets[mode], Key=key, **extra)["Body"].read()
                assert got == body, (mode, key)

    # KMS arithmetic, per key (only during the storm: the final read-back is not counted).
    for mode, key in keys.items():
        total = sum((w.counts[mode] for w in workers), Counter())
        generate = (
            s3sse.kms_call_count("GenerateDataKey", key=key) - before[mode]["GenerateDataKey"]
        )
        decrypt = s3sse.kms_call_count("Decrypt", key=key) - before[mode]["Decrypt"]
        # Read-back above: one Decrypt per object read (per layer), none with a held bucket key.
        read_back = sum(len(w.live[mode]) for w in workers)
        if mode == "sse-kms-bucket-key":
            assert (generate, decrypt) == (1, 0), mode
            continue
        factor = FACTOR[mode]
        writes = total["writes"] + total["copies"] + total["uploads"]
        # reads + copy sources + per upload: its one part and its Complete
        reads = total["reads"] + total["copies"] + 2 * total["uploads"] + read_back
        assert (generate, decrypt) == (factor * writes, factor * reads), mode
    assert s3sse.kms_call_count() == sum(
        s3sse.kms_call_count(op, key=key)
        for key in keys.values()
        for op in ("GenerateDataKey", "Decrypt")
    ) + len(keys)  # and the CreateKey of each key

"""What keeping an engine in a state directory costs (issue 16, "State beyond one process").

    python -m benchmarks.state_dir [--objects N ...]

For each size: an engine holding N objects of 1 KiB (SSE-S3, written through boto3 in-process), then
the first save (every ciphertext blob written), a save after one more object (only that blob is
written: the engine file is rewritten whole), and a load. The engine file grows with the engine's
history too (its event stream and trail), which this also reports.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import boto3

from pytest_s3sse import S3SSE
from pytest_s3sse._internal.persistence import StateDirectory

BODY = b"x" * 1024


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def measure(objects: int) -> None:
    with S3SSE() as s3sse, tempfile.TemporaryDirectory() as tmp:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bench")
        for n in range(objects):
            s3.put_object(Bucket="bench", Key=f"k{n}", Body=BODY)
        directory = StateDirectory(Path(tmp) / "state")
        began = time.perf_counter()
        first = directory.save(s3sse.engine)
        first_s = time.perf_counter() - began
        s3.put_object(Bucket="bench", Key="one-more", Body=BODY)
        began = time.perf_counter()
        again = directory.save(s3sse.engine)
        again_s = time.perf_counter() - began
        began = time.perf_counter()
        directory.load()
        load_s = time.perf_counter() - began
        print(
            f"{objects:7d} objects: first save {first_s * 1000:8.1f} ms ({first.blobs_written} blobs), "
            f"next save {again_s * 1000:7.1f} ms ({again.blobs_written} blob, engine file "
            f"{again.engine_bytes / 1024:,.0f} KiB), load {load_s * 1000:7.1f} ms, "
            f"directory {_size(directory.path) / 1024 / 1024:,.1f} MiB"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args(argv)
    for objects in args.objects:
        measure(objects)


if __name__ == "__main__":
    main()

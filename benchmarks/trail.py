"""What the CloudTrail-shaped trail costs (issue 14 "Speed and memory": at most 5% of a small put+get).

    python -m benchmarks.trail [--rounds N]

Two engines run the same 1 KiB SSE-S3 put+get through boto3, one with the trail on (the default
``trail_limit``) and one with it off (``trail_limit=0``: no per-request copy, the work of the code
before the trail), interleaved round by round in rotating order, as ``benchmarks/run.py`` does; the
result is the median of the per-round ratios. It also times the same exchange at the engine level
(``Engine.dispatch``, no botocore), where the trail's share is largest, the per-request memory of the
trail's details (tracemalloc), and building the records of 1,000 requests when a test reads them.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import tracemalloc
from collections.abc import Callable

import boto3
from botocore.config import Config

from pytest_s3sse import S3SSE
from pytest_s3sse._internal.http import HttpRequest

BODY = b"x" * 1024
OPS = 20


def _boto3_case(engine: S3SSE) -> Callable[[], None]:
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="AKIDBENCH",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}),
    )
    client.create_bucket(Bucket="bench")

    def run() -> None:
        client.put_object(Bucket="bench", Key="k", Body=BODY)
        client.get_object(Bucket="bench", Key="k")["Body"].read()

    return run


def _engine_case(engine: S3SSE) -> Callable[[], None]:
    core = engine.engine
    core.dispatch(HttpRequest("PUT", "https", "raw.s3.amazonaws.com", "/"))
    headers = {"content-length": "1024", "user-agent": "bench"}

    def run() -> None:
        body = io.BytesIO(BODY)
        core.dispatch(
            HttpRequest("PUT", "https", "raw.s3.amazonaws.com", "/k", "", dict(headers), body)
        )
        response = core.dispatch(HttpRequest("GET", "https", "raw.s3.amazonaws.com", "/k"))
        assert response is not None
        answer = response.body
        if not isinstance(answer, bytes):
            b"".join(answer)

    return run


def _ratio(
    case: Callable[[S3SSE], Callable[[], None]], rounds: int, ops: int, *, activate: bool
) -> tuple[float, float, float]:
    """(median seconds per op with the trail on, off, median per-round on/off ratio). ``activate``:
    the case goes through botocore, so the engine it runs against must be the active one."""
    engines = {"on": S3SSE(seed=1), "off": S3SSE(seed=1, trail_limit=0)}
    runs = {}
    for name, engine in engines.items():
        with engine:
            runs[name] = case(engine)
            for _ in range(2):
                runs[name]()
    times: dict[str, list[float]] = {"on": [], "off": []}
    ratios = []
    order = ["on", "off"]
    for index in range(rounds):
        this_round = {}
        for name in order if index % 2 else order[::-1]:
            if activate:
                engines[name].start()
            started = time.perf_counter()
            for _ in range(ops):
                runs[name]()
            this_round[name] = (time.perf_counter() - started) / ops
            if activate:
                engines[name].stop()
            times[name].append(this_round[name])
        ratios.append(this_round["on"] / this_round["off"])
    return (
        statistics.median(times["on"]),
        statistics.median(times["off"]),
        statistics.median(ratios),
    )


def _memory_per_request(requests: int = 2000) -> float:
    """Bytes the trail's details add per request (trail on minus trail off, tracemalloc)."""
    used = {}
    for limit in (10_000, 0):
        with S3SSE(seed=1, trail_limit=limit) as engine:
            core = engine.engine
            core.dispatch(HttpRequest("PUT", "https", "mem.s3.amazonaws.com", "/"))
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            for n in range(requests):
                core.dispatch(HttpRequest("HEAD", "https", "mem.s3.amazonaws.com", f"/k{n}"))
            used[limit] = tracemalloc.get_traced_memory()[0] - before
            tracemalloc.stop()
    return (used[10_000] - used[0]) / requests


def _build_time(requests: int = 1000) -> float:
    with S3SSE(seed=1) as engine:
        run = _boto3_case(engine)
        for _ in range(requests // 2):
            run()
        started = time.perf_counter()
        records = engine.trail.records
        assert len(records) >= requests
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    cases = (
        ("boto3 1 KiB put+get", _boto3_case, OPS, True),
        ("engine 1 KiB put+get", _engine_case, 10 * OPS, False),
    )
    for label, case, ops, activate in cases:
        on, off, ratio = _ratio(case, rounds, ops, activate=activate)
        print(
            f"{label}: trail on {on * 1e6:.0f} us, off {off * 1e6:.0f} us, "
            f"median ratio {ratio:.3f} ({(ratio - 1) * 100:+.1f}%)"
        )
    print(f"trail memory per request: {_memory_per_request():.0f} bytes")
    print(f"building the records of 1,000 requests: {_build_time() * 1e3:.1f} ms")


if __name__ == "__main__":
    main()

"""Small-object put+get over the local endpoint, beside moto's server mode (issue 16 "Performance":
at least 2x moto's throughput).

    python -m benchmarks.server [--rounds N] [--ops N]

Both servers run in this process on 127.0.0.1, plain HTTP (moto's ``ThreadedMotoServer`` serves no
TLS; pytest-s3sse's endpoint is also timed over HTTPS), each with one boto3 client that keeps its
connection alive; ``https+state`` is the HTTPS endpoint keeping its engine in a state directory
(saved at most every second while requests come). A round times ``--ops`` 1 KiB SSE-S3 put+get pairs on each backend, back to back
in rotating order; the result is the median of the per-round ratios (the machine is shared and
noisy), with the median time per put+get.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from pytest_s3sse import S3SSEServer

BODY = b"x" * 1024
CREDENTIALS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "secret"}
CONFIG = Config(retries={"total_max_attempts": 1}, max_pool_connections=1)


def _case(client: Any) -> Callable[[int], float]:
    client.create_bucket(Bucket="bench")

    def run(ops: int) -> float:
        start = time.perf_counter()
        for _ in range(ops):
            client.put_object(Bucket="bench", Key="k", Body=BODY)
            client.get_object(Bucket="bench", Key="k")["Body"].read()
        return (time.perf_counter() - start) / ops

    run(3)  # warm: the connection, the interpreter's specialised bytecode
    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--ops", type=int, default=30)
    args = parser.parse_args(argv)
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 - the bench extra

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    with (
        S3SSEServer(https=False) as plain,
        S3SSEServer() as tls,
        tempfile.TemporaryDirectory() as state_dir,
        S3SSEServer(state_dir=state_dir) as kept,
    ):

        def client(url: str, verify: Any = True) -> Any:
            return boto3.client(
                "s3", region_name="us-east-1", endpoint_url=url, verify=verify, config=CONFIG,
                **CREDENTIALS,
            )  # fmt: skip

        cases = {
            "s3sse http": _case(client(plain.endpoint_url)),
            "s3sse https": _case(client(tls.endpoint_url, tls.ca_bundle)),
            "s3sse https+state": _case(client(kept.endpoint_url, kept.ca_bundle)),
            "moto server http": _case(client(f"http://{host}:{port}")),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        names = list(cases)
        for index in range(args.rounds):
            order = names[index % len(names) :] + names[: index % len(names)]
            for name in order:
                times[name].append(cases[name](args.ops))
    moto.stop()
    moto_times = times["moto server http"]
    for name, values in times.items():
        ratio = statistics.median(m / v for m, v in zip(moto_times, values, strict=True))
        print(
            f"{name:19s} {statistics.median(values) * 1000:7.2f} ms per 1 KiB put+get   "
            f"throughput x{ratio:.2f} of moto's server"
        )


if __name__ == "__main__":
    main()

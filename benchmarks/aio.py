"""aiobotocore put+get in-process against aiobotocore's own floor (issue 16, "Performance").

    python -m benchmarks.aio [--rounds N]

Three aiobotocore clients run the same 1 KiB put+get (SSE-S3, then SSE-KMS) on one event loop,
interleaved round by round in rotating order, as ``benchmarks/run.py`` does; times are medians over
the rounds and the ratios are medians of the per-round ratios:

- **s3sse**: answered by the engine through ``wire/aiobotocore_adapter.py``;
- **floor+wire**: aiobotocore answered by an async ``before-send`` handler with the wire floor's
  canned answers (``floor.py``: S3's headers, a correct CRC32 for the download check), after reading
  the async request body to its end (aws-chunked framing and its CRC32 trailer are made as it is
  read), over a minimal aiohttp-shaped body: aiobotocore's whole cost of one exchange with S3;
- **floor**: the plain floor (minimal answers, the request body never read).

``s3sse / floor+wire`` is the price of the engine and its adapter for an aiobotocore user.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from benchmarks.floor import Floor
from pytest_s3sse import S3SSE

BODY = b"x" * 1024
OPS = 20
CONFIG = AioConfig(retries={"total_max_attempts": 1})
CREDENTIALS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "secret"}


class _Content:
    """The least of aiohttp's StreamReader that aiobotocore reads."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def at_eof(self) -> bool:
        return self._pos >= len(self._data)

    async def read(self, n: int = -1) -> bytes:
        start = self._pos
        self._pos = len(self._data) if n < 0 else min(len(self._data), start + n)
        return self._data[start : self._pos]


class _Raw:
    def __init__(self, url: str, data: bytes) -> None:
        self.url = url
        self.content = _Content(data)

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        pass


class AioFloor:
    """``floor.Floor`` for aiobotocore: an async ``before-send`` handler."""

    def __init__(self, *, wire: bool) -> None:
        self.floor = Floor(1024, wire=wire)
        self.wire = wire

    async def __call__(self, request: Any, event_name: str = "", **_: Any) -> AioAWSResponse:
        body = request.body
        if self.wire and body is not None and not isinstance(body, (bytes, bytearray)):
            read = body.read()
            body = await read if asyncio.iscoroutine(read) else read
        shim = SimpleNamespace(url=request.url, headers=request.headers, body=body)
        answer = self.floor(shim, event_name=event_name)
        data = answer.raw.getvalue()
        return AioAWSResponse(
            request.url, answer.status_code, dict(answer.headers), _Raw(request.url, data)
        )


def _case(client: Any, sse: dict[str, str]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        await client.put_object(Bucket="bench", Key="k", Body=BODY, **sse)
        got = await client.get_object(Bucket="bench", Key="k")
        await got["Body"].read()

    return run


async def _measure(label: str, sse: dict[str, str], rounds: int) -> None:
    session = get_session()
    floors = {"floor+wire": AioFloor(wire=True), "floor": AioFloor(wire=False)}
    async with (
        session.create_client("s3", region_name="us-east-1", config=CONFIG, **CREDENTIALS) as s3,
        _floor_client(floors["floor+wire"]) as wire_client,
        _floor_client(floors["floor"]) as plain_client,
    ):
        await s3.create_bucket(Bucket="bench")
        runs = {
            "s3sse": _case(s3, sse),
            "floor+wire": _case(wire_client, sse),
            "floor": _case(plain_client, sse),
        }
        for run in runs.values():
            for _ in range(2):
                await run()
        names = list(runs)
        times: dict[str, list[float]] = {name: [] for name in names}
        ratios: dict[str, list[float]] = {"floor+wire": [], "floor": []}
        for index in range(rounds):
            order = names[index % 3 :] + names[: index % 3]
            this_round = {}
            for name in order:
                started = time.perf_counter()
                for _ in range(OPS):
                    await runs[name]()
                this_round[name] = (time.perf_counter() - started) / OPS
                times[name].append(this_round[name])
            for floor, found in ratios.items():
                found.append(this_round["s3sse"] / this_round[floor])
    medians = {name: statistics.median(values) * 1e6 for name, values in times.items()}
    print(
        f"aiobotocore 1 KiB put+get {label}: s3sse {medians['s3sse']:.0f} us, "
        f"floor+wire {medians['floor+wire']:.0f} us, floor {medians['floor']:.0f} us; "
        f"s3sse/floor+wire {statistics.median(ratios['floor+wire']):.2f}x, "
        f"s3sse/floor {statistics.median(ratios['floor']):.2f}x"
    )


def _floor_client(handler: AioFloor) -> Any:
    session = get_session()
    session.register("before-send.s3", handler)
    return session.create_client("s3", region_name="us-east-1", config=CONFIG, **CREDENTIALS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    with S3SSE(seed=1):
        asyncio.run(_measure("SSE-S3", {}, rounds))
    with S3SSE(seed=1):
        asyncio.run(_measure("SSE-KMS", {"ServerSideEncryption": "aws:kms"}, rounds))


if __name__ == "__main__":
    main()

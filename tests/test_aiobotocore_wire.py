"""The pieces of aiobotocore's adapter that need no aiobotocore (wire/aiobotocore_adapter.py,
wire/botocore_adapter.py): the response body it reads, the async request bodies it reads, and the
refusal of an async body on botocore's synchronous path."""

from __future__ import annotations

import asyncio

import pytest
from botocore.awsrequest import AWSPreparedRequest

from pytest_s3sse import RealAWSCallBlockedError
from pytest_s3sse._internal.http import HttpResponse
from pytest_s3sse._internal.wire import aiobotocore_adapter, botocore_adapter


class AsyncBody:
    """An async request body, as aiobotocore's AioAwsChunkedWrapper is."""

    def __init__(self, data: bytes = b"") -> None:
        self.data = data

    async def read(self, amt: int | None = None) -> bytes:
        data, self.data = self.data, b""
        return data


async def _pieces():
    for piece in (b"a", b"bc"):
        yield piece


def test_an_async_body_on_botocores_synchronous_path_is_refused_not_sent(s3sse):
    request = AWSPreparedRequest(
        "PUT",
        "https://bkt.s3.amazonaws.com/k",
        {"host": "bkt.s3.amazonaws.com"},
        AsyncBody(),
        False,
    )
    with pytest.raises(RealAWSCallBlockedError, match="cannot read an async request body"):
        botocore_adapter.answer(request)


class PayloadLike:
    """An aiohttp payload: no ``read``, an async ``as_bytes``."""

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return b"abc"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(AsyncBody(b"abc"), id="coroutine read"),
        pytest.param(PayloadLike(), id="aiohttp payload"),
        pytest.param(_pieces(), id="async iterator"),
    ],
)
def test_an_async_request_body_is_read_to_its_end(body):
    assert asyncio.run(aiobotocore_adapter._read_async_body(body)) == b"abc"


def test_bytes_and_files_are_handed_on_as_they_are(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with path.open("rb") as handle:
        assert asyncio.run(aiobotocore_adapter._read_async_body(handle)) is handle
    assert asyncio.run(aiobotocore_adapter._read_async_body(b"x")) == b"x"
    assert asyncio.run(aiobotocore_adapter._read_async_body(None)) is None


def test_a_streamed_response_body_reads_in_pieces_then_the_rest():
    response = HttpResponse(200, {"content-length": "10"}, iter([b"01234", b"56789"]))
    raw = aiobotocore_adapter.AsyncRawResponse("https://s3.amazonaws.com/b/k", response)

    async def scenario() -> list[bytes]:
        first = await raw.content.read(3)
        rest = await raw.read()
        end = await raw.content.read(4)
        return [first, rest, end]

    assert asyncio.run(scenario()) == [b"012", b"3456789", b""]
    assert raw.content.at_eof()


def test_reading_exactly_past_the_end_is_aiohttps_incomplete_read():
    raw = aiobotocore_adapter.AsyncRawResponse("u", HttpResponse(200, {}, b"abc"))
    with pytest.raises(asyncio.IncompleteReadError):
        asyncio.run(raw.content.readexactly(4))

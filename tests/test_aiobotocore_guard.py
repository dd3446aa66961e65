"""aiobotocore is not supported yet: its requests are stopped with an error naming it, never answered
wrongly, never sent to AWS (issue 11; wire/aiobotocore_guard.py, wire/botocore_adapter.py)."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest
from botocore.awsrequest import AWSPreparedRequest

from pytest_s3sse import RealAWSCallBlockedError, mock_s3sse
from pytest_s3sse._internal.wire import botocore_adapter


class AsyncBody:
    """An async request body, as aiobotocore's AioAwsChunkedWrapper is."""

    async def read(self, amt: int | None = None) -> bytes:
        return b""


def test_an_async_request_body_is_refused_naming_aiobotocore(s3sse):
    # Before: a TypeError inside the engine, answered as the engine's own internal error.
    request = AWSPreparedRequest(
        "PUT",
        "https://bkt.s3.amazonaws.com/k",
        {"host": "bkt.s3.amazonaws.com"},
        AsyncBody(),
        False,
    )
    with pytest.raises(RealAWSCallBlockedError, match="does not support aiobotocore"):
        botocore_adapter.answer(request)


@pytest.fixture
def fake_aiobotocore(monkeypatch):
    """A stand-in for aiobotocore.endpoint: AioEndpoint overrides _send_request with a coroutine that
    would send the request (records it instead)."""
    sent = []

    class AioEndpoint:
        async def _send_request(self, request_dict, operation_model):
            sent.append(request_dict)
            return "sent"

    package = types.ModuleType("aiobotocore")
    endpoint = types.ModuleType("aiobotocore.endpoint")
    endpoint.AioEndpoint = AioEndpoint
    package.endpoint = endpoint
    monkeypatch.setitem(sys.modules, "aiobotocore", package)
    monkeypatch.setitem(sys.modules, "aiobotocore.endpoint", endpoint)
    return AioEndpoint, sent


def test_an_aiobotocore_request_is_stopped_while_an_engine_is_active(fake_aiobotocore):
    endpoint_cls, sent = fake_aiobotocore
    with (
        mock_s3sse(),
        pytest.raises(RealAWSCallBlockedError, match="does not support aiobotocore"),
    ):
        asyncio.run(endpoint_cls()._send_request({"url": "https://s3.amazonaws.com/"}, None))
    assert sent == []


def test_aiobotocore_is_restored_once_no_engine_is_active(fake_aiobotocore):
    endpoint_cls, _ = fake_aiobotocore
    original = endpoint_cls.__dict__["_send_request"]
    with mock_s3sse():
        assert endpoint_cls.__dict__["_send_request"] is not original
    assert endpoint_cls.__dict__["_send_request"] is original
    assert asyncio.run(endpoint_cls()._send_request({}, None)) == "sent"

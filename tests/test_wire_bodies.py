"""Bodies on the wire: the response body botocore reads (``RawBody``), one-buffer collection of a
streamed body, and aws-chunked request bodies cut anywhere by the sender's reads."""

from __future__ import annotations

import base64
import io
import zlib

import pytest
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

from pytest_s3sse._internal.errors.s3 import IncompleteBody
from pytest_s3sse._internal.http import HttpResponse, collect
from pytest_s3sse._internal.wire.botocore_adapter import BytesBody, RawBody, to_aws_response
from pytest_s3sse._internal.wire.chunked import AwsChunkedReader

PAYLOAD = bytes(range(256)) * 41  # 10,496 bytes: not a multiple of any chunk size below


def _chunks(data: bytes, size: int):
    return iter([data[i : i + size] for i in range(0, len(data), size)])


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


# -- RawBody ------------------------------------------------------------------------------------
@pytest.mark.parametrize("amt", [1, 7, 1000, 4096, 100_000])
@pytest.mark.parametrize("chunk", [1, 1000, 65536])
def test_reads_of_any_size_return_the_body_in_order(amt, chunk):
    raw = RawBody(_chunks(PAYLOAD, chunk), len(PAYLOAD))
    pieces = []
    while piece := raw.read(amt):
        assert len(piece) <= amt
        pieces.append(piece)
    assert b"".join(pieces) == PAYLOAD


def test_a_read_fills_the_amount_asked_for_across_chunks():
    raw = RawBody(_chunks(PAYLOAD, 10))
    assert raw.read(25) == PAYLOAD[:25]
    assert raw.read(3) == PAYLOAD[25:28]


@pytest.mark.parametrize("length", [len(PAYLOAD), None, 10, 10**6])
def test_reading_the_rest_returns_everything_left_whatever_length_was_declared(length):
    raw = RawBody(_chunks(PAYLOAD, 1000), length)
    assert raw.read(1500) == PAYLOAD[:1500]
    assert raw.read() == PAYLOAD[1500:]
    assert raw.read() == b""
    assert raw.read(10) == b""


def test_readinto_fills_a_buffer_like_read():
    raw = RawBody(_chunks(PAYLOAD, 1000), len(PAYLOAD))
    buffer = bytearray(1500)
    assert raw.readinto(buffer) == 1500
    assert bytes(buffer) == PAYLOAD[:1500]
    assert raw.read() == PAYLOAD[1500:]
    assert raw.readinto(buffer) == 0


def test_a_bytes_body_is_handed_back_without_a_copy():
    raw = RawBody(PAYLOAD)
    assert raw.read() is PAYLOAD


def test_stream_yields_pieces_of_the_asked_size():
    raw = RawBody(_chunks(PAYLOAD, 1000))
    pieces = list(raw.stream(4096))
    assert [len(p) for p in pieces] == [4096, 4096, len(PAYLOAD) - 8192]


# -- BytesBody: a body that is already one buffer ------------------------------------------------
def test_a_one_buffer_response_is_answered_through_bytesio():
    response = to_aws_response("https://s3.amazonaws.com/b/k", HttpResponse(200, {}, PAYLOAD))
    assert isinstance(response.raw, BytesBody)
    assert response.raw.read(1000) == PAYLOAD[:1000]
    assert response.raw.read() == PAYLOAD[1000:]


def test_a_streamed_response_keeps_its_chunked_reader():
    response = to_aws_response(
        "https://s3.amazonaws.com/b/k",
        HttpResponse(200, {"content-length": str(len(PAYLOAD))}, _chunks(PAYLOAD, 1000)),
    )
    assert isinstance(response.raw, RawBody)
    assert response.raw.read() == PAYLOAD


def test_bytes_body_streams_like_urllib3():
    pieces = list(BytesBody(PAYLOAD).stream(4096))
    assert [len(p) for p in pieces] == [4096, 4096, len(PAYLOAD) - 8192]
    assert b"".join(pieces) == PAYLOAD


# -- collect ------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [len(PAYLOAD), None, 0, 1, 10**6])
def test_collect_joins_chunks_whatever_size_is_announced(size):
    assert collect(_chunks(PAYLOAD, 1000), size) == PAYLOAD


def test_collect_of_nothing_is_empty():
    assert collect(iter([]), 10) == b""


def test_a_streamed_response_content_is_its_chunks_joined():
    response = HttpResponse(200, {"content-length": str(len(PAYLOAD))}, _chunks(PAYLOAD, 999))
    assert response.content() == PAYLOAD
    assert response.body == PAYLOAD


# -- aws-chunked ---------------------------------------------------------------------------------
def _wrapped(data: bytes, chunk_size: int) -> AwsChunkedWrapper:
    return AwsChunkedWrapper(
        io.BytesIO(data), Crc32Checksum, "x-amz-checksum-crc32", chunk_size=chunk_size
    )


@pytest.mark.parametrize("cut", [1, 2, 3, 5, 64, 1000])
def test_a_framed_body_cut_anywhere_by_the_senders_reads_decodes(cut):
    framed = _wrapped(PAYLOAD, 1000).read()

    class Trickle:
        """A body whose reads return at most ``cut`` bytes, splitting size lines and CRLFs."""

        def __init__(self) -> None:
            self._data = io.BytesIO(framed)

        def read(self, size: int) -> bytes:
            return self._data.read(min(size, cut))

    trailers: dict[str, str] = {}
    reader = AwsChunkedReader(Trickle(), trailers, len(PAYLOAD))
    assert reader.read() == PAYLOAD
    assert trailers == {"x-amz-checksum-crc32": _crc32(PAYLOAD)}


def test_botocores_wrapper_is_read_frame_by_frame_with_its_trailer():
    trailers: dict[str, str] = {}
    reader = AwsChunkedReader(_wrapped(PAYLOAD, 4096), trailers, len(PAYLOAD))
    pieces = []
    while piece := reader.read(1 << 20):
        pieces.append(piece)
    assert [len(p) for p in pieces] == [4096, 4096, len(PAYLOAD) - 8192]
    assert b"".join(pieces) == PAYLOAD
    assert trailers == {"x-amz-checksum-crc32": _crc32(PAYLOAD)}


def test_a_bytes_body_that_is_not_framed_is_incomplete():
    with pytest.raises(IncompleteBody):
        AwsChunkedReader(b"not framed", {}, None).read()

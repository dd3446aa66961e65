"""aws-chunked bodies and their declared length: what S3 answers when ``x-amz-decoded-content-length``
is missing or does not match the decoded payload, in-process and over the local endpoint.

Sources (docs/errors.md, "Checksums and digests"):

- P, S3 API "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
  Chunks": "For all requests, you must include the x-amz-decoded-content-length header".
- T, versitygw's integration suite (run against S3 as well as the gateway),
  UnsignedStreamingPayloadTrailer_missing_invalid_dec_content_length: a streaming body without the
  header, or with one that is no number, is 411 MissingContentLength "You must provide the
  Content-Length HTTP header." (the second case A reported with S3's XML, versity/versitygw#1656).
- A reported, versity/versitygw#1684 (S3's XML quoted): a declared decoded length that is not the
  payload's, shorter or longer, is 400 IncompleteBody with NumberBytesExpected and
  NumberBytesProvided (#1676 for the unsigned form).
- S, ceph/s3-tests test_object_content_encoding_aws_chunked (rustfs#4962 says the same of S3):
  ``Content-Encoding: aws-chunked`` alone (no streaming ``x-amz-content-sha256``, no decoded length)
  frames nothing; S3 stores the body as sent and drops the token from the object's encoding.
"""

from __future__ import annotations

import io
import socket

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from raw_support import S3_AUTH, S3_HOST, error_code, snapshot

from pytest_s3sse import S3SSEServer
from pytest_s3sse._internal.wire.dispatch import dispatch
from pytest_s3sse._internal.wire.httpmodel import build_request

BUCKET = "bkt"
NO_RETRY = Config(retries={"max_attempts": 1})
FRAMED = b"5\r\nhello\r\n0\r\n\r\n"  # "hello" as one aws-chunked frame and the final one
STREAMING = (
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
)
MSG_MISSING_LENGTH = "You must provide the Content-Length HTTP header."
MSG_INCOMPLETE = (
    "You did not provide the number of bytes specified by the Content-Length HTTP header"
)


@pytest.fixture
def engine(s3sse, s3):
    s3.create_bucket(Bucket=BUCKET)
    return s3sse.engine


def _put(engine, path: str, headers: dict[str, str], body: bytes = FRAMED, query: str = ""):
    """A signed PUT straight to the engine, through the adapters' own ``build_request``."""
    sent = {"authorization": S3_AUTH, **headers}
    url = f"https://{S3_HOST}{path}" + (f"?{query}" if query else "")
    response = dispatch(engine, build_request("PUT", url, sent, io.BytesIO(body), body))
    assert response is not None
    return response, response.content().decode()


def _message(text: str) -> str:
    return text[text.index("<Message>") + 9 : text.index("</Message>")]


def _element(text: str, name: str) -> str:
    return text[text.index(f"<{name}>") + len(name) + 2 : text.index(f"</{name}>")]


def _upload(s3) -> str:
    return s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]


# -- no x-amz-decoded-content-length -------------------------------------------------------------
@pytest.mark.parametrize("sha256", STREAMING)
@pytest.mark.parametrize(
    "framing",
    [
        {"content-length": str(len(FRAMED))},
        {"content-length": str(len(FRAMED)), "content-encoding": "aws-chunked"},
        {},  # nothing declares any length (before: accepted and stored)
    ],
    ids=["content-length", "content-encoding", "no-length"],
)
def test_a_streaming_put_object_without_decoded_length_is_missing_content_length(
    engine, sha256, framing
):
    # T (versitygw UnsignedStreamingPayloadTrailer_missing_invalid_dec_content_length); P that the
    # header is required. Before: IncompleteBody (the framed Content-Length taken as the payload's)
    # or, with no length at all, a 200 for a body of unchecked length.
    before = snapshot(engine)
    response, text = _put(engine, f"/{BUCKET}/k", {"x-amz-content-sha256": sha256, **framing})
    assert (response.status, error_code(response)) == (411, "MissingContentLength")
    assert _message(text) == MSG_MISSING_LENGTH
    assert snapshot(engine) == before


def test_boto3_sending_its_aws_chunked_body_without_the_decoded_length_gets_411(engine, s3):
    # T, as above, through the botocore adapter: botocore's own framing (https, a checksum trailer,
    # Transfer-Encoding: chunked) with the header taken out after it was added.
    def drop_decoded_length(request, **_):
        del request.headers["X-Amz-Decoded-Content-Length"]

    s3.meta.events.register("before-sign.s3.PutObject", drop_decoded_length)
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 411
    assert info.value.response["Error"]["Code"] == "MissingContentLength"
    assert info.value.response["Error"]["Message"] == MSG_MISSING_LENGTH


def test_a_streaming_upload_part_without_decoded_length_is_missing_content_length(engine, s3):
    # T, as for PutObject: UploadPart takes the same body.
    upload = _upload(s3)
    before = snapshot(engine)
    response, _ = _put(
        engine,
        f"/{BUCKET}/mp",
        {"x-amz-content-sha256": STREAMING[0]},
        query=f"partNumber=1&uploadId={upload}",
    )
    assert (response.status, error_code(response)) == (411, "MissingContentLength")
    assert snapshot(engine) == before


def test_a_streaming_body_sent_transfer_encoding_chunked_is_missing_content_length_too(engine):
    # T (the streaming form without its decoded length); U that S3 asks for the length before it
    # refuses the Transfer-Encoding (501 NotImplemented, which a plain chunked body gets).
    headers = {"x-amz-content-sha256": STREAMING[0], "transfer-encoding": "chunked"}
    response, _ = _put(engine, f"/{BUCKET}/k", headers)
    assert (response.status, error_code(response)) == (411, "MissingContentLength")


def test_any_operation_reading_a_streaming_body_without_decoded_length_is_refused(engine, s3):
    # T, U for operations other than PutObject and UploadPart (S3 reads no body of unknown length);
    # PutObjectTagging's document is the body here.
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    document = b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"
    framed = b"%x\r\n%s\r\n0\r\n\r\n" % (len(document), document)
    response, _ = _put(
        engine, f"/{BUCKET}/k", {"x-amz-content-sha256": STREAMING[0]}, framed, query="tagging"
    )
    assert (response.status, error_code(response)) == (411, "MissingContentLength")
    assert s3.get_object_tagging(Bucket=BUCKET, Key="k")["TagSet"] == []


@pytest.mark.parametrize(
    ("encoding", "stored"),
    [("aws-chunked", None), ("gzip, aws-chunked", "gzip"), ("aws-chunked, gzip", "gzip")],
)
def test_content_encoding_aws_chunked_alone_frames_nothing(make_client, encoding, stored):
    # S (ceph/s3-tests test_object_content_encoding_aws_chunked): boto3 sends this to an http://
    # endpoint as a plain body with its Content-Length and SHA-256; S3 stores it without the token.
    # Before: the plain body was parsed as aws-chunked frames, 400 IncompleteBody.
    s3 = make_client(endpoint_url="http://localhost:9000", config=NO_RETRY)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"hello", ContentEncoding=encoding)
    got = s3.get_object(Bucket=BUCKET, Key="k")
    assert got["Body"].read() == b"hello"
    assert got.get("ContentEncoding") == stored


# -- x-amz-decoded-content-length not the payload's ----------------------------------------------
@pytest.mark.parametrize("declared", ["3", "9", "0"], ids=["too-short", "too-long", "zero"])
@pytest.mark.parametrize("sha256", [None, STREAMING[0]])
def test_a_decoded_length_that_is_not_the_payloads_is_incomplete_body(engine, declared, sha256):
    # A reported (versitygw#1684: declared 3 of "hello", S3's XML quoted; #1676 unsigned): S3 reads
    # the whole payload and answers with both numbers; nothing is stored.
    headers = {"content-encoding": "aws-chunked", "x-amz-decoded-content-length": declared}
    if sha256 is not None:
        headers["x-amz-content-sha256"] = sha256
    before = snapshot(engine)
    response, text = _put(engine, f"/{BUCKET}/k", headers)
    assert (response.status, error_code(response)) == (400, "IncompleteBody")
    assert _message(text) == MSG_INCOMPLETE
    assert (_element(text, "NumberBytesExpected"), _element(text, "NumberBytesProvided")) == (
        declared,
        "5",
    )
    assert snapshot(engine) == before


@pytest.mark.parametrize("declared", ["3", "9"], ids=["too-short", "too-long"])
def test_an_upload_part_whose_decoded_length_is_not_the_payloads_is_incomplete_body(
    engine, s3, declared
):
    # A reported (versitygw#1684), U that UploadPart answers as PutObject does.
    upload = _upload(s3)
    before = snapshot(engine)
    headers = {"content-encoding": "aws-chunked", "x-amz-decoded-content-length": declared}
    response, text = _put(engine, f"/{BUCKET}/mp", headers, query=f"partNumber=1&uploadId={upload}")
    assert (response.status, error_code(response)) == (400, "IncompleteBody")
    assert _element(text, "NumberBytesExpected") == declared
    assert snapshot(engine) == before


# -- over the local endpoint ---------------------------------------------------------------------
def _client(server: S3SSEServer):
    return boto3.client("s3", **(server.client_kwargs() | {"config": NO_RETRY}))


def _exchange(server: S3SSEServer, *requests: bytes) -> list[bytes]:
    """Send each request on one plain-HTTP connection, reading each answer before the next."""
    answers = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        reader = sock.makefile("rb")
        for request in requests:
            sock.sendall(request)
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                head += reader.readline()
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            answers.append(head + reader.read(length))
    return answers


def _raw_put(path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"PUT {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@pytest.mark.s3sse_server(https=False)
def test_the_endpoint_answers_a_streaming_body_without_decoded_length_as_s3_does(s3sse_server):
    # T (as above): 411 MissingContentLength; the body is read to its end, so the same connection
    # carries the next request, which declares its length and is stored.
    client = _client(s3sse_server)
    client.create_bucket(Bucket=BUCKET)
    url = client.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "k"})
    path = url.split(str(s3sse_server.port), 1)[1]
    streaming = {"x-amz-content-sha256": STREAMING[0], "Content-Encoding": "aws-chunked"}
    declared = {**streaming, "x-amz-decoded-content-length": "5"}
    refused, stored = _exchange(
        s3sse_server, _raw_put(path, streaming, FRAMED), _raw_put(path, declared, FRAMED)
    )
    assert refused.startswith(b"HTTP/1.1 411 ")
    assert b"<Code>MissingContentLength</Code>" in refused
    assert stored.startswith(b"HTTP/1.1 200 ")
    assert client.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"hello"


@pytest.mark.s3sse_server(https=False)
@pytest.mark.parametrize("declared", ["3", "9"], ids=["too-short", "too-long"])
def test_the_endpoint_answers_a_wrong_decoded_length_with_incomplete_body(s3sse_server, declared):
    # A reported (versitygw#1684), over the wire: nothing stored.
    client = _client(s3sse_server)
    client.create_bucket(Bucket=BUCKET)
    url = client.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "k"})
    path = url.split(str(s3sse_server.port), 1)[1]
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": declared}
    (answer,) = _exchange(s3sse_server, _raw_put(path, headers, FRAMED))
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert f"<NumberBytesExpected>{declared}</NumberBytesExpected>".encode() in answer
    assert client.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0

"""The local endpoint (``s3sse_server``, ``python -m pytest_s3sse serve``): the engine behind a real
HTTP/1.1 server on 127.0.0.1, for clients with their own HTTP stack and for subprocesses.

Every request of these tests travels over loopback TCP (a client that does not trust the endpoint's CA
is refused by TLS, which proves it); nothing goes beyond 127.0.0.1. The AWS errors checked here are
the engine's own (cited in docs/errors.md): SSE-KMS over plain HTTP is W15 (S; P), SSE-C C8 (P that
HTTP is refused, text T/S, code U).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    IncompleteReadError,
    ResponseStreamingError,
    SSLError,
)
from clients_support import s3_client_of, serve_environment
from sse_c_support import KEY, unblock_sse_c

from pytest_s3sse import RealAWSCallBlockedError, S3SSEServer

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
MSG_KMS_INSECURE = (  # W15 (S; P: CreateMultipartUpload), docs/errors.md
    "Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a "
    "secure connection."
)
MSG_SSEC_INSECURE = (  # C8 (P that HTTP is refused; text T/S, code U), docs/errors.md
    "Requests specifying Server Side Encryption with Customer provided keys must be made over a "
    "secure connection."
)


def client(server: S3SSEServer, service: str = "s3", **kwargs: Any) -> Any:
    """A boto3 client of ``server``'s endpoint (over TCP, trusting its CA)."""
    return boto3.client(service, **(server.client_kwargs() | {"config": NO_RETRY} | kwargs))


def subprocess_env(server: S3SSEServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(server.env)
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


# -- boto3 over HTTPS and HTTP ------------------------------------------------------------------
def test_boto3_puts_and_gets_over_https_trusting_the_ca_bundle(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"over https")
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"over https"
    s3sse_server.assert_encrypted("bkt", "k", "SSE-S3")


def test_requests_to_the_endpoint_travel_over_tls(s3sse_server):
    s3 = client(s3sse_server, verify=True)  # the system's CAs do not know the endpoint's CA
    with pytest.raises(SSLError):
        s3.list_buckets()


def test_the_server_certificate_names_localhost_and_the_loopback_address(s3sse_server):
    context = ssl.create_default_context(cafile=s3sse_server.ca_bundle)
    for name in ("127.0.0.1", "localhost", "bkt.s3.localhost"):
        with (
            socket.create_connection(("127.0.0.1", s3sse_server.port)) as raw,
            context.wrap_socket(raw, server_hostname=name) as tls,
        ):
            assert tls.version() is not None


def test_sse_kms_and_sse_c_are_served_over_https(s3sse_server):
    s3 = client(s3sse_server)
    key_id = client(s3sse_server, "kms").create_key()["KeyMetadata"]["KeyId"]
    s3.create_bucket(Bucket="bkt")
    unblock_sse_c(s3, "bkt")
    s3.put_object(
        Bucket="bkt", Key="kms", Body=b"a", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id
    )
    s3.put_object(
        Bucket="bkt", Key="c", Body=b"b", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
    )
    assert s3.get_object(Bucket="bkt", Key="kms")["Body"].read() == b"a"
    got = s3.get_object(Bucket="bkt", Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY)
    assert got["Body"].read() == b"b"
    s3sse_server.assert_encrypted("bkt", "kms", "SSE-KMS", key_id)
    s3sse_server.assert_encrypted("bkt", "c", "SSE-C")


@pytest.mark.s3sse_server(https=False)
def test_sse_kms_over_plain_http_is_refused_as_aws_refuses_it(s3sse_server):
    s3 = client(s3sse_server)
    assert s3sse_server.endpoint_url.startswith("http://")
    s3.create_bucket(Bucket="bkt")
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.value.response["Error"]["Code"] == "InvalidArgument"
    assert err.value.response["Error"]["Message"] == MSG_KMS_INSECURE


@pytest.mark.s3sse_server(https=False)
def test_sse_c_over_plain_http_is_refused_as_aws_refuses_it(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    with pytest.raises(ClientError) as err:
        s3.put_object(
            Bucket="bkt", Key="k", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
        )
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.value.response["Error"]["Code"] == "InvalidRequest"
    assert err.value.response["Error"]["Message"] == MSG_SSEC_INSECURE


@pytest.mark.s3sse_server(https=False)
def test_plain_http_serves_unencrypted_requests(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"plain")
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"plain"


def test_managed_uploads_send_aws_chunked_bodies_that_are_stored_decoded(s3sse_server, tmp_path):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    data = os.urandom(300_000)
    (tmp_path / "f").write_bytes(data)
    s3.upload_file(str(tmp_path / "f"), "bkt", "f")  # a stream: aws-chunked with a checksum trailer
    assert s3.get_object(Bucket="bkt", Key="f")["Body"].read() == data


def test_a_large_object_is_streamed_back(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    data = os.urandom(5 * 1024 * 1024 + 7)  # past the engine's 4 MiB: a streamed, decrypted body
    s3.put_object(Bucket="bkt", Key="big", Body=data)
    assert s3.get_object(Bucket="bkt", Key="big")["Body"].read() == data


def test_a_tampered_streamed_object_ends_the_connection_not_the_server(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="big", Body=os.urandom(5 * 1024 * 1024))
    s3sse_server.tamper("bkt", "big", offset=4 * 1024 * 1024 + 100)  # a later segment
    body = s3.get_object(Bucket="bkt", Key="big")["Body"]
    with pytest.raises((ResponseStreamingError, IncompleteReadError)):
        body.read()  # the status was 200; the body stops where authentication failed
    s3.put_object(Bucket="bkt", Key="small", Body=b"still serving")
    assert s3.get_object(Bucket="bkt", Key="small")["Body"].read() == b"still serving"


def test_kms_is_served_on_the_same_endpoint(s3sse_server):
    kms = client(s3sse_server, "kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"


def test_an_aws_error_arrives_as_aws_renders_it(s3sse_server):
    s3 = client(s3sse_server)
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket="nope", Key="k")
    assert err.value.response["Error"]["Code"] == "NoSuchBucket"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_request_signed_for_another_service_is_refused_naming_it(s3sse_server):
    # The endpoint serves S3 and KMS; its own answer for any other service (U, docs/errors.md).
    with _connection(s3sse_server) as conn:
        conn.request(
            "POST",
            "/",
            body=b"Action=ListQueues",
            headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/sqs/"
                "aws4_request, SignedHeaders=host, Signature=00",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        body = response.read()
    assert response.status == 400
    assert b"<Code>InvalidRequest</Code>" in body
    assert b"the AWS service 'sqs'" in body


# -- addressing, HTTP/1.1 ------------------------------------------------------------------------
@contextlib.contextmanager
def _connection(server: S3SSEServer) -> Iterator[http.client.HTTPSConnection]:
    context = ssl.create_default_context(cafile=server.ca_bundle)
    conn = http.client.HTTPSConnection("127.0.0.1", server.port, context=context, timeout=10)
    try:
        yield conn
    finally:
        conn.close()


def test_virtual_hosted_requests_name_the_bucket_in_an_s3_localhost_host(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="dir/k", Body=b"virtual")
    virtual = client(
        s3sse_server,
        endpoint_url=f"https://s3.localhost:{s3sse_server.port}",
        config=Config(s3={"addressing_style": "virtual"}),
    )
    url = virtual.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "dir/k"})
    assert url.startswith(f"https://bkt.s3.localhost:{s3sse_server.port}/dir/k?")
    path, host = url.split(str(s3sse_server.port), 1)[1], url.split("/")[2]
    with _connection(s3sse_server) as conn:  # *.localhost need not resolve: the Host header says it
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"virtual")


def test_one_connection_carries_several_requests(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"kept alive")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    path = url.split(str(s3sse_server.port), 1)[1]
    with _connection(s3sse_server) as conn:
        conn.request("GET", path)
        assert conn.getresponse().read() == b"kept alive"
        sock = conn.sock
        for _ in range(5):
            conn.request("GET", path)
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, b"kept alive")
            assert conn.sock is sock  # the same TCP connection: keep-alive


def test_a_chunked_request_body_is_read_to_its_end(s3sse_server):
    """S3 refuses a plain chunked upload with 501 naming Transfer-Encoding (A reported:
    Automattic/knox#43, chilts/awssum#30); the endpoint still reads the body to its end, so the
    connection carries the next request."""
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "bkt", "Key": "k"})
    with _connection(s3sse_server) as conn:
        conn.request(
            "PUT",
            url.split(str(s3sse_server.port), 1)[1],
            body=iter([b"chunked ", b"body"]),
            headers={"Transfer-Encoding": "chunked"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        answer = response.read()
        assert response.status == 501
        assert b"<Header>Transfer-Encoding</Header>" in answer
        conn.request("GET", "/bkt")  # the same connection: the body was read to its end
        response = conn.getresponse()
        response.read()
        assert response.status == 403  # anonymous ListObjects: AccessDenied
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0


def _raw_exchange(server: S3SSEServer, request: bytes) -> bytes:
    """Send ``request`` over plain HTTP, end the sending side, read the answer to its end."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.s3sse_server(https=False)
def test_a_body_cut_short_by_a_closed_connection_stores_nothing(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "bkt", "Key": "k"})
    path = url.split(str(s3sse_server.port), 1)[1]
    answer = _raw_exchange(
        s3sse_server,
        f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n".encode()
        + b"only ten b",
    )
    # IncompleteBody (P, ErrorResponses), and no object of 10 bytes.
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"<Code>IncompleteBody</Code>" in answer
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0


@pytest.mark.s3sse_server(https=False)
def test_an_unreadable_content_length_is_a_bad_request(s3sse_server):
    answer = _raw_exchange(
        s3sse_server, b"PUT /bkt/k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n"
    )
    # S: aws/aws-sdk-cpp#1559, aristidb/aws#205 quote S3's answer to a request it cannot parse.
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"<Code>BadRequest</Code>" in answer
    assert b"<Message>An error occurred when parsing the HTTP request.</Message>" in answer


def test_concurrent_clients_are_served_at_once(s3sse_server):
    s3 = client(s3sse_server)
    s3.create_bucket(Bucket="bkt")

    def put_get(n: int) -> bytes:
        own = client(s3sse_server)
        own.put_object(Bucket="bkt", Key=f"k{n}", Body=b"%d" % n)
        return bytes(own.get_object(Bucket="bkt", Key=f"k{n}")["Body"].read())

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(put_get, range(16))) == [b"%d" % n for n in range(16)]


def test_stopping_closes_connections_joins_threads_and_frees_the_port(s3sse):
    before = set(threading.enumerate())
    server = S3SSEServer(s3sse).start()
    with _connection(server) as conn:
        conn.request("GET", "/")
        conn.getresponse().read()  # a keep-alive connection left open, its thread waiting
        server.stop()
        assert set(threading.enumerate()) - before == set()
    with S3SSEServer(s3sse, port=server.port):  # the port can be listened on again
        pass
    assert not Path(str(server.ca_bundle)).exists()


# -- in-process clients and subprocesses share one engine -----------------------------------------
def test_in_process_clients_are_still_answered_in_process(s3sse_server):
    in_process = boto3.client("s3", region_name="us-east-1")
    in_process.create_bucket(Bucket="bkt")
    in_process.put_object(Bucket="bkt", Key="k", Body=b"shared")
    assert client(s3sse_server).get_object(Bucket="bkt", Key="k")["Body"].read() == b"shared"
    with pytest.raises(RealAWSCallBlockedError):  # the guard still holds for other services
        boto3.client("sqs", region_name="us-east-1").list_queues()


def test_a_subprocess_with_the_printed_environment_shares_the_test_engine(s3sse_server):
    boto3.client("s3").create_bucket(Bucket="bkt")  # in-process
    script = (
        "import boto3; s3 = boto3.client('s3'); "
        "s3.put_object(Bucket='bkt', Key='from-child', Body=b'child', ServerSideEncryption='aws:kms')"
    )
    subprocess.run(
        [sys.executable, "-c", script], env=subprocess_env(s3sse_server), check=True, timeout=60
    )
    got = boto3.client("s3").get_object(Bucket="bkt", Key="from-child")
    assert got["Body"].read() == b"child"
    s3sse_server.assert_encrypted("bkt", "from-child", "SSE-KMS")


def test_the_session_endpoint_serves_without_an_in_process_engine(s3sse_server_session):
    s3 = client(s3sse_server_session)
    s3.create_bucket(Bucket="session-bkt")
    s3.put_object(Bucket="session-bkt", Key="k", Body=b"session")
    assert s3.get_object(Bucket="session-bkt", Key="k")["Body"].read() == b"session"
    s3.delete_object(Bucket="session-bkt", Key="k")
    s3.delete_bucket(Bucket="session-bkt")


# -- clients with their own HTTP stack --------------------------------------------------------------
@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI v1 (awscli) is not installed")
def test_the_aws_cli_copies_with_sse_kms_through_the_endpoint(s3sse_server, tmp_path):
    boto3.client("s3").create_bucket(Bucket="bkt")
    source = tmp_path / "in.txt"
    source.write_bytes(b"from the cli")
    cli = [
        shutil.which("aws") or "aws", "--endpoint-url", s3sse_server.endpoint_url,
        "--ca-bundle", str(s3sse_server.ca_bundle), "s3",
    ]  # fmt: skip
    env = subprocess_env(s3sse_server)
    run = {"env": env, "check": True, "timeout": 120, "capture_output": True}
    subprocess.run([*cli, "cp", str(source), "s3://bkt/cli.txt", "--sse", "aws:kms"], **run)  # noqa: PLW1510
    subprocess.run([*cli, "cp", "s3://bkt/cli.txt", str(tmp_path / "out.txt")], **run)  # noqa: PLW1510
    assert (tmp_path / "out.txt").read_bytes() == b"from the cli"
    s3sse_server.assert_encrypted("bkt", "cli.txt", "SSE-KMS")


def test_pyarrow_s3filesystem_writes_and_reads_parquet_through_the_endpoint(s3sse_server):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    pq = pytest.importorskip("pyarrow.parquet")
    pafs = pytest.importorskip("pyarrow.fs")
    boto3.client("s3").create_bucket(Bucket="bkt")
    env = s3sse_server.env
    fs = pafs.S3FileSystem(
        access_key=env["AWS_ACCESS_KEY_ID"],
        secret_key=env["AWS_SECRET_ACCESS_KEY"],
        region=env["AWS_DEFAULT_REGION"],
        scheme="https",
        endpoint_override=f"127.0.0.1:{s3sse_server.port}",
        tls_ca_file_path=s3sse_server.ca_bundle,
    )
    table = pa.table({"n": [1, 2, 3]})
    pq.write_table(table, "bkt/t.parquet", filesystem=fs)
    assert pq.read_table("bkt/t.parquet", filesystem=fs).equals(table)
    s3sse_server.assert_encrypted("bkt", "t.parquet", "SSE-S3")


CRT_CHILD = """
import os, sys
import botocore.session
from s3transfer.crt import (
    BotocoreCRTCredentialsWrapper, BotocoreCRTRequestSerializer, CRTTransferManager,
    create_s3_crt_client,
)
session = botocore.session.get_session()
region = os.environ["AWS_DEFAULT_REGION"]
credentials = BotocoreCRTCredentialsWrapper(session.get_credentials())
crt = create_s3_crt_client(
    region, crt_credentials_provider=credentials.to_crt_credentials_provider(),
    verify=os.environ["AWS_CA_BUNDLE"], num_threads=1,
)
serializer = BotocoreCRTRequestSerializer(
    session, {"region_name": region, "endpoint_url": os.environ["AWS_ENDPOINT_URL"]}
)
with CRTTransferManager(crt, serializer) as manager:
    manager.upload(sys.argv[1], "bkt", "crt.bin", {"ServerSideEncryption": "aws:kms"}).result()
with CRTTransferManager(crt, serializer) as manager:
    manager.download("bkt", "crt.bin", sys.argv[2], {}).result()
"""


def test_the_crt_transfer_client_uploads_in_parts_and_downloads_through_the_endpoint(
    s3sse_server, tmp_path
):
    # boto3's own CRT manager ignores endpoint_url (it always addresses AWS), so the child builds
    # s3transfer's CRTTransferManager with the endpoint, as a CRT user of a local S3 does.
    pytest.importorskip("awscrt", reason="awscrt (boto3[crt]) is not installed")
    boto3.client("s3").create_bucket(Bucket="bkt")
    data = os.urandom(9 * 1024 * 1024)  # past CRT's 8 MiB part size: a multipart upload
    (tmp_path / "in.bin").write_bytes(data)
    subprocess.run(
        [sys.executable, "-c", CRT_CHILD, str(tmp_path / "in.bin"), str(tmp_path / "out.bin")],
        env=subprocess_env(s3sse_server),
        check=True,
        timeout=120,
    )
    assert (tmp_path / "out.bin").read_bytes() == data
    s3sse_server.assert_encrypted("bkt", "crt.bin", "SSE-KMS")


def test_an_in_process_crt_manager_built_for_the_endpoint_is_let_through(s3sse_server, tmp_path):
    # While the engine is active, a CRT manager is stopped (wire/crt.py) unless it addresses a local
    # endpoint of this process, the way out its error names.
    pytest.importorskip("awscrt", reason="awscrt (boto3[crt]) is not installed")
    import botocore.session  # noqa: PLC0415
    from s3transfer.crt import (  # noqa: PLC0415
        BotocoreCRTCredentialsWrapper,
        BotocoreCRTRequestSerializer,
        CRTTransferManager,
        create_s3_crt_client,
    )

    boto3.client("s3").create_bucket(Bucket="bkt")
    (tmp_path / "in.bin").write_bytes(b"crt in-process")
    session = botocore.session.get_session()
    kwargs = s3sse_server.client_kwargs()
    credentials = BotocoreCRTCredentialsWrapper(session.get_credentials())
    crt = create_s3_crt_client(
        kwargs["region_name"],
        crt_credentials_provider=credentials.to_crt_credentials_provider(),
        verify=s3sse_server.ca_bundle,
        num_threads=1,
    )
    serializer = BotocoreCRTRequestSerializer(
        session, {"region_name": kwargs["region_name"], "endpoint_url": s3sse_server.endpoint_url}
    )
    with CRTTransferManager(crt, serializer) as manager:
        manager.upload(str(tmp_path / "in.bin"), "bkt", "crt.txt", {}).result()
    assert boto3.client("s3").get_object(Bucket="bkt", Key="crt.txt")["Body"].read() == (
        b"crt in-process"
    )


# -- python -m pytest_s3sse serve -----------------------------------------------------------------
def test_serve_prints_the_endpoint_and_environment_and_stops_on_sigterm():
    with subprocess.Popen(
        [sys.executable, "-m", "pytest_s3sse", "serve", "--seed", "1"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    ) as child:
        _talk_to_serve_then_stop(child)


def _talk_to_serve_then_stop(child: subprocess.Popen[str]) -> None:
    try:
        env = serve_environment(child)
        assert env["AWS_ENDPOINT_URL"].startswith("https://127.0.0.1:")
        assert Path(env["AWS_CA_BUNDLE"]).exists()
        assert set(env) >= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
        s3 = s3_client_of(env)
        s3.create_bucket(Bucket="bkt")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["bkt"]
    finally:
        child.terminate()
        assert child.wait(timeout=30) == 0
    assert not Path(env["AWS_CA_BUNDLE"]).exists()


# -- the guard of --s3sse-block-aws --------------------------------------------------------------
SESSION_ENDPOINT_UNDER_THE_GUARD = """
import boto3
import pytest
from pytest_s3sse import RealAWSCallBlockedError

def test_the_endpoint_is_reached_and_aws_is_not(s3sse_server_session):
    s3 = boto3.client("s3", **s3sse_server_session.client_kwargs())
    s3.create_bucket(Bucket="bkt")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["bkt"]
    with pytest.raises(RealAWSCallBlockedError, match="does not use the engine"):
        boto3.client("s3", region_name="us-east-1").list_buckets()
"""


def test_under_the_guard_the_local_endpoint_is_reached_and_aws_is_still_blocked(pytester):
    pytester.makepyfile(test_user=SESSION_ENDPOINT_UNDER_THE_GUARD)
    result = pytester.runpytest("-p", "no:benchmark", "-W", "error", "--s3sse-block-aws")
    result.assert_outcomes(passed=1)


# -- the adapter: what the engine is handed, and an engine bug ------------------------------------
class Recorder:
    """A Dispatcher that keeps the requests it is handed and answers 200 (or raises ``fail``)."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.requests: list[Any] = []
        self.fail = fail

    def dispatch(self, request: Any) -> Any:
        from pytest_s3sse._internal.http import HttpResponse  # noqa: PLC0415

        self.requests.append((request, request.read_body()))
        if self.fail is not None:
            raise self.fail
        return HttpResponse(200, {"content-length": "2"}, b"ok")

    def describe_unserved(self, request: Any) -> str:
        return "unserved"


def _local_server(dispatcher: Any) -> Any:
    from pytest_s3sse._internal.wire.server import LocalServer  # noqa: PLC0415

    return LocalServer(dispatcher)


def test_the_engine_is_handed_the_peer_address_and_the_request_as_sent():
    recorder = Recorder()
    with _local_server(recorder) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("PUT", "/bkt/a%20b?tagging", body=b"data", headers={"X-Amz-Meta-A": "1"})
            assert conn.getresponse().read() == b"ok"
        finally:
            conn.close()
    request, body = recorder.requests[0]
    assert (request.method, request.scheme, request.host) == (
        "PUT",
        "http",
        f"127.0.0.1:{server.port}",
    )
    assert (request.path, request.query, body) == ("/bkt/a%20b", "tagging", b"data")
    assert request.headers["x-amz-meta-a"] == "1"
    assert request.client_address == "127.0.0.1"  # the request context's source IP
    assert request.decoded_length == 4


def test_an_engine_bug_is_a_500_internal_error_naming_the_request_not_a_dropped_connection():
    with _local_server(Recorder(fail=RuntimeError("boom"))) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("GET", "/bkt/k")
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
    assert response.status == 500
    assert b"<Code>InternalError</Code>" in body
    assert b"pytest-s3sse failed while answering GET http://127.0.0.1" in body
    assert b"RuntimeError(&apos;boom&apos;)" in body or b"RuntimeError('boom')" in body


ENGINE_BUG_OVER_THE_WIRE = """
import boto3
import botocore.config
import botocore.exceptions
import pytest

def test_it(s3sse_server, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(s3sse_server.engine.s3, "handle", broken)
    one_try = botocore.config.Config(retries={"total_max_attempts": 1})
    s3 = boto3.client("s3", config=one_try, **s3sse_server.client_kwargs())
    with pytest.raises(botocore.exceptions.ClientError, match="InternalError"):
        s3.list_buckets()
"""


def test_an_engine_bug_answered_over_the_wire_fails_the_test_at_teardown(pytester):
    pytester.makepyfile(test_user=ENGINE_BUG_OVER_THE_WIRE)
    result = pytester.runpytest("-p", "no:benchmark")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*InternalEngineError: pytest-s3sse failed while answering GET*"])

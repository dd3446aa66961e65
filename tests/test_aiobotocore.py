"""aiobotocore clients answered in-process by the engine (issue 16; wire/aiobotocore_adapter.py).

Each test runs its scenario on a fresh event loop (``asyncio.run``), as tests that use aiobotocore
without an async test plugin do. The AWS behaviours are the ones boto3 sees, checked elsewhere
against their sources; here they must arrive alike through aiobotocore: botocore ``ClientError``s
with AWS's status, code and message (sources: the rows of docs/errors.md cited beside each test).
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from botocore.exceptions import ClientError

pytest.importorskip(
    "aiobotocore",
    reason="aiobotocore is not installed (it comes with pytest-s3sse[test] where a wheel resolves "
    "with the installed botocore)",
)

from aiobotocore.config import AioConfig
from aiobotocore.endpoint import AioEndpoint
from aiobotocore.session import get_session
from aiobotocore.signers import AioRequestSigner
from sse_c_support import (
    KEY,
    KEY_MD5,
    MSG_INSECURE,
    MSG_WRONG_KEY,
    OTHER_KEY,
    sse_c,
)
from support import error

from pytest_s3sse import RealAWSCallBlockedError, mock_s3sse
from pytest_s3sse._internal.wire import activation
from pytest_s3sse._internal.wire.guard import Guard

T = TypeVar("T")
NO_RETRY = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"})
BODY = b"aiobotocore says hello"
MiB = 1024 * 1024


def run(scenario: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """The scenario on a fresh event loop."""
    return asyncio.run(scenario(*args, **kwargs))  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def client(service: str = "s3", **kwargs: Any) -> AsyncIterator[Any]:
    """An aiobotocore client of a fresh session (dummy credentials, no retries)."""
    kwargs.setdefault("region_name", "us-east-1")
    kwargs.setdefault("aws_access_key_id", "AKIDTEST")
    kwargs.setdefault("aws_secret_access_key", "secret")
    kwargs.setdefault("config", NO_RETRY)
    async with get_session().create_client(service, **kwargs) as made:
        yield made


async def put_and_get(**sse: Any) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    async with client() as s3:
        put = await s3.put_object(Bucket="bkt", Key="k", Body=BODY, **sse)
        got = await s3.get_object(Bucket="bkt", Key="k", **_read_args(sse))
        async with got["Body"] as body:
            data = await body.read()
        return put, got, data


def _read_args(sse: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sse.items() if k.startswith("SSECustomer")}


# -- put, get, head, list, delete with each SSE mode ---------------------------------------------


def test_put_and_get_with_sse_s3(s3sse, bucket):
    put, got, data = run(put_and_get, ServerSideEncryption="AES256")
    assert data == BODY
    assert put["ServerSideEncryption"] == got["ServerSideEncryption"] == "AES256"
    s3sse.assert_encrypted("bkt", "k", mode="AES256")


def test_put_and_get_with_sse_kms_under_a_customer_key(s3sse, bucket, key):
    put, got, data = run(put_and_get, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    assert data == BODY
    assert got["SSEKMSKeyId"] == put["SSEKMSKeyId"] == key["Arn"]
    s3sse.assert_encrypted("bkt", "k", mode="aws:kms", kms_key=key["KeyId"])
    s3sse.assert_kms_calls(CreateKey=1, GenerateDataKey=1, Decrypt=1)


def test_put_and_get_with_sse_c(s3sse, s3, ssec_bucket):
    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with client() as aio:
            await aio.put_object(Bucket=ssec_bucket, Key="k", Body=BODY, **sse_c())
            got = await aio.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
            return got, await got["Body"].read()

    got, data = run(scenario)
    assert data == BODY
    assert got["SSECustomerKeyMD5"] == KEY_MD5  # A: LocalStack's AWS-validated snapshot (5.1)
    s3sse.assert_readable_only_with(ssec_bucket, "k", KEY)


def test_head_list_and_delete(s3sse, bucket):
    async def scenario() -> tuple[dict[str, Any], list[str], list[str]]:
        async with client() as s3:
            await s3.put_object(Bucket="bkt", Key="a/1", Body=BODY, ServerSideEncryption="aws:kms")
            await s3.put_object(Bucket="bkt", Key="a/2", Body=b"")
            head = await s3.head_object(Bucket="bkt", Key="a/1")
            listed = await s3.list_objects_v2(Bucket="bkt", Prefix="a/")
            await s3.delete_object(Bucket="bkt", Key="a/1")
            after = await s3.list_objects_v2(Bucket="bkt")
            return (
                head,
                [o["Key"] for o in listed["Contents"]],
                [o["Key"] for o in after["Contents"]],
            )

    head, listed, after = run(scenario)
    assert (head["ContentLength"], head["ServerSideEncryption"]) == (len(BODY), "aws:kms")
    assert listed == ["a/1", "a/2"]
    assert after == ["a/2"]


def test_a_paginator_walks_every_page(s3sse, bucket):
    async def scenario() -> list[str]:
        async with client() as s3:
            for i in range(5):
                await s3.put_object(Bucket="bkt", Key=f"k{i}", Body=b"x")
            paginator = s3.get_paginator("list_objects_v2")
            return [o["Key"] async for page in paginator.paginate(Bucket="bkt", MaxKeys=2)
                    for o in page["Contents"]]  # fmt: skip

    assert run(scenario) == [f"k{i}" for i in range(5)]


def test_a_large_object_streams_back_in_chunks(s3sse, bucket):
    """A body over the engine's streaming threshold is decrypted as it is read, in any chunk size."""
    payload = bytes(range(256)) * (6 * MiB // 256)

    async def scenario() -> tuple[list[int], bytes]:
        async with client() as s3:
            await s3.put_object(Bucket="bkt", Key="big", Body=payload)
            got = await s3.get_object(Bucket="bkt", Key="big")
            sizes, pieces = [], []
            async for piece in got["Body"].iter_chunks(MiB + 1):
                sizes.append(len(piece))
                pieces.append(piece)
            return sizes, b"".join(pieces)

    sizes, data = run(scenario)
    assert data == payload
    assert sizes[0] == MiB + 1
    assert len(sizes) == 6


def test_a_ranged_get_answers_the_slice(s3sse, bucket):
    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with client() as s3:
            await s3.put_object(Bucket="bkt", Key="k", Body=BODY, ServerSideEncryption="aws:kms")
            got = await s3.get_object(Bucket="bkt", Key="k", Range="bytes=4-10")
            return got, await got["Body"].read()

    got, data = run(scenario)
    assert data == BODY[4:11]
    assert got["ContentRange"] == f"bytes 4-10/{len(BODY)}"


# -- multipart and copy ---------------------------------------------------------------------------


def test_a_multipart_upload_with_sse_kms(s3sse, bucket, key):
    parts = [b"a" * (5 * MiB), b"b" * 1000]

    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with client() as s3:
            upload = await s3.create_multipart_upload(
                Bucket="bkt", Key="mp", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
            )
            done = []
            for number, part in enumerate(parts, start=1):
                answer = await s3.upload_part(
                    Bucket="bkt",
                    Key="mp",
                    UploadId=upload["UploadId"],
                    PartNumber=number,
                    Body=part,
                )
                done.append({"ETag": answer["ETag"], "PartNumber": number})
            completed = await s3.complete_multipart_upload(
                Bucket="bkt", Key="mp", UploadId=upload["UploadId"], MultipartUpload={"Parts": done}
            )
            got = await s3.get_object(Bucket="bkt", Key="mp")
            return completed, await got["Body"].read()

    completed, data = run(scenario)
    assert data == b"".join(parts)
    assert completed["ETag"].endswith('-2"')
    assert completed["ServerSideEncryption"] == "aws:kms"
    s3sse.assert_encrypted("bkt", "mp", mode="aws:kms", kms_key=key["KeyId"])


def test_a_multipart_upload_with_sse_c(s3sse, s3, ssec_bucket):
    async def scenario() -> bytes:
        async with client() as aio:
            upload = await aio.create_multipart_upload(Bucket=ssec_bucket, Key="mp", **sse_c())
            answer = await aio.upload_part(
                Bucket=ssec_bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1,
                Body=b"c" * 100, **sse_c(),
            )  # fmt: skip
            await aio.complete_multipart_upload(
                Bucket=ssec_bucket, Key="mp", UploadId=upload["UploadId"],
                MultipartUpload={"Parts": [{"ETag": answer["ETag"], "PartNumber": 1}]},
            )  # fmt: skip
            got = await aio.get_object(Bucket=ssec_bucket, Key="mp", **sse_c())
            return await got["Body"].read()

    assert run(scenario) == b"c" * 100
    s3sse.assert_readable_only_with(ssec_bucket, "mp", KEY)


def test_copy_re_encrypts_under_the_destination_key(s3sse, bucket, key):
    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with client() as s3:
            await s3.put_object(Bucket="bkt", Key="src", Body=BODY, ServerSideEncryption="AES256")
            copied = await s3.copy_object(
                Bucket="bkt", Key="dst", CopySource={"Bucket": "bkt", "Key": "src"},
                ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"],
            )  # fmt: skip
            got = await s3.get_object(Bucket="bkt", Key="dst")
            return copied, await got["Body"].read()

    copied, data = run(scenario)
    assert data == BODY
    assert copied["ServerSideEncryption"] == "aws:kms"
    s3sse.assert_encrypted("bkt", "dst", mode="aws:kms", kms_key=key["KeyId"])


def test_a_url_presigned_by_aiobotocore_is_answered_when_fetched_with_requests(s3sse, bucket):
    """SigV4 presigning (SSE-KMS objects require it: docs/errors.md); ``requests`` is answered by the
    engine's requests bridge."""
    import requests  # noqa: PLC0415

    async def scenario() -> str:
        async with client(config=AioConfig(signature_version="s3v4")) as s3:
            await s3.put_object(Bucket="bkt", Key="k", Body=BODY, ServerSideEncryption="aws:kms")
            return await s3.generate_presigned_url(
                "get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=60
            )

    answer = requests.get(run(scenario), timeout=5)
    assert (answer.status_code, answer.content) == (200, BODY)
    assert answer.headers["x-amz-server-side-encryption"] == "aws:kms"


# -- KMS through aiobotocore ------------------------------------------------------------------------


def test_a_kms_client_creates_a_key_that_s3_then_uses(s3sse, bucket):
    async def scenario() -> tuple[str, bytes, bytes]:
        async with client("kms") as kms, client() as s3:
            made = (await kms.create_key(Description="aio"))["KeyMetadata"]
            secret = await kms.encrypt(KeyId=made["KeyId"], Plaintext=b"pt")
            plain = (await kms.decrypt(CiphertextBlob=secret["CiphertextBlob"]))["Plaintext"]
            await s3.put_object(
                Bucket="bkt", Key="k", Body=BODY, ServerSideEncryption="aws:kms",
                SSEKMSKeyId=made["Arn"],
            )  # fmt: skip
            got = await s3.get_object(Bucket="bkt", Key="k")
            return made["Arn"], plain, await got["Body"].read()

    arn, plain, data = run(scenario)
    assert (plain, data) == (b"pt", BODY)
    s3sse.assert_encrypted("bkt", "k", mode="aws:kms", kms_key=arn)


def test_a_kms_error_is_a_client_error_with_kms_s_code(s3sse):
    """docs/kms.md: NotFoundException ``Invalid keyId '<id>'`` (A, reference 9.1)."""

    async def scenario() -> None:
        async with client("kms") as kms:
            await kms.describe_key(KeyId="fake-key-id")

    with pytest.raises(ClientError) as info:
        run(scenario)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400, "NotFoundException", "Invalid keyId 'fake-key-id'",
    )  # fmt: skip


# -- errors arrive as botocore ClientErrors with AWS's codes ------------------------------------


def test_a_missing_key_is_no_such_key(s3sse, bucket):
    """docs/errors.md: 404 NoSuchKey ``The specified key does not exist.`` (A §1)."""

    async def scenario() -> None:
        async with client() as s3:
            await s3.get_object(Bucket="bkt", Key="missing")

    with pytest.raises(ClientError) as info:
        run(scenario)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        404, "NoSuchKey", "The specified key does not exist.",
    )  # fmt: skip
    assert type(info.value).__name__ == "NoSuchKey"  # the modeled exception class, as boto3's


def test_a_head_of_a_missing_key_is_a_bodiless_404(s3sse, bucket):
    """docs/errors.md: HeadObject of a missing key, 404 without a body (A §1)."""

    async def scenario() -> None:
        async with client() as s3:
            await s3.head_object(Bucket="bkt", Key="missing")

    with pytest.raises(ClientError) as info:
        run(scenario)
    assert error(info) == (404, {"Code": "404", "Message": "Not Found"})


def test_sse_c_with_the_wrong_key_is_access_denied(s3sse, s3, ssec_bucket):
    """R2 (A: get-obj-sse-c-wrong-key; aws-sse-behaviour.md section 3)."""
    s3.put_object(Bucket=ssec_bucket, Key="k", Body=BODY, **sse_c())

    async def scenario() -> None:
        async with client() as aio:
            await aio.get_object(Bucket=ssec_bucket, Key="k", **sse_c(OTHER_KEY))

    with pytest.raises(ClientError) as info:
        run(scenario)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (403, "AccessDenied", MSG_WRONG_KEY)


def test_sse_c_over_plain_http_is_refused(s3sse, s3, ssec_bucket):
    """C8 (P: "Amazon S3 rejects any requests made over HTTP when using SSE-C"; text T/S; code U,
    InvalidRequest proposed, docs/sse-c.md)."""

    async def scenario() -> None:
        async with client(endpoint_url="http://localhost:9000") as aio:
            await aio.put_object(Bucket=ssec_bucket, Key="k", Body=BODY, **sse_c())

    with pytest.raises(ClientError) as info:
        run(scenario)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_INSECURE)


# -- which clients, which requests ---------------------------------------------------------------


def test_a_client_built_before_the_engine_started_is_answered():
    """Its session never copied botocore's before-send handler: AioEndpoint._send answers it."""

    async def scenario() -> bytes:
        async with client() as s3:  # built with no engine active
            with mock_s3sse():
                await s3.create_bucket(Bucket="bkt")
                await s3.put_object(
                    Bucket="bkt", Key="k", Body=BODY, ServerSideEncryption="aws:kms"
                )
                got = await s3.get_object(Bucket="bkt", Key="k")
                return await got["Body"].read()

    assert run(scenario) == BODY


def test_a_client_built_without_credentials_signs_with_the_test_credentials(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    async def scenario() -> list[dict[str, Any]]:
        session = get_session()
        async with session.create_client("s3", region_name="us-east-1", config=NO_RETRY) as s3:
            assert await session.get_credentials() is None
            with mock_s3sse():
                await s3.create_bucket(Bucket="bkt")
                return (await s3.list_buckets())["Buckets"]

    assert [b["Name"] for b in run(scenario)] == ["bkt"]


def test_a_body_given_as_a_file_is_read(s3sse, bucket, tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(BODY)

    async def scenario() -> bytes:
        async with client() as s3:
            with path.open("rb") as handle:
                await s3.put_object(Bucket="bkt", Key="k", Body=handle)
            got = await s3.get_object(Bucket="bkt", Key="k")
            return await got["Body"].read()

    assert run(scenario) == BODY


def test_a_plain_http_endpoint_sends_the_body_unchunked_and_it_is_stored(s3sse, bucket):
    """Over http aiobotocore sends a Content-MD5/checksum header and a plain body instead of aws-chunked
    (plugin-mechanics.md section 1.5): both forms reach the engine whole."""

    async def scenario() -> bytes:
        async with client(endpoint_url="http://localhost:9000") as s3:
            await s3.put_object(Bucket="bkt", Key="k", Body=BODY)
            got = await s3.get_object(Bucket="bkt", Key="k")
            return await got["Body"].read()

    assert run(scenario) == BODY


def test_requests_from_several_threads_and_loops_are_answered(s3sse, bucket):
    """The engine lives in a module-level slot (no ContextVar): each thread's own event loop sees it."""
    import concurrent.futures  # noqa: PLC0415

    async def one(i: int) -> bytes:
        async with client() as s3:
            await s3.put_object(
                Bucket="bkt", Key=f"k{i}", Body=b"%d" % i, ServerSideEncryption="AES256"
            )
            got = await s3.get_object(Bucket="bkt", Key=f"k{i}")
            return await got["Body"].read()

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: run(one, i), range(8)))
    assert answers == [b"%d" % i for i in range(8)]


def test_no_request_reaches_aiohttp_while_the_engine_is_active(s3sse, bucket, monkeypatch):
    import aiohttp  # noqa: PLC0415

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request reached aiohttp")

    monkeypatch.setattr(aiohttp.ClientSession, "_request", refuse)
    _, _, data = run(put_and_get, ServerSideEncryption="aws:kms")
    assert data == BODY


def test_with_only_the_block_aws_guard_active_a_request_is_stopped_naming_the_test():
    """``--s3sse-block-aws``: the guard serves nothing, so aiobotocore's request is stopped, never
    sent (the guard's text, wire/guard.py)."""
    guard = Guard("test_user.py::test_forgot", "us-east-1")

    async def scenario() -> None:
        async with client() as s3:
            await s3.list_buckets()

    activation.activate(guard)
    try:
        with pytest.raises(RealAWSCallBlockedError, match=r"made by test_user.py::test_forgot"):
            run(scenario)
    finally:
        activation.deactivate(guard)


IMPORTED_LATE = """
import asyncio, sys
from pytest_s3sse import mock_s3sse

with mock_s3sse():
    print("aiobotocore" in sys.modules)
    from aiobotocore.session import get_session

    async def scenario():
        async with get_session().create_client("s3", region_name="us-east-1") as s3:
            await s3.create_bucket(Bucket="bkt")
            await s3.put_object(Bucket="bkt", Key="k", Body=b"late")
            return await (await s3.get_object(Bucket="bkt", Key="k"))["Body"].read()

    print(asyncio.run(scenario()))
"""


def test_activation_does_not_import_aiobotocore_and_a_later_import_is_answered():
    """Importing aiobotocore costs ~200 ms: the first activation leaves it to the first request
    that finds it imported (a fresh interpreter: this one has imported it)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED_LATE],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split("\n")[:2] == ["False", "b'late'"]


def test_aiobotocore_is_restored_once_no_engine_is_active():
    send = AioEndpoint.__dict__["_send"]
    auth = AioRequestSigner.__dict__["get_auth_instance"]
    with mock_s3sse():
        assert AioEndpoint.__dict__["_send"] is not send
        assert AioRequestSigner.__dict__["get_auth_instance"] is not auth
    assert AioEndpoint.__dict__["_send"] is send
    assert AioRequestSigner.__dict__["get_auth_instance"] is auth

"""aioboto3 answered in-process (issue 16): it builds its clients and resources on aiobotocore, so the
aiobotocore adapter (wire/aiobotocore_adapter.py) answers it with nothing of its own.

aioboto3 pins aiobotocore exactly (15.5.0: ``aiobotocore[boto3]==2.25.1``, so botocore < 1.40.62),
which would choose this suite's botocore; it is therefore not in the ``[test]`` extra. CI installs it
with ``--no-deps`` beside the aiobotocore the extra resolves (``.ci/run``); elsewhere these tests are
skipped, naming that command. The AWS answers are the ones boto3 sees (docs/errors.md rows cited
beside each check).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from botocore.exceptions import ClientError

aioboto3 = pytest.importorskip(
    "aioboto3",
    reason="aioboto3 is not installed; it pins aiobotocore exactly, so install it beside the "
    "[test] extra's with: pip install --no-deps aioboto3 aiofiles",
)

from sse_c_support import KEY, KEY_MD5, MSG_KEY_REQUIRED, sse_c  # noqa: E402
from support import error  # noqa: E402

T = TypeVar("T")
BODY = b"aioboto3 says hello"


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(scenario())  # type: ignore[arg-type]


def session() -> Any:
    return aioboto3.Session(
        region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="secret"
    )


def test_a_client_puts_and_gets_an_sse_kms_object_under_a_customer_key(s3sse, bucket, key):
    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with session().client("s3") as s3:
            await s3.put_object(
                Bucket=bucket,
                Key="k",
                Body=BODY,
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=key["KeyId"],
            )
            got = await s3.get_object(Bucket=bucket, Key="k")
            async with got["Body"] as body:
                return got, await body.read()

    got, data = run(scenario)
    assert data == BODY
    assert (got["ServerSideEncryption"], got["SSEKMSKeyId"]) == ("aws:kms", key["Arn"])
    s3sse.assert_encrypted(bucket, "k", mode="aws:kms", kms_key=key["KeyId"])


def test_a_client_puts_and_gets_an_sse_c_object(s3sse, ssec_bucket):
    async def scenario() -> tuple[dict[str, Any], bytes]:
        async with session().client("s3") as s3:
            await s3.put_object(Bucket=ssec_bucket, Key="k", Body=BODY, **sse_c())
            got = await s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
            return got, await got["Body"].read()

    got, data = run(scenario)
    assert data == BODY
    assert got["SSECustomerKeyMD5"] == KEY_MD5  # A: LocalStack's AWS-validated snapshot (5.1)
    s3sse.assert_readable_only_with(ssec_bucket, "k", KEY)


def test_the_resource_api_writes_reads_and_lists_with_sse_kms(s3sse, bucket):
    async def scenario() -> tuple[bytes, list[str], str]:
        async with session().resource("s3") as s3:
            obj = await s3.Object(bucket, "r")
            await obj.put(Body=BODY, ServerSideEncryption="aws:kms")
            data = await (await obj.get())["Body"].read()
            listed = [o.key async for o in (await s3.Bucket(bucket)).objects.all()]
            await obj.load()
            return data, listed, await obj.server_side_encryption

    data, listed, mode = run(scenario)
    assert (data, listed, mode) == (BODY, ["r"], "aws:kms")
    s3sse.assert_encrypted(bucket, "r", mode="aws:kms")


def test_the_resource_api_managed_upload_applies_the_extra_args(s3sse, bucket):
    async def scenario() -> bytes:
        async with session().resource("s3") as s3:
            target = await s3.Bucket(bucket)
            await target.upload_fileobj(
                io.BytesIO(BODY), "up", ExtraArgs={"ServerSideEncryption": "aws:kms"}
            )
            return await (await (await s3.Object(bucket, "up")).get())["Body"].read()

    assert run(scenario) == BODY
    s3sse.assert_encrypted(bucket, "up", mode="aws:kms")


def test_a_missing_key_is_aws_no_such_key(s3sse, bucket):
    async def scenario() -> None:
        async with session().client("s3") as s3:
            await s3.get_object(Bucket=bucket, Key="missing")

    with pytest.raises(ClientError) as err:
        run(scenario)
    # docs/errors.md NoSuchKey (A §1)
    assert error(err) == (
        404,
        {"Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": "missing"},
    )


def test_an_sse_c_object_read_without_its_key_is_aws_invalid_request(s3sse, ssec_bucket):
    async def scenario() -> None:
        async with session().client("s3") as s3:
            await s3.put_object(Bucket=ssec_bucket, Key="k", Body=BODY, **sse_c())
            await s3.get_object(Bucket=ssec_bucket, Key="k")

    with pytest.raises(ClientError) as err:
        run(scenario)
    status, body = error(err)  # docs/errors.md, SSE-C row R1 (A: get-obj-no-sse-c)
    assert (status, body["Code"], body["Message"]) == (400, "InvalidRequest", MSG_KEY_REQUIRED)

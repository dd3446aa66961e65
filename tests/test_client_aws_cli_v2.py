"""The AWS CLI v2 as a subprocess of the test, through the local endpoint (issue 16;
docs/clients/aws-cli.md).

The CLI v2 is not on PyPI (the ``aws`` of the ``[test]`` extra is the CLI v1, tested in
tests/test_local_endpoint.py): these tests look for a binary that reports ``aws-cli/2.`` (the
environment variable ``S3SSE_AWS_CLI_V2``, then ``/usr/local/bin/aws``, ``/usr/bin/aws`` and ``aws``
on PATH) and are skipped, saying so, without one. Debian 12's ``apt-get install awscli`` is v2.9.19.
Each CLI run costs about a second, so independent runs go in parallel. AWS's answers: docs/errors.md
rows cited beside each check.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from sse_c_support import KEY, MSG_KEY_REQUIRED, unblock_sse_c
from sse_c_support import sse_c as boto3_sse_c

from pytest_s3sse import S3SSEServer

MiB = 1024 * 1024


@cache
def cli_v2() -> tuple[str | None, str]:
    """The path of an AWS CLI v2 (None if there is none), and what was found."""
    candidates = [os.environ.get("S3SSE_AWS_CLI_V2"), "/usr/local/bin/aws", "/usr/bin/aws"]
    candidates.append(shutil.which("aws"))
    seen = []
    for path in dict.fromkeys(c for c in candidates if c and Path(c).is_file()):
        try:
            version = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=60, check=False
            ).stdout.strip()
        except OSError as err:
            version = str(err)
        if version.startswith("aws-cli/2."):
            return path, version
        seen.append(f"{path}: {version.split(' ')[0] or 'no version'}")
    return None, "; ".join(seen) or "no aws binary"


@pytest.fixture
def aws(s3sse_server: S3SSEServer, s3, tmp_path):
    """Run the CLI v2 against the endpoint (``--endpoint-url``, ``--ca-bundle``); returns a function
    of the CLI arguments that gives the finished process."""
    path, found = cli_v2()
    if path is None:
        pytest.skip(
            "no AWS CLI v2 (a binary reporting aws-cli/2.; set S3SSE_AWS_CLI_V2 to its path, or "
            f"apt-get install awscli on Debian 12): found {found}"
        )
    s3.create_bucket(Bucket="bkt")
    # The CLI v2 brings its own Python: none of this interpreter's paths, none of its AWS_* settings.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON", "VIRTUAL_ENV"))
    }
    env |= s3sse_server.env | {"HOME": str(tmp_path)}  # no ~/.aws of the developer's
    base = [path, "--endpoint-url", s3sse_server.endpoint_url]
    base += ["--ca-bundle", str(s3sse_server.ca_bundle), "--no-cli-pager"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    return run


def parallel(*runs):
    with ThreadPoolExecutor(len(runs)) as pool:
        return list(pool.map(lambda call: call(), runs))


def test_s3_cp_with_sse_kms_uploads_in_parts_and_downloads(aws, s3sse_server, key, tmp_path):
    data = os.urandom(9 * MiB)  # past the CLI's 8 MiB threshold: a multipart upload
    (tmp_path / "in.bin").write_bytes(data)
    up = aws("s3", "cp", str(tmp_path / "in.bin"), "s3://bkt/big.bin",
             "--sse", "aws:kms", "--sse-kms-key-id", key["KeyId"])  # fmt: skip
    assert up.returncode == 0, up.stderr
    down = aws("s3", "cp", "s3://bkt/big.bin", str(tmp_path / "out.bin"))
    assert down.returncode == 0, down.stderr
    assert (tmp_path / "out.bin").read_bytes() == data
    s3sse_server.assert_encrypted("bkt", "big.bin", "SSE-KMS", key["KeyId"])


def test_s3api_writes_sse_c_aws_chunked_with_a_crc32_and_a_read_without_the_key_is_invalid_request(
    aws, s3sse_server, s3, tmp_path
):
    unblock_sse_c(s3, "bkt")  # since April 2026 a new bucket refuses SSE-C until this
    (tmp_path / "in.txt").write_bytes(b"customer key")
    sse_c = ["--sse-customer-algorithm", "AES256", "--sse-customer-key", KEY.decode()]
    # --checksum-algorithm: the CLI v2 sends the body aws-chunked, Transfer-Encoding: chunked, with a
    # trailing x-amz-checksum-crc32 (as botocore does by default since 1.36).
    put = aws("s3api", "put-object", "--bucket", "bkt", "--key", "c.txt",
              "--body", str(tmp_path / "in.txt"), "--checksum-algorithm", "CRC32", *sse_c)  # fmt: skip
    assert put.returncode == 0, put.stderr
    head = s3.head_object(Bucket="bkt", Key="c.txt", ChecksumMode="ENABLED", **boto3_sse_c())
    assert (
        head["ChecksumCRC32"]
        == base64.b64encode(zlib.crc32(b"customer key").to_bytes(4, "big")).decode()
    )
    get_object = ("s3api", "get-object", "--bucket", "bkt", "--key", "c.txt")
    get, without_key = parallel(
        lambda: aws(*get_object, *sse_c, str(tmp_path / "out.txt")),
        lambda: aws(*get_object, str(tmp_path / "never.txt")),
    )
    assert get.returncode == 0, get.stderr
    assert (tmp_path / "out.txt").read_bytes() == b"customer key"
    s3sse_server.assert_readable_only_with("bkt", "c.txt", KEY)
    # docs/errors.md, SSE-C row R1 (A: get-obj-no-sse-c); the CLI exits 254 on a service error.
    assert without_key.returncode == 254
    assert "(InvalidRequest) when calling the GetObject operation" in without_key.stderr
    assert MSG_KEY_REQUIRED in without_key.stderr

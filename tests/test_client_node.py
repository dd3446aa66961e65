"""A non-Python SDK through the local endpoint: the AWS SDK for JavaScript v3 (issue 16;
docs/clients/javascript.md).

``tests/clients/node/s3sse_check.cjs`` runs in Node against ``s3sse_server`` and prints what each
step answered. It needs ``node`` and a ``node_modules`` holding ``@aws-sdk/client-s3``: the directory
named by ``S3SSE_NODE_MODULES``, or ``tests/clients/node/node_modules`` (git-ignored), which
``npm install --prefix tests/clients/node`` fills from the package.json there; with neither, the
test installs the SDK itself with npm into a temporary folder (CI reaches the npm registry), and is
skipped, naming the command, only when node, npm or the registry is not there. AWS's answers: docs/errors.md rows cited beside each check.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from sse_c_support import KEY, KEY_MD5, MSG_KEY_REQUIRED, unblock_sse_c

HERE = Path(__file__).parent / "clients" / "node"
SCRIPT = HERE / "s3sse_check.cjs"


def node_modules() -> Path | None:
    named = os.environ.get("S3SSE_NODE_MODULES")
    for folder in (Path(named) if named else None, HERE / "node_modules"):
        if folder is not None and (folder / "@aws-sdk" / "client-s3" / "package.json").is_file():
            return folder
    return None


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    executable, modules = shutil.which("node"), node_modules()
    npm = shutil.which("npm")
    if executable is not None and modules is None and npm is not None:
        modules = _npm_install(npm, tmp_path_factory.mktemp("node"))
    if executable is None or modules is None:
        pytest.skip(
            f"needs node ({'found' if executable else 'not found'}) and @aws-sdk/client-s3 "
            f"({'found' if modules else 'not found'}, npm {'found' if npm else 'not found'}): "
            f"npm install --prefix {HERE} (its package.json names the SDK), or set "
            "S3SSE_NODE_MODULES to a node_modules that has it"
        )
    return executable, modules


def _npm_install(npm: str, prefix: Path) -> Path | None:
    """The SDK installed from the npm registry into ``prefix`` (CI reaches the registry; a machine
    that does not gets a skip naming the command), or None."""
    shutil.copy(HERE / "package.json", prefix / "package.json")
    try:
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    folder = prefix / "node_modules"
    if done.returncode != 0 or not (folder / "@aws-sdk" / "client-s3" / "package.json").is_file():
        return None
    return folder


def test_the_javascript_sdk_writes_and_reads_sse_kms_and_sse_c_and_gets_aws_errors(
    node, s3sse_server, s3, key
):
    executable, modules = node
    s3.create_bucket(Bucket="bkt")
    unblock_sse_c(s3, "bkt")  # since April 2026 a new bucket refuses SSE-C until this
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= s3sse_server.env | {
        "NODE_EXTRA_CA_CERTS": str(s3sse_server.ca_bundle),
        "S3SSE_NODE_MODULES": str(modules),
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    done = subprocess.run(
        [executable, str(SCRIPT), "bkt", key["KeyId"], KEY.decode()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # The SDK sends a CRC32 of the body by default (since 3.729); S3 answers it back.
    crc32 = base64.b64encode(zlib.crc32(b"from node").to_bytes(4, "big")).decode()
    assert out["put"] == {
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": key["Arn"],
        "ChecksumCRC32": crc32,
    }
    assert out["get"] == {"body": "from node", "ServerSideEncryption": "aws:kms"}
    assert out["getSseC"] == {"body": "customer key", "SSECustomerKeyMD5": KEY_MD5}
    s3sse_server.assert_encrypted("bkt", "kms.txt", "SSE-KMS", key["KeyId"])
    s3sse_server.assert_readable_only_with("bkt", "c.txt", KEY)
    # docs/errors.md NoSuchKey (A §1); SSE-C row R1 (A: get-obj-no-sse-c). HeadObject has no body:
    # the SDK names the error after the status.
    assert out["missing"] == {
        "name": "NoSuchKey",
        "status": 404,
        "message": "The specified key does not exist.",
    }
    assert out["withoutKey"] == {
        "name": "InvalidRequest",
        "status": 400,
        "message": MSG_KEY_REQUIRED,
    }
    assert out["headWithoutKey"]["status"] == 400

"""Secret hygiene (issue 11): no repr prints an SSE-C key, no cache holding key material outlives its
engine, and the test API refuses what it cannot do instead of doing something else."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.s3.rest.call import Call
from pytest_s3sse._internal.s3.rest.routing import Target
from pytest_s3sse._internal.types import Principal

KEY = os.urandom(32)
KEY_B64 = base64.b64encode(KEY).decode()
MD5_B64 = base64.b64encode(hashlib.md5(KEY).digest()).decode()


def _request() -> HttpRequest:
    prefix = "x-amz-server-side-encryption-customer-"
    copy = "x-amz-copy-source-server-side-encryption-customer-"
    headers = {
        prefix + "algorithm": "AES256",
        prefix + "key": KEY_B64,
        prefix + "key-md5": MD5_B64,
        copy + "algorithm": "AES256",
        copy + "key": KEY_B64,
        copy + "key-md5": MD5_B64,
        "x-amz-meta-note": "kept",
    }
    return HttpRequest("PUT", "https", "b.s3.amazonaws.com", "/k", headers=headers)


def test_an_http_requests_repr_redacts_the_sse_c_key_headers():
    text = repr(_request())
    assert KEY_B64 not in text
    assert MD5_B64 not in text
    assert "<redacted>" in text
    assert "kept" in text  # other headers are still shown


def test_an_http_responses_repr_redacts_the_echoed_key_md5():
    headers = {"x-amz-server-side-encryption-customer-key-MD5": MD5_B64, "etag": '"e"'}
    text = repr(HttpResponse(200, headers, b""))
    assert MD5_B64 not in text
    assert '"e"' in text


def test_a_calls_repr_redacts_the_sse_c_key_headers():
    principal = Principal("111122223333", "arn:aws:iam::111122223333:root")
    context = RequestContext.internal(
        principal, time=datetime.now(timezone.utc), region="us-east-1"
    )
    call = Call(_request(), Target("b", "k", None), context, "PutObject")
    text = repr(call)
    assert KEY_B64 not in text
    assert MD5_B64 not in text


_ENGINE_GOES_AWAY = """
import gc, boto3
from botocore.config import Config
from pytest_s3sse import mock_s3sse
from pytest_s3sse._internal.crypto.aead import Aead

def live():
    return sum(1 for obj in gc.get_objects() if type(obj) is Aead)

gc.collect()
before = live()
with mock_s3sse():
    kms = boto3.client("kms", region_name="us-east-1", aws_access_key_id="AKIDTEST",
                       aws_secret_access_key="secret",
                       config=Config(retries={"total_max_attempts": 1}))
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"secret"
    assert live() > before
del kms
gc.collect()
print(live() - before)
"""


def test_a_kms_keys_cipher_does_not_outlive_its_engine():
    """crypto/kms_blob kept a module-level cache of ciphers keyed by KMS key material; each is now
    held by its key material, so it goes with its engine. Run in a fresh interpreter: inside this
    suite the plugin keeps the test's engines until the report is written."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", _ENGINE_GOES_AWAY],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert out.stdout.strip() == "0"


@pytest.mark.parametrize("where", ["negative", "past-the-end"])
def test_tamper_refuses_an_offset_outside_the_stored_bytes(s3, bucket, s3sse, where):
    """A negative offset used to flip a byte counted from the end; it is out of range, as documented."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    offset = -1 if where == "negative" else s3sse.stored(bucket, "k").stored_size
    with pytest.raises(ValueError, match="offset"):
        s3sse.tamper(bucket, "k", offset=offset)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"  # nothing was flipped


def test_the_docs_retry_advice_disables_retries():
    """``retries={"max_attempts": 1}`` still allows one retry in botocore (it counts retries, not
    attempts); ``total_max_attempts`` counts attempts (botocore "Retries" guide, P)."""
    root = Path(__file__).resolve().parent.parent
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        assert '"max_attempts": 1' not in page.read_text(encoding="utf-8"), page.name


def test_a_post_forms_repr_redacts_the_sse_c_key_fields():
    from pytest_s3sse._internal.s3.rest.post_form import PostForm  # noqa: PLC0415

    fields = {
        "key": "k",
        "x-amz-server-side-encryption-customer-key": KEY_B64,
        "x-amz-server-side-encryption-customer-key-md5": MD5_B64,
    }
    text = repr(PostForm(fields, b"data", None, "k", _request()))
    assert KEY_B64 not in text
    assert MD5_B64 not in text
    assert "'key': 'k'" in text

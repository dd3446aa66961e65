"""obstore (Python bindings of Rust's object_store) through the local endpoint (issue 16;
docs/clients/obstore.md).

obstore sends its requests through reqwest and rustls, past every in-process adapter: an ``S3Store``
is pointed at ``s3sse_server`` and trusts its CA with ``client_options={"root_certificate": PEM}``.
Its SSE settings (``server_side_encryption``, ``sse_kms_key_id``, ``sse_bucket_key_enabled``,
``sse_customer_key_base64``) become S3's SSE headers on every write (and SSE-C's on every read).
"""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from clients_support import object_store_config
from sse_c_support import KEY, unblock_sse_c

obs = pytest.importorskip("obstore", reason="obstore is not installed (it comes with [test])")

from obstore.exceptions import AlreadyExistsError, GenericError  # noqa: E402
from obstore.store import S3Store  # noqa: E402

from pytest_s3sse import S3SSEServer  # noqa: E402

MiB = 1024 * 1024


def store(server: S3SSEServer, bucket: str = "bkt", **config: Any) -> Any:
    """An S3Store of ``bucket`` on the endpoint, trusting its CA, with no retries."""
    client_options = {}
    if server.ca_bundle is not None:
        client_options["root_certificate"] = Path(server.ca_bundle).read_text()
    return S3Store(
        bucket,
        config=object_store_config(server, **config),
        client_options=client_options,
        retry_config={"max_retries": 0, "backoff": {}, "retry_timeout": timedelta(seconds=5)},
    )


@pytest.fixture
def server(s3sse_server, s3):
    s3.create_bucket(Bucket="bkt")
    return s3sse_server


def test_put_get_and_list_under_the_bucket_default_sse_s3(server):
    plain = store(server)
    obs.put(plain, "logs/1", b"one")
    obs.put(plain, "logs/2", b"two")
    assert bytes(obs.get(plain, "logs/1").bytes()) == b"one"
    listed = [meta["path"] for batch in obs.list(plain, prefix="logs") for meta in batch]
    assert sorted(listed) == ["logs/1", "logs/2"]
    server.assert_encrypted("bkt", "logs/1", "SSE-S3")


def test_sse_kms_with_a_bucket_key_from_the_store_config(server, key):
    kms_store = store(
        server,
        aws_server_side_encryption="aws:kms",
        aws_sse_kms_key_id=key["KeyId"],
        aws_sse_bucket_key_enabled="true",
    )
    obs.put(kms_store, "k", b"under kms")
    assert bytes(obs.get(store(server), "k").bytes()) == b"under kms"
    stored = server.stored("bkt", "k")
    server.assert_encrypted("bkt", "k", "SSE-KMS", key["KeyId"])
    assert stored.bucket_key_enabled


def test_a_multipart_upload_carries_sse_kms_to_every_part(server, key):
    kms_store = store(server, aws_server_side_encryption="aws:kms", aws_sse_kms_key_id=key["Arn"])
    data = bytes(range(256)) * (11 * MiB // 256)
    server.expect_requests("CreateMultipartUpload", "CompleteMultipartUpload", bucket="bkt")
    server.expect_requests("UploadPart", bucket="bkt", times=3)
    obs.put(kms_store, "big", data, chunk_size=5 * MiB)  # 3 parts: a multipart upload
    assert bytes(obs.get(store(server), "big").bytes()) == data
    server.assert_encrypted("bkt", "big", "SSE-KMS", key["KeyId"])
    server.assert_kms_calls(at_most=True, GenerateDataKey=1)


def test_dsse_kms(server, key):
    dsse = store(server, aws_server_side_encryption="aws:kms:dsse", aws_sse_kms_key_id=key["Arn"])
    obs.put(dsse, "d", b"two layers")
    assert bytes(obs.get(dsse, "d").bytes()) == b"two layers"
    server.assert_encrypted("bkt", "d", "DSSE-KMS", key["KeyId"])


def test_sse_c_writes_and_reads_with_the_customer_key(server, s3):
    unblock_sse_c(s3, "bkt")  # since April 2026 a new bucket refuses SSE-C until this
    sse_c = store(
        server,
        aws_server_side_encryption="sse-c",
        aws_sse_customer_key_base64=base64.b64encode(KEY).decode(),
    )
    obs.put(sse_c, "c", b"customer key")
    assert bytes(obs.get(sse_c, "c").bytes()) == b"customer key"
    server.assert_readable_only_with("bkt", "c", KEY)


def test_a_missing_object_is_s3s_no_such_key(server):
    # docs/errors.md NoSuchKey (A §1): obstore raises FileNotFoundError quoting S3's error document.
    with pytest.raises(FileNotFoundError, match="<Code>NoSuchKey</Code>"):
        obs.get(store(server), "missing")


def test_a_create_only_put_of_an_existing_key_is_precondition_failed(server):
    # obstore's mode="create" sends If-None-Match: *; S3 answers 412 PreconditionFailed (A
    # §5c, docs/errors.md), which obstore raises as AlreadyExistsError.
    plain = store(server)
    obs.put(plain, "once", b"first", mode="create")
    with pytest.raises(AlreadyExistsError, match="PreconditionFailed"):
        obs.put(plain, "once", b"second", mode="create")
    assert bytes(obs.get(plain, "once").bytes()) == b"first"


@pytest.mark.s3sse_server(https=False)
def test_over_plain_http_sse_kms_is_refused_as_aws_refuses_it(server, s3, key):
    kms_store = store(server, aws_server_side_encryption="aws:kms", aws_sse_kms_key_id=key["Arn"])
    with pytest.raises(GenericError, match="<Code>InvalidArgument</Code>") as err:
        obs.put(kms_store, "k", b"x")
    # W15 (S; P: CreateMultipartUpload), docs/errors.md
    assert "must be made over a secure connection" in str(err.value)
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0

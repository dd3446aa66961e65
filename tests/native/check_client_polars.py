"""polars reads and writes ``s3://`` paths through the local endpoint (issue 16; docs/clients/polars.md).

polars sends its requests through Rust's object_store (reqwest and rustls), which no in-process
adapter can answer: it is pointed at ``s3sse_server`` with ``storage_options``. It trusts the
endpoint's CA through ``SSL_CERT_FILE`` (read when polars builds its HTTP client; polars 2.1 has no
storage option for a CA, and ignores keys it does not know). ``max_retries: 0`` keeps a failure from
being retried for seconds.
"""

from __future__ import annotations

import base64

import pytest
from clients_support import object_store_config
from sse_c_support import KEY, unblock_sse_c

pl = pytest.importorskip("polars", reason="polars is not installed (it comes with [test])")

from pytest_s3sse import S3SSEServer  # noqa: E402

FRAME = {"item": ["apple", "pear"], "quantity": [3, 5]}
MSG_KMS_INSECURE = (  # W15 (S; P: CreateMultipartUpload), docs/errors.md
    "Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a "
    "secure connection."
)


def options(server: S3SSEServer, **extra: object) -> dict[str, object]:
    return object_store_config(server, max_retries=0, **extra)


@pytest.fixture
def server(s3sse_server, s3, monkeypatch):
    """The endpoint, trusted by polars, with a bucket ``bkt`` (default encryption: SSE-S3)."""
    if s3sse_server.ca_bundle is not None:
        monkeypatch.setenv("SSL_CERT_FILE", s3sse_server.ca_bundle)
    s3.create_bucket(Bucket="bkt")
    return s3sse_server


def test_write_and_read_parquet_under_the_bucket_default_sse_s3(server):
    frame = pl.DataFrame(FRAME)
    frame.write_parquet("s3://bkt/frame.parquet", storage_options=options(server))
    back = pl.read_parquet("s3://bkt/frame.parquet", storage_options=options(server))
    assert back.equals(frame)
    server.assert_encrypted("bkt", "frame.parquet", "SSE-S3")


def test_sse_kms_under_a_customer_key_through_storage_options(server, key):
    sse = {"aws_server_side_encryption": "aws:kms", "aws_sse_kms_key_id": key["KeyId"]}
    frame = pl.DataFrame(FRAME)
    frame.write_parquet("s3://bkt/kms.parquet", storage_options=options(server, **sse))
    lazy = pl.scan_parquet("s3://bkt/kms.parquet", storage_options=options(server))
    assert lazy.filter(pl.col("quantity") > 4).collect()["item"].to_list() == ["pear"]
    server.assert_encrypted("bkt", "kms.parquet", "SSE-KMS", key["KeyId"])


def test_a_bucket_default_of_sse_kms_applies_to_what_polars_writes(server, s3, key):
    s3.put_bucket_encryption(
        Bucket="bkt",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["Arn"],
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    pl.DataFrame(FRAME).write_parquet("s3://bkt/d.parquet", storage_options=options(server))
    assert pl.read_parquet("s3://bkt/d.parquet", storage_options=options(server)).height == 2
    server.assert_encrypted("bkt", "d.parquet", "SSE-KMS", key["KeyId"])


def test_sse_c_with_a_base64_customer_key(server, s3):
    unblock_sse_c(s3, "bkt")  # since April 2026 a new bucket refuses SSE-C until this
    sse = {
        "aws_server_side_encryption": "sse-c",
        "aws_sse_customer_key_base64": base64.b64encode(KEY).decode(),
    }
    frame = pl.DataFrame(FRAME)
    frame.write_parquet("s3://bkt/c.parquet", storage_options=options(server, **sse))
    assert pl.read_parquet("s3://bkt/c.parquet", storage_options=options(server, **sse)).equals(
        frame
    )
    server.assert_readable_only_with("bkt", "c.parquet", KEY)


def test_a_missing_object_is_s3s_no_such_key(server):
    # docs/errors.md NoSuchKey (A §1): polars raises FileNotFoundError quoting S3's error document.
    with pytest.raises(FileNotFoundError, match="<Code>NoSuchKey</Code>"):
        pl.read_parquet("s3://bkt/missing.parquet", storage_options=options(server))


@pytest.mark.s3sse_server(https=False)
def test_over_plain_http_an_sse_kms_bucket_default_is_refused_as_aws_refuses_it(server, s3):
    s3.put_bucket_encryption(
        Bucket="bkt",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    with pytest.raises(OSError, match="400 Bad Request") as err:
        pl.DataFrame(FRAME).write_parquet("s3://bkt/x.parquet", storage_options=options(server))
    assert "<Code>InvalidArgument</Code>" in str(err.value)
    assert f"<Message>{MSG_KMS_INSECURE}</Message>" in str(err.value)
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0


@pytest.mark.s3sse_server(https=False)
def test_over_plain_http_the_sse_s3_default_is_served(server):
    pl.DataFrame(FRAME).write_parquet("s3://bkt/p.parquet", storage_options=options(server))
    assert pl.read_parquet("s3://bkt/p.parquet", storage_options=options(server)).height == 2
    server.assert_encrypted("bkt", "p.parquet", "SSE-S3")

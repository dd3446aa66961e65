"""DuckDB reads and writes ``s3://`` through the local endpoint (issue 16; docs/clients/duckdb.md).

DuckDB's S3 support is its ``httpfs`` extension, which DuckDB downloads from extensions.duckdb.org
(unreachable from CI). The ``[test]`` extra installs it from PyPI instead: ``duckdb-extension-httpfs``
repackages the extension for one DuckDB release (and pins that ``duckdb``); DuckDB checks the
extension's signature when it is loaded. :func:`load_httpfs` takes, in order, an httpfs DuckDB already
has, that wheel's, or ``INSTALL httpfs``; otherwise the tests are skipped, naming what failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_s3sse import S3SSEServer

duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed (it comes with [test])")

MSG_KMS_INSECURE = (  # W15 (S; P: CreateMultipartUpload), docs/errors.md
    "Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a "
    "secure connection."
)


def _wheel_httpfs() -> Path | None:
    """The httpfs binary of the ``duckdb-extension-httpfs`` wheel, if it is for this DuckDB."""
    try:
        import duckdb_extension_httpfs  # noqa: PLC0415 - optional
    except ImportError:
        return None
    folder = Path(duckdb_extension_httpfs.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    binary = folder / "httpfs.duckdb_extension"
    return binary if binary.is_file() else None


def load_httpfs(con: Any) -> None:
    """Load httpfs into ``con``, or skip the test naming why none could be had."""
    failures = []
    attempts = ["LOAD httpfs"]
    if (binary := _wheel_httpfs()) is not None:
        attempts.append(f"LOAD '{binary}'")
    attempts += ["INSTALL httpfs", "LOAD httpfs"]
    for statement in attempts:
        try:
            con.sql(statement)
        except duckdb.Error as err:
            failures.append(f"{statement}: {str(err).splitlines()[0]}")
            continue
        if statement.startswith("LOAD"):
            return
    pytest.skip(
        f"DuckDB {duckdb.__version__} has no httpfs extension (pip install "
        f"duckdb-extension-httpfs=={duckdb.__version__}, or network access for INSTALL httpfs): "
        + "; ".join(failures)
    )


def connect(server: S3SSEServer, *, kms_key_id: str | None = None, trust: bool = True) -> Any:
    """A DuckDB connection whose S3 secret names the endpoint (path-style), verifying its certificate
    against the endpoint's CA (``trust=False``: against the system's CAs only)."""
    con = duckdb.connect()
    load_httpfs(con)
    https = server.ca_bundle is not None
    con.sql("SET http_retries = 0")
    if https:
        con.sql("SET enable_server_cert_verification = true")  # off by default in DuckDB
        if trust:
            con.sql(f"SET ca_cert_file = '{server.ca_bundle}'")
    env = server.env
    kms = f", KMS_KEY_ID '{kms_key_id}'" if kms_key_id else ""
    con.sql(
        f"CREATE SECRET s3sse (TYPE S3, KEY_ID '{env['AWS_ACCESS_KEY_ID']}', "
        f"SECRET '{env['AWS_SECRET_ACCESS_KEY']}', REGION '{env['AWS_DEFAULT_REGION']}', "
        f"ENDPOINT '127.0.0.1:{server.port}', URL_STYLE 'path', USE_SSL {str(https).lower()}{kms})"
    )
    return con


@pytest.fixture
def server(s3sse_server, s3):
    s3.create_bucket(Bucket="bkt")
    return s3sse_server


def test_copy_to_s3_and_read_parquet_under_the_bucket_default_sse_s3(server):
    con = connect(server)
    con.sql("COPY (SELECT range AS n FROM range(3)) TO 's3://bkt/t.parquet' (FORMAT parquet)")
    assert con.sql("SELECT sum(n) FROM read_parquet('s3://bkt/t.parquet')").fetchone() == (3,)
    server.assert_encrypted("bkt", "t.parquet", "SSE-S3")


def test_a_glob_lists_the_bucket(server):
    con = connect(server)
    for name in ("a", "b"):
        con.sql(
            f"COPY (SELECT '{name}' AS name) TO 's3://bkt/part/{name}.parquet' (FORMAT parquet)"
        )
    rows = con.sql("SELECT name FROM read_parquet('s3://bkt/part/*.parquet') ORDER BY name")
    assert rows.fetchall() == [("a",), ("b",)]


def test_a_kms_key_id_in_the_secret_writes_sse_kms(server, key):
    con = connect(server, kms_key_id=key["KeyId"])
    con.sql("COPY (SELECT 42 AS answer) TO 's3://bkt/kms.parquet' (FORMAT parquet)")
    assert con.sql("SELECT answer FROM 's3://bkt/kms.parquet'").fetchone() == (42,)
    server.assert_encrypted("bkt", "kms.parquet", "SSE-KMS", key["KeyId"])


def test_the_endpoint_certificate_is_verified_against_the_ca_bundle(server):
    con = connect(server, trust=False)  # verification on, the endpoint's CA not trusted
    with pytest.raises(duckdb.IOException, match="SSL peer certificate"):
        con.sql("SELECT * FROM read_parquet('s3://bkt/any.parquet')")


def test_a_missing_object_is_a_404(server):
    con = connect(server)
    with pytest.raises(duckdb.HTTPException, match="404") as err:
        con.sql("SELECT * FROM read_parquet('s3://bkt/missing.parquet')")
    assert err.value.status_code == 404  # NoSuchKey (A §1): DuckDB reads it with a HEAD, no body


@pytest.mark.s3sse_server(https=False)
def test_over_plain_http_sse_kms_is_refused_as_aws_refuses_it(server, s3, key):
    con = connect(server, kms_key_id=key["KeyId"])
    with pytest.raises(duckdb.HTTPException) as err:
        con.sql("COPY (SELECT 1 AS n) TO 's3://bkt/x.parquet' (FORMAT parquet)")
    assert err.value.status_code == 400
    assert "<Code>InvalidArgument</Code>" in err.value.body
    assert f"<Message>{MSG_KMS_INSECURE}</Message>" in err.value.body
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0

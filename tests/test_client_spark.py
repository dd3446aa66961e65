"""Spark (s3a) and other JVM clients through the local endpoint (issue 16; docs/clients/spark.md).

Spark's s3a needs ``hadoop-aws`` and the AWS SDK for Java bundle from Maven Central (hundreds of MB,
unreachable from CI), so the Spark test runs only where ``pyspark`` is installed and
``S3SSE_SPARK_JARS`` names those jars; it has not been run by this project's CI. What every JVM
client needs from the endpoint, its CA in a truststore, is checked with the JDK alone wherever
``java`` and ``keytool`` are on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pytest_s3sse import S3SSEServer

JAVA_CHECK = Path(__file__).parent / "clients" / "java" / "TrustCheck.java"
PASSWORD = "s3sse-test"  # of a truststore that holds only the test CA's certificate


def truststore(server: S3SSEServer, folder: Path) -> Path:
    """A PKCS12 truststore holding the endpoint's CA, made with the JDK's keytool."""
    keytool = shutil.which("keytool")
    if keytool is None:
        pytest.skip("the JDK's keytool is not on PATH")
    path = folder / "s3sse-truststore.p12"
    subprocess.run(
        [keytool, "-importcert", "-noprompt", "-alias", "s3sse", "-file", str(server.ca_bundle),
         "-keystore", str(path), "-storetype", "PKCS12", "-storepass", PASSWORD],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return path


def java_options(store: Path) -> list[str]:
    return [
        f"-Djavax.net.ssl.trustStore={store}",
        f"-Djavax.net.ssl.trustStorePassword={PASSWORD}",
        "-Djavax.net.ssl.trustStoreType=PKCS12",
    ]


def test_a_jvm_trusts_the_endpoint_through_a_keytool_truststore(s3sse_server, tmp_path):
    java, javac = shutil.which("java"), shutil.which("javac")
    if java is None or javac is None:
        pytest.skip("no JDK (java and javac) on PATH")
    url = s3sse_server.endpoint_url + "/"
    with ThreadPoolExecutor(2) as pool:  # each JDK tool starts a JVM: about a second
        compiled = pool.submit(
            subprocess.run,
            [javac, "-d", str(tmp_path), str(JAVA_CHECK)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        store = truststore(s3sse_server, tmp_path)
        compiled.result()

        def check(*options: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [java, *options, "-cp", str(tmp_path), "TrustCheck", url],
                capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip

        trusted = pool.submit(check, *java_options(store))
        untrusted = pool.submit(check)
        trusted_run, untrusted_run = trusted.result(), untrusted.result()
    # TLS held: an anonymous ListBuckets is S3's 403 AccessDenied (docs/errors.md, anonymous requests)
    assert (trusted_run.returncode, trusted_run.stdout.strip()) == (0, "403"), trusted_run.stderr
    assert untrusted_run.returncode != 0  # the JVM's own CAs do not know the endpoint's CA
    assert "SSLHandshakeException" in untrusted_run.stderr


def test_spark_writes_and_reads_parquet_under_sse_kms(s3sse_server, s3, key, tmp_path):
    jars = os.environ.get("S3SSE_SPARK_JARS")
    if not jars:
        pytest.skip(
            "S3SSE_SPARK_JARS is not set: Spark's s3a needs hadoop-aws and the AWS SDK for Java "
            "bundle from Maven Central (comma-separated jar paths; docs/clients/spark.md)"
        )
    pytest.importorskip("pyspark", reason="pyspark is not installed")
    from pyspark.sql import SparkSession  # noqa: PLC0415 - optional

    options = " ".join(java_options(truststore(s3sse_server, tmp_path)))
    env = s3sse_server.env
    settings = {
        "spark.jars": jars,
        "spark.driver.extraJavaOptions": options,
        "spark.executor.extraJavaOptions": options,
        "spark.hadoop.fs.s3a.endpoint": s3sse_server.endpoint_url,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.endpoint.region": env["AWS_DEFAULT_REGION"],
        "spark.hadoop.fs.s3a.access.key": env["AWS_ACCESS_KEY_ID"],
        "spark.hadoop.fs.s3a.secret.key": env["AWS_SECRET_ACCESS_KEY"],
        "spark.hadoop.fs.s3a.aws.credentials.provider": (
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
        ),
        "spark.hadoop.fs.s3a.encryption.algorithm": "SSE-KMS",
        "spark.hadoop.fs.s3a.encryption.key": key["Arn"],
    }
    builder = SparkSession.builder.master("local[1]").appName("pytest-s3sse")
    for name, value in settings.items():
        builder = builder.config(name, value)
    s3.create_bucket(Bucket="bkt")
    spark = builder.getOrCreate()
    try:
        spark.createDataFrame([(1, "a"), (2, "b")], ["n", "s"]).write.parquet("s3a://bkt/frame")
        assert sorted(row.n for row in spark.read.parquet("s3a://bkt/frame").collect()) == [1, 2]
    finally:
        spark.stop()
    listed = s3.list_objects_v2(Bucket="bkt", Prefix="frame/")["Contents"]
    parquet = [o["Key"] for o in listed if o["Key"].endswith(".parquet")]
    assert parquet
    for name in parquet:
        s3sse_server.assert_encrypted("bkt", name, "SSE-KMS", key["KeyId"])

"""The pytest plugin itself, run in inner pytest sessions (pytester)."""

from __future__ import annotations

import json
import textwrap

import pytest

PLUGIN: tuple[str, ...] = ()  # the installed entry point loads the plugin in inner runs


@pytest.fixture
def run(pytester):
    def run_(source: str, *args: str, subprocess: bool = False):
        pytester.makepyfile(test_user=textwrap.dedent(source))
        runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest
        # The outer run has imported pytest_s3sse already, so the inner one cannot rewrite it.
        warnings = ("-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")
        return runner(*PLUGIN, "-p", "no:benchmark", *warnings, *args)

    return run_


CLIENT = """
import boto3
def client(region="us-east-1"):
    return boto3.client("s3", region_name=region, aws_access_key_id="a", aws_secret_access_key="b")
"""


def test_the_fixture_gives_an_active_engine_with_default_account_and_region(run):
    result = run(
        CLIENT
        + """
def test_it(s3sse):
    assert s3sse.active
    assert (s3sse.account_id, s3sse.region) == ("123456789012", "us-east-1")
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    s3sse.assert_encrypted("bkt", "k", mode="SSE-S3")
"""
    )
    result.assert_outcomes(passed=1)


def test_each_test_gets_a_fresh_engine(run):
    result = run(
        CLIENT
        + """
def test_first(s3sse):
    client().create_bucket(Bucket="bkt")

def test_second(s3sse):
    assert client().list_buckets()["Buckets"] == []
"""
    )
    result.assert_outcomes(passed=2)


def test_markers_set_options_and_the_closest_wins(run):
    result = run(
        CLIENT
        + """
import pytest
pytestmark = pytest.mark.s3sse(region="eu-west-1", account_id="111122223333")

@pytest.mark.s3sse(region="ap-south-1")
def test_it(s3sse):
    assert (s3sse.account_id, s3sse.region) == ("111122223333", "ap-south-1")
""",
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)


def test_a_misspelt_marker_option_is_an_error_at_setup(run):
    result = run(
        """
import pytest
@pytest.mark.s3sse(regoin="eu-west-1")
def test_it(s3sse):
    pass
"""
    )
    result.assert_outcomes(errors=1)
    assert "TypeError: unknown s3sse marker option(s): ['regoin']" in result.stdout.str()


def test_the_marker_takes_every_engine_option(run):
    result = run(
        """
from datetime import timedelta
import pytest

@pytest.mark.s3sse(root_key_rotation=timedelta(days=1), bucket_key_period=timedelta(minutes=5))
def test_it(s3sse):
    assert s3sse.options.root_key_rotation == timedelta(days=1)
    assert s3sse.options.bucket_key_period == timedelta(minutes=5)
""",
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)


def test_command_line_options_set_the_defaults(run):
    result = run(
        """
def test_it(s3sse):
    assert (s3sse.account_id, s3sse.region) == ("210987654321", "eu-central-1")
""",
        "--s3sse-account-id=210987654321",
        "--s3sse-region=eu-central-1",
    )
    result.assert_outcomes(passed=1)


def test_a_base_seed_makes_each_tests_keys_reproducible(run, pytester):
    source = (
        CLIENT
        + """
import pathlib
def test_it(s3sse):
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"same")
    with pathlib.Path("ciphertexts.txt").open("a") as out:
        out.write(s3sse.stored("bkt", "k").ciphertext.hex() + "\\n")
"""
    )
    run(source, "--s3sse-seed=7").assert_outcomes(passed=1)
    run(source, "--s3sse-seed=7").assert_outcomes(passed=1)
    run(source, "--s3sse-seed=8").assert_outcomes(passed=1)
    first, second, other = (pytester.path / "ciphertexts.txt").read_text().split()
    assert first == second != other


def test_a_module_level_client_built_at_import_is_intercepted(run):
    # A subprocess, so the client really is built before the plugin activates anything.
    result = run(
        """
import boto3
S3 = boto3.client("s3", region_name="us-east-1")

def test_it(s3sse):
    S3.create_bucket(Bucket="imported")
    assert S3.list_buckets()["Buckets"][0]["Name"] == "imported"
""",
        subprocess=True,
    )
    result.assert_outcomes(passed=1)


def test_a_failed_assert_encrypted_is_a_failure_showing_the_actual_state(run):
    result = run(
        CLIENT
        + """
def test_it(s3sse):
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    s3sse.assert_encrypted("bkt", "k", mode="SSE-KMS")
"""
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*expected mode SSE-KMS, found SSE-S3*", "*actual: s3://bkt/k mode=SSE-S3*"]
    )


def test_mock_s3sse_works_inside_hypothesis_given_tests(run):
    result = run(
        CLIENT
        + """
from hypothesis import given, settings, strategies as st
from pytest_s3sse import mock_s3sse

@settings(max_examples=15, deadline=None)
@given(st.binary(max_size=300))
def test_round_trip(data):
    with mock_s3sse():
        s3 = client()
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=data)
        assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == data
"""
    )
    result.assert_outcomes(passed=1)


def test_mock_s3sse_as_a_decorator_gives_each_call_a_fresh_engine(run):
    result = run(
        CLIENT
        + """
from pytest_s3sse import mock_s3sse

@mock_s3sse(region="eu-west-1")
def make_bucket():
    s3 = client("eu-west-1")
    s3.create_bucket(Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return len(s3.list_buckets()["Buckets"])

def test_twice():
    assert make_bucket() == 1
    assert make_bucket() == 1
"""
    )
    result.assert_outcomes(passed=1)


def test_works_under_pytest_xdist(run):
    pytest.importorskip("xdist")
    result = run(
        CLIENT
        + """
import pytest
@pytest.mark.parametrize("n", range(6))
def test_it(s3sse, n):
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key=str(n), Body=b"x" * n)
    assert s3.head_object(Bucket="bkt", Key=str(n))["ContentLength"] == n
""",
        "-n",
        "2",
        subprocess=True,
    )
    result.assert_outcomes(passed=6)


XDIST_ISOLATION = (
    CLIENT
    + """
import json, os, pathlib
import boto3, pytest

@pytest.mark.parametrize("n", range(8))
def test_it(s3sse, n):
    s3 = client()
    kms = boto3.client("kms", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    # Nothing from an earlier test of this worker, nor from the other worker's tests.
    assert s3sse.kms_calls == () and len(s3sse.engine.events) == 0
    assert s3.list_buckets()["Buckets"] == []
    assert kms.list_keys()["Keys"] == []
    s3.create_bucket(Bucket="shared")  # the same name in every test: never BucketAlreadyExists
    s3.put_object(Bucket="shared", Key="k", Body=str(n).encode(), ServerSideEncryption="aws:kms")
    assert s3.get_object(Bucket="shared", Key="k")["Body"].read() == str(n).encode()
    assert s3sse.kms_call_count("GenerateDataKey") == 1
    log = pathlib.Path(os.environ["S3SSE_ISOLATION_LOG"])
    record = {"worker": os.environ.get("PYTEST_XDIST_WORKER", "master"), "pid": os.getpid(),
              "seed": s3sse.seed, "engine": id(s3sse.engine)}
    (log / f"{n}.json").write_text(json.dumps(record))
"""
)


def _isolation_run(run, tmp_path, monkeypatch, name, *args):
    log = tmp_path / name
    log.mkdir()
    monkeypatch.setenv("S3SSE_ISOLATION_LOG", str(log))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # this suite's own, under -n 2
    result = run(XDIST_ISOLATION, "--s3sse-seed", "7", *args, subprocess=True)
    result.assert_outcomes(passed=8)
    return [json.loads((log / f"{n}.json").read_text()) for n in range(8)]


def test_every_xdist_worker_is_isolated_and_seeds_do_not_depend_on_the_worker(
    run, tmp_path, monkeypatch
):
    # Issue 14: "pytest-xdist: every worker isolated (a test proves it with -n 2)". Each test gets
    # a fresh engine in its own worker process (the same bucket name in every test, an empty store,
    # call log and key list at its start), and its seed derives from the base seed and its node id
    # only, so a failure found under -n 2 replays alone.
    pytest.importorskip("xdist")
    parallel = _isolation_run(run, tmp_path, monkeypatch, "parallel", "-n", "2")
    serial = _isolation_run(run, tmp_path, monkeypatch, "serial", "-p", "no:xdist")
    assert {r["worker"] for r in parallel} == {"gw0", "gw1"}
    assert len({r["pid"] for r in parallel}) == 2
    assert len({r["seed"] for r in parallel}) == 8  # each test its own seed
    assert [r["seed"] for r in parallel] == [r["seed"] for r in serial]
    assert {r["worker"] for r in serial} == {"master"}


def test_a_failing_tests_report_shows_its_s3_and_kms_requests(run):
    # The house issue: a network log of the test's requests, S3's KMS calls under their request.
    result = run(
        CLIENT
        + """
import boto3

def test_it(s3sse):
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    kms = boto3.client("kms", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    try:
        s3.get_object(Bucket="bkt", Key="missing")
    except Exception:
        pass
    assert False, "the application misbehaved"
"""
    )
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "s3sse requests (call)" in out
    result.stdout.fnmatch_lines(
        [
            "*1  S3   CreateBucket*bkt*200",
            "*2  KMS  CreateKey*200",
            "*3  S3   PutObject*bkt/k*200  SSE-KMS  arn:aws:kms:us-east-1:123456789012:key/*",
            "*KMS GenerateDataKey via S3  arn:aws:kms:us-east-1:123456789012:key/*  ok",
            "*4  S3   GetObject*bkt/missing*404 NoSuchKey",
        ]
    )


def test_a_passing_test_has_no_request_log(run):
    result = run(
        CLIENT
        + """
def test_it(s3sse):
    client().create_bucket(Bucket="bkt")
""",
        "-rA",
    )
    result.assert_outcomes(passed=1)
    assert "s3sse requests" not in result.stdout.str()


def test_an_engine_started_inside_the_test_is_in_its_report(run):
    result = run(
        CLIENT
        + """
from pytest_s3sse import mock_s3sse

def test_it():
    with mock_s3sse():
        client().create_bucket(Bucket="inner")
    assert False
"""
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*s3sse requests (call)*", "*1  S3   CreateBucket*inner*200"])


def test_a_failing_tests_report_shows_the_engine_seed_and_the_base_seed_that_replays_it(run):
    # Issue 12, point 10: the seed, so a failure that depends on keys or ids can be replayed.
    result = run(
        """
def test_it(s3sse):
    print("SEED", s3sse.seed)
    assert False
"""
    )
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    seed = int(out.split("SEED ")[1].split()[0])
    result.stdout.fnmatch_lines(
        [
            "*s3sse requests (call)*",
            f"engine seed {seed} (replay: pytest --s3sse-seed=* <this test>)",
        ]
    )
    base = out.split("--s3sse-seed=")[1].split()[0]
    replay = run(
        """
def test_it(s3sse):
    print("SEED", s3sse.seed)
    assert False
""",
        f"--s3sse-seed={base}",
    )
    assert f"SEED {seed}" in replay.stdout.str()


def test_an_engine_started_inside_the_test_reports_the_seed_to_pass_back(run):
    result = run(
        """
from pytest_s3sse import mock_s3sse

def test_it():
    with mock_s3sse(seed=42):
        pass
    assert False
"""
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["engine seed 42 (replay: mock_s3sse(seed=42)*"])

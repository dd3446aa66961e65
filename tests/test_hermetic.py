"""While an engine is active, botocore does not read the user's AWS files or profile (issue 12,
point 4), and the engine's region is the region of clients built without one (point 6).

A laptop with a real ``~/.aws`` must run the README's quick start as a bare CI machine does: a
``region = eu-central-1`` there made ``create_bucket`` fail (S3 answers IllegalLocationConstraint to
a CreateBucket without LocationConstraint sent to a non-us-east-1 endpoint), and ``AWS_PROFILE=prod``
gave ProfileNotFound before any request was made.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import boto3
import pytest

from pytest_s3sse import mock_s3sse

README = Path(__file__).resolve().parent.parent / "README.md"
AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


@pytest.fixture
def hostile_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME whose ~/.aws names another region, a profile and bogus credentials."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    aws = home / ".aws"
    aws.mkdir(parents=True)
    (aws / "config").write_text(
        "[default]\nregion = eu-central-1\n\n[profile prod]\nregion = ap-southeast-2\n"
    )
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = AKIABOGUSBOGUSBOGUS0\naws_secret_access_key = bogus\n\n"
        "[prod]\naws_access_key_id = AKIAPRODPRODPRODPROD\naws_secret_access_key = bogus\n"
    )
    monkeypatch.setenv("HOME", str(home))
    return home


def _quick_start() -> str:
    """The README's quick start, as a user pastes it into a new project."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    return next(block for block in blocks if "def test_" in block and "s3sse" in block)


@pytest.mark.parametrize(
    "profile",
    [None, "prod", "missing"],
    ids=["default-profile", "AWS_PROFILE=prod", "AWS_PROFILE=missing"],
)
def test_the_readme_quick_start_passes_with_a_hostile_aws_home(
    pytester, hostile_home, monkeypatch, profile
):
    if profile is not None:
        monkeypatch.setenv("AWS_PROFILE", profile)
    pytester.makepyfile(test_reports=_quick_start())
    # A subprocess: a fresh boto3 default session, which reads HOME as a new project's run does.
    result = pytester.runpytest_subprocess("-p", "no:benchmark")
    result.assert_outcomes(passed=1)


def test_while_active_botocore_sees_empty_aws_files_and_no_profile(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "prod")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE", raising=False)
    with mock_s3sse():
        assert "AWS_PROFILE" not in os.environ
        assert "AWS_DEFAULT_PROFILE" not in os.environ
        config, credentials = (
            os.environ["AWS_CONFIG_FILE"],
            os.environ["AWS_SHARED_CREDENTIALS_FILE"],
        )
        assert Path(config).read_bytes() == Path(credentials).read_bytes() == b""


def test_every_variable_is_restored_exactly_after(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)
    before = dict(os.environ)
    with mock_s3sse():
        pass
    assert dict(os.environ) == before


def test_a_variable_the_test_changed_meanwhile_is_left_as_the_test_set_it(monkeypatch):
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    with mock_s3sse():
        os.environ["AWS_CONFIG_FILE"] = "/the/test/wants/this"
    assert os.environ["AWS_CONFIG_FILE"] == "/the/test/wants/this"
    del os.environ["AWS_CONFIG_FILE"]


# -- point 6: the engine's region is the region of clients built without one ---------------------
def test_a_client_without_a_region_uses_the_engines_region(monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with mock_s3sse(region="eu-west-1"):
        s3 = boto3.client("s3")
        assert s3.meta.region_name == "eu-west-1"
        s3.create_bucket(
            Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        assert s3.get_bucket_location(Bucket="bkt")["LocationConstraint"] == "eu-west-1"


def test_a_region_set_in_the_environment_wins_over_the_engines(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    with mock_s3sse(region="eu-west-1"):
        assert boto3.client("s3").meta.region_name == "ap-south-1"


def test_the_marker_region_is_the_region_of_clients_built_without_one(pytester, hostile_home):
    # Even with a region in ~/.aws/config (hidden while the engine is active).
    pytester.makepyfile(
        textwrap.dedent(
            """
            import boto3
            import pytest

            @pytest.mark.s3sse(region="eu-west-1")
            def test_it(s3sse):
                assert boto3.client("s3").meta.region_name == "eu-west-1"
                assert boto3.client("kms").meta.region_name == "eu-west-1"
                explicit = boto3.client("s3", region_name="us-west-2")
                assert explicit.meta.region_name == "us-west-2"
            """
        )
    )
    pytester.runpytest_subprocess("-p", "no:benchmark").assert_outcomes(passed=1)

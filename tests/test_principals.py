"""Principals: ``s3sse.principal(arn)`` registers an IAM user, role (assumed-role session) or account
root of any account and returns boto3 client keyword arguments that authenticate as it.

Access key formats: P, IAM User Guide "Unique identifier prefixes" (``AKIA`` access keys, ``ASIA``
temporary STS keys); assumed-role session ARNs: P, IAM User Guide "IAM identifiers"
(``arn:aws:sts::<acct>:assumed-role/<role>/<session>``).
"""

from __future__ import annotations

import json
import re

import boto3
import pytest

from pytest_s3sse import S3SSE
from pytest_s3sse._internal.audit import RequestRecord
from pytest_s3sse._internal.options import EngineOptions
from pytest_s3sse._internal.principals import TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY
from pytest_s3sse._internal.types import PrincipalKind
from pytest_s3sse._internal.wire import botocore_adapter

OTHER = "999988887777"


def last_context(s3sse: S3SSE):
    return [e for e in s3sse.engine.events if isinstance(e, RequestRecord)][-1].context


def test_a_user_gets_an_akia_key_and_a_40_character_secret(s3sse):
    creds = s3sse.principal(f"arn:aws:iam::{OTHER}:user/alice")
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", creds["aws_access_key_id"])
    assert len(creds["aws_secret_access_key"]) == 40
    assert "aws_session_token" not in creds
    assert (creds.arn, creds.account_id) == (f"arn:aws:iam::{OTHER}:user/alice", OTHER)


def test_a_boto3_client_built_from_a_user_authenticates_as_it(s3sse):
    creds = s3sse.principal(f"arn:aws:iam::{OTHER}:user/alice")
    boto3.client("s3", region_name="us-east-1", **creds).list_buckets()
    principal = last_context(s3sse).principal
    assert (principal.arn, principal.account_id, principal.kind) == (
        creds.arn,
        OTHER,
        PrincipalKind.IAM_USER,
    )


def test_a_role_authenticates_as_its_assumed_role_session_with_an_asia_key_and_a_token(s3sse):
    creds = s3sse.principal("arn:aws:iam::123456789012:role/path/reader")
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", creds["aws_access_key_id"])
    assert creds["aws_session_token"]
    assert creds.session_arn == "arn:aws:sts::123456789012:assumed-role/reader/s3sse-session"
    boto3.client("s3", region_name="us-east-1", **creds).list_buckets()
    principal = last_context(s3sse).principal
    assert (principal.arn, principal.kind) == (creds.session_arn, PrincipalKind.ASSUMED_ROLE)


def test_the_root_of_another_account_owns_the_buckets_it_creates(s3sse):
    creds = s3sse.principal(f"arn:aws:iam::{OTHER}:root")
    s3 = boto3.client("s3", region_name="us-east-1", **creds)
    s3.create_bucket(Bucket="theirs")
    assert s3.list_buckets()["Owner"]["ID"] != ""
    assert last_context(s3sse).principal.account_id == OTHER


def test_keys_come_from_the_engines_seeded_random_source():
    arn = "arn:aws:iam::123456789012:user/alice"
    with S3SSE(seed=7) as first:
        one = dict(first.principal(arn))
    with S3SSE(seed=7) as second:
        two = dict(second.principal(arn))
    assert one == two


def test_an_identity_policy_is_kept_with_the_principal_as_json(s3sse):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    creds = s3sse.principal("arn:aws:iam::123456789012:user/bob", policy=policy)
    stored = creds.credentials.identity_policy
    assert stored is not None
    assert json.loads(stored) == policy


def test_a_policy_that_is_not_json_is_refused(s3sse):
    with pytest.raises(ValueError, match="JSON"):
        s3sse.principal("arn:aws:iam::123456789012:user/bob", policy="{not json")


@pytest.mark.parametrize(
    "arn",
    [
        "alice",
        "arn:aws:iam::12345:user/a",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::123456789012:group/g",
    ],
)
def test_an_arn_that_is_not_a_user_role_or_root_is_refused(s3sse, arn):
    with pytest.raises(ValueError, match="not an IAM user, role or account root ARN"):
        s3sse.principal(arn)


def test_the_repr_of_credentials_shows_no_secret(s3sse):
    creds = s3sse.principal("arn:aws:iam::123456789012:role/r")
    text = repr(creds) + repr(creds.credentials)
    assert creds["aws_secret_access_key"] not in text
    assert creds["aws_session_token"] not in text


def test_the_default_principal_is_the_test_accounts_root(s3sse, s3):
    assert s3sse.default_principal.arn == "arn:aws:iam::123456789012:root"
    s3.list_buckets()  # an access key the engine does not know
    assert last_context(s3sse).principal == s3sse.default_principal


@pytest.mark.s3sse(default_principal="arn:aws:iam::123456789012:user/ci")
def test_the_default_principal_is_configurable(s3sse, s3):
    s3.list_buckets()
    principal = last_context(s3sse).principal
    assert (principal.arn, principal.kind) == (
        "arn:aws:iam::123456789012:user/ci",
        PrincipalKind.IAM_USER,
    )


def test_a_default_principal_that_is_not_a_root_or_user_arn_is_refused():
    with pytest.raises(ValueError, match="default_principal"):
        EngineOptions(default_principal="arn:aws:iam::123456789012:role/r")


def test_the_plugins_environment_credentials_are_the_default_principals():
    assert (botocore_adapter.TEST_ACCESS_KEY_ID, botocore_adapter.TEST_SECRET_ACCESS_KEY) == (
        TEST_ACCESS_KEY_ID,
        TEST_SECRET_ACCESS_KEY,
    )


def test_add_credentials_still_maps_a_key_to_a_principal(s3sse, make_client):
    s3sse.add_credentials("AKIDOTHER", account_id=OTHER)
    make_client(aws_access_key_id="AKIDOTHER").list_buckets()
    assert last_context(s3sse).principal.arn == f"arn:aws:iam::{OTHER}:root"


def test_a_role_session_can_be_named(s3sse):
    # P: STS AssumeRole RoleSessionName names the session in its ARN.
    creds = s3sse.principal("arn:aws:iam::123456789012:role/app", session_name="job-42")
    assert creds.session_arn == "arn:aws:sts::123456789012:assumed-role/app/job-42"


@pytest.mark.parametrize("name", ["x", "a" * 65, "has space", "slash/no"])
def test_a_session_name_sts_would_refuse_is_a_value_error(s3sse, name):
    with pytest.raises(ValueError, match="role session name"):
        s3sse.principal("arn:aws:iam::123456789012:role/app", session_name=name)

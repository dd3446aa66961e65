"""Condition keys built from a request's context.

Sources: shared/reference/policy-behaviour.md 3.1 (K1-K9, P: IAM global condition keys; K4 P STS
GetCallerIdentity; K6 values and anonymous aws:userid U), 3.2 K17 (P: S3 SigV4 condition keys), 3.3
K19-K20 (P: KMS developer guide conditions).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.policy.keys import global_keys, kms_keys, s3_keys
from pytest_s3sse._internal.types import ANONYMOUS, Principal

ACCOUNT = "123456789012"
WHEN = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)


def context(arn, **changes):
    principal = ANONYMOUS if arn == "anonymous" else Principal(ACCOUNT, arn, "AKIAEXAMPLE")
    return RequestContext(principal, "req-1", WHEN, "eu-west-1")._replace(**changes)


USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def test_secure_transport_follows_the_scheme():
    # K1 (P): always present; true over TLS.
    assert global_keys(context(USER))["aws:SecureTransport"] == "true"
    assert global_keys(context(USER, secure=False))["aws:SecureTransport"] == "false"


def test_principal_arn_of_a_role_session_is_the_role_arn():
    # K2 (P): role session -> the role ARN, not the session ARN.
    assert global_keys(context(SESSION))["aws:PrincipalArn"] == f"arn:aws:iam::{ACCOUNT}:role/app"


def test_principal_arn_is_absent_for_an_anonymous_request():
    # K2 (P): signed requests only.
    assert "aws:PrincipalArn" not in global_keys(context("anonymous"))


def test_principal_account_is_anonymous_for_an_unsigned_request():
    # K3 (P).
    assert global_keys(context("anonymous"))["aws:PrincipalAccount"] == "anonymous"
    assert global_keys(context(USER))["aws:PrincipalAccount"] == ACCOUNT


@pytest.mark.parametrize(
    ("arn", "kind"),
    [(ROOT, "Account"), (USER, "User"), (SESSION, "AssumedRole"), ("anonymous", "Anonymous"),
     (f"arn:aws:sts::{ACCOUNT}:federated-user/bob", "FederatedUser")],
)  # fmt: skip
def test_principal_type(arn, kind):
    # K6 (U values, open point 5).
    assert global_keys(context(arn))["aws:PrincipalType"] == kind


def test_userid_forms():
    # K4 (P): root -> account id; user -> AIDA...; session -> AROA...:session; anonymous (U).
    assert global_keys(context(ROOT))["aws:userid"] == ACCOUNT
    assert global_keys(context(USER))["aws:userid"].startswith("AIDA")
    role_id, session = global_keys(context(SESSION))["aws:userid"].split(":")
    assert role_id.startswith("AROA")
    assert session == "s1"
    assert global_keys(context("anonymous"))["aws:userid"] == "anonymous"


def test_userid_is_stable_per_arn():
    # K4: "Stable generated IDs" (the double's proposal).
    assert global_keys(context(USER))["aws:userid"] == global_keys(context(USER))["aws:userid"]


def test_username_is_present_for_iam_users_only():
    # K5 (P).
    assert global_keys(context(USER))["aws:username"] == "alice"
    assert "aws:username" not in global_keys(context(SESSION))


def test_source_ip_and_current_time_come_from_the_context():
    # K7 (U default 127.0.0.1), K8 (P: request time, ISO 8601 and epoch).
    keys = global_keys(context(USER, source_ip="203.0.113.9"))
    assert keys["aws:SourceIp"] == "203.0.113.9"
    assert keys["aws:CurrentTime"] == "2026-06-01T12:00:00Z"
    assert keys["aws:EpochTime"] == "1780315200"


def test_via_aws_service_is_true_on_calls_s3_makes():
    # K9 (P).
    assert global_keys(context(USER))["aws:ViaAWSService"] == "false"
    assert global_keys(context(USER).invoked_by_service())["aws:ViaAWSService"] == "true"


@pytest.mark.parametrize(
    ("version", "method", "expected"),
    [("SigV4", "AuthHeader", {"s3:signatureversion": "AWS4-HMAC-SHA256", "s3:authType": "REST-HEADER"}),
     ("SigV4", "QueryString", {"s3:signatureversion": "AWS4-HMAC-SHA256", "s3:authType": "REST-QUERY-STRING"}),
     ("SigV2", "QueryString", {"s3:signatureversion": "AWS", "s3:authType": "REST-QUERY-STRING"}),
     (None, None, {})],
)  # fmt: skip
def test_s3_signature_keys(version, method, expected):
    # K17 (P: bucket-policy-s3-sigv4-conditions).
    assert s3_keys(context(USER, signature_version=version, auth_method=method)) == expected


def test_kms_via_service_is_present_only_when_s3_calls():
    # K19 (P): "s3.<region>.amazonaws.com", absent on direct calls; K20 (P) caller account.
    assert kms_keys(context(USER)) == {"kms:CallerAccount": ACCOUNT}
    assert (
        kms_keys(context(USER).invoked_by_service())["kms:ViaService"]
        == "s3.eu-west-1.amazonaws.com"
    )

"""The request context, the gate and the record: who sent each request, whether it may, and what it did.

Sources: anonymous access to a private resource is 403 ``AccessDenied`` "Access Denied"
(policy-behaviour.md D6, A: LocalStack's recording against AWS; audit-behaviour.md F1, A: a real
CloudTrail log); anonymous callers have no signature version or authentication method and the account
``anonymous`` (audit-behaviour.md I4, A; policy-behaviour.md K3); ``SigV4``/``SigV2`` and
``AuthHeader``/``QueryString`` are CloudTrail's ``additionalEventData`` values (audit-behaviour.md).
"""

from __future__ import annotations

import io

import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from support import error

from pytest_s3sse._internal.audit import RequestRecord
from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.sigv4 import authentication
from pytest_s3sse._internal.types import ANONYMOUS, Principal, PrincipalKind
from pytest_s3sse._internal.wire.dispatch import dispatch

ANONYMOUS_CONFIG = Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1})
SIGNED = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/s3/aws4_request"
DENIED = (403, {"Code": "AccessDenied", "Message": "Access Denied"})


def records(s3sse, service="s3"):
    return [r for r in s3sse.engine.events.of(RequestRecord) if r.service == service]


# -- principals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        ("arn:aws:iam::123456789012:root", PrincipalKind.ROOT),
        ("arn:aws:iam::123456789012:user/app", PrincipalKind.IAM_USER),
        ("arn:aws:sts::123456789012:assumed-role/Deploy/session-1", PrincipalKind.ASSUMED_ROLE),
        ("s3.amazonaws.com", PrincipalKind.AWS_SERVICE),
        ("anonymous", PrincipalKind.ANONYMOUS),
    ],
)
def test_a_principal_kind_follows_from_its_arn(arn, kind):
    assert Principal("123456789012", arn).kind is kind


def test_the_anonymous_principal_is_named_as_aws_names_it():
    assert (ANONYMOUS.account_id, ANONYMOUS.arn, ANONYMOUS.anonymous) == (
        "anonymous",
        "anonymous",
        True,
    )


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        (
            {
                "authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request"
            },
            "",
            ("AKID", "SigV4", "AuthHeader"),
        ),
        (
            {"authorization": "AWS4-ECDSA-P256-SHA256 Credential=AKID/20260101/s3/aws4_request"},
            "",
            ("AKID", "SigV4", "AuthHeader"),
        ),
        (
            {},
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request",
            ("AKID", "SigV4", "QueryString"),
        ),
        ({"authorization": "AWS AKID:c2lnbmF0dXJl"}, "", ("AKID", "SigV2", "AuthHeader")),
        ({}, "AWSAccessKeyId=AKID&Signature=x&Expires=1", ("AKID", "SigV2", "QueryString")),
        ({}, "", None),
    ],
)
def test_the_signature_says_who_signed_and_how(headers, query, expected):
    request = HttpRequest("GET", "https", "bkt.s3.amazonaws.com", "/k", query, headers)
    assert authentication(request) == expected


# -- the context of a request ----------------------------------------------------------------------
def test_a_signed_request_carries_its_principal_transport_signature_and_agent(s3sse, s3, bucket):
    sent = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    record = records(s3sse)[-1]
    context = record.context
    assert record.operation == "PutObject"
    assert context.request_id == sent["ResponseMetadata"]["RequestId"]
    assert context.principal.arn == "arn:aws:iam::123456789012:root"
    assert context.principal.access_key_id == ""  # unknown keys act as the account root
    assert (context.secure, context.signature_version, context.auth_method) == (
        True,
        "SigV4",
        "AuthHeader",
    )
    assert (context.region, context.source_ip) == ("us-east-1", "127.0.0.1")
    assert "Boto3/" in context.user_agent
    assert context.time <= s3sse.clock.now()
    assert context.invoked_by is None


def test_registered_credentials_name_their_principal(s3sse, make_client):
    s3sse.add_credentials(
        "AKIDAPP", account_id="123456789012", arn="arn:aws:iam::123456789012:user/app"
    )
    app = make_client(aws_access_key_id="AKIDAPP")
    app.list_buckets()
    principal = records(s3sse)[-1].context.principal
    assert (principal.arn, principal.kind) == (
        "arn:aws:iam::123456789012:user/app",
        PrincipalKind.IAM_USER,
    )


def test_a_presigned_url_is_query_string_authentication(s3sse, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert requests.get(url, timeout=5).content == b"x"
    context = records(s3sse)[-1].context
    assert (context.signature_version, context.auth_method) == ("SigV2", "QueryString")


# -- the gate: anonymous callers -------------------------------------------------------------------
def test_an_anonymous_get_of_a_private_object_is_access_denied(s3sse, s3, bucket, make_client):
    # D6 / F1 (A): 403 AccessDenied "Access Denied".
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    anonymous = make_client(config=ANONYMOUS_CONFIG)
    with pytest.raises(ClientError) as info:
        anonymous.get_object(Bucket=bucket, Key="k")
    assert error(info) == DENIED
    record = records(s3sse)[-1]
    assert (record.operation, record.status, record.error_code) == (
        "GetObject",
        403,
        "AccessDenied",
    )
    assert record.context.anonymous
    assert (record.context.signature_version, record.context.auth_method) == (None, None)


def test_an_anonymous_put_is_denied_and_stores_nothing(s3sse, s3, bucket, make_client):
    anonymous = make_client(config=ANONYMOUS_CONFIG)
    with pytest.raises(ClientError) as info:
        anonymous.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert error(info) == DENIED
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_an_anonymous_list_buckets_is_denied(make_client):
    with pytest.raises(ClientError) as info:
        make_client(config=ANONYMOUS_CONFIG).list_buckets()
    assert error(info) == DENIED


def test_an_unsigned_fetch_of_an_object_url_is_denied(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    response = requests.get(f"https://{bucket}.s3.amazonaws.com/k", timeout=5)
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content


def test_an_unsigned_kms_request_is_missing_its_authentication_token(s3sse, make_client):
    # S: aws kms ... --no-sign-request; U: the status (400, as KMS's client errors).
    with pytest.raises(ClientError) as info:
        make_client("kms", config=ANONYMOUS_CONFIG).list_keys()
    assert error(info) == (
        400,
        {"Code": "MissingAuthenticationTokenException", "Message": "Missing Authentication Token"},
    )
    assert records(s3sse, "kms")[-1].error_code == "MissingAuthenticationTokenException"


# -- the record --------------------------------------------------------------------------------------
def test_every_request_is_recorded_with_its_outcome(s3sse, s3, bucket):
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="missing")
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    create, missing, put, get = records(s3sse)
    assert (create.operation, create.status, create.bucket, create.key) == (
        "CreateBucket",
        200,
        "bkt",
        None,
    )
    assert (missing.status, missing.error_code, missing.key) == (404, "NoSuchKey", "missing")
    assert missing.error_message == "The specified key does not exist."
    assert (put.facts["encryption"].mode.value, put.facts["bytes_in"]) == ("SSE-S3", 5)
    assert get.facts == {"bytes_out": 5}


def test_a_request_no_operation_answers_is_recorded_without_one(s3sse, bucket):
    # MethodNotAllowed (A): PATCH is no S3 method; it never reaches an operation.
    response = dispatch(s3sse.engine, HttpRequest("PATCH", "https", "bkt.s3.amazonaws.com", "/k"))
    assert response is not None
    assert response.status == 405
    record = records(s3sse)[-1]
    assert (record.operation, record.error_code, record.context.anonymous) == (
        None,
        "MethodNotAllowed",
        True,
    )


def test_s3s_kms_calls_carry_the_s3_request_id(s3sse, s3, bucket, key):
    sent = s3.put_object(
        Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )
    request_id = sent["ResponseMetadata"]["RequestId"]
    *_, generate, put = [e for e in s3sse.engine.events if isinstance(e, (KmsCall, RequestRecord))]
    assert isinstance(generate, KmsCall)
    assert (generate.operation, generate.via, generate.request_id) == (
        "GenerateDataKey",
        "s3",
        request_id,
    )
    assert isinstance(put, RequestRecord)
    assert put.request_id == request_id
    assert put.facts["encryption"].kms_key_arn == key["Arn"]


def test_a_direct_kms_call_carries_the_kms_request_id(s3sse, kms, key):
    sent = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    call = s3sse.kms_calls[-1]
    assert (call.via, call.request_id) == ("direct", sent["ResponseMetadata"]["RequestId"])
    assert records(s3sse, "kms")[-1].operation == "Encrypt"


def test_a_malformed_delete_objects_deletes_nothing(s3sse, s3, bucket):
    # The whole document is validated before any key is deleted (MalformedXML, A: LocalStack
    # snapshot test_delete_objects_encoding / malformed documents; issue 11's probe).
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    body = b"<Delete><Object><Key>a</Key></Object><Object/></Delete>"
    response = dispatch(
        s3sse.engine,
        HttpRequest(
            "POST",
            "https",
            "bkt.s3.amazonaws.com",
            "/",
            "delete",
            {"authorization": SIGNED},
            io.BytesIO(body),
        ),
    )
    assert response is not None
    assert (response.status, b"<Code>MalformedXML</Code>" in response.body) == (400, True)
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x"


# -- the authorisation port ------------------------------------------------------------------------
class DenyOne:
    """A decision point that denies one action and records every question."""

    def __init__(self, action):
        self.action = action
        self.asked = []

    def decide(self, context, action, resource, keys=None):
        from pytest_s3sse._internal.policy import ALLOW, Decision  # noqa: PLC0415

        self.asked.append((action, resource.arn))
        return Decision(allowed=False, reason="test") if action == self.action else ALLOW


def use(s3sse, authorizer):
    s3sse.engine.access.authorizer = authorizer
    s3sse.engine.kms._authorizer = authorizer  # the port, as the policy issue will set it


def test_the_gate_asks_for_each_operations_action_on_its_resource(s3sse, s3, bucket):
    port = DenyOne("s3:DeleteObject")
    use(s3sse, port)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.delete_object(Bucket=bucket, Key="k")
    assert error(info) == DENIED
    assert ("s3:PutObject", "arn:aws:s3:::bkt/k") in port.asked
    assert port.asked[-1] == ("s3:DeleteObject", "arn:aws:s3:::bkt/k")


def test_a_copy_asks_for_get_object_on_its_source(s3sse, s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    use(s3sse, DenyOne("s3:GetObject"))
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert error(info) == DENIED
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="dst")  # nothing was written


class DenyKeyA(DenyOne):
    """Denies s3:DeleteObject on the object ``a`` only (the bucket-level request is allowed)."""

    def decide(self, context, action, resource, keys=None):
        from pytest_s3sse._internal.policy import ALLOW, Decision  # noqa: PLC0415

        self.asked.append((action, resource.arn))
        if action == "s3:DeleteObject" and resource.arn.endswith("/a"):
            return Decision(allowed=False, reason="test")
        return ALLOW


def test_delete_objects_asks_key_by_key(s3sse, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x")
    port = DenyKeyA(None)
    use(s3sse, port)
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}]})
    assert result["Errors"] == [{"Key": "a", "Code": "AccessDenied", "Message": "Access Denied"}]
    assert [d["Key"] for d in result["Deleted"]] == ["b"]
    # P, DeleteObjects API reference: s3:DeleteObject on each key, nothing asked of the bucket.
    assert [q for q in port.asked if q[0] == "s3:DeleteObject"] == [
        ("s3:DeleteObject", "arn:aws:s3:::bkt/a"),
        ("s3:DeleteObject", "arn:aws:s3:::bkt/b"),
    ]
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x"


def test_s3s_kms_calls_ask_the_same_port(s3sse, s3, bucket, key):
    # A KMS denial inside S3 is S3's 403 AccessDenied with KMS's text for the bucket owner's
    # principals (policy-behaviour.md V1, A; V4, U).
    use(s3sse, DenyOne("kms:GenerateDataKey"))
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=bucket,
            Key="k",
            Body=b"x",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key["KeyId"],
        )
    assert error(info) == (
        403,
        {
            "Code": "AccessDenied",
            "Message": "User: arn:aws:iam::123456789012:root is not authorized to perform: "
            f"kms:GenerateDataKey on resource: {key['Arn']} test",
        },
    )
    call = s3sse.kms_calls[-1]
    assert (call.operation, call.via, call.error) == (
        "GenerateDataKey",
        "s3",
        "AccessDeniedException",
    )


def test_a_direct_kms_call_denied_by_the_port_is_access_denied_exception(s3sse, kms, key):
    use(s3sse, DenyOne("kms:Encrypt"))
    with pytest.raises(ClientError) as info:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    status, err = error(info)
    assert (status, err["Code"]) == (400, "AccessDeniedException")
    assert err["Message"] == (
        f"User: arn:aws:iam::123456789012:root is not authorized to perform: kms:Encrypt on "
        f"resource: {key['Arn']} test"  # the decision's reason ends the text
    )


def test_an_anonymous_delete_objects_is_denied_key_by_key(s3, bucket, make_client):
    # P (DeleteObjects API reference): s3:DeleteObject is needed on each key; a denied key is
    # answered in the result (U for an anonymous caller: the per-key answer is proposed).
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    anonymous = make_client(config=ANONYMOUS_CONFIG)
    result = anonymous.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}]})
    assert result["Errors"] == [{"Key": "a", "Code": "AccessDenied", "Message": "Access Denied"}]
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x"

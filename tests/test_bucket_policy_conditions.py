"""Bucket-policy conditions on the keys each S3 operation carries: the seeds' policies, same- and
cross-account, and whom a statement names.

Sources (shared/reference/policy-behaviour.md): K11 (``s3:x-amz-server-side-encryption`` is the request
header, never the bucket default: A, trussworks/terraform-aws-ou-scp#24), K12 (AWS's own "require
SSE-KMS" rule, P, S3 user guide UsingKMSEncryption), K13 (the key-id key holds a key ARN, P; how an
alias or bare id resolves: U, proposed resolved ARN), K14, K15 (``s3:prefix``, ``""`` when absent: U),
K18 (``s3:ResourceAccount`` P; ``s3:TlsVersion`` value U), K1 (``aws:SecureTransport``), L3/L5 (negated
operators and Null on a missing key), E3 (a role ARN covers its sessions), E4 (cross-account: both
policies), S5 (NotPrincipal), D2/D4 (the texts). moto's trap (section 5): it treats every condition as
met, so its "deny unless AES256" also denies compliant uploads; here a compliant upload passes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sse_c_support import sse_c, unblock_sse_c

from pytest_s3sse._internal.s3.rest import operation_keys

OWNER = "123456789012"
OTHER = "210987654321"
BUCKET_ARN = "arn:aws:s3:::bkt"
OBJECTS = f"{BUCKET_ARN}/*"
ACCESS_DENIED = (403, "AccessDenied", "Access Denied")


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(
    effect: str, principal: Any, action: Any, resource: Any = OBJECTS, **extra: Any
) -> dict:
    return {
        "Effect": effect,
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


def error(info: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = info.value.response
    err = response["Error"]
    return response["ResponseMetadata"]["HTTPStatusCode"], err["Code"], err.get("Message", "")


def explicit_deny(caller: str, action: str, resource: str) -> tuple[int, str, str]:
    """D2 (P): a same-account caller denied by a bucket policy's Deny."""
    return (
        403,
        "AccessDenied",
        f'User: {caller} is not authorized to perform: {action} on resource: "{resource}" '
        "with an explicit deny in a resource-based policy",
    )


ROOT = f"arn:aws:iam::{OWNER}:root"
REQUIRE_AES256 = statement(
    "Deny",
    "*",
    "s3:PutObject",
    Sid="DenyIncorrectEncryptionHeader",
    Condition={"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}},
)
DENY_UNENCRYPTED = statement(
    "Deny",
    "*",
    "s3:PutObject",
    Sid="DenyUnEncryptedObjectUploads",
    Condition={"Null": {"s3:x-amz-server-side-encryption": "true"}},
)
GRANT_OTHER = statement("Allow", {"AWS": OTHER}, ["s3:PutObject", "s3:GetObject"])


@pytest.fixture
def principal(s3sse, make_client):
    """A client for ``arn`` (optionally with an identity policy allowing ``actions`` on ``*``)."""

    def make(arn: str, *actions: str) -> Any:
        policy = None
        if actions:
            policy = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
            }
        return make_client(**s3sse.principal(arn, policy=policy))

    return make


# -- deny PutObject without AES256 (K11, K12) ---------------------------------------------------
def test_require_aes256_denies_a_put_without_the_header_even_with_default_encryption(s3, bucket):
    # K11 (A): the bucket default (SSE-S3 here) does not fill the key; L3: StringNotEquals on a
    # missing key is true.
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(REQUIRE_AES256))
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert error(info) == explicit_deny(ROOT, "s3:PutObject", f"{BUCKET_ARN}/plain")


def test_require_aes256_lets_a_put_that_asks_for_aes256_through(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(REQUIRE_AES256))
    s3.put_object(Bucket=bucket, Key="sealed", Body=b"x", ServerSideEncryption="AES256")
    assert s3.head_object(Bucket=bucket, Key="sealed")["ServerSideEncryption"] == "AES256"


def test_require_aes256_denies_a_put_that_asks_for_aws_kms(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(REQUIRE_AES256))
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="kms", Body=b"x", ServerSideEncryption="aws:kms")
    assert error(info)[:2] == (403, "AccessDenied")


def test_require_aes256_applies_to_another_account_the_policy_grants(s3, bucket, principal):
    # E4: the grant lets the other account in; the Deny still applies (D4: "Access Denied").
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER, REQUIRE_AES256))
    outsider = principal(f"arn:aws:iam::{OTHER}:user/writer")
    with pytest.raises(ClientError) as info:
        outsider.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert error(info) == ACCESS_DENIED
    outsider.put_object(Bucket=bucket, Key="sealed", Body=b"x", ServerSideEncryption="AES256")


def test_require_aes256_applies_to_copy_object_targets(s3, bucket):
    # K11: the copy target's header (SAR lists the key under s3:PutObject, copy included).
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(REQUIRE_AES256))
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    assert error(info)[:2] == (403, "AccessDenied")
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", ServerSideEncryption="AES256"
    )


def test_create_multipart_upload_carries_the_encryption_header(s3, bucket):
    # K11: "PutObject incl. multipart create".
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(REQUIRE_AES256))
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="big")
    assert error(info)[:2] == (403, "AccessDenied")
    s3.create_multipart_upload(Bucket=bucket, Key="big", ServerSideEncryption="AES256")


def test_upload_part_carries_no_encryption_header_so_a_string_not_equals_deny_refuses_it(
    s3, bucket
):
    # A, boto/botocore#471 (2015): under a "StringNotEquals ... aws:kms" Deny, CreateMultipartUpload
    # with SSE-KMS succeeded and UploadPart failed with 403 AccessDenied: the part request has no
    # SSE header (L3). Users write ...IfExists or a Null statement instead.
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(REQUIRE_AES256))
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", ServerSideEncryption="AES256")
    with pytest.raises(ClientError) as info:
        s3.upload_part(
            Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1, Body=b"x"
        )
    assert error(info)[:2] == (403, "AccessDenied")


# -- deny unencrypted uploads with Null (L5) ----------------------------------------------------
def test_null_denies_a_put_without_the_header(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(DENY_UNENCRYPTED))
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert error(info) == explicit_deny(ROOT, "s3:PutObject", f"{BUCKET_ARN}/plain")


def test_null_lets_any_encryption_header_through(s3, bucket, key):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(DENY_UNENCRYPTED))
    s3.put_object(Bucket=bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256")
    s3.put_object(
        Bucket=bucket, Key="kms", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["Arn"]
    )


def test_null_denies_another_account_uploading_without_the_header(s3, bucket, principal):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER, DENY_UNENCRYPTED))
    outsider = principal(f"arn:aws:iam::{OTHER}:user/writer")
    with pytest.raises(ClientError) as info:
        outsider.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert error(info) == ACCESS_DENIED


# -- deny unless aws:kms with a given key (K12, K13) --------------------------------------------
@pytest.fixture
def kms_only(s3, bucket, key):
    """``bkt`` whose policy requires SSE-KMS with ``key`` (by ARN, as K13 says a policy must)."""
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=doc(
            GRANT_OTHER,
            statement(
                "Deny", "*", "s3:PutObject",
                Condition={"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            ),
            statement(
                "Deny", "*", "s3:PutObject",
                Condition={
                    "StringNotEquals": {
                        "s3:x-amz-server-side-encryption-aws-kms-key-id": key["Arn"]
                    }
                },
            ),
        ),
    )  # fmt: skip
    return bucket


@pytest.mark.parametrize("form", ["arn", "id", "alias"])
def test_require_the_key_lets_a_put_naming_it_in_any_form_through(s3, kms, kms_only, key, form):
    # K13 (U, proposed): a bare id resolves in the bucket owner's account and region, an alias to
    # its key's ARN.
    kms.create_alias(AliasName="alias/approved", TargetKeyId=key["KeyId"])
    named = {"arn": key["Arn"], "id": key["KeyId"], "alias": "alias/approved"}[form]
    s3.put_object(
        Bucket=kms_only, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=named
    )
    assert s3.head_object(Bucket=kms_only, Key="k")["SSEKMSKeyId"] == key["Arn"]


def test_require_the_key_denies_another_key(s3, kms, kms_only):
    other = kms.create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=kms_only, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=other
        )
    assert error(info) == explicit_deny(ROOT, "s3:PutObject", f"{BUCKET_ARN}/k")


def test_require_the_key_denies_aws_kms_without_a_key_id(s3, kms_only, s3sse):
    # K13 (P): without the header S3 uses aws/s3, whose id does not match; the key is absent (L3).
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=kms_only, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    assert error(info)[:2] == (403, "AccessDenied")
    assert [c.operation for c in s3sse.kms_calls] == ["CreateKey"]  # denied before S3 asked KMS


def test_require_the_key_denies_another_account_using_another_key(s3, kms, kms_only, principal):
    outsider = principal(f"arn:aws:iam::{OTHER}:user/writer")
    other = kms.create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as info:
        outsider.put_object(
            Bucket=kms_only, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=other
        )
    assert error(info) == ACCESS_DENIED


def test_an_alias_that_names_no_key_is_compared_as_its_alias_arn(s3, kms_only):
    # K13 (U): nothing to resolve; the alias ARN is not the key ARN, so the Deny applies first.
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=kms_only,
            Key="k",
            Body=b"x",
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId="alias/none",
        )
    assert error(info)[:2] == (403, "AccessDenied")


# -- SSE-C (K14) and where the April 2026 SSE-C block sits -------------------------------------
def test_a_policy_can_require_sse_c_by_its_algorithm_key(s3, ssec_bucket):
    s3.put_bucket_policy(
        Bucket=ssec_bucket,
        Policy=doc(
            statement(
                "Deny", "*", "s3:PutObject", "arn:aws:s3:::ssec/*",
                Condition={"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"}},
            )
        ),
    )  # fmt: skip
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=ssec_bucket, Key="plain", Body=b"x")
    assert error(info)[:2] == (403, "AccessDenied")
    s3.put_object(Bucket=ssec_bucket, Key="sealed", Body=b"x", **sse_c())


def test_the_bucket_policy_is_asked_before_the_sse_c_block(s3, bucket):
    # docs/errors.md "Order of the checks" (U): the gate first, then the block (C9).
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(statement("Deny", "*", "s3:PutObject")))
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    assert error(info) == explicit_deny(ROOT, "s3:PutObject", f"{BUCKET_ARN}/k")
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    assert "blocked upload requests that specify Server Side Encryption" in error(info)[2]
    unblock_sse_c(s3, bucket)


# -- aws:SecureTransport (K1) -------------------------------------------------------------------
DENY_HTTP = statement(
    "Deny",
    "*",
    "s3:GetObject",
    Sid="AllowSSLRequestsOnly",
    Condition={"Bool": {"aws:SecureTransport": "false"}},
)


def test_secure_transport_false_denies_a_read_over_http(s3, http_s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(DENY_HTTP))
    with pytest.raises(ClientError) as info:
        http_s3.get_object(Bucket=bucket, Key="k")
    assert error(info) == explicit_deny(ROOT, "s3:GetObject", f"{BUCKET_ARN}/k")


def test_secure_transport_false_lets_a_read_over_https_through(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(DENY_HTTP))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_secure_transport_false_denies_another_account_over_http(s3, bucket, s3sse, make_client):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER, DENY_HTTP))
    creds = s3sse.principal(f"arn:aws:iam::{OTHER}:user/reader")
    assert make_client(**creds).get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    with pytest.raises(ClientError) as info:
        make_client(endpoint_url="http://localhost:9000", **creds).get_object(
            Bucket=bucket, Key="k"
        )
    assert error(info) == ACCESS_DENIED


# -- the other operation keys -------------------------------------------------------------------
def test_s3_prefix_limits_what_a_user_may_list(s3, bucket, principal):
    # K15: ListBucket's prefix; "" when the request has none (U).
    reader = principal(f"arn:aws:iam::{OWNER}:user/reader")
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=doc(
            statement(
                "Deny", {"AWS": f"arn:aws:iam::{OWNER}:user/reader"}, "s3:ListBucket", BUCKET_ARN,
                Condition={"StringNotLike": {"s3:prefix": "home/reader/*"}},
            )
        ),
    )  # fmt: skip
    reader.list_objects_v2(Bucket=bucket, Prefix="home/reader/")
    for prefix in ("home/other/", ""):
        with pytest.raises(ClientError) as info:
            reader.list_objects_v2(Bucket=bucket, Prefix=prefix)
        assert error(info)[:2] == (403, "AccessDenied")


def test_s3_max_keys_is_a_numeric_key_of_a_listing(s3, bucket):
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=doc(
            statement(
                "Deny", "*", "s3:ListBucket", BUCKET_ARN,
                Condition={"NumericGreaterThan": {"s3:max-keys": "10"}},
            )
        ),
    )  # fmt: skip
    s3.list_objects_v2(Bucket=bucket, MaxKeys=10)
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=bucket, MaxKeys=11)


def own_buckets_only(account: str) -> dict[str, Any]:
    """An identity policy that allows reads only of buckets ``account`` owns (K18)."""
    condition = {"StringEquals": {"s3:ResourceAccount": account}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
        ],
    }


def test_s3_resource_account_names_the_bucket_owner(s3, bucket, s3sse, make_client):
    # K18 (P): s3:ResourceAccount is the bucket owner's account.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    reader = f"arn:aws:iam::{OWNER}:user/reader"
    client = make_client(**s3sse.principal(reader, policy=own_buckets_only(OWNER)))
    assert client.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_s3_resource_account_keeps_another_accounts_reader_to_its_own_buckets(
    s3, bucket, s3sse, make_client
):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER))
    reader = f"arn:aws:iam::{OTHER}:user/reader"
    client = make_client(**s3sse.principal(reader, policy=own_buckets_only(OTHER)))
    with pytest.raises(ClientError) as info:  # E4: its identity policy does not allow this bucket
        client.get_object(Bucket=bucket, Key="k")
    assert error(info) == ACCESS_DENIED


def test_s3_tls_version_is_present_over_https(s3, bucket):
    # K18: AWS's example "deny TLS older than 1.2" lets a current client through (value U: 1.3).
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=doc(
            statement(
                "Deny", "*", "s3:*", [BUCKET_ARN, OBJECTS],
                Condition={"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            ),
            statement(
                "Deny", "*", "s3:PutObject",
                Condition={"Null": {"s3:TlsVersion": "true"}},
            ),
        ),
    )  # fmt: skip
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")


def test_a_request_no_condition_reads_never_builds_its_keys(s3, bucket, monkeypatch):
    # Speed: the gate's keys are read from the request only when a condition asks.
    def refuse(*args: object) -> dict[str, str]:
        raise AssertionError("operation keys were built")

    monkeypatch.setattr(operation_keys, "operation_keys", refuse)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="AES256")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER))
    s3.get_object(Bucket=bucket, Key="k")


# -- whom a statement names (E3, E4, S5) --------------------------------------------------------
def test_another_account_reads_with_the_bucket_policy_and_its_identity_policy(
    s3, bucket, principal
):
    # E4 (P): both must allow.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER))
    reader = principal(f"arn:aws:iam::{OTHER}:user/reader", "s3:GetObject")
    assert reader.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_another_account_is_denied_when_its_identity_policy_does_not_allow(s3, bucket, principal):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(GRANT_OTHER))
    writer = principal(f"arn:aws:iam::{OTHER}:user/writer", "s3:PutObject")
    with pytest.raises(ClientError) as info:
        writer.get_object(Bucket=bucket, Key="k")
    assert error(info) == ACCESS_DENIED


def test_another_account_is_denied_without_a_bucket_policy(s3, bucket, principal):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    reader = principal(f"arn:aws:iam::{OTHER}:user/reader", "s3:GetObject")
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key="k")
    assert error(info) == ACCESS_DENIED


def test_a_role_arn_in_the_bucket_policy_covers_its_sessions(s3, bucket, principal):
    # E3 (P): a role ARN covers the role's sessions; another role of that account is not named.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    role = f"arn:aws:iam::{OTHER}:role/reader"
    s3.put_bucket_policy(
        Bucket=bucket, Policy=doc(statement("Allow", {"AWS": role}, "s3:GetObject"))
    )
    assert principal(role).get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    with pytest.raises(ClientError) as info:
        principal(f"arn:aws:iam::{OTHER}:role/writer").get_object(Bucket=bucket, Key="k")
    assert error(info) == ACCESS_DENIED


def test_a_not_principal_deny_spares_only_those_it_lists(s3, bucket, principal):
    # S5 (P): Deny + NotPrincipal denies everyone not listed (a user is listed with its account).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    alice = f"arn:aws:iam::{OWNER}:user/alice"
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROOT, alice]},
                "Action": "s3:GetObject",
                "Resource": OBJECTS,
            }
        ),
    )
    assert principal(alice).get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    bob = f"arn:aws:iam::{OWNER}:user/bob"
    with pytest.raises(ClientError) as info:
        principal(bob).get_object(Bucket=bucket, Key="k")
    assert error(info) == explicit_deny(bob, "s3:GetObject", f"{BUCKET_ARN}/k")

"""Bucket policies and Block Public Access: the operations, who may call them, and what S3 answers.

Sources (shared/reference/policy-behaviour.md; labels as docs/errors.md): PutBucketPolicy,
GetBucketPolicy and DeleteBucketPolicy "Permissions" (P, botocore's S3 model: 403 without the
permission, 405 for another account's identity, the owner's root is never locked out: E15); the
MalformedPolicy texts (M1-M17); NoSuchBucketPolicy and 204 on delete (A, LocalStack snapshot
test_bucket_policy_crud); Block Public Access (P, S3 user guide "Blocking public access", E16, D8, D9);
ExpectedBucketOwner (D7, A); GetObject/HeadObject of a missing key (E13, P); DeleteObjects per key
(E14, open point 10, U).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from raw_support import s3_request

OWNER = "123456789012"
OTHER = "210987654321"
BUCKET_ARN = "arn:aws:s3:::bkt"
ANONYMOUS = Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1})
MSG_NO_POLICY = "The bucket policy does not exist"  # A (LocalStack test_bucket_policy_crud)
MSG_NO_BPA = "The public access block configuration was not found"  # T/S
MSG_NOT_ALLOWED = "The specified method is not allowed against this resource."  # P (ErrorResponses)


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: Any, action: Any, resource: Any = f"{BUCKET_ARN}/*", **extra: Any) -> dict:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


def deny(principal: Any, action: Any, resource: Any = f"{BUCKET_ARN}/*", **extra: Any) -> dict:
    return {
        "Effect": "Deny",
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


def error(info: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = info.value.response
    err = response["Error"]
    return response["ResponseMetadata"]["HTTPStatusCode"], err["Code"], err.get("Message", "")


def status(response: dict[str, Any]) -> int:
    return response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def user(s3sse, make_client):
    """A client for a user of the owner's account whose identity policy allows ``actions``."""

    def make(name: str, *actions: str, account: str = OWNER) -> Any:
        policy = None
        if actions:
            policy = {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
            }
        return make_client(**s3sse.principal(f"arn:aws:iam::{account}:user/{name}", policy=policy))

    return make


@pytest.fixture
def unblocked(s3, bucket):
    """``bkt`` with no Block Public Access configuration (public policies can be put)."""
    s3.delete_public_access_block(Bucket=bucket)
    return bucket


# -- PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy --------------------------------------
def test_get_bucket_policy_returns_the_document_as_it_was_put(s3, bucket):
    text = doc(allow({"AWS": OTHER}, "s3:GetObject"))
    assert status(s3.put_bucket_policy(Bucket=bucket, Policy=text)) == 204
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == text  # open point 8: as stored


def test_get_bucket_policy_without_one_is_404_no_such_bucket_policy(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.get_bucket_policy(Bucket=bucket)
    assert error(info) == (404, "NoSuchBucketPolicy", MSG_NO_POLICY)


def test_delete_bucket_policy_removes_it(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(allow({"AWS": OTHER}, "s3:GetObject")))
    assert status(s3.delete_bucket_policy(Bucket=bucket)) == 204
    with pytest.raises(ClientError) as info:
        s3.get_bucket_policy(Bucket=bucket)
    assert error(info)[1] == "NoSuchBucketPolicy"


def test_delete_bucket_policy_without_one_is_204(s3, bucket):
    assert status(s3.delete_bucket_policy(Bucket=bucket)) == 204  # A (test_bucket_policy_crud)


def test_put_bucket_policy_on_a_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as info:
        s3.put_bucket_policy(Bucket="nothere", Policy=doc(allow({"AWS": OTHER}, "s3:GetObject")))
    assert error(info)[:2] == (404, "NoSuchBucket")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "Policies must be valid JSON and the first byte must be '{'"),  # M1 (A)
        ("{}", "Missing required field Statement"),  # M2 (A)
        (
            doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"}),
            "Missing required field Principal",  # M3 (A)
        ),
        (
            doc(allow({"AWS": OTHER}, "s3:GetObject", "arn:aws:s3:::other/*")),
            "Policy has invalid resource",
        ),  # M5 (A)
    ],
    ids=["M1", "M2", "M3", "M5"],
)
def test_a_malformed_policy_is_400_malformed_policy_naming_the_mistake(s3, bucket, text, message):
    with pytest.raises(ClientError) as info:
        s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert error(info) == (400, "MalformedPolicy", message)


def test_a_policy_over_20_kb_is_refused_with_policy_too_large(s3, bucket):
    # M16: P limit ("Bucket policies are limited to 20 KB in size"), U code and text.
    statements = [
        allow({"AWS": OTHER}, "s3:GetObject", f"{BUCKET_ARN}/{i:05d}-" + "x" * 150)
        for i in range(150)
    ]
    with pytest.raises(ClientError) as info:
        s3.put_bucket_policy(Bucket=bucket, Policy=doc(*statements))
    assert error(info) == (
        400,
        "PolicyTooLarge",
        "Policy exceeds the maximum allowed document size.",
    )


def test_a_policy_whose_content_md5_does_not_match_is_bad_digest(s3sse, bucket):
    text = doc(allow({"AWS": OTHER}, "s3:GetObject")).encode()
    wrong = base64.b64encode(hashlib.md5(b"another body").digest()).decode()
    response = s3_request(s3sse.engine, "PUT", "/bkt", "policy", {"content-md5": wrong}, text)
    assert response.status == 400
    assert b"<Code>BadDigest</Code>" in response.body
    assert s3sse.engine.store.bucket(bucket).policy is None


def test_a_user_without_s3_put_bucket_policy_is_403_naming_the_action(s3, bucket, user):
    # E15 (P): "If you don't have PutBucketPolicy permissions, Amazon S3 returns a 403"; D1 text (A).
    reader = user("reader", "s3:GetObject")
    with pytest.raises(ClientError) as info:
        reader.put_bucket_policy(Bucket=bucket, Policy=doc(allow({"AWS": OTHER}, "s3:GetObject")))
    assert error(info) == (
        403,
        "AccessDenied",
        f"User: arn:aws:iam::{OWNER}:user/reader is not authorized to perform: s3:PutBucketPolicy "
        f'on resource: "{BUCKET_ARN}" because no identity-based policy allows the '
        "s3:PutBucketPolicy action",
    )


def test_another_account_with_the_permission_gets_405_method_not_allowed(s3, bucket, user):
    # E15 (P): "If you have the correct permissions, but you're not using an identity that belongs
    # to the bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error"; open point 9.
    grant = allow({"AWS": OTHER}, ["s3:PutBucketPolicy", "s3:GetBucketPolicy"], BUCKET_ARN)
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(grant))
    outsider = user("ops", account=OTHER)
    with pytest.raises(ClientError) as info:
        outsider.get_bucket_policy(Bucket=bucket)
    assert error(info) == (405, "MethodNotAllowed", MSG_NOT_ALLOWED)
    with pytest.raises(ClientError) as info:
        outsider.put_bucket_policy(Bucket=bucket, Policy=doc(grant))
    assert error(info)[:2] == (405, "MethodNotAllowed")


def test_another_account_without_the_permission_gets_403_access_denied(bucket, user):
    with pytest.raises(ClientError) as info:  # D4: cross-account denials say only "Access Denied"
        user("ops", account=OTHER).delete_bucket_policy(Bucket=bucket)
    assert error(info) == (403, "AccessDenied", "Access Denied")


def test_the_owners_root_can_replace_and_delete_a_policy_that_denies_everyone(s3, bucket):
    # E15 (P): the owner's root "can perform the GetBucketPolicy, PutBucketPolicy, and
    # DeleteBucketPolicy API actions, even if their bucket policy explicitly denies" it.
    lock_out = deny("*", "s3:*", [BUCKET_ARN, f"{BUCKET_ARN}/*"])
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(lock_out))
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=bucket)  # the root is denied everything else
    assert (
        json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"][0]["Effect"]
        == "Deny"
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(deny("*", "s3:DeleteObject")))
    s3.delete_bucket_policy(Bucket=bucket)
    s3.list_objects_v2(Bucket=bucket)


def test_a_user_of_the_owner_account_is_locked_out_by_a_deny(s3, bucket, user):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(deny("*", "s3:*Policy", BUCKET_ARN)))
    admin = user("admin", "s3:*")
    with pytest.raises(ClientError) as info:
        admin.delete_bucket_policy(Bucket=bucket)
    assert error(info) == (
        403,
        "AccessDenied",
        f"User: arn:aws:iam::{OWNER}:user/admin is not authorized to perform: s3:DeleteBucketPolicy "
        f'on resource: "{BUCKET_ARN}" with an explicit deny in a resource-based policy',  # D2 (P)
    )


def test_an_expected_bucket_owner_that_is_not_the_owner_is_403_access_denied(s3, bucket):
    # D7 (A, LocalStack test_put_bucket_policy_expected_bucket_owner).
    text = doc(allow({"AWS": OTHER}, "s3:GetObject"))
    with pytest.raises(ClientError) as info:
        s3.put_bucket_policy(Bucket=bucket, Policy=text, ExpectedBucketOwner=OTHER)
    assert error(info) == (403, "AccessDenied", "Access Denied")
    s3.put_bucket_policy(Bucket=bucket, Policy=text, ExpectedBucketOwner=OWNER)


def test_an_expected_bucket_owner_that_is_not_the_owner_refuses_object_operations_too(s3, bucket):
    # D7; P (ExpectedBucketOwner on every bucket and object operation of the model).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner=OTHER)
    assert error(info) == (403, "AccessDenied", "Access Denied")
    assert s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner=OWNER)["Body"].read() == b"x"


# -- GetBucketPolicyStatus ("The meaning of public", P) -----------------------------------------
def test_policy_status_without_a_policy_is_no_such_bucket_policy(s3, bucket):
    # S: the CLI's recorded answer ("An error occurred (NoSuchBucketPolicy) when calling the
    # GetBucketPolicyStatus operation: The bucket policy does not exist").
    with pytest.raises(ClientError) as info:
        s3.get_bucket_policy_status(Bucket=bucket)
    assert error(info) == (404, "NoSuchBucketPolicy", MSG_NO_POLICY)


@pytest.mark.parametrize(
    ("statement", "public"),
    [
        (allow("*", "s3:GetObject"), True),
        (allow({"AWS": "*"}, "s3:GetObject"), True),
        (allow({"AWS": OTHER}, "s3:GetObject"), False),
        (allow({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject"), False),
        (
            allow(
                "*", "s3:GetObject", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}
            ),
            False,
        ),
        (allow("*", "s3:GetObject", Condition={"StringLike": {"aws:SourceVpc": "vpc-*"}}), True),
        (
            allow("*", "s3:GetObject", Condition={"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
            True,
        ),
        (
            allow("*", "s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            False,
        ),
        (allow("*", "s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}), True),
        (
            allow("*", "s3:GetObject", Condition={"StringEquals": {"aws:SourceAccount": OTHER}}),
            False,
        ),
        (allow("*", "s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "true"}}), True),
        (deny("*", "s3:GetObject"), False),
    ],
    ids=[
        "star",
        "aws-star",
        "account",
        "service",
        "fixed-vpc",
        "wildcard-vpc",
        "negated-vpc",
        "narrow-ip",
        "broad-ip",
        "source-account",
        "secure-transport-only",
        "deny-only",
    ],
)
def test_policy_status_says_whether_the_policy_is_public(s3, unblocked, statement, public):
    s3.put_bucket_policy(Bucket=unblocked, Policy=doc(statement))
    assert s3.get_bucket_policy_status(Bucket=unblocked)["PolicyStatus"] == {"IsPublic": public}


# -- Block Public Access ------------------------------------------------------------------------
def test_a_new_bucket_blocks_all_public_access(s3, bucket):
    # E16 (P): all four settings are on for buckets created since April 2023.
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_without_a_configuration_get_public_access_block_is_404(s3, bucket):
    assert status(s3.delete_public_access_block(Bucket=bucket)) == 204
    with pytest.raises(ClientError) as info:
        s3.get_public_access_block(Bucket=bucket)
    assert error(info) == (404, "NoSuchPublicAccessBlockConfiguration", MSG_NO_BPA)


def test_put_public_access_block_keeps_the_four_flags_as_given(s3, bucket):
    flags = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True,
    }
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=flags)
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == flags


def test_put_public_access_block_without_any_flag_is_400_invalid_request(s3, bucket):
    # T (moto InvalidPublicAccessBlockConfiguration), U on AWS.
    with pytest.raises(ClientError) as info:
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={})
    assert error(info) == (400, "InvalidRequest", "Must specify at least one configuration.")


def test_block_public_policy_refuses_a_public_policy_with_d8(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.put_bucket_policy(Bucket=bucket, Policy=doc(allow("*", "s3:GetObject")))
    assert error(info) == (
        403,
        "AccessDenied",
        f"User: arn:aws:iam::{OWNER}:root is not authorized to perform: s3:PutBucketPolicy on "
        f'resource: "{BUCKET_ARN}" because public policies are prevented by the BlockPublicPolicy '
        "setting in S3 Block Public Access.",  # D8 (P)
    )
    with pytest.raises(ClientError):
        s3.get_bucket_policy(Bucket=bucket)  # nothing stored


def test_block_public_policy_lets_a_policy_naming_an_account_through(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(allow({"AWS": OTHER}, "s3:GetObject")))


def test_turning_block_public_policy_on_keeps_an_existing_public_policy(s3, unblocked):
    # P (PublicAccessBlockConfiguration): "Enabling this setting doesn't affect existing bucket policies."
    s3.put_bucket_policy(Bucket=unblocked, Policy=doc(allow("*", "s3:GetObject")))
    s3.put_public_access_block(
        Bucket=unblocked, PublicAccessBlockConfiguration={"BlockPublicPolicy": True}
    )
    assert s3.get_bucket_policy_status(Bucket=unblocked)["PolicyStatus"]["IsPublic"] is True


def test_an_anonymous_read_is_allowed_by_a_public_policy(s3, unblocked, make_client):
    s3.put_object(Bucket=unblocked, Key="open", Body=b"hello")
    s3.put_bucket_policy(Bucket=unblocked, Policy=doc(allow("*", "s3:GetObject")))
    anonymous = make_client(config=ANONYMOUS)
    assert anonymous.get_object(Bucket=unblocked, Key="open")["Body"].read() == b"hello"


def test_restrict_public_buckets_denies_anonymous_callers_a_public_policy_allows(
    s3, unblocked, make_client
):
    # E16 (P): RestrictPublicBuckets acts as an explicit deny; D6: anonymous denials say "Access Denied".
    s3.put_object(Bucket=unblocked, Key="open", Body=b"hello")
    s3.put_bucket_policy(Bucket=unblocked, Policy=doc(allow("*", "s3:GetObject")))
    s3.put_public_access_block(
        Bucket=unblocked, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True}
    )
    with pytest.raises(ClientError) as info:
        make_client(config=ANONYMOUS).get_object(Bucket=unblocked, Key="open")
    assert error(info) == (403, "AccessDenied", "Access Denied")


def test_restrict_public_buckets_denies_other_accounts_even_when_named(s3, unblocked, user):
    # P (PublicAccessBlockConfiguration): "restricts access to this bucket to only AWS service
    # principals and authorized users within this account if the bucket has a public policy".
    s3.put_object(Bucket=unblocked, Key="open", Body=b"hello")
    policy = doc(allow("*", "s3:GetObject"), allow({"AWS": OTHER}, "s3:GetObject"))
    s3.put_bucket_policy(Bucket=unblocked, Policy=policy)
    outsider = user("reader", account=OTHER)
    assert outsider.get_object(Bucket=unblocked, Key="open")["Body"].read() == b"hello"
    s3.put_public_access_block(
        Bucket=unblocked, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True}
    )
    with pytest.raises(ClientError) as info:
        outsider.get_object(Bucket=unblocked, Key="open")
    assert error(info) == (403, "AccessDenied", "Access Denied")


def test_a_restrict_public_buckets_denial_is_kept_for_explain(s3sse, s3, unblocked, make_client):
    s3.put_bucket_policy(Bucket=unblocked, Policy=doc(allow("*", "s3:GetObject")))
    s3.put_public_access_block(
        Bucket=unblocked, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True}
    )
    with pytest.raises(ClientError) as info:
        make_client(config=ANONYMOUS).get_object(Bucket=unblocked, Key="open")
    request_id = info.value.response["ResponseMetadata"]["RequestId"]
    (kept,) = s3sse.engine.authorizer.decisions(request_id)
    assert (kept.decision.policy, kept.decision.statement) == (
        "public access block",
        "RestrictPublicBuckets",
    )


def test_restrict_public_buckets_leaves_the_owners_account_its_access(s3, unblocked, user):
    s3.put_object(Bucket=unblocked, Key="open", Body=b"hello")
    s3.put_bucket_policy(Bucket=unblocked, Policy=doc(allow("*", "s3:GetObject")))
    s3.put_public_access_block(
        Bucket=unblocked, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True}
    )
    assert user("reader").get_object(Bucket=unblocked, Key="open")["Body"].read() == b"hello"


def test_without_a_public_policy_restrict_public_buckets_changes_nothing(s3, bucket, user):
    s3.put_object(Bucket=bucket, Key="shared", Body=b"hello")
    s3.put_bucket_policy(Bucket=bucket, Policy=doc(allow({"AWS": OTHER}, "s3:GetObject")))
    outsider = user("reader", account=OTHER)  # RestrictPublicBuckets is on (new bucket)
    assert outsider.get_object(Bucket=bucket, Key="shared")["Body"].read() == b"hello"


# -- access semantics ---------------------------------------------------------------------------
def test_get_object_of_a_missing_key_without_list_bucket_is_403(bucket, user):
    # E13 (P, GetObject "Permissions"): 404 only with s3:ListBucket, else 403.
    reader = user("reader", "s3:GetObject")
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key="missing")
    assert error(info)[:2] == (403, "AccessDenied")


def test_get_object_of_a_missing_key_with_list_bucket_is_404(bucket, user):
    reader = user("reader", "s3:GetObject", "s3:ListBucket")
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key="missing")
    assert error(info)[:2] == (404, "NoSuchKey")


def test_head_object_of_a_missing_key_without_list_bucket_is_403_without_a_body(bucket, user):
    # E13, D10 (P, HeadObject): a HEAD answer has no body, so boto3 shows Code 403, "Forbidden".
    reader = user("reader", "s3:GetObject")
    with pytest.raises(ClientError) as info:
        reader.head_object(Bucket=bucket, Key="missing")
    assert error(info) == (403, "403", "Forbidden")


def test_delete_objects_answers_a_key_the_bucket_policy_denies_with_its_own_error(s3, bucket):
    # E14, open point 10 (U, proposed): per-key AccessDenied entries in a 200 response.
    for key in ("logs/a", "data/b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.put_bucket_policy(
        Bucket=bucket, Policy=doc(deny("*", "s3:DeleteObject", f"{BUCKET_ARN}/logs/*"))
    )
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "logs/a"}, {"Key": "data/b"}]}
    )
    assert [d["Key"] for d in result["Deleted"]] == ["data/b"]
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("logs/a", "AccessDenied")]
    assert "with an explicit deny in a resource-based policy" in result["Errors"][0]["Message"]
    assert s3.head_object(Bucket=bucket, Key="logs/a")["ContentLength"] == 1


def test_copy_object_needs_get_object_on_its_source(s3, bucket):
    # E14 (P): CopyObject needs s3:GetObject on the source and s3:PutObject on the target.
    s3.put_object(Bucket=bucket, Key="secret/a", Body=b"x")
    s3.put_bucket_policy(
        Bucket=bucket, Policy=doc(deny("*", "s3:GetObject", f"{BUCKET_ARN}/secret/*"))
    )
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/secret/a")
    assert error(info) == (
        403,
        "AccessDenied",
        f"User: arn:aws:iam::{OWNER}:root is not authorized to perform: s3:GetObject on resource: "
        f'"{BUCKET_ARN}/secret/a" with an explicit deny in a resource-based policy',
    )


def test_a_copy_source_that_may_not_be_read_is_403_even_when_missing(s3, bucket):
    s3.put_bucket_policy(
        Bucket=bucket, Policy=doc(deny("*", "s3:GetObject", f"{BUCKET_ARN}/secret/*"))
    )
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/secret/none")
    assert error(info)[:2] == (403, "AccessDenied")


def test_upload_part_copy_needs_get_object_on_its_source(s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret/a", Body=b"x" * 10)
    s3.put_bucket_policy(
        Bucket=bucket, Policy=doc(deny("*", "s3:GetObject", f"{BUCKET_ARN}/secret/*"))
    )
    upload = s3.create_multipart_upload(Bucket=bucket, Key="target")["UploadId"]
    with pytest.raises(ClientError) as info:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="target",
            UploadId=upload,
            PartNumber=1,
            CopySource=f"{bucket}/secret/a",
        )
    assert error(info)[:2] == (403, "AccessDenied")

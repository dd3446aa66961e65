"""Role separation with SSE-KMS: reading an object needs S3's permission *and* the key's.

The story of issue 13: someone may read the bucket yet be unable to decrypt, a key administrator may
manage a key yet not use it, and across accounts the bucket policy, the key policy and the caller's
identity policy must all allow. Sources (shared/reference/policy-behaviour.md):

- E8 (P, KMS DG key-policy-default.md): the key policy must allow; naming the account delegates to IAM,
  naming a role grants without IAM; "IAM policies that deny access to the key are still effective".
- E9 (P, KMS DG key-policy-modifying-external-accounts.md): across accounts the key policy and the
  caller's IAM must both allow; E4 (P, IAM UG cross-account evaluation): so must the bucket policy.
- E11 (P, botocore S3 model GetObject/CreateMultipartUpload/UploadPart): S3 calls KMS as the caller,
  GenerateDataKey to write, Decrypt to read and for every UploadPart.
- V1 (A, ministryofjustice/modernisation-platform#11726): S3 answers a KMS denial with 403
  ``AccessDenied`` and KMS's text, the key ARN not quoted; V4 (U): the same form for GenerateDataKey;
  D4 (P, S3 troubleshoot-403): a caller of another account gets ``Access Denied``.
- K21 (P, S3 UG UsingKMSEncryption; A, slashdevops/idp-scim-sync#540): with an S3 Bucket Key the
  encryption context ``aws:s3:arn`` is the bucket ARN, so a condition pinned to the object ARN fails.
- KE4 (A, trussworks/terraform-aws-s3-anti-virus#48): a direct KMS denial is 400
  ``AccessDeniedException`` "... because no identity-based policy allows the kms:Decrypt action".
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import NO_RETRY
from kms_support import kms_default
from support import error

ACCOUNT = "123456789012"
OTHER = "999988887777"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/reader"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s3sse-session"
BODY = b"secret payroll"


def identity(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


def deny(actions: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": actions, "Resource": resource}


def key_policy(*statements: dict[str, Any], account: str = ACCOUNT) -> str:
    root = {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *statements]})


def client(s3sse: Any, arn: str, service: str = "s3", **policy: Any) -> Any:
    creds = s3sse.principal(arn, **policy)
    return boto3.client(service, region_name="us-east-1", config=NO_RETRY, **creds)


def no_identity_allow(key_arn: str, action: str, who: str = SESSION) -> str:
    # V1 (A): S3 passes KMS's text on; KE4 (A) is KMS's own text for a delegating key policy.
    return (
        f"User: {who} is not authorized to perform: kms:{action} on resource: {key_arn} "
        f"because no identity-based policy allows the kms:{action} action"
    )


@pytest.fixture
def stored(s3: Any, bucket: str, key: dict[str, Any]) -> str:
    """``payroll.csv`` written by the account root under ``key`` (SSE-KMS, no Bucket Key)."""
    s3.put_object(
        Bucket=bucket,
        Key="payroll.csv",
        Body=BODY,
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key["KeyId"],
    )
    return "payroll.csv"


def successful_decrypts(s3sse: Any) -> int:
    return sum(1 for c in s3sse.kms_calls if c.operation == "Decrypt" and c.error is None)


# -- same account -----------------------------------------------------------------------------------
def test_a_reader_without_kms_decrypt_gets_403_with_kms_text(s3sse, bucket, key, stored):
    # E8 + V1: the default key policy delegates to the account; the role's IAM allows s3 only.
    reader = client(s3sse, ROLE, policy=identity(allow("s3:GetObject")))
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key=stored)
    assert error(info) == (
        403,
        {"Code": "AccessDenied", "Message": no_identity_allow(key["Arn"], "Decrypt")},
    )


def test_a_denied_decrypt_is_recorded_as_s3s_call_and_nothing_is_decrypted(
    s3sse, bucket, key, stored
):
    # E11: S3 calls kms:Decrypt as the caller; the attempt is a recorded, failed call.
    reader = client(s3sse, ROLE, policy=identity(allow("s3:GetObject")))
    with pytest.raises(ClientError):
        reader.get_object(Bucket=bucket, Key=stored)
    call = s3sse.kms_calls[-1]
    assert (call.operation, call.via, call.caller, call.key_arn, call.error) == (
        "Decrypt",
        "s3",
        SESSION,
        key["Arn"],
        "AccessDeniedException",
    )
    assert call.encryption_context == {"aws:s3:arn": f"arn:aws:s3:::{bucket}/{stored}"}
    assert successful_decrypts(s3sse) == 0


def test_the_same_reader_with_kms_decrypt_reads_the_object(s3sse, bucket, key, stored):
    reader = client(s3sse, ROLE, policy=identity(allow(["s3:GetObject", "kms:Decrypt"])))
    assert reader.get_object(Bucket=bucket, Key=stored)["Body"].read() == BODY


def test_a_writer_without_kms_generate_data_key_gets_403_and_nothing_is_written(
    s3sse, s3, bucket, key
):
    # V4 (U: V1's form with kms:GenerateDataKey); E11: PutObject needs kms:GenerateDataKey.
    writer = client(s3sse, ROLE, policy=identity(allow("s3:PutObject")))
    with pytest.raises(ClientError) as info:
        writer.put_object(
            Bucket=bucket, Key="new", Body=BODY, ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key["KeyId"],
        )  # fmt: skip
    assert error(info) == (
        403,
        {"Code": "AccessDenied", "Message": no_identity_allow(key["Arn"], "GenerateDataKey")},
    )
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert (s3sse.kms_calls[-1].operation, s3sse.kms_calls[-1].error) == (
        "GenerateDataKey",
        "AccessDeniedException",
    )


def test_a_bucket_default_key_is_checked_for_writes_that_name_no_key(s3sse, s3, bucket, key):
    # E11 with the bucket's default encryption: the key S3 picks is still used as the caller.
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["Arn"])
    )
    writer = client(s3sse, ROLE, policy=identity(allow("s3:PutObject")))
    with pytest.raises(ClientError) as info:
        writer.put_object(Bucket=bucket, Key="new", Body=BODY)
    assert error(info)[1]["Message"] == no_identity_allow(key["Arn"], "GenerateDataKey")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


# -- with an S3 Bucket Key (K21) -------------------------------------------------------------------
@pytest.fixture
def bucket_key_object(s3: Any, bucket: str, key: dict[str, Any]) -> str:
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["Arn"], bucket_key=True)
    )
    s3.put_object(Bucket=bucket, Key="payroll.csv", Body=BODY)
    return "payroll.csv"


def test_with_a_bucket_key_a_reader_without_kms_decrypt_gets_403(
    s3sse, bucket, key, bucket_key_object
):
    reader = client(s3sse, ROLE, policy=identity(allow("s3:GetObject")))
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key=bucket_key_object)
    assert error(info)[1]["Message"] == no_identity_allow(key["Arn"], "Decrypt")
    assert s3sse.kms_calls[-1].encryption_context == {"aws:s3:arn": f"arn:aws:s3:::{bucket}"}
    assert successful_decrypts(s3sse) == 0


def test_with_a_bucket_key_a_decrypt_allow_pinned_to_the_object_arn_is_denied(
    s3sse, bucket, key, bucket_key_object
):
    # K21 (A, idp-scim-sync#540): the context is the bucket ARN, so the condition never matches (V5).
    pinned = {
        "StringEquals": {
            "kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{bucket}/{bucket_key_object}"
        }
    }
    reader = client(
        s3sse,
        ROLE,
        policy=identity(allow("s3:GetObject"), allow("kms:Decrypt", Condition=pinned)),
    )
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key=bucket_key_object)
    assert error(info) == (
        403,
        {"Code": "AccessDenied", "Message": no_identity_allow(key["Arn"], "Decrypt")},
    )


def test_with_a_bucket_key_a_decrypt_allow_pinned_to_the_bucket_arn_reads(
    s3sse, bucket, key, bucket_key_object
):
    pinned = {"StringEquals": {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{bucket}"}}
    reader = client(
        s3sse,
        ROLE,
        policy=identity(allow("s3:GetObject"), allow("kms:Decrypt", Condition=pinned)),
    )
    assert reader.get_object(Bucket=bucket, Key=bucket_key_object)["Body"].read() == BODY


def test_without_a_bucket_key_a_decrypt_allow_pinned_to_the_object_arn_reads(
    s3sse, bucket, key, stored
):
    # K21: without a Bucket Key the context is the object ARN.
    pinned = {
        "StringEquals": {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{bucket}/{stored}"}
    }
    reader = client(
        s3sse,
        ROLE,
        policy=identity(allow("s3:GetObject"), allow("kms:Decrypt", Condition=pinned)),
    )
    assert reader.get_object(Bucket=bucket, Key=stored)["Body"].read() == BODY


def test_kms_encryption_context_keys_is_multivalued(s3sse, bucket, key, stored):
    # K22 (P, KMS DG conditions-kms): ForAllValues over the context's keys; S3 sends aws:s3:arn.
    only_s3 = {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["aws:s3:arn"]}}
    reader = client(
        s3sse,
        ROLE,
        policy=identity(allow("s3:GetObject"), allow("kms:Decrypt", Condition=only_s3)),
    )
    assert reader.get_object(Bucket=bucket, Key=stored)["Body"].read() == BODY


def test_kms_via_service_and_caller_account_reach_the_decision(s3sse, kms, bucket, key, stored):
    # K19, K20 (P): S3's calls carry kms:ViaService s3.<region>.amazonaws.com and the caller's account.
    via_s3 = {
        "StringEquals": {
            "kms:ViaService": "s3.us-east-1.amazonaws.com",
            "kms:CallerAccount": ACCOUNT,
        }
    }
    policy = identity(allow("s3:GetObject"), allow("kms:Decrypt", Condition=via_s3))
    creds = s3sse.principal(ROLE, policy=policy)
    reader = boto3.client("s3", region_name="us-east-1", config=NO_RETRY, **creds)
    assert reader.get_object(Bucket=bucket, Key=stored)["Body"].read() == BODY
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=BODY)["CiphertextBlob"]
    direct = boto3.client("kms", region_name="us-east-1", config=NO_RETRY, **creds)
    with pytest.raises(ClientError) as info:  # the same allow does not cover a direct call
        direct.decrypt(CiphertextBlob=blob)
    assert error(info)[1]["Code"] == "AccessDeniedException"


# -- key policy naming the role, IAM denies, key administrators -----------------------------------
def test_a_role_named_in_the_key_policy_needs_no_iam_allow(s3sse, kms, s3, bucket):
    # E8: "A key policy naming a user/role ARN grants without IAM".
    direct = {
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    key = kms.create_key(Policy=key_policy(direct))["KeyMetadata"]
    s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )
    reader = client(s3sse, ROLE, policy=identity(allow("s3:GetObject")))
    assert reader.get_object(Bucket=bucket, Key="k")["Body"].read() == BODY


def test_an_iam_deny_on_kms_decrypt_wins_over_a_key_policy_allow(s3sse, kms, s3, bucket):
    # E8: "IAM policies that deny access to the key are still effective"; E1: explicit deny wins.
    direct = {
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    key = kms.create_key(Policy=key_policy(direct))["KeyMetadata"]
    s3.put_object(
        Bucket=bucket, Key="k", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )
    reader = client(s3sse, ROLE, policy=identity(allow(["s3:GetObject"]), deny("kms:Decrypt")))
    with pytest.raises(ClientError) as info:
        reader.get_object(Bucket=bucket, Key="k")
    assert error(info) == (
        403,
        {
            "Code": "AccessDenied",
            # KE2's form (A), for an identity-based policy (D3, P).
            "Message": f"User: {SESSION} is not authorized to perform: kms:Decrypt on resource: "
            f"{key['Arn']} with an explicit deny in an identity-based policy",
        },
    )


ADMIN = f"arn:aws:iam::{ACCOUNT}:user/key-admin"
ADMIN_POLICY = identity(
    allow(["kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:Describe*", "kms:EnableKeyRotation"]),
    allow("s3:GetObject"),
)


def test_a_key_admin_can_manage_the_key(s3sse, key):
    admin = client(s3sse, ADMIN, "kms", policy=ADMIN_POLICY)
    assert admin.describe_key(KeyId=key["Arn"])["KeyMetadata"]["Arn"] == key["Arn"]
    admin.enable_key_rotation(KeyId=key["KeyId"])
    admin.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=key_policy())


def test_a_key_admin_cannot_decrypt_directly(s3sse, kms, key):
    # KE4 (A): 400 AccessDeniedException, "because no identity-based policy allows".
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=BODY)["CiphertextBlob"]
    admin = client(s3sse, ADMIN, "kms", policy=ADMIN_POLICY)
    with pytest.raises(ClientError) as info:
        admin.decrypt(CiphertextBlob=blob)
    assert error(info) == (
        400,
        {
            "Code": "AccessDeniedException",
            "Message": no_identity_allow(key["Arn"], "Decrypt", who=ADMIN),
        },
    )


def test_a_key_admin_cannot_read_objects_under_the_key(s3sse, bucket, key, stored):
    admin = client(s3sse, ADMIN, policy=ADMIN_POLICY)
    with pytest.raises(ClientError) as info:
        admin.get_object(Bucket=bucket, Key=stored)
    assert error(info)[1]["Message"] == no_identity_allow(key["Arn"], "Decrypt", who=ADMIN)


# -- multipart (E11) -------------------------------------------------------------------------------
def test_create_multipart_upload_needs_kms_generate_data_key(s3sse, bucket, key):
    writer = client(s3sse, ROLE, policy=identity(allow("s3:PutObject")))
    with pytest.raises(ClientError) as info:
        writer.create_multipart_upload(
            Bucket=bucket, Key="big", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
        )
    assert error(info) == (
        403,
        {"Code": "AccessDenied", "Message": no_identity_allow(key["Arn"], "GenerateDataKey")},
    )


def test_upload_part_needs_kms_decrypt_and_stores_no_part(s3sse, s3, bucket, key):
    # E11 (P, UploadPart: "you must have permission to the kms:Decrypt ... action").
    writer = client(s3sse, ROLE, policy=identity(allow(["s3:PutObject", "kms:GenerateDataKey"])))
    upload = writer.create_multipart_upload(
        Bucket=bucket, Key="big", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )["UploadId"]
    with pytest.raises(ClientError) as info:
        writer.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=BODY)
    assert error(info) == (
        403,
        {"Code": "AccessDenied", "Message": no_identity_allow(key["Arn"], "Decrypt")},
    )
    assert s3.list_parts(Bucket=bucket, Key="big", UploadId=upload).get("Parts", []) == []


def test_upload_part_copy_needs_kms_decrypt(s3sse, s3, bucket, key):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    writer = client(
        s3sse,
        ROLE,
        policy=identity(allow(["s3:PutObject", "s3:GetObject", "kms:GenerateDataKey"])),
    )
    upload = writer.create_multipart_upload(
        Bucket=bucket, Key="big", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )["UploadId"]
    with pytest.raises(ClientError) as info:
        writer.upload_part_copy(
            Bucket=bucket,
            Key="big",
            UploadId=upload,
            PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "plain"},
        )
    assert error(info)[1]["Message"] == no_identity_allow(key["Arn"], "Decrypt")
    assert s3.list_parts(Bucket=bucket, Key="big", UploadId=upload).get("Parts", []) == []


# -- across accounts (E4, E9, D4) -------------------------------------------------------------------
PARTNER = f"arn:aws:iam::{OTHER}:user/partner"
DENIED = (403, {"Code": "AccessDenied", "Message": "Access Denied"})


def _put_bucket_policy(s3sse: Any, bucket: str) -> None:
    """The bucket owner lets the partner read objects (E4: the resource side of a cross-account read)."""
    owner = boto3.client("s3", region_name="us-east-1")
    owner.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": PARTNER},
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/*",
                    }
                ],
            }
        ),
    )


def _share_key(kms: Any, key: dict[str, Any]) -> None:
    partner = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=key_policy(partner))


PARTNER_IAM = identity(allow("s3:GetObject"), allow("kms:Decrypt"))


@pytest.mark.parametrize(
    ("bucket_policy", "key_shared", "partner_iam", "kms_called"),
    [
        (False, True, PARTNER_IAM, False),
        (True, False, PARTNER_IAM, True),
        (True, True, identity(allow("s3:GetObject")), True),
        (True, True, identity(allow("kms:Decrypt")), False),
    ],
    ids=["no-bucket-policy", "key-policy-not-shared", "no-iam-decrypt", "no-iam-get-object"],
)
def test_cross_account_sse_kms_needs_bucket_key_and_identity_policies(
    s3sse, kms, bucket, key, stored, bucket_policy, key_shared, partner_iam, kms_called
):
    if bucket_policy:
        _put_bucket_policy(s3sse, bucket)
    if key_shared:
        _share_key(kms, key)
    partner = client(s3sse, PARTNER, policy=partner_iam)
    before = len(s3sse.kms_calls)
    with pytest.raises(ClientError) as info:
        partner.get_object(Bucket=bucket, Key=stored)
    assert error(info) == DENIED  # D4: no detail for another account
    made = s3sse.kms_calls[before:]
    if kms_called:
        assert [(c.operation, c.error) for c in made] == [("Decrypt", "AccessDeniedException")]
    else:
        assert made == ()
    assert successful_decrypts(s3sse) == 0


def test_cross_account_sse_kms_reads_when_all_three_policies_allow(s3sse, kms, bucket, key, stored):
    _put_bucket_policy(s3sse, bucket)
    _share_key(kms, key)
    partner = client(s3sse, PARTNER, policy=PARTNER_IAM)
    assert partner.get_object(Bucket=bucket, Key=stored)["Body"].read() == BODY
    call = s3sse.kms_calls[-1]
    assert (call.operation, call.caller, call.account, call.error) == (
        "Decrypt",
        PARTNER,
        OTHER,
        None,
    )


def test_cross_account_with_a_bucket_key_reads_when_all_three_policies_allow(
    s3sse, kms, bucket, key, bucket_key_object
):
    # K21 across accounts: the partner's Decrypt carries the bucket ARN as its context.
    _put_bucket_policy(s3sse, bucket)
    _share_key(kms, key)
    partner = client(s3sse, PARTNER, policy=PARTNER_IAM)
    assert partner.get_object(Bucket=bucket, Key=bucket_key_object)["Body"].read() == BODY
    assert s3sse.kms_calls[-1].encryption_context == {"aws:s3:arn": f"arn:aws:s3:::{bucket}"}


def test_cross_account_with_a_bucket_key_is_denied_without_the_key_policy(
    s3sse, bucket, key, bucket_key_object
):
    _put_bucket_policy(s3sse, bucket)
    partner = client(s3sse, PARTNER, policy=PARTNER_IAM)
    with pytest.raises(ClientError) as info:
        partner.get_object(Bucket=bucket, Key=bucket_key_object)
    assert error(info) == DENIED
    assert (s3sse.kms_calls[-1].operation, s3sse.kms_calls[-1].error) == (
        "Decrypt",
        "AccessDeniedException",
    )


# -- copies (E11: the source is decrypted and the target encrypted as the caller) ----------------
def test_copy_object_needs_kms_decrypt_on_the_source_key(s3sse, s3, bucket, key, stored):
    copier = client(s3sse, ROLE, policy=identity(allow(["s3:GetObject", "s3:PutObject"])))
    with pytest.raises(ClientError) as info:
        copier.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": stored})
    assert error(info) == (
        403,
        {"Code": "AccessDenied", "Message": no_identity_allow(key["Arn"], "Decrypt")},
    )
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [stored]


def test_copy_object_needs_kms_generate_data_key_on_the_target_key(s3sse, s3, bucket, key):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    copier = client(s3sse, ROLE, policy=identity(allow(["s3:GetObject", "s3:PutObject"])))
    with pytest.raises(ClientError) as info:
        copier.copy_object(
            Bucket=bucket,
            Key="copy",
            CopySource={"Bucket": bucket, "Key": "plain"},
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key["Arn"],
        )
    assert error(info)[1]["Message"] == no_identity_allow(key["Arn"], "GenerateDataKey")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["plain"]

"""The 2026 default: new buckets block SSE-C writes until the owner unblocks them.

Sources: AWS user guide "Blocking or unblocking SSE-C for a general purpose bucket" and the "Default
SSE-C setting for new buckets FAQ" (P); the API reference of ``BlockedEncryptionTypes`` (P);
``shared/reference/aws-sse-behaviour.md`` rows C9 and B2 (S) and open point 12.9. "U" marks what AWS
does not document, where the engine uses the value proposed in ``docs/sse-c.md``.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from sse_c_support import (
    KEY,
    blocked_message,
    copy_source_sse_c,
    error,
    sse_c,
    unblock_sse_c,
)

from pytest_s3sse import mock_s3sse

ROOT = "arn:aws:iam::123456789012:root"
SSE_S3_ONLY = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}


def _rules(s3, bucket):
    return s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]


def _blocked(s3, bucket):
    return _rules(s3, bucket)[0].get("BlockedEncryptionTypes", {}).get("EncryptionType")


def _put_rule(s3, bucket, rule):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})


def _assert_blocked(info, bucket, key, principal=ROOT):
    status, err = error(info)
    assert (status, err["Code"]) == (403, "AccessDenied")
    assert err["Message"] == blocked_message(principal, bucket, key)


# -- the block on new buckets ---------------------------------------------------------------------


def test_a_new_bucket_reports_sse_c_blocked(s3, bucket):
    """B2 (S: terraform-provider-aws#47320; P: FAQ "all new general purpose buckets")."""
    assert _blocked(s3, bucket) == ["SSE-C"]


def test_an_sse_c_put_to_a_new_bucket_is_c9_access_denied(s3, bucket):
    """C9 (P: "rejected with an HTTP 403 AccessDenied error"; message from the reference)."""
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    _assert_blocked(info, bucket, "k")


def test_the_c9_message_names_the_requesting_principal(s3sse, make_client, bucket):
    arn = "arn:aws:iam::123456789012:user/uploader"
    s3sse.add_credentials("AKIDUPLOADER", account_id="123456789012", arn=arn)
    uploader = make_client(aws_access_key_id="AKIDUPLOADER")
    with pytest.raises(ClientError) as info:
        uploader.put_object(Bucket=bucket, Key="a/b.txt", Body=b"x", **sse_c())
    _assert_blocked(info, bucket, "a/b.txt", principal=arn)


def test_a_blocked_sse_c_put_stores_nothing(s3, bucket):
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_sse_c_create_multipart_upload_on_a_new_bucket_is_c9(s3, bucket):
    """C9 (P: "Multipart Upload ... requests that specify SSE-C")."""
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="k", **sse_c())
    _assert_blocked(info, bucket, "k")


def test_sse_c_copy_target_on_a_new_bucket_is_c9(s3, bucket):
    """C9 (P: CopyObject is blocked); the message names the target."""
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", **sse_c())
    _assert_blocked(info, bucket, "dst")


def test_writes_without_sse_c_are_not_affected_by_the_block(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert put["ServerSideEncryption"] == "AES256"


# -- unblocking and blocking again ------------------------------------------------------------------


def test_blocked_encryption_types_none_unblocks_sse_c_writes(s3, bucket):
    """P: "NONE, which allows the use SSE-C for writes to the bucket"; GetBucketEncryption then
    reports NONE (U: proposed)."""
    unblock_sse_c(s3, bucket)
    assert _blocked(s3, bucket) == ["NONE"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    assert s3.get_object(Bucket=bucket, Key="k", **sse_c())["Body"].read() == b"x"


def test_existing_sse_c_objects_stay_readable_after_the_block(s3, bucket):
    """P: "Existing SSE-C encrypted objects in the bucket are unaffected, you can still read them
    with GetObject or HeadObject by providing the required SSE-C headers"."""
    unblock_sse_c(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    _put_rule(s3, bucket, {**SSE_S3_ONLY, "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}})
    assert s3.get_object(Bucket=bucket, Key="k", **sse_c())["Body"].read() == b"x"
    assert s3.head_object(Bucket=bucket, Key="k", **sse_c())["ContentLength"] == 1
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k2", Body=b"x", **sse_c())
    _assert_blocked(info, bucket, "k2")


def test_an_existing_sse_c_object_can_be_copied_out_to_sse_s3_while_blocked(s3, bucket):
    """The block stops SSE-C *writes*; reading an SSE-C copy source is a read (P)."""
    unblock_sse_c(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    _put_rule(s3, bucket, {**SSE_S3_ONLY, "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}})
    copied = s3.copy_object(
        Bucket=bucket, Key="plain", CopySource=f"{bucket}/k", **copy_source_sse_c()
    )
    assert copied["ServerSideEncryption"] == "AES256"


def test_upload_part_with_sse_c_is_c9_once_the_bucket_blocks_sse_c(s3, bucket):
    """C9 (P: UploadPart API reference: "you will get an HTTP 403 Access Denied error when you
    specify the SSE-C request headers while writing new data")."""
    unblock_sse_c(s3, bucket)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", **sse_c())["UploadId"]
    _put_rule(s3, bucket, {**SSE_S3_ONLY, "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}})
    with pytest.raises(ClientError) as info:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x", **sse_c())
    _assert_blocked(info, bucket, "k")


def test_upload_part_copy_with_sse_c_is_c9_once_the_bucket_blocks_sse_c(s3, bucket):
    """C9 (P: UploadPartCopy API reference, same note as UploadPart)."""
    unblock_sse_c(s3, bucket)
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", **sse_c())["UploadId"]
    _put_rule(s3, bucket, {**SSE_S3_ONLY, "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}})
    with pytest.raises(ClientError) as info:
        s3.upload_part_copy(
            Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
            CopySource=f"{bucket}/src", **sse_c(),
        )  # fmt: skip
    _assert_blocked(info, bucket, "k")


def test_a_rule_without_blocked_encryption_types_keeps_the_block(s3, bucket):
    """U (proposed; S: Terraform's AWS provider saw SSE-C come back blocked after a rule without
    it, the "perpetual diff" of cloudposse/terraform-aws-cloudfront-s3-cdn#379)."""
    _put_rule(s3, bucket, SSE_S3_ONLY)
    assert _blocked(s3, bucket) == ["SSE-C"]
    unblock_sse_c(s3, bucket)
    _put_rule(s3, bucket, SSE_S3_ONLY)
    assert _blocked(s3, bucket) == ["NONE"]


def test_a_rule_may_carry_only_blocked_encryption_types(s3, bucket):
    """S (aws/aws-cdk#37047 writes such rules); the default stays SSE-S3."""
    _put_rule(s3, bucket, {"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}})
    rule = _rules(s3, bucket)[0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert rule["BlockedEncryptionTypes"] == {"EncryptionType": ["NONE"]}


@pytest.mark.parametrize("types", [["SSE-KMS"], ["SSE-C", "NONE"], []])
def test_an_unknown_or_ambiguous_blocked_encryption_type_is_malformed_xml(s3, bucket, types):
    """P: valid values are NONE and SSE-C; the answer to others is U (MalformedXML, like B9)."""
    with pytest.raises(ClientError) as info:
        _put_rule(s3, bucket, {**SSE_S3_ONLY, "BlockedEncryptionTypes": {"EncryptionType": types}})
    assert error(info)[1]["Code"] == "MalformedXML"


def test_delete_bucket_encryption_keeps_the_block(s3, bucket):
    """B3 (A: back to SSE-S3); what happens to the block is U: the engine keeps it (proposed)."""
    s3.delete_bucket_encryption(Bucket=bucket)
    assert _blocked(s3, bucket) == ["SSE-C"]
    unblock_sse_c(s3, bucket)
    s3.delete_bucket_encryption(Bucket=bucket)
    assert _blocked(s3, bucket) == ["NONE"]


# -- buckets made the pre-2026 way --------------------------------------------------------------


@pytest.mark.s3sse(block_ssec_on_new_buckets=False)
def test_the_marker_option_creates_buckets_without_the_block(s3, bucket):
    """B1 (A: recorded 2026-02-21, before the block): no BlockedEncryptionTypes at all."""
    assert _blocked(s3, bucket) is None
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_c())
    assert s3.get_object(Bucket=bucket, Key="k", **sse_c())["Body"].read() == b"x"


def test_mock_s3sse_creates_legacy_buckets_on_request():
    with mock_s3sse(block_ssec_on_new_buckets=False):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="legacy")
        put = s3.put_object(Bucket="legacy", Key="k", Body=b"x", **sse_c(KEY))
        assert put["SSECustomerAlgorithm"] == "AES256"


def test_mock_s3sse_as_a_decorator_keeps_the_option():
    @mock_s3sse(block_ssec_on_new_buckets=False)
    def legacy_upload():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="legacy")
        return s3.put_object(Bucket="legacy", Key="k", Body=b"x", **sse_c())

    assert legacy_upload()["SSECustomerAlgorithm"] == "AES256"


def test_the_ini_option_creates_legacy_buckets(pytester):
    pytester.makeini("[pytest]\ns3sse_block_ssec_on_new_buckets = false\n")
    pytester.makepyfile(
        """
        import boto3

        def test_legacy(s3sse):
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="legacy")
            rule = s3.get_bucket_encryption(Bucket="legacy")[
                "ServerSideEncryptionConfiguration"]["Rules"][0]
            assert "BlockedEncryptionTypes" not in rule
        """
    )
    # The installed entry point loads the plugin; the outer run imported it, so no rewriting.
    warnings = ("-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    pytester.runpytest("-p", "no:benchmark", *warnings).assert_outcomes(passed=1)

"""The test API's questions about KMS name real things (issue 12, points 3 and 5): a count of calls to
an operation or a key that does not exist is always 0, so ``== 0`` would pass for the wrong reason;
such a name is an error, the same error whatever form the name takes. ``assert_encrypted(kms_key=...)``
takes every form ``kms_call_count`` takes and names the key it found in words.

Not AWS behaviour (the test API is ours): the operation names are KMS's API (botocore's service model
``kms/2014-11-01``), the key forms those KMS resolves (P: "key ID, key ARN, alias name, or alias ARN",
KMS API reference, KeyId).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import botocore
import pytest
from botocore import xform_name

from pytest_s3sse import KmsKeyNotFoundError
from pytest_s3sse._internal.kms.operations import OPERATIONS


# -- operation names ------------------------------------------------------------------------------
def test_the_operation_list_holds_every_operation_of_botocores_kms_model():
    model = Path(botocore.__file__).parent / "data" / "kms" / "2014-11-01" / "service-2.json.gz"
    with gzip.open(model) as raw:
        names = set(json.load(raw)["operations"])
    assert names <= OPERATIONS


@pytest.mark.parametrize("typo", ["GenerateDatakey", "generate_datakey", "Decrpyt", "Foo"])
def test_an_operation_that_kms_does_not_have_is_a_value_error(s3sse, typo):
    with pytest.raises(ValueError, match="is not a KMS operation"):
        s3sse.kms_call_count(typo)


def test_a_case_slip_names_the_operation_meant(s3sse):
    with pytest.raises(ValueError, match=r"did you mean 'GenerateDataKey'\?"):
        s3sse.kms_call_count("GenerateDatakey")


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_boto3s_method_name_counts_as_its_operation(s3sse, operation):
    assert s3sse.kms_call_count(xform_name(operation)) == s3sse.kms_call_count(operation)


def test_boto3s_method_name_counts_the_calls(s3sse, kms, key):
    kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert s3sse.kms_call_count("generate_data_key") == 1 == s3sse.kms_call_count("GenerateDataKey")


# -- keys -----------------------------------------------------------------------------------------
MADE_UP_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    "name",
    [
        MADE_UP_ID,
        f"arn:aws:kms:us-east-1:123456789012:key/{MADE_UP_ID}",
        "alias/missing",
        "arn:aws:kms:us-east-1:123456789012:alias/missing",
        "not a key at all",
    ],
    ids=["id", "arn", "alias", "alias-arn", "malformed"],
)
def test_a_key_that_does_not_exist_is_the_same_lookup_error_in_every_form(s3sse, name):
    with pytest.raises(KmsKeyNotFoundError, match=r"^no KMS key is named '.*' in "):
        s3sse.kms_call_count(key=name)


def test_a_bare_id_of_a_key_in_another_region_is_an_error_that_says_where_it_is(s3sse, make_client):
    elsewhere = make_client("kms", region_name="eu-west-1").create_key()["KeyMetadata"]
    with pytest.raises(
        KmsKeyNotFoundError, match=r"exists in 123456789012/eu-west-1: pass its ARN"
    ):
        s3sse.kms_call_count(key=elsewhere["KeyId"])
    assert s3sse.kms_call_count(key=elsewhere["Arn"]) == 1  # its CreateKey


def test_a_deleted_key_can_still_be_counted(s3sse, kms, key):
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    s3sse.clock.advance(days=8)
    assert s3sse.kms_call_count("Encrypt", key=key["KeyId"]) == 1


def test_the_aws_managed_key_counts_by_its_alias_before_and_after_s3_made_it(s3sse, s3, bucket):
    assert s3sse.kms_call_count(key="alias/aws/s3") == 0
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    assert s3sse.kms_call_count("GenerateDataKey", key="alias/aws/s3") == 1


# -- assert_encrypted(kms_key=...) ----------------------------------------------------------------
@pytest.fixture
def under_alias(s3sse, s3, kms, bucket, key):
    kms.create_alias(AliasName="alias/reports", TargetKeyId=key["KeyId"])
    s3.put_object(
        Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]
    )
    return key


@pytest.mark.parametrize("form", ["id", "arn", "alias", "alias-arn"])
def test_assert_encrypted_takes_the_key_in_every_form(s3sse, bucket, under_alias, form):
    key = under_alias
    name = {
        "id": key["KeyId"],
        "arn": key["Arn"],
        "alias": "alias/reports",
        "alias-arn": "arn:aws:kms:us-east-1:123456789012:alias/reports",
    }[form]
    view = s3sse.assert_encrypted(bucket, "k", mode="SSE-KMS", kms_key=name)
    assert view.kms_key_arn == key["Arn"]


def test_assert_encrypted_takes_the_aws_managed_alias(s3sse, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    s3sse.assert_encrypted(bucket, "k", mode="SSE-KMS", kms_key="alias/aws/s3")


def test_a_failure_names_the_aws_managed_key_in_words(s3sse, s3, bucket, key):
    # The usual bug: SSE-KMS asked for, SSEKMSKeyId forgotten, so S3 used aws/s3.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
    with pytest.raises(AssertionError, match=r"found the AWS managed key aws/s3 \(arn:aws:kms:"):
        s3sse.assert_encrypted(bucket, "k", kms_key=key["KeyId"])


def test_a_failure_names_the_found_keys_aliases(s3sse, s3, kms, bucket, under_alias):
    other = kms.create_key()["KeyMetadata"]
    with pytest.raises(AssertionError, match=r"found arn:aws:kms:\S+ \(alias/reports\)"):
        s3sse.assert_encrypted(bucket, "k", kms_key=other["KeyId"])


def test_expecting_a_key_that_does_not_exist_is_a_lookup_error(s3sse, bucket, under_alias):
    with pytest.raises(KmsKeyNotFoundError, match="alias/typo"):
        s3sse.assert_encrypted(bucket, "k", kms_key="alias/typo")


def test_a_failed_assert_encrypted_hides_the_plugins_frames(pytester):
    pytester.makepyfile(
        """
        import boto3

        def test_it(s3sse):
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=b"x", ServerSideEncryption="aws:kms")
            s3sse.assert_encrypted("bkt", "k", kms_key="alias/aws/s3", mode="SSE-S3")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:benchmark", "--tb=long")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "expected mode SSE-S3, found SSE-KMS" in out
    assert "pytest_s3sse/_internal" not in out

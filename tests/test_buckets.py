"""Buckets: create (names, regions, ownership), head, list, delete, location and default encryption.

Sources: docs/_research/s3-errors.md section 2-3 (A = LocalStack snapshots recorded against AWS) and
shared/reference/aws-sse-behaviour.md section 6 (B1-B10).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error as _error


def test_create_then_head_and_list(s3):
    s3.create_bucket(Bucket="alpha")
    s3.create_bucket(Bucket="beta")
    head = s3.head_bucket(Bucket="alpha")
    assert head["BucketRegion"] == "us-east-1"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["alpha", "beta"]


def test_recreating_an_owned_bucket_in_us_east_1_is_a_no_op(s3):
    # A: us-east-1 legacy behaviour, 200 (test_create_bucket_with_tags_us_east_1_idempotency).
    s3.create_bucket(Bucket="bkt")
    s3.create_bucket(Bucket="bkt")
    assert len(s3.list_buckets()["Buckets"]) == 1


def test_recreating_an_owned_bucket_elsewhere_is_bucket_already_owned_by_you(make_client):
    # A: BucketAlreadyOwnedByYou 409 (test_create_bucket_with_existing_name).
    s3 = make_client(region_name="eu-west-1")
    config = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket="bkt", CreateBucketConfiguration=config)
    with pytest.raises(ClientError) as info:
        s3.create_bucket(Bucket="bkt", CreateBucketConfiguration=config)
    assert _error(info) == (
        409,
        {
            "Code": "BucketAlreadyOwnedByYou",
            "Message": "Your previous request to create the named bucket succeeded and you already own it.",
            "BucketName": "bkt",
        },
    )


def test_a_name_owned_by_another_account_is_bucket_already_exists(s3sse, make_client):
    # A (reported): BucketAlreadyExists 409, many user reports quoting AWS.
    s3sse.add_credentials("OTHERKEY", account_id="999988887777")
    make_client(aws_access_key_id="OTHERKEY").create_bucket(Bucket="taken")
    with pytest.raises(ClientError) as info:
        make_client().create_bucket(Bucket="taken")
    status, error = _error(info)
    assert (status, error["Code"]) == (409, "BucketAlreadyExists")
    assert error["Message"].startswith("The requested bucket name is not available.")


def test_list_buckets_shows_only_the_callers_account(s3sse, make_client):
    s3sse.add_credentials("OTHERKEY", account_id="999988887777")
    make_client(aws_access_key_id="OTHERKEY").create_bucket(Bucket="theirs")
    make_client().create_bucket(Bucket="mine")
    assert [b["Name"] for b in make_client().list_buckets()["Buckets"]] == ["mine"]


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 64, "UPPER", "under_score", "-start", "end-", "two..dots", "192.168.5.4",
     "xn--punycode", "sthree-bucket", "bucket-s3alias", "bucket--ol-s3", "dot-.dash"],
)  # fmt: skip
def test_invalid_bucket_names_are_refused(s3, name):
    # P: general purpose bucket naming rules; A: InvalidBucketName (test_s3_uppercase_bucket_name).
    def force_name(params, **_):
        params["Bucket"] = name

    s3.meta.events.register_first("before-parameter-build.s3.CreateBucket", force_name)
    with pytest.raises(ClientError) as info:
        s3.create_bucket(Bucket="placeholder")
    assert _error(info)[1]["Code"] == "InvalidBucketName"
    assert _error(info)[1]["Message"] == "The specified bucket is not valid."


def test_no_location_constraint_on_a_regional_endpoint_is_illegal(make_client):
    # A: test_different_location_constraint/create-bucket-us-east-2.
    with pytest.raises(ClientError) as info:
        make_client(region_name="eu-west-1").create_bucket(Bucket="bkt")
    assert _error(info)[1] == {
        "Code": "IllegalLocationConstraintException",
        "Message": "The unspecified location constraint is incompatible for the region specific "
        "endpoint this request was sent to.",
    }


def test_a_location_constraint_for_another_region_is_illegal(make_client):
    with pytest.raises(ClientError) as info:
        make_client(region_name="eu-west-1").create_bucket(
            Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    assert _error(info)[1]["Message"] == (
        "The us-west-2 location constraint is incompatible for the region specific endpoint this "
        "request was sent to."
    )


def test_location_constraint_us_east_1_is_invalid(s3):
    # A: InvalidLocationConstraint "The specified location-constraint is not valid".
    with pytest.raises(ClientError) as info:
        s3.create_bucket(
            Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
    assert _error(info)[1] == {
        "Code": "InvalidLocationConstraint",
        "Message": "The specified location-constraint is not valid",
        "LocationConstraint": "us-east-1",
    }


def test_head_of_a_missing_bucket_is_a_bodiless_404(s3):
    with pytest.raises(ClientError) as info:
        s3.head_bucket(Bucket="missing")
    assert _error(info) == (404, {"Code": "404", "Message": "Not Found"})


def test_deleting_a_non_empty_bucket_is_bucket_not_empty(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.delete_bucket(Bucket=bucket)
    assert _error(info) == (
        409,
        {
            "Code": "BucketNotEmpty",
            "Message": "The bucket you tried to delete is not empty",
            "BucketName": bucket,
        },
    )
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    assert s3.list_buckets()["Buckets"] == []


def test_deleting_a_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as info:
        s3.delete_bucket(Bucket="missing")
    assert _error(info)[1]["Code"] == "NoSuchBucket"


# -- default encryption (reference section 6.2) ---------------------------------------------------


def test_a_new_bucket_reports_the_sse_s3_default_with_sse_c_blocked(s3, bucket):
    # B1 (A, test_s3_default_bucket_encryption) plus B2 (S: terraform-provider-aws#47320, What's
    # New 2026-04-06): buckets created since April 2026 block SSE-C writes.
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
            "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},
        }
    ]


@pytest.mark.s3sse(block_ssec_on_new_buckets=False)
def test_a_legacy_bucket_reports_the_sse_s3_default(s3, bucket):
    # B1 (A, test_s3_default_bucket_encryption, recorded 2026-02-21, before the SSE-C block).
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]


def test_put_then_delete_bucket_encryption_reverts_to_sse_s3(s3, bucket):
    # B3, B4, B10.
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
        "BucketKeyEnabled"
    ]
    assert "BucketKeyEnabled" not in s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for _ in range(2):
        assert (
            s3.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
        )
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


@pytest.mark.parametrize(
    "rules", [[], [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}] * 2]
)
def test_zero_or_two_rules_are_malformed_xml(s3, bucket, rules):
    # B5, B6 (A, test_s3_default_bucket_encryption_exc).
    with pytest.raises(ClientError) as info:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules})
    assert _error(info)[1]["Code"] == "MalformedXML"


def test_a_kms_key_with_aes256_default_is_invalid_argument(s3, bucket):
    # B7 (A, test_s3_default_bucket_encryption_exc).
    with pytest.raises(ClientError) as info:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "AES256",
                            "KMSMasterKeyID": "k",
                        }
                    }
                ]
            },
        )
    assert _error(info)[1]["Message"] == (
        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"
    )
    assert _error(info)[1]["ArgumentName"] == "ApplyServerSideEncryptionByDefault"


def test_bucket_encryption_of_a_missing_bucket_is_no_such_bucket_before_xml_checks(s3):
    # B8 (A): existence is checked before the XML.
    with pytest.raises(ClientError) as info:
        s3.put_bucket_encryption(Bucket="missing", ServerSideEncryptionConfiguration={"Rules": []})
    assert _error(info)[1]["Code"] == "NoSuchBucket"


def test_a_kms_bucket_default_without_a_key_id_encrypts_under_aws_s3(s3, bucket, make_client):
    # B11 (A, LocalStack snapshot test_s3_bucket_encryption_sse_kms_aws_managed_key): objects use the
    # AWS managed aws/s3 key, whose ARN they echo; GetBucketEncryption echoes no KMSMasterKeyID.
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    managed = make_client("kms").describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", managed["Arn"])
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms"}

"""Request headers of features the engine does not model are refused, never dropped (issue 11).

A dropped header answers 200 for something S3 would do differently: a fake success. ACLs are modelled
as they are on every bucket S3 has created since April 2023 (Object Ownership "bucket owner
enforced": ACLs disabled); Object Lock is 501 NotImplemented naming the header until the
engine models it (tagging is modelled: tests/test_tagging*.py). docs/errors.md lists what is accepted and what is refused, with sources.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error as _error

NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"
# Status and code P (S3 user guide, Object Ownership "Troubleshooting"); message S (cloudyr/aws.s3#435).
ACL_REFUSED = (400, "AccessControlListNotSupported", "The bucket does not allow ACLs")


def _refusal(info: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    status, error = _error(info)
    return status, error["Code"], error["Message"]


def _missing(s3, bucket, key="k"):
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key=key)
    return _error(info)[0] == 404


# -- ACLs (ACLs disabled, the default of new buckets) --------------------------------------------


def test_put_with_bucket_owner_full_control_is_accepted(s3, bucket):
    # P: "All S3 PUT requests must either specify the bucket-owner-full-control canned ACL or not
    # specify an ACL" (S3 user guide, Object Ownership troubleshooting).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


@pytest.mark.parametrize("acl", ["private", "public-read", "authenticated-read"])
def test_put_with_another_canned_acl_is_access_control_list_not_supported(s3, bucket, acl):
    # P (code, status), S (message; `private` refused too: cloudyr/aws.s3#435).
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL=acl)
    assert _refusal(info) == ACL_REFUSED
    assert _missing(s3, bucket)


def test_put_with_a_grant_header_is_access_control_list_not_supported(s3, bucket):
    # P: "PUT requests that contain other ACLs (for example, custom grants ...) fail" with a 400.
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", GrantRead='uri="http://acs/AllUsers"')
    assert _refusal(info) == ACL_REFUSED
    assert _missing(s3, bucket)


def test_a_canned_acl_with_grant_headers_is_invalid_request(s3, bucket):
    # A: LocalStack snapshot test_s3_object_acl_exceptions / put-object-two-type-acl.
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=bucket, Key="k", Body=b"x", ACL="private", GrantRead='uri="http://acs/AllUsers"'
        )
    assert _refusal(info) == (
        400,
        "InvalidRequest",
        "Specifying both Canned ACLs and Header Grants is not allowed",
    )


def test_copy_with_a_public_acl_is_refused_and_writes_nothing(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.copy_object(
            Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "src"}, ACL="public-read"
        )
    assert _refusal(info) == ACL_REFUSED
    assert _missing(s3, bucket)


def test_create_multipart_upload_with_a_public_acl_is_refused(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="k", ACL="public-read")
    assert _refusal(info) == ACL_REFUSED
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


# -- Object Lock: 501 naming the header ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "header"),
    [
        ({"ObjectLockMode": "GOVERNANCE"}, "x-amz-object-lock-mode"),
        (
            {"ObjectLockRetainUntilDate": "2030-01-01T00:00:00Z"},
            "x-amz-object-lock-retain-until-date",
        ),
        ({"ObjectLockLegalHoldStatus": "ON"}, "x-amz-object-lock-legal-hold"),
    ],
)
def test_put_with_an_unmodelled_header_is_501_naming_it(s3, bucket, args, header):
    # A: S3's 501 NotImplemented names the header it refuses (docs/_research/s3-errors.md 5c).
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **args)
    status, error = _error(info)
    assert (status, error["Code"], error["Message"], error["Header"]) == (
        501,
        "NotImplemented",
        NOT_IMPLEMENTED,
        header,
    )
    assert error["additionalMessage"].startswith("pytest-s3sse does not model ")
    assert _missing(s3, bucket)


def test_copy_with_an_aws_prefixed_tag_is_not_a_silent_success(s3, bucket):
    # Issue 11: AWS answers 400 InvalidTag (T for the text: docs/tagging.md) and copies nothing.
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.copy_object(
            Bucket=bucket,
            Key="k",
            CopySource={"Bucket": bucket, "Key": "src"},
            Tagging="aws:owner=me",
            TaggingDirective="REPLACE",
        )
    assert (_error(info)[0], _error(info)[1]["Code"]) == (400, "InvalidTag")
    assert _missing(s3, bucket)


def test_create_multipart_upload_with_object_lock_is_501(s3, bucket):
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="k", ObjectLockLegalHoldStatus="ON")
    assert (_error(info)[0], _error(info)[1]["Header"]) == (501, "x-amz-object-lock-legal-hold")


# -- modelled: accepted and kept -----------------------------------------------------------------


def test_storage_class_and_website_redirect_are_stored_and_echoed(s3, bucket):
    s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"x",
        StorageClass="STANDARD_IA",
        WebsiteRedirectLocation="/other",
    )
    head = s3.head_object(Bucket=bucket, Key="k")
    assert (head["StorageClass"], head["WebsiteRedirectLocation"]) == ("STANDARD_IA", "/other")


# docs/_research/s3-errors.md (A: LocalStack snapshots test_put_object_storage_class_outposts,
# put-object-outposts and create-multipart-outposts-exc; test_post_object_with_storage_class).
INVALID_STORAGE_CLASS = (400, "InvalidStorageClass", "The storage class you specified is not valid")


@pytest.mark.parametrize("storage_class", ["OUTPOSTS", "EXPRESS_ONEZONE", "FSX_OPENZFS"])
def test_put_with_a_storage_class_of_another_kind_of_bucket_is_invalid_storage_class(
    s3, bucket, storage_class
):
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass=storage_class)
    assert _refusal(info) == INVALID_STORAGE_CLASS
    assert info.value.response["Error"]["StorageClassRequested"] == storage_class
    assert _missing(s3, bucket)


def test_create_multipart_upload_and_copy_check_the_storage_class_too(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.create_multipart_upload(Bucket=bucket, Key="k", StorageClass="OUTPOSTS")
    assert _refusal(info) == INVALID_STORAGE_CLASS
    with pytest.raises(ClientError) as info:
        s3.copy_object(
            Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "src"},
            StorageClass="OUTPOSTS",
        )  # fmt: skip
    assert _refusal(info) == INVALID_STORAGE_CLASS
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads") is None
    assert _missing(s3, bucket)


def test_s3transfer_upload_and_managed_copy_send_nothing_refused(s3, bucket, tmp_path):
    # boto3's upload_file and copy (s3transfer) send no ACL, lock or tagging header by default.
    path = tmp_path / "f"
    path.write_bytes(b"data")
    s3.upload_file(str(path), bucket, "k")
    s3.copy({"Bucket": bucket, "Key": "k"}, bucket, "k2")
    assert s3.get_object(Bucket=bucket, Key="k2")["Body"].read() == b"data"


# -- CreateBucket: a bucket as S3 makes one by default -------------------------------------------


def _no_bucket(s3, name="made"):
    return name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.parametrize(
    "args", [{"ACL": "private"}, {"ObjectOwnership": "BucketOwnerEnforced"}, {}]
)
def test_create_bucket_as_s3_makes_it_by_default_is_accepted(s3, args):
    s3.create_bucket(Bucket="made", **args)
    assert not _no_bucket(s3)


@pytest.mark.parametrize(
    "args", [{"ACL": "public-read"}, {"GrantRead": 'uri="http://acs/AllUsers"'}]
)
def test_create_bucket_with_a_wider_acl_is_invalid_bucket_acl_with_object_ownership(s3, args):
    # P: S3 user guide, Object Ownership "Troubleshooting"; S: the message as AWS answers it
    # (awslabs/game-analytics-pipeline#8, aws-samples/lambdaedge-openidconnect-samples#57).
    with pytest.raises(ClientError) as info:
        s3.create_bucket(Bucket="made", **args)
    assert _refusal(info) == (
        400,
        "InvalidBucketAclWithObjectOwnership",
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    )
    assert _no_bucket(s3)


@pytest.mark.parametrize(
    ("args", "header"),
    [
        ({"ObjectLockEnabledForBucket": True}, "x-amz-bucket-object-lock-enabled"),
        ({"ObjectOwnership": "ObjectWriter"}, "x-amz-object-ownership"),
    ],
)
def test_create_bucket_asking_for_an_unmodelled_feature_is_501_naming_it(s3, args, header):
    with pytest.raises(ClientError) as info:
        s3.create_bucket(Bucket="made", **args)
    assert (_error(info)[0], _error(info)[1]["Header"]) == (501, header)
    assert _no_bucket(s3)


def test_a_presigned_put_with_a_public_acl_is_refused(s3, bucket):
    # botocore moves x-amz-acl into the presigned URL's query; the engine lifts it back (presign.py).
    import requests  # noqa: PLC0415

    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "ACL": "public-read"}
    )
    response = requests.put(url, data=b"x", timeout=5)
    assert response.status_code == 400
    assert b"<Code>AccessControlListNotSupported</Code>" in response.content
    assert _missing(s3, bucket)

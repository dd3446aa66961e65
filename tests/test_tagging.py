"""Object and bucket tagging through boto3: Put/Get/DeleteObjectTagging, ``x-amz-tagging`` on PutObject,
CopyObject (with ``x-amz-tagging-directive``) and CreateMultipartUpload, ``x-amz-tagging-count``, and
Put/Get/DeleteBucketTagging.

Sources (labels as in docs/errors.md): P the S3 API reference and user guide "Categorizing your storage
using tags"; A LocalStack's snapshots recorded against AWS; S public reports quoting AWS; T other
implementations (moto); U proposed. docs/tagging.md lists the rules.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error


def _tags(s3, bucket, key="k"):
    return s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]


def _tagset(**tags):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}


# -- the object's tag set ---------------------------------------------------------------------


def test_an_untagged_object_has_an_empty_tag_set(s3, bucket):
    # S: ceph s3-tests test_put_delete_tags (GetObjectTagging of an untagged object: empty TagSet).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert _tags(s3, bucket) == []


def test_put_object_tagging_replaces_the_whole_tag_set(s3, bucket):
    # P: PutObjectTagging "Sets the supplied tag-set to an object", replacing the existing one.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=2")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(c="3"))
    assert _tags(s3, bucket) == [{"Key": "c", "Value": "3"}]


def test_tags_come_back_in_key_order(s3, bucket):
    # S: ceph s3-tests test_put_obj_with_tags reads the set back in key order.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(zeta="1", alpha="2"))
    assert [t["Key"] for t in _tags(s3, bucket)] == ["alpha", "zeta"]


def test_tagging_changes_neither_the_etag_nor_last_modified(s3, bucket, s3sse):
    # P: tags are a subresource of the object; changing them writes no new object.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    before = s3.head_object(Bucket=bucket, Key="k")
    s3sse.clock.advance(60)
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(a="1"))
    after = s3.head_object(Bucket=bucket, Key="k")
    assert (after["ETag"], after["LastModified"]) == (before["ETag"], before["LastModified"])


def test_tagging_keeps_the_object_readable_and_its_encryption(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"secret", ServerSideEncryption="aws:kms")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(a="1"))
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"secret"
    assert got["ServerSideEncryption"] == "aws:kms"


def test_delete_object_tagging_removes_every_tag_and_answers_204(s3, bucket):
    # P: DeleteObjectTagging "Removes the entire tag set from the specified object"; 204.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1")
    response = s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _tags(s3, bucket) == []


def test_an_empty_tag_set_deletes_the_object_tags(s3, bucket):
    # P: "If you send this request with an empty tag set, Amazon S3 deletes the existing tag set".
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": []})
    assert _tags(s3, bucket) == []


def test_overwriting_an_object_drops_its_tags(s3, bucket):
    # P: a PUT replaces the object with its subresources; the new one has the tags it was sent.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1")
    s3.put_object(Bucket=bucket, Key="k", Body=b"y")
    assert _tags(s3, bucket) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda s3, b: s3.get_object_tagging(Bucket=b, Key="missing"),
        lambda s3, b: s3.put_object_tagging(Bucket=b, Key="missing", Tagging=_tagset(a="1")),
        lambda s3, b: s3.delete_object_tagging(Bucket=b, Key="missing"),
    ],
    ids=["get", "put", "delete"],
)
def test_tagging_a_missing_key_is_no_such_key(s3, bucket, call):
    # A: LocalStack snapshots test_object_tagging_exc/get-no-key-tags, put-no-key-tags,
    # delete-no-key-tags (s3-errors.md section 2).
    with pytest.raises(ClientError) as info:
        call(s3, bucket)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        404,
        "NoSuchKey",
        "The specified key does not exist.",
    )


def test_tagging_in_a_missing_bucket_is_no_such_bucket(s3):
    # A: s3-errors.md section 2 (any bucket-scoped operation on a missing bucket).
    with pytest.raises(ClientError) as info:
        s3.get_object_tagging(Bucket="no-such-bucket-here", Key="k")
    assert error(info)[1]["Code"] == "NoSuchBucket"


def test_a_version_id_other_than_the_objects_is_invalid(s3, bucket):
    # A: "Invalid version id specified" for a made-up id on an unversioned bucket (s3-errors.md 11).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.get_object_tagging(Bucket=bucket, Key="k", VersionId="not-a-version")
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidArgument",
        "Invalid version id specified",
    )
    assert err["ArgumentName"] == "versionId"


def test_the_null_version_id_names_an_unversioned_object(s3, bucket):
    # P: objects of an unversioned bucket have the version id "null".
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1")
    got = s3.get_object_tagging(Bucket=bucket, Key="k", VersionId="null")
    assert got["TagSet"] == [{"Key": "a", "Value": "1"}]


# -- the x-amz-tagging header and x-amz-tagging-count -----------------------------------------


def test_put_object_with_tagging_stores_the_tags(s3, bucket):
    # P: PutObject x-amz-tagging "encoded as URL Query parameters", e.g. tag1=value1&tag2=value2.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="tag1=value1&tag2=value%20two")
    assert _tags(s3, bucket) == [
        {"Key": "tag1", "Value": "value1"},
        {"Key": "tag2", "Value": "value two"},
    ]


def test_a_header_key_without_a_value_holds_the_empty_value(s3, bucket):
    # S: ceph s3-tests test_put_obj_with_tags ("foo=bar&bar": bar has the empty value).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="foo=bar&bar")
    assert _tags(s3, bucket) == [{"Key": "bar", "Value": ""}, {"Key": "foo", "Value": "bar"}]


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_get_and_head_answer_the_tag_count(s3, bucket, method):
    # P: GetObject and HeadObject x-amz-tagging-count, "The number of tags, if any, on the object".
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=2&c=3")
    assert getattr(s3, method)(Bucket=bucket, Key="k")["TagCount"] == 3


def test_an_untagged_object_answers_no_tag_count(s3, bucket):
    # P: "if any": no header without tags.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "TagCount" not in s3.head_object(Bucket=bucket, Key="k")


@pytest.mark.parametrize("header", ["TagSet=[{Key=string,Value=string}]", "a=1&a=2"])
def test_a_malformed_or_duplicated_tagging_header_is_invalid_argument(s3, bucket, header):
    # A: LocalStack snapshots test_object_tagging_exc/put-obj-wrong-format and
    # /put-obj-duplicate-tagging (s3-errors.md section 11); S: aws/aws-cli#2841 for the first.
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging=header)
    status, err = error(info)
    assert (status, err["Code"]) == (400, "InvalidArgument")
    assert err["Message"] == (
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
        "parameters without tag name duplicates."
    )
    assert (err["ArgumentName"], err["ArgumentValue"]) == ("x-amz-tagging", header)


def test_a_refused_tagging_header_stores_nothing(s3, bucket):
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="aws:x=1")
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key="k")
    assert error(info)[0] == 404


def test_a_multipart_upload_takes_its_tags_at_complete(s3, bucket):
    # P: CreateMultipartUpload x-amz-tagging; the object the Complete makes carries them.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", Tagging="team=data")
    part = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=upload["UploadId"], PartNumber=1, Body=b"x"
    )
    s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )  # fmt: skip
    assert _tags(s3, bucket) == [{"Key": "team", "Value": "data"}]


# -- CopyObject and x-amz-tagging-directive ---------------------------------------------------


def test_a_copy_keeps_the_source_tags_by_default(s3, bucket):
    # P: CopyObject x-amz-tagging-directive "The default value is COPY".
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert _tags(s3, bucket, "dst") == [{"Key": "a", "Value": "1"}]


def test_a_copy_with_the_copy_directive_ignores_the_tagging_header(s3, bucket):
    # P: COPY takes the source's tag set.
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
        Tagging="b=2", TaggingDirective="COPY",
    )  # fmt: skip
    assert _tags(s3, bucket, "dst") == [{"Key": "a", "Value": "1"}]


def test_a_copy_with_the_replace_directive_takes_the_request_tags(s3, bucket):
    # P: REPLACE takes the tag set of the request's x-amz-tagging.
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
        Tagging="b=2", TaggingDirective="REPLACE",
    )  # fmt: skip
    assert _tags(s3, bucket, "dst") == [{"Key": "b", "Value": "2"}]


def test_a_copy_with_replace_and_no_tagging_header_has_no_tags(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
        TaggingDirective="REPLACE",
    )  # fmt: skip
    assert _tags(s3, bucket, "dst") == []


def test_an_unknown_tagging_directive_is_invalid_argument(s3, bucket, make_client):
    # T: S3 implementations answer "Unknown tagging directive." (s3-errors.md section 8); U for AWS.
    # botocore validates the enum client-side, so the header is sent by an event handler.
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")

    def directive(request, **_):
        request.headers["x-amz-tagging-directive"] = "MOVE"

    s3.meta.events.register("before-sign.s3.CopyObject", directive)
    with pytest.raises(ClientError) as info:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidArgument",
        "Unknown tagging directive.",
    )


# -- bucket tagging ---------------------------------------------------------------------------


def test_a_bucket_without_tags_is_no_such_tag_set(s3, bucket):
    # P: NoSuchTagSet, 404 (ErrorResponses); text T (moto), S (tools matching AWS's answer).
    with pytest.raises(ClientError) as info:
        s3.get_bucket_tagging(Bucket=bucket)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        404,
        "NoSuchTagSet",
        "The TagSet does not exist",
    )
    assert err["BucketName"] == bucket


def test_bucket_tags_round_trip(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tagset(team="data", cost="42"))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [
        {"Key": "cost", "Value": "42"},
        {"Key": "team", "Value": "data"},
    ]


def test_delete_bucket_tagging_answers_204_and_leaves_no_tag_set(s3, bucket):
    # S: ceph s3-tests test_set_bucket_tagging (NoSuchTagSet again after DeleteBucketTagging's 204).
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tagset(a="1"))
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as info:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error(info)[1]["Code"] == "NoSuchTagSet"


def test_an_empty_bucket_tag_set_deletes_the_bucket_tags(s3, bucket):
    # T: moto test_put_bucket_tagging (an empty TagSet, then GetBucketTagging: NoSuchTagSet).
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tagset(a="1"))
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    with pytest.raises(ClientError) as info:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error(info)[1]["Code"] == "NoSuchTagSet"


def test_a_bucket_takes_fifty_tags(s3, bucket):
    # P: cost allocation tags: "A tag set can contain as many as 50 tags".
    tags = {f"k{i}": "v" for i in range(50)}
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tagset(**tags))
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50


def test_a_tagging_change_is_a_store_event(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(a="1"))
    from pytest_s3sse._internal.s3.store_events import ObjectTagsSet  # noqa: PLC0415

    events = [e for e in s3sse.engine.events if isinstance(e, ObjectTagsSet)]
    assert events == [ObjectTagsSet(bucket, "k", "null", (("a", "1"),))]


# -- the trail --------------------------------------------------------------------------------


def test_object_tagging_operations_are_data_events_on_the_object(s3sse, s3, bucket):
    # P: S3 user guide "Amazon S3 CloudTrail events" (object-level tagging is a data event).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(a="1"))
    s3.get_object_tagging(Bucket=bucket, Key="k")
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    for name in ("PutObjectTagging", "GetObjectTagging", "DeleteObjectTagging"):
        (record,) = [r for r in s3sse.trail.records if r["eventName"] == name]
        assert record["eventCategory"] == "Data"
        assert record["requestParameters"]["tagging"] == ""
        assert record["resources"][0] == {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::bkt/k"}
        assert record["readOnly"] is (name == "GetObjectTagging")


def test_bucket_tagging_operations_are_management_events(s3sse, s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=_tagset(a="1"))
    (record,) = [r for r in s3sse.trail.records if r["eventName"] == "PutBucketTagging"]
    assert record["eventCategory"] == "Management"


def test_a_presigned_put_applies_the_tagging_it_carries_in_its_query(s3, bucket):
    # S: a presigned PutObject carries x-amz-tagging in its query string and S3 applies it
    # (floci-3608, checked against S3 2026-08-26; the engine lifts x-amz-* parameters: presign.py).
    import requests  # noqa: PLC0415

    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "k", "Tagging": "a=b&c=d"}
    )
    assert requests.put(url, data=b"x", timeout=5).status_code == 200
    assert _tags(s3, bucket) == [{"Key": "a", "Value": "b"}, {"Key": "c", "Value": "d"}]


def test_create_bucket_applies_the_tags_of_its_configuration(s3):
    # P: CreateBucketConfiguration Tags, "An array of tags that you can apply to the bucket that
    # you're creating" (before, the engine dropped them: a silent success).
    s3.create_bucket(
        Bucket="tagged-bkt",
        CreateBucketConfiguration={"Tags": [{"Key": "team", "Value": "data"}]},
    )
    assert s3.get_bucket_tagging(Bucket="tagged-bkt")["TagSet"] == [
        {"Key": "team", "Value": "data"}
    ]


def test_create_bucket_with_a_reserved_tag_is_invalid_tag_and_creates_nothing(s3):
    # P: the reserved aws: prefix; T for the text (docs/errors.md, Tagging).
    with pytest.raises(ClientError) as info:
        s3.create_bucket(
            Bucket="tagged-bkt",
            CreateBucketConfiguration={"Tags": [{"Key": "aws:team", "Value": "data"}]},
        )
    assert error(info)[1]["Code"] == "InvalidTag"
    assert "Buckets" not in s3.list_buckets() or s3.list_buckets()["Buckets"] == []

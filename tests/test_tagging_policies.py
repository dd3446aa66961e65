"""Object tags in policies: ``s3:ExistingObjectTag/<key>``, ``s3:RequestObjectTag/<key>`` and
``s3:RequestObjectTagKeys``, and the s3:PutObjectTagging permission a tagged write needs.

Sources: P the Service Authorization Reference (which actions support which key: the catalogue in
pytest_s3sse/_internal/policy/_catalogue_data.py) and the S3 user guide "Tagging and access control
policies" (its examples: grant GetObject only on objects tagged so, restrict the tag keys a writer may
set); policy-behaviour.md K16 (the existing tag's value; absent without that tag); S
khengsaurus/nm-blog (PutObject with ``x-amz-tagging`` answered 403 on AWS without
s3:PutObjectTagging).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import error

OWNER = "123456789012"
OBJECTS = "arn:aws:s3:::bkt/*"
READER = f"arn:aws:iam::{OWNER}:user/reader"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def as_user(s3sse, make_client):
    """A client for a same-account IAM user with an identity policy of ``statements``."""

    def make(*statements: dict[str, Any]) -> Any:
        policy = {"Version": "2012-10-17", "Statement": list(statements)}
        return make_client(**s3sse.principal(READER, policy=policy))

    return make


def allow(action: Any, **condition: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": OBJECTS}
    if condition:
        out["Condition"] = condition
    return out


def _denied(info: pytest.ExceptionInfo[ClientError]) -> bool:
    return error(info)[:1] == (403,) and error(info)[1]["Code"] == "AccessDenied"


# -- s3:ExistingObjectTag/<key> -----------------------------------------------------------------


def test_existing_object_tag_grants_get_object_on_objects_tagged_so(s3, bucket, as_user):
    # P: user guide example "grant s3:GetObject on objects with the tag environment=production".
    s3.put_object(Bucket=bucket, Key="prod", Body=b"p", Tagging="environment=production")
    user = as_user(
        allow("s3:GetObject", StringEquals={"s3:ExistingObjectTag/environment": "production"})
    )
    assert user.get_object(Bucket=bucket, Key="prod")["Body"].read() == b"p"


def test_existing_object_tag_denies_an_object_without_the_tag(s3, bucket, as_user):
    # K16: absent without that tag, so StringEquals does not match: implicit deny.
    s3.put_object(Bucket=bucket, Key="dev", Body=b"d", Tagging="environment=dev")
    s3.put_object(Bucket=bucket, Key="untagged", Body=b"u")
    user = as_user(
        allow("s3:GetObject", StringEquals={"s3:ExistingObjectTag/environment": "production"})
    )
    for key in ("dev", "untagged"):
        with pytest.raises(ClientError) as info:
            user.get_object(Bucket=bucket, Key=key)
        assert _denied(info)


def test_existing_object_tag_reads_the_tags_put_after_the_object(s3, bucket, as_user):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    user = as_user(allow("s3:GetObject", StringEquals={"s3:ExistingObjectTag/team": "data"}))
    with pytest.raises(ClientError):
        user.get_object(Bucket=bucket, Key="k")
    s3.put_object_tagging(
        Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]}
    )
    assert user.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_existing_object_tag_applies_to_put_object_tagging(s3, bucket, as_user):
    # P: SAR lists s3:ExistingObjectTag/<key> for s3:PutObjectTagging.
    s3.put_object(Bucket=bucket, Key="locked", Body=b"x", Tagging="locked=true")
    s3.put_object(Bucket=bucket, Key="open", Body=b"x", Tagging="locked=false")
    user = as_user(
        allow("s3:PutObjectTagging", StringEquals={"s3:ExistingObjectTag/locked": "false"})
    )
    tags = {"TagSet": [{"Key": "x", "Value": "1"}]}
    user.put_object_tagging(Bucket=bucket, Key="open", Tagging=tags)
    with pytest.raises(ClientError) as info:
        user.put_object_tagging(Bucket=bucket, Key="locked", Tagging=tags)
    assert _denied(info)


# -- s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys ----------------------------------------


def test_request_object_tag_lets_a_put_with_the_tag_through(s3, bucket, as_user):
    # P: SAR lists s3:RequestObjectTag/<key> for s3:PutObject (and s3:PutObjectTagging).
    user = as_user(
        allow(
            ["s3:PutObject", "s3:PutObjectTagging"],
            StringEquals={"s3:RequestObjectTag/team": "data"},
        )
    )
    user.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="team=data")
    with pytest.raises(ClientError) as info:
        user.put_object(Bucket=bucket, Key="k2", Body=b"x", Tagging="team=web")
    assert _denied(info)


def test_request_object_tag_keys_restricts_the_keys_a_writer_may_set(s3, bucket, as_user):
    # P: user guide example "ForAllValues:StringLike" on s3:RequestObjectTagKeys.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    user = as_user(
        allow(
            "s3:PutObjectTagging",
            **{"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["team", "cost"]}},
        )
    )
    allowed = {"TagSet": [{"Key": "team", "Value": "a"}, {"Key": "cost", "Value": "1"}]}
    user.put_object_tagging(Bucket=bucket, Key="k", Tagging=allowed)
    other = {"TagSet": [{"Key": "owner", "Value": "me"}]}
    with pytest.raises(ClientError) as info:
        user.put_object_tagging(Bucket=bucket, Key="k", Tagging=other)
    assert _denied(info)
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == allowed["TagSet"][::-1]


def test_a_request_tag_deny_leaves_the_object_unwritten(s3, bucket, as_user):
    user = as_user(
        allow(["s3:PutObject", "s3:PutObjectTagging", "s3:GetObject"]),
        {
            "Effect": "Deny",
            "Action": "s3:PutObject",
            "Resource": OBJECTS,
            "Condition": {"Null": {"s3:RequestObjectTagKeys": "true"}},
        },
    )
    with pytest.raises(ClientError) as info:
        user.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert _denied(info)
    user.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="team=data")


# -- s3:PutObjectTagging for a tagged write -------------------------------------------------------


def test_a_tagged_put_needs_put_object_tagging(s3, bucket, as_user):
    # P: S3 user guide "Tagging and access control policies"; S: khengsaurus/nm-blog.
    user = as_user(allow("s3:PutObject"))
    user.put_object(Bucket=bucket, Key="plain", Body=b"x")
    with pytest.raises(ClientError) as info:
        user.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="a=1")
    status, err = error(info)
    assert (status, err["Code"]) == (403, "AccessDenied")
    assert "s3:PutObjectTagging" in err["Message"]
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="tagged")


def test_a_tagged_multipart_upload_needs_put_object_tagging(s3, bucket, as_user):
    user = as_user(allow("s3:PutObject"))
    with pytest.raises(ClientError) as info:
        user.create_multipart_upload(Bucket=bucket, Key="k", Tagging="a=1")
    assert _denied(info)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


@pytest.mark.parametrize(
    ("call", "action"),
    [
        (lambda c, b: c.get_object_tagging(Bucket=b, Key="k"), "s3:GetObjectTagging"),
        (lambda c, b: c.delete_object_tagging(Bucket=b, Key="k"), "s3:DeleteObjectTagging"),
        (lambda c, b: c.get_bucket_tagging(Bucket=b), "s3:GetBucketTagging"),
        (lambda c, b: c.delete_bucket_tagging(Bucket=b), "s3:PutBucketTagging"),
    ],
    ids=["GetObjectTagging", "DeleteObjectTagging", "GetBucketTagging", "DeleteBucketTagging"],
)
def test_each_tagging_operation_asks_for_its_iam_action(s3, bucket, as_user, call, action):
    # P: each operation's API reference "Permissions"; DeleteBucketTagging is s3:PutBucketTagging.
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    user = as_user(allow("s3:GetObject"))
    with pytest.raises(ClientError) as info:
        call(user, bucket)
    status, err = error(info)
    assert (status, err["Code"]) == (403, "AccessDenied")
    assert action in err["Message"]


def test_explain_names_the_existing_object_tag_a_denial_read(s3sse, s3, bucket, make_client):
    # The decision names the condition and the value the object carried (issue 13's explain).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="classification=secret")
    deny = {
        "Effect": "Deny",
        "Action": "s3:GetObject",
        "Resource": OBJECTS,
        "Sid": "NoSecrets",
        "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "secret"}},
    }
    policy = {"Version": "2012-10-17", "Statement": [allow("s3:GetObject"), deny]}
    user = make_client(**s3sse.principal(READER, policy=policy))
    with pytest.raises(ClientError) as info:
        user.get_object(Bucket=bucket, Key="k")
    [condition] = s3sse.explain(info.value).denial.decision.conditions
    assert (condition.key, condition.request_value) == (
        "s3:ExistingObjectTag/classification",
        "secret",
    )

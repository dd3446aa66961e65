"""AWS's tag rules, on PutObjectTagging, PutBucketTagging and the ``x-amz-tagging`` header: limits,
lengths, characters, the reserved ``aws:`` prefix, duplicate keys and malformed documents.

Sources (labels as in docs/errors.md and docs/tagging.md): P the S3 user guide ("Categorizing your
storage using tags": 10 tags per object, keys up to 128 and values up to 256 Unicode characters,
"internally represented in UTF-16"; "Tagging": letters, numbers, white space and ``_ . : / = + - @``;
billing: the reserved ``aws:`` prefix), S public reports quoting AWS, T moto and other S3
implementations.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from support import error

from pytest_s3sse._internal.s3.rest.tag_wire import header_tags


def _tagset(pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


def _put_tags(s3, bucket, pairs):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset(pairs))


def _refused(s3, bucket, pairs):
    with pytest.raises(ClientError) as info:
        _put_tags(s3, bucket, pairs)
    status, err = error(info)
    return status, err["Code"], err["Message"]


def test_an_object_takes_ten_tags_of_the_longest_lengths(s3, bucket):
    # P: 10 tags, keys of 128 and values of 256 characters (S: ceph s3-tests test_put_max_kvsize_tags).
    pairs = [(f"{i}" + "k" * 127, "v" * 256) for i in range(10)]
    _put_tags(s3, bucket, pairs)
    assert len(s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"]) == 10


def test_eleven_object_tags_are_bad_request(s3, bucket):
    # S: hashicorp/terraform-provider-aws#41747 quotes AWS: "BadRequest: Object tags cannot be
    # greater than 10" for PutObjectTagging.
    pairs = [(f"k{i}", "v") for i in range(11)]
    assert _refused(s3, bucket, pairs) == (
        400,
        "BadRequest",
        "Object tags cannot be greater than 10",
    )


def test_eleven_tags_in_the_header_are_bad_request(s3, bucket):
    # S: hashicorp/terraform-provider-aws#19895 (PutObject's x-amz-tagging, 2021).
    with pytest.raises(ClientError) as info:
        s3.put_object(
            Bucket=bucket, Key="k", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11))
        )
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "BadRequest",
        "Object tags cannot be greater than 10",
    )


def test_fifty_one_bucket_tags_are_bad_request(s3, bucket):
    # P: "A tag set can contain as many as 50 tags"; U for the text (by analogy with the object's).
    with pytest.raises(ClientError) as info:
        s3.put_bucket_tagging(Bucket=bucket, Tagging=_tagset([(f"k{i}", "v") for i in range(51)]))
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "BadRequest",
        "Bucket tag count cannot be greater than 50",
    )


def test_a_key_of_129_characters_is_invalid_tag(s3, bucket):
    # P: keys up to 128 characters; text T (S3 implementations that mirror AWS).
    assert _refused(s3, bucket, [("k" * 129, "v")]) == (
        400,
        "InvalidTag",
        "The TagKey you have provided is too long, max 128",
    )


def test_a_value_of_257_characters_is_invalid_tag(s3, bucket):
    # P: values up to 256 characters; text T.
    assert _refused(s3, bucket, [("k", "v" * 257)]) == (
        400,
        "InvalidTag",
        "The TagValue you have provided is too long, max 256",
    )


def test_lengths_count_utf16_code_units(s3, bucket):
    # P: "Amazon S3 object tags are internally represented in UTF-16 ... characters consume either 1
    # or 2 character positions": 65 emoji are 130 positions, over 128.
    assert _refused(s3, bucket, [("\U0001f600" * 65, "v")])[1] == "InvalidTag"


def test_unicode_letters_numbers_spaces_and_the_allowed_symbols_are_accepted(s3, bucket):
    # P: "Unicode letters or numbers, white space, and the following symbols: _ . : / = + @ -".
    _put_tags(s3, bucket, [("Équipe données 1_.:/=+-@", "ß 9 é_.:/=+-@")])
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"][0]["Value"] == "ß 9 é_.:/=+-@"


def test_a_key_with_another_symbol_is_invalid_tag(s3, bucket):
    # S: aws/aws-cli#2841 quotes AWS's "InvalidTag: The TagKey you have provided is invalid" for a
    # key holding brackets and braces.
    assert _refused(s3, bucket, [("TagSet=[{Key=string}]", "v")]) == (
        400,
        "InvalidTag",
        "The TagKey you have provided is invalid",
    )


def test_a_value_with_another_symbol_is_invalid_tag(s3, bucket):
    # P: values take the same characters; text T (scality/arsenal).
    assert _refused(s3, bucket, [("k", "a*b")]) == (
        400,
        "InvalidTag",
        "The TagValue you have provided is invalid",
    )


def test_an_empty_key_is_invalid_tag(s3, bucket):
    # P: a Tag's Key has "Minimum length of 1" (botocore checks it in a document, so the header).
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="=v")
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidTag",
        "The TagKey you have provided is invalid",
    )


def test_an_empty_value_is_accepted(s3, bucket):
    # P: values "from 0 to 256" characters.
    _put_tags(s3, bucket, [("k", "")])
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "k", "Value": ""}]


_AWS_TAG = {
    "object": lambda s3, b: _put_tags(s3, b, [("aws:owner", "me")]),
    "bucket": lambda s3, b: s3.put_bucket_tagging(Bucket=b, Tagging=_tagset([("aws:owner", "me")])),
    "header": lambda s3, b: s3.put_object(Bucket=b, Key="k", Body=b"x", Tagging="aws:owner=me"),
}


@pytest.mark.parametrize("where", list(_AWS_TAG))
def test_an_aws_prefixed_key_is_invalid_tag(s3, bucket, where):
    # P: "The reserved prefix is aws:" (billing, user-defined tags); text T (moto).
    with pytest.raises(ClientError) as info:
        _AWS_TAG[where](s3, bucket)
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidTag",
        "Your TagKey cannot be prefixed with aws:",
    )


def test_duplicate_keys_in_a_tag_set_are_invalid_tag(s3, bucket):
    # P: "Tags that are associated with an object must have unique tag keys"; text T (moto
    # DuplicateTagKeys, scality/arsenal).
    assert _refused(s3, bucket, [("a", "1"), ("a", "2")]) == (
        400,
        "InvalidTag",
        "Cannot provide multiple Tags with the same key",
    )


def test_a_refused_tag_set_leaves_the_previous_tags(s3, bucket):
    _put_tags(s3, bucket, [("a", "1")])
    with pytest.raises(ClientError):
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging=_tagset([("aws:x", "1")]))
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "a", "Value": "1"}]


@pytest.mark.parametrize(
    "body",
    [
        b"<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>",
        b"<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
        b"<Tagging></Tagging>",
        b"<Other><TagSet/></Other>",
        b"<Tagging><TagSet><Tag><Key>a</Key><Value>v</Value>",
    ],
    ids=["no-value", "no-key", "no-tag-set", "wrong-root", "not-xml"],
)
@pytest.mark.parametrize("operation", ["PutObjectTagging", "PutBucketTagging"])
def test_a_malformed_tagging_document_is_malformed_xml(s3, bucket, body, operation):
    # P: Tagging, TagSet, Key and Value are "Required: Yes"; MalformedXML "The XML provided does not
    # match the schema" (A for the text: s3-errors.md section 11).
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")

    def replace_body(request, **_):
        request.data = body
        for name in [
            h for h in request.headers if h.lower().startswith(("content-md5", "x-amz-checksum"))
        ]:
            del request.headers[name]

    event = f"before-sign.s3.{operation}"
    s3.meta.events.register(event, replace_body)
    send = s3.put_object_tagging if operation == "PutObjectTagging" else s3.put_bucket_tagging
    extra = {"Key": "k"} if operation == "PutObjectTagging" else {}
    with pytest.raises(ClientError) as info:
        send(Bucket=bucket, Tagging=_tagset([("a", "1")]), **extra)
    status, err = error(info)
    assert (status, err["Code"]) == (400, "MalformedXML")


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("a=1&b=2", (("a", "1"), ("b", "2"))),
        ("a+b=c%2Bd", (("a b", "c+d"),)),
        ("a=%3D", (("a", "="),)),
        ("", ()),
        ("k", (("k", ""),)),
    ],
)
def test_the_tagging_header_is_read_as_url_query_parameters(header, tags):
    # P: "encoded as URL Query parameters"; "+" is a space in form encoding (WHATWG URL 5.1).
    assert header_tags(header) == tags

"""The wire forms of tags, shared by the handlers that read or write them: the ``x-amz-tagging`` header
(PutObject, CopyObject, CreateMultipartUpload, a POST form's ``tagging`` field), the tagging directive,
and the ``Tagging`` document (P: API reference, Tagging, TagSet, Tag:
``<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>``). The rules are
:mod:`pytest_s3sse._internal.s3.tagging`'s; the handlers are ``tagging.py``'s.
"""

from __future__ import annotations

from urllib.parse import unquote_plus
from xml.etree.ElementTree import Element

from pytest_s3sse._internal.errors.s3 import InvalidArgument, MalformedXML
from pytest_s3sse._internal.s3.records import Tags
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.tagging import check_tags

HEADER = "x-amz-tagging"
DIRECTIVE_HEADER = "x-amz-tagging-directive"
# A (LocalStack snapshot test_object_tagging_exc/put-obj-wrong-format, /put-obj-duplicate-tagging).
MSG_HEADER_FORMAT = (
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters "
    "without tag name duplicates."
)
# T (S3 clones; not recorded against AWS): s3-errors.md section 11.
MSG_UNKNOWN_DIRECTIVE = "Unknown tagging directive."


def header_tags(value: str) -> Tags:
    """The tags an ``x-amz-tagging`` header carries: URL query parameters, ``+`` a space (form
    encoding), a key without ``=`` holding the empty value (S: ceph s3-tests test_put_obj_with_tags).
    A raw ``=`` inside a value, or a key twice, is 400 InvalidArgument (A); the tag rules follow."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for piece in value.split("&"):
        if not piece:
            continue
        raw_key, _, raw_value = piece.partition("=")
        key, tag_value = unquote_plus(raw_key), unquote_plus(raw_value)
        if "=" in raw_value or key in seen:
            raise InvalidArgument(MSG_HEADER_FORMAT, HEADER, value)
        seen.add(key)
        pairs.append((key, tag_value))
    return check_tags(pairs)


def tagging_directive_replaces(value: str | None) -> bool:
    """``x-amz-tagging-directive``: COPY (the default, P: CopyObject API reference) keeps the source's
    tags, REPLACE takes the request's ``x-amz-tagging``; anything else is 400 InvalidArgument (T)."""
    if value is None or value == "COPY":
        return False
    if value == "REPLACE":
        return True
    raise InvalidArgument(MSG_UNKNOWN_DIRECTIVE, DIRECTIVE_HEADER, value)


def document_tags(body: bytes, *, limit: int) -> Tags:
    """The tags of a ``Tagging`` document; MalformedXML when it is not one (P: ``Tagging``,
    ``TagSet``, ``Key`` and ``Value`` are required)."""
    root = xmlio.parse(body)
    tag_set = root.find("TagSet")
    if root.tag != "Tagging" or tag_set is None:
        raise MalformedXML
    return tag_list(tag_set, limit=limit)


def tag_list(node: Element, *, limit: int) -> Tags:
    """The ``<Tag><Key/><Value/></Tag>`` children of ``node`` (a ``TagSet``, CreateBucket's
    ``Tags``), checked by the tag rules; MalformedXML for anything else."""
    pairs: list[tuple[str, str]] = []
    for tag in node:
        key, value = xmlio.child_text(tag, "Key"), xmlio.child_text(tag, "Value")
        if tag.tag != "Tag" or key is None or value is None:
            raise MalformedXML
        pairs.append((key, value))
    return check_tags(pairs, limit=limit)


def tagging_document(tags: Tags) -> bytes:
    """The ``Tagging`` document GetObjectTagging and GetBucketTagging answer."""
    inner = "".join(
        f"<Tag>{xmlio.element('Key', key)}{xmlio.element('Value', value)}</Tag>"
        for key, value in tags
    )
    return xmlio.document("Tagging", f"<TagSet>{inner}</TagSet>")

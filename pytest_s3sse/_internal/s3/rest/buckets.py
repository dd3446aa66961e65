"""Protocol edge: bucket operations (CreateBucket, HeadBucket, ListBuckets, DeleteBucket,
GetBucketLocation, Get/Put/DeleteBucketEncryption)."""

from __future__ import annotations

import hashlib
from xml.etree.ElementTree import Element

from pytest_s3sse._internal.errors.s3 import InvalidArgument, MalformedXML
from pytest_s3sse._internal.http import HttpResponse
from pytest_s3sse._internal.s3.records import Tags
from pytest_s3sse._internal.s3.rest import headers as hdr
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import Call, Services, empty_response, xml_response
from pytest_s3sse._internal.s3.rest.tag_wire import tag_list
from pytest_s3sse._internal.s3.tagging import BUCKET_TAG_LIMIT
from pytest_s3sse._internal.sse.rules import NONE_TYPE, SSE_C_TYPE
from pytest_s3sse._internal.types import SseMode

# B7 (A, LocalStack snapshot test_s3_default_bucket_encryption_exc).
MSG_KMS_KEY_NOT_APPLICABLE = (
    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"
)
_DEFAULT_ALGORITHMS = {
    "AES256": SseMode.SSE_S3,
    "aws:kms": SseMode.SSE_KMS,
    "aws:kms:dsse": SseMode.DSSE_KMS,
}


def blocked_types(rule: Element) -> tuple[str, ...] | None:
    """The rule's ``BlockedEncryptionTypes`` (None when the rule has none).

    P (API reference, BlockedEncryptionTypes): ``EncryptionType`` is ``SSE-C`` or ``NONE``. An empty
    list, another value or both values at once are MalformedXML (U: no recording).
    """
    node = rule.find("BlockedEncryptionTypes")
    if node is None:
        return None
    values = {(e.text or "").strip() for e in node.findall("EncryptionType")}
    if len(values) != 1 or not values <= {SSE_C_TYPE, NONE_TYPE}:
        raise MalformedXML
    return (values.pop(),)


def default_algorithm(
    by_default: Element | None, blocked: tuple[str, ...] | None
) -> tuple[SseMode, str | None]:
    """The default mode and KMS key id of a PutBucketEncryption rule.

    A rule may carry only ``BlockedEncryptionTypes`` (S: aws/aws-cdk#37047 writes such rules); the
    default is then SSE-S3. Without either it is MalformedXML, as is an unknown algorithm (B9, U:
    LocalStack answers MalformedXML). A KMS key id with AES256 is B7 (A).
    """
    if by_default is None:
        if blocked is None:
            raise MalformedXML
        return SseMode.SSE_S3, None
    mode = _DEFAULT_ALGORITHMS.get(xmlio.child_text(by_default, "SSEAlgorithm") or "")
    if mode is None:
        raise MalformedXML
    key_id = xmlio.child_text(by_default, "KMSMasterKeyID")
    if key_id is not None and mode is SseMode.SSE_S3:
        # B7 (A): ArgumentName only, no ArgumentValue (a peer suite verified against AWS: issue 11).
        raise InvalidArgument.naming(
            MSG_KMS_KEY_NOT_APPLICABLE, "ApplyServerSideEncryptionByDefault"
        )
    return mode, key_id or None


def configuration_tags(root: Element) -> Tags:
    """The ``Tags`` of a CreateBucketConfiguration (P: "An array of tags that you can apply to the
    bucket that you're creating"), checked by the bucket tag rules (s3/tagging.py); the us-east-1
    re-create of an owned bucket keeps the tags it has (A: s3-errors.md section 3)."""
    node = root.find("Tags")
    if node is None:
        return ()
    return tag_list(node, limit=BUCKET_TAG_LIMIT)


def canonical_user_id(account_id: str) -> str:
    """A stable 64-hex canonical user id for an account (S3's Owner ID)."""
    return hashlib.sha256(f"s3sse-canonical:{account_id}".encode()).hexdigest()


class BucketOps:
    """Handlers for bucket-level requests."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def list_buckets(self, call: Call) -> HttpResponse:
        owner = call.context.account_id
        items = "".join(
            "<Bucket>"
            + xmlio.elements(
                (
                    ("Name", b.name),
                    ("CreationDate", xmlio.iso8601(b.created)),
                    ("BucketRegion", b.region),
                )
            )
            + "</Bucket>"
            for b in self.s.buckets.owned_by(owner)
        )
        inner = f"<Owner>{xmlio.element('ID', canonical_user_id(owner))}</Owner><Buckets>{items}</Buckets>"
        return xml_response(xmlio.document("ListAllMyBucketsResult", inner))

    def create_bucket(self, call: Call) -> HttpResponse:
        from pytest_s3sse._internal.s3.buckets import check_location  # noqa: PLC0415

        hdr.check_bucket_headers(call.request)
        body = call.request.read_body()
        constraint = None
        tags: Tags = ()
        if body.strip():
            root = xmlio.parse(body)
            if root.tag != "CreateBucketConfiguration":
                raise MalformedXML
            constraint = xmlio.child_text(root, "LocationConstraint")
            tags = configuration_tags(root)
        region = check_location(call.region, constraint)
        bucket, created = self.s.buckets.create(
            call.bucket, region=region, owner_account=call.context.account_id
        )
        if created and tags:
            self.s.objects.store.set_bucket_tags(bucket.name, tags)
        location = (
            f"/{bucket.name}"
            if region == "us-east-1"
            else f"http://{bucket.name}.s3.amazonaws.com/"
        )
        return empty_response(headers={"location": location})

    def head_bucket(self, call: Call) -> HttpResponse:
        bucket = self.s.buckets.get(call.bucket)
        return empty_response(
            headers={"x-amz-bucket-region": bucket.region, "x-amz-access-point-alias": "false"}
        )

    def delete_bucket(self, call: Call) -> HttpResponse:
        self.s.buckets.delete(call.bucket)
        return empty_response(204)

    def get_bucket_location(self, call: Call) -> HttpResponse:
        bucket = self.s.buckets.get(call.bucket)
        value = "" if bucket.region == "us-east-1" else xmlio.text(bucket.region)
        body = f'{xmlio.DECL}<LocationConstraint xmlns="{xmlio.NS}">{value}</LocationConstraint>'
        return xml_response(body.encode())

    def get_bucket_encryption(self, call: Call) -> HttpResponse:
        default = self.s.buckets.get(call.bucket).default_encryption
        by_default = xmlio.element("SSEAlgorithm", default.mode.header_value)
        if default.kms_key_id is not None:
            by_default += xmlio.element("KMSMasterKeyID", default.kms_key_id)
        rule = (
            f"<ApplyServerSideEncryptionByDefault>{by_default}</ApplyServerSideEncryptionByDefault>"
            + xmlio.element("BucketKeyEnabled", default.bucket_key_enabled)
        )
        if default.blocked_encryption_types:  # B2 (S): new buckets report SSE-C blocked
            types = "".join(
                xmlio.element("EncryptionType", t) for t in default.blocked_encryption_types
            )
            rule += f"<BlockedEncryptionTypes>{types}</BlockedEncryptionTypes>"
        return xml_response(
            xmlio.document("ServerSideEncryptionConfiguration", f"<Rule>{rule}</Rule>")
        )

    def put_bucket_encryption(self, call: Call) -> HttpResponse:
        bucket = self.s.buckets.get(call.bucket)  # B8: existence before the XML
        root = xmlio.parse(call.request.read_body())
        rules = root.findall("Rule")
        if root.tag != "ServerSideEncryptionConfiguration" or len(rules) != 1:
            raise MalformedXML  # B5, B6
        rule = rules[0]
        blocked = blocked_types(rule)
        by_default = rule.find("ApplyServerSideEncryptionByDefault")
        mode, key_id = default_algorithm(by_default, blocked)
        bucket_key = (
            xmlio.child_text(rule, "BucketKeyEnabled") or "false"
        ).strip().lower() == "true"
        self.s.buckets.put_encryption(
            bucket.name, mode, key_id, bucket_key_enabled=bucket_key,
            explicit=by_default is not None, blocked=blocked,
        )  # fmt: skip
        # For the trail's requestParameters (audit-behaviour.md M5): the rule as sent.
        call.note(default_encryption=(mode.header_value, key_id, bucket_key, blocked))
        return empty_response()

    def delete_bucket_encryption(self, call: Call) -> HttpResponse:
        self.s.buckets.delete_encryption(call.bucket)  # B3, keeping the SSE-C block
        return empty_response(204)

"""Protocol edge: bucket operations (CreateBucket, HeadBucket, ListBuckets, DeleteBucket,
GetBucketLocation, Get/Put/DeleteBucketEncryption)."""

from __future__ import annotations

import hashlib

from pytest_s3sse.http import HttpResponse
from pytest_s3sse.s3 import xmlio
from pytest_s3sse.s3.context import Call, Services, empty_response, xml_response
from pytest_s3sse.s3.errors import InvalidArgument, MalformedXML
from pytest_s3sse.sse.rules import IMPLICIT_DEFAULT, BucketDefault
from pytest_s3sse.types import SseMode

# B7 (A, LocalStack snapshot test_s3_default_bucket_encryption_exc).
MSG_KMS_KEY_NOT_APPLICABLE = (
    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"
)
_DEFAULT_ALGORITHMS = {
    "AES256": SseMode.SSE_S3,
    "aws:kms": SseMode.SSE_KMS,
    "aws:kms:dsse": SseMode.DSSE_KMS,
}


def canonical_user_id(account_id: str) -> str:
    """A stable 64-hex canonical user id for an account (S3's Owner ID)."""
    return hashlib.sha256(f"s3sse-canonical:{account_id}".encode()).hexdigest()


class BucketOps:
    """Handlers for bucket-level requests."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def list_buckets(self, call: Call) -> HttpResponse:
        owner = call.principal.account_id
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
        from pytest_s3sse.s3.buckets import check_location  # noqa: PLC0415

        body = call.request.read_body()
        constraint = None
        if body.strip():
            root = xmlio.parse(body)
            if root.tag != "CreateBucketConfiguration":
                raise MalformedXML
            constraint = xmlio.child_text(root, "LocationConstraint")
        region = check_location(call.region, constraint)
        bucket, _ = self.s.buckets.create(
            call.bucket, region=region, owner_account=call.principal.account_id
        )
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
        by_default = rule.find("ApplyServerSideEncryptionByDefault")
        algorithm = xmlio.child_text(by_default, "SSEAlgorithm") if by_default is not None else None
        mode = _DEFAULT_ALGORITHMS.get(algorithm or "")
        if by_default is None or mode is None:
            raise MalformedXML  # B9 (U): LocalStack answers MalformedXML
        key_id = xmlio.child_text(by_default, "KMSMasterKeyID")
        if key_id is not None and mode is SseMode.SSE_S3:
            raise InvalidArgument(
                MSG_KMS_KEY_NOT_APPLICABLE, "ApplyServerSideEncryptionByDefault", "null"
            )  # B7
        bucket_key = (
            xmlio.child_text(rule, "BucketKeyEnabled") or "false"
        ).strip().lower() == "true"
        with self.s.buckets.store.lock:
            bucket.default_encryption = BucketDefault(
                mode, key_id or None, bucket_key, explicit=True
            )
        return empty_response()

    def delete_bucket_encryption(self, call: Call) -> HttpResponse:
        bucket = self.s.buckets.get(call.bucket)
        with self.s.buckets.store.lock:
            bucket.default_encryption = IMPLICIT_DEFAULT  # B3: back to SSE-S3
        return empty_response(204)

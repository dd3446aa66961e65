"""Protocol edge: PutBucketVersioning, GetBucketVersioning and ListObjectVersions.

Sources: replication-behaviour.md section 1 (V1-V9 for the configuration, 1.5 for the listing; V7,
no suspending while a replication configuration is present, is ``s3/replication_rules.py``'s).
"""

from __future__ import annotations

import re

from pytest_s3sse._internal.errors.s3 import (
    IllegalVersioningConfiguration,
    InvalidArgument,
    MalformedXML,
    NotImplementedS3,
)
from pytest_s3sse._internal.http import HttpResponse
from pytest_s3sse._internal.s3 import versions
from pytest_s3sse._internal.s3.records import DeleteMarker
from pytest_s3sse._internal.s3.replication_rules import check_versioning_change
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.buckets import canonical_user_id
from pytest_s3sse._internal.s3.rest.call import (
    Call,
    Handler,
    Services,
    empty_response,
    xml_response,
)
from pytest_s3sse._internal.s3.rest.listing import Encoder, encoder, max_keys, url_encoding
from pytest_s3sse._internal.s3.store import ENABLED, SUSPENDED
from pytest_s3sse._internal.s3.versions import VersionEntry, VersionQuery

MFA_HEADER = "x-amz-mfa"
# V9 (A, iterate-ch/cyberduck#16267).
MSG_BAD_MFA = (
    "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}"
)
_MFA = re.compile(r"\S+ \S+")


def _entry_xml(entry: VersionEntry, owner: str, enc: Encoder) -> str:
    """One ``<Version>`` or ``<DeleteMarker>`` (P, BM-S3 shapes; Owner with ID only, A)."""
    found = entry.version
    owner_xml = f"<Owner>{xmlio.element('ID', owner)}</Owner>"
    head: list[tuple[str, object | None]] = [
        ("Key", enc(found.key)),
        ("VersionId", found.version_id),
        ("IsLatest", entry.is_latest),
        ("LastModified", xmlio.iso8601(found.last_modified)),
    ]
    if isinstance(found, DeleteMarker):
        return f"<DeleteMarker>{owner_xml}{xmlio.elements(head)}</DeleteMarker>"
    pairs: list[tuple[str, object | None]] = [("ETag", found.quoted_etag)]
    if found.checksum is not None:
        pairs += [
            ("ChecksumAlgorithm", found.checksum.algorithm.value),
            ("ChecksumType", found.checksum.type),
        ]
    pairs += [("Size", found.size), ("StorageClass", found.attributes.storage_class)]
    return f"<Version>{xmlio.elements(pairs + head)}{owner_xml}</Version>"


class VersioningOps:
    """Handlers for versioning requests."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def handlers(self) -> dict[str, Handler]:
        """The operations this module answers."""
        return {
            "PutBucketVersioning": self.put_bucket_versioning,
            "GetBucketVersioning": self.get_bucket_versioning,
            "ListObjectVersions": self.list_object_versions,
        }

    def put_bucket_versioning(self, call: Call) -> HttpResponse:
        """V2-V6, V9. MFA delete is not modelled: ``MfaDelete`` Enabled answers 501 (honestly,
        rather than pretending to check a token); Disabled is accepted."""
        self.s.buckets.get(call.bucket)
        mfa = call.request.headers.get(MFA_HEADER)
        if mfa is not None and not _MFA.fullmatch(mfa):
            raise InvalidArgument(MSG_BAD_MFA, MFA_HEADER, mfa)
        root = xmlio.parse(call.request.read_body())
        if root.tag != "VersioningConfiguration":
            raise MalformedXML
        status = xmlio.child_text(root, "Status")
        mfa_delete = xmlio.child_text(root, "MfaDelete")
        if mfa_delete not in (None, "Enabled", "Disabled"):
            raise MalformedXML  # V3 (A): values are case-sensitive
        if status is None:
            if mfa_delete is None:
                raise IllegalVersioningConfiguration  # V4 (A)
        elif status not in (ENABLED, SUSPENDED):
            raise MalformedXML  # V3 (A): "enabled", "Disabled"
        if mfa_delete == "Enabled":
            raise NotImplementedS3.header(MFA_HEADER, "MFA delete")
        if status is not None:
            # V7: checked with the store's lock held, so a replication configuration put meanwhile
            # is seen (and PutBucketReplication's R1 sees this change).
            self.s.buckets.store.set_versioning_checked(
                call.bucket,
                status,
                lambda bucket: check_versioning_change(status, bucket.replication),
            )
        return empty_response()

    def get_bucket_versioning(self, call: Call) -> HttpResponse:
        """V1 (A): no ``Status`` until versioning was set; MFA delete is never on here."""
        bucket = self.s.buckets.get(call.bucket)
        inner = ""
        if bucket.versioning is not None:
            inner = xmlio.element("Status", bucket.versioning)
            inner += xmlio.element("MfaDelete", "Disabled")
        return xml_response(xmlio.document("VersioningConfiguration", inner))

    def list_object_versions(self, call: Call) -> HttpResponse:
        """Section 1.5 (A): markers echoed as "" when absent, MaxKeys 1000 by default."""
        params = call.request.params
        url = url_encoding(params)
        query = VersionQuery(
            prefix=params.get("prefix", ""),
            delimiter=params.get("delimiter", ""),
            max_keys=max_keys(params),
            key_marker=params.get("key-marker", ""),
            version_id_marker=params.get("version-id-marker", ""),
        )
        bucket = self.s.buckets.get(call.bucket)
        result = versions.list_versions(self.s.buckets.store, call.bucket, query)
        enc = encoder(url)
        owner = canonical_user_id(bucket.owner_account)
        head: list[tuple[str, object | None]] = [
            ("Name", call.bucket),
            ("Prefix", enc(query.prefix)),
            ("KeyMarker", enc(query.key_marker)),
            ("VersionIdMarker", query.version_id_marker),
            ("NextKeyMarker", None if result.next_key_marker is None
             else enc(result.next_key_marker)),
            ("NextVersionIdMarker", result.next_version_id_marker),
            ("MaxKeys", query.max_keys),
            ("Delimiter", enc(query.delimiter) or None),
            ("EncodingType", "url" if url else None),
            ("IsTruncated", result.truncated),
        ]  # fmt: skip
        inner = xmlio.elements(head)
        inner += "".join(_entry_xml(entry, owner, enc) for entry in result.entries)
        inner += "".join(
            f"<CommonPrefixes>{xmlio.element('Prefix', enc(p))}</CommonPrefixes>"
            for p in result.common_prefixes
        )
        return xml_response(xmlio.document("ListVersionsResult", inner))

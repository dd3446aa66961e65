"""Protocol edge: PutBucketReplication, GetBucketReplication and DeleteBucketReplication.

The ``ReplicationConfiguration`` document (P: BM-S3 shapes; reference replication-behaviour.md 2.1) is
read here into the typed values of ``s3/replication_config.py``; anything the published schema refuses
(an unknown or repeated element, a missing required one, a value outside an enumeration, a number that
is not one, ``ExistingObjectReplication``) is MalformedXML. The rules on the values, in AWS's order,
are ``s3/replication_rules.py``'s; the store keeps the configuration (``Store.set_replication``), the
source's versioning (R1) and the destinations (R2) checked under its lock. GetBucketReplication
renders what was stored as AWS echoes it (A: ``Filter {}``, ``StorageClass``, ``ReplicationTime`` and
``Metrics`` as sent; rule order kept; generated IDs shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element

from pytest_s3sse._internal.errors.s3 import (
    MalformedXML,
    MaxMessageLengthExceeded,
    NotImplementedS3,
    ReplicationConfigurationNotFoundError,
)
from pytest_s3sse._internal.http import HttpResponse, ascii_decimal
from pytest_s3sse._internal.s3.limits import check_storage_class
from pytest_s3sse._internal.s3.replication_config import (
    DISABLED,
    ENABLED,
    Destination,
    ReplicationConfiguration,
    ReplicationRule,
    RuleFilter,
    Tags,
)
from pytest_s3sse._internal.s3.replication_rules import (
    MAX_DOCUMENT,
    check_configuration,
    check_destinations,
    check_source_versioning,
    generated_rule_id,
)
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.call import (
    Call,
    Handler,
    Services,
    empty_response,
    xml_response,
)
from pytest_s3sse._internal.s3.rest.policies import checked_body
from pytest_s3sse._internal.s3.store import Bucket

ROOT = "ReplicationConfiguration"
_STATUSES = (ENABLED, DISABLED)
# The storage classes a destination may name are an object's (s3/limits.py; FSX_OPENZFS "not
# accepted", reference 2.1): any other is InvalidStorageClass (U, as PutObject's, A).
_MAX_NUMBER_DIGITS = 10  # Priority is an int32; Minutes a small number
_RULE = ("ID", "Priority", "Prefix", "Filter", "Status", "SourceSelectionCriteria",
         "ExistingObjectReplication", "Destination", "DeleteMarkerReplication")  # fmt: skip
_DESTINATION = ("Bucket", "Account", "StorageClass", "AccessControlTranslation",
                "EncryptionConfiguration", "ReplicationTime", "Metrics")  # fmt: skip


# -- reading ----------------------------------------------------------------------------------
def _children(
    node: Element, allowed: Iterable[str], repeated: Iterable[str] = ()
) -> dict[str, Element]:
    """``node``'s children by name; MalformedXML for an unknown one, or one not in ``repeated``
    given twice (the schema allows each once). Repeated children are read with ``findall``."""
    known, many = frozenset(allowed), frozenset(repeated)
    out: dict[str, Element] = {}
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag not in known:
            raise MalformedXML
        if tag in out and tag not in many:
            raise MalformedXML
        out[tag] = child
    return out


def _text(node: Element | None) -> str | None:
    """An element's text ("" for an empty one); MalformedXML for an element with children."""
    if node is None:
        return None
    if len(node):
        raise MalformedXML
    return node.text or ""


def _status(node: Element | None, *, required: bool = True) -> str | None:
    """The ``Status`` child of ``node``: Enabled or Disabled (case-sensitive, the schema's
    enumeration); MalformedXML otherwise, or when it is required and missing."""
    if node is None:
        return None
    status = _text(_children(node, ("Status",)).get("Status"))
    if status is None:
        if required:
            raise MalformedXML
        return None
    if status not in _STATUSES:
        raise MalformedXML
    return status


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    value = ascii_decimal(text.strip(), _MAX_NUMBER_DIGITS)
    if value is None:
        raise MalformedXML  # the schema's integer
    return value


def _tag(node: Element) -> tuple[str, str]:
    parts = _children(node, ("Key", "Value"))
    key, value = _text(parts.get("Key")), _text(parts.get("Value"))
    if key is None or value is None:
        raise MalformedXML
    return key, value


def _filter(node: Element) -> RuleFilter:
    """A V2 ``Filter``: nothing (every object), or exactly one of Prefix, Tag, And (P)."""
    parts = _children(node, ("Prefix", "Tag", "And", "Not"))
    if "Not" in parts:
        raise NotImplementedS3("pytest-s3sse does not model a replication Filter's Not yet")
    if len(parts) > 1:
        raise MalformedXML
    if "Prefix" in parts:
        return RuleFilter("prefix", prefix=_text(parts["Prefix"]) or "")
    if "Tag" in parts:
        return RuleFilter("tag", tags=(_tag(parts["Tag"]),))
    if "And" in parts:
        inner = _children(parts["And"], ("Prefix", "Tag", "Not"), repeated=("Tag",))
        if "Not" in inner:
            raise NotImplementedS3("pytest-s3sse does not model a replication Filter's Not yet")
        tags: Tags = tuple(_tag(tag) for tag in parts["And"].findall("Tag"))
        return RuleFilter("and", prefix=_text(inner.get("Prefix")) or "", tags=tags)
    return RuleFilter()


def _timed(node: Element, container: str) -> tuple[str, int | None]:
    """``(Status, Minutes)`` of ReplicationTime (``container`` Time) or Metrics (EventThreshold);
    a missing Status is "" and a missing Time or Minutes None (R11: InvalidArgument, P)."""
    parts = _children(node, ("Status", container))
    status = _text(parts.get("Status"))
    if status is not None and status not in _STATUSES:
        raise MalformedXML
    timed = parts.get(container)
    minutes = None if timed is None else _children(timed, ("Minutes",)).get("Minutes")
    return status or "", _number(_text(minutes))


def _destination(node: Element) -> Destination:
    parts = _children(node, _DESTINATION)
    bucket_arn = _text(parts.get("Bucket"))
    if bucket_arn is None:
        raise MalformedXML  # Bucket is required (P)
    storage_class = _text(parts.get("StorageClass"))
    if storage_class is not None:
        check_storage_class(storage_class)
    owner_override = False
    if "AccessControlTranslation" in parts:
        owner = _children(parts["AccessControlTranslation"], ("Owner",)).get("Owner")
        if _text(owner) != "Destination":
            raise MalformedXML  # Owner is required, and only Destination (P)
        owner_override = True
    replica_key: str | None = None
    encryption = parts.get("EncryptionConfiguration")
    if encryption is not None:
        inner = _children(encryption, ("ReplicaKmsKeyID", "UseSourceMultiRegionKey"))
        if "UseSourceMultiRegionKey" in inner:
            raise NotImplementedS3(
                "pytest-s3sse does not model UseSourceMultiRegionKey (multi-Region keys) yet"
            )
        replica_key = _text(inner.get("ReplicaKmsKeyID"))
    rtc, metrics = parts.get("ReplicationTime"), parts.get("Metrics")
    return Destination(
        bucket_arn,
        account=_text(parts.get("Account")),
        storage_class=storage_class,
        replica_kms_key_id=replica_key,
        owner_override=owner_override,
        replication_time=None if rtc is None else _timed(rtc, "Time"),
        metrics=None if metrics is None else _timed(metrics, "EventThreshold"),
        encryption_configuration=encryption is not None,
    )


def _rule(node: Element, services: Services) -> ReplicationRule:
    parts = _children(node, _RULE)
    if "ExistingObjectReplication" in parts:
        raise MalformedXML  # "no longer supported" (S: Pulumi docs; terraform-provider-aws#21961)
    status = _text(parts.get("Status"))
    destination = parts.get("Destination")
    if status not in _STATUSES or destination is None:
        raise MalformedXML  # Status and Destination are required (P)
    prefix = _text(parts.get("Prefix"))
    rule_filter = None if "Filter" not in parts else _filter(parts["Filter"])
    if rule_filter is None and prefix is None:
        raise MalformedXML  # a V1 rule needs its Prefix (P), a V2 rule its Filter (U: the code)
    if rule_filter is not None and prefix is not None:
        raise MalformedXML  # one or the other (U: the code)
    criteria = parts.get("SourceSelectionCriteria")
    sse_kms = replica_mods = None
    if criteria is not None:
        inner = _children(criteria, ("SseKmsEncryptedObjects", "ReplicaModifications"))
        sse_kms = _status(inner.get("SseKmsEncryptedObjects"))
        replica_mods = _status(inner.get("ReplicaModifications"))
    rule_id = _text(parts.get("ID")) or generated_rule_id(services.entropy)
    return ReplicationRule(
        id=rule_id,
        status=status,
        destination=_destination(destination),
        priority=_number(_text(parts.get("Priority"))),
        prefix=prefix,
        filter=rule_filter,
        delete_marker_replication=_status(parts.get("DeleteMarkerReplication")),
        sse_kms_objects=sse_kms,
        replica_modifications=replica_mods,
    )


def read_configuration(body: bytes, services: Services) -> ReplicationConfiguration:
    """The typed configuration of a ``ReplicationConfiguration`` document (MalformedXML when the
    published schema refuses it; R3's empty rule list is left to the rules, in their order)."""
    root = xmlio.parse(body)
    if root.tag != ROOT:
        raise MalformedXML
    parts = _children(root, ("Role", "Rule"), repeated=("Rule",))
    role = _text(parts.get("Role"))
    if role is None:
        raise MalformedXML  # Role is required (P)
    rules = tuple(_rule(node, services) for node in root.findall("Rule"))
    return ReplicationConfiguration(role, rules)


# -- rendering --------------------------------------------------------------------------------
def _tag_xml(key: str, value: str) -> str:
    return f"<Tag>{xmlio.element('Key', key)}{xmlio.element('Value', value)}</Tag>"


def _filter_xml(rule_filter: RuleFilter) -> str:
    form = rule_filter.form
    if form == "prefix":
        inner = xmlio.element("Prefix", rule_filter.prefix)
    elif form == "tag":
        inner = "".join(_tag_xml(k, v) for k, v in rule_filter.tags)
    elif form == "and":
        prefix = xmlio.element("Prefix", rule_filter.prefix) if rule_filter.prefix else ""
        inner = "<And>" + prefix + "".join(_tag_xml(k, v) for k, v in rule_filter.tags) + "</And>"
    else:
        inner = ""
    return f"<Filter>{inner}</Filter>"


def _timed_xml(name: str, container: str, value: tuple[str, int | None] | None) -> str:
    if value is None:
        return ""
    status, minutes = value
    inner = xmlio.element("Status", status) if status else ""
    if minutes is not None:
        inner += f"<{container}>{xmlio.element('Minutes', minutes)}</{container}>"
    return f"<{name}>{inner}</{name}>"


def _destination_xml(destination: Destination) -> str:
    inner = xmlio.elements(
        [
            ("Bucket", destination.bucket_arn),
            ("Account", destination.account),
            ("StorageClass", destination.storage_class),
        ]
    )
    if destination.owner_override:
        inner += "<AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation>"
    key = destination.replica_kms_key_id
    if destination.encryption_configuration or key is not None:
        key_xml = "" if key is None else xmlio.element("ReplicaKmsKeyID", key)
        inner += f"<EncryptionConfiguration>{key_xml}</EncryptionConfiguration>"
    inner += _timed_xml("ReplicationTime", "Time", destination.replication_time)
    inner += _timed_xml("Metrics", "EventThreshold", destination.metrics)
    return f"<Destination>{inner}</Destination>"


def _status_xml(name: str, status: str | None) -> str:
    return "" if status is None else f"<{name}>{xmlio.element('Status', status)}</{name}>"


def _rule_xml(rule: ReplicationRule) -> str:
    inner = xmlio.elements([("ID", rule.id), ("Priority", rule.priority), ("Prefix", rule.prefix)])
    if rule.filter is not None:
        inner += _filter_xml(rule.filter)
    inner += xmlio.element("Status", rule.status)
    criteria = _status_xml("SseKmsEncryptedObjects", rule.sse_kms_objects)
    criteria += _status_xml("ReplicaModifications", rule.replica_modifications)
    if criteria:
        inner += f"<SourceSelectionCriteria>{criteria}</SourceSelectionCriteria>"
    inner += _destination_xml(rule.destination)
    inner += _status_xml("DeleteMarkerReplication", rule.delete_marker_replication)
    return f"<Rule>{inner}</Rule>"


def configuration_document(config: ReplicationConfiguration) -> bytes:
    """The document GetBucketReplication answers: the stored configuration, rules in order."""
    inner = xmlio.element("Role", config.role) + "".join(_rule_xml(r) for r in config.rules)
    return xmlio.document(ROOT, inner)


# -- handlers ---------------------------------------------------------------------------------
class ReplicationOps:
    """Handlers for a bucket's replication configuration."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def handlers(self) -> dict[str, Handler]:
        """The operations this module answers."""
        return {
            "PutBucketReplication": self.put_bucket_replication,
            "GetBucketReplication": self.get_bucket_replication,
            "DeleteBucketReplication": self.delete_bucket_replication,
        }

    def put_bucket_replication(self, call: Call) -> HttpResponse:
        """2.1-2.3: the body (2 MB, Content-MD5), R1, the document, its rules, then R2 and R1 again
        with the store's lock held, so a versioning change cannot slip in between."""
        bucket = self.s.buckets.get(call.bucket)
        body = checked_body(call.request, MAX_DOCUMENT, too_large=MaxMessageLengthExceeded)
        check_source_versioning(bucket.versioning)  # R1 first (A)
        config = read_configuration(body, self.s)
        check_configuration(config, call.bucket)
        store = self.s.buckets.store

        def owner_and_versioning(name: str) -> tuple[str, str | None] | None:
            found = store.find_bucket(name)
            return None if found is None else (found.owner_account, found.versioning)

        def check(source: Bucket) -> None:
            check_source_versioning(source.versioning)
            check_destinations(config, owner_and_versioning)

        store.set_replication(call.bucket, config, check)
        call.note(rules=len(config.rules))
        return empty_response()  # P: PutBucketReplication's sample response is 200

    def get_bucket_replication(self, call: Call) -> HttpResponse:
        """2.4: the stored document, or 404 ReplicationConfigurationNotFoundError (A)."""
        config = self.s.buckets.get(call.bucket).replication
        if config is None:
            raise ReplicationConfigurationNotFoundError(call.bucket)
        return xml_response(configuration_document(config))

    def delete_bucket_replication(self, call: Call) -> HttpResponse:
        """2.4: 204, and 204 again when nothing is configured (A)."""
        self.s.buckets.store.set_replication(call.bucket, None)
        return empty_response(204)

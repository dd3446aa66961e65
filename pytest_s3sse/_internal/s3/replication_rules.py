"""PutBucketReplication's rules on a parsed configuration, in the order S3 applies them.

The protocol edge (``s3/rest/replication.py``) reads the document into a
:class:`~pytest_s3sse._internal.s3.replication_config.ReplicationConfiguration` (refusing what the
published schema refuses with MalformedXML) and then asks, in this order (replication-behaviour.md
2.3, "Order": R1 first, then the schema, then the destination; U, LocalStack and moto do the same):

1. :func:`check_source_versioning` (R1), again under the store's lock when the configuration is stored;
2. :func:`check_configuration`: R3, R9 and the V1/V2 rules of 2.2, R4, R5, R7, R8, R10-R13, R15;
3. :func:`check_destinations` (R2, and R11's destination owner), under the store's lock.

Each message's source is beside it: A recorded from AWS, P AWS documentation, S a secondary report of
AWS's answer, T a third-party implementation (OIO: open-io/swift's S3 replication controller, whose
texts look copied from AWS), U unconfirmed (the value is proposed). docs/replication.md tabulates them.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator

from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors.s3 import (
    InvalidArgument,
    InvalidBucketState,
    InvalidRequest,
    MalformedXML,
)
from pytest_s3sse._internal.s3.replication_config import (
    BUCKET_ARN_PREFIX,
    ENABLED,
    ReplicationConfiguration,
    ReplicationRule,
)

MAX_RULES = 1000  # P: BM-S3 "a replication configuration ... can contain a maximum of 1,000 rules"
MAX_DOCUMENT = 2 * 1024 * 1024  # P: "the whole document is at most 2 MB" (reference 2.1)
MAX_RULE_ID = 255  # P: ErrorResponses (rule ID length)
MAX_PREFIX = 1024  # P: BM-S3 Prefix ("maximum length 1,024")
MAX_PRIORITY = 2**31 - 1  # T: OIO (Priority is an int32 in the model)
RTC_MINUTES = 15  # P: ReplicationTime/Time/Minutes and Metrics/EventThreshold/Minutes must be 15
SUSPENDED = "Suspended"

# R1 (A: LS-AWS test_replication_config).
MSG_SOURCE_VERSIONING = (
    "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
)
# R2 (A: LS-AWS test_replication_config_without_filter; nozaq/terraform-aws-remote-state-s3-backend#107).
MSG_DESTINATION_VERSIONING = "Destination bucket must have versioning enabled."
# R4 (S: Terraform module comments quoting AWS).
MSG_REPLICA_KEY = "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
# R5 (A: a Terraform log with its RequestID; hashicorp/terraform-provider-aws#26241).
MSG_SSE_KMS_OBJECTS = (
    "SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present."
)
_GUIDE = "Please refer to S3 Developer Guide for more information."
# Two tags with one key in a filter's And (T: OIO; U on AWS).
MSG_DUPLICATE_TAG_KEYS = "Duplicate Tag Keys are not allowed."
# R7 (U: OIO's text, proposed).
MSG_MARKERS_WITH_TAGS = (
    f"Delete marker replication is not supported if any Tag filter is specified. {_GUIDE}"
)
# R9 (U: OIO's text, proposed; "schema.Please" without a space, sic).
MSG_PRIORITY = (
    "Priority must be specified for this version of Cross Region Replication configuration "
    f"schema.{_GUIDE}"
)
# 2.2, DeleteMarkerReplication in a V1 rule (A: rust-lang/simpleinfra#468).
MSG_MARKERS_IN_V1 = (
    "DeleteMarkerReplication cannot be used for this version of Cross Region Replication "
    f"configuration schema. {_GUIDE}"
)
# 2.2, no DeleteMarkerReplication in a V2 rule (S: a project log quoting AWS; the sentence after it
# T: OIO, proposed).
MSG_MARKERS_IN_V2 = (
    "DeleteMarkerReplication must be specified for this version of Cross Region Replication "
    f"configuration schema. {_GUIDE}"
)
# 2.2, ReplicaModifications in a V1 rule (P: not allowed, BM-S3; U: the text, by analogy with the
# DeleteMarkerReplication one).
MSG_REPLICA_MODIFICATIONS_IN_V1 = (
    "ReplicaModifications cannot be used for this version of Cross Region Replication "
    f"configuration schema. {_GUIDE}"
)
# 2.2, a V1 configuration with several destinations (S: terraform-aws-modules/terraform-aws-s3-bucket
# #104 and aws-cloudformation/cloudformation-coverage-roadmap#730 quote AWS; U: the code).
MSG_V1_DESTINATIONS = "Number of distinct destination bucket ARNs cannot exceed 1"
# More than 1000 rules (P: the limit; T: OIO's text; U on AWS).
MSG_TOO_MANY_RULES = (
    f"The number of replication rules must not exceed the allowed limit of {MAX_RULES} rules."
)
# Priority out of range (T: OIO; U on AWS).
MSG_PRIORITY_RANGE = f"Priority must be between 0 and {MAX_PRIORITY}."
# R10 (U: OIO's text, proposed).
MSG_DUPLICATE_ID = "Rule Id must be unique."
# R11 (P: ErrorResponses lists the conditions as InvalidArgument; the texts are T or U as marked).
MSG_ID_NOT_ASCII = "Rule ID must not contain non-ASCII characters."  # T: OIO
MSG_ID_TOO_LONG = f"The maximum value is {MAX_RULE_ID} characters."  # T: OIO
MSG_PREFIX_TOO_LONG = f"The maximum value is {MAX_PREFIX} characters."  # U, as the ID's
MSG_ACCOUNT = "Account must be a valid 12-digit AWS account ID."  # U
MSG_ACCOUNT_OWNER = "Account must be the owner of the destination bucket."  # U
MSG_RTC_TIME = (
    f"ReplicationTime must have a Status and Time with Minutes set to {RTC_MINUTES}."  # U
)
MSG_METRICS_STATUS = "Metrics must have a Status."  # U
# S: crossplane-contrib/provider-aws#1117 and pulumi/pulumi-aws#5806 quote AWS's InvalidArgument.
MSG_METRICS_THRESHOLD_WITHOUT_RTC = (
    "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled"
)
MSG_METRICS_THRESHOLD = (
    f"Metrics must have an EventThreshold with Minutes set to {RTC_MINUTES} when ReplicationTime "
    "is Enabled."
)  # U
# R12 (P: ErrorResponses lists the conditions as InvalidRequest; the texts are U, in the form of R4/R5).
MSG_OWNER_WITHOUT_ACCOUNT = "Account must be specified if AccessControlTranslation is present."
MSG_RTC_WITHOUT_METRICS = "Metrics must be specified if ReplicationTime is present."
MSG_RTC_METRICS_STATUS = "ReplicationTime and Metrics must have the same Status."
# R13 (U: OIO's text, proposed; ArgumentName Role).
MSG_ROLE = "Invalid Role specified in replication configuration"
# Destination/Bucket not a bucket ARN (T: OIO; U on AWS).
MSG_BUCKET_ARN = "Invalid bucket ARN."
# R15 (U: OIO's text, proposed).
MSG_SAME_BUCKET = "Destination bucket cannot be the same as the source bucket."
# V7 (A: nozaq/terraform-aws-remote-state-s3-backend#59; P: UG23 replication-and-other-bucket-configs).
MSG_SUSPEND_WITH_REPLICATION = (
    "A replication configuration is present on this bucket, so you cannot change the versioning "
    "state. To change the versioning state, first delete the replication configuration."
)

_ROLE = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}", re.ASCII)
_ACCOUNT = re.compile(r"\d{12}", re.ASCII)


def generated_rule_id(entropy: Entropy) -> str:
    """The ID S3 gives a rule sent without one (A: Get shows one, LS-AWS test_replication_config;
    U: its form, proposed in the reference's open point 2: base64 of a UUID4 string, 48 characters).
    Drawn from the engine's entropy, so a seeded run repeats it."""
    return base64.b64encode(entropy.uuid4().encode()).decode()


def check_source_versioning(versioning: str | None) -> None:
    """R1: the source bucket's versioning must be Enabled (never set, or Suspended: refused)."""
    if versioning != ENABLED:
        raise InvalidRequest(MSG_SOURCE_VERSIONING)


def check_versioning_change(status: str, replication: ReplicationConfiguration | None) -> None:
    """V7: no suspending versioning while a replication configuration is present (409)."""
    if status == SUSPENDED and replication is not None:
        raise InvalidBucketState(MSG_SUSPEND_WITH_REPLICATION)


def v2_schema(rule: ReplicationRule) -> bool:
    """True when a rule is of the V2 schema (:attr:`ReplicationRule.v2`)."""
    return rule.v2


def check_configuration(config: ReplicationConfiguration, source: str) -> None:
    """The rules on the document itself, in AWS's order (module docstring); raises the first broken."""
    rules = config.rules
    if not rules:
        raise MalformedXML  # R3 (A)
    if len(rules) > MAX_RULES:
        raise InvalidRequest(MSG_TOO_MANY_RULES)
    _check_schema_versions(rules)
    _check_encryption(rules)
    _check_priorities(rules)
    _check_ids(rules)
    for rule in rules:
        _check_rule_arguments(rule)
    for rule in rules:
        _check_rule_requests(rule)
    if not _ROLE.fullmatch(config.role):
        raise InvalidArgument(MSG_ROLE, "Role", config.role)  # R13 (U)
    for rule in rules:
        arn = rule.destination.bucket_arn
        if not arn.startswith(BUCKET_ARN_PREFIX) or not rule.destination.bucket:
            raise InvalidArgument(MSG_BUCKET_ARN, "Bucket", arn)
        if rule.destination.bucket == source:
            raise InvalidRequest(MSG_SAME_BUCKET)  # R15 (U)


def _check_schema_versions(rules: tuple[ReplicationRule, ...]) -> None:
    """R9 and 2.2: what each schema version requires and forbids."""
    for rule in rules:
        if not v2_schema(rule):
            continue
        if rule.priority is None:
            raise InvalidRequest(MSG_PRIORITY)  # R9 (U)
        if rule.delete_marker_replication is None:
            raise InvalidRequest(MSG_MARKERS_IN_V2)  # 2.2 (S)
    for rule in rules:
        if v2_schema(rule):
            continue
        if rule.delete_marker_replication is not None:
            raise InvalidRequest(MSG_MARKERS_IN_V1)  # 2.2 (A)
        if rule.replica_modifications is not None:
            raise InvalidRequest(MSG_REPLICA_MODIFICATIONS_IN_V1)  # 2.2 (P, U text)


def _check_encryption(rules: tuple[ReplicationRule, ...]) -> None:
    """R4 then R5."""
    for rule in rules:
        if rule.sse_kms_objects == ENABLED and rule.destination.replica_kms_key_id is None:
            raise InvalidRequest(MSG_REPLICA_KEY)
    for rule in rules:
        destination = rule.destination
        sent = destination.encryption_configuration or destination.replica_kms_key_id is not None
        if sent and rule.sse_kms_objects is None:
            raise InvalidRequest(MSG_SSE_KMS_OBJECTS)


def _check_priorities(rules: tuple[ReplicationRule, ...]) -> None:
    """A filter's tag keys, R7, the priority's range, R8, and V1's single destination."""
    for rule in rules:
        keys = [key for key, _ in rule.filter.tags] if rule.filter is not None else []
        if len(set(keys)) != len(keys):
            raise InvalidRequest(MSG_DUPLICATE_TAG_KEYS)
    for rule in rules:
        tagged = rule.filter is not None and rule.filter.tags
        if tagged and rule.delete_marker_replication == ENABLED:
            raise InvalidRequest(MSG_MARKERS_WITH_TAGS)  # R7 (U)
    seen: set[tuple[str, int]] = set()
    for rule in rules:
        if rule.priority is None:
            continue
        if not 0 <= rule.priority <= MAX_PRIORITY:
            raise InvalidRequest(MSG_PRIORITY_RANGE)
        if v2_schema(rule):
            pair = (rule.destination.bucket_arn, rule.priority)
            if pair in seen:
                raise InvalidRequest(f"Found duplicate priority {rule.priority}.")  # R8 (U)
            seen.add(pair)
    v1_only = not any(v2_schema(rule) for rule in rules)
    if v1_only and len({rule.destination.bucket_arn for rule in rules}) > 1:
        raise InvalidRequest(MSG_V1_DESTINATIONS)


def _check_ids(rules: tuple[ReplicationRule, ...]) -> None:
    """R11's rule ID checks (ASCII, length), then R10 (unique)."""
    for rule in rules:
        if not rule.id.isascii():
            raise InvalidArgument(MSG_ID_NOT_ASCII, "ID", rule.id)
        if len(rule.id) > MAX_RULE_ID:
            raise InvalidArgument(MSG_ID_TOO_LONG, "ID", rule.id)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise InvalidArgument(MSG_DUPLICATE_ID, "ID", rule.id)
        seen.add(rule.id)


def _prefixes(rule: ReplicationRule) -> Iterator[str]:
    if rule.prefix is not None:
        yield rule.prefix
    if rule.filter is not None:
        yield rule.filter.prefix


def _check_rule_arguments(rule: ReplicationRule) -> None:
    """R11: the InvalidArgument cases of one rule (prefix length, Account, RTC, Metrics)."""
    for prefix in _prefixes(rule):
        if len(prefix) > MAX_PREFIX:
            raise InvalidArgument(MSG_PREFIX_TOO_LONG, "Prefix", prefix)
    destination = rule.destination
    if destination.account is not None and not _ACCOUNT.fullmatch(destination.account):
        raise InvalidArgument(MSG_ACCOUNT, "Account", destination.account)
    rtc, metrics = destination.replication_time, destination.metrics
    if rtc is not None and (not rtc[0] or rtc[1] != RTC_MINUTES):
        raise InvalidArgument(MSG_RTC_TIME, "ReplicationTime", rtc[0] or "null")
    if metrics is None:
        return
    status, threshold = metrics
    if not status:
        raise InvalidArgument(MSG_METRICS_STATUS, "Metrics", "null")
    rtc_enabled = rtc is not None and rtc[0] == ENABLED
    if threshold is not None and not rtc_enabled:
        raise InvalidArgument(MSG_METRICS_THRESHOLD_WITHOUT_RTC, "Metrics", status)
    if rtc_enabled and status == ENABLED and threshold != RTC_MINUTES:
        raise InvalidArgument(MSG_METRICS_THRESHOLD, "Metrics", status)


def _check_rule_requests(rule: ReplicationRule) -> None:
    """R12: the InvalidRequest cases of one rule (owner override without Account, RTC without
    Metrics, RTC and Metrics with different statuses)."""
    destination = rule.destination
    if destination.owner_override and destination.account is None:
        raise InvalidRequest(MSG_OWNER_WITHOUT_ACCOUNT)
    rtc, metrics = destination.replication_time, destination.metrics
    if rtc is None:
        return
    if metrics is None:
        raise InvalidRequest(MSG_RTC_WITHOUT_METRICS)
    if rtc[0] != metrics[0]:
        raise InvalidRequest(MSG_RTC_METRICS_STATUS)


def check_destinations(
    config: ReplicationConfiguration,
    owner_and_versioning: Callable[[str], tuple[str, str | None] | None],
) -> None:
    """R2, then R11's destination owner: each destination bucket must exist (any owner: looked up
    by name) with versioning Enabled, and an ``Account`` must name its owner.
    ``owner_and_versioning(name)`` is the bucket's (owner account, versioning), or None."""
    for rule in config.rules:
        found = owner_and_versioning(rule.destination.bucket)
        if found is None or found[1] != ENABLED:
            raise InvalidRequest(MSG_DESTINATION_VERSIONING)
    for rule in config.rules:
        account = rule.destination.account
        found = owner_and_versioning(rule.destination.bucket)
        if account is not None and found is not None and found[0] != account:
            raise InvalidArgument(MSG_ACCOUNT_OWNER, "Account", account)

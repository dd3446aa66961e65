"""The CloudTrail-shaped trail (``s3sse.trail``): the engine's requests as CloudTrail records.

Built lazily, when a test reads it, from the engine's event stream (:mod:`pytest_s3sse._internal.audit`)
and the few per-request details the protocol edges copy (``audit.S3Exchange``/``KmsExchange``: the
logged headers and KMS members, ~0.2-0.5 KiB a request, the newest ``trail_limit`` kept). One record per
S3 request (data events, and bucket-level management events), per KMS API request, and per KMS call S3
made for a request (SSE-KMS, DSSE-KMS, Bucket Keys), in the shape of ``audit-behaviour.md`` §1-§3 and
``aws-sse-behaviour.md`` §10; docs/trail.md lists each field with its source row.

Never logged: a plaintext, a data key, a ciphertext blob, an SSE-C key or its MD5 (the edges never copy
them). Requests that fail authentication are left out (E11).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.audit import (
    EventStream,
    Exchanges,
    KmsExchange,
    RequestRecord,
    S3Exchange,
)
from pytest_s3sse._internal.context import S3_SERVICE, RequestContext
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.policy.evaluate import role_of
from pytest_s3sse._internal.policy.keys import unique_id
from pytest_s3sse._internal.s3.replication import OPERATIONS as REPLICATION_OPERATIONS
from pytest_s3sse._internal.s3.store_events import BucketCreated
from pytest_s3sse._internal.types import ObjectEncryption, Principal, PrincipalKind, SseMode

Record = dict[str, Any]

EVENT_VERSION = "1.11"  # E6 (P): "The current version is 1.11"
S3_SOURCE = "s3.amazonaws.com"
KMS_SOURCE = "kms.amazonaws.com"
# S3's calls to KMS carry the caller's identity and invokedBy, sourceIPAddress and userAgent
# "fas.s3.amazonaws.com" (aws-sse-behaviour.md §10, A/S 2025-2026 captures; older records show
# "s3.amazonaws.com").
FAS = "fas.s3.amazonaws.com"
TLS_VERSION = "TLSv1.3"  # U (audit-behaviour.md §1, proposed)
CIPHER_SUITE = "TLS_AES_128_GCM_SHA256"  # U (proposed), a suite AWS records (A GT, WL)
_ANONYMOUS_IDENTITY = {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}  # I4 (A)

# Requests that fail authentication are not logged (E11, P); an authorisation failure is (F1).
UNAUTHENTICATED = frozenset(
    {
        "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken",
        "AuthorizationHeaderMalformed", "AuthorizationQueryParametersError",
        "RequestTimeTooSkewed", "XAmzContentSHA256Mismatch", "UnrecognizedClientException",
        "InvalidSignatureException", "MissingAuthenticationTokenException",
        "IncompleteSignature", "ExpiredTokenException",
    }
)  # fmt: skip

# S3 data events on one object (2.2); bucket-scoped data events name the objects by ARNPrefix (A GT;
# P: DeleteObjects logs no key). Every other bucket operation is a management event (M1).
OBJECT_EVENTS = frozenset(
    {
        "PutObject", "GetObject", "HeadObject", "CopyObject", "DeleteObject", "PostObject",
        "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
        "AbortMultipartUpload", "ListParts",
        # P (S3 user guide, "Amazon S3 CloudTrail events": object-level tagging and
        # GetObjectAttributes are data events); bucket tagging stays a management event.
        "PutObjectTagging", "GetObjectTagging", "DeleteObjectTagging", "GetObjectAttributes",
        # U: S3 replication's writes into the destination, made by the replication role
        # (docs/replication.md#the-trail).
        "ReplicateObject", "ReplicateDelete", "ReplicateTags",
    }
)  # fmt: skip
BUCKET_DATA_EVENTS = frozenset(
    {"DeleteObjects", "ListObjects", "ListObjectsV2", "HeadBucket", "ListMultipartUploads"}
)
# Reads log responseElements null, even for an encrypted object (X8, A GT; P CT-UG).
_NO_RESPONSE = frozenset({"GetObject", "HeadObject"})
# Writes that log SSEApplied (2.3, P "for PUT and POST requests", CreateMultipartUpload; U CopyObject).
_SSE_APPLIED = frozenset({"PutObject", "PostObject", "CopyObject", "CreateMultipartUpload"})
_SSE_NAMES = {
    SseMode.SSE_S3: "SSE_S3",
    SseMode.SSE_KMS: "SSE_KMS",
    SseMode.DSSE_KMS: "DSSE_KMS",  # U (X6, proposed)
    SseMode.SSE_C: "SSE_C",
}
# Presigned-URL parameters never logged (2.2, A GT): the credential, signature and token.
_SECRET_QUERY = frozenset(
    {"X-Amz-Credential", "X-Amz-Signature", "X-Amz-Security-Token", "Signature", "AWSAccessKeyId"}
)
_READ_PREFIXES = ("Get", "Head", "List", "Describe")
_KMS_READ_PREFIXES = (
    *_READ_PREFIXES,
    "Decrypt",
    "Encrypt",
    "ReEncrypt",
    "Generate",
    "Sign",
    "Verify",
)
# Since December 2022 these log responseElements.keyId = the key ARN (audit-behaviour.md §3, P).
_KEY_ID_RESPONSE = frozenset(
    {"DisableKey", "EnableKey", "EnableKeyRotation", "CreateAlias", "UpdateAlias"}
)
_KMS_DATE_MEMBERS = frozenset({"CreationDate", "DeletionDate", "ValidTo"})


def _time(when: datetime) -> str:
    """CloudTrail's ``eventTime``: UTC, whole seconds (A GT)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kms_date(value: object) -> object:
    """KMS CloudTrail records print dates as text, not ISO (P ct-createkey: "Aug 10, 2022, 10:38:27
    PM"); the API renders epoch seconds."""
    if isinstance(value, (int, float)):
        when = datetime.fromtimestamp(value, timezone.utc)
        return when.strftime("%b %d, %Y, %I:%M:%S %p").replace(" 0", " ", 1)
    return value


def _camel(name: str) -> str:
    """``KeyId`` -> ``keyId``; an acronym stays (``AWSAccountId``, as ct-createkey prints it)."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def _kms_members(value: Any, *, keep: bool = False) -> Any:
    """KMS members as CloudTrail logs them: lower camel case names (``keyId``, ``keySpec``), an
    encryption context's own keys as sent."""
    if isinstance(value, Mapping):
        if keep:
            return dict(value)
        return {
            _camel(k): _kms_date(v)
            if k in _KMS_DATE_MEMBERS
            else _kms_members(v, keep="Context" in k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_kms_members(v) for v in value]
    return value


def identity(principal: Principal, now: datetime, access_key_id: str = "") -> Record:
    """CloudTrail's ``userIdentity`` of ``principal`` (audit-behaviour.md 2.1: I1, I3, I4, I5);
    ``access_key_id`` is the key the request was signed with (the principal's own when empty)."""
    kind = principal.kind
    if kind is PrincipalKind.ANONYMOUS:
        return dict(_ANONYMOUS_IDENTITY)
    if kind is PrincipalKind.AWS_SERVICE:
        return {"type": "AWSService", "invokedBy": principal.arn}
    account, who = principal.account_id, principal.arn
    out: Record = {"type": kind.value, "principalId": account, "arn": who, "accountId": account}
    access_key_id = access_key_id or principal.access_key_id
    if access_key_id:
        out["accessKeyId"] = access_key_id
    if kind is PrincipalKind.IAM_USER:
        out["principalId"] = unique_id("AIDA", who)
        out["userName"] = who.rsplit("/", 1)[-1]
    elif kind is PrincipalKind.ASSUMED_ROLE:
        role = role_of(who) or who
        role_id = unique_id("AROA", role)
        out["principalId"] = f"{role_id}:{who.rsplit('/', 1)[-1]}"
        out["sessionContext"] = {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": role,
                "accountId": account,
                "userName": role.rsplit("/", 1)[-1],
            },
            # U: the session's creation is not recorded; the request's time stands for it.
            "attributes": {"creationDate": _time(now), "mfaAuthenticated": "false"},
        }
    return out


def _additional(request: RequestRecord, details: S3Exchange, *, failed: bool) -> Record:
    """An S3 record's ``additionalEventData`` (2.4), in the order AWS writes it (A GT, WL)."""
    context = request.context
    name = request.operation or ""
    facts = request.facts
    extra: Record = {}
    if context.signature_version is not None:  # none for anonymous callers (I4)
        extra["SignatureVersion"] = context.signature_version
    if context.secure:
        extra["CipherSuite"] = CIPHER_SUITE
    bytes_in = facts.get("bytes_in", 0)
    extra["bytesTransferredIn"] = bytes_in if isinstance(bytes_in, int) else 0
    encryption = facts.get("encryption")
    if name in _SSE_APPLIED and not failed and isinstance(encryption, ObjectEncryption):
        explicit = (
            "x-amz-server-side-encryption" in details.sent
            or "x-amz-server-side-encryption-customer-algorithm" in details.sent
        )
        applied = _SSE_NAMES[encryption.mode]
        extra["SSEApplied"] = applied if explicit else f"Default_{applied}"
    if context.auth_method is not None:
        extra["AuthenticationMethod"] = context.auth_method
    extra["x-amz-id-2"] = details.host_id
    bytes_out = facts.get("bytes_out", details.bytes_out)
    extra["bytesTransferredOut"] = bytes_out if isinstance(bytes_out, int) else 0
    return extra


_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


def _bodies(params: Record, facts: Mapping[str, object]) -> None:
    """The parsed request body the management events log: PutBucketPolicy's policy as an object
    (M4: T, 2019-format fixtures; U today), PutBucketEncryption's rule (M5: U, built from M3)."""
    policy = facts.get("policy")
    if isinstance(policy, str):
        try:
            params["bucketPolicy"] = json.loads(policy)
        except ValueError:  # pragma: no cover - a policy S3 accepted is JSON
            params["bucketPolicy"] = policy
    rule = facts.get("default_encryption")
    if isinstance(rule, tuple):
        algorithm, key_id, bucket_key, blocked = rule
        by_default: Record = {"SSEAlgorithm": algorithm}
        if key_id is not None:
            by_default["KMSMasterKeyID"] = key_id
        logged: Record = {"ApplyServerSideEncryptionByDefault": by_default}
        if blocked is not None:
            logged["BlockedEncryptionTypes"] = {"EncryptionType": list(blocked)}
        logged["BucketKeyEnabled"] = bucket_key
        params["ServerSideEncryptionConfiguration"] = {"xmlns": _XMLNS, "Rule": logged}


class _Builder:
    """Builds the records of one read of the stream (deterministic ids from the engine's seed)."""

    def __init__(self, seed: int, owners: Mapping[str, str]) -> None:
        self.seed = seed
        self.owners = owners

    def event_id(self, *parts: object) -> str:
        """A version-4 UUID drawn from the engine's seed and the event (the same run gives the same
        ids, and reading the trail draws nothing from the engine's random source)."""
        digest = hashlib.blake2b(repr((self.seed, *parts)).encode(), digest_size=16).digest()
        return str(uuid.UUID(bytes=digest, version=4))

    def envelope(self, context: RequestContext, source: str, name: str, when: datetime) -> Record:
        who = identity(context.principal, when, context.access_key_id)
        return {
            "eventVersion": EVENT_VERSION,
            "userIdentity": who,
            "eventTime": _time(when),
            "eventSource": source,
            "eventName": name,
            "awsRegion": context.region,
            "sourceIPAddress": context.source_ip,
            "userAgent": context.user_agent,
        }

    def copies(self, record: Record, requester: str, owner: str, *key: object) -> list[Record]:
        """The record as delivered to the requester's account and to the resource owner's (E10):
        one copy each, sharing a ``sharedEventID`` when they differ."""
        record["eventID"] = self.event_id(*key, owner)
        record["recipientAccountId"] = owner
        if requester in (owner, "anonymous"):
            if requester == "anonymous" and owner:
                record["sharedEventID"] = self.event_id(*key, "shared")  # A GT
            return [record]
        shared = self.event_id(*key, "shared")
        record["sharedEventID"] = shared
        other = dict(record, eventID=self.event_id(*key, requester), recipientAccountId=requester)
        return [other, record]

    # -- S3 ----------------------------------------------------------------------------------------
    def s3(self, request: RequestRecord, details: S3Exchange) -> list[Record]:
        context = request.context
        name = request.operation or ""
        record = self.envelope(context, S3_SOURCE, name, context.time)
        record["userAgent"] = f"[{context.user_agent}]"  # in square brackets (A GT, WL)
        failed = request.error_code is not None
        if failed:
            record["errorCode"] = request.error_code
            record["errorMessage"] = request.error_message
        bucket, key = request.bucket, request.key
        params: Record = {}
        if bucket is not None:
            params["bucketName"] = bucket
        params["Host"] = details.host
        if key is not None and name not in BUCKET_DATA_EVENTS:
            params["key"] = key
        params.update(sorted(details.sent.items()))  # the edge copied them in no fixed order
        for k, v in parse_qsl(details.query, keep_blank_values=True):
            if k not in _SECRET_QUERY:
                params[k] = v
        _bodies(params, request.facts)
        record["requestParameters"] = params
        echoed = details.echoed
        record["responseElements"] = (
            dict(sorted(echoed.items()))
            if echoed and not failed and name not in _NO_RESPONSE
            else None
        )
        record["additionalEventData"] = _additional(request, details, failed=failed)
        record["requestID"] = context.request_id
        record["eventID"] = ""
        record["readOnly"] = name.startswith(_READ_PREFIXES)
        owner = self.owners.get(bucket or "", context.account_id)
        resources: list[Record] = []
        if bucket is not None:
            bucket_arn = arn.bucket(bucket, context.region)
            if name in OBJECT_EVENTS and key is not None:
                resources.append({"type": "AWS::S3::Object", "ARN": f"{bucket_arn}/{key}"})
            elif name in BUCKET_DATA_EVENTS:
                resources.append({"type": "AWS::S3::Object", "ARNPrefix": f"{bucket_arn}/"})
            resources.append({"accountId": owner, "type": "AWS::S3::Bucket", "ARN": bucket_arn})
        record["resources"] = resources
        record["eventType"] = "AwsApiCall"
        data = name in OBJECT_EVENTS or name in BUCKET_DATA_EVENTS
        record["managementEvent"] = not data
        record["recipientAccountId"] = owner
        record["eventCategory"] = "Data" if data else "Management"
        if context.secure:
            record["tlsDetails"] = {
                "tlsVersion": TLS_VERSION,
                "cipherSuite": CIPHER_SUITE,
                "clientProvidedHostHeader": details.host,
            }
        return self.copies(record, context.account_id, owner, context.request_id)

    # -- KMS ---------------------------------------------------------------------------------------
    def kms_common(self, record: Record, call: KmsCall | None, name: str) -> None:
        if call is not None and call.material_id is not None:
            # eventVersion 1.11 (P ct-generatedatakey, ct-decrypt); placed before requestID
            record["additionalEventData"] = {"keyMaterialId": call.material_id}
        record["readOnly"] = name.startswith(_KMS_READ_PREFIXES)
        resources: list[Record] = []
        for key_arn in (call.key_arn, call.source_key_arn) if call is not None else ():
            if key_arn is not None:
                account = key_arn.split(":", 5)[4]
                resources.append({"accountId": account, "type": "AWS::KMS::Key", "ARN": key_arn})
        record["resources"] = resources
        record["eventType"] = "AwsApiCall"
        record["managementEvent"] = True
        record["recipientAccountId"] = ""
        record["eventCategory"] = "Management"

    def kms_direct(
        self, request: RequestRecord, details: KmsExchange, call: KmsCall | None
    ) -> list[Record]:
        context = request.context
        name = request.operation or ""
        record = self.envelope(context, KMS_SOURCE, name, context.time)
        failed = request.error_code is not None
        if failed:
            record["errorCode"] = request.error_code
            record["errorMessage"] = request.error_message
        params = _kms_members(details.params)
        if name == "Decrypt":  # always logged, sent or not (aws-sse-behaviour.md §10, P)
            params.setdefault("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
        record["requestParameters"] = params or None
        response: Record | None = None
        if not failed:
            if details.response is not None:
                response = _kms_members(details.response)
                if name == "CreateGrant" and call is not None and call.key_arn is not None:
                    response["keyId"] = call.key_arn  # U (audit-behaviour.md 8.13, proposed)
            elif name in _KEY_ID_RESPONSE and call is not None and call.key_arn is not None:
                response = {"keyId": call.key_arn}
        record["responseElements"] = response
        record["requestID"] = context.request_id
        record["eventID"] = ""
        self.kms_common(record, call, name)
        if name in ("CreateAlias", "UpdateAlias") and "aliasName" in params:
            alias = arn.kms_alias(context.account_id, context.region, params["aliasName"])
            record["resources"].append(
                {"accountId": context.account_id, "type": "AWS::KMS::Key", "ARN": alias}
            )
        if context.secure:
            host = f"kms.{context.region}.amazonaws.com"
            record["tlsDetails"] = {
                "tlsVersion": TLS_VERSION,
                "cipherSuite": CIPHER_SUITE,
                "clientProvidedHostHeader": host,
            }
        owner = call.key_arn.split(":", 5)[4] if call is not None and call.key_arn else ""
        return self.copies(
            record, context.account_id, owner or context.account_id, context.request_id
        )

    def kms_for_s3(self, call: KmsCall, request: RequestRecord, index: int) -> list[Record]:
        context = request.context
        record = self.envelope(context, KMS_SOURCE, call.operation, call.time)
        # Replication's calls are S3's own, for the role, not forwarded for a caller (U: open point
        # 7 of replication-behaviour.md): s3.amazonaws.com; a caller's request: fas.s3.
        via = S3_SERVICE if request.operation in REPLICATION_OPERATIONS else FAS
        record["userIdentity"]["invokedBy"] = via
        record["sourceIPAddress"] = via
        record["userAgent"] = via
        if call.error is not None:
            record["errorCode"] = call.error
            record["errorMessage"] = call.error_message or ""
        context_pairs = dict(call.encryption_context)
        if call.operation == "Decrypt":
            params: Record = {
                "encryptionContext": context_pairs,
                "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
            }
        else:
            params = {"keyId": call.key_arn, "keySpec": "AES_256"}
            if not call.operation.startswith("GenerateDataKey"):
                del params["keySpec"]
            params["encryptionContext"] = context_pairs
        record["requestParameters"] = params
        record["responseElements"] = None  # the data key is never logged (§10, P)
        record["requestID"] = context.request_id  # S3's id on S3's KMS records
        record["eventID"] = ""
        self.kms_common(record, call, call.operation)
        owner = call.key_arn.split(":", 5)[4] if call.key_arn else context.account_id
        return self.copies(record, context.account_id, owner, context.request_id, index)


def build(events: Iterable[object], exchanges: Exchanges, seed: int) -> tuple[list[Record], int]:
    """The trail's records, oldest first, and how many requests left the trail (over the limit)."""
    snapshot = list(events)
    details = exchanges.by_request()
    owners: dict[str, str] = {}
    requests: dict[str, RequestRecord] = {}
    calls: dict[str, KmsCall] = {}
    for event in snapshot:
        if isinstance(event, RequestRecord):
            requests[event.context.request_id] = event
        elif isinstance(event, KmsCall) and event.via == "direct" and event.request_id:
            calls.setdefault(event.request_id, event)
    builder = _Builder(seed, owners)
    records: list[Record] = []
    dropped = 0
    s3_calls: dict[str, int] = {}
    for event in snapshot:
        if isinstance(event, BucketCreated):
            owners[event.bucket] = event.owner_account
        elif isinstance(event, RequestRecord):
            if event.error_code in UNAUTHENTICATED or event.operation is None:
                continue
            found = details.get(event.context.request_id)
            if found is None:
                dropped += 1
            elif isinstance(found, S3Exchange):
                records += builder.s3(event, found)
            else:
                call = calls.get(event.context.request_id)
                records += builder.kms_direct(event, found, call)
        elif isinstance(event, KmsCall) and event.via == "s3" and event.request_id:
            request = requests.get(event.request_id)
            if request is None or event.request_id not in details:
                continue
            index = s3_calls[event.request_id] = s3_calls.get(event.request_id, 0) + 1
            records += builder.kms_for_s3(event, request, index)
    return records, dropped


def _matches(record: Record, key_arn: str) -> bool:
    if any(r.get("ARN") == key_arn for r in record.get("resources", ())):
        return True
    response = record.get("responseElements") or {}
    return key_arn in (
        response.get("x-amz-server-side-encryption-aws-kms-key-id"),
        response.get("keyId"),
    )


def _principal_of(record: Record) -> tuple[str, ...]:
    who = record["userIdentity"]
    return (who.get("arn", ""), who.get("accessKeyId", ""), who.get("accountId", ""))


class Trail:
    """The test's S3 and KMS requests as CloudTrail records (``s3sse.trail``).

    Each read builds the records afresh from the engine's event stream: ``records`` is a new list of
    JSON-serialisable dicts, oldest first. The engine keeps the details of its newest ``trail_limit``
    requests (an engine option); :attr:`dropped` says how many older ones left the trail.
    """

    def __init__(
        self,
        events: EventStream,
        exchanges: Exchanges,
        seed: int,
        resolve_key: Callable[[str], str],
    ) -> None:
        self._events = events
        self._exchanges = exchanges
        self._seed = seed
        self._resolve_key = resolve_key

    @property
    def limit(self) -> int:
        """How many of the newest requests the trail keeps (the ``trail_limit`` option)."""
        return self._exchanges.limit

    @property
    def records(self) -> list[Record]:
        """Every record, oldest first (a CloudTrail log file's ``Records``)."""
        return build(self._events, self._exchanges, self._seed)[0]

    @property
    def dropped(self) -> int:
        """How many requests left the trail because more than ``trail_limit`` were made."""
        return build(self._events, self._exchanges, self._seed)[1]

    def __len__(self) -> int:
        return len(self.records)

    def filter(
        self,
        *,
        event_source: str | None = None,
        event_name: str | None = None,
        key: str | None = None,
        principal: str | None = None,
        bucket: str | None = None,
        object_key: str | None = None,
        error_code: str | None = None,
    ) -> list[Record]:
        """The records that match every criterion given, oldest first.

        ``event_source`` is ``"s3"``, ``"kms"`` or the full ``s3.amazonaws.com``;
        ``event_name`` an API name (``"GenerateDataKey"``); ``key`` a KMS key id, key ARN, alias
        name or alias ARN (records whose resources or SSE echo name the key; an unknown key is a
        KmsKeyNotFoundError); ``principal`` an ARN, access key id or account id (``"anonymous"``
        for unsigned requests); ``bucket`` and ``object_key`` S3's ``bucketName`` and ``key``;
        ``error_code`` the ``errorCode``.
        """
        if event_source is not None and "." not in event_source:
            event_source = f"{event_source}.amazonaws.com"
        key_arn = self._resolve_key(key) if key is not None else None
        out = []
        for record in self.records:
            params = record.get("requestParameters") or {}
            if (
                (event_source is not None and record["eventSource"] != event_source)
                or (event_name is not None and record["eventName"] != event_name)
                or (key_arn is not None and not _matches(record, key_arn))
                or (principal is not None and principal not in _principal_of(record))
                or (bucket is not None and params.get("bucketName") != bucket)
                or (object_key is not None and params.get("key") != object_key)
                or (error_code is not None and record.get("errorCode") != error_code)
            ):
                continue
            out.append(record)
        return out

    def write(self, path: str | Path) -> Path:
        """Write the trail as a CloudTrail log file (``{"Records": [...]}``, E1), gzip-compressed when
        the name ends ``.gz``; returns the path."""
        target = Path(path)
        data = json.dumps({"Records": self.records}).encode()
        if target.name.endswith(".gz"):
            data = gzip.compress(data, mtime=0)
        target.write_bytes(data)
        return target

    def __repr__(self) -> str:
        return f"<Trail limit={self.limit}>"


def log_file_name(account: str, region: str, when: datetime, unique: str) -> str:
    """CloudTrail's log file name (E2, P): ``AccountID_CloudTrail_RegionName_YYYYMMDDTHHmmZ_
    UniqueString.json.gz``; the time is the delivery time, the 16-character string "has no meaning"."""
    digest = hashlib.sha256(unique.encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    tail = "".join(alphabet[b % len(alphabet)] for b in digest[:16])
    stamp = when.astimezone(timezone.utc).strftime("%Y%m%dT%H%MZ")
    return f"{account}_CloudTrail_{region}_{stamp}_{tail}.json.gz"

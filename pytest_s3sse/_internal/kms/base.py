"""What every KMS operation shares: the call log, quotas, key resolution and key-state rules.

Each operation runs inside :meth:`ServiceBase._call`, which takes a token from the quota, holds the
service's lock, and records the call (operation, key, caller, via, time, error, context) whether it
succeeds or fails, so a test can count KMS calls exactly as AWS would bill or throttle them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.crypto.kms_blob import MATERIAL_ID_SIZE
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors.kms import (
    AccessDeniedException,
    DisabledException,
    InvalidMarkerException,
    KmsError,
    KMSInvalidStateException,
    NotFoundException,
)
from pytest_s3sse._internal.http import ascii_decimal
from pytest_s3sse._internal.kms import imported, rotation
from pytest_s3sse._internal.kms.grants import GrantStore
from pytest_s3sse._internal.kms.imported import WrappingKey
from pytest_s3sse._internal.kms.keys import (
    PENDING_REPLICA_DELETION,
    Alias,
    KeyMaterial,
    KeyRef,
    KeyStore,
    KmsKey,
    alias_arn,
    is_key_id,
    key_arn,
)
from pytest_s3sse._internal.kms.managed import MANAGED_ALIASES, authorize, s3_policy
from pytest_s3sse._internal.kms.quotas import KmsQuotas
from pytest_s3sse._internal.kms.types import Caller, KmsCall, Page
from pytest_s3sse._internal.policy import Authorizer, Decision, DefaultAuthorizer
from pytest_s3sse._internal.policy.authorizer import RequestKeys
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.policy.document import Policy, PolicyKind, parse_policy
from pytest_s3sse._internal.policy.evaluate import Caller as PolicyCaller
from pytest_s3sse._internal.policy.evaluate import Facts, evaluate

T = TypeVar("T")
_MARKER_PREFIX = "s3sse:"


@dataclass(slots=True)
class CallRecord:
    """The call being made, filled in as the operation learns its key."""

    operation: str
    caller: Caller
    context: Mapping[str, str] = field(default_factory=dict)
    key_arn: str | None = None
    source_key_arn: str | None = None
    material_id: str | None = None


class KeyResource(NamedTuple):
    """A KMS key as an authorisation resource: its ARN, account and key policy (parsed)."""

    arn: str
    account: str
    policy: Policy | None

    @property
    def service(self) -> str:
        """Always ``kms`` (the key policy must allow: policy-behaviour.md E8)."""
        return "kms"


# A grant allowed what the key policy and IAM did not (E10), as explain() shows it.
ALLOWED_BY_GRANT = Decision(allowed=True, policy="grant", statement="a grant to the caller")


@functools.lru_cache(maxsize=256)
def parsed_key_policy(text: str) -> Policy:
    """A key policy document, parsed once per distinct text (every key's default policy in one
    account and region is the same text); MalformedPolicyDocumentException when it is not one."""
    return parse_policy(text, PolicyKind.KEY)


def condition_keys(context: Mapping[str, str]) -> dict[str, RequestValue]:
    """The KMS condition keys of an operation's encryption context (K21, K22):
    ``kms:EncryptionContext:<k>`` for each pair and ``kms:EncryptionContextKeys``."""
    keys: dict[str, RequestValue] = {f"kms:EncryptionContext:{k}": v for k, v in context.items()}
    keys["kms:EncryptionContextKeys"] = tuple(context)
    return keys


class _Call:
    """The context of one KMS operation: the service's lock held, the quota taken on entry, the
    outcome recorded on exit (a KmsError with its code; any other exception is an engine bug and
    is not recorded). A class, not ``@contextmanager``: every SSE-KMS request runs one or two."""

    __slots__ = ("record", "service")

    def __init__(self, service: ServiceBase, record: CallRecord) -> None:
        self.service = service
        self.record = record

    def __enter__(self) -> CallRecord:
        service, record = self.service, self.record
        service.lock.acquire()
        try:
            caller = record.caller
            service.quotas.take(record.operation, caller.principal.account_id, caller.region)
        except BaseException as err:
            if isinstance(err, KmsError):  # throttled: a call AWS counts
                service._record(record, err)
            service.lock.release()
            raise
        return record

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: object
    ) -> None:
        try:
            if error is None:
                self.service._record(self.record, None)
            elif isinstance(error, KmsError):
                self.service._record(self.record, error)
        finally:
            self.service.lock.release()


class ServiceBase:
    """Shared state and helpers of the KMS service."""

    def __init__(
        self,
        clock: Clock,
        entropy: Entropy,
        *,
        on_call: Callable[[KmsCall], None] | None = None,
        authorizer: Authorizer | None = None,
    ) -> None:
        """``on_call`` is told of every recorded call (the engine's event stream); ``authorizer`` is
        the engine's policy decision point (default: every caller with a context is allowed)."""
        self.clock = clock
        self.entropy = entropy
        self._on_call = on_call
        self._authorizer: Authorizer = authorizer if authorizer is not None else DefaultAuthorizer()
        self.store = KeyStore()
        self.grants = GrantStore()
        self.quotas = KmsQuotas(clock)
        self.lock = threading.RLock()
        self._log: list[KmsCall] = []
        # GetParametersForImport's wrapping keys, by import token (kept for the engine's life).
        self.import_tokens: dict[bytes, WrappingKey] = {}

    # -- the call log --------------------------------------------------------------------------
    def _call(
        self, operation: str, caller: Caller, context: Mapping[str, str] | None = None
    ) -> _Call:
        """Run one operation (``with self._call(...) as record:``): quota first, then the body;
        record the outcome either way."""
        return _Call(self, CallRecord(operation, caller, dict(context) if context else {}))

    def _record(self, record: CallRecord, error: KmsError | None) -> None:
        caller = record.caller
        call = KmsCall(
            operation=record.operation,
            key_arn=record.key_arn,
            caller=caller.principal.arn,
            account=caller.principal.account_id,
            region=caller.region,
            via=caller.via,
            time=self.clock.now(),
            error=error.code if error is not None else None,
            encryption_context=dict(record.context),
            source_key_arn=record.source_key_arn,
            request_id=caller.request_id,
            error_message=error.message if error is not None else None,
            material_id=record.material_id,
        )
        self._log.append(call)
        if self._on_call is not None:
            self._on_call(call)

    @property
    def calls(self) -> tuple[KmsCall, ...]:
        """Every KMS call so far, oldest first."""
        with self.lock:
            return tuple(self._log)

    # -- keys ----------------------------------------------------------------------------------
    def _new_material(self, created: datetime, rotation_type: str | None) -> KeyMaterial:
        return KeyMaterial(
            self.entropy.hex(MATERIAL_ID_SIZE),
            self.entropy.bytes(32),
            created,
            rotation_type,
        )

    def _resolve(self, raw: str, caller: Caller, *, aliases: bool, cross_account: bool) -> KmsKey:
        """The key ``raw`` names for ``caller``, with its due rotations applied.

        ``aliases``: whether the operation accepts alias names and ARNs (P: "key ID, key ARN, alias
        name, or alias ARN" on crypto ops and DescribeKey; "key ID or key ARN" elsewhere).
        ``cross_account``: whether an ARN may name another account's key (P, "Cross-account use").
        """
        ref = KeyRef.parse(raw)
        if ref.is_alias and not aliases:
            raise NotFoundException.invalid_key_id(raw)  # U: what AWS answers for an alias here
        account, region = caller.account, caller.region
        if ref.region is not None and ref.account is not None:
            if ref.region != region:
                raise NotFoundException.region(ref.region)
            if ref.account != account and not cross_account:
                # U: AWS's answer for another account's key or alias here.
                if ref.is_alias:
                    raise NotFoundException.alias(raw)
                raise NotFoundException.key(raw)
            account = ref.account
        now = self.clock.now()
        keys = self.store.region(account, region, now)
        if ref.is_alias:
            alias = keys.aliases.get(ref.name)
            if alias is not None:
                key = keys.keys[alias.target_key_id]
            elif ref.name in MANAGED_ALIASES:
                key = self._create_managed(ref.name, account, region)
            else:
                raise NotFoundException.alias(alias_arn(account, region, ref.name))
        else:
            if not is_key_id(ref.name):
                raise NotFoundException.invalid_key_id(ref.name)
            found = keys.keys.get(ref.name)
            if found is None:
                raise NotFoundException.key(key_arn(account, region, ref.name))
            key = found
        if key.valid_to is not None:
            imported.expire_if_due(key, now)
        if key.mrk is not None:
            self._catch_up_group(key, now)
        rotation.catch_up(key, now, self._new_material)
        return key

    def _catch_up_group(self, key: KmsKey, now: datetime) -> None:
        """A multi-Region key: the primary's due rotations are every member's (they share the
        material list), and a primary PendingReplicaDeletion whose replicas are all gone is
        PendingDeletion, its waiting period counted from the last replica's deletion."""
        group = key.mrk
        assert group is not None
        if group.primary != key.region:
            primary = self.store.region(key.account, group.primary, now).keys.get(key.key_id)
            if primary is not None:
                rotation.catch_up(primary, now, self._new_material)
            return
        if key.state != PENDING_REPLICA_DELETION:
            return
        for region in [r for r in group.regions if r != key.region]:
            self.store.region(key.account, region, now)  # applies the replicas' due deletions
        if len(group.regions) == 1 and group.replicas_deleted_at is not None:
            key.state = "PendingDeletion"
            key.deletion_date = group.replicas_deleted_at + timedelta(
                days=group.pending_window_days
            )

    def _create_managed(self, alias_name: str, account: str, region: str) -> KmsKey:
        """The AWS managed key behind a predefined alias, made now (rotating yearly from now)."""
        now = self.clock.now()
        key = KmsKey(
            key_id=self.entropy.uuid4(),
            account=account,
            region=region,
            created=now,
            description=MANAGED_ALIASES[alias_name],
            manager="AWS",
            policy=s3_policy(account, region),
        )
        key.materials.append(self._new_material(now, None))
        rotation.enable(key, rotation.DEFAULT_PERIOD_DAYS, now)
        keys = self.store.region(account, region, now)
        keys.keys[key.key_id] = key
        keys.aliases[alias_name] = Alias(alias_name, account, region, key.key_id, now, now)
        return key

    def _own_key(self, key_ref: str, caller: Caller, call: CallRecord, action: str) -> KmsKey:
        """A key id or ARN of the caller's own account (management operations: no aliases, no
        cross-account use), noted in the call record and authorised."""
        return self._authorized_key(
            key_ref, caller, call, action, aliases=False, cross_account=False
        )

    # -- authorisation: the one place a KMS operation's use of a key is allowed or denied --------
    def _authorized_key(
        self,
        key_ref: str,
        caller: Caller,
        call: CallRecord,
        action: str,
        *,
        aliases: bool,
        cross_account: bool,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> KmsKey:
        """Resolve ``key_ref``, note the key in the call record, and authorise ``action`` on it
        (``keys``: the operation's own condition keys beyond the encryption context's)."""
        key = self._resolve(key_ref, caller, aliases=aliases, cross_account=cross_account)
        call.key_arn = key.arn
        self._authorize(key, action, caller, call.context, keys)
        return key

    def _authorize(
        self,
        key: KmsKey,
        action: str,
        caller: Caller,
        encryption_context: Mapping[str, str] | None = None,
        extra_keys: Mapping[str, RequestValue] | None = None,
    ) -> None:
        """May ``caller`` perform ``action`` with ``key``? Every KMS operation that uses a key asks
        here, once it knows the key (S3's calls too, with ``caller.via == "s3"``): the AWS managed
        keys' fixed policies (:func:`~pytest_s3sse._internal.kms.managed.authorize`), then the
        engine's policy decision point (the port every gate asks; key policies plug in there). A
        denial is KMS's AccessDeniedException (S3 turns it into its own 403). A grant of the key to the
        caller for ``action`` allows what the policies did not, unless a policy denied explicitly
        (E10: "A grant can allow access to a KMS key, but not deny access").

        The test API's calls (no request context) are the engine's own work: only the AWS managed
        keys' fixed rules apply to them."""
        context = caller.context
        if context is None:
            authorize(key, action, caller)
            return
        resource = KeyResource(key.arn, key.account, parsed_key_policy(key.policy))
        keys = condition_keys(encryption_context) if encryption_context else None
        if extra_keys:
            keys = {**(keys or {}), **extra_keys}
        decision = self._authorizer.decide(context, "kms:" + action, resource, keys)
        if not decision.allowed:
            granting = extra_keys.get("kms:GrantOperations") if extra_keys else None
            if not decision.explicit and self.grants.allows(
                key.arn,
                action,
                caller.principal.arn,
                encryption_context or {},
                granting if isinstance(granting, tuple) else (),
            ):
                self._authorizer.record(context, "kms:" + action, resource, ALLOWED_BY_GRANT)
                return
            raise AccessDeniedException.denied(
                caller.principal.arn, action, key.arn, decision.reason
            )

    @staticmethod
    def _locks_out(key_arn: str, account: str, policy: Policy, caller: Caller) -> bool:
        """KP1: would ``policy`` stop ``caller`` from a later PutKeyPolicy on the key? (P, CreateKey
        and PutKeyPolicy: "the key policy must allow the calling principal to make a subsequent
        PutKeyPolicy request on the KMS key".) The key policy alone is read, with the caller's
        identity taken as allowing (naming its account is enough, as the default policy does) and
        this request's condition keys; an explicit Deny in it locks out. The test API's calls (no
        request context) are the engine's own and are not checked."""
        context = caller.context
        if context is None:
            return False
        facts = Facts(
            PolicyCaller.of(context.principal),
            "kms:PutKeyPolicy",
            key_arn,
            account,
            RequestKeys(context, "kms", None),
        )
        decision = evaluate(facts, resource_policy=policy, identity_policies=None, key_policy=True)
        return not decision.allowed

    # -- key states (P, KMS DG key-state table) ------------------------------------------------
    @staticmethod
    def _require_enabled(key: KmsKey) -> None:
        """Cryptographic use: Disabled -> [1], PendingDeletion -> [3], PendingImport -> [2]."""
        if key.state == "Enabled":
            return
        if key.state == "Disabled":
            raise DisabledException(key.arn)
        if key.state == imported.PENDING_IMPORT:
            raise KMSInvalidStateException.pending_import(key.arn)
        ServiceBase._require_not_pending(key)

    @staticmethod
    def _require_material(key: KmsKey) -> None:
        """An operation that needs the key's material refuses a key without it (P, key-state
        table: PendingImport [2]; A text)."""
        if key.state == imported.PENDING_IMPORT:
            raise KMSInvalidStateException.pending_import(key.arn)

    @staticmethod
    def _require_not_pending(key: KmsKey) -> None:
        """Management use that a key pending deletion refuses ([3]), or pending its replicas'
        deletion (P, key-state table)."""
        if key.state == "PendingDeletion":
            raise KMSInvalidStateException.pending_deletion(key.arn)
        if key.state == PENDING_REPLICA_DELETION:
            raise KMSInvalidStateException.pending_replica_deletion(key.arn)


def page(
    items: Sequence[T], limit: int | None, marker: str | None, default: int, maximum: int
) -> Page[T]:
    """One page of ``items`` from ``marker``: at most ``limit`` (default ``default``, at most
    ``maximum``, as the model documents for each listing)."""
    start = 0
    if marker is not None:
        start = _decode_marker(marker)
    size = min(limit or default, maximum)
    end = start + size
    rest = _encode_marker(end) if end < len(items) else None
    return Page(tuple(items[start:end]), rest)


def _encode_marker(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_MARKER_PREFIX}{offset}".encode()).decode()


def _decode_marker(marker: str) -> int:
    try:
        text = base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidMarkerException from exc
    # ASCII digits of a plausible length only: "s3sse:²" passes str.isdigit and fails int().
    offset = ascii_decimal(text.removeprefix(_MARKER_PREFIX), 19)
    if not text.startswith(_MARKER_PREFIX) or offset is None:
        raise InvalidMarkerException
    return offset

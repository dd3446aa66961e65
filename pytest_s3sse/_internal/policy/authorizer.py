"""The policy decision point: bucket policies, key policies and identity policies, evaluated per request.

:class:`PolicyAuthorizer` is the engine's :class:`~pytest_s3sse._internal.policy.Authorizer`. For each
question (a request context, an IAM action, a resource) it takes the resource's policy (a bucket's
policy, a KMS key's key policy, parsed once when it was put: :mod:`.document`), the caller's identity
policies (registered with the caller's credentials; none registered means full identity permissions),
and the request's condition keys, and applies AWS's evaluation rules (:mod:`.evaluate`).

The common case costs nothing new: a same-account caller with no identity policy asking about a
resource without a policy is allowed at once (no condition key is built). Condition keys are built
only when a statement with conditions is read (:class:`RequestKeys`).

Every decision that read a policy, and every denial, is kept by request id (bounded), so a test can ask
why a request was denied (``s3sse.explain``) and a failing test's report can show it.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import NamedTuple

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.policy import ALLOW, DENY_ANONYMOUS, Decision, Resource
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.policy.document import Policy
from pytest_s3sse._internal.policy.evaluate import Caller, Facts, evaluate
from pytest_s3sse._internal.policy.keys import (
    SIGNATURE_AGE,
    global_keys,
    kms_keys,
    s3_keys,
    signature_age,
)
from pytest_s3sse._internal.types import Principal

# The identity policies of a principal (all of them), or None: not modelled, full identity permissions.
IdentityLookup = Callable[[Principal], Sequence[Policy] | None]
_KEEP = 2048  # request ids whose decisions are kept for explain()
_MEMO = 4096  # decisions remembered per unconditional policy (object ARNs make the keys unbounded)


class RequestKeys(Mapping[str, RequestValue]):
    """A request's condition keys (lower-cased names, L7), looked up on demand: the global ``aws:``
    keys and the service's keys from the context (those that depend on the principal, transport and
    address are worked out once per combination; the time keys and ``s3:signatureAge`` when read),
    then the operation's own keys (``extra``, lower-cased on the first read that needs them)."""

    __slots__ = ("_context", "_extra", "_keys", "_lowered", "_service")

    def __init__(
        self, context: RequestContext, service: str, extra: Mapping[str, RequestValue] | None
    ) -> None:
        self._context = context
        self._service = service
        self._extra = extra
        self._keys: Mapping[str, RequestValue] | None = None
        self._lowered: dict[str, RequestValue] | None = None

    def _base(self) -> Mapping[str, RequestValue]:
        keys = self._keys
        if keys is None:
            context = self._context
            keys = self._keys = _context_keys(
                self._service,
                context.principal,
                context.secure,
                context.source_ip,
                context.invoked_by,
                context.region,
                context.signature_version,
                context.auth_method,
            )
        return keys

    def _extra_keys(self) -> dict[str, RequestValue]:
        lowered = self._lowered
        if lowered is None:
            extra = self._extra or {}
            lowered = self._lowered = {k.lower(): v for k, v in extra.items()}
        return lowered

    def get(self, name: str, default: object = None) -> RequestValue | None:  # type: ignore[override]
        """The value of key ``name`` (any case), or ``default``."""
        lname = name if name.islower() else name.lower()
        found = self._base().get(lname)
        if found is None:
            if lname in _TIME_KEYS:
                found = _time_key(lname, self._context)
            elif lname == SIGNATURE_AGE and self._service == "s3":
                found = signature_age(self._context)
            elif self._extra:
                # An operation's keys may be looked up one by one (s3/rest/operation_keys.py).
                lookup = getattr(self._extra, "lookup", None)
                found = lookup(lname) if lookup is not None else self._extra_keys().get(lname)
        return default if found is None else found  # type: ignore[return-value]

    def __getitem__(self, name: str) -> RequestValue:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def _all(self) -> dict[str, RequestValue]:
        keys = dict(self._base())
        keys.update((k, _time_key(k, self._context)) for k in _TIME_KEYS)
        age = signature_age(self._context) if self._service == "s3" else None
        if age is not None:
            keys[SIGNATURE_AGE] = age
        keys.update(self._extra_keys() if self._extra else {})
        return keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


_TIME_KEYS = ("aws:currenttime", "aws:epochtime")


def _time_key(lname: str, context: RequestContext) -> str:
    moment = context.time
    if lname == "aws:currenttime":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # K8
    return str(int(moment.timestamp()))  # K8


@functools.lru_cache(maxsize=512)
def _context_keys(  # noqa: PLR0917 - the lru_cache key, positional by design
    service: str,
    principal: Principal,
    secure: bool,
    source_ip: str,
    invoked_by: str | None,
    region: str,
    signature_version: str | None,
    auth_method: str | None,
) -> Mapping[str, RequestValue]:
    """The keys that depend on who calls and how, not on when: the same for every request of one
    principal over one transport (lower-cased; read-only)."""
    context = RequestContext(
        principal,
        "",
        _EPOCH,
        region,
        secure=secure,
        signature_version=signature_version,
        auth_method=auth_method,
        source_ip=source_ip,
        invoked_by=invoked_by,
    )
    raw = global_keys(context)
    raw.update(s3_keys(context) if service == "s3" else kms_keys(context))
    return MappingProxyType({k.lower(): v for k, v in raw.items() if k.lower() not in _TIME_KEYS})


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Explained(NamedTuple):
    """One decision made for a request: the action, the resource ARN, the caller and the decision."""

    action: str
    resource: str
    caller: str
    decision: Decision

    def describe(self) -> str:
        """The decision in a few lines (never a secret: ARNs, names and condition values only)."""
        head = f"{self.action} on {self.resource} by {self.caller}: "
        return head + self.decision.explain()


@functools.lru_cache(maxsize=512)
def _caller(principal: Principal) -> Caller:
    return Caller.of(principal)


def _no_identity_policies(principal: Principal) -> None:
    return None


class PolicyAuthorizer:
    """Decides with the policies that apply (see the module doc); thread-safe."""

    def __init__(self, identity_policies: IdentityLookup = _no_identity_policies) -> None:
        self.identity_policies = identity_policies
        self._lock = threading.Lock()
        self._decisions: OrderedDict[str, list[Explained]] = OrderedDict()

    def decide(
        self,
        context: RequestContext,
        action: str,
        resource: Resource,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> Decision:
        """May ``context``'s principal perform ``action`` on ``resource``? ``keys`` are the
        operation's own condition keys (``s3:x-amz-server-side-encryption``, ``s3:prefix``,
        ``kms:EncryptionContext:...``); the context's are added when a condition reads them."""
        principal = context.principal
        policy = resource.policy
        key_policy = resource.service == "kms"
        owner = resource.account or principal.account_id
        identities = None if principal.anonymous else self.identity_policies(principal)
        if policy is None and identities is None and not key_policy:
            # No policy applies: the account's own principals are allowed, other accounts need a
            # resource policy (E4), anonymous callers need one that names everyone (S1).
            if principal.anonymous:
                return self._keep(context, action, resource, DENY_ANONYMOUS)
            if owner == principal.account_id:
                return ALLOW
        memo_key: tuple[str, ...] | None = None
        if policy is not None and identities is None and policy.unconditional:
            # The decision depends on nothing but these (no condition reads the request): made once.
            memo_key = (action, principal.arn, principal.account_id, owner, resource.arn)
            found = policy.memo.get(memo_key)
            if isinstance(found, Decision):
                return self._keep(context, action, resource, found)
        facts = Facts(
            _caller(principal),
            action,
            resource.arn,
            owner,
            RequestKeys(context, resource.service, keys),
        )
        decision = evaluate(
            facts, resource_policy=policy, identity_policies=identities, key_policy=key_policy
        )
        if memo_key is not None and policy is not None and len(policy.memo) < _MEMO:
            policy.memo[memo_key] = decision
        return self._keep(context, action, resource, decision)

    def record(
        self, context: RequestContext, action: str, resource: Resource, decision: Decision
    ) -> Decision:
        """Keep a decision made outside the policies (S3's RestrictPublicBuckets) for explain()."""
        return self._keep(context, action, resource, decision)

    def _keep(
        self, context: RequestContext, action: str, resource: Resource, decision: Decision
    ) -> Decision:
        entry = Explained(action, resource.arn, context.principal.arn, decision)
        request_id = context.request_id
        with self._lock:
            found = self._decisions.get(request_id)
            if found is None:
                self._decisions[request_id] = [entry]
                if len(self._decisions) > _KEEP:
                    self._decisions.popitem(last=False)
            else:
                found.append(entry)
        return decision

    def decisions(self, request_id: str) -> tuple[Explained, ...]:
        """The decisions kept for ``request_id`` (those that read a policy, and every denial)."""
        with self._lock:
            return tuple(self._decisions.get(request_id, ()))

    def clear(self) -> None:
        """Forget every kept decision."""
        with self._lock:
            self._decisions.clear()

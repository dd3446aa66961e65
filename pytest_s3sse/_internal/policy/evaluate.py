"""Evaluation: a request's facts against the policies that apply, to one :class:`Decision`.

The rules (shared/reference/policy-behaviour.md 1.1, P: IAM user guide "Policy evaluation logic", KMS
developer guide "Key policies"):

- E1: implicit deny to start; an applicable explicit ``Deny`` anywhere wins; else some ``Allow``.
- E2, E3: same account (S3): an allow in an identity policy **or** in the bucket policy; a bucket
  policy naming a user, role (its sessions) or session grants directly; no bucket policy: identity
  decides. The account's root user has full identity permissions (E1).
- E4: cross-account: the caller's identity policy **and** the resource policy must allow.
- E5: a policy naming an account (id or root ARN) delegates to that account: its users and roles still
  need an identity allow (its root user does not).
- E8, E9: KMS: the key policy must allow, directly (a user/role/session ARN: no IAM needed in the same
  account) or by naming the account (then identity policies decide); cross-account both must allow.

Identity policies are given as a sequence (all of the caller's), or None for "not modelled": the caller
has full identity permissions (the test API's default for a principal without a policy).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from pytest_s3sse._internal.policy import ALLOW, Decision
from pytest_s3sse._internal.policy.conditions import Outcome, RequestValue
from pytest_s3sse._internal.policy.document import Policy, Principals, Statement
from pytest_s3sse._internal.types import Principal, PrincipalKind

RESOURCE_BASED = "resource-based"
IDENTITY_BASED = "identity-based"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks, as policies see it: the ARN the credentials belong to (a session ARN for a role
    session), the account, and for a session the role's ARN (E3, K2). What kind of caller it is is
    worked out once, here, not per statement."""

    arn: str
    account_id: str
    role_arn: str | None = None
    anonymous: bool = field(init=False, compare=False)
    root: bool = field(init=False, compare=False)
    service: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        kind = PrincipalKind.of_arn(self.arn)
        object.__setattr__(self, "anonymous", kind is PrincipalKind.ANONYMOUS)
        # An account's root user (not a federated user, which of_arn also reads as "root").
        object.__setattr__(self, "root", self.arn.endswith(":root") and ":iam::" in self.arn)
        object.__setattr__(self, "service", kind is PrincipalKind.AWS_SERVICE)

    @classmethod
    def of(cls, principal: Principal) -> Caller:
        """The caller a :class:`~pytest_s3sse._internal.types.Principal` is."""
        return cls(principal.arn, principal.account_id, role_of(principal.arn))


def role_of(arn: str) -> str | None:
    """``arn:aws:sts::A:assumed-role/R/S`` -> ``arn:aws:iam::A:role/R`` (K2); None for other ARNs.
    A role path is not in the session ARN, so a role with a path must be given by its registrar."""
    head, _, resource = arn.partition(":assumed-role/")
    if not resource or ":sts::" not in head:
        return None
    partition_account = head.replace(":sts::", ":iam::", 1)
    return f"{partition_account}:role/{resource.split('/', 1)[0]}"


@dataclass(frozen=True, slots=True)
class Facts:
    """One authorisation question: caller, action, resource ARN, the resource owner's account and the
    request's condition keys (names lower-cased here once: L7)."""

    caller: Caller
    action: str
    resource: str
    resource_account: str
    keys: Mapping[str, RequestValue]

    @classmethod
    def build(
        cls,
        caller: Caller,
        action: str,
        resource: str,
        resource_account: str,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> Facts:
        """Facts with ``keys``' names lower-cased (condition key names are case-insensitive, L7)."""
        lowered = {k.lower(): v for k, v in (keys or {}).items()}
        return cls(caller, action, resource, resource_account, lowered)

    @property
    def same_account(self) -> bool:
        """True when the caller belongs to the resource owner's account."""
        return self.caller.account_id == self.resource_account


NO_STATEMENT = "no statement allowed"


class Match(Enum):
    """How a resource policy's principal names the caller."""

    NONE = 0
    DIRECT = (
        1  # everyone, the caller's ARN, its role, its service, or its account for the root user
    )
    ACCOUNT = 2  # the caller's account: delegates to identity policies (E5)


def match_principal(principals: Principals, caller: Caller) -> Match:
    """Whether a statement's ``Principal`` names ``caller`` (S1-S3, E3, E5)."""
    if principals.everyone:
        return Match.DIRECT
    if caller.anonymous:
        return Match.NONE
    if caller.arn in principals.arns or (
        caller.role_arn is not None and caller.role_arn in principals.roles
    ):
        return Match.DIRECT
    if caller.service and caller.arn in principals.services:
        return Match.DIRECT
    if caller.account_id in principals.accounts:
        return Match.DIRECT if caller.root else Match.ACCOUNT
    return Match.NONE


def exempt_from_not_principal(principals: Principals, caller: Caller) -> bool:
    """Whether ``NotPrincipal`` lists ``caller`` fully (S5: a Deny with NotPrincipal applies to everyone
    not listed; a user must be listed with its account, a session with its role and its account)."""
    if principals.everyone:
        return True
    if caller.anonymous:
        return False
    if caller.service:
        return caller.arn in principals.services
    account = caller.account_id in principals.accounts
    if caller.root:
        return account
    if caller.role_arn is not None:
        return account and caller.arn in principals.arns and caller.role_arn in principals.roles
    return account and caller.arn in principals.arns


def _principal_match(statement: Statement, caller: Caller) -> Match:
    principals = statement.principals
    if principals is None:  # identity policy: the attached identity
        return Match.DIRECT
    if statement.not_principal:
        return Match.NONE if exempt_from_not_principal(principals, caller) else Match.DIRECT
    return match_principal(principals, caller)


class _Scan(NamedTuple):
    """One policy read for one request: the first applicable Deny, the best applicable Allow, and the
    nearest statement (it names the action, resource and caller; its conditions failed)."""

    deny: Statement | None
    allow: Statement | None
    allow_match: Match
    nearest: Statement | None


def _scan(policy: Policy, facts: Facts) -> _Scan:
    deny = allow = nearest = None
    allow_match = Match.NONE
    caller, resource, keys = facts.caller, facts.resource, facts.keys
    for statement in policy.statements_for(facts.action):
        if statement.allow and allow_match is Match.DIRECT:
            continue  # allowed already: only a Deny can change the answer
        match = _principal_match(statement, caller)  # set lookups: cheaper than the resource regex
        if match is Match.NONE:
            continue
        if not statement.names_resource(resource, keys):
            continue
        if statement.conditions and not _conditions_hold(statement, keys):
            nearest = nearest or statement
            continue
        if not statement.allow:
            return _Scan(statement, allow, allow_match, nearest)
        if allow is None or (match is Match.DIRECT and allow_match is Match.ACCOUNT):
            allow, allow_match = statement, match
    return _Scan(deny, allow, allow_match, nearest)


def _conditions_hold(statement: Statement, keys: Mapping[str, RequestValue]) -> bool:
    for condition in statement.conditions:  # noqa: SIM110 - no generator on the hot path; L1: all
        if not condition.evaluate(keys):
            return False
    return True


def _explain(statement: Statement | None, facts: Facts) -> tuple[Outcome, ...]:
    if statement is None or not statement.conditions:
        return ()
    return tuple(c.explain(facts.keys) for c in statement.conditions)


def _denied(facts: Facts, policy_type: str, policy: str, near: Statement | None) -> Decision:
    return Decision(
        allowed=False,
        reason=f"because no {policy_type} policy allows the {facts.action} action",
        policy=policy,
        statement=near.label if near else NO_STATEMENT,
        policy_type=policy_type,
        conditions=_explain(near, facts),
    )


@functools.lru_cache(maxsize=1024)
def _allowed_by(policy: str, statement: str) -> Decision:
    """The decision of an allow without conditions (the same for every request: made once)."""
    return Decision(allowed=True, policy=policy, statement=statement)


def _allowed(policy: Policy | None, statement: Statement | None, facts: Facts) -> Decision:
    if policy is None or statement is None:
        return ALLOW
    if not statement.conditions:
        return _allowed_by(policy.kind.value, statement.label)
    return Decision(
        allowed=True,
        policy=policy.kind.value,
        statement=statement.label,
        conditions=_explain(statement, facts),
    )


def evaluate(
    facts: Facts,
    *,
    resource_policy: Policy | None,
    identity_policies: Sequence[Policy] | None = None,
    key_policy: bool = False,
) -> Decision:
    """Decide ``facts`` against a resource policy (bucket or key policy, or None) and the caller's
    identity policies (None: full identity permissions). ``key_policy=True`` applies KMS's rule that
    the key policy must allow (E8, E9); a missing key policy then allows nothing."""
    resource = _scan(resource_policy, facts) if resource_policy is not None else None
    # An anonymous caller has no identity, so no identity policy is its (S1, K2).
    identities = () if identity_policies is None or facts.caller.anonymous else identity_policies
    scans = [(p, _scan(p, facts)) for p in identities]
    for policy, scan, policy_type in _all(resource_policy, resource, scans):
        if scan.deny is not None:  # E1: an explicit deny wins
            return Decision(
                allowed=False,
                reason=f"with an explicit deny in a{'n' if policy_type == IDENTITY_BASED else ''} {policy_type} policy",
                explicit=True,
                policy=policy.kind.value,
                statement=scan.deny.label,
                policy_type=policy_type,
                conditions=_explain(scan.deny, facts),
            )
    identity_policy, identity_statement, identity_ok = _identity_allows(
        facts, identity_policies, scans
    )
    resource_match = resource.allow_match if resource is not None else Match.NONE
    resource_ok = resource_match is Match.DIRECT or (
        resource_match is Match.ACCOUNT and identity_ok
    )
    rp_label = resource_policy.kind.value if resource_policy is not None else ""
    if key_policy or not facts.same_account:
        # E8/E9 (KMS) and E4 (cross-account): the resource policy must allow, and across accounts
        # (or when it only names the account) the identity policies too.
        needs_identity = not facts.same_account or resource_match is Match.ACCOUNT
        if facts.caller.anonymous:
            needs_identity = False  # S1: "*" is the only way in for an anonymous caller
        if resource_match is Match.NONE or (resource_policy is None):
            near = resource.nearest if resource is not None else None
            return _denied(facts, RESOURCE_BASED, rp_label, near)
        if needs_identity and not identity_ok:
            return _denied(facts, IDENTITY_BASED, "identity policy", _nearest(scans))
        if identity_statement is not None and resource_match is Match.ACCOUNT:
            return _allowed(identity_policy, identity_statement, facts)
        return _allowed(resource_policy, resource.allow if resource else None, facts)
    # E2, E3: same account, S3: identity OR resource.
    if resource_ok and resource is not None and resource_match is Match.DIRECT:
        return _allowed(resource_policy, resource.allow, facts)
    if identity_ok:
        return _allowed(identity_policy, identity_statement, facts)
    near = _nearest(scans)
    if near is not None:
        return _denied(facts, IDENTITY_BASED, "identity policy", near)
    near = resource.nearest if resource is not None else None
    label = rp_label if near is not None or not scans else "identity policy"
    return _denied(facts, IDENTITY_BASED, label, near)


def _all(
    resource_policy: Policy | None,
    resource: _Scan | None,
    scans: Iterable[tuple[Policy, _Scan]],
) -> Iterable[tuple[Policy, _Scan, str]]:
    if resource_policy is not None and resource is not None:
        yield resource_policy, resource, RESOURCE_BASED
    for policy, scan in scans:
        yield policy, scan, IDENTITY_BASED


def _identity_allows(
    facts: Facts,
    identity_policies: Sequence[Policy] | None,
    scans: Sequence[tuple[Policy, _Scan]],
) -> tuple[Policy | None, Statement | None, bool]:
    caller = facts.caller
    if caller.anonymous:
        return None, None, False  # an anonymous caller has no identity
    if identity_policies is None or caller.root:
        return None, None, True  # not modelled, or a root user (E1: full access in its account)
    for policy, scan in scans:
        if scan.allow is not None:
            return policy, scan.allow, True
    return None, None, False


def _nearest(scans: Sequence[tuple[Policy, _Scan]]) -> Statement | None:
    for _, scan in scans:
        if scan.nearest is not None:
            return scan.nearest
    return None

"""Authorisation: may this request context perform this action on this resource?

One port (:class:`Authorizer`), asked by both protocol edges for each request's own action (the gate),
and by the domain for the checks that are not the request's own: a copy source, an UploadPartCopy
source, each key of a DeleteObjects, and (with key policies) S3's calls to KMS. Until bucket and key
policies are modelled, the decision point is :class:`DefaultAuthorizer`: every authenticated caller is
allowed, and anonymous callers are denied everything, since nothing can be made public yet (AWS: an
anonymous request for a private resource is 403 AccessDenied "Access Denied": policy-behaviour.md D6,
audit-behaviour.md F1). This package imports only the vocabulary.

The policy language lives beside the port, ready for the gate: :mod:`.document` (parse and validate a
bucket, key or identity policy once), :mod:`.conditions` (every condition operator), :mod:`.keys` (the
condition keys a request context carries) and :mod:`.evaluate` (AWS's evaluation rules, returning a
:class:`Decision` that says which policy, statement and conditions decided).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pytest_s3sse._internal.context import RequestContext

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_s3sse._internal.policy.conditions import Outcome, RequestValue
    from pytest_s3sse._internal.policy.document import Policy


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to one authorisation question, with what decided it.

    ``reason`` says why a denial was made: for policy decisions the tail of AWS's detailed
    AccessDenied text (``with an explicit deny in a resource-based policy``, ``because no
    identity-based policy allows the s3:GetObject action``: policy-behaviour.md 4.1, 4.3). ``policy``
    names the policy that decided (``bucket policy``, ``key policy``, ``identity policy``) or is empty;
    ``statement`` its Sid or position, or ``no statement allowed``; ``policy_type`` is
    ``resource-based`` or ``identity-based``; ``conditions`` are the deciding (or nearest) statement's
    conditions as evaluated (:mod:`.evaluate`).
    """

    allowed: bool
    reason: str = ""
    explicit: bool = False
    policy: str = ""
    statement: str = ""
    policy_type: str = ""
    conditions: tuple[Outcome, ...] = ()

    def explain(self) -> str:
        """A few lines for a person: the decision, the policy and statement, each condition."""
        verdict = (
            "allowed" if self.allowed else ("explicitly denied" if self.explicit else "denied")
        )
        head = verdict + (f" by the {self.policy}" if self.policy else "")
        head += f": {self.statement}" if self.statement else ""
        head += f" ({self.reason})" if self.reason else ""
        return "\n".join([head, *(f"  {c.describe()}" for c in self.conditions)])


ALLOW = Decision(allowed=True)
DENY_ANONYMOUS = Decision(allowed=False, reason="no policy allows anonymous access")


class Resource(Protocol):
    """What an action is performed on; its ARN is built only when a policy reads it (the gate asks
    for every request, and most decisions never need the string)."""

    @property
    def arn(self) -> str:
        """The resource's ARN (``arn:aws:s3:::bucket/key``, a KMS key ARN, or ``*``)."""
        ...  # pragma: no cover - protocol

    @property
    def service(self) -> str:
        """``s3`` or ``kms`` (KMS's rule that the key policy must allow applies to ``kms``)."""
        ...  # pragma: no cover - protocol

    @property
    def account(self) -> str:
        """The owner's account id (a bucket's owner, a key's account); empty when unknown (a
        bucket that does not exist: the caller's own account is assumed)."""
        ...  # pragma: no cover - protocol

    @property
    def policy(self) -> Policy | None:
        """The resource's policy (a bucket policy, a key policy), parsed; None when it has none."""
        ...  # pragma: no cover - protocol


class Authorizer(Protocol):
    """The policy decision point every gate and domain check asks."""

    def decide(
        self,
        context: RequestContext,
        action: str,
        resource: Resource,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> Decision:
        """May ``context``'s principal perform ``action`` (``s3:GetObject``, ``kms:Decrypt`` ...)
        on ``resource``? ``keys`` are the operation's own condition keys (the context's are the
        decision point's to add)."""
        ...  # pragma: no cover - protocol

    def record(
        self, context: RequestContext, action: str, resource: Resource, decision: Decision
    ) -> Decision:
        """Keep a decision made beside the policies (S3's RestrictPublicBuckets, a KMS grant) with
        the request's others, for ``s3sse.explain``; returns it."""
        ...  # pragma: no cover - protocol


class DefaultAuthorizer:
    """Authenticated callers may do anything; anonymous callers nothing (no resource is public)."""

    __slots__ = ()

    def decide(
        self,
        context: RequestContext,
        action: str,
        resource: Resource,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> Decision:
        """Allow unless the caller is anonymous."""
        return DENY_ANONYMOUS if context.principal.anonymous else ALLOW

    def record(
        self, context: RequestContext, action: str, resource: Resource, decision: Decision
    ) -> Decision:
        """Nothing is kept."""
        return decision

"""KMS grant operations: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.

What each takes and answers comes from the botocore model (P); who may call them from the KMS DG
(grants.md, grant-manage.md: P) and policy-behaviour.md E9/E10 (P). The grants themselves and how they
allow a call are :mod:`.grants`. Every operation runs in ``self._call`` (recorded in ``kms_calls``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pytest_s3sse._internal.errors.kms import (
    AccessDeniedException,
    DryRunOperationException,
    NotImplementedKms,
    ValidationException,
)
from pytest_s3sse._internal.kms.base import ServiceBase, page
from pytest_s3sse._internal.kms.grants import (
    GRANT_OPERATIONS,
    SYMMETRIC_OPERATIONS,
    USAGE_OPERATIONS,
    Grant,
    GrantRequest,
    check_grant_id,
    grant_id_of,
    issuing_account,
    token_for,
)
from pytest_s3sse._internal.kms.keys import KmsKey
from pytest_s3sse._internal.kms.types import Caller, Page
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.policy.document import Policy


class Created(NamedTuple):
    """CreateGrant's answer."""

    grant_id: str
    token: str


class _Principal(NamedTuple):
    """ListRetirableGrants' resource: the retiring principal (P: "The authorized resource in
    ListRetirableGrants calls is the retiring principal specified in the request"); IAM decides."""

    arn: str
    account: str
    policy: Policy | None = None

    @property
    def service(self) -> str:
        return "iam"


class GrantOps(ServiceBase):
    """Grants on keys: made, listed, retired and revoked."""

    def create_grant(
        self, key_ref: str, request: GrantRequest, *, caller: Caller, dry_run: bool = False
    ) -> Created:
        """A grant on ``key_ref`` (a key id, or a key ARN of any account: E9). A Name already used on
        the key with the same parameters returns that grant's id (P, Name)."""
        with self._call("CreateGrant", caller) as call:
            _check_operations(request.operations)
            keys: dict[str, RequestValue] = {
                # K23 (P): true only when an integrated service creates the grant for the caller.
                "kms:GrantIsForAWSResource": "false" if caller.via == "direct" else "true",
                "kms:GrantOperations": request.operations,  # multivalued (P, conditions-kms)
                "kms:GranteePrincipal": request.grantee,
            }
            if request.retiring is not None:
                keys["kms:RetiringPrincipal"] = request.retiring
            key = self._authorized_key(
                key_ref,
                caller,
                call,
                "CreateGrant",
                aliases=False,
                cross_account=True,
                keys=keys,
            )
            self._require_enabled(key)  # P, key-state table: CreateGrant [1] Disabled, [3] pending
            _check_supported(key, request.operations)
            if dry_run:
                raise DryRunOperationException
            nonce = self.entropy.hex(16)
            if request.name is not None:
                for grant in self.grants.named(key.arn, request.name):
                    if grant.same_request(
                        request.grantee, request.operations, request.retiring, request.constraints
                    ):
                        return Created(grant.grant_id, token_for(grant.grant_id, nonce))
            grant = Grant(
                grant_id=self.entropy.hex(32),
                key_arn=key.arn,
                grantee=request.grantee,
                operations=tuple(request.operations),
                created=self.clock.now(),
                issuing_account=issuing_account(key.arn),
                name=request.name,
                retiring=request.retiring,
                constraints=request.constraints,
            )
            self.grants.add(grant)
            return Created(grant.grant_id, token_for(grant.grant_id, nonce))

    def list_grants(
        self,
        key_ref: str,
        *,
        caller: Caller,
        grant_id: str | None = None,
        grantee: str | None = None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> Page[Grant]:
        """The key's grants, oldest first, filtered by grant id and grantee (default 50 per page, at
        most 100: P, ListGrants Limit)."""
        with self._call("ListGrants", caller) as call:
            key = self._authorized_key(
                key_ref, caller, call, "ListGrants", aliases=False, cross_account=True
            )
            if grant_id is not None:
                check_grant_id(grant_id)
            grants = [
                g
                for g in self.grants.for_key(key.arn)
                if (grant_id is None or g.grant_id == grant_id)
                and (grantee is None or g.grantee == grantee)
            ]
            return page(grants, limit, marker, 50, 100)

    def list_retirable_grants(
        self,
        retiring: str,
        *,
        caller: Caller,
        limit: int | None = None,
        marker: str | None = None,
    ) -> Page[Grant]:
        """Every grant (on keys of any account) whose retiring principal is ``retiring``, a principal of
        the caller's account, allowed by the caller's IAM alone (P, ListRetirableGrants)."""
        with self._call("ListRetirableGrants", caller):
            context = caller.context
            if context is not None:
                owner = _account_of(retiring)
                resource = _Principal(retiring, owner)
                decision = self._authorizer.decide(context, "kms:ListRetirableGrants", resource)
                if not decision.allowed:
                    raise AccessDeniedException.denied(
                        caller.principal.arn, "ListRetirableGrants", retiring, decision.reason
                    )
            return page(self.grants.retirable(retiring), limit, marker, 50, 100)

    def retire_grant(
        self,
        *,
        caller: Caller,
        token: str | None = None,
        key_ref: str | None = None,
        grant_id: str | None = None,
        dry_run: bool = False,
    ) -> None:
        """Delete a grant named by its token, or by key and grant id. Who may (P, RetireGrant): its
        retiring principal, its grantee when it allows RetireGrant, or whoever the key's policies
        allow kms:RetireGrant (the key's account, with the default key policy)."""
        with self._call("RetireGrant", caller) as call:
            if token is not None:
                grant = self.grants.by_id(grant_id_of(token))
                call.key_arn = grant.key_arn
                if grant_id is not None and grant_id != grant.grant_id:
                    raise ValidationException("The GrantId does not match the grant token.")  # U
                key = self._resolve(grant.key_arn, caller, aliases=False, cross_account=True)
            elif key_ref is not None and grant_id is not None:
                key = self._resolve(key_ref, caller, aliases=False, cross_account=True)
                call.key_arn = key.arn
                grant = self.grants.find(key.arn, grant_id)
            else:
                # U: the model requires "a grant token, or both the grant ID and a key identifier".
                msg = "Either a GrantToken or both a KeyId and a GrantId must be specified."
                raise ValidationException(msg)
            principal = caller.principal.arn
            named = grant.names_retiree(principal) or (
                "RetireGrant" in grant.operations and grant.names_grantee(principal)
            )
            if not named:
                self._authorize(key, "RetireGrant", caller)
            if dry_run:
                raise DryRunOperationException
            self.grants.remove(grant)

    def revoke_grant(
        self, key_ref: str, grant_id: str, *, caller: Caller, dry_run: bool = False
    ) -> None:
        """Delete a grant (kms:RevokeGrant in the key policy or IAM: P)."""
        with self._call("RevokeGrant", caller) as call:
            key = self._authorized_key(
                key_ref, caller, call, "RevokeGrant", aliases=False, cross_account=True
            )
            grant = self.grants.find(key.arn, grant_id)
            if dry_run:
                raise DryRunOperationException
            self.grants.remove(grant)


def _check_operations(operations: Sequence[str]) -> None:
    """Each operation must be one a grant may allow (P, GrantOperation; the format is the model's
    validation text for a list member, U)."""
    if not operations:
        msg = (
            "1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
        raise ValidationException(msg)
    bad = [op for op in operations if op not in GRANT_OPERATIONS]
    if bad:
        msg = (
            f"1 validation error detected: Value '[{', '.join(operations)}]' at 'operations' failed "
            "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value "
            f"set: [{', '.join(GRANT_OPERATIONS)}]]"
        )
        raise ValidationException(msg)


def _check_supported(key: KmsKey, operations: Sequence[str]) -> None:
    """P (CreateGrant Operations): "you cannot create a grant for a symmetric encryption KMS key that
    allows the Sign operation ... If you try, KMS returns a ValidationError exception" (text U); the
    same for the operations an asymmetric or HMAC key does not support."""
    supported = SYMMETRIC_OPERATIONS if key.symmetric else USAGE_OPERATIONS.get(key.usage, ())
    unsupported = [op for op in operations if op not in supported]
    if unsupported:
        msg = f"Grant operations {unsupported} are not supported for key spec {key.spec}."
        raise ValidationException(msg)


def _account_of(principal: str) -> str:
    """The account of a principal ARN (``arn:aws:iam::<acct>:...``, ``arn:aws:sts::<acct>:...``);
    empty when it is not one."""
    parts = principal.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else ""


def not_modelled(member: str) -> NotImplementedKms:
    """A CreateGrant member the double does not model (service principals, SourceArn)."""
    return NotImplementedKms.feature(f"the {member} parameter of grants")

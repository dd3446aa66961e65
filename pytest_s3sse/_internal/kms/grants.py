"""KMS grants: a third way to allow the use of a key, beside the key policy and IAM (P, KMS DG grants.md;
policy-behaviour.md E10: "A grant can allow access to a KMS key, but not deny access").

A grant names a key, a grantee principal, the operations it allows (the botocore model's
``GrantOperation`` enum), optional encryption-context constraints and an optional retiring principal.
The service asks :meth:`GrantStore.allows` only when the key policy and IAM have not allowed a call and
no policy denied it explicitly, so a grant never overrides a Deny and costs nothing on the common path.

Grants take effect at once here: AWS's eventual consistency (up to five minutes, P) is not modelled, so
a grant token is never needed; tokens are still issued, and checked for shape where requests carry them
(InvalidGrantTokenException, P). Quotas (P, KMS DG resource-limits): 50,000 grants per key and 500 grants
for one grantee on one key, beyond which CreateGrant is LimitExceededException (texts U).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.errors.kms import (
    InvalidGrantIdException,
    InvalidGrantTokenException,
    LimitExceededException,
    NotFoundException,
)
from pytest_s3sse._internal.policy.evaluate import role_of

# P, botocore model GrantOperation.
GRANT_OPERATIONS = (
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
    "ReEncryptTo", "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac",
    "DeriveSharedSecret", "Encapsulate", "Decapsulate",
)  # fmt: skip
# What a symmetric encryption key supports (P, KMS DG grants.md "Grant operations"; the model:
# "you cannot create a grant for a symmetric encryption KMS key that allows the Sign operation").
SYMMETRIC_OPERATIONS = frozenset(
    {
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
        "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    }
)  # fmt: skip
# What the other kinds of key support (P, KMS DG grants.md "Grant operations": "the operations that
# the KMS key supports"; each key type's operations from the key-spec pages).
_ANY_KEY = frozenset({"CreateGrant", "RetireGrant", "DescribeKey"})
USAGE_OPERATIONS = {
    "SIGN_VERIFY": _ANY_KEY | {"Sign", "Verify", "GetPublicKey"},
    "GENERATE_VERIFY_MAC": _ANY_KEY | {"GenerateMac", "VerifyMac"},
    "KEY_AGREEMENT": _ANY_KEY | {"DeriveSharedSecret", "GetPublicKey"},
    "ENCRYPT_DECRYPT": _ANY_KEY
    | {"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"},  # asymmetric
}
# Operations with an encryption context: constraints apply to them only (P, GrantConstraints: "not
# applied to ... management operations, such as DescribeKey or RetireGrant").
_WITH_CONTEXT = frozenset(
    {
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
        "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    }
)  # fmt: skip
MAX_GRANTS_PER_KEY = 50_000  # P, KMS DG resource-limits "Grants per KMS key"
MAX_GRANTS_PER_GRANTEE = 500  # P, "Grants for a given principal per KMS key"
_GRANT_ID = re.compile(r"[0-9a-f]{64}")
_TOKEN_PREFIX = b"s3sse-grant:"


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if mapping is None else MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Constraints:
    """EncryptionContextEquals / EncryptionContextSubset (P: constraint keys match case-insensitively,
    values case-sensitively)."""

    equals: Mapping[str, str] | None = None
    subset: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "equals", _frozen(self.equals))
        object.__setattr__(self, "subset", _frozen(self.subset))

    def hold(self, context: Mapping[str, str]) -> bool:
        """True when ``context`` (the request's encryption context) meets both constraints."""
        request = {k.lower(): v for k, v in context.items()}
        if self.equals is not None and {k.lower(): v for k, v in self.equals.items()} != request:
            return False
        if self.subset is not None:
            return all(request.get(k.lower()) == v for k, v in self.subset.items())
        return True


@dataclass(frozen=True, slots=True)
class Grant:
    """One grant on one key (ListGrants shows these members: P, GrantListEntry)."""

    grant_id: str
    key_arn: str
    grantee: str
    operations: tuple[str, ...]
    created: datetime
    issuing_account: str
    name: str | None = None
    retiring: str | None = None
    constraints: Constraints | None = None

    def names_grantee(self, caller_arn: str) -> bool:
        """Whether the grant's grantee is the caller (its ARN, its role's ARN for a session)."""
        return _names(self.grantee, caller_arn)

    def names_retiree(self, caller_arn: str) -> bool:
        """Whether the caller is the grant's retiring principal."""
        return self.retiring is not None and _names(self.retiring, caller_arn)

    def allows(
        self,
        operation: str,
        caller_arn: str,
        context: Mapping[str, str],
        granting: Sequence[str] = (),
    ) -> bool:
        """Whether the grant lets ``caller_arn`` perform ``operation`` with ``context``. A grant that
        allows CreateGrant allows grants of its own operations only (``granting``: the operations the
        new grant asks for; P, KMS DG grants.md: the grantee "can create a grant with the same or
        fewer operations")."""
        if operation not in self.operations or not self.names_grantee(caller_arn):
            return False
        if granting and not set(granting) <= set(self.operations):
            return False
        if self.constraints is None or operation not in _WITH_CONTEXT:
            return True
        return self.constraints.hold(context)

    def same_request(
        self,
        grantee: str,
        operations: Sequence[str],
        retiring: str | None,
        constraints: Constraints | None,
    ) -> bool:
        """Whether a CreateGrant with the same Name asks for this very grant (P, Name: "you can
        retry a CreateGrant request with identical parameters")."""
        return (
            self.grantee == grantee
            and sorted(self.operations) == sorted(operations)
            and self.retiring == retiring
            and self.constraints == constraints
        )


def _names(principal: str, caller_arn: str) -> bool:
    """A grant's principal names the caller when it is the caller's ARN, or the role of the caller's
    session (P: grantees are users, roles, federated users, assumed-role users or accounts). An
    account (``arn:aws:iam::<acct>:root``) names its root user only here: AWS lets the account's
    administrators delegate such a grant through IAM, which the double does not model (U)."""
    return principal in (caller_arn, role_of(caller_arn))


def issuing_account(key_arn: str) -> str:
    """``arn:aws:iam::<key account>:root`` (P, the model's ListGrants example)."""
    _, _, _, region, account, _ = key_arn.split(":", 5)
    return arn.root(account, region)


class GrantStore:
    """Every grant of one KMS service, by key ARN (the service's lock guards it)."""

    def __init__(self) -> None:
        self._by_key: dict[str, dict[str, Grant]] = {}

    def add(self, grant: Grant) -> None:
        """Keep ``grant``; LimitExceededException beyond the quotas (P limits; texts U)."""
        grants = self._by_key.setdefault(grant.key_arn, {})
        if len(grants) >= MAX_GRANTS_PER_KEY:
            msg = f"The grants quota of {MAX_GRANTS_PER_KEY} for key {grant.key_arn} is exceeded."
            raise LimitExceededException(msg)
        same_grantee = sum(1 for g in grants.values() if g.grantee == grant.grantee)
        if same_grantee >= MAX_GRANTS_PER_GRANTEE:
            msg = (
                f"The quota of {MAX_GRANTS_PER_GRANTEE} grants for principal {grant.grantee} "
                f"on key {grant.key_arn} is exceeded."
            )
            raise LimitExceededException(msg)
        grants[grant.grant_id] = grant

    def named(self, key_arn: str, name: str) -> Iterator[Grant]:
        """The grants of ``key_arn`` called ``name``."""
        return (g for g in self._by_key.get(key_arn, {}).values() if g.name == name)

    def for_key(self, key_arn: str) -> list[Grant]:
        """The grants of ``key_arn``, oldest first."""
        return list(self._by_key.get(key_arn, {}).values())

    def find(self, key_arn: str, grant_id: str) -> Grant:
        """The grant ``grant_id`` of ``key_arn``: InvalidGrantIdException when the id is not one
        (U), NotFoundException when there is no such grant (U: the text)."""
        check_grant_id(grant_id)
        found = self._by_key.get(key_arn, {}).get(grant_id)
        if found is None:
            raise NotFoundException(f"Grant ID {grant_id} not found")
        return found

    def by_id(self, grant_id: str) -> Grant:
        """The grant ``grant_id`` on any key (a grant token names no key)."""
        for grants in self._by_key.values():
            if grant_id in grants:
                return grants[grant_id]
        raise NotFoundException(f"Grant ID {grant_id} not found")

    def remove(self, grant: Grant) -> None:
        """Forget ``grant`` (retired or revoked)."""
        self._by_key.get(grant.key_arn, {}).pop(grant.grant_id, None)

    def retirable(self, principal: str) -> list[Grant]:
        """Every grant whose retiring principal is ``principal`` (exactly: ListRetirableGrants)."""
        return [
            g
            for grants in self._by_key.values()
            for g in grants.values()
            if g.retiring == principal
        ]

    def allows(
        self,
        key_arn: str,
        operation: str,
        caller_arn: str,
        context: Mapping[str, str],
        granting: Sequence[str] = (),
    ) -> bool:
        """Whether some grant of ``key_arn`` lets ``caller_arn`` perform ``operation``."""
        grants = self._by_key.get(key_arn)
        if not grants:
            return False
        return any(g.allows(operation, caller_arn, context, granting) for g in grants.values())


def check_grant_id(grant_id: str) -> None:
    """A grant id is 64 lowercase hex digits (P, the model's examples); anything else is
    InvalidGrantIdException (P code; U that AWS checks the form)."""
    if _GRANT_ID.fullmatch(grant_id) is None:
        raise InvalidGrantIdException


def token_for(grant_id: str, nonce: str) -> str:
    """A grant token for ``grant_id``: unique per CreateGrant request (P, Name: "the returned grant
    token is unique with every CreateGrant request"), opaque to the caller."""
    raw = _TOKEN_PREFIX + grant_id.encode() + b":" + nonce.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def grant_id_of(token: str) -> str:
    """The grant id a token was issued for; InvalidGrantTokenException for anything the engine did not
    issue (P code; the text is the model's description, U)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidGrantTokenException from exc
    if not raw.startswith(_TOKEN_PREFIX):
        raise InvalidGrantTokenException
    grant_id = raw[len(_TOKEN_PREFIX) :].split(b":", 1)[0].decode("ascii", "replace")
    if _GRANT_ID.fullmatch(grant_id) is None:
        raise InvalidGrantTokenException
    return grant_id


def check_tokens(tokens: Sequence[str]) -> None:
    """Each of a request's GrantTokens must be one the engine issued (shape only: grants take effect
    at once here, so a token never adds a permission)."""
    for token in tokens:
        grant_id_of(token)


@dataclass(slots=True)
class GrantRequest:
    """What a CreateGrant asks for, as the edge read it."""

    grantee: str
    operations: tuple[str, ...]
    retiring: str | None = None
    constraints: Constraints | None = None
    name: str | None = None

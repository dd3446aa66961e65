"""Who holds which credentials: the engine's registry of access keys, secrets, session tokens and the
principals (and identity policies) behind them.

``s3sse.principal(arn)`` registers an IAM user (``arn:aws:iam::<acct>:user/<name>``), a role
(``arn:aws:iam::<acct>:role/<name>``, which authenticates as the assumed-role session
``arn:aws:sts::<acct>:assumed-role/<name>/<session>`` with a session token) or an account root
(``arn:aws:iam::<acct>:root``) of any account, and returns :class:`ClientKwargs`: the keyword arguments
of ``boto3.client(...)`` that authenticate as it.

Access key ids look like AWS's (P, IAM User Guide "Unique identifier prefixes": ``AKIA`` long-term
keys, ``ASIA`` temporary STS keys; 20 characters of upper-case letters and digits); secrets are 40
characters. Both come from the engine's seeded random source, so a seed replays them.

A key the registry does not know belongs to the *default principal* (the root of the engine's account,
configurable) unless signatures are verified (``verify_signatures``), in which case it is refused.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_s3sse._internal.arn import root as root_arn
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.http import REDACTED
from pytest_s3sse._internal.types import Principal

_IAM_ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)$"
)
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}", re.ASCII)  # P: STS AssumeRole RoleSessionName
_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: upper case and digits, as AWS's
DEFAULT_SESSION_NAME = "s3sse-session"
# The credentials the plugin puts in the environment of a test (wire/botocore_adapter.py holds the
# same two values; tests/test_principals.py keeps them equal): the default principal's, so a client
# built without credentials passes signature verification too.
TEST_ACCESS_KEY_ID = "AKIAS3SSETESTING0000"
TEST_SECRET_ACCESS_KEY = "s3sse-test-secret-access-key"  # noqa: S105 - a dummy, never sent anywhere


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """One access key: its secret, the session token (role sessions only), the principal it
    authenticates as and that principal's identity policy (a JSON document, or None).

    ``secret`` is None for keys added with ``add_credentials`` without one: their signatures cannot
    be verified, and with ``verify_signatures`` they are refused as SignatureDoesNotMatch."""

    access_key_id: str
    secret: str | None
    principal: Principal
    session_token: str | None = None
    identity_policy: str | None = None

    def __repr__(self) -> str:
        # Never show the secret or the token (a failing test's report, a log).
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, principal={self.principal.arn!r}, "
            f"session_token={REDACTED if self.session_token else None}, "
            f"identity_policy={'<set>' if self.identity_policy else None})"
        )


class ClientKwargs(dict[str, str]):
    """The keyword arguments of ``boto3.client("s3", **kwargs)`` that authenticate as a principal:
    ``aws_access_key_id``, ``aws_secret_access_key`` and, for a role, ``aws_session_token``.

    Also says who that is: :attr:`arn` (the ARN registered: the user, role or root), :attr:`account_id`,
    :attr:`session_arn` (what requests authenticate as: the assumed-role session for a role, else
    :attr:`arn`) and :attr:`principal`."""

    def __init__(self, credentials: Credentials, arn: str) -> None:
        super().__init__(
            aws_access_key_id=credentials.access_key_id,
            aws_secret_access_key=credentials.secret or "",
        )
        if credentials.session_token is not None:
            self["aws_session_token"] = credentials.session_token
        self.credentials = credentials
        self.arn = arn
        self.account_id = credentials.principal.account_id
        self.session_arn = credentials.principal.arn
        self.principal = credentials.principal

    def __repr__(self) -> str:
        return (
            f"ClientKwargs(arn={self.arn!r}, aws_access_key_id={self.credentials.access_key_id!r})"
        )


def policy_text(policy: str | Mapping[str, Any] | None) -> str | None:
    """An identity policy as its JSON text (a dict is serialised; a string must be JSON)."""
    if policy is None:
        return None
    if isinstance(policy, str):
        try:
            json.loads(policy)
        except ValueError as exc:
            msg = f"policy must be a JSON document: {exc}"
            raise ValueError(msg) from None
        return policy
    return json.dumps(policy)


def role_session_arn(role_arn: str, session_name: str) -> str:
    """The assumed-role session ARN of ``role_arn`` (``arn:<partition>:iam::<acct>:role/[path/]name``):
    ``arn:<partition>:sts::<acct>:assumed-role/<name>/<session_name>`` (a role's path is not part of
    it)."""
    _, partition, _, _, account, resource = role_arn.split(":", 5)
    name = resource.rsplit("/", 1)[-1]
    return f"arn:{partition}:sts::{account}:assumed-role/{name}/{session_name}"


class CredentialRegistry:
    """The engine's access keys (thread-safe: s3transfer signs from worker threads)."""

    def __init__(self, entropy: Entropy, default_principal: Principal) -> None:
        self._entropy = entropy
        self._lock = threading.Lock()
        self.default_principal = default_principal
        self._keys: dict[str, Credentials] = {
            TEST_ACCESS_KEY_ID: Credentials(
                TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY, default_principal
            )
        }

    def add(self, credentials: Credentials) -> Credentials:
        """Register (or replace) one access key."""
        with self._lock:
            self._keys[credentials.access_key_id] = credentials
        return credentials

    def get(self, access_key_id: str) -> Credentials | None:
        """The credentials of an access key id, None for a key never registered (a dict lookup)."""
        return self._keys.get(access_key_id)

    def principal_for(self, access_key_id: str) -> Principal:
        """The principal behind an access key id (unknown keys: the default principal)."""
        found = self._keys.get(access_key_id)
        return found.principal if found is not None else self.default_principal

    def register(
        self,
        arn: str,
        *,
        policy: str | Mapping[str, Any] | None = None,
        session_name: str = DEFAULT_SESSION_NAME,
    ) -> ClientKwargs:
        """New credentials for the IAM user, role or account root ``arn`` (see the module doc)."""
        match = _IAM_ARN.match(arn)
        if match is None:
            msg = (
                f"not an IAM user, role or account root ARN: {arn!r} (expected "
                "arn:aws:iam::<12 digits>:user/<name>, ...:role/<name> or ...:root)"
            )
            raise ValueError(msg)
        _, account, resource = match.groups()
        if _SESSION_NAME.fullmatch(session_name) is None:
            msg = (
                f"not a role session name: {session_name!r} (STS RoleSessionName: 2-64 characters "
                "of letters, digits and _+=,.@-)"
            )
            raise ValueError(msg)
        text = policy_text(policy)
        if resource.startswith("role/"):
            session = role_session_arn(arn, session_name)
            token = base64.b64encode(b"s3sse-session:" + self._entropy.bytes(96)).decode()
            principal = Principal(account, session, self._access_key("ASIA"))
            credentials = Credentials(
                principal.access_key_id, self._secret(), principal, token, text
            )
        else:
            principal = Principal(account, arn, self._access_key("AKIA"))
            credentials = Credentials(
                principal.access_key_id, self._secret(), principal, None, text
            )
        self.add(credentials)
        return ClientKwargs(credentials, arn)

    def service_session(self, role_arn: str, session_name: str) -> Principal:
        """The session an AWS service starts itself as the role ``role_arn`` (S3 replication's
        ``s3-replication``), with a temporary access key id (``ASIA``...) of its own: it signs
        nothing, and no one may sign with it."""
        account = role_arn.split(":", 5)[4]
        return Principal(
            account, role_session_arn(role_arn, session_name), self._access_key("ASIA")
        )

    def _access_key(self, prefix: str) -> str:
        raw = self._entropy.bytes(16)
        return prefix + "".join(_KEY_ALPHABET[b & 31] for b in raw)

    def _secret(self) -> str:
        return base64.b64encode(self._entropy.bytes(30)).decode()  # 40 characters


def default_principal(account_id: str, region: str, arn: str | None) -> Principal:
    """The engine's default caller: the principal ``arn`` names (a root or IAM user, checked by
    ``EngineOptions``), else the root of ``account_id``."""
    if arn is None:
        return Principal(account_id, root_arn(account_id, region))
    return Principal(arn.split(":", 5)[4], arn)


__all__ = [
    "ClientKwargs",
    "CredentialRegistry",
    "Credentials",
    "default_principal",
    "policy_text",
    "role_session_arn",
]

"""KMS aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.

An alias belongs to one account and region and names one key. ``alias/aws/`` is reserved for AWS
managed keys (P, AliasName doc); ``alias/aws/s3`` appears in ListAliases once its key exists, with its
TargetKeyId (P, ListAliases example).
"""

from __future__ import annotations

from pytest_s3sse._internal.errors.kms import (
    AlreadyExistsException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from pytest_s3sse._internal.kms.base import ServiceBase, page
from pytest_s3sse._internal.kms.keys import Alias, alias_arn
from pytest_s3sse._internal.kms.managed import RESERVED_PREFIX
from pytest_s3sse._internal.kms.types import AliasView, Caller, Page

# A, LS-AWS test_create_alias.
PREFIX_MESSAGE = (
    'Alias must start with the prefix "alias/". Please see '
    "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
)


class AliasOps(ServiceBase):
    """Alias management."""

    def create_alias(self, alias_name: str, target_key_ref: str, *, caller: Caller) -> None:
        """Name a key of the caller's account and region (key id or key ARN)."""
        with self._call("CreateAlias", caller) as call:
            _check_name(alias_name)
            keys = self.store.region(caller.account, caller.region, self.clock.now())
            if alias_name in keys.aliases:
                raise AlreadyExistsException(alias_arn(caller.account, caller.region, alias_name))
            key = self._own_key(target_key_ref, caller, call, "CreateAlias")
            self._require_not_pending(key)
            now = self.clock.now()
            keys.aliases[alias_name] = Alias(
                alias_name, caller.account, caller.region, key.key_id, now, now
            )

    def update_alias(self, alias_name: str, target_key_ref: str, *, caller: Caller) -> None:
        """Point an existing alias at another key (a destination pending deletion is refused)."""
        with self._call("UpdateAlias", caller) as call:
            _check_name(alias_name)
            alias = self._alias(alias_name, caller)
            key = self._own_key(target_key_ref, caller, call, "UpdateAlias")
            self._require_not_pending(key)  # P, key-state table [10]
            alias.target_key_id = key.key_id
            alias.updated = self.clock.now()

    def delete_alias(self, alias_name: str, *, caller: Caller) -> None:
        """Delete an alias (the key is not affected)."""
        with self._call("DeleteAlias", caller) as call:
            _check_name(alias_name)
            alias = self._alias(alias_name, caller)
            keys = self.store.region(caller.account, caller.region, self.clock.now())
            call.key_arn = keys.keys[alias.target_key_id].arn
            del keys.aliases[alias_name]

    def list_aliases(
        self,
        *,
        caller: Caller,
        key_ref: str | None = None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> Page[AliasView]:
        """The aliases of the caller's account and region (of one key when ``key_ref`` is given),
        sorted by name, 50 per page by default and 100 at most (P, Limit doc)."""
        with self._call("ListAliases", caller) as call:
            target = None
            if key_ref is not None:
                key = self._own_key(key_ref, caller, call, "ListAliases")
                target = key.key_id
            keys = self.store.region(caller.account, caller.region, self.clock.now())
            views = [
                a.view()
                for _, a in sorted(keys.aliases.items())
                if target is None or a.target_key_id == target
            ]
            return page(views, limit, marker, 50, 100)

    def _alias(self, alias_name: str, caller: Caller) -> Alias:
        keys = self.store.region(caller.account, caller.region, self.clock.now())
        found = keys.aliases.get(alias_name)
        if found is None:
            raise NotFoundException.alias(alias_arn(caller.account, caller.region, alias_name))
        return found


def _check_name(alias_name: str) -> None:
    if not alias_name.startswith("alias/"):
        raise ValidationException(PREFIX_MESSAGE)
    if alias_name.startswith(RESERVED_PREFIX):
        raise NotAuthorizedException("")  # T: moto (empty message); U on AWS

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

# The aliases AWS predefines in every account and region; ListAliases lists them, without a
# TargetKeyId until their AWS managed key exists (P, ListAliases: "predefined aliases that AWS has
# created but has not yet associated with a KMS key"). The list: T (moto RESERVED_ALIASES) and S (an
# account's listing in eu-west-2 quoted in an aws-nuke issue, all of them but acm, lambda and
# secretsmanager). It changes as AWS services adopt KMS; which names exist in a region is U.
PREDEFINED_ALIASES = (
    "alias/aws/acm",
    "alias/aws/dynamodb",
    "alias/aws/ebs",
    "alias/aws/elasticfilesystem",
    "alias/aws/es",
    "alias/aws/glue",
    "alias/aws/kinesisvideo",
    "alias/aws/lambda",
    "alias/aws/rds",
    "alias/aws/redshift",
    "alias/aws/s3",
    "alias/aws/secretsmanager",
    "alias/aws/ssm",
    "alias/aws/xray",
)
# The model's AliasNameType pattern (checked at the edge, kms/jsonapi/shapes.py) lets a colon
# through; CreateAlias does not (P: "It can contain only alphanumeric
# characters, forward slashes (/), underscores (_), and dashes (-)"; the text T, moto).
MSG_ALIAS_CHARACTERS = "{name} contains invalid characters for an alias"
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
            if ":" in alias_name:
                raise ValidationException(MSG_ALIAS_CHARACTERS.format(name=alias_name))
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
                for a in keys.aliases.values()
                if target is None or a.target_key_id == target
            ]
            if target is None:
                views += [
                    AliasView(name, alias_arn(caller.account, caller.region, name), None)
                    for name in PREDEFINED_ALIASES
                    if name not in keys.aliases
                ]
            views.sort(key=lambda view: view.name)
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

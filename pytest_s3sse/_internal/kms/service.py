"""The KMS service: every modelled operation, typed in and out, recorded in one call log.

The JSON edge (:mod:`pytest_s3sse._internal.kms.jsonapi.api`) calls it for direct requests; S3 calls it for SSE-KMS on
its callers' behalf with ``Caller.for_s3(...)``. What S3 needs:

- :meth:`KmsService.generate_data_key` -> :class:`~pytest_s3sse._internal.kms.types.DataKey` (plaintext,
  ciphertext_blob, key_arn, material_id);
- :meth:`KmsService.decrypt` -> :class:`~pytest_s3sse._internal.kms.types.Decrypted` (plaintext, key_arn,
  material_id);
- :meth:`KmsService.managed_key` for ``aws/s3`` and :meth:`KmsService.key_arn` to resolve a key
  reference to its ARN without a call.

Errors are :class:`~pytest_s3sse._internal.errors.kms.KmsError` subclasses, whose ``code`` S3 turns into
``KMS.<code>``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_s3sse._internal.crypto import kms_blob
from pytest_s3sse._internal.errors.kms import NotFoundException
from pytest_s3sse._internal.kms import rotation
from pytest_s3sse._internal.kms.alias_ops import AliasOps
from pytest_s3sse._internal.kms.asymmetric_ops import AsymmetricOps
from pytest_s3sse._internal.kms.grant_ops import GrantOps
from pytest_s3sse._internal.kms.import_ops import ImportOps
from pytest_s3sse._internal.kms.key_ops import KeyOps
from pytest_s3sse._internal.kms.keys import KeyRef, alias_arn, key_arn
from pytest_s3sse._internal.kms.mac_ops import MacOps
from pytest_s3sse._internal.kms.managed import MANAGED_ALIASES
from pytest_s3sse._internal.kms.multi_region import MultiRegionOps
from pytest_s3sse._internal.kms.rotation_ops import RotationOps
from pytest_s3sse._internal.kms.types import KeyView


class KmsService(
    AsymmetricOps, MacOps, ImportOps, MultiRegionOps, KeyOps, AliasOps, RotationOps, GrantOps
):
    """One engine's KMS: keys of every account and region, quotas and the call log."""

    def managed_key(self, alias_name: str = "aws/s3", *, account: str, region: str) -> KeyView:
        """The AWS managed key behind ``alias/<alias_name>`` in ``account`` and ``region``, created
        on first use (no call is recorded: S3 makes it for itself)."""
        name = alias_name if alias_name.startswith("alias/") else "alias/" + alias_name
        if name not in MANAGED_ALIASES:
            msg = f"no AWS managed key is modelled for {name!r}; known: {sorted(MANAGED_ALIASES)}"
            raise ValueError(msg)
        with self.lock:
            keys = self.store.region(account, region, self.clock.now())
            alias = keys.aliases.get(name)
            if alias is None:
                return self._create_managed(name, account, region).view()
            key = keys.keys[alias.target_key_id]
            rotation.catch_up(key, self.clock.now(), self._new_material)
            return key.view()

    def key_arn(self, key_ref: str, *, account: str, region: str) -> str:
        """The ARN ``key_ref`` names (key id, key ARN, alias name or alias ARN), without recording a
        call or checking the key's state; NotFoundException when it names nothing.

        Bare ids and alias names are taken in ``account`` and ``region``; an ARN names its own.
        """
        ref = KeyRef.parse(key_ref)
        owner = ref.account or account
        where = ref.region or region
        if ref.kind == "arn":
            return key_arn(owner, where, ref.name)
        if ref.kind == "id":
            return key_arn(owner, where, key_ref)
        with self.lock:
            keys = self.store.region(owner, where, self.clock.now())
            alias = keys.aliases.get(ref.name)
            if alias is None:
                if ref.name in MANAGED_ALIASES:
                    return self.managed_key(ref.name, account=owner, region=where).arn
                raise NotFoundException.alias(alias_arn(owner, where, ref.name))
            return key_arn(owner, where, alias.target_key_id)

    def known_key_arn(self, key_ref: str, *, account: str, region: str) -> str:
        """:meth:`key_arn`, for the test API: the key must exist, have been deleted, or have been used
        by a recorded call; NotFoundException otherwise (a count or assertion about a key that never
        was would hold for the wrong reason)."""
        arn = self.key_arn(key_ref, account=account, region=region)
        ref = KeyRef.parse(arn)
        owner, where = ref.account or account, ref.region or region
        with self.lock:
            keys = self.store.region(owner, where, self.clock.now())
            if ref.name in keys.keys or arn in keys.deleted:
                return arn
            if any(call.involves(arn) for call in self._log):
                return arn
        raise NotFoundException.key(arn)

    def unseal_at_rest(self, blob: bytes, context: Mapping[str, str]) -> bytes | None:
        """The plaintext of a blob this KMS sealed, for the test API's look at what is stored at rest
        (``assert_no_plaintext_at_rest``): it is not a KMS call. Nothing is recorded, no quota is
        taken, no policy is asked and the key's state is not checked (a disabled key's objects are
        still data at rest). None when the blob's key or key material no longer exists (a deleted
        key); DecryptionError when the blob or its context does not open."""
        header = kms_blob.read_header(blob)
        ref = KeyRef.parse(header.key_arn)
        if ref.account is None or ref.region is None:
            return None
        with self.lock:
            key = self.store.region(ref.account, ref.region, self.clock.now()).keys.get(ref.name)
            material = key.material(header.material_id) if key is not None else None
        if material is None:
            return None
        return kms_blob.open_blob(material.cipher, blob, context)

    def regions_holding(self, key_id: str) -> list[tuple[str, str]]:
        """The (account, region) pairs that hold a key with id ``key_id``."""
        with self.lock:
            return self.store.regions_holding(key_id)

    def alias_names(self, key_arn_: str) -> list[str]:
        """The aliases that name the key ``key_arn_`` in its account and region, sorted (read only:
        nothing is created, no call recorded)."""
        ref = KeyRef.parse(key_arn_)
        if ref.account is None or ref.region is None:
            return []
        with self.lock:
            keys = self.store.region(ref.account, ref.region, self.clock.now())
            return sorted(n for n, a in keys.aliases.items() if a.target_key_id == ref.name)

    def call_count(
        self, operation: str | None = None, *, key: str | None = None, account: str, region: str
    ) -> int:
        """How many recorded calls match ``operation`` and ``key`` (resolved like :meth:`key_arn`)."""
        wanted = self.key_arn(key, account=account, region=region) if key is not None else None
        return sum(
            1
            for call in self.calls
            if (operation is None or call.operation == operation)
            and (wanted is None or call.involves(wanted))
        )

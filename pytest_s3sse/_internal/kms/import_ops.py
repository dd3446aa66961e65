"""KMS's imported key material operations: GetParametersForImport, ImportKeyMaterial and
DeleteImportedKeyMaterial (the rules are :mod:`.imported`'s).

Each takes a key id or key ARN of the caller's own account (P, botocore model) and asks the key policy
for its own action (``kms:GetParametersForImport``, ``kms:ImportKeyMaterial``,
``kms:DeleteImportedKeyMaterial``). A key whose material is not imported answers
UnsupportedOperationException ``<arn> origin is AWS_KMS which is not valid for this operation.`` (A);
a key pending deletion KMSInvalidStateException (P, key-state table). Several key materials in one key
(ImportType NEW_KEY_MATERIAL after the first import, on-demand rotation of imported keys) are not
modelled: they answer 501.
"""

from __future__ import annotations

from datetime import datetime

from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.crypto.key_import import unwrap
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.kms import (
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidCiphertextException,
    InvalidImportTokenException,
    NotImplementedKms,
    UnsupportedOperationException,
    ValidationException,
)
from pytest_s3sse._internal.kms import imported
from pytest_s3sse._internal.kms.base import CallRecord, ServiceBase
from pytest_s3sse._internal.kms.imported import EXTERNAL, PENDING_IMPORT, WrappingKey
from pytest_s3sse._internal.kms.keys import KmsKey
from pytest_s3sse._internal.kms.types import SYMMETRIC_DEFAULT, Caller, ImportParameters

NEW_KEY_MATERIAL, EXISTING_KEY_MATERIAL = "NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"
TOKEN_SIZE = 64


class ImportOps(ServiceBase):
    """GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial."""

    def get_parameters_for_import(
        self, key_ref: str, *, caller: Caller, wrapping_algorithm: str, wrapping_key_spec: str
    ) -> ImportParameters:
        """A new RSA wrapping key of ``wrapping_key_spec`` and an import token for it, valid for 24
        hours on the engine clock."""
        with self._call("GetParametersForImport", caller) as call:
            key = self._external_key(key_ref, caller, call, "GetParametersForImport")
            if wrapping_algorithm == "RSAES_PKCS1_V1_5":
                # P: KMS DG "Select a wrapping algorithm": "As of October 10, 2023, AWS KMS does
                # not support the RSAES_PKCS1_V1_5 wrapping algorithm"; U the error and text.
                msg = "The RSAES_PKCS1_V1_5 wrapping algorithm is not supported."
                raise ValidationException(msg)
            if "SM2" in (wrapping_algorithm[:3], wrapping_key_spec):
                raise NotImplementedKms.feature("SM2 wrapping keys (China Regions only)")
            pair = KeyPair.generate(wrapping_key_spec, self.entropy.bytes)
            token = self.entropy.bytes(TOKEN_SIZE)
            valid_to = self.clock.now() + imported.TOKEN_LIFETIME
            self.import_tokens[token] = WrappingKey(key.arn, wrapping_algorithm, pair, valid_to)
            return ImportParameters(key.arn, pair.public_der(), token, valid_to)

    def import_key_material(
        self,
        key_ref: str,
        token: bytes,
        wrapped: bytes,
        *,
        caller: Caller,
        valid_to: datetime | None = None,
        expiration_model: str | None = None,
        import_type: str | None = None,
        material_id: str | None = None,
    ) -> tuple[str, str]:
        """Unwrap ``wrapped`` with the token's wrapping key and make it the key's material; returns
        the key ARN and the material id (empty for asymmetric and HMAC keys)."""
        with self._call("ImportKeyMaterial", caller) as call:
            key = self._external_key(key_ref, caller, call, "ImportKeyMaterial")
            wrapping = self.import_tokens.get(token)
            if wrapping is None or wrapping.key_arn != key.arn:
                raise InvalidImportTokenException
            now = self.clock.now()
            if wrapping.valid_to <= now:
                raise ExpiredImportTokenException
            model = imported.check_expiration(expiration_model, valid_to, now)
            _check_import_type(key, import_type)
            try:
                material = unwrap(wrapping.pair, wrapping.algorithm, wrapped)
            except DecryptionError as exc:
                raise InvalidCiphertextException from exc
            if material_id is not None and material_id != imported.material_id(key, material):
                raise IncorrectKeyMaterialException  # U: a KeyMaterialId not of this material
            found = imported.install(key, material, now)
            # P, ImportKeyMaterial: "the key state ... changes from PendingImport to Enabled"; the
            # same material imported again while it is there only changes its expiration ("You
            # might also reimport key material to change the expiration model or expiration date").
            if key.state == PENDING_IMPORT:
                key.state = "Enabled"
            key.expiration_model = model
            key.valid_to = valid_to if model == imported.EXPIRES else None
            return key.arn, found

    def delete_imported_key_material(
        self, key_ref: str, *, caller: Caller, material_id: str | None = None
    ) -> tuple[str, str]:
        """Delete the key's material now (the key is PendingImport); returns the key ARN and the
        deleted material's id (empty for asymmetric and HMAC keys)."""
        with self._call("DeleteImportedKeyMaterial", caller) as call:
            key = self._external_key(key_ref, caller, call, "DeleteImportedKeyMaterial")
            current = key.current_material.material_id if key.materials else ""
            if material_id is not None and material_id != current:
                raise NotImplementedKms.feature("several key materials in one imported key")
            imported.delete(key)
            return key.arn, current

    def _external_key(self, key_ref: str, caller: Caller, call: CallRecord, action: str) -> KmsKey:
        key = self._own_key(key_ref, caller, call, action)
        if key.origin != EXTERNAL:
            raise UnsupportedOperationException.origin(key.arn, key.origin)
        self._require_not_pending(key)
        return key


def _check_import_type(key: KmsKey, import_type: str | None) -> None:
    """ImportType (P): only for symmetric keys; NEW_KEY_MATERIAL by default before the first import,
    EXISTING_KEY_MATERIAL after it. New material for a key that had some (a second key material, for
    on-demand rotation) is not modelled."""
    if import_type is None:
        return
    if key.spec != SYMMETRIC_DEFAULT:
        # P: "only usable with symmetric encryption keys"; U the error and text.
        msg = "ImportType is only supported for symmetric encryption KMS keys."
        raise ValidationException(msg)
    if import_type == NEW_KEY_MATERIAL and imported.imported_before(key):
        raise NotImplementedKms.feature("several key materials in one imported key")
    if import_type == EXISTING_KEY_MATERIAL and not imported.imported_before(key):
        raise IncorrectKeyMaterialException  # P: "KMS expected new key material"; U the code

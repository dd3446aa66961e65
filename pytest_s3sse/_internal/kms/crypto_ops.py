"""KMS's symmetric cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext)
and GenerateRandom.

Blobs are sealed with AES-256-GCM under the key's current material and bound to the encryption context
(:mod:`pytest_s3sse._internal.crypto.kms_blob`). Decrypt finds the key in the blob: a KeyId that names another key
is IncorrectKeyException, a changed blob or context is InvalidCiphertextException with an empty message
(A, reference 9.1). Every method takes a :class:`~pytest_s3sse._internal.kms.types.Caller`, so S3 calls them for
its requests (``Caller.for_s3``) exactly as the JSON edge does for direct calls.
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_s3sse._internal.crypto import kms_blob
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.kms import (
    DryRunOperationException,
    IncorrectKeyException,
    InvalidCiphertextException,
    InvalidKeyUsageException,
    NotFoundException,
    ValidationException,
)
from pytest_s3sse._internal.kms import asymmetric, quotas
from pytest_s3sse._internal.kms.base import CallRecord, ServiceBase
from pytest_s3sse._internal.kms.keys import KeyMaterial, KeyRef, KmsKey, key_arn
from pytest_s3sse._internal.kms.types import (
    ENCRYPT_DECRYPT,
    SYMMETRIC_DEFAULT,
    Caller,
    DataKey,
    Decrypted,
    Encrypted,
    ReEncrypted,
)
from pytest_s3sse._internal.policy.conditions import RequestValue

DATA_KEY_SPECS = {"AES_256": 32, "AES_128": 16}


class CryptoOps(ServiceBase):
    """Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, GenerateRandom."""

    def encrypt(
        self,
        key_ref: str,
        plaintext: bytes,
        *,
        caller: Caller,
        context: Mapping[str, str] | None = None,
        algorithm: str | None = None,
        dry_run: bool = False,
    ) -> Encrypted:
        """Encrypt up to 4096 bytes under ``key_ref`` (id, ARN, alias name or alias ARN)."""
        with self._call("Encrypt", caller, context) as call:
            key = self._encrypting_key(
                key_ref, caller, call, action="Encrypt", operation="Encrypt", algorithm=algorithm
            )
            if not key.symmetric:
                chosen = asymmetric.check_encryption(key, algorithm, context)
                self._rsa_quota(caller)
                if dry_run:
                    raise DryRunOperationException
                blob = asymmetric.encrypt(key, chosen, plaintext, self.entropy.bytes)
                return Encrypted(blob, key.arn, chosen)
            if dry_run:
                raise DryRunOperationException
            material = key.current_material
            call.material_id = material.material_id
            return Encrypted(self._seal(key, plaintext, context, material), key.arn)

    def generate_data_key(
        self,
        key_ref: str,
        *,
        caller: Caller,
        context: Mapping[str, str] | None = None,
        key_spec: str | None = "AES_256",
        number_of_bytes: int | None = None,
        with_plaintext: bool = True,
        dry_run: bool = False,
    ) -> DataKey:
        """A fresh data key and its copy sealed under ``key_ref`` (GenerateDataKey, or
        GenerateDataKeyWithoutPlaintext when ``with_plaintext`` is false)."""
        operation = "GenerateDataKey" if with_plaintext else "GenerateDataKeyWithoutPlaintext"
        with self._call(operation, caller, context) as call:
            size = _data_key_size(key_spec, number_of_bytes)
            key = self._encrypting_key(
                key_ref, caller, call, action=operation, operation=operation, algorithm=None
            )
            if dry_run:
                raise DryRunOperationException
            data_key = self.entropy.bytes(size)
            material = key.current_material
            call.material_id = material.material_id
            blob = self._seal(key, data_key, context, material)
            return DataKey(
                data_key if with_plaintext else None, blob, key.arn, material.material_id
            )

    def decrypt(
        self,
        blob: bytes,
        *,
        caller: Caller,
        context: Mapping[str, str] | None = None,
        key_ref: str | None = None,
        algorithm: str | None = None,
        dry_run: bool = False,
    ) -> Decrypted:
        """The plaintext of ``blob``; the key comes from the blob (``key_ref`` must name the same)."""
        with self._call("Decrypt", caller, context) as call:
            requested = None
            if key_ref is not None:
                requested = self._resolve(key_ref, caller, aliases=True, cross_account=True)
                if _rsa_encryption(requested):
                    return self._decrypt_asymmetric(
                        requested,
                        blob,
                        caller,
                        call,
                        context=context,
                        algorithm=algorithm,
                        dry_run=dry_run,
                    )
            key, material = self._blob_key(
                blob, requested, caller, call, action=("Decrypt", "Decrypt"), algorithm=algorithm
            )
            if dry_run:
                raise DryRunOperationException
            call.material_id = material.material_id
            plaintext = self._open(material, blob, context)
            return Decrypted(plaintext, key.arn, material.material_id)

    def re_encrypt(
        self,
        blob: bytes,
        destination_key_ref: str,
        *,
        caller: Caller,
        source_context: Mapping[str, str] | None = None,
        destination_context: Mapping[str, str] | None = None,
        source_key_ref: str | None = None,
        source_algorithm: str | None = None,
        destination_algorithm: str | None = None,
        dry_run: bool = False,
    ) -> ReEncrypted:
        """Decrypt ``blob`` and seal its plaintext under ``destination_key_ref``, inside KMS.

        Either key may be an RSA encryption key (P, ReEncrypt): the source then needs
        ``SourceKeyId`` and ``SourceEncryptionAlgorithm``, the destination
        ``DestinationEncryptionAlgorithm``, and neither takes an encryption context."""
        with self._call("ReEncrypt", caller, destination_context) as call:
            requested = None
            if source_key_ref is not None:
                requested = self._resolve(source_key_ref, caller, aliases=True, cross_account=True)
            if requested is not None and _rsa_encryption(requested):
                source, material_id = requested, ""
                call.source_key_arn = source.arn
                self._authorize(source, "ReEncryptFrom", caller, source_context)
                self._check_usable(source, "ReEncrypt", source_algorithm)
                source_algorithm = asymmetric.check_encryption(
                    source, source_algorithm, source_context
                )
                material = None
            else:
                source, material = self._blob_key(
                    blob,
                    requested,
                    caller,
                    call,
                    action=("ReEncryptFrom", "ReEncrypt"),
                    algorithm=source_algorithm,
                )
                material_id = material.material_id
                call.source_key_arn = source.arn
            destination = self._encrypting_key(
                destination_key_ref,
                caller,
                call,
                action="ReEncryptTo",
                operation="ReEncrypt",
                algorithm=destination_algorithm,
            )
            if _rsa_encryption(destination):
                destination_algorithm = asymmetric.check_encryption(
                    destination, destination_algorithm, destination_context
                )
            if material is None or _rsa_encryption(destination):
                self._rsa_quota(caller)
            if dry_run:
                raise DryRunOperationException
            if material is None:
                assert source_algorithm is not None
                plaintext = asymmetric.decrypt(source, source_algorithm, blob, self.entropy.bytes)
            else:
                plaintext = self._open(material, blob, source_context)
            if _rsa_encryption(destination):
                assert destination_algorithm is not None
                sealed = asymmetric.encrypt(
                    destination, destination_algorithm, plaintext, self.entropy.bytes
                )
                target_id = ""
            else:
                target = destination.current_material
                sealed = self._seal(destination, plaintext, destination_context, target)
                target_id = target.material_id
            return ReEncrypted(
                sealed,
                source.arn,
                destination.arn,
                material_id,
                target_id,
                source_algorithm or SYMMETRIC_DEFAULT,
                destination_algorithm or SYMMETRIC_DEFAULT,
            )

    def generate_random(self, number_of_bytes: int | None, *, caller: Caller) -> bytes:
        """``number_of_bytes`` (1-1024) random bytes."""
        with self._call("GenerateRandom", caller):
            if number_of_bytes is None:
                raise ValidationException("NumberOfBytes is required.")  # A
            return self.entropy.bytes(number_of_bytes)

    # -- helpers -------------------------------------------------------------------------------
    def _encrypting_key(
        self,
        key_ref: str,
        caller: Caller,
        call: CallRecord,
        *,
        action: str,
        operation: str,
        algorithm: str | None,
        keys: Mapping[str, RequestValue] | None = None,
    ) -> KmsKey:
        key = self._authorized_key(
            key_ref, caller, call, action, aliases=True, cross_account=True, keys=keys
        )
        self._check_usable(key, operation, algorithm)
        return key

    def _check_usable(self, key: KmsKey, operation: str, algorithm: str | None) -> None:
        self._require_enabled(key)
        if key.usage != ENCRYPT_DECRYPT:
            raise InvalidKeyUsageException.usage(key.arn, key.usage, operation)
        if not key.symmetric:
            if operation.startswith("GenerateDataKey"):
                raise InvalidKeyUsageException.key_spec(key.arn, key.spec, operation)
            return  # Encrypt, Decrypt, ReEncrypt: asymmetric.check_encryption applies
        if algorithm is not None and algorithm != SYMMETRIC_DEFAULT:
            raise InvalidKeyUsageException.algorithm(algorithm, key.spec)

    def _decrypt_asymmetric(
        self,
        key: KmsKey,
        blob: bytes,
        caller: Caller,
        call: CallRecord,
        *,
        context: Mapping[str, str] | None,
        algorithm: str | None,
        dry_run: bool,
    ) -> Decrypted:
        """Decrypt of an RSAES-OAEP ciphertext: KMS needs the KeyId, as the ciphertext names no key
        (P, Decrypt: "required only when the ciphertext was encrypted under an asymmetric KMS key")."""
        call.key_arn = key.arn
        self._authorize(key, "Decrypt", caller, call.context)
        self._check_usable(key, "Decrypt", algorithm)
        chosen = asymmetric.check_encryption(key, algorithm, context)
        self._rsa_quota(caller)
        if dry_run:
            raise DryRunOperationException
        plaintext = asymmetric.decrypt(key, chosen, blob, self.entropy.bytes)
        return Decrypted(plaintext, key.arn, "", chosen)

    def _rsa_quota(self, caller: Caller) -> None:
        """An Encrypt or Decrypt with an RSA key counts against the RSA quota, not the symmetric one
        taken on entry (P, requests-per-second: key types are counted separately)."""
        account, region = caller.principal.account_id, caller.region
        self.quotas.refund(quotas.CRYPTOGRAPHIC, account, region)
        self.quotas.take_family(quotas.RSA, account, region)

    def _blob_key(
        self,
        blob: bytes,
        requested: KmsKey | None,
        caller: Caller,
        call: CallRecord,
        *,
        action: tuple[str, str],
        algorithm: str | None,
    ) -> tuple[KmsKey, KeyMaterial]:
        """The key and material that sealed ``blob``, checked as Decrypt checks them
        (``requested``: the key the request's KeyId names, if any).

        ``action`` is the (key-policy action, operation name) pair the checks report.
        """
        try:
            header = kms_blob.read_header(blob)
            ref = KeyRef.parse(header.key_arn)
        except (DecryptionError, NotFoundException) as exc:
            raise InvalidCiphertextException from exc
        sealed_by = header.key_arn
        if ref.region != caller.region and ref.kind == "arn" and ref.name.startswith("mrk-"):
            # A multi-Region key's blob opens with the related key of the caller's Region (P,
            # ReplicateKey: "encrypt data in one Region and decrypt it in a different Region").
            sealed_by = key_arn(ref.account or "", caller.region, ref.name)
            ref = KeyRef.parse(sealed_by)
        if requested is not None and requested.arn != sealed_by:
            call.key_arn = requested.arn
            raise IncorrectKeyException
        if ref.kind != "arn" or ref.account is None or ref.region != caller.region:
            raise InvalidCiphertextException  # U: a blob of another region
        keys = self.store.region(ref.account, ref.region, self.clock.now())
        if ref.name not in keys.keys:
            if sealed_by in keys.deleted:
                raise NotFoundException.key(sealed_by)  # U: Decrypt after deletion
            raise InvalidCiphertextException
        key = self._authorized_key(
            sealed_by, caller, call, action[0], aliases=False, cross_account=True
        )
        self._check_usable(key, action[1], algorithm)
        material = key.material(header.material_id)
        if material is None:
            raise InvalidCiphertextException
        return key, material

    def _seal(
        self,
        key: KmsKey,
        plaintext: bytes,
        context: Mapping[str, str] | None,
        material: KeyMaterial | None = None,
    ) -> bytes:
        use = material or key.current_material
        header = kms_blob.BlobHeader(key.arn, use.material_id)
        return kms_blob.seal(use.cipher, header, plaintext, context, self.entropy.bytes)

    @staticmethod
    def _open(material: KeyMaterial, blob: bytes, context: Mapping[str, str] | None) -> bytes:
        try:
            return kms_blob.open_blob(material.cipher, blob, context)
        except DecryptionError as exc:
            raise InvalidCiphertextException from exc


def _rsa_encryption(key: KmsKey) -> bool:
    """An asymmetric encryption key (its ciphertexts are bare RSAES-OAEP, not blobs)."""
    return not key.symmetric and key.usage == ENCRYPT_DECRYPT


def _data_key_size(key_spec: str | None, number_of_bytes: int | None) -> int:
    """The data key length: KeySpec AES_256/AES_128 or NumberOfBytes 1-1024, exactly one of them."""
    if key_spec is not None and number_of_bytes is None:
        if key_spec not in DATA_KEY_SPECS:
            raise ValidationException(  # the A format of reference 9.2 (T: moto's text)
                f"1 validation error detected: Value '{key_spec}' at 'keySpec' failed to satisfy "
                "constraint: Member must satisfy enum value set: [AES_256, AES_128]"
            )
        return DATA_KEY_SPECS[key_spec]
    if number_of_bytes is not None and key_spec is None:
        if not 1 <= number_of_bytes <= 1024:
            bound = (
                "greater than or equal to 1"
                if number_of_bytes < 1
                else "less than or equal to 1024"
            )
            raise ValidationException(
                f"1 validation error detected: Value '{number_of_bytes}' at 'numberOfBytes' failed "
                f"to satisfy constraint: Member must have value {bound}"
            )
        return number_of_bytes
    # T: moto; U on AWS (P: "Use either the KeySpec or NumberOfBytes parameters (but not both)").
    raise ValidationException("Please specify either number of bytes or key spec.")

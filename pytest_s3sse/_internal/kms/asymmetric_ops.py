"""KMS's asymmetric operations: GetPublicKey, Sign, Verify, DeriveSharedSecret and
GenerateDataKeyPair(WithoutPlaintext). (Encrypt and Decrypt with RSA keys are
:class:`~pytest_s3sse._internal.kms.crypto_ops.CryptoOps`'s, through :mod:`.asymmetric`.)

Every operation takes any key form, across accounts by ARN (P, each operation's KeyId doc), and asks
the key policy for its own action with the operation's condition keys (``kms:SigningAlgorithm``,
``kms:MessageType``, ``kms:KeyAgreementAlgorithm``, ``kms:DataKeyPairSpec``: P, the Service
Authorization Reference). Signatures verify with ``cryptography`` against GetPublicKey's key; a data
key pair's private key is sealed under the symmetric key exactly like a data key, so Decrypt returns
it (A, LS-AWS ``test_generate_data_key_pair``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pytest_s3sse._internal.crypto.asymmetric import SPECS as PAIR_SPECS
from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.errors.kms import (
    DryRunOperationException,
    KMSInvalidSignatureException,
    NotImplementedKms,
    UnsupportedOperationException,
    ValidationException,
)
from pytest_s3sse._internal.kms import asymmetric, quotas
from pytest_s3sse._internal.kms.asymmetric import KEY_AGREEMENT, SIGN_VERIFY
from pytest_s3sse._internal.kms.crypto_ops import CryptoOps
from pytest_s3sse._internal.kms.keys import KEY_SPECS, KmsKey
from pytest_s3sse._internal.kms.types import Caller, DataKeyPair, KeyOutput, PublicKeyView

RAW, DIGEST = "RAW", "DIGEST"


class AsymmetricOps(CryptoOps):
    """GetPublicKey, Sign, Verify, DeriveSharedSecret, GenerateDataKeyPair*."""

    def get_public_key(self, key_ref: str, *, caller: Caller) -> PublicKeyView:
        """The public key (DER SubjectPublicKeyInfo) of an asymmetric key, and what it may do.

        A disabled key still answers (S: LocalStack's provider notes that AWS does, although the
        key-state table says otherwise); a key pending deletion does not (P, key-state [3])."""
        with self._call("GetPublicKey", caller) as call:
            key = self._authorized_key(
                key_ref, caller, call, "GetPublicKey", aliases=True, cross_account=True
            )
            self._require_not_pending(key)
            self._require_material(key)
            if key.symmetric or key.spec.startswith("HMAC_"):
                # T (an emulator's code, stackshy/cloudemu#676); U the text (the usage pattern).
                raise UnsupportedOperationException(
                    f"{key.arn} key usage is {key.usage} which is not valid for GetPublicKey."
                )
            asymmetric.require_modelled(key)
            pair = self._pair(key)
            return PublicKeyView(
                key.arn, pair.public_der(), key.spec, key.usage, KEY_SPECS[key.spec][key.usage]
            )

    def sign(
        self,
        key_ref: str,
        message: bytes,
        *,
        caller: Caller,
        algorithm: str,
        message_type: str | None = None,
        dry_run: bool = False,
    ) -> KeyOutput:
        """``algorithm``'s signature of ``message`` (RAW, the default, or its DIGEST)."""
        kind = message_type or RAW
        with self._call("Sign", caller) as call:
            keys = {"kms:SigningAlgorithm": algorithm, "kms:MessageType": kind}
            key = self._authorized_key(
                key_ref, caller, call, "Sign", aliases=True, cross_account=True, keys=keys
            )
            self._check_signing(
                key, "Sign", caller, algorithm=algorithm, kind=kind, message=message
            )
            if dry_run:
                raise DryRunOperationException
            return KeyOutput(
                key.arn,
                self._pair(key).sign(algorithm, message, digest=kind == DIGEST),
                algorithm,
            )

    def verify(
        self,
        key_ref: str,
        message: bytes,
        signature: bytes,
        *,
        caller: Caller,
        algorithm: str,
        message_type: str | None = None,
        dry_run: bool = False,
    ) -> KeyOutput:
        """Check ``signature``; KMSInvalidSignatureException (empty message, A) when it does not
        verify: AWS never answers ``SignatureValid: false``."""
        kind = message_type or RAW
        with self._call("Verify", caller) as call:
            keys = {"kms:SigningAlgorithm": algorithm, "kms:MessageType": kind}
            key = self._authorized_key(
                key_ref, caller, call, "Verify", aliases=True, cross_account=True, keys=keys
            )
            self._check_signing(
                key, "Verify", caller, algorithm=algorithm, kind=kind, message=message
            )
            if dry_run:
                raise DryRunOperationException
            if not self._pair(key).verify(algorithm, message, signature, digest=kind == DIGEST):
                raise KMSInvalidSignatureException
            return KeyOutput(key.arn, b"", algorithm)

    def derive_shared_secret(
        self,
        key_ref: str,
        public_key: bytes,
        *,
        caller: Caller,
        algorithm: str = "ECDH",
        dry_run: bool = False,
    ) -> KeyOutput:
        """The raw ECDH shared secret of the key's private key and ``public_key`` (DER SPKI of the
        same curve; anything else is ValidationException with an empty message, A
        ``test_derive_shared_secret``)."""
        with self._call("DeriveSharedSecret", caller) as call:
            keys = {"kms:KeyAgreementAlgorithm": algorithm}
            key = self._authorized_key(
                key_ref, caller, call, "DeriveSharedSecret", aliases=True, cross_account=True,
                keys=keys,
            )  # fmt: skip
            self._require_enabled(key)
            asymmetric.require_usage(key, KEY_AGREEMENT, "DeriveSharedSecret")
            asymmetric.require_modelled(key)
            self.quotas.take_family(quotas.ECC, caller.principal.account_id, caller.region)
            if dry_run:
                raise DryRunOperationException
            secret = self._pair(key).exchange(public_key)
            if secret is None:
                raise ValidationException("")
            return KeyOutput(key.arn, secret, algorithm)

    def generate_data_key_pair(
        self,
        key_ref: str,
        key_pair_spec: str,
        *,
        caller: Caller,
        context: Mapping[str, str] | None = None,
        with_plaintext: bool = True,
        dry_run: bool = False,
    ) -> DataKeyPair:
        """A fresh key pair outside KMS's keys: its private key (PKCS #8 DER) sealed under the
        symmetric key ``key_ref`` with ``context``, its public key (SPKI DER)."""
        operation = (
            "GenerateDataKeyPair" if with_plaintext else "GenerateDataKeyPairWithoutPlaintext"
        )
        with self._call(operation, caller, context) as call:
            key = self._encrypting_key(
                key_ref, caller, call, action=operation, operation=operation, algorithm=None,
                keys={"kms:DataKeyPairSpec": key_pair_spec},
            )  # fmt: skip
            if key_pair_spec not in PAIR_SPECS:
                raise NotImplementedKms.feature(f"data key pairs of {key_pair_spec}")
            account, region = caller.principal.account_id, caller.region
            self.quotas.take_family(quotas.data_key_pair_family(key_pair_spec), account, region)
            if dry_run:
                raise DryRunOperationException
            pair = KeyPair.generate(key_pair_spec, self.entropy.bytes)
            private = pair.private_der()
            material = key.current_material
            call.material_id = material.material_id
            return DataKeyPair(
                private if with_plaintext else None,
                self._seal(key, private, context, material),
                pair.public_der(),
                key.arn,
                key_pair_spec,
                material.material_id,
            )

    # -- helpers -------------------------------------------------------------------------------
    def _check_signing(
        self,
        key: KmsKey,
        operation: str,
        caller: Caller,
        *,
        algorithm: str,
        kind: str,
        message: bytes,
    ) -> None:
        """The checks Sign and Verify share, in AWS's order, then the key's quota."""
        self._require_enabled(key)
        asymmetric.require_usage(key, SIGN_VERIFY, operation)
        asymmetric.require_modelled(key)
        asymmetric.require_algorithm(key, algorithm)
        if kind == DIGEST:
            asymmetric.check_digest(algorithm, message)
        elif kind != RAW:  # EXTERNAL_MU: ML-DSA keys only (P); U the answer for other keys
            raise ValidationException(
                f"MessageType {kind} is not compatible with key spec {key.spec}."
            )
        family = quotas.key_family(key.spec)
        self.quotas.take_family(family, caller.principal.account_id, caller.region)

    def _pair(self, key: KmsKey) -> KeyPair:
        """The key's pair, made on first use (after every check: a refused or dry-run call makes
        none)."""
        return asymmetric.key_pair(key, self.entropy.bytes)

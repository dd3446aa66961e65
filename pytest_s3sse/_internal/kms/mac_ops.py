"""KMS's HMAC operations: GenerateMac and VerifyMac.

An HMAC key (KeySpec ``HMAC_224``/``256``/``384``/``512``, KeyUsage ``GENERATE_VERIFY_MAC``) computes one
algorithm, the one its spec names; another is InvalidKeyUsageException ``Algorithm HMAC_SHA_256 is
incompatible with key spec HMAC_224.`` (A, LS-AWS ``test_invalid_generate_mac``). A MAC that does not
verify is KMSInvalidMacException with an empty message (A, ``test_invalid_verify_mac``): AWS never
answers ``MacValid: false``. Messages are 1-4096 bytes (the model's bounds, checked at the edge). Both
operations count against the symmetric cryptographic quota (P, requests-per-second).
"""

from __future__ import annotations

from pytest_s3sse._internal.crypto.mac import MacKey
from pytest_s3sse._internal.errors.kms import DryRunOperationException, KMSInvalidMacException
from pytest_s3sse._internal.kms import asymmetric
from pytest_s3sse._internal.kms.asymmetric import GENERATE_VERIFY_MAC
from pytest_s3sse._internal.kms.base import CallRecord, ServiceBase
from pytest_s3sse._internal.kms.keys import KmsKey
from pytest_s3sse._internal.kms.types import Caller, KeyOutput


class MacOps(ServiceBase):
    """GenerateMac, VerifyMac."""

    def generate_mac(
        self,
        key_ref: str,
        message: bytes,
        *,
        caller: Caller,
        algorithm: str,
        dry_run: bool = False,
    ) -> KeyOutput:
        """The HMAC of ``message`` under the key (``signature`` holds the MAC)."""
        with self._call("GenerateMac", caller) as call:
            key, secret = self._mac_key(key_ref, caller, call, "GenerateMac", algorithm)
            if dry_run:
                raise DryRunOperationException
            return KeyOutput(key.arn, secret.mac(algorithm, message), algorithm)

    def verify_mac(
        self,
        key_ref: str,
        message: bytes,
        mac: bytes,
        *,
        caller: Caller,
        algorithm: str,
        dry_run: bool = False,
    ) -> KeyOutput:
        """Check ``mac``; KMSInvalidMacException when it is not the message's."""
        with self._call("VerifyMac", caller) as call:
            key, secret = self._mac_key(key_ref, caller, call, "VerifyMac", algorithm)
            if dry_run:
                raise DryRunOperationException
            if not secret.verify(algorithm, message, mac):
                raise KMSInvalidMacException
            return KeyOutput(key.arn, b"", algorithm)

    def _mac_key(
        self, key_ref: str, caller: Caller, call: CallRecord, operation: str, algorithm: str
    ) -> tuple[KmsKey, MacKey]:
        """The key, authorised (``kms:MacAlgorithm`` is a condition key: P) and checked in AWS's
        order (state, usage, algorithm), and its HMAC secret."""
        key = self._authorized_key(
            key_ref, caller, call, operation, aliases=True, cross_account=True,
            keys={"kms:MacAlgorithm": algorithm},
        )  # fmt: skip
        self._require_enabled(key)
        asymmetric.require_usage(key, GENERATE_VERIFY_MAC, operation)
        asymmetric.require_algorithm(key, algorithm)
        return key, asymmetric.mac_key(key, self.entropy.bytes)

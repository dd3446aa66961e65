"""KMS's rules for asymmetric and HMAC keys: which key does what, with which algorithm, on how much data.

The checks run in the order AWS reports them (the key's state, then its usage, then the algorithm, then
the message), each with AWS's error (sources in ``docs/kms.md``):

- a key used outside its usage: InvalidKeyUsageException ``<arn> key usage is <usage> which is not valid
  for <Operation>.`` (A, LS-AWS ``test_error_messaging_for_invalid_keys``);
- an algorithm the key spec does not offer: InvalidKeyUsageException ``Algorithm <alg> is incompatible
  with key spec <spec>.`` (A for MACs, ``test_invalid_generate_mac``; A for Encrypt with an RSA key and no
  algorithm, zalando/spring-cloud-config-aws-kms#82; the same pattern for signing, U);
- a DIGEST message of the wrong length: ValidationException ``Digest is invalid length for algorithm
  <alg>.`` (A, ``test_sign_verify``);
- RSAES-OAEP plaintext over ``k - 2 * hLen - 2`` bytes (RFC 8017 7.1.1): ValidationException ``Algorithm
  <alg> and key spec <spec> cannot encrypt data larger than <n> bytes.`` (A,
  ``test_encrypt_validate_plaintext_size_per_key_type``).

Key pairs are made on first use (:func:`key_pair`), from the engine's random source for EC keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pytest_s3sse._internal.crypto import asymmetric
from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.crypto.mac import MacKey
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.errors.kms import (
    InvalidCiphertextException,
    InvalidKeyUsageException,
    KMSInvalidStateException,
    NotImplementedKms,
    ValidationException,
)
from pytest_s3sse._internal.kms.keys import KEY_SPECS, KmsKey
from pytest_s3sse._internal.kms.types import SYMMETRIC_DEFAULT

RandomBytes = Callable[[int], bytes]

SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"
# HMAC key lengths in bytes: the key spec's bits (P, KMS DG "HMAC key specs").
_MAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}


def require_usage(key: KmsKey, usage: str, operation: str) -> None:
    """InvalidKeyUsageException unless ``key``'s usage is ``usage`` (A pattern)."""
    if key.usage != usage:
        raise InvalidKeyUsageException.usage(key.arn, key.usage, operation)


def require_algorithm(key: KmsKey, algorithm: str) -> None:
    """InvalidKeyUsageException unless ``key``'s spec and usage offer ``algorithm``."""
    if algorithm not in KEY_SPECS[key.spec][key.usage]:
        raise InvalidKeyUsageException.algorithm(algorithm, key.spec)


def require_modelled(key: KmsKey) -> None:
    """501 for the key specs whose cryptography the double does not model (SM2, Ed25519, ML-DSA:
    not in ``cryptography``'s portable API, or not in every version the plugin supports)."""
    if key.spec not in asymmetric.SPECS:
        raise NotImplementedKms.feature(f"cryptography with {key.spec} keys")


def check_digest(algorithm: str, message: bytes) -> None:
    """A DIGEST message must be exactly the algorithm's digest length (A)."""
    if len(message) != asymmetric.digest_size(algorithm):
        raise ValidationException.digest_length(algorithm)


def oaep_limit(key_spec: str, algorithm: str) -> int:
    """The most plaintext RSAES-OAEP takes with this key spec: ``k - 2 * hLen - 2`` (RFC 8017;
    190 bytes for RSA_2048 with SHA-256, as AWS answers)."""
    return asymmetric.RSA_BITS[key_spec] // 8 - 2 * asymmetric.digest_size(algorithm) - 2


def key_pair(key: KmsKey, random_bytes: RandomBytes) -> KeyPair:
    """``key``'s key pair, made now if it has none yet (the caller holds the service's lock)."""
    found = key.private_material
    if isinstance(found, KeyPair):
        return found
    _require_own_material(key)
    pair = KeyPair.generate(key.spec, random_bytes)
    key.private_material = pair
    return pair


def mac_key(key: KmsKey, random_bytes: RandomBytes) -> MacKey:
    """``key``'s HMAC secret, made now if it has none yet (the caller holds the service's lock)."""
    found = key.private_material
    if isinstance(found, MacKey):
        return found
    _require_own_material(key)
    secret = MacKey(random_bytes(_MAC_BYTES[key.spec]))
    key.private_material = secret
    return secret


def _require_own_material(key: KmsKey) -> None:
    """An imported key's secret is never made here: without it the key is pending import (the
    state checks run first; this guards the material itself)."""
    if key.origin == "EXTERNAL":
        raise KMSInvalidStateException.pending_import(key.arn)


def check_encryption(key: KmsKey, algorithm: str | None, context: Mapping[str, str] | None) -> str:
    """The RSAES-OAEP algorithm of an Encrypt or Decrypt with an asymmetric ENCRYPT_DECRYPT key:
    ``EncryptionAlgorithm`` is required (without it, the default SYMMETRIC_DEFAULT is incompatible
    with the key spec: A, zalando/spring-cloud-config-aws-kms#82, jkroepke/helm-secrets#395), and no
    encryption context is allowed (P; T text)."""
    chosen = algorithm or SYMMETRIC_DEFAULT
    require_modelled(key)
    require_algorithm(key, chosen)
    if context:
        raise ValidationException.asymmetric_context()
    return chosen


def encrypt(key: KmsKey, algorithm: str, plaintext: bytes, random_bytes: RandomBytes) -> bytes:
    """RSAES-OAEP ``plaintext`` with ``key``'s public key: the bare RSA ciphertext, as KMS returns
    it (so one made outside with the public key decrypts here too)."""
    limit = oaep_limit(key.spec, algorithm)
    if len(plaintext) > limit:
        raise ValidationException.plaintext_too_large(algorithm, key.spec, limit)
    return key_pair(key, random_bytes).encrypt(algorithm, plaintext)


def decrypt(key: KmsKey, algorithm: str, ciphertext: bytes, random_bytes: RandomBytes) -> bytes:
    """The plaintext of an RSAES-OAEP ciphertext; InvalidCiphertextException (empty, as for
    symmetric blobs: U) when it is not one of ``key``'s."""
    try:
        return key_pair(key, random_bytes).decrypt(algorithm, ciphertext)
    except DecryptionError as exc:
        raise InvalidCiphertextException from exc

"""Properties of the asymmetric and HMAC primitives under the KMS double (crypto/asymmetric.py,
crypto/mac.py), for any message: a signature verifies, outside too, and a changed bit does not; an
RSAES-OAEP plaintext up to the key's limit round-trips and any other ciphertext fails as a
DecryptionError, never as another exception; a MAC verifies and a changed bit does not.

Bounded for CI (``S3SSE_FUZZ=long`` for more examples), as the suite's other property tests.
"""

from __future__ import annotations

import os
import random

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.crypto.mac import MacKey
from pytest_s3sse._internal.errors import DecryptionError
from pytest_s3sse._internal.kms.asymmetric import oaep_limit

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "database": None}
PROFILES = {
    "ci": settings(max_examples=60, derandomize=True, **_COMMON),
    "long": settings(max_examples=5_000, **_COMMON),
}
PROFILE = PROFILES[os.environ.get("S3SSE_FUZZ", "ci")]
_RANDOM = random.Random(17).randbytes
PAIRS = {
    spec: KeyPair.generate(spec, _RANDOM) for spec in ("ECC_NIST_P256", "ECC_NIST_P521", "RSA_2048")
}
ALGORITHMS = [
    ("ECC_NIST_P256", "ECDSA_SHA_256"),
    ("ECC_NIST_P521", "ECDSA_SHA_512"),
    ("RSA_2048", "RSASSA_PSS_SHA_384"),
    ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256"),
]
MESSAGES = st.binary(min_size=1, max_size=4096)


def _outside(spec: str, algorithm: str, signature: bytes, message: bytes) -> None:
    public = load_der_public_key(PAIRS[spec].public_der())
    chosen = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}[algorithm[-3:]]()
    if isinstance(public, rsa.RSAPublicKey):
        pad = (
            padding.PSS(mgf=padding.MGF1(chosen), salt_length=padding.PSS.DIGEST_LENGTH)
            if "PSS" in algorithm
            else padding.PKCS1v15()
        )
        public.verify(signature, message, pad, chosen)
    else:
        assert isinstance(public, ec.EllipticCurvePublicKey)
        public.verify(signature, message, ec.ECDSA(chosen))


@pytest.mark.parametrize(("spec", "algorithm"), ALGORITHMS)
@PROFILE
@given(message=MESSAGES, bit=st.integers(min_value=0))
def test_a_signature_verifies_and_a_changed_bit_does_not(spec, algorithm, message, bit):
    pair = PAIRS[spec]
    signature = pair.sign(algorithm, message, digest=False)
    assert pair.verify(algorithm, message, signature, digest=False)
    _outside(spec, algorithm, signature, message)
    flipped = bytearray(signature)
    flipped[(bit // 8) % len(flipped)] ^= 1 << (bit % 8)
    assert not pair.verify(algorithm, message, bytes(flipped), digest=False)


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
@PROFILE
@given(data=st.data())
def test_oaep_round_trips_up_to_the_limit_and_anything_else_is_a_decryption_error(algorithm, data):
    pair = PAIRS["RSA_2048"]
    plaintext = data.draw(st.binary(max_size=oaep_limit("RSA_2048", algorithm)))
    assert pair.decrypt(algorithm, pair.encrypt(algorithm, plaintext)) == plaintext
    junk = data.draw(st.binary(max_size=300))
    with pytest.raises(DecryptionError):
        pair.decrypt(algorithm, junk)


@PROFILE
@given(secret=st.binary(min_size=28, max_size=64), message=MESSAGES, bit=st.integers(min_value=0))
def test_a_mac_verifies_and_a_changed_bit_does_not(secret, message, bit):
    key = MacKey(secret)
    mac = key.mac("HMAC_SHA_384", message)
    assert key.verify("HMAC_SHA_384", message, mac)
    flipped = bytearray(mac)
    flipped[(bit // 8) % len(flipped)] ^= 1 << (bit % 8)
    assert not key.verify("HMAC_SHA_384", message, bytes(flipped))

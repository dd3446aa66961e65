"""Publish a release: every artifact goes to S3 under SSE-KMS, and a manifest listing their SHA-256
digests is signed by KMS (an ``ECC_NIST_P256`` signing key, ``ECDSA_SHA_256`` over the manifest's
digest, so the manifest itself never leaves the publisher). Anyone with the key's public half verifies
a release offline, without KMS credentials: the signature with ``cryptography``, each artifact against
its digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.serialization import load_der_public_key

ALGORITHM = "ECDSA_SHA_256"


class TamperedRelease(Exception):
    """A release whose manifest signature or artifact digests do not hold."""


@dataclass
class ReleasePublisher:
    """Publish releases to ``bucket``: artifacts under ``data_key`` (SSE-KMS), manifests signed with
    ``signing_key`` (an asymmetric SIGN_VERIFY key)."""

    s3: Any
    kms: Any
    bucket: str
    data_key: str
    signing_key: str

    def publish(self, version: str, artifacts: dict[str, bytes]) -> str:
        """Upload the artifacts and the signed manifest; returns the manifest's key."""
        digests = {}
        for name, body in sorted(artifacts.items()):
            self.s3.put_object(
                Bucket=self.bucket,
                Key=f"releases/{version}/{name}",
                Body=body,
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=self.data_key,
            )
            digests[name] = hashlib.sha256(body).hexdigest()
        manifest = json.dumps({"version": version, "artifacts": digests}, sort_keys=True).encode()
        signature = self.kms.sign(
            KeyId=self.signing_key,
            Message=hashlib.sha256(manifest).digest(),
            MessageType="DIGEST",
            SigningAlgorithm=ALGORITHM,
        )["Signature"]
        key = f"releases/{version}/manifest.json"
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=manifest,
            Metadata={"signature": signature.hex()},
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId=self.data_key,
        )
        return key

    def public_key(self) -> bytes:
        """The signing key's public half (DER), to hand to whoever verifies releases."""
        der: bytes = self.kms.get_public_key(KeyId=self.signing_key)["PublicKey"]
        return der


def verify_release(s3: Any, bucket: str, version: str, public_key: bytes) -> dict[str, bytes]:
    """The release's artifacts, once the manifest's signature and every digest hold (offline: no KMS
    call); TamperedRelease otherwise."""
    stored = s3.get_object(Bucket=bucket, Key=f"releases/{version}/manifest.json")
    manifest = stored["Body"].read()
    signature = bytes.fromhex(stored["Metadata"]["signature"])
    verifier = load_der_public_key(public_key)
    assert isinstance(verifier, ec.EllipticCurvePublicKey)
    try:
        verifier.verify(
            signature, hashlib.sha256(manifest).digest(), ec.ECDSA(utils.Prehashed(hashes.SHA256()))
        )
    except InvalidSignature as exc:
        msg = f"the manifest of {version} is not signed by the release key"
        raise TamperedRelease(msg) from exc
    artifacts = {}
    for name, digest in json.loads(manifest)["artifacts"].items():
        body = s3.get_object(Bucket=bucket, Key=f"releases/{version}/{name}")["Body"].read()
        if hashlib.sha256(body).hexdigest() != digest:
            msg = f"{name} of {version} does not match its manifest"
            raise TamperedRelease(msg)
        artifacts[name] = body
    return artifacts

"""Content-MD5 and the additional checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256).

SHA1 and SHA256 come from the standard library, the CRCs from ``anycrc`` (a maintained C library that
also combines two CRCs, which FULL_OBJECT multipart checksums need).
Error texts: see ``docs/errors.md`` (BadDigest, InvalidDigest, InvalidRequest rows).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Protocol

import anycrc

from pytest_s3sse._internal.errors.s3 import BadDigest, InvalidDigest, InvalidRequest
from pytest_s3sse._internal.types import ChecksumAlgorithm


class Hasher(Protocol):
    """An incremental checksum."""

    def update(self, data: bytes | memoryview, /) -> None: ...  # pragma: no cover - protocol

    def digest(self) -> bytes: ...  # pragma: no cover - protocol


# The CRCs S3 uses, by anycrc's model names (its parameters are the RevEng catalogue's, the ones S3
# and the SDKs use: CRC32 ISO-HDLC, CRC32C iSCSI, CRC64NVME).
_MODELS = {
    ChecksumAlgorithm.CRC32: "CRC32",
    ChecksumAlgorithm.CRC32C: "CRC32C",
    ChecksumAlgorithm.CRC64NVME: "CRC64-NVME",
}
_WIDTHS = {
    ChecksumAlgorithm.CRC32: 32,
    ChecksumAlgorithm.CRC32C: 32,
    ChecksumAlgorithm.CRC64NVME: 64,
}
_crc_models: dict[ChecksumAlgorithm, anycrc.Model] = {}


def _model(algorithm: ChecksumAlgorithm) -> anycrc.Model:
    """anycrc's model of a CRC algorithm (built once: ~10 µs)."""
    model = _crc_models.get(algorithm)
    if model is None:
        model = _crc_models[algorithm] = anycrc.Model(_MODELS[algorithm])
    return model


class _Crc:
    """An incremental CRC over anycrc (C, slice-by-16: ~0.5 µs a KiB, ~4 GB/s; a table-driven loop
    in Python costs ~150 µs a KiB, which S3's default CRC64NVME on every write cannot afford)."""

    __slots__ = ("_calc", "_crc", "_size")

    def __init__(self, algorithm: ChecksumAlgorithm) -> None:
        model = _model(algorithm)
        self._calc = model.calc
        self._crc: int = model.calc(b"")
        self._size = _WIDTHS[algorithm] // 8

    def update(self, data: bytes | memoryview) -> None:
        self._crc = self._calc(data, self._crc)

    def digest(self) -> bytes:
        return self._crc.to_bytes(self._size, "big")


def combine(algorithm: ChecksumAlgorithm, first: bytes, second: bytes, second_length: int) -> bytes:
    """The CRC of ``a + b`` from the CRCs of ``a`` and ``b`` and the length of ``b``: how a
    FULL_OBJECT checksum of a multipart object comes from its parts' checksums without reading them
    again."""
    size = _WIDTHS[algorithm] // 8
    value = _model(algorithm).combine(
        int.from_bytes(first, "big"), int.from_bytes(second, "big"), second_length
    )
    return int(value).to_bytes(size, "big")


def new_hasher(algorithm: ChecksumAlgorithm) -> Hasher:
    """An incremental hasher for ``algorithm``."""
    if algorithm in _MODELS:
        return _Crc(algorithm)
    if algorithm is ChecksumAlgorithm.SHA1:
        return hashlib.sha1()  # noqa: S324 - S3's SHA1 checksum, not a security use
    return hashlib.sha256()


_DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}  # by value


def encode(digest: bytes) -> str:
    """The base64 form S3 uses on the wire."""
    return base64.b64encode(digest).decode()


def parse_claims(values: Mapping[ChecksumAlgorithm, str]) -> dict[ChecksumAlgorithm, bytes]:
    """Decode claimed checksums; a malformed value is S3's InvalidRequest.

    More than one additional checksum in one request is also InvalidRequest.
    """
    if len(values) > 1:
        raise InvalidRequest(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    decoded: dict[ChecksumAlgorithm, bytes] = {}
    for algorithm, value in values.items():
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != _DIGEST_SIZES[algorithm.value]:
            raise InvalidRequest(f"Value for {algorithm.header} header is invalid.")
        decoded[algorithm] = raw
    return decoded


def parse_content_md5(value: str | None) -> bytes | None:
    """Decode a Content-MD5 header; malformed -> InvalidDigest."""
    if value is None:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 16:
        raise InvalidDigest(extra={"Content-MD5": value})
    return raw


def check_md5(claimed: bytes | None, actual: bytes, raw_header: str | None) -> None:
    """Content-MD5 must match the body (BadDigest)."""
    if claimed is not None and claimed != actual:
        raise BadDigest(
            "The Content-MD5 you specified did not match what we received.",
            extra={"ExpectedDigest": raw_header or "", "CalculatedDigest": encode(actual)},
        )


def check_claim(algorithm: ChecksumAlgorithm, claimed: bytes, actual: bytes) -> None:
    """An ``x-amz-checksum-*`` value must match the body (BadDigest)."""
    if claimed != actual:
        raise BadDigest(
            f"The {algorithm.value} you specified did not match the calculated checksum."
        )


_BY_NAME = {a.value: a for a in ChecksumAlgorithm}


def parse_algorithm(value: str, argument: str = "x-amz-checksum-algorithm") -> ChecksumAlgorithm:
    """``x-amz-checksum-algorithm`` / ``x-amz-sdk-checksum-algorithm`` -> an algorithm."""
    algorithm = _BY_NAME.get(value.upper())
    if algorithm is None:
        # A, LocalStack snapshot test_multipart_parts_checksum_exceptions_composite.
        raise InvalidRequest(
            "Checksum algorithm provided is unsupported. Please try again with any of the valid "
            "types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
        )
    return algorithm

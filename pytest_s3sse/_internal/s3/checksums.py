"""Content-MD5 and the additional checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256).

CRC32, SHA1 and SHA256 come from the standard library. CRC32C and CRC64NVME use ``awscrt`` when it is
installed (botocore itself needs it to send them) and a table-driven fallback otherwise.
Error texts: see ``docs/errors.md`` (BadDigest, InvalidDigest, InvalidRequest rows).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable, Mapping
from typing import Protocol

from pytest_s3sse._internal.errors.s3 import BadDigest, InvalidDigest, InvalidRequest
from pytest_s3sse._internal.types import ChecksumAlgorithm


class Hasher(Protocol):
    """An incremental checksum."""

    def update(self, data: bytes | memoryview, /) -> None: ...  # pragma: no cover - protocol

    def digest(self) -> bytes: ...  # pragma: no cover - protocol


def _table(poly: int, width: int) -> list[int]:
    mask = (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc & mask)
    return table


_CRC32C_TABLE: list[int] = []
_CRC64_TABLE: list[int] = []


def _crc_py(table_name: str, poly: int, width: int) -> Callable[[bytes | memoryview, int], int]:
    def update(data: bytes | memoryview, crc: int) -> int:
        table = globals()[table_name]
        if not table:
            table.extend(_table(poly, width))
        mask = (1 << width) - 1
        crc ^= mask
        for byte in bytes(data):
            crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        return crc ^ mask

    return update


def _crc_functions() -> tuple[Callable[[bytes | memoryview, int], int], ...]:
    try:  # pragma: no cover - depends on the optional awscrt
        from awscrt import checksums  # noqa: PLC0415

        return (
            lambda d, c: checksums.crc32c(bytes(d), c),
            lambda d, c: checksums.crc64nvme(bytes(d), c),
        )
    except ImportError:
        return (
            _crc_py("_CRC32C_TABLE", 0x82F63B78, 32),
            _crc_py("_CRC64_TABLE", 0x9A6C9329AC4BC9B5, 64),
        )


_CRC32C, _CRC64NVME = _crc_functions()


class _Crc:
    __slots__ = ("_crc", "_fn", "_width")

    def __init__(self, fn: Callable[[bytes | memoryview, int], int], width: int) -> None:
        self._fn = fn
        self._crc = 0
        self._width = width

    def update(self, data: bytes | memoryview) -> None:
        self._crc = self._fn(data, self._crc)

    def digest(self) -> bytes:
        return self._crc.to_bytes(self._width // 8, "big")


def new_hasher(algorithm: ChecksumAlgorithm) -> Hasher:
    """An incremental hasher for ``algorithm``."""
    if algorithm is ChecksumAlgorithm.CRC32:
        return _Crc(zlib.crc32, 32)
    if algorithm is ChecksumAlgorithm.CRC32C:
        return _Crc(_CRC32C, 32)
    if algorithm is ChecksumAlgorithm.CRC64NVME:
        return _Crc(_CRC64NVME, 64)
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

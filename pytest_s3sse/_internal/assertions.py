"""Readable assertion helpers. Failures raise :class:`S3SSEAssertionError` (an AssertionError), so
pytest reports a failed test (F), not an error (E), with the object's actual encryption state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pytest_s3sse._internal.types import SseMode


class S3SSEAssertionError(AssertionError):
    """An encryption expectation did not hold."""


@dataclass(frozen=True, slots=True, repr=False)
class StoredView:
    """An object as it is at rest: its encryption and its ciphertext (never its plaintext)."""

    bucket: str
    key: str
    mode: str
    kms_key_arn: str | None
    bucket_key_enabled: bool
    encryption_context: Mapping[str, str]
    size: int
    etag: str
    version_id: str
    root_key_version: int | None
    _segments: tuple[bytes, ...]

    @property
    def ciphertext(self) -> bytes:
        """The bytes at rest: every sealed segment (nonce, ciphertext, tag), in order."""
        return b"".join(self._segments)

    @property
    def stored_size(self) -> int:
        """Bytes at rest."""
        return sum(len(s) for s in self._segments)

    def describe(self) -> str:
        """A one-line summary of the encryption state."""
        parts = [f"mode={self.mode}"]
        if self.kms_key_arn:
            parts.append(f"kms_key={self.kms_key_arn}")
        if self.bucket_key_enabled:
            parts.append("bucket_key=enabled")
        if self.encryption_context:
            parts.append(f"context={dict(self.encryption_context)}")
        return f"s3://{self.bucket}/{self.key} " + " ".join(parts)

    def __repr__(self) -> str:
        return f"<StoredView {self.describe()} size={self.size} stored={self.stored_size}B>"


def check_encrypted(
    view: StoredView,
    mode: SseMode | str | None,
    kms_key: str | None = None,
    *,
    kms_key_arn: str | None = None,
    found_key: str | None = None,
) -> None:
    """Raise S3SSEAssertionError unless ``view`` is encrypted as expected.

    ``kms_key`` is the key as the test named it, ``kms_key_arn`` the ARN it resolves to, and
    ``found_key`` the key at rest in words (None when it is that key).
    """
    __tracebackhide__ = True
    problems = []
    if mode is not None:
        wanted = SseMode.parse(mode.value if isinstance(mode, SseMode) else mode)
        if view.mode != wanted.value:
            problems.append(f"expected mode {wanted.value}, found {view.mode}")
    if kms_key is not None and found_key is not None:
        named = "" if kms_key_arn in (None, kms_key) else f" ({kms_key_arn})"
        problems.append(f"expected KMS key {kms_key}{named}, found {found_key}")
    if problems:
        raise S3SSEAssertionError(
            f"s3://{view.bucket}/{view.key} is not encrypted as expected: "
            + "; ".join(problems)
            + f"\n  actual: {view.describe()}"
        )

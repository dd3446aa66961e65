"""Readable assertion helpers. Failures raise :class:`S3SSEAssertionError` (an AssertionError), so
pytest reports a failed test (F), not an error (E), with the object's actual encryption state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pytest_s3sse._internal.kms.types import KmsCall
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
        version = "" if self.version_id == "null" else f"?versionId={self.version_id}"
        return f"s3://{self.bucket}/{self.key}{version} " + " ".join(parts)

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


def _call_line(number: int, call: KmsCall) -> str:
    outcome = "ok" if call.error is None else call.error
    via = "via S3" if call.via == "s3" else "direct"
    request = f"  request {call.request_id}" if call.request_id else ""
    return (
        f"  {number:>3}  {call.operation:<32} {via:<7} {call.key_arn or '-'}  by {call.caller}  "
        f"{outcome}{request}"
    )


def _counts_text(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{op}={n}" for op, n in sorted(counts.items())) or "no calls"


def check_kms_calls(
    calls: Sequence[KmsCall],
    expected: Mapping[str, int],
    *,
    at_most: bool,
    key_label: str | None,
) -> None:
    """Raise S3SSEAssertionError unless ``calls`` (already filtered to one key when ``key_label``)
    are ``expected``: exactly (those operations, those counts, no other operation), or with
    ``at_most`` no more than each count (other operations not limited). The message shows the
    actual counts and every call."""
    __tracebackhide__ = True
    actual = Counter(call.operation for call in calls)
    if at_most:
        problems = [
            f"{op}: expected at most {n}, made {actual[op]}"
            for op, n in sorted(expected.items())
            if actual[op] > n
        ]
    else:
        problems = [
            f"{op}: expected {n}, made {actual[op]}"
            for op, n in sorted(expected.items())
            if actual[op] != n
        ]
        problems += [
            f"{op}: expected none, made {n}"
            for op, n in sorted(actual.items())
            if op not in expected and n
        ]
    if not problems:
        return
    scope = f" with {key_label}" if key_label else ""
    lines = [
        f"KMS calls{scope} are not as expected: " + "; ".join(problems),
        f"  expected{' at most' if at_most else ''}: {_counts_text(expected)}",
        f"  actual: {_counts_text(actual)}",
    ]
    if calls:
        lines.append("  calls (oldest first):")
        lines.extend(_call_line(number, call) for number, call in enumerate(calls, 1))
    raise S3SSEAssertionError("\n".join(lines))


def check_key_used_by(
    calls: Sequence[KmsCall], key_arn: str, callers: Sequence[str], who: str
) -> None:
    """Raise S3SSEAssertionError unless some successful call used ``key_arn`` as one of
    ``callers`` (the principal's ARNs: a role's session ARN, a user's or root's ARN)."""
    __tracebackhide__ = True
    used = [call for call in calls if call.involves(key_arn)]
    if any(call.error is None and call.caller in callers for call in used):
        return
    users = sorted({call.caller for call in used if call.error is None})
    lines = [f"{key_arn} was never used by {who}"]
    lines.append(
        "  used successfully by: " + (", ".join(users) if users else "nobody")
        if used
        else "  the key was not used at all"
    )
    denied = [call for call in used if call.error is not None and call.caller in callers]
    if denied:
        lines.append(f"  {who}'s calls with it failed:")
        lines.extend(_call_line(number, call) for number, call in enumerate(denied, 1))
    raise S3SSEAssertionError("\n".join(lines))


def check_all_encrypted(
    views: Sequence[StoredView], mode: SseMode | str, kms_key_arn: str | None, key_label: str | None
) -> None:
    """Raise S3SSEAssertionError listing every object in ``views`` not encrypted in ``mode`` (under
    ``kms_key_arn`` when given)."""
    __tracebackhide__ = True
    wanted = SseMode.parse(mode.value if isinstance(mode, SseMode) else mode)
    wrong = [
        view
        for view in views
        if view.mode != wanted.value
        or (kms_key_arn is not None and view.kms_key_arn != kms_key_arn)
    ]
    if not wrong:
        return
    under = f" under {key_label}" if key_label else ""
    lines = [f"{len(wrong)} of {len(views)} objects are not {wanted.value}{under}:"]
    lines.extend(f"  {view.describe()}" for view in wrong[:50])
    if len(wrong) > 50:
        lines.append(f"  ... and {len(wrong) - 50} more")
    raise S3SSEAssertionError("\n".join(lines))

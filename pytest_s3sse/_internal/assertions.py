"""Readable assertion helpers. Failures raise :class:`S3SSEAssertionError` (an AssertionError), so
pytest reports a failed test (F), not an error (E), with the object's actual encryption state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

from pytest_s3sse._internal.audit import RequestRecord
from pytest_s3sse._internal.crypto.aead import OVERHEAD, Aead
from pytest_s3sse._internal.crypto.segments import SEGMENT_SIZE, open_range
from pytest_s3sse._internal.kms.operations import OPERATIONS as KMS_OPERATIONS
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.s3.records import StoredObject
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
    # x-amz-replication-status (PENDING, COMPLETED, FAILED, REPLICA) or None; the object's tags.
    replication_status: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

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


# -- plaintext at rest ---------------------------------------------------------------------------
# A segment's plaintext shorter than this is not searched for in its ciphertext: a few bytes turn up
# in random bytes by chance (one byte in a 29-byte segment: 11%), which would fail correct code. Such
# a segment is still proven encrypted: it opened under its own data key, tag checked.
MIN_PLAINTEXT = 8
ATTRIBUTES = (
    ("content_type", "Content-Type"),
    ("content_encoding", "Content-Encoding"),
    ("content_disposition", "Content-Disposition"),
    ("content_language", "Content-Language"),
    ("cache_control", "Cache-Control"),
    ("expires", "Expires"),
    ("website_redirect", "x-amz-website-redirect-location"),
)


def needle_bytes(needles: Sequence[bytes | str]) -> list[bytes]:
    """The needles as bytes (text as UTF-8); ValueError for an empty one, which is everywhere."""
    found = []
    for needle in needles:
        raw = needle.encode() if isinstance(needle, str) else bytes(needle)
        if not raw:
            msg = "an empty needle is found everywhere: pass the secret bytes or text to look for"
            raise ValueError(msg)
        found.append(raw)
    return found


def object_name(obj: StoredObject) -> str:
    """``s3://bucket/key`` (with its version when it has one) and its mode, for a finding."""
    version = "" if obj.version_id == "null" else f" version {obj.version_id}"
    return f"s3://{obj.bucket}/{obj.key}{version} ({obj.encryption.mode.value})"


def clear_fields(obj: StoredObject) -> list[tuple[str, str]]:
    """What S3 keeps beside an object's ciphertext in clear, as (where, value): the key, the user
    metadata (names and values), the standard headers and the encryption context (SSE encrypts the
    body only: P, S3 user guide "Protecting data with server-side encryption", "object metadata is
    not encrypted"; KMS: "do not include confidential information in the encryption context")."""
    fields = [("object key", obj.key)]
    for name, value in obj.attributes.metadata.items():
        fields += [("user metadata name", name), (f"user metadata x-amz-meta-{name}", value)]
    for attribute, header in ATTRIBUTES:
        value = getattr(obj.attributes, attribute)
        if value:
            fields.append((header, value))
    for name, value in obj.encryption.encryption_context.items():
        fields += [("encryption context key", name), (f"encryption context {name!r}", value)]
    return fields


def scan_clear(obj: StoredObject, needles: Sequence[bytes]) -> list[str]:
    """Where each needle occurs in what is stored in clear beside ``obj``'s ciphertext."""
    findings = []
    for where, value in clear_fields(obj):
        raw = value.encode()
        for needle in needles:
            offset = raw.find(needle)
            if offset >= 0:
                findings.append(f"{where}: {needle!r} at offset {offset} of {value!r}")
    return findings


def scan_ciphertext(obj: StoredObject, aead: Aead | None, needles: Sequence[bytes]) -> list[str]:
    """Where ``obj``'s bytes at rest hold its own plaintext (each segment's, searched for in that
    segment's stored bytes, when ``aead`` opens it) or a needle; offsets count from the first
    stored byte, as ``s3sse.tamper`` and ``StoredView.ciphertext`` count. DecryptionError when a
    segment does not open."""
    findings = []
    base = 0
    overhead = 2 * OVERHEAD if obj.encryption.mode is SseMode.DSSE_KMS else OVERHEAD
    for part in obj.parts:
        for index, sealed in enumerate(part.segments):
            for needle in needles:
                offset = sealed.find(needle)
                if offset >= 0:
                    findings.append(
                        f"ciphertext, part {part.part_number} segment {index}: {needle!r} at "
                        f"stored offset {base + offset}"
                    )
            start = index * SEGMENT_SIZE
            stop = min(start + SEGMENT_SIZE, part.size)
            if aead is None:  # by construction: each segment must be a sealed one of its size
                expected = max(stop - start, 0) + overhead
                if len(sealed) != expected:
                    findings.append(
                        f"ciphertext, part {part.part_number} segment {index}: {len(sealed)} bytes "
                        f"at rest where a sealed segment has {expected}"
                    )
            else:
                plain = b"".join(open_range(aead, part, start, stop))
                offset = sealed.find(plain) if len(plain) >= MIN_PLAINTEXT else -1
                if offset >= 0:
                    findings.append(
                        f"ciphertext, part {part.part_number} segment {index}: the object's own "
                        f"plaintext ({len(plain)} bytes: {plain[:16]!r}...) at stored offset "
                        f"{base + offset}"
                    )
            base += len(sealed)
    return findings


def check_no_plaintext(findings: Mapping[str, Sequence[str]], checked: int, opaque: int) -> None:
    """Raise S3SSEAssertionError listing ``findings`` (object -> where), if any. ``checked`` objects
    were looked at, ``opaque`` of them without decrypting (SSE-C, a deleted KMS key)."""
    __tracebackhide__ = True
    if not findings:
        return
    found = sum(len(where) for where in findings.values())
    lines = [
        f"plaintext at rest: {found} finding(s) in {len(findings)} of {checked} objects "
        f"({opaque} checked without decrypting: SSE-C or a deleted KMS key)"
    ]
    for name, places in list(findings.items())[:50]:
        lines.append(f"  {name}")
        lines.extend(f"    {place}" for place in places[:20])
        if len(places) > 20:
            lines.append(f"    ... and {len(places) - 20} more")
    if len(findings) > 50:
        lines.append(f"  ... and {len(findings) - 50} more objects")
    raise S3SSEAssertionError("\n".join(lines))


# -- expected requests ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RequestExpectation:
    """``s3sse.expect_requests(...)``: requests of ``operations`` (S3 or KMS API names), in
    ``bucket`` and to ``key`` when given; made at least once, or exactly ``times``."""

    operations: frozenset[str]
    bucket: str | None = None
    key: str | None = None
    times: int | None = None

    def matches(self, record: RequestRecord) -> bool:
        """True when ``record`` is a request this expectation names."""
        return (
            record.operation in self.operations
            and (self.bucket is None or record.bucket == self.bucket)
            and (self.key is None or record.key == self.key)
        )

    def describe(self) -> str:
        """The expectation as the test wrote it."""
        names = ", ".join(sorted(self.operations))
        where = ""
        if self.bucket is not None or self.key is not None:
            where = f" on s3://{self.bucket or '*'}/{self.key if self.key is not None else '*'}"
        return names + where

    def problem(self, records: Sequence[RequestRecord]) -> str | None:
        """Why ``records`` do not meet this expectation, or None when they do."""
        made = sum(1 for record in records if self.matches(record))
        if self.times is None and made == 0:
            return f"expected {self.describe()} at least once, made none"
        if self.times is not None and made != self.times:
            return f"expected {self.describe()} {self.times} time(s), made {made}"
        return None


def request_line(record: RequestRecord) -> str:
    """One request as a failure lists it: service, operation, bucket/key, outcome, id."""
    target = ""
    if record.bucket is not None:
        target = f" s3://{record.bucket}/{record.key or ''}"
    outcome = record.error_code or str(record.status)
    operation = record.operation or "(not routed)"
    return (
        f"  {record.service.upper():<3} {operation}{target}  {outcome}  request {record.request_id}"
    )


def check_requests(problems: Sequence[str], unexpected: Sequence[RequestRecord]) -> None:
    """Raise S3SSEAssertionError listing unmet expectations and requests nothing expected."""
    __tracebackhide__ = True
    if not problems and not unexpected:
        return
    lines = list(problems)
    if unexpected:
        lines.append(
            f"{len(unexpected)} S3/KMS request(s) were not expected (assert_all_requests_expected):"
        )
        lines.extend(request_line(record) for record in unexpected[:50])
        if len(unexpected) > 50:
            lines.append(f"  ... and {len(unexpected) - 50} more")
        lines.append(
            "  expect them with s3sse.expect_requests(operation, bucket=, key=) or "
            "s3sse.expect_kms_calls(...)"
        )
    raise S3SSEAssertionError("\n".join(lines))


# -- pytest_assertrepr_compare (plugin.py) -------------------------------------------------------
_MODE_NAMES = {mode.value: mode for mode in SseMode}
_HEADER_VALUES = {mode.header_value: mode for mode in SseMode if mode.header_value is not None}


def _mode_of(value: object) -> SseMode | None:
    if isinstance(value, SseMode):
        return value
    if isinstance(value, str):
        return _MODE_NAMES.get(value) or _HEADER_VALUES.get(value)
    return None


def _is_kms_counts(value: object) -> TypeGuard[Mapping[str, int]]:
    return (
        isinstance(value, Mapping)
        and all(isinstance(k, str) and k in KMS_OPERATIONS for k in value)
        and all(isinstance(n, int) for n in value.values())
    )


def _is_calls(value: object) -> TypeGuard[tuple[KmsCall, ...] | list[KmsCall]]:
    return isinstance(value, (tuple, list)) and all(isinstance(c, KmsCall) for c in value)


def explain_comparison(op: str, left: object, right: object) -> list[str] | None:
    """What pytest shows for a failed ``left == right`` that involves this package's values (None:
    pytest's own explanation): a StoredView compared with a mode, a mode name with a header value,
    KMS operation counts, the KMS call log."""
    if op != "==":
        return None
    for view, other in ((left, right), (right, left)):
        mode = _mode_of(other)
        if isinstance(view, StoredView) and mode is not None:
            return [
                f"StoredView == {other!r}: a StoredView is the object at rest, never equal to a mode",
                f"compare its mode (view.mode == {mode.value!r}) or use "
                f"s3sse.assert_encrypted(bucket, key, mode={mode.value!r})",
                f"actual: {view.describe()}",
            ]
    if isinstance(left, str) and isinstance(right, str):
        return _explain_spellings(left, right)
    if _is_calls(left) or _is_calls(right):
        return _explain_calls(left, right)
    if _is_kms_counts(left) and _is_kms_counts(right) and (left or right):
        return _explain_counts(left, right)
    return None


def _explain_spellings(left: str, right: str) -> list[str] | None:
    """A mode name (``"SSE-KMS"``, what ``StoredView.mode`` and ``SseMode`` hold) against a header
    value (``"aws:kms"``, what S3's responses carry), or the other way round."""
    names = [v for v in (left, right) if v in _MODE_NAMES]
    headers = [v for v in (left, right) if v in _HEADER_VALUES]
    if len(names) != 1 or len(headers) != 1:
        return None
    name, header = names[0], headers[0]
    header_mode = _HEADER_VALUES[header]
    lines = [
        f"{left!r} == {right!r}",
        f"{name!r} is a mode name (StoredView.mode, SseMode); {header!r} is the "
        f"x-amz-server-side-encryption header value of {header_mode.value}",
    ]
    if header_mode.value == name:
        lines.append(
            f"the same mode, spelt two ways: compare SseMode.parse(value) is SseMode.{header_mode.name}"
        )
    else:
        lines.append(f"and the modes differ too: {name} is not {header_mode.value}")
    return lines


def _explain_counts(left: Mapping[str, int], right: Mapping[str, int]) -> list[str]:
    lines = [f"KMS call counts differ: {_counts_text(left)} != {_counts_text(right)}"]
    for operation in sorted(set(left) | set(right)):
        a, b = left.get(operation, 0), right.get(operation, 0)
        if a != b:
            lines.append(f"  {operation}: {a} (left) != {b} (right)")
    return lines


def _explain_calls(left: object, right: object) -> list[str]:
    def summary(value: object) -> str:
        if _is_calls(value):
            return f"{len(value)} KMS call(s): {_counts_text(Counter(c.operation for c in value))}"
        return repr(value)

    lines = [f"{summary(left)} == {summary(right)}"]
    for side, value in (("left", left), ("right", right)):
        if _is_calls(value) and value:
            lines.append(f"{side}, oldest first:")
            lines.extend(_call_line(n, call) for n, call in enumerate(value[:50], 1))
    return lines

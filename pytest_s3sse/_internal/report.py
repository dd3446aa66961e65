"""The S3/KMS requests of a test, as a network log: what a failing test's report shows.

Read from the engine's event stream (:mod:`pytest_s3sse._internal.audit`): one line per S3 or KMS request with its
operation, bucket/key, status and error code, and under each S3 request the KMS calls S3 made for it
(joined by the S3 request id). The newest requests are kept when there are many.

It also keeps the watch lists: the plugin watches each test, so a failing test's report can show the
requests (and the seed) of every engine the test started. This module is imported when pytest starts,
so what it needs of the engine is imported only when a report is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pytest_s3sse._internal.audit import RequestRecord
    from pytest_s3sse._internal.kms.types import KmsCall

SECTION = "s3sse requests"
MAX_LINES = 60


class _Decisions(Protocol):
    def decisions(self, request_id: str) -> Sequence[_Explained]: ...  # pragma: no cover


class _Explained(Protocol):
    def describe(self) -> str: ...  # pragma: no cover

    @property
    def decision(self) -> _Allowed: ...  # pragma: no cover


class _Allowed(Protocol):
    @property
    def allowed(self) -> bool: ...  # pragma: no cover


class _Recorder(Protocol):
    @property
    def events(self) -> Iterable[object]: ...  # pragma: no cover

    @property
    def authorizer(self) -> _Decisions: ...  # pragma: no cover


class Watched(Protocol):
    """What the report needs of a started handle (``testapi.S3SSE``): its seed and its events."""

    @property
    def seed(self) -> int: ...  # pragma: no cover

    @property
    def engine(self) -> _Recorder: ...  # pragma: no cover


# Lists that collect every handle started while they are watched. Nothing is kept while nobody
# watches (code that starts engines outside pytest).
_WATCHERS: list[list[Watched]] = []


def watch_starts() -> list[Watched]:
    """Collect the handles started from now on, until :func:`unwatch`."""
    started: list[Watched] = []
    _WATCHERS.append(started)
    return started


def unwatch(started: list[Watched]) -> None:
    """Stop collecting into ``started``."""
    for index, watcher in enumerate(_WATCHERS):
        if watcher is started:
            del _WATCHERS[index]
            return


def note_started(handle: Watched) -> None:
    """Called by a handle as it starts: every open watch list gets it."""
    for watcher in _WATCHERS:
        watcher.append(handle)


def seed_line(seed: int, base_seed: int | None) -> str:
    """How to replay an engine: its seed and, for the fixture's engine, the run's base seed."""
    if base_seed is not None:
        return f"engine seed {seed} (replay: pytest --s3sse-seed={base_seed} <this test>)"
    return (
        f"engine seed {seed} (replay: mock_s3sse(seed={seed}) or @pytest.mark.s3sse(seed={seed}))"
    )


def _target(record: RequestRecord) -> str:
    if record.bucket is None:
        return ""
    return record.bucket if record.key is None else f"{record.bucket}/{record.key}"


def _outcome(record: RequestRecord) -> str:
    if record.error_code is None:
        return str(record.status)
    return f"{record.status} {record.error_code}"


def _detail(record: RequestRecord) -> str:
    from pytest_s3sse._internal.types import ObjectEncryption  # noqa: PLC0415 - see the module doc

    parts = []
    encryption = record.facts.get("encryption")
    if isinstance(encryption, ObjectEncryption):
        parts.append(encryption.mode.value)
        if encryption.kms_key_arn:
            parts.append(encryption.kms_key_arn)
        if encryption.bucket_key_enabled:
            parts.append("bucket key")
    context = record.context
    if context.anonymous:
        parts.append("anonymous")
    elif not context.principal.arn.endswith(":root"):
        parts.append(f"as {context.principal.arn}")
    if record.error_message and record.error_code not in (None, "NoSuchKey", "NoSuchBucket"):
        parts.append(f"({record.error_message})")
    return "  ".join(parts)


def _kms_line(call: KmsCall) -> str:
    outcome = "ok" if call.error is None else call.error
    return f"         KMS {call.operation} via S3  {call.key_arn or '-'}  {outcome}"


_DENIED = frozenset({"AccessDenied", "AccessDeniedException"})


def _denial_lines(record: RequestRecord, decisions: _Decisions | None) -> list[str]:
    """Under a denied request: the policy decision that denied it (``s3sse.explain``'s text)."""
    if decisions is None or record.error_code not in _DENIED:
        return []
    for entry in decisions.decisions(record.request_id):
        if not entry.decision.allowed:
            return [f"         {line}" for line in entry.describe().splitlines()]
    return []


def format_requests(
    events: Iterable[object], *, limit: int = MAX_LINES, decisions: _Decisions | None = None
) -> str:
    """The log of ``events`` (an engine's stream), oldest first; empty when there was no request.
    With ``decisions`` (the engine's decision point), each denied request shows why."""
    from pytest_s3sse._internal.audit import RequestRecord  # noqa: PLC0415 - see the module doc
    from pytest_s3sse._internal.kms.types import KmsCall  # noqa: PLC0415

    made_by_s3: dict[str, list[KmsCall]] = {}
    records: list[RequestRecord] = []
    for event in events:
        if isinstance(event, RequestRecord):
            records.append(event)
        elif isinstance(event, KmsCall) and event.via == "s3" and event.request_id:
            made_by_s3.setdefault(event.request_id, []).append(event)
    lines: list[str] = []
    for number, record in enumerate(records, 1):
        service = "S3 " if record.service == "s3" else "KMS"
        operation = record.operation or "(unrouted)"
        head = f"{number:>4}  {service}  {operation:<28} {_target(record):<32} {_outcome(record)}"
        detail = _detail(record)
        lines.append(f"{head}  {detail}".rstrip())
        lines.extend(_denial_lines(record, decisions))
        lines.extend(_kms_line(call) for call in made_by_s3.get(record.request_id, ()))
    if len(lines) > limit:
        hidden = len(lines) - limit
        lines = [f"   ... {hidden} earlier lines not shown", *lines[-limit:]]
    return "\n".join(lines)

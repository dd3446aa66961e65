"""The S3/KMS requests of a test, as a network log: what a failing test's report shows.

Read from the engine's event stream (:mod:`pytest_s3sse._internal.audit`): one line per S3 or KMS request with its
operation, bucket/key, status and error code, and under each S3 request the KMS calls S3 made for it
(joined by the S3 request id). The newest requests are kept when there are many.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_s3sse._internal.audit import RequestRecord
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.types import ObjectEncryption

SECTION = "s3sse requests"
MAX_LINES = 60


def _target(record: RequestRecord) -> str:
    if record.bucket is None:
        return ""
    return record.bucket if record.key is None else f"{record.bucket}/{record.key}"


def _outcome(record: RequestRecord) -> str:
    if record.error_code is None:
        return str(record.status)
    return f"{record.status} {record.error_code}"


def _detail(record: RequestRecord) -> str:
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


def format_requests(events: Iterable[object], *, limit: int = MAX_LINES) -> str:
    """The log of ``events`` (an engine's stream), oldest first; empty when there was no request."""
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
        lines.extend(_kms_line(call) for call in made_by_s3.get(record.request_id, ()))
    if len(lines) > limit:
        hidden = len(lines) - limit
        lines = [f"   ... {hidden} earlier lines not shown", *lines[-limit:]]
    return "\n".join(lines)

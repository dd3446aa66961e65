"""Why was a request allowed or denied? ``s3sse.explain(error_or_request_id)``.

The engine's decision point keeps every decision that read a policy, and every denial, by request id
(:mod:`pytest_s3sse._internal.policy.authorizer`): S3's own action, the actions S3 asked for beyond it
(a copy source, each DeleteObjects key) and the KMS calls S3 made for the request, which share its id.
An :class:`Explanation` joins them with the request's record (operation, status, error), so a denial
reads as: which policy, which statement (its Sid, or "no statement allowed"), and for each condition the
key, the operator, the policy's values and the value the request carried, or "absent".

Nothing secret is shown: ARNs, action names and condition values only (no condition key carries key
material or a signature).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_s3sse._internal.audit import RequestRecord

if TYPE_CHECKING:
    from pytest_s3sse._internal.engine import Engine
    from pytest_s3sse._internal.policy import Decision
    from pytest_s3sse._internal.policy.authorizer import Explained


@dataclass(frozen=True, slots=True)
class Explanation:
    """The authorisation story of one request.

    ``decisions`` are the policy decisions made for it, in order (each has ``action``, ``resource``,
    ``caller`` and ``decision`` with ``allowed``, ``explicit``, ``policy``, ``statement``,
    ``conditions``); ``denial`` is the one that denied it, if one did. ``operation``, ``status`` and
    ``error_code`` come from the request's record (None when the request is not in the engine's
    stream). ``str(explanation)`` is the text a person reads.
    """

    request_id: str
    operation: str | None
    status: int | None
    error_code: str | None
    error_message: str | None
    decisions: tuple[Explained, ...]

    @property
    def denial(self) -> Explained | None:
        """The decision that denied the request (the first denial that no later decision for the
        same action and resource overturned: a KMS grant allows what the key policy did not), or
        None."""
        for index, entry in enumerate(self.decisions):
            if entry.decision.allowed:
                continue
            overturned = any(
                later.decision.allowed
                and (later.action, later.resource) == (entry.action, entry.resource)
                for later in self.decisions[index + 1 :]
            )
            if not overturned:
                return entry
        return None

    @property
    def allowed(self) -> bool:
        """True when no policy decision denied the request."""
        return self.denial is None

    @property
    def decision(self) -> Decision | None:
        """The deciding decision: the denial, else the last decision that read a policy."""
        entry = self.denial or (self.decisions[-1] if self.decisions else None)
        return entry.decision if entry is not None else None

    def __str__(self) -> str:
        head = f"request {self.request_id}"
        if self.operation is not None:
            head += f" ({self.operation}"
            if self.status is not None:
                head += f", {self.status}"
            if self.error_code is not None:
                head += f" {self.error_code}"
            head += ")"
        if not self.decisions:
            if self.error_code is not None:
                return (
                    f"{head}: no policy decision was made for it; it failed before or beside "
                    f"authorisation ({self.error_code}: {self.error_message})"
                )
            return f"{head}: allowed; no policy applied (no bucket, key or identity policy read)"
        lines = [head + ":"]
        for entry in self.decisions:
            lines.extend("  " + line for line in entry.describe().splitlines())
        return "\n".join(lines)


def request_id_of(error_or_request_id: object) -> str:
    """The request id in a botocore ``ClientError``, a boto3 response dict, or a string."""
    if isinstance(error_or_request_id, str):
        return error_or_request_id
    own = getattr(error_or_request_id, "request_id", None)
    if isinstance(own, str) and own:  # a replication attempt (s3sse.replications)
        return own
    response: Any = getattr(error_or_request_id, "response", error_or_request_id)
    if isinstance(response, Mapping):
        metadata = response.get("ResponseMetadata")
        if isinstance(metadata, Mapping):
            found = metadata.get("RequestId")
            if isinstance(found, str) and found:
                return found
    msg = (
        "explain() takes a botocore ClientError, a boto3 response, a replication, or a request id "
        "string; "
        f"got {type(error_or_request_id).__name__} without a request id"
    )
    raise TypeError(msg)


def explain(engine: Engine, error_or_request_id: object) -> Explanation:
    """The :class:`Explanation` of a request of ``engine`` (see the module doc); LookupError when the
    engine knows no request with that id."""
    request_id = request_id_of(error_or_request_id)
    decisions = engine.authorizer.decisions(request_id)
    record = _record(engine, request_id)
    if record is None and not decisions:
        msg = (
            f"no request with id {request_id!r} in this engine (explain() knows the requests of the "
            "active engine; its decisions are kept for the last 2048 requests)"
        )
        raise LookupError(msg)
    if record is None:
        return Explanation(request_id, None, None, None, None, decisions)
    return Explanation(
        request_id,
        record.operation,
        record.status,
        record.error_code,
        record.error_message,
        decisions,
    )


def _record(engine: Engine, request_id: str) -> RequestRecord | None:
    for event in reversed(list(engine.events)):
        if isinstance(event, RequestRecord) and event.request_id == request_id:
            return event
    return None

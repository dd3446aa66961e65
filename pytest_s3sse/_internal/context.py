"""The request context: who sent a request, how, from where and when, built once per request.

Every S3 and KMS request gets one :class:`RequestContext` (built by the engine from the HTTP request
alone), and so does every call S3 makes to KMS on a requester's behalf (:meth:`RequestContext.invoked_by`),
which keeps the S3 request's id so the two can be linked. The domain reads the context instead of loose
``secure`` / ``signed_v4`` / ``requester`` fields; policies (condition keys such as
``aws:SecureTransport``, ``s3:signatureversion``, ``aws:SourceIp``), the audit trail (CloudTrail's
``userIdentity``, ``sourceIPAddress``, ``userAgent``, ``additionalEventData``) and the test report read
it too.

Defaults for what an in-process request cannot say: the source address is ``127.0.0.1`` unless an adapter
knows the client's (a local server does), and the user agent is the request's ``User-Agent`` header, or
empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.types import Principal

LOCAL_ADDRESS = "127.0.0.1"
S3_SERVICE = "s3.amazonaws.com"


class RequestContext(NamedTuple):
    """Who made one request and how (immutable; one per request).

    A named tuple rather than a frozen dataclass: it is built for every request, and a tuple is built
    at C speed (a frozen dataclass's ``__init__`` costs three times as much).

    ``signature_version`` is ``SigV4``, ``SigV2`` or None (unsigned: the principal is anonymous);
    ``auth_method`` is ``AuthHeader``, ``QueryString`` or None. ``region`` is the region the request was
    sent to. ``invoked_by`` names the AWS service that made this call for ``principal``
    (``s3.amazonaws.com`` for S3's calls to KMS), None for a call the principal made itself.
    ``access_key_id`` is the access key the request was signed with (empty when unsigned): CloudTrail
    logs it even for keys the engine maps to its default principal. ``signed_at`` is the
    ``X-Amz-Date`` of a presigned URL or a POST form, as sent (empty otherwise: a header-signed
    request is signed as it is sent); ``s3:signatureAge`` is worked out from it when a policy reads it.
    """

    principal: Principal
    request_id: str
    time: datetime
    region: str
    secure: bool = True
    signature_version: str | None = "SigV4"
    auth_method: str | None = "AuthHeader"
    source_ip: str = LOCAL_ADDRESS
    user_agent: str = ""
    invoked_by: str | None = None
    access_key_id: str = ""
    signed_at: str = ""

    @property
    def signed_v4(self) -> bool:
        """True when the request was signed with Signature Version 4 (SSE-KMS needs it: W14)."""
        return self.signature_version == "SigV4"

    @property
    def anonymous(self) -> bool:
        """True for an unsigned request."""
        return self.principal.anonymous

    @property
    def account_id(self) -> str:
        """The caller's account (``anonymous`` for an unsigned request)."""
        return self.principal.account_id

    def invoked_by_service(self, service: str = S3_SERVICE) -> RequestContext:
        """The context of a call ``service`` makes for this request's principal (same request id,
        time, transport and address: CloudTrail records S3's KMS calls with the requester's identity
        and ``invokedBy``)."""
        return self._replace(invoked_by=service)

    @classmethod
    def internal(
        cls, principal: Principal, *, time: datetime, region: str, request_id: str = ""
    ) -> RequestContext:
        """A context for work the engine does itself on ``principal``'s behalf (the test API), signed
        and secure, so no transport rule refuses it."""
        return cls(principal, request_id, time, region)


class Identify(Protocol):
    """Who sent a request: the engine's identification, given to both protocol edges (one
    RequestContext per request; ``region`` is the region the request was sent to)."""

    def __call__(
        self, request: HttpRequest, *, request_id: str, region: str
    ) -> RequestContext: ...  # pragma: no cover - protocol

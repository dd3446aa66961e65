"""Composition: builds the services of one in-process AWS world and dispatches requests to them.

``Engine.dispatch(HttpRequest) -> HttpResponse | None`` is the one path every adapter uses. It decides
which service a request is for from the request itself (the SigV4 credential scope, the KMS target
header, the host), never from a client library's operation name. None means "not served here".
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from pytest_s3sse._internal.arn import root as root_arn
from pytest_s3sse._internal.audit import EventStream, Exchanges
from pytest_s3sse._internal.authn import Authenticator
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import LOCAL_ADDRESS, RequestContext
from pytest_s3sse._internal.crypto.keyring import RootKeyRing
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors import AwsError
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.kms.jsonapi.api import KmsApi
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.options import EngineOptions
from pytest_s3sse._internal.policy.authorizer import PolicyAuthorizer
from pytest_s3sse._internal.policy.document import Policy, PolicyKind, parse_policy
from pytest_s3sse._internal.principals import (
    DEFAULT_SESSION_NAME,
    ClientKwargs,
    CredentialRegistry,
    Credentials,
    default_principal,
    policy_text,
)
from pytest_s3sse._internal.s3.access import S3Access
from pytest_s3sse._internal.s3.buckets import BucketService
from pytest_s3sse._internal.s3.multipart import MultipartService
from pytest_s3sse._internal.s3.objects import ObjectService
from pytest_s3sse._internal.s3.replication import Replication, Replicator
from pytest_s3sse._internal.s3.rest import routing
from pytest_s3sse._internal.s3.rest.api import S3Api
from pytest_s3sse._internal.s3.rest.call import Services
from pytest_s3sse._internal.s3.store import Store
from pytest_s3sse._internal.sigv4 import (
    AUTH_HEADER,
    authentication,
    credential_scope,
    signed_date,
)
from pytest_s3sse._internal.sse.envelope import Sealer
from pytest_s3sse._internal.sse.kms import S3Kms
from pytest_s3sse._internal.sse.plan import SsePlanner
from pytest_s3sse._internal.types import ANONYMOUS, Principal

_HOST_SERVICE = re.compile(
    r"^(?:[^.]+\.)*?(s3|kms|sts|[a-z0-9-]+?)[.-](?:[a-z0-9-]+\.)*amazonaws\.com"
)


def service_of(request: HttpRequest) -> str:
    """The AWS service a request is for ("s3", "kms", "sqs" ...), from the request alone."""
    target = request.headers.get("x-amz-target", "")
    if target.startswith("TrentService."):
        return "kms"
    scope = credential_scope(request)
    if scope is not None:
        return scope[2]
    host = request.host.split(":", 1)[0]
    if routing._virtual_bucket(host) is not None:
        return "s3"
    match = _HOST_SERVICE.match(host)
    if match is not None:
        return "s3" if match.group(1).startswith("s3") else match.group(1)
    return "s3"  # an unsigned request to a custom endpoint: S3 is the only REST service here


class Engine:
    """One isolated in-process S3 and KMS world: store, keys, clock and random source."""

    def __init__(self, options: EngineOptions | None = None) -> None:
        """Build every service from ``options`` (their defaults, checks and meaning:
        ``pytest_s3sse/_internal/options.py``); the engine keeps them as :attr:`options`."""
        options = options if options is not None else EngineOptions()
        self.options = options
        account_id, region = options.account_id, options.region
        self.account_id = account_id
        self.region = region
        self.clock = options.clock if options.clock is not None else Clock()
        self.entropy = Entropy(options.seed)
        self.events = EventStream()
        # The CloudTrail-shaped trail's per-request details (trail_limit 0: none, and no cost).
        limit = options.trail_limit
        self.exchanges = Exchanges(limit) if limit else None
        self.store = Store(on_change=self.events.emit, version_ids=self._version_id)
        self.root_keys = RootKeyRing(self.clock, self.entropy.bytes, options.root_key_rotation)
        self.sealer = Sealer(self.root_keys, self.entropy)
        # Identity policies by access key id, parsed when the principal is registered.
        self._identity_policies: dict[str, tuple[Policy, ...]] = {}
        self.authorizer = PolicyAuthorizer(self._identity_policies_of)
        self.access = S3Access(self.authorizer, self.store)
        self.buckets = BucketService(
            self.store, self.clock, ssec_blocked_by_default=options.block_ssec_on_new_buckets
        )
        planner = SsePlanner(self.sealer, self.clock)
        self.objects = ObjectService(self.store, planner, self.clock, self.entropy, self.access)
        self.multipart = MultipartService(self.store, self.clock, self.entropy, self.objects)
        self.credentials = CredentialRegistry(
            self.entropy, default_principal(account_id, region, options.default_principal)
        )
        # With verify_signatures off, the edges get no check at all (nothing added per request).
        authenticator = Authenticator(self.credentials, routing._virtual_bucket, self.clock)
        verify = options.verify_signatures
        services = Services(
            self.buckets, self.objects, self.clock, self.entropy, self.multipart, self.access
        )
        self.s3 = S3Api(
            services,
            default_region=region,
            identify=self.identify,
            events=self.events,
            authenticate=authenticator.s3 if verify else None,
            exchanges=self.exchanges,
        )
        self.kms = KmsService(
            self.clock, self.entropy, on_call=self.events.emit, authorizer=self.authorizer
        )
        # SSE-KMS calls this KMS
        self.sealer.kms = S3Kms(self.kms, self.clock, options.bucket_key_period)
        # Replication hears of each version the store marks PENDING (s3/replication.py).
        self._replication_keys: dict[str, str] = {}  # access key id -> role ARN
        self._role_policies: dict[str, tuple[Policy, ...]] = {}
        self._role_principals: dict[str, Principal] = {}
        self.replicator = Replicator(
            self.store, planner, self.access, self.clock, self.entropy,
            role_principal=self.replication_principal, events=self.events,
            exchanges=self.exchanges, mode=options.replication,
        )  # fmt: skip
        self.events.subscribe(self.replicator.on_event)
        self.kms_api = KmsApi(
            self.kms,
            default_region=region,
            identify=self.identify,
            entropy=self.entropy,
            events=self.events,
            authenticate=authenticator.kms if verify else None,
            exchanges=self.exchanges,
        )

    def _version_id(self) -> str:
        """A new object version id in AWS's observed shape: 32 characters of ``[A-Za-z0-9._]`` (I2,
        A), drawn from the engine's seeded entropy (so a seeded run repeats its ids)."""
        return base64.b64encode(self.entropy.bytes(24), altchars=b"._").decode()

    @property
    def default_principal(self) -> Principal:
        """The caller behind access keys the engine does not know (``default_principal`` option;
        the root of the engine's account unless set)."""
        return self.credentials.default_principal

    def add_credentials(
        self,
        access_key_id: str,
        *,
        account_id: str,
        arn: str | None = None,
        secret: str | None = None,
    ) -> Principal:
        """Map an access key id to a principal of ``account_id`` (its root unless ``arn`` says
        otherwise). ``secret`` is the key's secret, needed only with ``verify_signatures``."""
        principal = Principal(account_id, arn or root_arn(account_id), access_key_id)
        self.credentials.add(Credentials(access_key_id, secret, principal))
        return principal

    def principal(
        self,
        arn: str,
        *,
        policy: str | Mapping[str, Any] | None = None,
        session_name: str = DEFAULT_SESSION_NAME,
    ) -> ClientKwargs:
        """New credentials for an IAM user, role (an assumed-role session) or account root of any
        account, as boto3 client keyword arguments (``pytest_s3sse/_internal/principals.py``).
        ``policy`` is its identity policy, parsed now (InvalidIdentityPolicy when malformed)."""
        text = policy_text(policy)
        parsed = parse_policy(text, PolicyKind.IDENTITY) if text is not None else None
        kwargs = self.credentials.register(arn, policy=text, session_name=session_name)
        if parsed is not None:
            self._identity_policies[kwargs.principal.access_key_id] = (parsed,)
            if kwargs.session_arn != arn:  # a role: its replication session has its policy too
                self._role_policies[arn] = (parsed,)
        return kwargs

    def _identity_policies_of(self, principal: Principal) -> tuple[Policy, ...] | None:
        """The identity policies of ``principal`` (None: none registered, full identity permissions).
        S3's replication session of a role has the role's policies."""
        found = self._identity_policies.get(principal.access_key_id)
        if found is None and self._replication_keys:
            role = self._replication_keys.get(principal.access_key_id)
            if role is not None:
                return self._role_policies.get(role)
        return found

    def replication_principal(self, role_arn: str) -> Principal:
        """The session S3 replicates as for the role ``role_arn``:
        ``arn:aws:sts::<acct>:assumed-role/<name>/s3-replication`` (S: replication-behaviour.md
        3.4), with a temporary access key of its own; its identity policies are the role's, as
        registered with ``s3sse.principal(role_arn, policy=...)`` (none registered: full identity
        permissions, as for any principal)."""
        found = self._role_principals.get(role_arn)
        if found is None:
            found = self.credentials.service_session(role_arn, "s3-replication")
            self._role_principals[role_arn] = found
            self._replication_keys[found.access_key_id] = role_arn
        return found

    def replicate(self) -> list[Replication]:
        """Replicate every version waiting (``replication="manual"``); returns the attempts."""
        return self.replicator.drain()

    def principal_for(self, access_key_id: str) -> Principal:
        """The principal behind an access key id (unknown keys: the default principal)."""
        return self.credentials.principal_for(access_key_id)

    def identify(self, request: HttpRequest, *, request_id: str, region: str) -> RequestContext:
        """The context of ``request`` (one per request, built here for S3 and KMS alike): a signed
        request's principal comes from its access key; an unsigned one is anonymous."""
        auth = authentication(request)
        now = self.clock.now()
        agent = request.headers.get("user-agent", "")
        address = request.client_address or LOCAL_ADDRESS
        if auth is None:
            return RequestContext(
                ANONYMOUS, request_id, now, region, request.secure, None, None, address, agent
            )
        access_key_id, version, method = auth
        principal = self.credentials.principal_for(access_key_id)
        signed_at = "" if method == AUTH_HEADER else signed_date(request, method)
        return RequestContext(
            principal, request_id, now, region, request.secure, version, method, address, agent,
            None, access_key_id, signed_at,
        )  # fmt: skip

    def dispatch(self, request: HttpRequest) -> HttpResponse | None:
        """Answer ``request``, or None if no service of this engine serves it."""
        service = service_of(request)
        if service == "s3":
            response = self.s3.handle(request)
            replicator = self.replicator
            if replicator.immediate and replicator.pending:
                replicator.drain()
            return response
        if service == "kms":
            return self.kms_api.handle(request)
        return None

    def describe_unserved(self, request: HttpRequest) -> str:
        """Why a request was blocked, naming the service (for RealAWSCallBlockedError)."""
        service = service_of(request)
        return (
            f"pytest-s3sse blocked a request to the AWS service {service!r} "
            f"({request.method} {request.scheme}://{request.host}{request.path}): the engine serves "
            "only 's3' and 'kms' in-process, and no request reaches real AWS while it is active."
        )


__all__ = ["AwsError", "Engine", "service_of"]

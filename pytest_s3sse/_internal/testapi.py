"""The user-facing handle on an engine: the object the ``s3sse`` fixture gives, and
:func:`mock_s3sse`, the same thing as a context manager and decorator."""

from __future__ import annotations

import functools
import hashlib
import inspect
import unittest
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from types import TracebackType
from typing import Any, Concatenate, Literal, ParamSpec, Protocol, TypeVar, cast, overload

from pytest_s3sse._internal import report
from pytest_s3sse._internal.assertions import (
    RequestExpectation,
    S3SSEAssertionError,
    StoredView,
    check_all_encrypted,
    check_encrypted,
    check_key_used_by,
    check_kms_calls,
    check_no_plaintext,
    check_requests,
    needle_bytes,
    object_name,
    scan_ciphertext,
    scan_clear,
)
from pytest_s3sse._internal.audit import RequestRecord
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.crypto.segments import SealedPart, seal_bytes
from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.errors import (
    DecryptionError,
    KmsKeyNotFoundError,
    ObjectNotFoundError,
    S3SSEError,
)
from pytest_s3sse._internal.errors.kms import KmsError
from pytest_s3sse._internal.errors.s3 import NoSuchBucket, S3Error
from pytest_s3sse._internal.explain import Explanation, explain
from pytest_s3sse._internal.kms.operations import OPERATIONS as KMS_OPERATIONS
from pytest_s3sse._internal.kms.operations import operation_name
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.options import EngineOptions
from pytest_s3sse._internal.principals import DEFAULT_SESSION_NAME, ClientKwargs
from pytest_s3sse._internal.reports import EncryptionReport, KmsCost, encryption_report, kms_cost
from pytest_s3sse._internal.s3.records import ObjectAttributes, StoredObject
from pytest_s3sse._internal.s3.replication import Replication
from pytest_s3sse._internal.sse.customer import check_customer_key
from pytest_s3sse._internal.trail import Trail
from pytest_s3sse._internal.types import ObjectEncryption, Principal, SseMode
from pytest_s3sse._internal.wire import activation

P = ParamSpec("P")
Knobs = ParamSpec("Knobs")
R = TypeVar("R")
S = TypeVar("S")
T = TypeVar("T")


# ``S3SSE(**options)`` and ``mock_s3sse(**options)`` take exactly the keywords of EngineOptions. Rather
# than spell the knobs out again, they forward ``**options`` to it and borrow its signature: for type
# checkers through a ParamSpec, for ``help()`` and IDEs through ``__signature__``.
def _keywords_of(
    options: Callable[Knobs, EngineOptions],
) -> Callable[[Callable[..., R]], Callable[Knobs, R]]:
    def borrow(func: Callable[..., R]) -> Callable[Knobs, R]:
        returns = inspect.signature(func).return_annotation
        func.__signature__ = inspect.signature(options).replace(  # type: ignore[attr-defined]
            return_annotation=returns
        )
        return func

    return borrow


def _init_keywords_of(
    options: Callable[Knobs, EngineOptions],
) -> Callable[[Callable[Concatenate[S, ...], None]], Callable[Concatenate[S, Knobs], None]]:
    def borrow(init: Callable[Concatenate[S, ...], None]) -> Callable[Concatenate[S, Knobs], None]:
        own = inspect.signature(init)
        self_param = next(iter(own.parameters.values()))
        keywords = inspect.signature(options).parameters.values()
        init.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=[self_param, *keywords]
        )
        return init

    return borrow


def api_operation_name(name: str) -> str:
    """An S3 or KMS operation's API name from itself or boto3's method name (``put_object``,
    ``list_objects_v2``); a KMS-looking name is checked (ValueError naming the closest)."""
    if "_" in name or name[:1].islower():
        name = "".join(word[:1].upper() + word[1:] for word in name.split("_"))
    if name in KMS_OPERATIONS:
        return name
    if name.lower() in {op.lower() for op in KMS_OPERATIONS}:
        return operation_name(name)  # a slip of case: the KMS error names the operation
    return name


class S3SSE:
    """An in-process S3 with real server-side encryption, and the test API around it.

    Use it through the ``s3sse`` fixture, or as ``with mock_s3sse() as s3sse:``. While active, every
    botocore S3 request of the process is answered by this engine and no request reaches AWS.
    """

    @_init_keywords_of(EngineOptions)
    def __init__(self, **options: Any) -> None:
        """Takes the keywords of :class:`~pytest_s3sse._internal.options.EngineOptions` (defaults, checks and
        meaning there); a misspelt one is a TypeError."""
        self.engine = Engine(EngineOptions(**options))
        self._active = False
        # expect_kms_calls: (key, at_most, counts), and expect_requests: checked when the engine
        # stops (then cleared); every one ever made also covers requests (_covers, never cleared).
        self._expectations: list[tuple[str | None, bool, dict[str, int]]] = []
        self._request_expectations: list[RequestExpectation] = []
        self._kms_covers: list[tuple[str | None, dict[str, int]]] = []
        self._request_covers: list[RequestExpectation] = []

    @classmethod
    def from_options(cls, options: EngineOptions) -> S3SSE:
        """A handle on a new engine built from ``options`` (what the fixture and the decorator form use)."""
        # A shallow copy of the fields: dataclasses.asdict() would deep-copy a Clock the user passed.
        return cls(**{field.name: getattr(options, field.name) for field in fields(options)})

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> S3SSE:
        """Activate: botocore and ``requests`` calls to S3 are answered here until :meth:`stop`."""
        if not self._active:
            activation.activate(self.engine)
            self._active = True
            report.note_started(self)
        return self

    def stop(self) -> None:
        """Deactivate; when no other engine is active, botocore and ``requests`` are restored. Then
        check the :meth:`expect_kms_calls` expectations (S3SSEAssertionError when one is not met)."""
        __tracebackhide__ = True
        if self._active:
            activation.deactivate(self.engine)
            self._active = False
        if (
            self._expectations
            or self._request_expectations
            or self.engine.options.assert_all_requests_expected
        ):
            self.check_expectations()

    @property
    def active(self) -> bool:
        """True between start and stop."""
        return self._active

    def __enter__(self) -> S3SSE:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:  # the block failed already: report that, not the expectations
            self._expectations.clear()
            self._request_expectations.clear()
            if self.engine.options.assert_all_requests_expected:
                activation.deactivate(self.engine)
                self._active = False
                return
        self.stop()

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...

    @overload
    def __call__(self, target: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, target: Callable[P, R] | type[T]) -> Callable[P, R] | type[T]:
        """Decorate a function or a test class: each call runs with a fresh engine built from the
        same options.

        Fresh means a new store, keys and random source (from ``seed`` when one was given). A ``clock``
        that was given is the exception, by design: it is the caller's clock, so every call's engine
        reads and moves that one clock (without one, each call gets a new clock at the real time).

        On a class, as ``moto``'s ``mock_aws`` does: every method whose name starts with ``test``
        (its own and inherited) runs with its own engine; the class stays a class, so pytest still
        collects each test. A ``unittest.TestCase`` gets one engine per test that spans ``setUp``,
        the test and ``tearDown`` (its ``run`` is decorated). pytest's ``setup_method`` runs outside
        the engine: use the ``s3sse`` fixture for set-up that needs it.
        """
        if isinstance(target, type):
            return self._decorate_class(target)
        return self._decorate(target)

    def _decorate(self, func: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(func):
            msg = (
                f"mock_s3sse does not decorate coroutine functions ({func.__qualname__}); use it as a "
                "context manager"
            )
            raise TypeError(msg)

        options = self.options

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with S3SSE.from_options(options):
                return func(*args, **kwargs)

        wrapper.__s3sse_decorated__ = True  # type: ignore[attr-defined]
        return wrapper

    def _decorate_class(self, cls: type[T]) -> type[T]:
        if issubclass(cls, unittest.TestCase):
            cls.run = self._decorate(cls.run)  # type: ignore[method-assign]
            return cls
        for name in dir(cls):
            if not name.startswith("test"):
                continue
            raw = inspect.getattr_static(cls, name)
            if isinstance(raw, (staticmethod, classmethod)):
                inner = raw.__func__
                if callable(inner) and not getattr(inner, "__s3sse_decorated__", False):
                    setattr(cls, name, type(raw)(self._decorate(inner)))
            elif inspect.isfunction(raw) and not getattr(raw, "__s3sse_decorated__", False):
                setattr(cls, name, self._decorate(raw))
        return cls

    # -- identity and time ---------------------------------------------------------------------
    @property
    def options(self) -> EngineOptions:
        """The options this handle's engine was built from."""
        return self.engine.options

    @property
    def account_id(self) -> str:
        """The default account (owner of buckets created with any credentials)."""
        return self.engine.account_id

    @property
    def region(self) -> str:
        """The engine's default region."""
        return self.engine.region

    @property
    def clock(self) -> Clock:
        """The engine clock: ``s3sse.clock.advance(seconds)``, ``s3sse.clock.now()``."""
        return self.engine.clock

    @property
    def seed(self) -> int:
        """The seed of the engine's random source (pass it back to replay keys and ids)."""
        return self.engine.entropy.seed

    def add_credentials(
        self,
        access_key_id: str,
        *,
        account_id: str,
        arn: str | None = None,
        secret: str | None = None,
    ) -> Principal:
        """Requests signed with ``access_key_id`` come from ``account_id`` (another account's buckets);
        ``secret`` is needed only when signatures are verified (``verify_signatures``)."""
        return self.engine.add_credentials(
            access_key_id, account_id=account_id, arn=arn, secret=secret
        )

    def principal(
        self,
        arn: str,
        *,
        policy: str | Mapping[str, Any] | None = None,
        session_name: str = DEFAULT_SESSION_NAME,
    ) -> ClientKwargs:
        """Credentials for the IAM user, role or account root ``arn`` of any account, as the keyword
        arguments of ``boto3.client("s3", **s3sse.principal(arn))``.

        A user (``arn:aws:iam::<acct>:user/<name>``) or root (``...:root``) gets an ``AKIA...`` key; a
        role (``...:role/<name>``) authenticates as its assumed-role session
        (``arn:aws:sts::<acct>:assumed-role/<name>/s3sse-session``) with an ``ASIA...`` key and a
        session token (``session_name`` names the session: ``RoleSessionName``, 2-64 characters of
        ``[\\w+=,.@-]`` as STS allows). The mapping also says ``.arn``, ``.account_id`` and
        ``.session_arn``.

        ``policy`` is the principal's identity policy (a JSON string or a dict), parsed now (a
        malformed one raises ``ValueError`` with AWS's MalformedPolicy text). Without one, the
        principal has full identity permissions: in its own account it may do whatever the bucket and
        key policies let the account do; in another account it still needs their resource policies
        (docs/policies.md)."""
        return self.engine.principal(arn, policy=policy, session_name=session_name)

    def explain(self, error_or_request_id: object) -> Explanation:
        """Why a request was allowed or denied: a botocore ``ClientError`` (or a boto3 response, or a
        request id). ``str()`` of the answer reads as the decision, the policy (bucket, key,
        identity), the statement (Sid or position, or "no statement allowed") and each condition
        with the value the request carried, or "absent". S3's KMS calls for the request are part of
        its story. LookupError for a request this engine did not answer."""
        return explain(self.engine, error_or_request_id)

    @property
    def default_principal(self) -> Principal:
        """Who calls with credentials the engine does not know (the ``default_principal`` option;
        the root of :attr:`account_id` unless set). Unsigned requests are anonymous instead."""
        return self.engine.default_principal

    # -- the trail (docs/trail.md) ---------------------------------------------------------------
    @property
    def trail(self) -> Trail:
        """The engine's S3 and KMS requests as CloudTrail records: ``.records`` (JSON-serialisable
        dicts, oldest first), ``.filter(event_source=, event_name=, key=, principal=, bucket=,
        object_key=, error_code=)`` and ``.write(path)`` (a CloudTrail log file). S3SSEError when
        the trail is off (``trail_limit=0``)."""
        exchanges = self.engine.exchanges
        if exchanges is None:
            msg = "the trail is off for this engine (trail_limit=0): set trail_limit to read it"
            raise S3SSEError(msg)
        return Trail(self.engine.events, exchanges, self.seed, self._known_key_arn)

    def put_unencrypted(
        self,
        bucket: str,
        key: str,
        body: bytes | str,
        *,
        content_type: str = "binary/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Store ``body`` (text as UTF-8) at ``key`` as S3 stored objects before 2023-01-05 when no
        encryption was asked for: not encrypted (mode ``NONE``; S3 Inventory's ``NOT-SSE``; no
        ``x-amz-server-side-encryption`` on GET and HEAD; its ETag the MD5 of the body). No request
        can write one since (P, S3 user guide "Default encryption FAQ"), so tests of legacy data
        seed them here. It is committed as a write is: the bucket's versioning gives it a version
        (returned: ``null`` unless versioning is Enabled), a replication rule selects it (its replica
        takes the destination's default encryption), reports and ``assert_no_plaintext_at_rest``
        see it. No request is recorded."""
        data = body.encode() if isinstance(body, str) else bytes(body)
        engine = self.engine
        aead, envelope = engine.sealer.new_object(ObjectEncryption(SseMode.NONE))
        attributes = ObjectAttributes(content_type=content_type, metadata=dict(metadata or {}))
        obj = StoredObject(
            bucket=bucket,
            key=key,
            size=len(data),
            etag=hashlib.md5(data).hexdigest(),  # noqa: S324 - S3's ETag
            last_modified=engine.clock.now(),
            attributes=attributes,
            envelope=envelope,
            parts=(seal_bytes(aead, data),),
        )
        stored = engine.objects.commit(obj)
        if engine.replicator.immediate:
            engine.replicate()
        return stored.version_id

    # -- replication (docs/replication.md) -------------------------------------------------------
    def replicate(self) -> list[Replication]:
        """Replicate every version waiting (with ``replication="manual"`` they wait for this call;
        PENDING until then); returns the attempts that ended, each COMPLETED or FAILED."""
        return self.engine.replicate()

    @property
    def replications(self) -> tuple[Replication, ...]:
        """Every replication attempt this engine made, oldest first (``failure_reason``,
        ``request_id`` for ``s3sse.explain``)."""
        return self.engine.replicator.history

    @property
    def replication_pending(self) -> int:
        """How many versions wait to be replicated (``replication="manual"``)."""
        return self.engine.replicator.pending

    def rotate_root_key(self) -> int:
        """Force a new SSE-S3 root key version now; returns its number."""
        return self.engine.root_keys.rotate().version

    # -- at rest -------------------------------------------------------------------------------
    def _object(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
        __tracebackhide__ = True
        obj: object = None
        try:
            if version_id is None:
                obj = self.engine.store.current(bucket, key)
                where = "no such key"
            else:
                obj = self.engine.store.version(bucket, key, version_id)
                where = "a delete marker"
        except NoSuchBucket:
            where = "bucket does not exist"
        except S3Error:
            where = f"no version {version_id}"
        if not isinstance(obj, StoredObject):
            version = "" if version_id is None else f" version {version_id}"
            msg = f"s3://{bucket}/{key}{version} is not stored ({where})"
            raise ObjectNotFoundError(msg)
        return obj

    def stored(self, bucket: str, key: str, version_id: str | None = None) -> StoredView:
        """The object (its current version, or version ``version_id``) as it is at rest: mode,
        key ARN, context and ciphertext."""
        __tracebackhide__ = True
        return self._view(self._object(bucket, key, version_id))

    def _view(self, obj: StoredObject) -> StoredView:
        enc = obj.encryption
        return StoredView(
            bucket=obj.bucket,
            key=obj.key,
            mode=enc.mode.value,
            kms_key_arn=enc.kms_key_arn,
            bucket_key_enabled=enc.bucket_key_enabled,
            encryption_context=dict(enc.encryption_context),
            size=obj.size,
            etag=obj.etag,
            version_id=obj.version_id,
            root_key_version=obj.envelope.root_key_version,
            _segments=tuple(s for part in obj.parts for s in part.segments),
            replication_status=obj.replication_status,
            tags=dict(obj.attributes.tags),
        )

    def assert_encrypted(
        self,
        bucket: str,
        key: str,
        mode: SseMode | str | None = None,
        kms_key: str | None = None,
        *,
        version_id: str | None = None,
    ) -> StoredView:
        """Assert the object (its current version, or ``version_id``) is stored encrypted (in
        ``mode``, under ``kms_key``); returns its view.

        ``kms_key`` takes every form :meth:`kms_call_count` takes (key id, key ARN, alias name, alias
        ARN, ``alias/aws/s3``). A failure says which key was found, in words."""
        __tracebackhide__ = True
        view = self.stored(bucket, key, version_id)
        if kms_key is None:
            check_encrypted(view, mode)
        else:
            arn = self._known_key_arn(kms_key)
            found = None if view.kms_key_arn == arn else self._key_in_words(view.kms_key_arn)
            check_encrypted(view, mode, kms_key, kms_key_arn=arn, found_key=found)
        return view

    def assert_readable_only_with(
        self, bucket: str, key: str, customer_key: bytes | str
    ) -> StoredView:
        """Assert the object is SSE-C, opens with ``customer_key`` (raw bytes, or text as boto3's
        ``SSECustomerKey`` takes it) and with no other key; returns its view.

        "No other key" holds by construction and is checked as such: the data key is wrapped only
        under a key derived from the customer key (no root or KMS wrapping exists), and the stored
        fingerprint rejects keys that differ from it in a single bit.
        """
        __tracebackhide__ = True
        view = self.assert_encrypted(bucket, key, mode=SseMode.SSE_C)
        secret = customer_key.encode() if isinstance(customer_key, str) else bytes(customer_key)
        obj = self._object(bucket, key)
        problem = check_customer_key(self.engine.sealer, obj.envelope, obj.parts, secret)
        if problem is not None:
            raise S3SSEAssertionError(f"s3://{bucket}/{key} {problem}\n  actual: {view.describe()}")
        return view

    def tamper(self, bucket: str, key: str, *, offset: int = 0) -> None:
        """Flip one bit of the stored ciphertext at ``offset`` (simulated corruption at rest).

        ``offset`` counts from the first stored byte; one outside ``0 <= offset < bytes at rest`` is a
        ValueError (a negative one is not counted from the end).
        """
        obj = self._object(bucket, key)
        if offset < 0:
            msg = f"offset must be 0 or more, got {offset}"
            raise ValueError(msg)
        parts = list(obj.parts)
        for p_index, part in enumerate(parts):
            for s_index, segment in enumerate(part.segments):
                if offset < len(segment):
                    flipped = bytearray(segment)
                    flipped[offset] ^= 0x01
                    segments = list(part.segments)
                    segments[s_index] = bytes(flipped)
                    parts[p_index] = SealedPart(part.part_number, part.size, tuple(segments))
                    self.engine.store.replace(replace(obj, parts=tuple(parts)))
                    return
                offset -= len(segment)
        msg = f"offset is beyond the {sum(p.stored_size for p in obj.parts)} bytes at rest"
        raise ValueError(msg)

    # -- KMS -----------------------------------------------------------------------------------
    @property
    def kms(self) -> KmsService:
        """The engine's KMS service: keys, aliases, quotas and the call log (see docs/kms.md)."""
        return self.engine.kms

    @property
    def kms_calls(self) -> tuple[KmsCall, ...]:
        """Every KMS call so far, made directly or by S3 for a request, oldest first (read-only)."""
        return self.engine.kms.calls

    def kms_call_count(self, operation: str | None = None, *, key: str | None = None) -> int:
        """How many KMS calls were made: of ``operation`` (any when None), using ``key``.

        ``operation`` is a KMS API name (``"Decrypt"``) or boto3's method name (``"decrypt"``); one
        that is neither is a ValueError naming the closest, so ``== 0`` never holds for a typo.
        ``key`` is resolved as KMS would (key id, key ARN, alias name or alias ARN, ``alias/aws/s3``,
        in the engine's account and region unless an ARN says otherwise); a key that does not exist
        there, and never did, is a :class:`KmsKeyNotFoundError`, whatever the form. Failed and
        throttled calls count, as AWS bills and throttles them."""
        __tracebackhide__ = True
        wanted = operation_name(operation) if operation is not None else None
        arn = self._known_key_arn(key) if key is not None else None
        return self.engine.kms.call_count(
            wanted, key=arn, account=self.account_id, region=self.region
        )

    def _known_key_arn(self, key: str) -> str:
        """The ARN of the key ``key`` names (any form); KmsKeyNotFoundError when there is none."""
        __tracebackhide__ = True
        kms = self.engine.kms
        try:
            return kms.known_key_arn(key, account=self.account_id, region=self.region)
        except KmsError as err:
            where = f"account {self.account_id}, region {self.region}"
            hint = ""
            if not key.startswith(("arn:", "alias/")):
                elsewhere = [f"{a}/{r}" for a, r in kms.regions_holding(key)]
                if elsewhere:
                    hint = f" (a key with this id exists in {', '.join(elsewhere)}: pass its ARN)"
            else:
                where = "the account and region it names" if key.startswith("arn:") else where
            msg = f"no KMS key is named {key!r} in {where}{hint}"
            raise KmsKeyNotFoundError(msg) from err

    def _key_in_words(self, arn: str | None) -> str:
        """How a failed assertion names the key it found: "the AWS managed key aws/s3" (the usual
        bug: SSE-KMS requested without SSEKMSKeyId), or the ARN with its aliases."""
        if arn is None:
            return "no KMS key"
        aliases = self.engine.kms.alias_names(arn)
        managed = [a for a in aliases if a.startswith("alias/aws/")]
        if managed:
            name = managed[0].removeprefix("alias/")
            return (
                f"the AWS managed key {name} ({arn}): was the object written without SSEKMSKeyId "
                "(or a bucket default key)?"
            )
        named = f" ({', '.join(aliases)})" if aliases else ""
        return f"{arn}{named}"

    def assert_kms_calls(
        self, *, key: str | None = None, at_most: bool = False, **counts: int
    ) -> None:
        """Assert the KMS calls made so far (with ``key``, when given): exactly ``counts``
        (``assert_kms_calls(GenerateDataKey=1, Decrypt=2)``: those operations, those numbers, no
        other operation), or with ``at_most=True`` no more than each count (a budget; operations
        not named are not limited). Names are KMS's or boto3's (``generate_data_key``); S3's calls
        for requests count, failed and throttled ones too. The failure lists every call."""
        __tracebackhide__ = True
        expected = self._expected_counts(counts)
        calls, label = self._calls_with(key)
        check_kms_calls(calls, expected, at_most=at_most, key_label=label)

    def expect_kms_calls(
        self, *, key: str | None = None, at_most: bool = False, **counts: int
    ) -> None:
        """:meth:`assert_kms_calls`, checked when the engine stops (the fixture's teardown, the end
        of ``mock_s3sse``): a test states its KMS budget up front and fails if it is not met."""
        __tracebackhide__ = True
        expected = self._expected_counts(counts)  # a misspelt name fails now, not at teardown
        if key is not None:
            self._known_key_arn(key)
        self._expectations.append((key, at_most, expected))
        self._kms_covers.append((key, expected))

    def expect_requests(
        self,
        *operations: str,
        bucket: str | None = None,
        key: str | None = None,
        times: int | None = None,
    ) -> None:
        """Expect S3 or KMS requests of ``operations`` (API names, ``"PutObject"``, or boto3's,
        ``"put_object"``), in ``bucket`` and to ``key`` when given: each expectation must be met
        when the engine stops (at least one such request, or exactly ``times``), and with the
        ``assert_all_requests_expected`` option every request must be covered by one (pytest-httpx
        style; docs/assertions.md). KMS names are checked now (a misspelt one is a ValueError);
        an S3 name that names no request fails at stop, as an expectation never met."""
        __tracebackhide__ = True
        if not operations:
            msg = "expect_requests needs at least one operation name"
            raise TypeError(msg)
        if times is not None and (type(times) is not int or times < 0):
            msg = f"times={times!r}: a count is a whole number, 0 or more"
            raise ValueError(msg)
        expectation = RequestExpectation(
            frozenset(api_operation_name(name) for name in operations), bucket, key, times
        )
        self._request_expectations.append(expectation)
        self._request_covers.append(expectation)

    def _records(self) -> list[RequestRecord]:
        return self.engine.events.of(RequestRecord)

    def _expected(self, record: RequestRecord, kms_keys: Mapping[str, str | None]) -> bool:
        if any(cover.matches(record) for cover in self._request_covers):
            return True
        if record.service != "kms" or record.operation is None:
            return False
        for key, counts in self._kms_covers:
            if counts.get(record.operation, 0) == 0:
                continue
            if key is None or kms_keys.get(record.request_id) == self._known_key_arn(key):
                return True
        return False

    def check_expectations(self) -> None:
        """Check every :meth:`expect_kms_calls` and :meth:`expect_requests` now, and with the
        ``assert_all_requests_expected`` option that every request was expected (stop() does,
        once; each expectation is checked once)."""
        __tracebackhide__ = True
        pending, self._expectations = self._expectations, []
        requested, self._request_expectations = self._request_expectations, []
        problems = []
        for key, at_most, expected in pending:
            calls, label = self._calls_with(key)
            try:
                check_kms_calls(calls, expected, at_most=at_most, key_label=label)
            except S3SSEAssertionError as err:
                problems.append(str(err))
        records = self._records()
        problems += [p for p in (e.problem(records) for e in requested) if p is not None]
        unexpected: list[RequestRecord] = []
        if self.engine.options.assert_all_requests_expected:
            kms_keys = {
                call.request_id: call.key_arn
                for call in self.kms_calls
                if call.via != "s3" and call.request_id is not None
            }
            unexpected = [r for r in records if not self._expected(r, kms_keys)]
        check_requests(problems, unexpected)

    def assert_key_used_by(self, key: str, principal: str | ClientKwargs | Principal) -> None:
        """Assert a successful KMS call (direct, or S3's for a request) used ``key`` as
        ``principal``: an ARN (a role's ARN covers its sessions), the mapping
        :meth:`principal` returned, or a :class:`Principal`. The failure says who did use it."""
        __tracebackhide__ = True
        arn = self._known_key_arn(key)
        callers: tuple[str, ...]
        if isinstance(principal, ClientKwargs):
            callers, who = (principal.session_arn, principal.arn), principal.arn
        elif isinstance(principal, Principal):
            callers, who = (principal.arn,), principal.arn
        else:
            callers, who = (principal,), principal
        role = callers[0].split(":role/", 1)
        calls = self.kms_calls
        if len(role) == 2:  # a role ARN: any of its sessions
            prefix = role[0].replace(":iam::", ":sts::", 1) + ":assumed-role/" + role[1] + "/"
            callers = (*callers, *{c.caller for c in calls if c.caller.startswith(prefix)})
        check_key_used_by(calls, arn, callers, who)

    def assert_all_objects_encrypted_with(
        self, mode: SseMode | str, kms_key: str | None = None, *, bucket: str | None = None
    ) -> None:
        """Assert every stored object (of ``bucket``, or of every bucket) is encrypted in ``mode``
        (under ``kms_key``, any form :meth:`kms_call_count` takes). The failure lists each object
        that is not, with its encryption."""
        __tracebackhide__ = True
        arn = self._known_key_arn(kms_key) if kms_key is not None else None
        views = [self._view(obj) for obj in self.engine.store.snapshot(bucket)]
        check_all_encrypted(views, mode, arn, kms_key)

    def assert_no_plaintext_at_rest(self, *needles: bytes | str, bucket: str | None = None) -> None:
        """Assert that no stored object (of ``bucket``, or of every bucket; every version) holds its
        plaintext at rest, and that no ``needle`` (bytes, or text as UTF-8) is stored anywhere.

        Each object is decrypted inside the engine with its own key material (no KMS call is made or
        recorded, no quota or Bucket Key cache touched) and each 64 KiB segment's plaintext is
        searched for in that segment's stored bytes. SSE-C objects cannot be decrypted without the
        customer's key, which the engine never keeps: they are checked by construction (wrapped only
        under the customer key, every segment the size of a sealed one), and so are objects whose
        KMS key was deleted. Needles are searched for in every object's bytes at rest and in what S3
        keeps in clear beside them: the key, user metadata, the standard headers and the encryption
        context (SSE does not encrypt them, on AWS either). The failure names each object, where
        (ciphertext or which field) and the offset. Parts of multipart uploads in progress are at
        rest too, and are looked at the same way."""
        __tracebackhide__ = True
        wanted = needle_bytes(needles)
        sealer = self.engine.sealer
        items = [(object_name(obj), obj, True) for obj in self.engine.store.snapshot(bucket)]
        items += self._uploads_at_rest(bucket)
        findings: dict[str, list[str]] = {}
        opaque = 0
        for name, obj, whole in items:
            found = scan_clear(obj, wanted)
            if obj.encryption.mode is SseMode.NONE:
                found.append(
                    "stored unencrypted (mode NONE: a legacy object written before S3 encrypted "
                    "every object, s3sse.put_unencrypted): its bytes are at rest in clear"
                )
                findings[name] = found
                continue
            try:
                aead = sealer.open_at_rest(obj.envelope)
                if aead is not None and whole:
                    sealer.check_parts(obj.envelope, obj.parts)
                opaque += aead is None
                found += scan_ciphertext(obj, aead, wanted)
            except DecryptionError as err:
                found.append(
                    f"ciphertext: does not open under its own key material ({err}): altered at "
                    "rest (s3sse.tamper?), so what it holds cannot be checked"
                )
            if found:
                findings[name] = found
        check_no_plaintext(findings, len(items), opaque)

    def _uploads_at_rest(self, bucket: str | None) -> list[tuple[str, StoredObject, bool]]:
        """Each multipart upload in progress as an object of its uploaded parts (their ciphertext is
        at rest too), named as such; False: no part-list tag to check yet."""
        store = self.engine.store
        names = [b.name for b in store.buckets()] if bucket is None else [bucket]
        found = []
        for name in names:
            for upload in store.uploads(name):
                try:
                    _, parts = store.parts(name, upload.key, upload.upload_id)
                except S3Error:  # completed or aborted meanwhile: it is an object now, or nothing
                    continue
                sealed = tuple(sorted((p.sealed for p in parts), key=lambda p: p.part_number))
                obj = StoredObject(
                    bucket=name,
                    key=upload.key,
                    size=sum(p.size for p in sealed),
                    etag="",
                    last_modified=upload.initiated,
                    attributes=upload.attributes,
                    envelope=upload.envelope,
                    parts=sealed,
                )
                label = f"s3://{name}/{upload.key} upload {upload.upload_id} in progress"
                found.append((f"{label} ({upload.encryption.mode.value})", obj, False))
        return found

    def encryption_report(
        self, bucket: str | None = None, *, kms_key_arns: Sequence[str] | None = None
    ) -> EncryptionReport:
        """Every stored object's encryption in S3 Inventory's fields (Bucket, Key, VersionId,
        IsLatest, EncryptionStatus, BucketKeyStatus ... plus KMSKeyArn, which Inventory lacks), and
        each bucket's verdict under AWS Config's ``s3-bucket-server-side-encryption-enabled`` and
        ``s3-default-encryption-kms`` (``kms_key_arns``: that rule's parameter). ``.rows`` are
        dicts; ``.csv()`` and ``.table()`` render them (docs/assertions.md)."""
        store = self.engine.store
        buckets = store.buckets() if bucket is None else [store.bucket(bucket)]

        def resolve(key: str) -> str | None:
            try:
                return self._known_key_arn(key)
            except KmsKeyNotFoundError:
                return None

        return encryption_report(
            store.versions_snapshot(bucket),
            buckets,
            kms_key_arns=kms_key_arns,
            resolve_key=resolve,
        )

    def kms_cost(self, *, free_tier_used: int = 0) -> KmsCost:
        """What the KMS requests made so far cost at KMS's published price ($0.03 per 10,000
        symmetric requests, as of 2026-06), with and without the 20,000-request monthly free tier
        (``free_tier_used``: requests of it already spent), by key and by operation."""
        return kms_cost(self.kms_calls, free_tier_used=free_tier_used)

    def _expected_counts(self, counts: Mapping[str, int]) -> dict[str, int]:
        __tracebackhide__ = True
        expected: dict[str, int] = {}
        for name, number in counts.items():
            if not isinstance(number, int) or number < 0:
                msg = f"{name}={number!r}: a count is a whole number, 0 or more"
                raise ValueError(msg)
            expected[operation_name(name)] = number
        return expected

    def _calls_with(self, key: str | None) -> tuple[tuple[KmsCall, ...], str | None]:
        __tracebackhide__ = True
        calls = self.kms_calls
        if key is None:
            return calls, None
        arn = self._known_key_arn(key)
        label = key if key == arn else f"{key} ({arn})"
        return tuple(call for call in calls if call.involves(arn)), label

    def kms_quota(
        self,
        family: str,
        per_second: float | Literal["aws"] | None,
        *,
        burst: float | None = None,
    ) -> None:
        """Throttle KMS like AWS: at most ``per_second`` requests per second (a token bucket of
        ``burst`` requests, refilled on the engine clock) for ``family``, per account and region.

        ``family`` is ``"cryptographic"`` (Encrypt, Decrypt, GenerateDataKey*, GenerateMac ... with
        symmetric and HMAC keys share one quota, S3's calls included), ``"cryptographic-rsa"`` /
        ``"cryptographic-ecc"`` (the same operations and Sign, Verify, DeriveSharedSecret with RSA /
        ECC keys), ``"GenerateDataKeyPair (<KeyPairSpec>)"``, or a management operation's name
        (``"CreateKey"``, ``"GetPublicKey"``). ``"aws"`` uses AWS's default rate; None lifts the limit.
        Beyond it KMS answers ``ThrottlingException``.
        """
        quotas = self.engine.kms.quotas
        if per_second is None:
            quotas.clear(family)
        else:
            quotas.configure(family, None if per_second == "aws" else per_second, burst)

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<S3SSE account={self.account_id} region={self.region} {state}>"


class _MockS3SSE(Protocol[Knobs]):
    """The type of :func:`mock_s3sse`: keywords give a handle; a bare decorator works too."""

    # mypy cannot see that the options are keyword-only, so a positional target never matches them.
    @overload
    def __call__(self, target: type[T], /) -> type[T]: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, target: Callable[P, R], /) -> Callable[P, R]: ...  # type: ignore[overload-overlap]

    @overload
    def __call__(self, *args: Knobs.args, **kwargs: Knobs.kwargs) -> S3SSE: ...


def _bare_or_keywords(
    options: Callable[Knobs, EngineOptions],
) -> Callable[[Callable[..., Any]], _MockS3SSE[Knobs]]:
    """Borrow the keywords of ``options`` (as :func:`_keywords_of`) for a function that also takes
    one positional argument: the function or class it decorates when used without parentheses."""

    def borrow(func: Callable[..., Any]) -> _MockS3SSE[Knobs]:
        target = inspect.Parameter("target", inspect.Parameter.POSITIONAL_ONLY, default=None)
        keywords = inspect.signature(options).parameters.values()
        func.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [target, *keywords], return_annotation="S3SSE"
        )
        return cast("_MockS3SSE[Knobs]", func)

    return borrow


@_bare_or_keywords(EngineOptions)
def mock_s3sse(target: Any = None, /, **options: Any) -> Any:
    """A fresh engine, as a context manager (``with mock_s3sse() as s3sse:``) or decorator of a
    function or a test class (``@mock_s3sse()``, or bare ``@mock_s3sse`` for the default options).

    Takes the keywords of :class:`~pytest_s3sse.EngineOptions` (defaults, checks and meaning there); a
    misspelt one is a TypeError. As a decorator, see :meth:`S3SSE.__call__` for what each call shares
    and how a class is decorated.
    """
    if target is None:
        return S3SSE(**options)
    if options or not callable(target):
        msg = (
            f"mock_s3sse takes keyword options only, got the positional {target!r}: write "
            "@mock_s3sse, @mock_s3sse() or @mock_s3sse(region=...)"
        )
        raise TypeError(msg)
    return S3SSE()(target)

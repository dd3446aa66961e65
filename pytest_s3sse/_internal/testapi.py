"""The user-facing handle on an engine: the object the ``s3sse`` fixture gives, and
:func:`mock_s3sse`, the same thing as a context manager and decorator."""

from __future__ import annotations

import functools
import inspect
import unittest
from collections.abc import Callable, Mapping
from dataclasses import fields
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast, overload

from pytest_s3sse._internal import report
from pytest_s3sse._internal.assertions import (
    RequestExpectation,
)
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.errors import (
    S3SSEError,
)
from pytest_s3sse._internal.explain import Explanation, explain
from pytest_s3sse._internal.options import EngineOptions
from pytest_s3sse._internal.principals import DEFAULT_SESSION_NAME, ClientKwargs
from pytest_s3sse._internal.s3.replication import Replication
from pytest_s3sse._internal.testapi_at_rest import AtRest
from pytest_s3sse._internal.trail import Trail
from pytest_s3sse._internal.types import Principal
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


class S3SSE(AtRest):
    """An in-process S3 with real server-side encryption, and the test API around it.

    Use it through the ``s3sse`` fixture, or as ``with mock_s3sse() as s3sse:``. While active, every
    botocore S3 request of the process is answered by this engine and no request reaches AWS.
    """

    @_init_keywords_of(EngineOptions)
    def __init__(self, **options: Any) -> None:
        """Takes the keywords of :class:`~pytest_s3sse._internal.options.EngineOptions` (defaults, checks and
        meaning there); a misspelt one is a TypeError."""
        self._attach(Engine(EngineOptions(**options)))

    @classmethod
    def of_engine(cls, engine: Engine) -> S3SSE:
        """A handle on an existing engine (one restored from a state directory)."""
        handle = cls.__new__(cls)
        handle._attach(engine)
        return handle

    def _attach(self, engine: Engine) -> None:
        self.engine = engine
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

"""The user-facing handle on an engine: the object the ``s3sse`` fixture gives, and
:func:`mock_s3sse`, the same thing as a context manager and decorator."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from pytest_s3sse.assertions import StoredView, check_encrypted
from pytest_s3sse.clock import Clock
from pytest_s3sse.crypto.keyring import DEFAULT_ROTATION
from pytest_s3sse.crypto.segments import SealedPart
from pytest_s3sse.engine import DEFAULT_ACCOUNT, DEFAULT_REGION, Engine
from pytest_s3sse.errors import ObjectNotFoundError
from pytest_s3sse.s3.store import StoredObject
from pytest_s3sse.types import Principal, SseMode
from pytest_s3sse.wire import botocore_adapter

P = ParamSpec("P")
R = TypeVar("R")


class S3SSE:
    """An in-process S3 with real server-side encryption, and the test API around it.

    Use it through the ``s3sse`` fixture, or as ``with mock_s3sse() as s3sse:``. While active, every
    botocore S3 request of the process is answered by this engine and no request reaches AWS.
    """

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        seed: int | None = None,
        clock: Clock | None = None,
        root_key_rotation: timedelta = DEFAULT_ROTATION,
    ) -> None:
        self._options: dict[str, Any] = {
            "account_id": account_id,
            "region": region,
            "seed": seed,
            "root_key_rotation": root_key_rotation,
        }
        self.engine = Engine(
            account_id=account_id, region=region, seed=seed, clock=clock,
            root_key_rotation=root_key_rotation,
        )  # fmt: skip
        self._active = False

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> S3SSE:
        """Activate: botocore requests are answered by this engine until :meth:`stop`."""
        if not self._active:
            botocore_adapter.activate(self.engine)
            self._active = True
        return self

    def stop(self) -> None:
        """Deactivate; when no other engine is active, botocore is restored exactly."""
        if self._active:
            botocore_adapter.deactivate(self.engine)
            self._active = False

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
        self.stop()

    def __call__(self, func: Callable[P, R]) -> Callable[P, R]:
        """Decorate ``func``: each call runs with a fresh engine of the same options."""
        if inspect.iscoroutinefunction(func):
            msg = "mock_s3sse does not decorate coroutine functions; use it as a context manager"
            raise TypeError(msg)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with S3SSE(**self._options):
                return func(*args, **kwargs)

        return wrapper

    # -- identity and time ---------------------------------------------------------------------
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
        self, access_key_id: str, *, account_id: str, arn: str | None = None
    ) -> Principal:
        """Requests signed with ``access_key_id`` come from ``account_id`` (another account's buckets)."""
        return self.engine.add_credentials(access_key_id, account_id=account_id, arn=arn)

    def rotate_root_key(self) -> int:
        """Force a new SSE-S3 root key version now; returns its number."""
        return self.engine.root_keys.rotate().version

    # -- at rest -------------------------------------------------------------------------------
    def _object(self, bucket: str, key: str) -> StoredObject:
        with self.engine.store.lock:
            found = self.engine.store.buckets.get(bucket)
            obj = found.current(key) if found is not None else None
        if obj is None:
            where = "bucket does not exist" if found is None else "no such key"
            msg = f"s3://{bucket}/{key} is not stored ({where})"
            raise ObjectNotFoundError(msg)
        return obj

    def stored(self, bucket: str, key: str) -> StoredView:
        """The object as it is at rest: mode, key ARN, context and ciphertext."""
        obj = self._object(bucket, key)
        enc = obj.encryption
        return StoredView(
            bucket=bucket,
            key=key,
            mode=enc.mode.value,
            kms_key_arn=enc.kms_key_arn,
            bucket_key_enabled=enc.bucket_key_enabled,
            encryption_context=dict(enc.encryption_context),
            size=obj.size,
            etag=obj.etag,
            version_id=obj.version_id,
            root_key_version=obj.envelope.wrapped.root_version,
            _segments=tuple(s for part in obj.parts for s in part.segments),
        )

    def assert_encrypted(
        self, bucket: str, key: str, mode: SseMode | str | None = None, kms_key: str | None = None
    ) -> StoredView:
        """Assert the object is stored encrypted (in ``mode``, under ``kms_key``); returns its view."""
        __tracebackhide__ = True
        view = self.stored(bucket, key)
        check_encrypted(view, mode, kms_key)
        return view

    def tamper(self, bucket: str, key: str, *, offset: int = 0) -> None:
        """Flip one bit of the stored ciphertext at ``offset`` (simulated corruption at rest)."""
        obj = self._object(bucket, key)
        parts = list(obj.parts)
        for p_index, part in enumerate(parts):
            for s_index, segment in enumerate(part.segments):
                if offset < len(segment):
                    flipped = bytearray(segment)
                    flipped[offset] ^= 0x01
                    segments = list(part.segments)
                    segments[s_index] = bytes(flipped)
                    parts[p_index] = SealedPart(part.part_number, part.size, tuple(segments))
                    with self.engine.store.lock:
                        self.engine.store.bucket(bucket).put(replace(obj, parts=tuple(parts)))
                    return
                offset -= len(segment)
        msg = f"offset is beyond the {sum(p.stored_size for p in obj.parts)} bytes at rest"
        raise ValueError(msg)

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<S3SSE account={self.account_id} region={self.region} {state}>"


def mock_s3sse(
    *,
    account_id: str = DEFAULT_ACCOUNT,
    region: str = DEFAULT_REGION,
    seed: int | None = None,
    clock: Clock | None = None,
    root_key_rotation: timedelta = DEFAULT_ROTATION,
) -> S3SSE:
    """A fresh engine, as a context manager (``with mock_s3sse() as s3sse:``) or decorator."""
    return S3SSE(
        account_id=account_id,
        region=region,
        seed=seed,
        clock=clock,
        root_key_rotation=root_key_rotation,
    )

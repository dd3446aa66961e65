"""Coexistence with your own ``responses`` mock (public API, re-exported by the package).

A separate module so that importing ``pytest_s3sse`` does not import ``requests``: the bridge is
imported when an engine first activates, or when this function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_s3sse._internal.wire.requests_adapter import UserMock


def add_s3sse_passthru(mock: UserMock) -> None:
    """Let S3 requests through your ``responses.RequestsMock`` to the active engine.

    Needed only for a mock started *after* the engine (``@responses.activate``, or ``with
    responses.RequestsMock() as rsps:`` inside a test using the ``s3sse`` fixture): while active, it
    sees every ``requests`` call first and refuses those it has no match for. After this call, S3 hosts
    and presigned URLs go to the engine, other AWS services are blocked, your registered responses keep
    priority and your other passthrus still reach the network. S3 calls are not recorded in
    ``mock.calls``. Idempotent. A mock started *before* the engine needs nothing: the engine is layered
    on top of it.
    """
    from pytest_s3sse._internal.wire import requests_adapter  # noqa: PLC0415 - imports requests, see above

    requests_adapter.add_s3sse_passthru(mock)

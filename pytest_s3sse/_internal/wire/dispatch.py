"""The one call every adapter makes: hand a request to the active engine, and turn an unexpected
exception (an engine bug) into a clearly labelled InternalEngineError.

The label names method, scheme, host and path but never the query string: a presigned URL can carry
an SSE-C key there.
"""

from __future__ import annotations

from pytest_s3sse._internal.errors import AwsError, InternalEngineError, RealAWSCallBlockedError
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.wire.slot import Dispatcher


def dispatch(engine: Dispatcher, request: HttpRequest) -> HttpResponse | None:
    """The engine's answer to ``request`` (None: not served), engine bugs labelled as such."""
    try:
        return engine.dispatch(request)
    except (AwsError, InternalEngineError, RealAWSCallBlockedError):
        raise
    except Exception as exc:
        where = f"{request.method} {request.scheme}://{request.host}{request.path}"
        msg = f"pytest-s3sse failed while answering {where}: {exc!r}"
        raise InternalEngineError(msg) from exc

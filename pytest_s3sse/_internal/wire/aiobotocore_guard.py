"""aiobotocore is not supported yet: while an engine is active its requests are stopped, named.

aiobotocore's ``AioEndpoint`` overrides botocore's ``Endpoint._send`` with a coroutine, so the
``Endpoint._send`` guard of ``botocore_adapter.py`` never sees its requests (a client built before the
engine started would reach the network), and the ``before-send`` handler, which a session built while
an engine is active copies, answers with a synchronous response that aiobotocore cannot await (its
async bodies fail inside the engine). Until the engine answers async clients, this adapter stops every
aiobotocore request before it is built, with
:class:`~pytest_s3sse._internal.errors.RealAWSCallBlockedError` naming aiobotocore, and
``botocore_adapter.py`` refuses an async request body the same way.

It patches ``aiobotocore.endpoint.AioEndpoint._send_request`` (a private name of aiobotocore, relied
on here only) when aiobotocore is installed, and restores it at the last deactivation. The module
registers itself as the adapter "aiobotocore" (``wire/registry.py``).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from typing import Any

from pytest_s3sse._internal.errors import RealAWSCallBlockedError
from pytest_s3sse._internal.wire import registry, slot

MSG_AIOBOTOCORE = (
    "pytest-s3sse does not support aiobotocore (aioboto3, s3fs ...) yet: the request was stopped "
    "before it reached AWS. Use a boto3 or botocore client in tests that run an s3sse engine for now."
)

_original: Any = None


def _refused_while_active(original: Callable[..., Any]) -> Callable[..., Any]:
    async def _send_request(self: Any, *args: Any, **kwargs: Any) -> Any:
        if slot.current() is not None:
            raise RealAWSCallBlockedError(MSG_AIOBOTOCORE)
        return await original(self, *args, **kwargs)

    _send_request.__s3sse__ = True  # type: ignore[attr-defined]
    _send_request.__wrapped__ = original  # type: ignore[attr-defined]
    return _send_request


def install(region: str | None = None) -> None:
    """Stop aiobotocore's requests while an engine is active (idempotent; nothing when it is not
    installed)."""
    global _original  # noqa: PLW0603
    module = sys.modules.get("aiobotocore.endpoint")
    if module is None:
        if not registry.is_installed("aiobotocore"):
            return
        try:
            module = importlib.import_module("aiobotocore.endpoint")
        except ImportError:  # pragma: no cover - a broken install (aiohttp missing ...)
            return
    endpoint = getattr(module, "AioEndpoint", None)
    current = getattr(endpoint, "_send_request", None)
    if current is None or getattr(current, "__s3sse__", False) is True:
        return
    _original = current
    endpoint._send_request = _refused_while_active(current)  # type: ignore[union-attr]


def uninstall() -> None:
    """Put aiobotocore back as it was."""
    global _original  # noqa: PLW0603
    if _original is not None:
        module = sys.modules["aiobotocore.endpoint"]
        module.AioEndpoint._send_request = _original
        _original = None


registry.register(registry.Adapter("aiobotocore", install, uninstall))

"""The CRT guard: boto3's CRT transfer client sends its requests past botocore's HTTP layer.

With ``awscrt`` installed (``boto3[crt]``), boto3's managed transfers (``upload_file``,
``download_file``, ``copy`` ... and ``S3Transfer``) may run on s3transfer's ``CRTTransferManager``:
``TransferConfig(preferred_transfer_client="crt")``, or ``"auto"`` on an instance type awscrt is
optimised for. That manager builds each request with botocore but sends it through awscrt's native S3
client, so neither the ``before-send`` handler nor the ``Endpoint._send`` guard of
``botocore_adapter.py`` sees it: it would reach the network.

While an engine is active this adapter keeps the guard whole, in two places:

- ``boto3.s3.transfer._should_use_crt`` answers False, so ``create_transfer_manager`` takes boto3's
  own fallback, s3transfer's classic ``TransferManager`` (same results, same operations, through
  botocore, so the engine answers them). A test that asked for CRT still runs; boto3 logs at debug
  level which client it used.
- ``s3transfer.crt.CRTTransferManager._submit_transfer`` (a manager built by hand, or before the
  engine started) raises :class:`~pytest_s3sse._internal.errors.RealAWSCallBlockedError` naming
  CRT and the way out.

Both are private names of boto3 and s3transfer (the only reliance on them, here); each is patched
only when present, and both are restored at the last deactivation. The module registers itself as
the adapter "crt" (``wire/registry.py``). Importing boto3's transfer module costs a few tens of
milliseconds at the first activation; nothing is imported when boto3 is not installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from pytest_s3sse._internal.errors import RealAWSCallBlockedError
from pytest_s3sse._internal.wire import loopback, registry, slot

MSG_CRT_BLOCKED = (
    "pytest-s3sse stopped a request of s3transfer's CRT transfer manager: awscrt sends requests "
    "natively, past botocore, where the engine cannot answer them. boto3's managed transfers "
    "(upload_file, download_file, copy, S3Transfer) use the classic transfer manager while an engine "
    "is active; build a TransferManager yourself with "
    "boto3.s3.transfer.create_transfer_manager(client, TransferConfig(...)), or pass "
    "TransferConfig(preferred_transfer_client='classic'); or give the CRT client the endpoint of a "
    "local server of the same engine (the s3sse_server fixture; docs/local-endpoint.md)."
)

_patched: list[tuple[Any, str, Any]] = []  # (owner, attribute, original), to restore


def _loaded(name: str) -> ModuleType | None:
    """``name`` imported if its top-level package is installed (None otherwise)."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    top = name.partition(".")[0]
    if not registry.is_installed(top):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:  # s3transfer.crt without awscrt, an old boto3
        return None


def _classic_while_active(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def _should_use_crt(config: Any) -> bool:
        wanted = original(config)  # keeps boto3's own checks (MissingDependencyException ...)
        return wanted and slot.current() is None

    _should_use_crt.__s3sse__ = True  # type: ignore[attr-defined]
    _should_use_crt.__wrapped__ = original  # type: ignore[attr-defined]
    return _should_use_crt


def _endpoint_of(manager: Any) -> str:
    """The endpoint a CRT manager's requests are built for ("" when it cannot be read): its request
    serializer's botocore client (s3transfer private names, read defensively)."""
    serializer = getattr(getattr(manager, "_s3_args_creator", None), "_request_serializer", None)
    meta = getattr(getattr(serializer, "_client", None), "meta", None)
    url = getattr(meta, "endpoint_url", None)
    return url if isinstance(url, str) else ""


def _refused_while_active(original: Callable[..., Any]) -> Callable[..., Any]:
    def _submit_transfer(self: Any, *args: Any, **kwargs: Any) -> Any:
        # A manager built for one of our local endpoints (wire/server.py) reaches it over loopback.
        if slot.current() is not None and not loopback.addresses_local_server(_endpoint_of(self)):
            raise RealAWSCallBlockedError(MSG_CRT_BLOCKED)
        return original(self, *args, **kwargs)

    _submit_transfer.__s3sse__ = True  # type: ignore[attr-defined]
    _submit_transfer.__wrapped__ = original  # type: ignore[attr-defined]
    return _submit_transfer


def _patch(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    current = getattr(owner, name, None)
    if current is None or getattr(current, "__s3sse__", False) is True:
        return
    _patched.append((owner, name, current))
    setattr(owner, name, make(current))


def install(region: str | None = None) -> None:
    """Route boto3's transfers to the classic manager and refuse CRT ones (idempotent)."""
    transfer = _loaded("boto3.s3.transfer")
    if transfer is not None:
        _patch(transfer, "_should_use_crt", _classic_while_active)
    crt = _loaded("s3transfer.crt") if registry.is_installed("awscrt") else None
    if crt is not None:
        _patch(crt.CRTTransferManager, "_submit_transfer", _refused_while_active)


def uninstall() -> None:
    """Put back what :func:`install` replaced."""
    while _patched:
        owner, name, original = _patched.pop()
        setattr(owner, name, original)


registry.register(registry.Adapter("crt", install, uninstall))

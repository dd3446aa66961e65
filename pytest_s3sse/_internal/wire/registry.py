"""The adapters, in the order they are installed. Each adapter module registers itself; activation only
walks this registry, so a new adapter (aiobotocore, a local HTTP server) plugs in with one register
call and no edit of ``activation.py``.

An :class:`Adapter` is a name and two idempotent callables. The first activation installs every
registered adapter in registration order; the last deactivation uninstalls the installed ones in
reverse, so whatever was put in place last is taken away first.

An adapter whose library is costly to import is registered lazily, by module path
(:func:`register_lazy`): the module is imported at the first activation and, as it is imported, calls
:func:`register` under the same name, which takes the placeholder's place and position. The built-in
adapters at the end of this module are registered that way, so importing the package imports neither
botocore (~100 ms) nor ``requests`` (~40 ms), and a test run that never starts an engine pays for
neither.

Registering a name that is already registered replaces its entry where it stands, never adds a second
one. Register at import time: an adapter registered while an engine is active is installed at the next
first activation.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Adapter:
    """One way requests reach the engine.

    ``install(region)`` puts it in place (``region`` is the activating engine's default region, for
    adapters that configure clients; botocore's needs it) and ``uninstall()`` restores what it
    replaced. Both must be idempotent: activation may call them on an adapter already in that state.
    """

    name: str
    install: Callable[[str | None], None]
    uninstall: Callable[[], None]


@dataclass(frozen=True, slots=True)
class _Lazy:
    """A placeholder: the module that registers the adapter when it is imported."""

    module: str


_entries: dict[str, Adapter | _Lazy] = {}  # insertion-ordered: the install order
_installed: list[Adapter] = []  # what the last install_all put in place, in order


def register(adapter: Adapter) -> None:
    """Add ``adapter`` at the end, or replace the entry of the same name where it stands."""
    _entries[adapter.name] = adapter


def register_lazy(name: str, module: str) -> None:
    """Reserve ``name``'s place for the adapter that ``module`` registers when it is imported (at the
    first activation). A no-op when that adapter is registered already."""
    if not isinstance(_entries.get(name), Adapter):
        _entries[name] = _Lazy(module)


def unregister(name: str) -> None:
    """Forget the adapter ``name`` (a test double, a plug-in going away); an installed one stays
    installed until the last deactivation."""
    _entries.pop(name, None)


def names() -> tuple[str, ...]:
    """The registered adapters' names, in install order."""
    return tuple(_entries)


def _resolve(name: str) -> Adapter:
    entry = _entries[name]
    if isinstance(entry, Adapter):
        return entry
    importlib.import_module(entry.module)
    found = _entries.get(name)
    if not isinstance(found, Adapter):
        msg = f"importing {entry.module} registered no adapter named {name!r}"
        raise LookupError(msg)
    return found


def install_all(region: str | None) -> None:
    """Install every registered adapter, in order (under the slot's lock, at the first activation).

    If one fails, it and the ones before it are uninstalled again before the error propagates, so a
    failed activation leaves nothing patched.
    """
    for name in tuple(_entries):
        try:
            adapter = _resolve(name)
            if adapter not in _installed:  # installed below a guard already: install() again only
                _installed.append(adapter)  # first: a half-done install is undone too (idempotent)
            adapter.install(region)
        except BaseException:
            uninstall_all()
            raise


def uninstall_all() -> None:
    """Uninstall what :func:`install_all` installed, in reverse (under the slot's lock, at the last
    deactivation)."""
    while _installed:
        _installed.pop().uninstall()


# The built-in adapters, in install order: botocore's interception and guard first, then the
# ``requests`` bridge for presigned URLs, the guard that keeps boto3's CRT transfer client off the
# network, aiobotocore's adapter, which relies on botocore's being in place (uninstalled first), and
# the guard that points clients on Rust's object_store (polars, obstore) at a refusing endpoint.
register_lazy("botocore", "pytest_s3sse._internal.wire.botocore_adapter")
register_lazy("requests", "pytest_s3sse._internal.wire.requests_adapter")
register_lazy("crt", "pytest_s3sse._internal.wire.crt")
register_lazy("aiobotocore", "pytest_s3sse._internal.wire.aiobotocore_adapter")
register_lazy("object_store", "pytest_s3sse._internal.wire.object_store_guard")


@functools.cache
def is_installed(package: str) -> bool:
    """True when the top-level ``package`` can be imported. Asked at every activation by the guards
    of optional clients (aiobotocore, CRT) and remembered for the process: a search of ``sys.path``
    costs ~100 us, and what is installed does not change during a test run."""
    return package in sys.modules or importlib.util.find_spec(package) is not None

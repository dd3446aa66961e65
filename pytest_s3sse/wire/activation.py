"""Turning every adapter on and off together, as engines activate and deactivate.

The first activation installs the botocore adapters and the ``requests`` bridge; the last deactivation
removes them all, leaving botocore and ``requests`` exactly as they were. Nested activations only move
the slot's stack (the innermost engine answers).

``requests`` is imported here lazily, at the first activation, not when the plugin is imported: it
costs about 40 ms, and a test run that never starts an engine should not pay it.
"""

from __future__ import annotations

from pytest_s3sse.wire import botocore_adapter, slot


def install(region: str | None = None) -> None:
    """Put every adapter in place (called under the slot's lock when the first engine activates)."""
    botocore_adapter.install(region)
    from pytest_s3sse.wire import requests_adapter  # noqa: PLC0415 - imports requests: see above

    requests_adapter.install()


def uninstall() -> None:
    """Remove every adapter (called under the slot's lock when the last engine deactivates)."""
    from pytest_s3sse.wire import requests_adapter  # noqa: PLC0415 - imported by install already

    requests_adapter.uninstall()
    botocore_adapter.uninstall()


def activate(engine: slot.Dispatcher) -> None:
    """Make ``engine`` answer every botocore and ``requests`` request to AWS (nesting allowed)."""
    slot.push(engine, lambda: install(getattr(engine, "region", None)))


def deactivate(engine: slot.Dispatcher) -> None:
    """Stop ``engine`` answering; the last deactivation restores botocore and ``requests``."""
    slot.pop(engine, uninstall)

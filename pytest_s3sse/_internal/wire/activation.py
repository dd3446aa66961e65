"""Turning every adapter on and off together, as engines activate and deactivate.

The first activation installs every adapter of the registry (``wire/registry.py``: botocore's, the
``requests`` bridge, and any other that registered itself), in order; the last deactivation removes
them in reverse, leaving botocore and ``requests`` exactly as they were. Nested activations only move
the slot's stack (the innermost engine answers).

Nothing here names an adapter, and nothing here imports one: the registry imports each adapter module
at the first activation, so a run that never starts an engine imports neither botocore nor
``requests``.
"""

from __future__ import annotations

from pytest_s3sse._internal.wire import registry, slot


def activate(engine: slot.Dispatcher) -> None:
    """Make ``engine`` answer every request the adapters see (nesting allowed)."""
    slot.push(engine, lambda: registry.install_all(getattr(engine, "region", None)))


def deactivate(engine: slot.Dispatcher) -> None:
    """Stop ``engine`` answering; the last deactivation uninstalls every adapter."""
    slot.pop(engine, registry.uninstall_all)

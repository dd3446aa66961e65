"""The adapter registry (wire/registry.py): adapters register themselves, the first activation installs
them in order and the last deactivation uninstalls them in reverse."""

from __future__ import annotations

import sys
import textwrap

import botocore.handlers
import pytest
import requests.adapters

from pytest_s3sse import mock_s3sse
from pytest_s3sse._internal.wire import registry, slot


def _botocore_patched() -> bool:
    return any(
        getattr(entry[1], "__s3sse__", False) for entry in botocore.handlers.BUILTIN_HANDLERS
    )


def _requests_patched() -> bool:
    send = requests.adapters.HTTPAdapter.__dict__["send"]
    return getattr(send, "_self_wrapper", None) is not None


class Recorder:
    """Registers recording adapters; each call records (what, name, region, botocore patched,
    requests patched) so the order relative to the built-in adapters shows too."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None, bool, bool]] = []
        self.names: list[str] = []

    def add(self, name: str, *, fail: bool = False) -> registry.Adapter:
        def install(region: str | None) -> None:
            self.calls.append(("install", name, region, _botocore_patched(), _requests_patched()))
            if fail:
                raise RuntimeError(f"{name} cannot install")

        def uninstall() -> None:
            self.calls.append(("uninstall", name, None, _botocore_patched(), _requests_patched()))

        adapter = registry.Adapter(name, install, uninstall)
        registry.register(adapter)
        self.names.append(name)
        return adapter

    def steps(self) -> list[tuple[str, str]]:
        return [call[:2] for call in self.calls]


@pytest.fixture
def recorder():
    """Every adapter registered through it (or named in ``names``) is unregistered afterwards."""
    recorder = Recorder()
    yield recorder
    for name in recorder.names:
        registry.unregister(name)


def test_the_built_in_adapters_are_botocore_then_requests():
    assert registry.names()[:2] == ("botocore", "requests")


def test_adapters_install_in_order_and_uninstall_in_reverse(recorder):
    recorder.add("test-a")
    recorder.add("test-b")
    with mock_s3sse(region="eu-west-2"):
        pass
    # Registered after the built-ins: installed once botocore and requests are patched, uninstalled
    # while they still are.
    assert recorder.calls == [
        ("install", "test-a", "eu-west-2", True, True),
        ("install", "test-b", "eu-west-2", True, True),
        ("uninstall", "test-b", None, True, True),
        ("uninstall", "test-a", None, True, True),
    ]
    assert not _botocore_patched()
    assert not _requests_patched()


def test_a_registered_adapter_is_installed_at_the_first_activation_and_removed_at_the_last(
    recorder,
):
    recorder.add("test-a")
    with mock_s3sse():
        assert recorder.steps() == [("install", "test-a")]
        with mock_s3sse():
            pass
        assert recorder.steps() == [("install", "test-a")]  # the outer engine still answers
    assert recorder.steps() == [("install", "test-a"), ("uninstall", "test-a")]


def test_registering_a_name_again_replaces_it_where_it_stands(recorder):
    first = recorder.add("test-a")
    recorder.add("test-b")
    second = recorder.add("test-a")
    assert second is not first
    names = registry.names()
    assert names.count("test-a") == 1
    assert names.index("test-a") < names.index("test-b")
    with mock_s3sse():
        pass
    assert recorder.steps() == [
        ("install", "test-a"),
        ("install", "test-b"),
        ("uninstall", "test-b"),
        ("uninstall", "test-a"),
    ]


def test_a_failed_install_leaves_nothing_patched(recorder):
    recorder.add("test-a")
    recorder.add("test-broken", fail=True)
    engine = mock_s3sse()
    with pytest.raises(RuntimeError, match="test-broken cannot install"):
        engine.start()
    assert not engine.active
    assert slot.depth() == 0
    assert recorder.steps() == [
        ("install", "test-a"),
        ("install", "test-broken"),
        ("uninstall", "test-broken"),  # uninstall is idempotent: a half-done install is undone too
        ("uninstall", "test-a"),
    ]
    assert not _botocore_patched()
    assert not _requests_patched()


def test_a_lazy_adapter_is_imported_at_the_first_activation(recorder, tmp_path, monkeypatch):
    (tmp_path / "s3sse_lazy_adapter.py").write_text(
        textwrap.dedent(
            """
            from pytest_s3sse._internal.wire import registry

            INSTALLED = []
            registry.register(
                registry.Adapter("test-lazy", INSTALLED.append, lambda: INSTALLED.append("off"))
            )
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "s3sse_lazy_adapter", raising=False)
    recorder.names.append("test-lazy")  # unregistered after the test
    registry.register_lazy("test-lazy", "s3sse_lazy_adapter")
    assert "s3sse_lazy_adapter" not in sys.modules
    with mock_s3sse(region="ap-south-1"):
        module = sys.modules["s3sse_lazy_adapter"]
        assert module.INSTALLED == ["ap-south-1"]
    assert module.INSTALLED == ["ap-south-1", "off"]
    registry.register_lazy("test-lazy", "s3sse_lazy_adapter")  # already registered: kept
    assert isinstance(registry._entries["test-lazy"], registry.Adapter)


def test_a_lazy_module_that_registers_no_adapter_is_an_error(recorder, monkeypatch):
    recorder.names.append("test-missing")
    registry.register_lazy("test-missing", "pytest_s3sse._internal.wire.slot")  # registers nothing
    with pytest.raises(LookupError, match="registered no adapter named 'test-missing'"):
        mock_s3sse().start()
    assert slot.depth() == 0
    assert not _botocore_patched()

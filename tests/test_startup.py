"""Loading the plugin is cheap (issue 12, point 7): every pytest run of a project that installed it
pays for its import, so the plugin and the package root import the engine, botocore, ``requests`` and
``cryptography`` only on first use. ``benchmarks/startup.py`` measures the time; these tests keep the
imports out."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pytest_s3sse

HEAVY = ("botocore", "boto3", "requests", "cryptography", "responses", "wrapt", "hypothesis")
ENGINE = "pytest_s3sse._internal.engine"


def _loaded_after(code: str) -> list[str]:
    """The heavy modules (and the engine) that ``code`` imports in a fresh interpreter."""
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import sys
        heavy = {HEAVY!r}
        print("\\n".join(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m == {ENGINE!r})))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.split()


def test_loading_the_plugin_imports_no_botocore_requests_cryptography_or_engine():
    # What pytest does at start-up: import the entry point, then call its option and marker hooks.
    loaded = _loaded_after(
        """
        import pytest_s3sse.plugin as plugin
        plugin.marker_help()
        """
    )
    assert loaded == []


def test_importing_the_package_root_imports_no_botocore_or_engine():
    assert _loaded_after("import pytest_s3sse") == []


def test_a_public_name_is_imported_on_first_access():
    loaded = _loaded_after("from pytest_s3sse import S3SSE")
    assert ENGINE in loaded


def test_every_public_name_resolves_and_the_table_of_homes_matches_the_type_checking_imports():
    root = Path(pytest_s3sse.__file__)
    tree = ast.parse(root.read_text())
    imported = {
        alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and "_internal" in node.module
        for alias in node.names
    }
    homes = {name: f"pytest_s3sse._internal.{home}" for name, home in pytest_s3sse._HOME.items()}
    assert homes == imported
    assert sorted(homes) == sorted(pytest_s3sse.__all__)
    for name in pytest_s3sse.__all__:
        assert getattr(pytest_s3sse, name) is not None
    assert set(pytest_s3sse.__all__) <= set(dir(pytest_s3sse))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchName"):
        _ = pytest_s3sse.NoSuchName  # type: ignore[attr-defined]


def test_a_pytest_run_that_never_uses_the_engine_imports_none_of_it(pytester):
    pytester.makepyfile(
        f"""
        import sys

        def test_nothing_heavy_is_loaded():
            assert "pytest_s3sse.plugin" in sys.modules
            heavy = {HEAVY!r}
            assert [m for m in sys.modules if m.split(".")[0] in heavy or m == {ENGINE!r}] == []
        """
    )
    # A subprocess: this process has imported everything already. -p no:... keeps other installed
    # plugins out of the question; the s3sse plugin loads from its entry point.
    result = pytester.runpytest_subprocess("-p", "no:benchmark", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)

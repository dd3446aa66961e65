"""Issue 14, "Done when": every public name has a docstring and appears in the API reference.

Public names are those of ``pytest_s3sse.__all__`` (listed in docs/reference.md) and of
``pytest_s3sse.strategies.__all__`` (listed in the API section of docs/strategies.md); mkdocstrings
renders the docstrings there, so a name missing from the list, or without a docstring, is a hole in
the reference. A class's public methods and properties need one too; a constant or type alias needs
an attribute docstring (the string literal after its assignment, as mkdocstrings reads it).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import re
from pathlib import Path
from types import ModuleType

import pytest

import pytest_s3sse

ROOT = Path(__file__).parent.parent
PAGES = {
    "pytest_s3sse": ROOT / "docs" / "reference.md",
    "pytest_s3sse.strategies": ROOT / "docs" / "strategies.md",
}


def documented_members(module: str) -> list[str]:
    """The ``members:`` list under ``::: <module>`` on its reference page."""
    text = PAGES[module].read_text()
    block = re.search(rf"^::: {re.escape(module)}\n(?P<body>(?:    .*\n|\n)*)", text, re.M)
    assert block is not None, f"{PAGES[module].name} has no '::: {module}' section"
    return re.findall(r"^        - (\w+)$", block["body"], re.M)


def public_modules() -> list[ModuleType]:
    return [pytest_s3sse, importlib.import_module("pytest_s3sse.strategies")]


def public_names() -> list[tuple[str, str]]:
    return [(module.__name__, name) for module in public_modules() for name in module.__all__]


def origin(module: ModuleType, name: str) -> str:
    """The module that defines ``name`` (re-exported by ``module``)."""
    homes = getattr(module, "_HOME", None)
    if homes is not None:
        return f"pytest_s3sse._internal.{homes[name]}"
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
            assert node.module is not None
            return node.module
    return module.__name__


def attribute_docstring(module: str, name: str) -> str | None:
    """The string literal right after ``name = ...`` in ``module`` (what mkdocstrings shows)."""
    body = ast.parse(inspect.getsource(importlib.import_module(module))).body
    for statement, following in itertools.pairwise(body):
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                return str(following.value.value)
            return None
    return None


def undocumented_members(cls: type) -> list[str]:
    missing = []
    for attr, value in vars(cls).items():
        if attr.startswith("_"):
            continue
        target = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
        if (callable(target) or isinstance(value, property)) and not (
            inspect.getdoc(target) or ""
        ).strip():
            missing.append(attr)
    return missing


@pytest.mark.parametrize(
    ("module", "name"), public_names(), ids=[f"{m}.{n}" for m, n in public_names()]
)
def test_every_public_name_has_a_docstring(module, name):
    owner = importlib.import_module(module)
    value = getattr(owner, name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert (value.__doc__ or "").strip(), f"{module}.{name} has no docstring"
        if inspect.isclass(value):
            assert undocumented_members(value) == [], f"{module}.{name}: members without one"
    else:  # a constant or a type alias: its attribute docstring
        assert attribute_docstring(origin(owner, name), name), f"{module}.{name} has no docstring"


@pytest.mark.parametrize("module", list(PAGES))
def test_every_public_name_appears_in_the_api_reference_and_nothing_else(module):
    listed = documented_members(module)
    exported = importlib.import_module(module).__all__
    assert sorted(set(exported) - set(listed)) == [], f"missing from {PAGES[module].name}"
    assert sorted(set(listed) - set(exported)) == [], f"listed but not public: {module}"
    assert len(listed) == len(set(listed)), "a name is listed twice"

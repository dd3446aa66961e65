"""The architecture (shared STYLE.md): imports flow one way, and third-party packages stay in the
layer that owns them. Read with ``ast``, so nothing is imported to check it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import botocore.endpoint
import pytest

import pytest_s3sse

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_s3sse"

# Highest first. A module may import from its own layer or any layer below it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("pytest surface", ("__init__", "plugin", "assertions", "strategies", "mock", "passthru")),
    ("adapters", ("wire",)),
    ("composition", ("engine",)),
    (
        "protocol edges",
        (
            "s3.api",
            "s3.context",
            "s3.ops_",
            "s3.headers",
            "s3.routing",
            "s3.xmlio",
            "s3.copysource",
            "s3.presign",
            "kms.api",
            "kms.api_",
        ),
    ),
    ("domain", ("s3", "sse", "kms")),
    ("shared services", ("policy", "audit", "crypto")),
    ("vocabulary", ("errors", "types", "clock", "http", "entropy", "sigv4")),
]
THIRD_PARTY = {
    "pytest surface": {"pytest", "hypothesis", "_pytest"},
    "adapters": {"botocore", "wrapt", "responses", "requests", "urllib3"},
    "shared services": {"cryptography"},
    "domain": {
        "awscrt"
    },  # optional CRC32C/CRC64NVME accelerator in s3/checksums.py, imported lazily
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"] or ["__init__"]
    return ".".join(parts)


def layer_of(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(
                prefix if prefix.endswith("_") else prefix + "."
            ):
                return index
    msg = f"pytest_s3sse.{module} belongs to no layer: add it to tests/test_layers.py"
    raise AssertionError(msg)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_imports_flow_downwards_only(path):
    own = layer_of(_module_name(path))
    for name in _imports(path):
        if name == "pytest_s3sse":
            assert own == 0, f"{path.name} imports the package root"
            continue
        if name.startswith("pytest_s3sse."):
            target = layer_of(name.removeprefix("pytest_s3sse."))
            assert target >= own, (
                f"pytest_s3sse.{_module_name(path)} ({LAYERS[own][0]}) imports {name} "
                f"({LAYERS[target][0]}), a higher layer"
            )


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_third_party_packages_stay_in_their_layer(path):
    layer = LAYERS[layer_of(_module_name(path))][0]
    allowed = THIRD_PARTY.get(layer, set())
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "pytest_s3sse" or top in sys.stdlib_module_names or top == "__future__":
            continue
        assert top in allowed, f"pytest_s3sse.{_module_name(path)} ({layer}) imports {name}"


def test_importing_the_package_patches_nothing():
    assert pytest_s3sse.__all__
    assert "wrapt" not in type(botocore.endpoint.Endpoint.__dict__["_send"]).__module__

"""The architecture (shared STYLE.md): imports flow one way, third-party packages stay in the layer
that owns them, and only the S3 store takes its lock. Read with ``ast``, so nothing is imported to
check it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import botocore.endpoint
import pytest

import pytest_s3sse
from pytest_s3sse._internal.s3.store import Store

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_s3sse"

# Highest first (STYLE.md and docs/architecture.md). A module may import from its own layer or any
# layer below it, with the exceptions in RULES below. A name matches its longest listed prefix's
# layer: ``s3.rest`` is the protocol edge, the rest of ``s3`` the S3 domain.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "pytest surface",
        (
            "__init__",
            "plugin",
            "assertions",
            "strategies",
            "testapi",
            "testapi_kms",
            "testapi_at_rest",
            "passthru",
            "report",
            "explain",
            "reports",
            "trail",
            "serving",
            "saving",
            "__main__",
        ),
    ),
    ("adapters", ("wire",)),
    ("composition", ("engine", "options", "authn", "persistence")),
    ("protocol edges", ("s3.rest", "kms.jsonapi")),
    ("S3 domain", ("s3",)),
    ("SSE", ("sse",)),
    ("KMS domain", ("kms",)),
    ("shared services", ("policy", "audit", "crypto")),
    (
        "vocabulary",
        (
            "errors",
            "types",
            "clock",
            "http",
            "entropy",
            "sigv4",
            "signing",
            "principals",
            "arn",
            "context",
            "_internal",
        ),
    ),
]
# The adapters know the engine only as wire.slot.Dispatcher: they import wire/, the HTTP model and
# the errors, nothing else of the package.
WIRE_MAY_IMPORT = ("wire", "http", "errors")
# Each shared service stands alone on the vocabulary: policy, audit and crypto never import each
# other.
SHARED_SERVICES = ("policy", "audit", "crypto")
THIRD_PARTY = {
    "pytest surface": {"pytest", "hypothesis", "_pytest"},
    "adapters": {"botocore", "wrapt", "responses", "requests", "urllib3"},
    "shared services": {"cryptography"},
    # the S3 edge parses request documents with a hardened parser (s3/rest/xmlio.py; issue 11) and
    # POST form uploads with a multipart/form-data parser (s3/rest/post_form.py; issue 16)
    "protocol edges": {"defusedxml", "multipart"},
    # the CRCs of s3/checksums.py (CRC32, CRC32C, CRC64NVME and their combination)
    "S3 domain": {"anycrc"},
}


def _short(dotted: str) -> str:
    """A module's name for the layer table: relative to the package, ``_internal.`` left out (every
    module but the public ``__init__`` and ``plugin`` lives in ``pytest_s3sse/_internal/``)."""
    return dotted.removeprefix("_internal.")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"] or ["__init__"]
    return _short(".".join(parts))


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if _matches(module, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    if best is None:
        msg = f"pytest_s3sse.{module} belongs to no layer: add it to tests/test_layers.py"
        raise AssertionError(msg)
    return best[1]


def violations(module: str, imports: list[str]) -> list[str]:
    """Every import of ``module`` (a dotted name under the package) that breaks a layer rule."""
    own = layer_of(module)
    found = []
    for name in imports:
        if name == "pytest_s3sse":
            if own != 0:
                found.append(f"pytest_s3sse.{module} imports the package root")
            continue
        if not name.startswith("pytest_s3sse."):
            continue
        target_module = _short(name.removeprefix("pytest_s3sse."))
        target = layer_of(target_module)
        where = f"pytest_s3sse.{module} ({LAYERS[own][0]}) imports {name} ({LAYERS[target][0]})"
        if target < own:
            found.append(f"{where}, a higher layer")
        elif _matches(module, "wire") and not any(
            _matches(target_module, allowed) for allowed in WIRE_MAY_IMPORT
        ):
            found.append(f"{where}: adapters import only wire/, the HTTP model and errors")
        elif LAYERS[own][0] == "shared services" and target == own:
            mine = next(s for s in SHARED_SERVICES if _matches(module, s))
            if not _matches(target_module, mine):
                found.append(f"{where}: shared services never import each other")
    return found


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "pytest_s3sse._internal":
            # ``from pytest_s3sse._internal import arn`` imports the module ``arn``.
            found += [f"pytest_s3sse._internal.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_imports_flow_downwards_only(path):
    assert violations(_module_name(path), _imports(path)) == []


@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("sse.rules", "pytest_s3sse._internal.errors.s3"),  # allowed: the control case
        ("sse.rules", "pytest_s3sse._internal.s3.store"),  # SSE below the S3 domain
        ("sse.customer", "pytest_s3sse._internal.s3.rest.headers"),
        ("kms.keys", "pytest_s3sse._internal.sse.kms"),  # KMS knows nothing of S3 or SSE
        ("kms.base", "pytest_s3sse._internal.s3.objects"),
        ("s3.objects", "pytest_s3sse._internal.s3.rest.headers"),  # the domain never sees the edge
        ("s3.store", "pytest_s3sse._internal.engine"),
        ("s3.rest.api", "pytest_s3sse.plugin"),
        ("wire.chunked", "pytest_s3sse._internal.s3.store"),  # adapters: wire, http, errors only
        ("wire.botocore_adapter", "pytest_s3sse._internal.engine"),
        ("wire.slot", "pytest_s3sse._internal.types"),
        ("crypto.aead", "pytest_s3sse._internal.kms.keys"),
        ("crypto.aead", "pytest_s3sse._internal.audit"),  # shared services never import each other
        ("policy", "pytest_s3sse._internal.crypto.aead"),
        ("errors.s3", "pytest_s3sse._internal.s3.store"),  # the vocabulary imports nothing above it
        ("types", "pytest_s3sse._internal.crypto"),
        ("engine", "pytest_s3sse"),  # only the surface imports the package root
    ],
)
def test_a_bad_import_is_caught(module, bad_import):
    found = violations(module, [bad_import])
    if bad_import == "pytest_s3sse._internal.errors.s3":
        assert found == []
    else:
        assert len(found) == 1, found


def test_only_the_package_root_the_plugin_and_the_strategies_are_public_modules():
    # Everything users may import is exported from pytest_s3sse/__init__.py, but the hypothesis
    # strategies: a module of their own, so that only a test that imports them imports hypothesis
    # (issue 14). The rest is internal.
    public = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith(("_", ".")))
    assert public == ["plugin.py", "py.typed", "strategies.py"]


def test_a_module_in_no_layer_is_caught():
    with pytest.raises(AssertionError, match="belongs to no layer"):
        layer_of("somewhere_new")


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_third_party_packages_stay_in_their_layer(path):
    layer = LAYERS[layer_of(_module_name(path))][0]
    allowed = THIRD_PARTY.get(layer, set())
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "pytest_s3sse" or top in sys.stdlib_module_names or top == "__future__":
            continue
        assert top in allowed, f"pytest_s3sse.{_module_name(path)} ({layer}) imports {name}"


def store_lock_uses(source: str) -> list[str]:
    """Every ``.lock`` or ``._lock`` of something named like a store in ``source``, by any path to
    it (``self.store.lock``, ``objects.store._lock``, ``engine.store.lock`` ...)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("lock", "_lock")
            and "store" in ast.unparse(node.value).lower()
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "path", [p for p in MODULES if _module_name(p) != "s3.store"], ids=_module_name
)
def test_only_the_store_takes_its_lock(path):
    """STYLE.md: the S3 store alone owns its lock; the domain, the edges and the test handle ask it
    to look up and commit instead of holding it themselves."""
    assert store_lock_uses(path.read_text()) == []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("with self.store.lock:\n    pass", True),
        ("objects.store._lock.acquire()", True),
        ("with self.s.buckets.store.lock:\n    pass", True),
        ("with self.engine.store.lock:\n    pass", True),
        ("with self._lock:\n    pass", False),  # an object's own lock
        ("service.lock.acquire()", False),  # the KMS service's
    ],
)
def test_a_use_of_the_store_lock_is_caught(source, caught):
    assert bool(store_lock_uses(source)) is caught


def test_the_store_lock_is_private():
    assert not hasattr(Store(), "lock")


def test_importing_the_package_patches_nothing():
    assert pytest_s3sse.__all__
    assert "wrapt" not in type(botocore.endpoint.Endpoint.__dict__["_send"]).__module__


def test_importing_the_package_imports_neither_botocore_nor_requests():
    """The adapters' libraries are imported at the first activation (wire/registry.py), so a run that
    never starts an engine does not pay for them. A subprocess: this one has imported both."""
    script = (
        "import sys, pytest_s3sse, pytest_s3sse.plugin\n"
        "print(sorted(m for m in ('botocore', 'requests', 'responses', 'wrapt') if m in sys.modules))\n"
        "with pytest_s3sse.mock_s3sse():\n"
        "    print(sorted(m for m in ('botocore', 'requests') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split("\n")[:2] == ["[]", "['botocore', 'requests']"]

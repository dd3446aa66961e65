"""The pytest plugin (entry point ``s3sse``): the ``s3sse`` fixture, the ``s3sse`` marker and options.

Options merge from the command line / ini (``--s3sse-account-id``, ``s3sse_region`` ...) and the
markers closest to the test (function over class over module). A misspelt marker option is a
TypeError at fixture set-up.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Generator, Iterator
from dataclasses import fields
from operator import methodcaller
from typing import Any

import pytest

from pytest_s3sse._internal.options import EngineOptions
from pytest_s3sse._internal.report import SECTION, format_requests
from pytest_s3sse._internal.testapi import S3SSE, unwatch, watch_starts

MARKER_HELP = (  # the options and their defaults, from EngineOptions: never a second list
    "s3sse(*, "
    + ", ".join(
        f"{field.name}={repr(field.default).removeprefix('datetime.')}"
        for field in fields(EngineOptions)
    )
    + "): options of the s3sse fixture's engine for this test (pytest_s3sse.EngineOptions; closest "
    "marker wins, option by option)."
)
_OPTION_NAMES = frozenset(field.name for field in fields(EngineOptions))


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--s3sse-account-id``, ``--s3sse-region``, ``--s3sse-seed`` and their ini twins."""
    group = parser.getgroup("s3sse", "in-process S3 with server-side encryption")
    group.addoption("--s3sse-account-id", default=None, help="default account of the s3sse engine")
    group.addoption("--s3sse-region", default=None, help="default region of the s3sse engine")
    group.addoption(
        "--s3sse-seed", default=None, type=int,
        help="base seed: each test's engine seed derives from it and the test id (reproducible keys)",
    )  # fmt: skip
    parser.addini("s3sse_account_id", "default account of the s3sse engine", default=None)
    parser.addini("s3sse_region", "default region of the s3sse engine", default=None)
    parser.addini(
        "s3sse_block_ssec_on_new_buckets",
        "block SSE-C writes on new buckets, as S3 does since April 2026 (false: legacy buckets)",
        type="bool", default=True,
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line("markers", MARKER_HELP)


def _derived_seed(base: int, nodeid: str) -> int:
    digest = hashlib.sha256(f"{base}:{nodeid}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def options_for(request: pytest.FixtureRequest) -> EngineOptions:
    """Merge ini, command line and markers (closest first) into the engine's options."""
    config = request.config
    merged: dict[str, Any] = {}
    account = config.getoption("s3sse_account_id") or config.getini("s3sse_account_id")
    region = config.getoption("s3sse_region") or config.getini("s3sse_region")
    if account:
        merged["account_id"] = account
    if region:
        merged["region"] = region
    if not config.getini("s3sse_block_ssec_on_new_buckets"):
        merged["block_ssec_on_new_buckets"] = False
    base_seed = config.getoption("s3sse_seed")
    if base_seed is not None:
        merged["seed"] = _derived_seed(base_seed, request.node.nodeid)
    marker_options: dict[str, Any] = {}
    for marker in request.node.iter_markers("s3sse"):
        if marker.args:
            msg = "the s3sse marker takes keyword arguments only"
            raise TypeError(msg)
        marker_options = marker.kwargs | marker_options
    unknown = set(marker_options) - _OPTION_NAMES
    if unknown:
        msg = f"unknown s3sse marker option(s): {sorted(unknown)}"
        raise TypeError(msg)
    return EngineOptions(**(merged | marker_options))


@pytest.fixture
def s3sse(request: pytest.FixtureRequest) -> Iterator[S3SSE]:
    """A fresh in-process S3 with real SSE, active for the test; botocore is restored afterwards."""
    __tracebackhide__ = methodcaller("errisinstance", TypeError)
    engine = S3SSE.from_options(options_for(request))
    with engine:
        yield engine


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say which worker runs (xdist) when a base seed is used."""
    seed = config.getoption("s3sse_seed")
    if seed is None:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
    return f"s3sse: base seed {seed} (worker {worker})"


_STARTED = pytest.StashKey[list[S3SSE]]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Watch which engines the test starts (its fixture's included), for its report."""
    item.stash[_STARTED] = watch_starts()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A failing test's report shows its S3/KMS requests (section "s3sse requests"), like a network
    log: operation, bucket/key, status or error code, and the KMS calls S3 made for each."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    started = item.stash.get(_STARTED, None)
    if started is None:
        return
    if report.failed and started:
        logs = [format_requests(handle.engine.events) for handle in started]
        text = "\n\n".join(log for log in logs if log)
        if text:
            report.sections.append((f"{SECTION} ({report.when})", text))
    if report.when == "teardown":
        unwatch(started)
        del item.stash[_STARTED]

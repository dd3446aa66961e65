"""The pytest plugin (entry point ``s3sse``): the ``s3sse`` fixture, the ``s3sse`` marker and options.

Options merge from the command line / ini (``--s3sse-account-id``, ``s3sse_region`` ...) and the
markers closest to the test (function over class over module). A misspelt marker option is a
TypeError at fixture set-up.

Loading this module must stay cheap (every pytest run of a project that installed the plugin pays
for it): it imports the engine, botocore, ``requests`` and ``cryptography`` only when a test first
uses them (the fixture, ``--s3sse-block-aws``, a failing test's report). ``tests/test_startup.py``
keeps it so and ``benchmarks/startup.py`` measures it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Generator, Iterator
from operator import methodcaller
from typing import TYPE_CHECKING, Any

import pytest

from pytest_s3sse._internal import report

if TYPE_CHECKING:
    from pytest_s3sse._internal.options import EngineOptions
    from pytest_s3sse._internal.serving import S3SSEServer
    from pytest_s3sse._internal.testapi import S3SSE
    from pytest_s3sse._internal.wire.guard import Guard


def marker_help() -> str:
    """The marker's help: the options and their defaults, from EngineOptions (never a second list)."""
    from dataclasses import fields  # noqa: PLC0415 - see the module doc

    from pytest_s3sse._internal.options import EngineOptions  # noqa: PLC0415

    return (
        "s3sse(*, "
        + ", ".join(
            f"{field.name}={repr(field.default).removeprefix('datetime.')}"
            for field in fields(EngineOptions)
        )
        + "): options of the s3sse fixture's engine for this test (pytest_s3sse.EngineOptions; "
        "closest marker wins, option by option)."
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--s3sse-account-id``, ``--s3sse-region``, ``--s3sse-seed``, ``--s3sse-block-aws`` and their
    ini twins."""
    group = parser.getgroup("s3sse", "in-process S3 with server-side encryption")
    group.addoption("--s3sse-account-id", default=None, help="default account of the s3sse engine")
    group.addoption("--s3sse-region", default=None, help="default region of the s3sse engine")
    group.addoption(
        "--s3sse-seed", default=None, type=int,
        help="base seed: each test's engine seed derives from it and the test id (reproducible keys)",
    )  # fmt: skip
    group.addoption(
        "--s3sse-block-aws", action="store_true", default=None,
        help="fail any botocore/requests call to AWS from a test that does not use the engine",
    )  # fmt: skip
    parser.addini("s3sse_account_id", "default account of the s3sse engine", default=None)
    parser.addini("s3sse_region", "default region of the s3sse engine", default=None)
    parser.addini(
        "s3sse_block_ssec_on_new_buckets",
        "block SSE-C writes on new buckets, as S3 does since April 2026 (false: legacy buckets)",
        type="bool", default=True,
    )  # fmt: skip
    parser.addini(
        "s3sse_verify_signatures",
        "verify request signatures against the registered secrets (wrong secret: SignatureDoesNotMatch)",
        type="bool", default=False,
    )  # fmt: skip
    parser.addini(
        "s3sse_default_principal",
        "ARN of the caller behind unknown access keys (default: the account's root)",
        default=None,
    )  # fmt: skip
    group.addoption(
        "--s3sse-trail-dir", default=None, metavar="DIR",
        help="write the CloudTrail-shaped trail of each failing test into DIR (a CloudTrail log file)",
    )  # fmt: skip
    parser.addini(
        "s3sse_trail_dir",
        "write the CloudTrail-shaped trail of each failing test into this directory",
        default=None,
    )  # fmt: skip
    parser.addini(
        "s3sse_trail_limit",
        "how many of the newest requests the trail keeps (0: no trail)",
        default=None,
    )  # fmt: skip
    parser.addini(
        "s3sse_assert_all_requests_expected",
        "fail a test that made S3/KMS requests no expect_requests/expect_kms_calls covered",
        type="bool", default=False,
    )  # fmt: skip
    parser.addini(
        "s3sse_replication",
        "when S3 replication runs: immediate (after each request) or manual (s3sse.replicate())",
        default=None,
    )  # fmt: skip
    parser.addini(
        "s3sse_block_aws",
        "fail any botocore/requests call to AWS from a test that does not use the engine",
        type="bool", default=False,
    )  # fmt: skip


_BASE_SEED = pytest.StashKey[int]()
_BLOCK_AWS = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so ``--strict-markers`` accepts it); fix the run's base seed."""
    config.addinivalue_line("markers", marker_help())
    config.addinivalue_line(
        "markers",
        "s3sse_server(*, https=True): the s3sse_server fixture's endpoint for this test (https=False: "
        "plain HTTP, where SSE-C and SSE-KMS requests are refused as AWS refuses them).",
    )
    seed = config.getoption("s3sse_seed", None)
    # Without --s3sse-seed, the run draws its base seed: a failing test's report names it, so the
    # same engine seed can be had again with --s3sse-seed (each xdist worker draws its own).
    config.stash[_BASE_SEED] = seed if seed is not None else int.from_bytes(os.urandom(4), "big")
    block = config.getoption("s3sse_block_aws", None)
    config.stash[_BLOCK_AWS] = bool(block) or bool(config.getini("s3sse_block_aws"))


def _derived_seed(base: int, nodeid: str) -> int:
    digest = hashlib.sha256(f"{base}:{nodeid}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def options_for(request: pytest.FixtureRequest) -> EngineOptions:
    """Merge ini, command line and markers (closest first) into the engine's options."""
    from dataclasses import fields  # noqa: PLC0415 - see the module doc

    from pytest_s3sse._internal.options import EngineOptions  # noqa: PLC0415

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
    if config.getini("s3sse_verify_signatures"):
        merged["verify_signatures"] = True
    if config.getini("s3sse_assert_all_requests_expected"):
        merged["assert_all_requests_expected"] = True
    replication = config.getini("s3sse_replication")
    if replication:
        merged["replication"] = replication
    default_principal = config.getini("s3sse_default_principal")
    if default_principal:
        merged["default_principal"] = default_principal
    trail_limit = config.getini("s3sse_trail_limit")
    if trail_limit:
        try:
            merged["trail_limit"] = int(trail_limit)
        except ValueError:
            msg = f"s3sse_trail_limit must be a whole number (0: no trail), got {trail_limit!r}"
            raise ValueError(msg) from None
    base_seed = config.stash.get(_BASE_SEED, None)
    if base_seed is not None:
        merged["seed"] = _derived_seed(base_seed, request.node.nodeid)
    marker_options: dict[str, Any] = {}
    for marker in request.node.iter_markers("s3sse"):
        if marker.args:
            msg = "the s3sse marker takes keyword arguments only"
            raise TypeError(msg)
        marker_options = marker.kwargs | marker_options
    unknown = set(marker_options) - {field.name for field in fields(EngineOptions)}
    if unknown:
        msg = f"unknown s3sse marker option(s): {sorted(unknown)}"
        raise TypeError(msg)
    return EngineOptions(**(merged | marker_options))


@pytest.fixture
def s3sse(request: pytest.FixtureRequest) -> Iterator[S3SSE]:
    """A fresh in-process S3 with real SSE, active for the test; botocore is restored afterwards."""
    __tracebackhide__ = methodcaller("errisinstance", TypeError)
    from pytest_s3sse._internal.testapi import S3SSE  # noqa: PLC0415 - see the module doc

    engine = S3SSE.from_options(options_for(request))
    with engine:
        yield engine


def _server_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("s3sse_server")
    options = dict(marker.kwargs) if marker is not None else {}
    unknown = set(options) - {"https"}
    if unknown or (marker is not None and marker.args):
        msg = f"the s3sse_server marker takes only https=True/False, got {marker}"
        raise TypeError(msg)
    return options


@pytest.fixture
def s3sse_server(request: pytest.FixtureRequest, s3sse: S3SSE) -> Iterator[S3SSEServer]:
    """The test's ``s3sse`` engine behind a real HTTPS endpoint on 127.0.0.1 (``.endpoint_url``,
    ``.ca_bundle``, ``.env`` for a subprocess); in-process clients are still answered in-process.
    ``@pytest.mark.s3sse_server(https=False)``: plain HTTP."""
    __tracebackhide__ = methodcaller("errisinstance", TypeError)
    from pytest_s3sse._internal.serving import S3SSEServer  # noqa: PLC0415 - see the module doc

    with S3SSEServer(s3sse, **_server_options(request)) as server:
        yield server
    if server.engine_errors:  # an engine bug the client only saw as a 500: the test hears of it
        raise server.engine_errors[0]


@pytest.fixture(scope="session")
def s3sse_server_session(request: pytest.FixtureRequest) -> Iterator[S3SSEServer]:
    """One HTTPS endpoint for the whole session, with its own engine (options from the ini and
    command line; not active in-process): its store lives as long as the session."""
    from pytest_s3sse._internal.serving import S3SSEServer  # noqa: PLC0415 - see the module doc
    from pytest_s3sse._internal.testapi import S3SSE  # noqa: PLC0415

    with S3SSEServer(S3SSE.from_options(options_for(request))) as server:
        yield server
    if server.engine_errors:
        raise server.engine_errors[0]


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """Explain failed comparisons of this package's values: a ``StoredView`` compared with a mode,
    a mode name with a header value (``"SSE-KMS" == "aws:kms"``), KMS operation counts, the KMS
    call log (docs/assertions.md). Nothing is imported for a test that never used the engine."""
    if "pytest_s3sse._internal.assertions" not in sys.modules:
        return None
    from pytest_s3sse._internal.assertions import explain_comparison  # noqa: PLC0415

    return explain_comparison(op, left, right)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """Say which worker runs (xdist) when a base seed is given, and that AWS calls are blocked."""
    lines = []
    seed = config.getoption("s3sse_seed")
    if seed is not None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
        lines.append(f"s3sse: base seed {seed} (worker {worker})")
    if config.stash.get(_BLOCK_AWS, False):
        lines.append("s3sse: AWS calls from tests that do not use the engine are blocked")
    return lines or None


_STARTED = pytest.StashKey[list[report.Watched]]()
_GUARD: pytest.StashKey[Guard] = pytest.StashKey()


def pytest_sessionstart(session: pytest.Session) -> None:
    """With ``--s3sse-block-aws``, put the guard in place for the whole session, collection included
    (a test module that calls AWS at import is stopped too). Activating it per test would cost ~0.3 ms
    a test (installing the adapters); telling it which test runs costs nothing."""
    config = session.config
    if config.stash.get(_BLOCK_AWS, False):
        from pytest_s3sse._internal.wire import activation  # noqa: PLC0415 - see the module doc
        from pytest_s3sse._internal.wire.guard import Guard  # noqa: PLC0415

        region = config.getoption("s3sse_region") or config.getini("s3sse_region")
        guard = config.stash[_GUARD] = Guard(
            "collection (no test was running)", region or "us-east-1"
        )
        activation.activate(guard)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Watch which engines the test starts (its fixture's included), for its report; with
    ``--s3sse-block-aws``, make the guard below them name this test (before any fixture runs)."""
    item.stash[_STARTED] = report.watch_starts()
    guard = item.config.stash.get(_GUARD, None)
    if guard is not None:
        guard.test = item.nodeid


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Take the guard away, after session-scoped fixtures are torn down (pytest's own hook, which runs
    earlier, does that): botocore, ``requests`` and the environment are as they were."""
    guard = session.config.stash.get(_GUARD, None)
    if guard is not None:
        from pytest_s3sse._internal.wire import activation  # noqa: PLC0415 - see the module doc

        activation.deactivate(guard)
        del session.config.stash[_GUARD]


def _seed_line(item: pytest.Item, handle: report.Watched) -> str:
    base = item.config.stash.get(_BASE_SEED, None)
    if base is not None and handle.seed == _derived_seed(base, item.nodeid):
        return report.seed_line(handle.seed, base)
    return report.seed_line(handle.seed, None)


def _write_trails(directory: str, item: pytest.Item, when: str, started: list[Any]) -> list[str]:
    """``--s3sse-trail-dir``: each engine's trail as a CloudTrail log file named like AWS's (E2);
    the report names the files."""
    from pathlib import Path  # noqa: PLC0415 - see the module doc

    from pytest_s3sse._internal.trail import log_file_name  # noqa: PLC0415

    folder = Path(directory)
    lines: list[str] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # a report hook must not raise: say why instead
        return [f"s3sse trail of {item.nodeid} ({when}) not written: {err}"]
    for index, handle in enumerate(started):
        if handle.engine.exchanges is None:
            lines.append("s3sse trail: off for this engine (trail_limit=0)")
            continue
        engine = handle.engine
        name = log_file_name(
            engine.account_id, engine.region, engine.clock.now(), f"{item.nodeid}:{when}:{index}"
        )
        try:
            path = handle.trail.write(folder / name)
        except OSError as err:  # a report hook must not raise: say why instead
            lines.append(f"s3sse trail of {item.nodeid} ({when}) not written: {err}")
            continue
        lines.append(f"s3sse trail of {item.nodeid} ({when}): {path}")
    return lines


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A failing test's report shows, per engine it used, the engine's seed (to replay it) and its
    S3/KMS requests (section "s3sse requests"), like a network log: operation, bucket/key, status or
    error code, and the KMS calls S3 made for each."""
    outcome = yield
    rep: pytest.TestReport = outcome.get_result()
    started = item.stash.get(_STARTED, None)
    if started is None:
        return
    if rep.failed and started:
        logs = []
        for handle in started:
            requests = report.format_requests(
                handle.engine.events, decisions=handle.engine.authorizer
            )
            logs.append(_seed_line(item, handle) + ("\n" + requests if requests else ""))
        trail_dir = item.config.getoption("s3sse_trail_dir", None) or item.config.getini(
            "s3sse_trail_dir"
        )
        if trail_dir:
            logs += _write_trails(trail_dir, item, rep.when, started)
        rep.sections.append((f"{report.SECTION} ({rep.when})", "\n\n".join(logs)))
    if rep.when == "teardown":
        report.unwatch(started)
        del item.stash[_STARTED]

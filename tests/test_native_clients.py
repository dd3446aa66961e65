"""The clients that run native code with threads of their own in the test process (polars and
obstore: Rust's object_store on tokio; DuckDB and its httpfs extension), each tested in a pytest of
its own in a subprocess: ``tests/native/check_*.py``.

Why apart: once polars has done cloud I/O, a control loop of its runtime calls
``getenv("POLARS_LOG_CONCURRENCY")`` from a background thread for the rest of the process, and the
rest of the suite activates and deactivates engines thousands of times, each adding and removing
environment variables (the botocore adapter's hermetic set, the object_store guard's). glibc's
``getenv`` is not safe against a ``setenv`` that reallocates the environment: whole-suite runs in
one process died with a segmentation fault (2 of 2; the core file's backtrace ends in ``getenv``
under polars' ``ConcurrencyController::spawn_control_loop``). Apart, none has. docs/clients/polars.md
tells users the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NATIVE = Path(__file__).parent / "native"
ROOT = Path(__file__).resolve().parent.parent
CHECKS = sorted(p.name for p in NATIVE.glob("check_*.py"))


@pytest.mark.parametrize("check", CHECKS)
def test_the_native_client_checks_pass_in_a_process_of_their_own(check):
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            "-o", "python_files=check_*.py", "-rs", str(NATIVE / check),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    if " skipped" in done.stdout.splitlines()[-1] and " passed" not in done.stdout.splitlines()[-1]:
        pytest.skip(f"{check}: {done.stdout.splitlines()[-1]}\n{report}")

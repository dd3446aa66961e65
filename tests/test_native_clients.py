"""The clients that run native code with threads of their own in the test process (polars and
obstore: Rust's object_store on tokio; DuckDB and its httpfs extension), each tested in a pytest of
its own in a subprocess: ``tests/native/check_*.py``.

Why apart: their runtimes keep native threads alive for the rest of the process, and the rest of the
suite activates and deactivates engines thousands of times (each activation changes the process
environment, as the botocore adapter and the object_store guard do; docs/interception.md). With these
libraries loaded, a whole-suite run in one process crashed once (a segmentation fault, no Python
traceback), which no run with them apart has done. A user's test process that loads them meets the
same environment changes; docs/clients/polars.md says so.
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

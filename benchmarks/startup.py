"""What installing the plugin adds to every pytest run's start-up (issue 12, point 7: <= 20 ms).

    python -m benchmarks.startup            # 15 rounds of each measurement
    python -m benchmarks.startup --rounds 5

Two measurements, each the median over fresh interpreters, interleaved round by round:

- import: ``python -X importtime -c "import pytest_s3sse.plugin"``: the cumulative import time of the
  plugin module minus that of ``pytest``, which every run imports anyway;
- run: the wall time of ``python -m pytest`` on one empty test with the plugin (loaded from its entry
  point) minus the same run with ``-p no:s3sse``: the import plus the plugin's hooks (options, marker
  help, the per-test watch).

A test (``tests/test_startup.py``) keeps botocore, ``requests``, ``cryptography`` and the engine out of
that import; this script only measures.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)")


def import_cost_us() -> int:
    """Cumulative microseconds of importing the plugin, minus those of ``pytest`` within it."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest_s3sse.plugin"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    cumulative: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            cumulative[match.group(3)] = int(match.group(1))
    return cumulative["pytest_s3sse.plugin"] - cumulative.get("pytest", 0)


def run_seconds(folder: Path, *plugin_args: str) -> float:
    """Wall time of one pytest run of the empty test in ``folder``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin_args]
    start = time.perf_counter()
    subprocess.run([*command, str(folder)], capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    imports: list[int] = []
    added: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_empty.py").write_text("def test_empty():\n    pass\n")
        run_seconds(folder)  # warm the file system caches
        for number in range(args.rounds):
            imports.append(import_cost_us())
            pair = [(), ("-p", "no:s3sse")]
            if number % 2:
                pair.reverse()
            timed = {extra: run_seconds(folder, *extra) for extra in pair}
            added.append(timed[()] - timed[("-p", "no:s3sse")])
    print(f"plugin import, beyond pytest's own: median {statistics.median(imports) / 1000:.1f} ms")
    print(
        f"pytest run of one empty test, plugin on minus off: median "
        f"{statistics.median(added) * 1000:.1f} ms over {args.rounds} rounds"
    )


if __name__ == "__main__":
    main()

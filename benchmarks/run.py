"""Run the benchmarks: every case on s3sse, moto and the floor, interleaved in one process.

    python -m benchmarks.run            # the full suite (several minutes)
    python -m benchmarks.run --quick    # a smoke run with small sizes
    python -m benchmarks.run --cases "put+get 1 KiB"   # cases whose name contains the text

Writes benchmarks/results/latest.{json,md} (and a dated copy). Absolute times mean little on a shared
machine; the ratios from the same run are the result.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from benchmarks.backends import Backend, FloorBackend, all_backends
from benchmarks.cases import Case, all_cases, sse_get, sse_put

RESULTS = Path(__file__).parent / "results"
CHECKOUT = Path(__file__).resolve().parent.parent
# What s3sse is compared with in each round (see floor.py for the two floors).
RATIO_TO = ("moto", "floor", "floor+wire")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    out = {}
    for name in ("pytest-s3sse", "boto3", "botocore", "moto", "cryptography", "pytest"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def machine() -> dict[str, Any]:
    """What ran the benchmarks."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit.stdout.strip(),
        "versions": _versions(),
    }


def _paired_ratio(mine: list[float], other: list[float]) -> float | None:
    """The median of per-round ratios: each round runs every backend back to back, so a round's
    ratio is immune to the machine slowing down or speeding up between rounds."""
    ratios = [a / b for a, b in zip(mine, other, strict=True) if a and b]
    return statistics.median(ratios) if ratios else None


def measure(case: Case, backends: list[Backend]) -> dict[str, Any]:
    """Median seconds per operation for each backend, rounds interleaved.

    Before each timed batch a backend runs a few untimed operations: backends share botocore's code,
    and the interpreter's specialised (quickened) bytecode and the CPU caches left by the previous
    backend would otherwise bill part of its warm-up to the next one. The garbage collector runs
    before a round only for the big single operations (where it frees the last one's megabytes);
    elsewhere a collection that lands in a batch is an outlier the median drops, and collecting before
    each of hundreds of small rounds would cost more time than the measurement.
    """
    chosen = [b for b in backends if not case.only or b.name in case.only]
    samples: dict[str, list[float]] = {b.name: [] for b in chosen}
    errors: dict[str, str] = {}
    for backend in chosen:
        if isinstance(backend, FloorBackend):
            backend.configure(case.floor_object_size, case.floor_list_keys)
        if not case.needs_active:
            continue
        backend.start()
        try:
            case.setup(backend)
            case.op(backend)  # warm-up
        except Exception as exc:
            errors[backend.name] = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            backend.stop()
    warm = -(-case.batch // 10) if case.batch > 1 else 0  # none for single big operations
    collect = case.batch == 1
    gc.collect()
    for round_no in range(case.rounds):
        order = chosen[round_no % len(chosen) :] + chosen[: round_no % len(chosen)]
        for backend in order:
            if backend.name in errors:
                samples[backend.name].append(0.0)
                continue
            if isinstance(backend, FloorBackend):
                backend.configure(case.floor_object_size, case.floor_list_keys)
            if case.needs_active:
                backend.start()
            try:
                for _ in range(warm):
                    case.op(backend)
                if collect:
                    gc.collect()
                began = time.perf_counter()
                for _ in range(case.batch):
                    case.op(backend)
                elapsed = time.perf_counter() - began
            except Exception as exc:
                errors[backend.name] = f"{type(exc).__name__}: {exc}"[:200]
                samples[backend.name].append(0.0)
                continue
            finally:
                if case.needs_active:
                    backend.stop()
            samples[backend.name].append(elapsed / (case.batch * case.ops_per_call))
    medians = {
        name: statistics.median(values)
        for name, values in samples.items()
        if name not in errors and values
    }
    ratios = {}
    for name in RATIO_TO:
        if "s3sse" in medians and name in medians:
            ratios[name] = _paired_ratio(samples["s3sse"], samples[name])
    return {
        "name": case.name,
        "seconds_per_op": medians,
        "ratios": ratios,
        "samples": samples,
        "errors": errors,
    }


def raw_aes(size: int, rounds: int = 5) -> float:
    """AES-256-GCM encrypt+decrypt of ``size`` bytes with ``cryptography``: the physical limit."""
    data = os.urandom(size)
    aead = AESGCM(AESGCM.generate_key(256))
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        nonce = os.urandom(12)
        aead.decrypt(nonce, aead.encrypt(nonce, data, None), None)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def peak_memory(case: Case, backends: list[Backend]) -> dict[str, float]:
    """Peak Python memory growth during one put+get, as a multiple of the object size."""
    size, mode, body = case.meta["size"], case.meta["mode"], case.meta["body"]
    out = {}
    for backend in backends:
        if isinstance(backend, FloorBackend):
            backend.configure(size)
        backend.start()
        try:
            s3 = backend.client()
            gc.collect()
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            s3.put_object(Bucket="bench", Key="memory", Body=body, **sse_put(mode, backend))
            s3.get_object(Bucket="bench", Key="memory", **sse_get(mode))["Body"].read()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            out[backend.name] = (peak - base) / size
        except Exception:
            tracemalloc.stop()
        finally:
            backend.stop()
    return out


PYTEST_FILES = {
    "s3sse": "def test_it_{n}(s3sse):\n    pass\n",
    "moto": "def test_it_{n}(aws):\n    pass\n",
    "none": "def test_it_{n}():\n    pass\n",
}
MOTO_CONFTEST = "import pytest\nfrom moto import mock_aws\n\n@pytest.fixture\ndef aws():\n    with mock_aws():\n        yield\n"


def pytest_runs(tests: int = 500, rounds: int = 3) -> dict[str, float]:
    """Wall time of a whole pytest run of ``tests`` trivial tests per fixture, interleaved."""
    times: dict[str, list[float]] = {name: [] for name in PYTEST_FILES}
    # The plugin of this checkout, whatever is installed.
    path = os.pathsep.join(p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    with tempfile.TemporaryDirectory() as tmp:
        for name, template in PYTEST_FILES.items():
            folder = Path(tmp, name)
            folder.mkdir()
            (folder / "test_many.py").write_text(
                "\n".join(template.format(n=n) for n in range(tests))
            )
            (folder / "conftest.py").write_text(MOTO_CONFTEST if name == "moto" else "")
        for _ in range(rounds):
            for name in PYTEST_FILES:
                began = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(tmp, name))],
                    cwd=tmp, capture_output=True, check=True, env=env,
                )  # fmt: skip
                times[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) for name, values in times.items()}


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value else "n/a"


def report(results: dict[str, Any]) -> str:
    """The markdown table."""
    m = results["machine"]
    lines = [
        f"# Benchmarks ({m['date']}, commit {m['commit']})",
        "",
        f"Machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}. "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "Times are medians per operation; ratios are medians of per-round ratios (each round runs",
        "every backend back to back). *floor*: boto3 with canned answers that never read the request",
        "body; *floor+wire*: the same, but reading the body and answering S3's full headers, which is",
        "boto3's whole cost of one exchange with S3 (`benchmarks/floor.py`). Targets use floor+wire.",
        "",
        "| case | s3sse | moto | floor | floor+wire | s3sse/moto | s3sse/floor | s3sse/floor+wire | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["cases"]:
        t = row["seconds_per_op"]
        r = row.get("ratios", {})
        notes = "; ".join(f"{k}: {v}" for k, v in row["errors"].items())
        if "target" in row:
            notes = (row["target"] + ("; " + notes if notes else "")).strip()
        cells = [_fmt(t.get(k)) for k in ("s3sse", "moto", "floor", "floor+wire")]
        cells += [_ratio(r.get(k)) for k in RATIO_TO]
        lines.append(f"| {row['name']} | " + " | ".join(cells) + f" | {notes} |")
    if results.get("memory"):
        lines += [
            "",
            "Peak memory growth during one put+get, as a multiple of the object size:",
            "",
        ]
        for name, value in results["memory"].items():
            lines.append(f"- {name}: " + ", ".join(f"{k} {v:.2f}x" for k, v in value.items()))
    if results.get("pytest"):
        p = results["pytest"]
        lines += ["", "A whole pytest run of 500 trivial tests:", ""]
        lines += [f"- {k}: {_fmt(v)}" for k, v in p.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds")
    parser.add_argument("--cases", default="", help="only cases whose name contains this text")
    parser.add_argument("--no-pytest", action="store_true", help="skip the 500-test pytest runs")
    args = parser.parse_args(argv)
    backends = all_backends()
    results: dict[str, Any] = {"machine": machine(), "cases": [], "memory": {}}
    try:
        for case in all_cases(args.quick):
            if args.cases and args.cases not in case.name:
                continue
            print(f"... {case.name}", file=sys.stderr, flush=True)
            row = measure(case, backends)
            if "size" in case.meta:
                aes = raw_aes(case.meta["size"])
                times = row["seconds_per_op"]
                row["raw_aes_gcm"] = aes
                if "s3sse" in times and "floor+wire" in times:
                    budget = 2 * (times["floor+wire"] + aes)
                    row["target"] = (
                        f"target <= 2x(floor+wire + raw AES {_fmt(aes)}) = {_fmt(budget)}: "
                        f"s3sse is {times['s3sse'] / budget:.2f} of it"
                    )
                results["memory"][case.name] = peak_memory(case, backends)
            results["cases"].append(row)
        if not args.no_pytest and not args.cases:
            print("... pytest runs", file=sys.stderr, flush=True)
            results["pytest"] = pytest_runs(100 if args.quick else 500)
    finally:
        for backend in backends:
            backend.close()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    text = json.dumps(results, indent=2, default=str)
    table = report(results)
    for name in ("latest", stamp + ("-quick" if args.quick else "")):
        (RESULTS / f"{name}.json").write_text(text)
        (RESULTS / f"{name}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

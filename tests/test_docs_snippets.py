"""Every Python code sample of README.md, docs/*.md and docs/clients/*.md runs (issue 12, point 8), so
the docs cannot drift from the code.

A sample that defines tests (``def test_...``) is a test module: it runs in an inner pytest session with
the plugin loaded from its entry point, as a user's project would, and every test in it must pass. Any
other sample is the body of a test that has the ``s3sse`` fixture and a plain ``s3`` and ``kms`` client
(no retries). Both get the imports the pages take for granted (``boto3``, ``pytest``, ``ClientError``
and the public names of ``pytest_s3sse``).

A sample may say, on the line just above its fence, ``<!-- snippet: setup CODE -->`` (code run first,
for a sample that continues an earlier one) or ``<!-- snippet: skip (why) -->`` for a sample that is
not code to run (a signature summary, an excerpt); a skip must say why.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "clients").glob("*.md")),  # a page per client (issue 16)
]
FENCE = re.compile(r"^(?P<indent>[ \t]*)```python\n(?P<code>.*?)^(?P=indent)```", re.M | re.S)
DIRECTIVE = re.compile(r"<!-- snippet: (?P<kind>skip|setup)\b\s*(?P<text>.*?)\s*-->\s*$")
PREAMBLE = """\
import os
from types import SimpleNamespace

import boto3
import botocore
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_s3sse import *  # noqa: F403
"""
ARGS = ("-p", "no:benchmark", "-p", "no:cacheprovider", "-W", "error", "-W",
        "ignore::pytest.PytestAssertRewriteWarning")  # fmt: skip


@dataclass(frozen=True)
class Snippet:
    page: str
    line: int
    code: str
    skip: str | None
    setup: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _snippets() -> list[Snippet]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in FENCE.finditer(text):
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            directive = DIRECTIVE.search(before)
            skip = setup = None
            if directive is not None and directive["kind"] == "skip":
                skip = directive["text"]
            elif directive is not None:
                setup = directive["text"]
            found.append(
                Snippet(
                    page=str(page.relative_to(ROOT)),
                    line=text[: match.start()].count("\n") + 1,
                    code=textwrap.dedent(match["code"]),
                    skip=skip,
                    setup=setup or "",
                )
            )
    return found


SNIPPETS = _snippets()


def _module(snippet: Snippet) -> str:
    if re.search(r"^(async )?def test_|^class Test", snippet.code, re.M):
        return PREAMBLE + "\n" + snippet.setup + "\n" + snippet.code
    body = snippet.setup.replace("; ", "\n") + "\n" + snippet.code
    return (
        PREAMBLE
        + "\n\ndef test_snippet(s3sse):\n"
        + '    s3 = boto3.client("s3", region_name="us-east-1", '
        + 'config=Config(retries={"max_attempts": 1}))\n'
        + '    kms = boto3.client("kms", region_name="us-east-1")\n'
        + textwrap.indent(body, "    ")
    )


def test_every_page_with_python_has_samples_found():
    assert len(SNIPPETS) >= 20
    assert {s.page for s in SNIPPETS} >= {"README.md", "docs/getting-started.md", "docs/kms.md"}


def test_a_skipped_sample_says_why():
    for snippet in SNIPPETS:
        assert snippet.skip is None or snippet.skip.startswith("("), snippet.id


@pytest.mark.parametrize("snippet", [s for s in SNIPPETS if s.skip is None], ids=lambda s: s.id)
def test_the_code_sample_runs(pytester, snippet):
    pytester.makepyfile(test_snippet=_module(snippet))
    # requests does not survive pytester's in-process module snapshots, and numpy (pandas) cannot be
    # imported again once a snapshot dropped it ("cannot load module more than once per process"):
    # those run in a subprocess.
    isolated = any(name in snippet.code for name in ("requests", "responses", "pandas"))
    runner = pytester.runpytest_subprocess if isolated else pytester.runpytest
    result = runner(*ARGS)
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed", "seconds"}, result.stdout.str()

"""docs/operations.md lists exactly the S3 and KMS operations the engine answers (the README links it
instead of claiming "every S3 call"; issue 12, point 9)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.kms.jsonapi.api import HANDLERS

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text()


def _listed(section: str) -> list[str]:
    match = re.search(rf"<!-- {section} -->\n(.*?)<!-- /{section} -->", PAGE, re.DOTALL)
    assert match is not None
    return [line.removeprefix("- ") for line in match.group(1).splitlines()]


@pytest.mark.parametrize(
    ("section", "handled"),
    [("s3-operations", lambda: Engine().s3.handlers), ("kms-operations", lambda: HANDLERS)],
    ids=["S3", "KMS"],
)
def test_the_page_lists_exactly_the_operations_the_engine_answers(section, handled):
    assert _listed(section) == sorted(handled())

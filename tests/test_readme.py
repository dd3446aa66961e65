"""What the README must tell a new user (issue 12, point 9): how to install from the package index and
what each extra brings, where the list of answered operations is (not a claim of "every S3 call"),
that ``-n auto`` works, and the two fresh-machine commands (CI runs the test-suite one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_it_says_how_to_install_from_the_package_index():
    assert "pip install pytest-s3sse" in README


def test_it_says_what_each_extra_brings():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    for extra in extras:
        assert re.search(rf"`(pytest-s3sse)?\[{extra}\]`", README), extra


def test_it_links_the_operations_answered_instead_of_claiming_every_call():
    assert "(docs/operations.md)" in README
    assert not re.search(r"every (boto3/botocore )?S3 call", README)


def test_it_mentions_xdist():
    assert "-n auto" in README


def test_it_keeps_the_two_fresh_machine_commands():
    # the examples' property tests need hypothesis (the [hypothesis] extra, docs/strategies.md)
    assert 'pip install -e ".[boto3,hypothesis,s3fs]" && python -m pytest examples' in README
    assert (
        'pip install -e ".[test]" && pip install --no-deps "aioboto3>=13" "aiofiles>=23.2" && python -m pytest'
        in README
    )


def test_ci_installs_what_the_readme_test_command_installs():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert 'pip install --quiet -e ".[test,lint,docs]"' in ci
    assert 'pip install --quiet --no-deps "aioboto3>=13" "aiofiles>=23.2"' in ci

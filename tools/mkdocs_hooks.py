"""MkDocs hooks (mkdocs.yml ``hooks:``): the docstrings are written for Sphinx-style readers
(``:class:`~pytest_s3sse.EngineOptions```), which mkdocstrings renders as the role's text followed by
a code span. Show just the code span, with the short name for ``~`` targets, as Sphinx would."""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|meth|func|attr|data|mod|exc|obj):<code>(~?)([\w.]+)</code>")


def _short(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"<code>{target.rsplit('.', 1)[-1] if tilde else target}</code>"


def on_page_content(html: str, **_: Any) -> str:
    """Sphinx roles in rendered docstrings become plain code spans."""
    return _ROLE.sub(_short, html)

"""Policy variables: ``${aws:username}`` and friends in ``Resource`` and in string and ARN conditions.

P, IAM user guide "IAM policy elements: Variables and tags" (policy-behaviour.md O11, S9):

- Only under ``"Version": "2012-10-17"``; under ``2008-10-17`` (or no Version) ``${...}`` is literal text.
- A variable names any single-valued condition key of the request (``aws:username``, ``aws:userid``,
  ``aws:PrincipalTag/team``, ``s3:prefix`` ...); a multivalued key cannot be one.
- ``${*}``, ``${?}`` and ``${$}`` stand for a literal ``*``, ``?`` and ``$``.
- ``${aws:PrincipalTag/team, 'company-wide'}`` gives a default value when the key has none.
- A variable with no value (and no default) makes a string condition value not match, and a
  ``Resource`` that contains it match nothing.

A value with variables is expanded into *segments*: text from the policy (where ``*`` and ``?`` keep
their wildcard meaning in ``Resource``, ``StringLike`` and ``Arn*``) and text from the request or an
escape (always literal). The compiled regex is cached per expansion.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

# A condition key's value in a request (conditions.RequestValue; spelled here so that conditions.py,
# which uses this module, is not imported back).
RequestValue = str | tuple[str, ...]

VARIABLE_VERSION = "2012-10-17"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*(.+?)\s*,\s*'([^']*)'\s*$", re.DOTALL)
_ESCAPES = frozenset("*?$")
# (text, literal): literal text must match itself; policy text keeps its wildcards.
Segments = tuple[tuple[str, bool], ...]


def has_variables(value: str) -> bool:
    """Whether ``value`` holds a ``${...}`` variable (or escape)."""
    return _VARIABLE.search(value) is not None


def expand(value: str, keys: Mapping[str, RequestValue]) -> Segments | None:
    """``value`` with each variable replaced by the request's value (see the module doc); None when
    a variable has no value and no default."""
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in _VARIABLE.finditer(value):
        if match.start() > position:
            segments.append((value[position : match.start()], False))
        position = match.end()
        inner = match.group(1)
        if inner in _ESCAPES:
            segments.append((inner, True))
            continue
        default: str | None = None
        with_default = _WITH_DEFAULT.match(inner)
        name = inner.strip()
        if with_default is not None:
            name, default = with_default.group(1), with_default.group(2)
        found = keys.get(name.lower())
        if isinstance(found, str):
            segments.append((found, True))
        elif default is not None:
            segments.append((default, True))
        else:
            return None  # no value, or a multivalued key (which cannot be a variable)
    if position < len(value):
        segments.append((value[position:], False))
    return tuple(segments)


def text(segments: Segments) -> str:
    """The expanded value as plain text (for the exact string operators)."""
    return "".join(part for part, _ in segments)


def _regex_source(segments: Segments) -> str:
    out = []
    for part, literal in segments:
        if literal:
            out.append(re.escape(part))
        else:
            out.extend(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in part)
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def pattern(segments: Segments, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A wildcard regex for expanded segments (``*`` and ``?`` from the policy are wildcards)."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(_regex_source(segments), flags)


@functools.lru_cache(maxsize=1024)
def arn_pattern(segments: Segments) -> tuple[re.Pattern[str], ...] | None:
    """The six per-part regexes of an ARN pattern with variables (O9: wildcards stay within a part;
    a ``:`` from the request's value does not split a part). None when there are not six parts."""
    parts: list[list[tuple[str, bool]]] = [[]]
    for part, literal in segments:
        if literal:
            parts[-1].append((part, True))
            continue
        pieces = part.split(":")
        parts[-1].append((pieces[0], False))
        parts.extend([(piece, False)] for piece in pieces[1:])
    if len(parts) < 6:
        return None
    if len(parts) > 6:  # the resource part keeps its colons, as ARN parsing does (split(":", 5))
        head, tail = parts[:5], parts[5:]
        joined: list[tuple[str, bool]] = []
        for index, segment_list in enumerate(tail):
            if index:
                joined.append((":", True))
            joined.extend(segment_list)
        parts = [*head, joined]
    return tuple(re.compile(_regex_source(tuple(p)), re.DOTALL) for p in parts)

"""AWS's catalogue of S3 and KMS actions: which actions exist, which resource types each applies to,
which condition keys each supports (P: the Service Authorization Reference, via the generated
:mod:`._catalogue_data`; regenerate it with ``tools/gen_catalogue.py``).

:mod:`.document` asks it when a policy is put, to refuse what S3 refuses (policy-behaviour.md 4.4): an
action S3 does not have (M6), an action that applies to none of the statement's resources (M7), a
condition key that none of the statement's actions supports (M8), a key that is neither global nor of
the service (M9). Every answer is cached per pattern, so parsing a policy twice, or twenty statements
that share their actions, costs a few dictionary look-ups; the data is loaded on the first question.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from pytest_s3sse._internal.policy.conditions import glob

SERVICES = ("s3", "kms")
"""The services the catalogue holds."""

# A resource type's ARN format names its parts as ${Variable}. A variable is one or more characters
# without ':' or '/', except the ones whose values are paths (an object key, a KMS alias name).
_VARIABLE = re.compile(r"\$\{(\w+)\}")
_PATH_VARIABLES = frozenset({"ObjectName", "Alias"})
# A condition key whose SAR name ends in a placeholder (``s3:ExistingObjectTag/<key>``,
# ``kms:EncryptionContext:${EncryptionContextKey}``, ``aws:ResourceTag/${TagKey}``) is a family:
# any non-empty name after the prefix.
_PLACEHOLDER = re.compile(r"(<[^>]+>|\$\{\w+\})$")


class ActionInfo(NamedTuple):
    """One action of the catalogue: ``s3:GetObject``, the resource types it applies to (with SAR's
    "required" flag), and the condition keys it supports (its own and its resource types')."""

    name: str
    resource_types: tuple[tuple[str, bool], ...]
    types: frozenset[str]
    keys: KeySet


class KeySet(NamedTuple):
    """Condition key names, lower-cased (L7: names are case-insensitive): exact ones, and the
    prefixes of key families (``s3:existingobjecttag/``)."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    def has(self, key: str) -> bool:
        """Whether ``key`` (lower-cased) is one of these keys."""
        if key in self.exact:
            return True
        return any(key.startswith(p) and len(key) > len(p) for p in self.prefixes)


def _keyset(names: Iterable[str]) -> KeySet:
    exact: set[str] = set()
    prefixes: set[str] = set()
    for name in names:
        lowered = name.lower()
        stripped = _PLACEHOLDER.sub("", name)
        if stripped != name:
            prefixes.add(stripped.lower())
        else:
            exact.add(lowered)
    return KeySet(frozenset(exact), tuple(sorted(prefixes)))


class _Service(NamedTuple):
    actions: dict[str, ActionInfo]  # by lower-cased action name ("getobject")
    keys: KeySet  # every key of the service (M9)
    templates: dict[str, str]  # resource type -> ARN format


@functools.cache
def _service(prefix: str) -> _Service:
    from pytest_s3sse._internal.policy import _catalogue_data as data  # noqa: PLC0415 (on first use)

    resource_keys = data.RESOURCE_KEYS[prefix]
    actions = {}
    every_key: set[str] = set(data.CONDITION_KEYS[prefix])
    for name, (resource_types, keys) in data.ACTIONS[prefix].items():
        supported = set(keys)
        for rtype, _required in resource_types:
            supported.update(resource_keys.get(rtype, ()))
        every_key.update(supported)
        types = frozenset(t for t, _ in resource_types)
        actions[name.lower()] = ActionInfo(
            f"{prefix}:{name}", resource_types, types, _keyset(supported)
        )
    return _Service(actions, _keyset(every_key), dict(data.RESOURCE_TYPES[prefix]))


def source() -> str:
    """Which copy of the Service Authorization Reference the catalogue was generated from."""
    from pytest_s3sse._internal.policy import _catalogue_data as data  # noqa: PLC0415

    return data.SOURCE


def action(name: str) -> ActionInfo | None:
    """The catalogue's entry for ``name`` (``service:Action``, any case), or None."""
    prefix, _, action_name = name.partition(":")
    prefix = prefix.lower()
    if prefix not in SERVICES:
        return None
    return _service(prefix).actions.get(action_name.lower())


@functools.lru_cache(maxsize=1024)
def expand(pattern: str, service: str) -> tuple[ActionInfo, ...]:
    """The actions of ``service`` that ``pattern`` names (S7: case-insensitive, ``*`` and ``?``);
    ``"*"`` names them all. Empty when it names none."""
    actions = _service(service).actions
    if pattern == "*":
        return tuple(actions.values())
    prefix, _, name = pattern.partition(":")
    if prefix.lower() != service:
        return ()
    if "*" not in name and "?" not in name:
        found = actions.get(name.lower())
        return () if found is None else (found,)
    regex = glob(name.lower())
    return tuple(info for key, info in actions.items() if regex.fullmatch(key))


@functools.lru_cache(maxsize=1024)
def keys_of(pattern: str, service: str) -> KeySet:
    """Every condition key that one of the actions ``pattern`` names supports (M8): for a plain
    action name, that action's keys."""
    expanded = expand(pattern, service)
    exact = frozenset().union(*(info.keys.exact for info in expanded))
    prefixes = sorted({p for info in expanded for p in info.keys.prefixes})
    return KeySet(exact, tuple(prefixes))


@functools.lru_cache(maxsize=4096)
def applies(pattern: str, service: str, types: frozenset[str]) -> bool:
    """Whether one of the actions ``pattern`` names applies to one of the resource ``types`` (M7);
    an action that SAR gives no resource type (``s3:ListAllMyBuckets``) is not refused (U)."""
    return any(not info.types or info.types & types for info in expand(pattern, service))


@functools.lru_cache(maxsize=1024)
def is_service_key(key: str, service: str) -> bool:
    """Whether ``key`` is a condition key of ``service`` (M9)."""
    return _service(service).keys.has(key.lower())


@functools.lru_cache(maxsize=1024)
def resource_types(pattern: str, service: str) -> frozenset[str]:
    """The resource types of ``service`` whose ARNs ``pattern`` (a Resource value, with IAM's ``*``
    and ``?``) can name: ``"*"`` names every type, ``arn:aws:s3:::b/*`` only ``object``.

    The first five ARN fields are compared once per distinct head of the service's ARN formats,
    field by field, and only the resource part is searched; a value that is not an ARN (``"*"``) is
    searched whole."""
    fields = pattern.split(":", 5)
    if len(fields) != 6:  # "*", or not an ARN
        templates = _service(service).templates
        return frozenset(t for t, arn in templates.items() if _intersects(pattern, arn))
    head, resource = tuple(fields[:5]), fields[5]
    literal = "*" not in resource and "?" not in resource
    found = set()
    for template_head, tails in _heads(service):
        if not _head_matches(head, template_head):
            continue
        for rtype, tail in tails:
            if literal:
                named = _template_regex(tail).fullmatch(resource) is not None
            elif resource.endswith("*") and not _WILDCARD.search(resource[:-1]):
                # The usual "bucket/prefix/*": can an ARN of this format start with the prefix?
                named = _prefix_regex(tail).fullmatch(resource[:-1]) is not None
            else:
                named = _intersects(resource, tail)
            if named:
                found.add(rtype)
    return frozenset(found)


@functools.cache
def _heads(service: str) -> tuple[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], ...]:
    """The service's ARN formats grouped by their first five fields: (head, ((type, tail), ...))."""
    groups: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for rtype, arn in _service(service).templates.items():
        fields = arn.split(":", 5)
        groups.setdefault(tuple(fields[:5]), []).append((rtype, fields[5]))
    return tuple((head, tuple(tails)) for head, tails in groups.items())


def _head_matches(head: tuple[str, ...], template_head: tuple[str, ...]) -> bool:
    """Field by field: a wildcard stays within its field (S8: "*" and "?" inside each
    colon-separated segment of the first five)."""
    for value, wanted in zip(head, template_head, strict=True):
        if "*" in value or "?" in value:
            if not _intersects(value, wanted):
                return False
        elif _VARIABLE.fullmatch(wanted):
            if not value or "/" in value:
                return False
        elif value != wanted:
            return False
    return True


_WILDCARD = re.compile(r"[*?]")


@functools.lru_cache(maxsize=256)
def _prefix_regex(template: str) -> re.Pattern[str]:
    """A regex for the beginnings of the ARNs an ARN format names (prefix-closed: each step may be
    the last)."""
    tokens: list[str] = []  # a regex per character or per variable (one or more characters)
    position = 0
    for match in _VARIABLE.finditer(template):
        tokens.extend(re.escape(c) for c in template[position : match.start()])
        tokens.append("." if match.group(1) in _PATH_VARIABLES else "[^:/]")
        tokens[-1] += "+"
        position = match.end()
    tokens.extend(re.escape(c) for c in template[position:])
    pattern = ""
    for token in reversed(tokens):
        if token.endswith("+"):  # a variable: stop inside it, or take it whole and go on
            pattern = f"(?:{token}{pattern}|{token[:-1]}*)"
        else:
            pattern = f"(?:{token}{pattern})?"
    return re.compile(pattern, re.DOTALL)


@functools.lru_cache(maxsize=256)
def _template_regex(template: str) -> re.Pattern[str]:
    """A regex for the ARNs an ARN format names (a literal Resource value is matched with it)."""
    parts = []
    position = 0
    for match in _VARIABLE.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(".+" if match.group(1) in _PATH_VARIABLES else "[^:/]+")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


# -- do two patterns share a string? --------------------------------------------------------------
# A pattern is a list of atoms (charset, repeat): charset is one character, _ANY, or _SEGMENT (any
# character but ':' and '/'); repeat means "zero or more" (IAM's '*'), else exactly one.
_ANY = "any"
_SEGMENT = "segment"


def _policy_atoms(pattern: str) -> tuple[tuple[str, bool], ...]:
    return tuple((_ANY, True) if c == "*" else (_ANY, False) if c == "?" else (c, False) for c in pattern)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _template_atoms(template: str) -> tuple[tuple[str, bool], ...]:
    atoms: list[tuple[str, bool]] = []
    position = 0
    for match in _VARIABLE.finditer(template):
        atoms.extend((c, False) for c in template[position : match.start()])
        charset = _ANY if match.group(1) in _PATH_VARIABLES else _SEGMENT
        atoms += [(charset, False), (charset, True)]  # one or more
        position = match.end()
    atoms.extend((c, False) for c in template[position:])
    return tuple(atoms)


def _overlap(a: str, b: str) -> bool:
    if _ANY in (a, b):
        return True
    if a == _SEGMENT:
        return b == _SEGMENT or b not in ":/"
    if b == _SEGMENT:
        return a not in ":/"
    return a == b


def _intersects(pattern: str, template: str) -> bool:
    """Whether some string matches both ``pattern`` and ``template``: a search over pairs of
    positions (iterative, so a long object key in a Resource cannot exhaust the stack)."""
    left, right = _policy_atoms(pattern), _template_atoms(template)
    end = (len(left), len(right))
    stack, seen = [(0, 0)], {(0, 0)}
    while stack:
        i, j = stack.pop()
        if (i, j) == end:
            return True
        following = []
        if i < len(left) and left[i][1]:
            following.append((i + 1, j))  # the pattern's star matches nothing more
        if j < len(right) and right[j][1]:
            following.append((i, j + 1))
        if i < len(left) and j < len(right):
            (a, a_star), (b, b_star) = left[i], right[j]
            # Both stars: skipping one of them (above) reaches every common string.
            if not (a_star and b_star) and _overlap(a, b):
                following.append((i if a_star else i + 1, j if b_star else j + 1))
        for state in following:
            if state not in seen:
                seen.add(state)
                stack.append(state)
    return False

"""Condition operators: one compiled :class:`Condition` per (operator, key) of a policy's Condition block.

Semantics from shared/reference/policy-behaviour.md section 2 (P: IAM user guide, condition operators
and multi-value conditions):

- L1: several keys (and several operators) AND; several values of one key OR.
- L2: a negated operator with several values is a NOR (true only if no value matches).
- L3: a key absent from the request makes a condition false, and a negated operator's true.
- L4: ``...IfExists`` (any operator but ``Null``): absent key -> true, else evaluate normally.
- L5: ``Null`` "true" holds when the key is absent, "false" when it is present and not null (L8: an
  empty string is null).
- L6: ``ForAllValues:`` true when every request value matches some policy value, and when the key is
  absent or empty; ``ForAnyValue:`` true when at least one does, false when absent.
- O1-O9: string (case-sensitive, ``IgnoreCase``, ``Like`` with ``*``/``?``), numeric, date (ISO 8601
  or epoch seconds), ``Bool`` (case-insensitive: O6 U), ``BinaryEquals`` (base64), ``IpAddress`` (CIDR,
  a bare address is /32 or /128), ``Arn*`` (six colon-separated parts, wildcards within a part).

Everything that can be prepared is prepared when the policy is parsed (regexes, numbers, dates,
networks), so evaluating is a few comparisons. A policy value that cannot be read as the operator's type
(a number that is not one) never matches (U: AWS's answer to such a document on Put is unrecorded).
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from pytest_s3sse._internal.policy import variables

RequestValue = str | tuple[str, ...]
"""A condition key's value in a request: one string, or a tuple for a multivalued key."""


class ConditionError(ValueError):
    """A Condition block that cannot be compiled; ``problem`` names the kind of mistake
    (``operator``, ``ip``, ``shape``) so each policy flavour can answer with its own AWS text."""

    def __init__(self, problem: str, detail: str) -> None:
        super().__init__(f"{problem}: {detail}")
        self.problem = problem
        self.detail = detail


@functools.lru_cache(maxsize=4096)
def glob(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A regex for an IAM wildcard pattern: ``*`` any run of characters, ``?`` exactly one
    (P: IAM action, resource and StringLike rules, policy-behaviour.md S7, S8, O3)."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile("".join(parts), flags)


def _text(value: str) -> str:
    return value


def _bytes(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@functools.lru_cache(maxsize=1024)
def parse_date(value: str) -> datetime | None:
    """An ISO 8601 date-time (``Z`` or an offset; a naive one is UTC) or epoch seconds (O5)."""
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        try:
            return datetime.fromtimestamp(float(text), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ConditionError("ip", value) from None


@functools.lru_cache(maxsize=1024)
def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _arn_parts(value: str) -> list[str] | None:
    parts = value.split(":", 5)
    return parts if len(parts) == 6 else None


def _arn_pattern(value: str) -> tuple[re.Pattern[str], ...] | None:
    parts = _arn_parts(value)
    return None if parts is None else tuple(glob(part) for part in parts)


# Each family: how to prepare a policy value, how to prepare a request value, and when they match.
Prepare = Callable[[str], Any]
Match = Callable[[Any, Any], bool]


@dataclass(frozen=True, slots=True)
class _Family:
    prepare_policy: Prepare
    prepare_request: Prepare
    match: Match


def _cmp(test: Callable[[Any, Any], bool]) -> Match:
    def match(request: Any, policy: Any) -> bool:
        return request is not None and policy is not None and test(request, policy)

    return match


def _arn_match(request: list[str] | None, policy: tuple[re.Pattern[str], ...] | None) -> bool:
    if request is None or policy is None:
        return False
    return all(p.fullmatch(r) is not None for p, r in zip(policy, request, strict=True))


def _ip_match(request: Any, policy: Any) -> bool:
    return request is not None and request.version == policy.version and request in policy


_STRING = _Family(_text, _text, lambda r, p: r == p)
_STRING_CI = _Family(str.casefold, str.casefold, lambda r, p: r == p)
_STRING_LIKE = _Family(glob, _text, lambda r, p: p.fullmatch(r) is not None)
_BOOL = _Family(str.lower, str.lower, lambda r, p: r == p)
_BINARY = _Family(_bytes, _bytes, _cmp(lambda r, p: r == p))
_IP = _Family(_network, _address, _ip_match)
_ARN = _Family(_arn_pattern, _arn_parts, _arn_match)


def _numeric(test: Callable[[Any, Any], bool]) -> _Family:
    return _Family(_number, _number, _cmp(test))


def _date(test: Callable[[Any, Any], bool]) -> _Family:
    return _Family(parse_date, parse_date, _cmp(test))


def _ordered(
    make: Callable[[Callable[[Any, Any], bool]], _Family], stem: str
) -> dict[str, _Family]:
    return {
        f"{stem}Equals": make(lambda r, p: r == p),
        f"{stem}LessThan": make(lambda r, p: r < p),
        f"{stem}LessThanEquals": make(lambda r, p: r <= p),
        f"{stem}GreaterThan": make(lambda r, p: r > p),
        f"{stem}GreaterThanEquals": make(lambda r, p: r >= p),
    }


# operator name -> (family, negated). Negated operators are their positive family, inverted (L2, L3).
OPERATORS: Mapping[str, tuple[_Family, bool]] = {
    "StringEquals": (_STRING, False),
    "StringNotEquals": (_STRING, True),
    "StringEqualsIgnoreCase": (_STRING_CI, False),
    "StringNotEqualsIgnoreCase": (_STRING_CI, True),
    "StringLike": (_STRING_LIKE, False),
    "StringNotLike": (_STRING_LIKE, True),
    **{name: (family, False) for name, family in _ordered(_numeric, "Numeric").items()},
    "NumericNotEquals": (_numeric(lambda r, p: r == p), True),
    **{name: (family, False) for name, family in _ordered(_date, "Date").items()},
    "DateNotEquals": (_date(lambda r, p: r == p), True),
    "Bool": (_BOOL, False),
    "BinaryEquals": (_BINARY, False),
    "IpAddress": (_IP, False),
    "NotIpAddress": (_IP, True),
    "ArnEquals": (_ARN, False),
    "ArnLike": (_ARN, False),
    "ArnNotEquals": (_ARN, True),
    "ArnNotLike": (_ARN, True),
}

_QUALIFIERS = ("ForAnyValue", "ForAllValues")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One condition's evaluation, for a decision's explanation: the key as the policy wrote it, the
    operator, the policy's values and the request's (None when the key was absent). Condition values
    are what the policy and the request carried in clear (never a secret: no key material reaches a
    condition key)."""

    key: str
    operator: str
    policy_values: tuple[str, ...]
    request_value: RequestValue | None
    result: bool

    def describe(self) -> str:
        """``aws:SecureTransport Bool ["false"]: request "true" -> false``."""
        values = ", ".join(f'"{v}"' for v in self.policy_values)
        if self.request_value is None:
            seen = "absent"
        elif isinstance(self.request_value, tuple):
            seen = "[" + ", ".join(f'"{v}"' for v in self.request_value) + "]"
        else:
            seen = f'"{self.request_value}"'
        verdict = "true" if self.result else "false"
        return f"{self.key} {self.operator} [{values}]: request {seen} -> {verdict}"


@dataclass(frozen=True, slots=True)
class Condition:
    """One compiled ``{operator: {key: values}}`` pair."""

    operator: str
    key: str
    lookup: str
    values: tuple[str, ...]
    prepared: tuple[Any, ...]
    family: _Family | None
    negated: bool
    qualifier: str | None
    if_exists: bool
    # Policy values with variables (O11): prepared per request from the request's keys.
    dynamic: bool = False
    # No qualifier, no IfExists, no variables, not Null: the common case, evaluated inline.
    simple: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        simple = self.family is not None and self.qualifier is None and not self.dynamic
        object.__setattr__(self, "simple", simple and not self.if_exists)

    def evaluate(self, keys: Mapping[str, RequestValue]) -> bool:
        """True when the request's ``keys`` (lower-cased names, L7) satisfy this condition."""
        value = keys.get(self.lookup)
        family = self.family
        if self.simple and value.__class__ is str and family is not None:
            # One request value (the common case): any policy value matches (L1), negated: none (L2).
            request = family.prepare_request(value)
            match = family.match
            for prepared in self.prepared:
                if match(request, prepared):
                    return not self.negated
            return self.negated
        return self._evaluate(value, keys)

    def explain(self, keys: Mapping[str, RequestValue]) -> Outcome:
        """This condition's evaluation against ``keys``, with the values it compared."""
        value = keys.get(self.lookup)
        return Outcome(self.key, self.operator, self.values, value, self._evaluate(value, keys))

    def _prepared(self, keys: Mapping[str, RequestValue]) -> tuple[Any, ...]:
        """The policy values prepared for this request: expanded when they hold variables (a value
        whose variable has no value matches nothing, O11)."""
        if not self.dynamic:
            return self.prepared
        family = self.family
        out: list[Any] = []
        for value in self.values:
            segments = variables.expand(value, keys)
            if segments is None:
                continue
            if family is _STRING_LIKE:
                out.append(variables.pattern(segments))
            elif family is _ARN:
                out.append(variables.arn_pattern(segments))
            elif family is not None:
                out.append(family.prepare_policy(variables.text(segments)))
        return tuple(out)

    def _evaluate(self, value: RequestValue | None, keys: Mapping[str, RequestValue]) -> bool:
        if self.family is None:  # Null (L5, L8)
            absent = value is None or value in ("", ())
            return any((v.lower() == "true") == absent for v in self.values)
        if value is None:
            if self.if_exists:  # L4
                return True
            if self.qualifier == "ForAllValues":  # L6
                return True
            if self.qualifier == "ForAnyValue":  # L6
                return False
            return self.negated  # L3
        request = (value,) if isinstance(value, str) else value
        prepared = self._prepared(keys)
        if self.qualifier == "ForAllValues":
            return all(self._one(v, prepared) for v in request)  # L6: an empty set is true
        if self.qualifier == "ForAnyValue":
            return any(self._one(v, prepared) for v in request)  # L6: an empty set is false
        matched = any(self._positive(v, prepared) for v in request)
        return not matched if self.negated else matched  # L1 OR, L2 NOR

    def _positive(self, value: str, prepared: tuple[Any, ...]) -> bool:
        family = self.family
        assert family is not None
        request = family.prepare_request(value)
        return any(family.match(request, p) for p in prepared)

    def _one(self, value: str, prepared: tuple[Any, ...]) -> bool:
        matched = self._positive(value, prepared)
        return not matched if self.negated else matched


def _values(raw: object) -> tuple[str, ...]:
    """A condition's policy values as strings (JSON booleans as ``true``/``false``)."""
    items: Sequence[object] = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            out.append(str(item))
        else:
            raise ConditionError("shape", repr(item))
    return tuple(out)


def split_operator(name: str) -> tuple[str | None, str, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> (``ForAnyValue``, ``StringLike``, True)."""
    qualifier: str | None = None
    base = name
    if ":" in name:
        qualifier, _, base = name.partition(":")
        if qualifier not in _QUALIFIERS:
            raise ConditionError("operator", name)
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    if base == "Null" and (if_exists or qualifier):
        raise ConditionError("operator", name)  # L4, O10: no IfExists form of Null
    if base != "Null" and base not in OPERATORS:
        raise ConditionError("operator", name)
    return qualifier, base, if_exists


_WITH_VARIABLES = (_STRING, _STRING_CI, _STRING_LIKE, _ARN)  # O1-O3, O9: variables allowed


def compile_block(block: object, *, policy_variables: bool = False) -> tuple[Condition, ...]:
    """Compile a statement's ``Condition`` element (a JSON object of operator -> key -> values).
    ``policy_variables``: the policy's Version enables ``${...}`` in string and ARN values (O11)."""
    if not isinstance(block, dict):
        raise ConditionError("shape", "Condition must be an object")
    conditions = []
    for operator, pairs in block.items():
        qualifier, base, if_exists = split_operator(operator)
        if not isinstance(pairs, dict):
            raise ConditionError("shape", f"{operator} must map keys to values")
        for key, raw in pairs.items():
            values = _values(raw)
            dynamic = False
            if base == "Null":
                family, negated, prepared = None, False, ()
            else:
                family, negated = OPERATORS[base]
                dynamic = (
                    policy_variables
                    and family in _WITH_VARIABLES
                    and any(variables.has_variables(v) for v in values)
                )
                prepared = tuple(family.prepare_policy(v) for v in values)
            conditions.append(
                Condition(
                    operator,
                    key,
                    key.lower(),
                    values,
                    prepared,
                    family,
                    negated,
                    qualifier,
                    if_exists,
                    dynamic,
                )
            )
    return tuple(conditions)

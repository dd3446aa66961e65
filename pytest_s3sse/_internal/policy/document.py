"""Policy documents: parsed and validated once, into an immutable, indexed :class:`Policy`.

Three flavours share one grammar (P: IAM user guide, policy elements; policy-behaviour.md 1.2) and differ
in what they require and in how a mistake is answered:

- ``BUCKET``: a bucket policy; ``Principal`` required, S3 actions, resources of this bucket; refused with
  S3's 400 ``MalformedPolicy`` and the text AWS gives for the mistake (policy-behaviour.md 4.4).
- ``KEY``: a KMS key policy; ``Principal`` required, and since 2025-08-18 ``Action`` (or ``NotAction``)
  and ``Resource`` too (KP6 as amended: an AWS notice quoted in ministryofjustice/analytical-platform
  #7691, S; the element was accepted without effect before); ``"Resource": "*"`` means this key (S8);
  refused with KMS's ``MalformedPolicyDocumentException`` (4.5).
- ``IDENTITY``: an identity policy given to the test API; no ``Principal``; refused with
  :class:`InvalidIdentityPolicy` (a test-API error, not an AWS answer).

Matching is prepared here: actions case-insensitively, resources case-sensitively, ``*`` and ``?``
wildcards compiled to one regex per statement (S7, S8), principals into sets, conditions into
:mod:`.conditions`. :meth:`Policy.statements_for` caches, per action, the statements that name it, so an
evaluation looks only at those.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pytest_s3sse._internal.errors import S3SSEError
from pytest_s3sse._internal.errors.kms import MalformedPolicyDocumentException
from pytest_s3sse._internal.errors.s3 import MalformedPolicy, PolicyTooLarge
from pytest_s3sse._internal.policy import catalogue, variables
from pytest_s3sse._internal.policy.conditions import (
    Condition,
    ConditionError,
    RequestValue,
    compile_block,
    glob,
)


class PolicyKind(str, Enum):
    """Where a policy is attached: a bucket, a KMS key, or an identity."""

    BUCKET = "bucket policy"
    KEY = "key policy"
    IDENTITY = "identity policy"


class InvalidIdentityPolicy(S3SSEError, ValueError):
    """An identity policy given to the test API that is not a valid policy document."""


VERSIONS = ("2012-10-17", "2008-10-17")
DEFAULT_VERSION = "2008-10-17"  # S9: absent Version, U (T versitygw)
BUCKET_POLICY_LIMIT = 20 * 1024  # M16: "Bucket policies are limited to 20 KB in size" (P)

# Bucket-policy texts (policy-behaviour.md 4.4). A: M1-M5, M7; S: M6; U: M10-M17 (T versitygw et al.).
NOT_JSON_OBJECT = "Policies must be valid JSON and the first byte must be '{'"  # M1 (A)
INVALID_JSON = "This policy contains invalid Json"  # M13 (U)
MISSING_STATEMENT = "Missing required field Statement"  # M2 (A)
MISSING_PRINCIPAL = "Missing required field Principal"  # M3 (A)
INVALID_PRINCIPAL = "Invalid principal in policy"  # M4 (A), M17 (U)
INVALID_RESOURCE = "Policy has invalid resource"  # M5 (A)
INVALID_ACTION = "Policy has invalid action"  # M6 (S; T versitygw)
ACTION_NOT_APPLICABLE = "Action does not apply to any resource(s) in statement"  # M7 (A)
CONDITIONS_NOT_APPLICABLE = (
    "Conditions do not apply to combination of actions and resources in statement"  # M8 (A)
)
INVALID_CONDITION_KEY = "Policy has an invalid condition key"  # M9 (S; T Scality)
EMPTY_STATEMENT = "Could not parse the policy: Statement is empty!"  # M14 (U)
INVALID_VERSION = "The policy must contain a valid version string"  # M15 (U)
INVALID_IP = "Invalid IP address in Conditions"  # M10 (U)
# Proposed by analogy with M3 (U): AWS's text for a statement with no Action / no Resource is unrecorded.
MISSING_ACTION = "Missing required field Action"
MISSING_RESOURCE = "Missing required field Resource"

# Key-policy texts (4.5): KP2 P/A; anything else without a recorded text gets KP3's empty message (U).
KMS_INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."


def invalid_effect(value: object) -> str:
    """M12 (U): ``Invalid effect: <value>``."""
    return f"Invalid effect: {value}"


def invalid_condition_type(operator: str) -> str:
    """M11 (U): ``Invalid Condition type : <op>``."""
    return f"Invalid Condition type : {operator}"


class _Malformed(Exception):
    """A mistake found while parsing; ``bucket`` is S3's text, ``key`` KMS's, ``identity`` the test
    API's (when it says more than S3's text: which statement, which name)."""

    def __init__(self, bucket: str, key: str = "", identity: str = "") -> None:
        super().__init__(bucket)
        self.bucket = bucket
        self.key = key
        self.identity = identity or bucket


# Principal ARNs a policy may name (S2): account root, user, role, STS session, federated user.
_ACCOUNT = re.compile(r"\d{12}")
_IAM_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):(root|user/.+|role/.+)")
_STS_ARN = re.compile(r"arn:aws[a-z-]*:sts::(\d{12}):(assumed-role/[^/]+/[^/]+|federated-user/.+)")
_UNIQUE_ID = re.compile(r"A(IDA|ROA)[A-Z0-9]{12,}")  # S2: a deleted identity shows as its unique id
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")
_ACTION = re.compile(r"([A-Za-z0-9-]+):([A-Za-z0-9*?]+)")
_S3_ARN_PREFIX = re.compile(r"arn:aws[a-z-]*:s3:::")


@dataclass(frozen=True, slots=True)
class Principals:
    """A statement's ``Principal`` (or ``NotPrincipal``) as sets (S1-S3).

    ``everyone`` for ``"*"`` / ``{"AWS": "*"}``; ``accounts`` from account ids and root ARNs (E5: they
    delegate to the account); ``arns`` users, sessions and federated users (exact); ``roles`` role ARNs
    (E3: they cover the role's sessions); ``services``. Unique ids and canonical users name nobody the
    engine knows, so they match no caller.
    """

    everyone: bool = False
    accounts: frozenset[str] = frozenset()
    arns: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Patterns:
    """Action or resource patterns: exact strings in a set, wildcard ones in one regex."""

    literals: frozenset[str]
    regex: re.Pattern[str] | None
    fold: bool

    def matches(self, value: str) -> bool:
        probe = value.lower() if self.fold else value
        if probe in self.literals:
            return True
        return self.regex is not None and self.regex.fullmatch(probe) is not None


def _patterns(values: tuple[str, ...], *, fold: bool) -> _Patterns:
    wild = [v for v in values if "*" in v or "?" in v]
    literals = frozenset(v.lower() if fold else v for v in values if v not in wild)
    regex = None
    if wild:
        regex = re.compile(
            "|".join(f"(?:{glob(v, ignore_case=fold).pattern})" for v in wild),
            re.DOTALL | (re.IGNORECASE if fold else 0),
        )
    return _Patterns(literals, regex, fold)


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement. ``label`` is its Sid, or its position when it has none."""

    index: int
    sid: str
    allow: bool
    principals: Principals | None
    not_principal: bool
    actions: _Patterns | None
    not_action: bool
    resources: _Patterns | None
    not_resource: bool
    conditions: tuple[Condition, ...]
    # Resource patterns with policy variables (O11), matched per request; the others are in resources.
    dynamic_resources: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Sid "DenyHttp"`` or ``statement #2`` (0-based, the order of the document)."""
        return f'Sid "{self.sid}"' if self.sid else f"statement #{self.index}"

    def names_action(self, action: str) -> bool:
        """True when ``Action``/``NotAction`` covers ``action`` (S6, S7); a statement with neither
        covers nothing (KP6)."""
        if self.actions is None:
            return False
        return self.actions.matches(action) != self.not_action

    def names_resource(self, resource: str, keys: Mapping[str, RequestValue] | None = None) -> bool:
        """True when ``Resource``/``NotResource`` covers ``resource`` (S6, S8); patterns with policy
        variables are expanded with the request's ``keys`` (O11: one whose variable has no value
        matches nothing)."""
        if self.resources is None:
            return False
        matched = self.resources.matches(resource)
        if not matched and self.dynamic_resources and keys is not None:
            for raw in self.dynamic_resources:
                segments = variables.expand(raw, keys)
                if segments is not None and variables.pattern(segments).fullmatch(resource):
                    matched = True
                    break
        return matched != self.not_resource


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy document. ``text`` is the document as it was given (GetBucketPolicy returns it
    as stored: open point 8)."""

    kind: PolicyKind
    version: str
    id: str
    statements: tuple[Statement, ...]
    text: str
    _by_action: dict[str, tuple[Statement, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Decisions already made, for a policy whose statements have no conditions and no variables
    # (then a decision depends only on the action, the caller and the resource): PolicyAuthorizer's.
    memo: dict[tuple[str, ...], object] = field(default_factory=dict, compare=False, repr=False)
    # True when no statement has a condition or a policy variable (the default key policy).
    unconditional: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        plain = all(not s.conditions and not s.dynamic_resources for s in self.statements)
        object.__setattr__(self, "unconditional", plain)

    def __reduce__(self) -> tuple[Callable[[str, PolicyKind], Policy], tuple[str, PolicyKind]]:
        """Pickled as its text, parsed again when loaded (a state directory): the compiled
        conditions hold functions, and the caches start empty."""
        return (_parsed, (self.text, self.kind))

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """The statements whose Action/NotAction covers ``action``, computed once per action name
        (the set of actions is small and fixed, so the cache is bounded)."""
        key = action.lower()
        found = self._by_action.get(key)
        if found is None:
            found = tuple(s for s in self.statements if s.names_action(action))
            self._by_action[key] = found
        return found


def _parsed(text: str, kind: PolicyKind) -> Policy:
    """A policy parsed again from its text (it was valid when it was stored)."""
    return parse_policy(text, kind)


def parse_policy(text: str, kind: PolicyKind, *, bucket_arn: str | None = None) -> Policy:
    """Parse and validate ``text`` as a ``kind`` policy, or raise the error AWS answers.

    ``bucket_arn`` (bucket policies): every resource must be this bucket or its objects (M5).
    """
    try:
        return _parse(text, kind, bucket_arn)
    except _Malformed as bad:
        raise _error(kind, bad) from None


def _error(kind: PolicyKind, bad: _Malformed) -> S3SSEError:
    if kind is PolicyKind.BUCKET:
        return MalformedPolicy(bad.bucket)
    if kind is PolicyKind.KEY:
        return MalformedPolicyDocumentException(bad.key)
    return InvalidIdentityPolicy(bad.identity)


def _parse(text: str, kind: PolicyKind, bucket_arn: str | None) -> Policy:
    if kind is PolicyKind.BUCKET and not text.startswith("{"):
        raise _Malformed(NOT_JSON_OBJECT)  # M1
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise _Malformed(INVALID_JSON if text.startswith("{") else NOT_JSON_OBJECT) from None
    if not isinstance(document, dict):
        raise _Malformed(NOT_JSON_OBJECT)
    if kind is PolicyKind.BUCKET:
        _check_size(document)
    version = document.get("Version", DEFAULT_VERSION)
    if version not in VERSIONS:
        raise _Malformed(INVALID_VERSION)  # M15
    policy_id = document.get("Id", "")
    if not isinstance(policy_id, str):
        raise _Malformed(INVALID_JSON)
    if "Statement" not in document:
        raise _Malformed(MISSING_STATEMENT)  # M2
    raw = document["Statement"]
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise _Malformed(EMPTY_STATEMENT)  # M14
    statements = tuple(
        _statement(i, item, kind, bucket_arn, version) for i, item in enumerate(items)
    )
    return Policy(kind, version, policy_id, statements, text)


def _check_size(document: Mapping[str, Any]) -> None:
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    if len(compact.encode()) > BUCKET_POLICY_LIMIT:  # M16: AWS counts without whitespace (S)
        raise PolicyTooLarge


def _strings(value: object, message: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise _Malformed(message)
    return tuple(items)


def _statement(
    index: int, raw: object, kind: PolicyKind, bucket_arn: str | None, version: str
) -> Statement:
    if not isinstance(raw, dict):
        raise _Malformed(INVALID_JSON)
    sid = raw.get("Sid", "")
    if not isinstance(sid, str):
        raise _Malformed(INVALID_JSON)
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise _Malformed(invalid_effect(effect))  # M12
    principals, not_principal = _principal_element(raw, kind, allow=effect == "Allow")
    label = (kind, index, sid)  # named in the test API's messages (identity policies)
    actions, not_action = _action_element(raw, kind, label)
    with_variables = version == variables.VARIABLE_VERSION
    resources, not_resource, dynamic = _resource_element(raw, kind, bucket_arn, with_variables)
    conditions: tuple[Condition, ...] = ()
    if "Condition" in raw:
        try:
            conditions = compile_block(raw["Condition"], policy_variables=with_variables)
        except ConditionError as bad:
            raise _condition_error(bad) from None
    if kind is not PolicyKind.KEY and actions is not None and resources is not None:
        _check_catalogue(
            raw,
            kind,
            label,
            not_action=not_action,
            not_resource=not_resource,
            conditions=conditions,
        )
    return Statement(
        index,
        sid,
        effect == "Allow",
        principals,
        not_principal,
        actions,
        not_action,
        resources,
        not_resource,
        conditions,
        dynamic,
    )


def _condition_error(bad: ConditionError) -> _Malformed:
    if bad.problem == "ip":
        return _Malformed(INVALID_IP)  # M10
    if bad.problem == "operator":
        return _Malformed(invalid_condition_type(bad.detail))  # M11
    return _Malformed(INVALID_JSON)


def _principal_element(
    raw: Mapping[str, Any], kind: PolicyKind, *, allow: bool
) -> tuple[Principals | None, bool]:
    has, has_not = "Principal" in raw, "NotPrincipal" in raw
    if kind is PolicyKind.IDENTITY:
        if has or has_not:  # an identity policy names no principal (P: IAM policy grammar)
            raise _Malformed("Identity policies cannot specify Principal or NotPrincipal")
        return None, False
    if has and has_not:
        raise _Malformed(INVALID_PRINCIPAL, KMS_INVALID_PRINCIPALS)
    if not has and not has_not:
        raise _Malformed(MISSING_PRINCIPAL, KMS_INVALID_PRINCIPALS)  # M3; KMS text U
    if has_not and allow:
        raise _Malformed(INVALID_PRINCIPAL, KMS_INVALID_PRINCIPALS)  # S5, M17 (U)
    value = raw["NotPrincipal" if has_not else "Principal"]
    return _principals(value), has_not


def _principals(value: object) -> Principals:
    bad = _Malformed(INVALID_PRINCIPAL, KMS_INVALID_PRINCIPALS)  # M4, KP2
    if value == "*":
        return Principals(everyone=True)  # S1
    if not isinstance(value, dict) or not value:
        raise bad
    accounts: set[str] = set()
    arns: set[str] = set()
    roles: set[str] = set()
    services: set[str] = set()
    everyone = False
    for element, entries in value.items():
        names = _strings(entries, INVALID_PRINCIPAL)
        for name in names:
            if element == "AWS":
                if name == "*":
                    everyone = True
                elif _ACCOUNT.fullmatch(name):
                    accounts.add(name)
                elif match := _IAM_ARN.fullmatch(name):
                    if "*" in name or "?" in name:
                        raise bad  # S1: no partial wildcards in principal ARNs
                    if match.group(2) == "root":
                        accounts.add(match.group(1))
                    elif match.group(2).startswith("role/"):
                        roles.add(name)
                    else:
                        arns.add(name)
                elif _STS_ARN.fullmatch(name) and "*" not in name and "?" not in name:
                    arns.add(name)
                elif not _UNIQUE_ID.fullmatch(name):
                    raise bad
            elif element == "Service":
                if not _SERVICE.fullmatch(name):
                    raise bad
                services.add(name)
            elif element not in ("CanonicalUser", "Federated"):
                raise bad
    return Principals(
        everyone, frozenset(accounts), frozenset(arns), frozenset(roles), frozenset(services)
    )


_SERVICE_PREFIX = {PolicyKind.BUCKET: "s3", PolicyKind.KEY: "kms"}


def _element_values(
    raw: Mapping[str, Any], name: str, kind: PolicyKind, invalid: str, missing: str
) -> tuple[tuple[str, ...], bool]:
    """The values of ``name`` or ``Not<name>`` (and which one was given); both, or neither, is
    malformed (U for the texts). A key policy's statement without ``Action``/``NotAction`` or
    ``Resource`` is refused since 2025-08-18 (KP6 as amended, S: "CreateKey, ReplicateKey and
    PutKeyPolicy API requests without a valid Action or NotAction, and Resource element in the key
    policy will be rejected with MalformedPolicyDocumentException"; the message is U: empty, as KP3)."""
    has, has_not = name in raw, "Not" + name in raw
    if has and has_not:
        raise _Malformed(invalid)
    if not has and not has_not:
        raise _Malformed(missing)
    return _strings(raw["Not" + name if has_not else name], invalid), has_not


_Label = tuple[PolicyKind, int, str]
"""Which statement: the policy's kind, the statement's position and its Sid."""


def _named(label: _Label, detail: str, text: str) -> str:
    """``identity policy Sid "Read": s3:GetObjekt names no s3 action (Policy has invalid action)``."""
    kind, index, sid = label
    which = f'Sid "{sid}"' if sid else f"statement #{index}"
    return f"{kind.value} {which}: {detail} ({text})"


def _action_element(
    raw: Mapping[str, Any], kind: PolicyKind, label: _Label
) -> tuple[_Patterns | None, bool]:
    values, has_not = _element_values(raw, "Action", kind, INVALID_ACTION, MISSING_ACTION)
    prefix = _SERVICE_PREFIX.get(kind)
    for value in values:
        if value == "*":
            continue
        match = _ACTION.fullmatch(value)
        if match is None or (prefix is not None and match.group(1).lower() != prefix):
            raise _Malformed(INVALID_ACTION)  # M6
        service = match.group(1).lower()
        # M6: a name, or a pattern, that names no action of the service (T versitygw refuses a
        # wildcard that matches nothing too). Key policies stay lenient: KMS's answer is unrecorded.
        if (
            kind is not PolicyKind.KEY
            and service in catalogue.SERVICES
            and not catalogue.expand(value, service)
        ):
            detail = f"{value} names no {service} action"
            raise _Malformed(INVALID_ACTION, identity=_named(label, detail, INVALID_ACTION))
    return _patterns(values, fold=True), has_not


def _check_catalogue(
    raw: Mapping[str, Any],
    kind: PolicyKind,
    label: _Label,
    *,
    not_action: bool,
    not_resource: bool,
    conditions: tuple[Condition, ...],
) -> None:
    """M7-M9 against AWS's catalogue (:mod:`.catalogue`): see :func:`_catalogue_problem`."""
    keys = tuple(c.key for c in conditions)
    actions, resources = _values(raw, "Action"), _values(raw, "Resource")
    problem = _catalogue_problem(
        kind, actions, resources, not_action=not_action, not_resource=not_resource, keys=keys
    )
    if problem is not None:
        text, detail = problem
        raise _Malformed(text, identity=_named(label, detail, text))


@functools.lru_cache(maxsize=2048)
def _catalogue_problem(
    kind: PolicyKind,
    actions: tuple[str, ...],
    resources: tuple[str, ...],
    *,
    not_action: bool,
    not_resource: bool,
    keys: tuple[str, ...],
) -> tuple[str, str] | None:
    """The first of M7, M9, M8 a statement breaks (AWS's text and what is wrong), for the actions of
    the services the catalogue holds; cached, as statements repeat between policies and puts.

    M7: every Action entry (a wildcard: one of the actions it names) must apply to a resource type
    that one of the statement's resources can name. M9: a condition key that is not global
    (``aws:``) must be a key of its service (a bucket policy: of S3). M8: such a key must be
    supported by the statement's actions of that service (:func:`_unsupporting`). NotResource
    statements are not checked for M7, NotAction ones for M7 and M8 (U: AWS's answer for them is
    unrecorded, so the double stays lenient).
    """
    services: list[tuple[str, str]] = []  # (Action value, its catalogued service)
    uncatalogued = False  # an action of a service the catalogue does not hold (identity policies)
    types_of: dict[str, frozenset[str]] = {}
    for value in actions:
        service = _service_of(value, kind)
        if service is None:
            uncatalogued = True
            continue
        services.append((value, service))
        if not_action or not_resource:
            continue
        types = types_of.get(service)
        if types is None:
            types = frozenset().union(*(catalogue.resource_types(r, service) for r in resources))
            types_of[service] = types
        if not catalogue.applies(value, service, types):
            return ACTION_NOT_APPLICABLE, f"{value} applies to none of its resources"
    for key in keys:
        prefix = key.partition(":")[0].lower()
        if prefix == "aws":
            continue
        if kind is PolicyKind.BUCKET:
            valid = prefix == "s3" and catalogue.is_service_key(key, "s3")
        else:
            valid = prefix not in catalogue.SERVICES or catalogue.is_service_key(key, prefix)
        if not valid:
            return INVALID_CONDITION_KEY, f"{key} is not a condition key of {prefix}"
        if not not_action and not uncatalogued and prefix in catalogue.SERVICES:
            unsupported = _unsupporting(key.lower(), prefix, services)
            if unsupported is not None:
                return CONDITIONS_NOT_APPLICABLE, f"{unsupported} does not support {key}"
    return None


def _unsupporting(key: str, service: str, actions: list[tuple[str, str]]) -> str | None:
    """The first Action value that does not support ``key`` (M8), or None: every named action of the
    key's service must support it (A humanmade/S3-Uploads#239: ``s3:prefix`` with ListBucket and
    GetBucketAcl is refused), a wildcard through one of the actions it names (U: lenient, so that
    ``s3:*`` keeps ``s3:TlsVersion``); a statement with no action of that service names it."""
    own = [value for value, prefix in actions if prefix == service]
    if not own:
        return f"no {service} action"
    for value in own:
        if not catalogue.keys_of(value, service).has(key):
            return value
    return None


def _values(raw: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """The (already validated) values of ``name`` or ``Not<name>``."""
    value = raw[name] if name in raw else raw["Not" + name]
    return tuple(value) if isinstance(value, list) else (value,)


def _service_of(action: str, kind: PolicyKind) -> str | None:
    """The catalogued service an Action value belongs to (``"*"``: S3's, in a bucket policy)."""
    if action == "*":
        return "s3" if kind is PolicyKind.BUCKET else None
    service = action.partition(":")[0].lower()
    return service if service in catalogue.SERVICES else None


def _resource_element(
    raw: Mapping[str, Any], kind: PolicyKind, bucket_arn: str | None, with_variables: bool
) -> tuple[_Patterns | None, bool, tuple[str, ...]]:
    values, has_not = _element_values(raw, "Resource", kind, INVALID_RESOURCE, MISSING_RESOURCE)
    if kind is PolicyKind.BUCKET and bucket_arn is not None:
        for value in values:
            if not _in_bucket(value, bucket_arn):
                raise _Malformed(INVALID_RESOURCE)  # M5
    dynamic = tuple(v for v in values if with_variables and variables.has_variables(v))
    static = tuple(v for v in values if v not in dynamic)
    return _patterns(static, fold=False), has_not, dynamic


def _in_bucket(pattern: str, bucket_arn: str) -> bool:
    """Whether a bucket policy's resource can name this bucket or its objects (M5; ``"*"`` alone is
    refused: S, noobaa/noobaa-core#10058 reports AWS's answer)."""
    if _S3_ARN_PREFIX.match(pattern) is None:
        return False
    if glob(pattern).fullmatch(bucket_arn):
        return True
    cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=len(pattern))
    literal = pattern[:cut]
    objects = bucket_arn + "/"
    if cut == len(pattern):  # no wildcard: the bucket itself or one of its objects
        return literal.startswith(objects)
    return objects.startswith(literal) or literal.startswith(objects)

"""Protocol edge: a POST form upload's policy, checked against the form (pure: no engine, no I/O).

The policy is base64 JSON ``{"expiration": "...", "conditions": [...]}`` (P: "Creating a POST policy",
sigv4-HTTPPOSTConstructPolicy). S3 checks, after the signature:

- ``expiration`` (ISO 8601, ``2007-12-01T12:00:00.000Z``) against its clock, here the engine clock: past
  it, 403 AccessDenied ``Invalid according to Policy: Policy expired.`` (A).
- every condition: an exact match ``{"field": "value"}`` or ``["eq", "$field", "value"]``, a prefix
  ``["starts-with", "$field", "prefix"]`` (``""`` accepts any value; for ``Content-Type`` each value of
  a comma-separated list must match: P), ``["content-length-range", min, max]`` against the file's
  size (400 EntityTooSmall / EntityTooLarge with ``ProposedSize`` and ``MinSizeAllowed`` /
  ``MaxSizeAllowed``: A). Field names are case-insensitive, values case-sensitive (A); ``bucket`` is
  the addressed bucket. A condition that fails is 403 AccessDenied ``Invalid according to Policy:
  Policy Condition failed: <the condition as JSON>`` (A, LocalStack snapshots
  ``test_post_object_policy_conditions_validation_eq`` / ``_starts_with`` / ``test_post_object_policy_validation_size``).
- every form field except ``policy``, the signature (``x-amz-signature``, ``signature``,
  ``AWSAccessKeyId``), ``file`` and ``x-ignore-*`` must be named by a condition (P: "Each form field
  that you specify in a form (except x-amz-signature, file, policy, and field names that have an
  x-ignore- prefix) must appear in the list of conditions"), else 403 AccessDenied ``Invalid according
  to Policy: Extra input fields: <field>`` (S: AWS's answers quoted in aws/aws-sdk-php#3292,
  waynehoover/s3_direct_upload#54, the field lower-cased; the first such field is named: U).

docs/errors.md lists each answer with its source.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from pytest_s3sse._internal.errors.s3 import (
    AccessDenied,
    EntityTooLarge,
    EntityTooSmall,
    InvalidPolicyDocument,
)
from pytest_s3sse._internal.http import ascii_decimal

EXPIRED = "Invalid according to Policy: Policy expired."  # A: test_post_request_expires
CONDITION_FAILED = "Invalid according to Policy: Policy Condition failed: {}"  # A
EXTRA_FIELDS = "Invalid according to Policy: Extra input fields: {}"  # S (module docstring)
# A: LocalStack snapshot test_post_object_policy_conditions_validation_eq (wrong-condition).
SIMPLE_CONDITION = (
    "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property "
    "specified."
)
INVALID_JSON = "Invalid Policy: Invalid JSON."  # U
MISSING_EXPIRATION = "Invalid Policy: Policy missing expiration."  # U
INVALID_EXPIRATION = "Invalid Policy: Invalid 'expiration' value: '{}'"  # U
# Fields no condition needs to name (P); the V2 signature fields are the same kind (U).
EXEMPT = frozenset({"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"})
_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ")  # botocore writes the first
_SIZE_DIGITS = 19


def check(policy: str, fields: Mapping[str, str], *, bucket: str, size: int, now: datetime) -> None:
    """Raise S3's error unless the form (``fields``: lower-cased names) and its file of ``size``
    bytes, sent to ``bucket`` at ``now``, satisfy ``policy`` (base64 JSON)."""
    document = _decode(policy)
    _check_expiration(document.get("expiration"), now)
    conditions = document.get("conditions", [])
    if not isinstance(conditions, list):
        raise InvalidPolicyDocument(INVALID_JSON)
    named: set[str] = set()
    for condition in conditions:
        name = _check_condition(condition, fields, bucket, size)
        if name is not None:
            named.add(name)
    for name in fields:
        if name not in named and name not in EXEMPT and not name.startswith("x-ignore-"):
            raise AccessDenied(EXTRA_FIELDS.format(name))


def _decode(policy: str) -> dict[str, Any]:
    try:
        document = json.loads(base64.b64decode(policy.encode(), validate=True))
    except (binascii.Error, ValueError, UnicodeError):
        raise InvalidPolicyDocument(INVALID_JSON) from None
    if not isinstance(document, dict):
        raise InvalidPolicyDocument(INVALID_JSON)
    return document


def _check_expiration(value: object, now: datetime) -> None:
    if value is None:
        raise InvalidPolicyDocument(MISSING_EXPIRATION)
    for fmt in _FORMATS:
        try:
            expires = datetime.strptime(str(value), fmt).replace(tzinfo=timezone.utc)
            break
        except ValueError:
            continue
    else:
        raise InvalidPolicyDocument(INVALID_EXPIRATION.format(value))
    if now > expires:
        raise AccessDenied(EXPIRED)


def _failed(condition: object) -> AccessDenied:
    return AccessDenied(CONDITION_FAILED.format(json.dumps(condition, ensure_ascii=False)))


def _value(fields: Mapping[str, str], name: str, bucket: str) -> str | None:
    return bucket if name == "bucket" else fields.get(name)


def _check_condition(
    condition: object, fields: Mapping[str, str], bucket: str, size: int
) -> str | None:
    """Check one condition; the (lower-cased) field it names, if any."""
    if isinstance(condition, dict):
        if len(condition) != 1:
            raise InvalidPolicyDocument(SIMPLE_CONDITION)
        ((raw, expected),) = condition.items()
        name = str(raw).lower()
        wanted = expected if isinstance(expected, str) else json.dumps(expected)
        if _value(fields, name, bucket) != wanted:
            # U: a simple condition is reported as the "eq" it stands for.
            raise _failed(["eq", f"${raw}", expected])
        return name
    if not isinstance(condition, list) or len(condition) != 3:
        raise _failed(condition)  # U: any other shape
    operator, raw, expected = condition
    if operator == "content-length-range":
        _check_size(condition, raw, expected, size)
        return None
    if not (isinstance(raw, str) and raw.startswith("$") and isinstance(expected, str)):
        raise _failed(condition)  # A: a field without "$" fails (missing-prefix)
    name = raw[1:].lower()
    actual = _value(fields, name, bucket)
    if operator == "eq":
        ok = actual == expected
    elif operator == "starts-with":
        values = actual.split(",") if actual is not None and name == "content-type" else [actual]
        ok = expected == "" or all(v is not None and v.strip().startswith(expected) for v in values)
    else:
        ok = False  # U: an operator S3 does not know
    if not ok:
        raise _failed(condition)
    return name


def _size(value: object) -> int | None:
    """A content-length-range bound: an integer, or a string of ASCII digits (A: ``"5"`` is read)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return ascii_decimal(value, _SIZE_DIGITS) if isinstance(value, str) else None


def _check_size(condition: list[Any], low: object, high: object, size: int) -> None:
    minimum, maximum = _size(low), _size(high)
    if minimum is None or maximum is None:
        raise _failed(condition)  # A: ["content-length-range", "test", "10"]
    if size < minimum:
        raise EntityTooSmall(extra={"ProposedSize": str(size), "MinSizeAllowed": str(minimum)})
    if size > maximum:
        raise EntityTooLarge(extra={"ProposedSize": str(size), "MaxSizeAllowed": str(maximum)})

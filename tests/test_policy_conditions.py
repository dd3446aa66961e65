"""Condition operators, one behaviour each, as the IAM user guide documents them.

Sources: shared/reference/policy-behaviour.md section 2 (P: IAM user guide
reference_policies_elements_condition_operators.md and reference_policies_multi-value-conditions.md):
rows L1-L8 (block logic) and O1-O10 (operators); O6's case rule is U (proposed case-insensitive).
"""

from __future__ import annotations

import pytest

from pytest_s3sse._internal.policy.conditions import ConditionError, compile_block, parse_date


def holds(block, keys):
    """Whether every condition of ``block`` holds for request ``keys`` (names lower-cased, L7)."""
    lowered = {k.lower(): v for k, v in keys.items()}
    return all(c.evaluate(lowered) for c in compile_block(block))


# --- O1-O3: strings -------------------------------------------------------------------------------


def test_string_equals_is_case_sensitive():
    # O1 (P): exact, case-sensitive match.
    assert holds({"StringEquals": {"k": "aws:kms"}}, {"k": "aws:kms"})
    assert not holds({"StringEquals": {"k": "aws:kms"}}, {"k": "AWS:KMS"})


def test_string_equals_ignore_case_ignores_case():
    # O2 (P).
    assert holds({"StringEqualsIgnoreCase": {"k": "aws:kms"}}, {"k": "AWS:Kms"})
    assert not holds({"StringNotEqualsIgnoreCase": {"k": "aws:kms"}}, {"k": "AWS:Kms"})


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [("a*", "abc", True), ("a?c", "abc", True), ("a?c", "abbc", False), ("*/x", "a/b/x", True),
     ("A*", "abc", False), ("a.c", "abc", False)],
)  # fmt: skip
def test_string_like_wildcards_are_case_sensitive(pattern, value, expected):
    # O3 (P): "*" many characters, "?" one, case-sensitive; other characters are literal.
    assert holds({"StringLike": {"k": pattern}}, {"k": value}) is expected


def test_several_values_of_one_key_or():
    # L1 (P): several values for one key combine with OR.
    assert holds({"StringEquals": {"k": ["AES256", "aws:kms"]}}, {"k": "aws:kms"})


def test_several_keys_and():
    # L1 (P): several keys under one operator, and several operators, combine with AND.
    block = {"StringEquals": {"a": "1", "b": "2"}, "Bool": {"c": "true"}}
    assert holds(block, {"a": "1", "b": "2", "c": "true"})
    assert not holds(block, {"a": "1", "b": "2", "c": "false"})
    assert not holds(block, {"a": "1", "c": "true"})


def test_negated_operator_with_several_values_is_nor():
    # L2 (P): StringNotEquals ["A","B"] is true only if the value is neither.
    block = {"StringNotEquals": {"aws:PrincipalAccount": ["111111111111", "222222222222"]}}
    assert not holds(block, {"aws:PrincipalAccount": "222222222222"})
    assert holds(block, {"aws:PrincipalAccount": "333333333333"})


# --- L3, L4, L5: missing keys ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "operator",
    ["StringEquals", "StringLike", "StringEqualsIgnoreCase", "NumericEquals", "DateEquals", "Bool",
     "BinaryEquals", "IpAddress", "ArnLike", "ArnEquals"],
)  # fmt: skip
def test_positive_operator_on_a_missing_key_is_false(operator):
    # L3 (P): a key absent from the request context makes the condition false.
    value = {"IpAddress": "10.0.0.0/8", "BinaryEquals": "QQ==", "Bool": "true"}.get(operator, "x")
    assert not holds({operator: {"absent:key": value}}, {})


@pytest.mark.parametrize(
    "operator",
    ["StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase", "NumericNotEquals",
     "DateNotEquals", "NotIpAddress", "ArnNotLike", "ArnNotEquals"],
)  # fmt: skip
def test_negated_operator_on_a_missing_key_is_true(operator):
    # L3 (P): "For negated operators ... it makes it true"; K12 (P) confirms it for the SSE header.
    value = "10.0.0.0/8" if operator == "NotIpAddress" else "x"
    assert holds({operator: {"absent:key": value}}, {})


def test_if_exists_on_a_missing_key_is_true():
    # L4 (P): the key absent -> true.
    assert holds({"StringEqualsIfExists": {"k": "x"}}, {})
    assert holds({"StringNotEqualsIfExists": {"k": "x"}}, {})


def test_if_exists_on_a_present_key_evaluates_normally():
    # L4 (P): the key present -> evaluate the operator.
    assert not holds({"StringEqualsIfExists": {"k": "x"}}, {"k": "y"})
    assert not holds({"StringNotEqualsIfExists": {"k": "x"}}, {"k": "x"})


def test_null_true_holds_when_the_key_is_absent():
    # L5 (P): "true" holds when the key is absent.
    assert holds({"Null": {"s3:x-amz-server-side-encryption": "true"}}, {})
    assert not holds(
        {"Null": {"s3:x-amz-server-side-encryption": "true"}},
        {"s3:x-amz-server-side-encryption": "AES256"},
    )


def test_null_false_holds_when_the_key_is_present_and_not_null():
    # L5 (P), L8 (P): an empty string is null.
    assert holds({"Null": {"k": "false"}}, {"k": "v"})
    assert not holds({"Null": {"k": "false"}}, {})
    assert not holds({"Null": {"k": "false"}}, {"k": ""})


def test_null_accepts_a_json_boolean():
    # O10 (P): the value is "true"/"false"; policies often write it as a JSON boolean.
    assert holds({"Null": {"k": True}}, {})


def test_condition_key_names_are_case_insensitive():
    # L7 (P): aws:SourceIP = AWS:SourceIp.
    assert holds({"IpAddress": {"AWS:SourceIP": "127.0.0.0/8"}}, {"aws:SourceIp": "127.0.0.1"})


# --- O4, O5: numbers and dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [("NumericEquals", "10", True), ("NumericEquals", "10.0", True), ("NumericNotEquals", "10", False),
     ("NumericLessThan", "11", True), ("NumericLessThanEquals", "10", True),
     ("NumericGreaterThan", "9.5", True), ("NumericGreaterThanEquals", "11", False)],
)  # fmt: skip
def test_numeric_operators_compare_integers_and_decimals(operator, value, expected):
    # O4 (P): integer or decimal comparison (the request value is 10).
    assert holds({operator: {"s3:max-keys": value}}, {"s3:max-keys": "10"}) is expected


def test_numeric_operator_with_a_non_number_never_matches():
    # O4 (P); U: a value that is not a number matches nothing.
    assert not holds({"NumericEquals": {"k": "ten"}}, {"k": "10"})
    assert not holds({"NumericEquals": {"k": "10"}}, {"k": "ten"})


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [("DateLessThan", "2026-12-31T00:00:00Z", True), ("DateGreaterThan", "2026-01-01T00:00:00Z", True),
     ("DateEquals", "2026-06-01T12:00:00Z", True), ("DateNotEquals", "2026-06-01T12:00:00Z", False),
     ("DateLessThanEquals", "1780315200", True), ("DateGreaterThanEquals", "2026-06-01T12:00:01+00:00", False)],
)  # fmt: skip
def test_date_operators_read_iso_8601_and_epoch_seconds(operator, value, expected):
    # O5 (P): W3C ISO 8601 or epoch seconds; request aws:CurrentTime 2026-06-01T12:00:00Z.
    keys = {"aws:CurrentTime": "2026-06-01T12:00:00Z"}
    assert holds({operator: {"aws:CurrentTime": value}}, keys) is expected


def test_a_date_without_an_offset_is_utc():
    # O5 (P): ISO 8601; U: a naive date-time is read as UTC.
    assert parse_date("2026-06-01T12:00:00") == parse_date("2026-06-01T12:00:00Z")


# --- O6, O7, O8, O9 -------------------------------------------------------------------------------


def test_bool_compares_true_and_false_ignoring_case():
    # O6 (P); case-insensitivity U (open point 7).
    assert holds({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "false"})
    assert holds({"Bool": {"aws:SecureTransport": "False"}}, {"aws:SecureTransport": "false"})
    assert not holds({"Bool": {"aws:SecureTransport": False}}, {"aws:SecureTransport": "true"})


def test_binary_equals_compares_base64_decoded_bytes():
    # O7 (P): a base64 value in the policy.
    assert holds({"BinaryEquals": {"k": "QUJD"}}, {"k": "QUJD"})
    assert not holds({"BinaryEquals": {"k": "QUJD"}}, {"k": "QUJE"})


@pytest.mark.parametrize(
    ("cidr", "address", "expected"),
    [("203.0.113.0/24", "203.0.113.7", True), ("203.0.113.0/24", "203.0.114.7", False),
     ("203.0.113.7", "203.0.113.7", True), ("203.0.113.7", "203.0.113.8", False),
     ("2001:db8::/32", "2001:db8::1", True), ("203.0.113.0/24", "2001:db8::1", False)],
)  # fmt: skip
def test_ip_address_matches_cidr_ranges(cidr, address, expected):
    # O8 (P): RFC 4632 CIDR for IPv4 or IPv6; an address with no prefix is /32.
    assert holds({"IpAddress": {"aws:SourceIp": cidr}}, {"aws:SourceIp": address}) is expected
    assert (
        holds({"NotIpAddress": {"aws:SourceIp": cidr}}, {"aws:SourceIp": address}) is not expected
    )


def test_ip_address_with_a_bad_cidr_is_refused_when_compiled():
    # O8 (P), M10 (U): a bad CIDR is a malformed policy.
    with pytest.raises(ConditionError) as raised:
        compile_block({"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}})
    assert raised.value.problem == "ip"


def test_arn_like_matches_each_part_and_star_does_not_span_colons():
    # O9 (P): each of the six parts separately; "*" cannot span colons, unlike StringLike.
    role = "arn:aws:iam::123456789012:role/app"
    assert holds(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}, {"aws:PrincipalArn": role}
    )
    assert not holds(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:*:role/app"}}, {"aws:PrincipalArn": role}
    )
    assert holds(
        {"StringLike": {"aws:PrincipalArn": "arn:aws:*:role/app"}}, {"aws:PrincipalArn": role}
    )


def test_arn_equals_and_arn_not_equals_are_arn_like_forms():
    # O9 (P): ArnEquals = ArnLike; ArnNotEquals = ArnNotLike.
    keys = {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/app"}
    assert holds({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}, keys)
    assert not holds(
        {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}, keys
    )


# --- L6: set operators ----------------------------------------------------------------------------


def test_for_any_value_is_true_when_one_request_value_matches():
    # L6 (P).
    block = {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["aws:s3:arn"]}}
    assert holds(block, {"kms:EncryptionContextKeys": ("team", "aws:s3:arn")})
    assert not holds(block, {"kms:EncryptionContextKeys": ("team",)})


def test_for_any_value_is_false_when_the_key_is_absent_or_empty():
    # L6 (P), K22 (P): "ForAnyValue fails with no context".
    block = {"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["aws:s3:arn"]}}
    assert not holds(block, {})
    assert not holds(block, {"kms:EncryptionContextKeys": ()})


def test_for_all_values_is_true_when_every_request_value_matches():
    # L6 (P).
    block = {"ForAllValues:StringLike": {"kms:EncryptionContextKeys": ["aws:*", "team"]}}
    assert holds(block, {"kms:EncryptionContextKeys": ("team", "aws:s3:arn")})
    assert not holds(block, {"kms:EncryptionContextKeys": ("team", "other")})


def test_for_all_values_is_true_when_the_key_is_absent_or_empty():
    # L6 (P): "also true when the key is absent or its value is empty".
    block = {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["team"]}}
    assert holds(block, {})
    assert holds(block, {"kms:EncryptionContextKeys": ()})


def test_for_any_value_with_a_negated_operator_needs_one_value_outside_the_list():
    # L6 (P) with O1: true if at least one request value matches none of the policy values.
    block = {"ForAnyValue:StringNotEquals": {"k": ["a", "b"]}}
    assert holds(block, {"k": ("a", "c")})
    assert not holds(block, {"k": ("a", "b")})


@pytest.mark.parametrize(
    "operator", ["NullIfExists", "ForAnyValue:Null", "StringEqualz", "Foo:StringEquals", "IfExists"]
)
def test_unknown_operators_are_refused_when_compiled(operator):
    # O10 (P): no IfExists form of Null; "Unknown operator names are rejected when the policy is saved".
    with pytest.raises(ConditionError) as raised:
        compile_block({operator: {"k": "v"}})
    assert raised.value.problem == "operator"

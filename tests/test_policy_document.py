"""Policy documents: what parses, and the error AWS answers for each malformed one.

Sources: shared/reference/policy-behaviour.md 1.2 (S1-S9, P: IAM user guide policy elements), 4.4
(bucket policies: M1-M5, M7 A; M6 S; M10-M17 U, texts from T versitygw) and 4.5 (key policies: KP2 P/A,
KP3 A 2018 / U today, KP6 P). docs/errors.md and docs/kms.md list the same texts with these labels.
"""

from __future__ import annotations

import json

import pytest

from pytest_s3sse._internal.errors.kms import MalformedPolicyDocumentException
from pytest_s3sse._internal.errors.s3 import MalformedPolicy, PolicyTooLarge
from pytest_s3sse._internal.policy.document import (
    InvalidIdentityPolicy,
    PolicyKind,
    parse_policy,
)

BUCKET = "arn:aws:s3:::photos"
ACCOUNT = "123456789012"


def statement(**changes):
    base = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET}/*",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def bucket_policy(*statements, **top):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements), **top})


def refused(text, kind=PolicyKind.BUCKET):
    with pytest.raises((MalformedPolicy, MalformedPolicyDocumentException)) as raised:
        parse_policy(text, kind, bucket_arn=BUCKET)
    return raised.value


# --- what parses ----------------------------------------------------------------------------------


def test_a_single_statement_object_is_a_statement_list_of_one():
    # P (IAM Statement element): "Statement" is one statement or an array of them.
    policy = parse_policy(
        json.dumps({"Version": "2012-10-17", "Statement": statement()}), PolicyKind.BUCKET
    )
    assert len(policy.statements) == 1


def test_a_missing_version_is_2008_10_17():
    # S9: absent Version, U proposed 2008-10-17 (T versitygw).
    policy = parse_policy(json.dumps({"Statement": [statement()]}), PolicyKind.BUCKET)
    assert policy.version == "2008-10-17"


def test_a_statement_is_labelled_by_its_sid_or_its_position():
    policy = parse_policy(bucket_policy(statement(Sid="ReadAll"), statement()), PolicyKind.BUCKET)
    assert [s.label for s in policy.statements] == ['Sid "ReadAll"', "statement #1"]


def test_the_document_is_kept_as_it_was_given():
    # Open point 8 (A LS-AWS round trip): GetBucketPolicy returns the document as stored.
    text = bucket_policy(statement())
    assert parse_policy(text, PolicyKind.BUCKET).text == text


def test_actions_match_case_insensitively():
    # S7 (P): prefix and name are case-insensitive; "*" inside names.
    policy = parse_policy(bucket_policy(statement(Action="S3:get*OBJECT*")), PolicyKind.BUCKET)
    assert policy.statements[0].names_action("s3:GetObjectVersion")


def test_resources_match_case_sensitively_and_star_spans_slashes():
    # S8 (P): "*"/"?" inside segments, "*" spans "/"; resources are case-sensitive.
    [s] = parse_policy(
        bucket_policy(statement(Resource=f"{BUCKET}/home/*")), PolicyKind.BUCKET
    ).statements
    assert s.names_resource(f"{BUCKET}/home/a/b.txt")
    assert not s.names_resource(f"{BUCKET}/HOME/a.txt")


def test_not_action_and_not_resource_cover_everything_else():
    # S6 (P).
    [s] = parse_policy(
        bucket_policy(
            statement(
                Action=None,
                NotAction="s3:DeleteObject",
                Resource=None,
                NotResource=f"{BUCKET}/keep/*",
            )
        ),
        PolicyKind.BUCKET,
    ).statements
    assert s.names_action("s3:GetObject")
    assert not s.names_action("s3:DeleteObject")
    assert s.names_resource(f"{BUCKET}/x")
    assert not s.names_resource(f"{BUCKET}/keep/x")


def test_principal_forms_are_accepted():
    # S1-S3 (P): "*", account id, root/user/role/session/federated ARNs, lists, Service.
    principal = {
        "AWS": [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:role/app",
                f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1", f"arn:aws:sts::{ACCOUNT}:federated-user/bob"],
        "Service": ["logging.s3.amazonaws.com"],
    }  # fmt: skip
    parse_policy(
        bucket_policy(statement(Principal=principal), statement(Principal="*")), PolicyKind.BUCKET
    )


def test_key_policy_statement_without_action_or_resource_is_refused():
    # KP6 as amended on 2025-08-18 (S: AWS's notice in ministryofjustice/analytical-platform#7691).
    text = json.dumps({"Statement": [statement(Action=None, Resource=None)]})
    with pytest.raises(MalformedPolicyDocumentException):
        parse_policy(text, PolicyKind.KEY)


def test_the_default_key_policy_parses():
    # 4.6 (P BM-KMS-EX): AWS's own text, " : " separators included.
    text = '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n      "AWS" : "arn:aws:iam::111122223333:root"\n    },\n    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}'
    policy = parse_policy(text, PolicyKind.KEY)
    assert policy.id == "key-default-1"
    assert policy.statements[0].label == 'Sid "Enable IAM User Permissions"'


# --- bucket policies: MalformedPolicy texts -------------------------------------------------------


@pytest.mark.parametrize("text", ["", " {}", "[]", "null"])
def test_a_document_that_does_not_start_with_a_brace_is_refused(text):
    # M1 (A LS-AWS test_bucket_policy_exc).
    error = refused(text)
    assert (error.status, error.code, error.message) == (
        400,
        "MalformedPolicy",
        "Policies must be valid JSON and the first byte must be '{'",
    )


def test_an_empty_object_misses_statement():
    # M2 (A LS-AWS test_bucket_policy_exc).
    assert refused("{}").message == "Missing required field Statement"


def test_a_statement_without_principal_is_refused():
    # M3 (A hashicorp/terraform#28688).
    assert (
        refused(bucket_policy(statement(Principal=None))).message
        == "Missing required field Principal"
    )


@pytest.mark.parametrize(
    "principal",
    [{"AWS": "arn:aws:iam::123456789012:user/*"}, {"AWS": "alice"}, {"AWS": "arn:aws:iam::12345:root"},
     "123456789012", {"Robot": "x"}, {"AWS": []}, {"Service": "*.amazonaws.com"}],
)  # fmt: skip
def test_a_malformed_or_partly_wildcarded_principal_is_refused(principal):
    # M4 (A aws-samples/aws-batch-architecture-for-alphafold#1); S1 (P): no partial wildcards.
    assert (
        refused(bucket_policy(statement(Principal=principal))).message
        == "Invalid principal in policy"
    )


def test_not_principal_with_allow_is_refused():
    # S5 (P): NotPrincipal "must be used with Deny"; M17 (U): the M4 text.
    text = bucket_policy(statement(Principal=None, NotPrincipal={"AWS": ACCOUNT}))
    assert refused(text).message == "Invalid principal in policy"


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:s3:::other/*", "*", "arn:aws:s3:::photosx/*", "arn:aws:s3:::ph", "photos/*"],
)
def test_a_resource_outside_the_bucket_is_refused(resource):
    # M5 (A aws-samples/aws-serverless-appsync-app#4); "*" alone S (noobaa/noobaa-core#10058).
    assert (
        refused(bucket_policy(statement(Resource=resource))).message
        == "Policy has invalid resource"
    )


@pytest.mark.parametrize("resource", [BUCKET, f"{BUCKET}/*", "arn:aws:s3:::pho*", f"{BUCKET}/a?c"])
def test_resources_of_the_bucket_and_its_objects_are_accepted(resource):
    # M5 (A): resources of this bucket or its objects.
    # "s3:*": some S3 action applies to each of them (M7)
    policy = bucket_policy(statement(Resource=resource, Action="s3:*"))
    parse_policy(policy, PolicyKind.BUCKET, bucket_arn=BUCKET)


@pytest.mark.parametrize("action", ["invalid_action", "kms:Decrypt", "s3:Get Object", ""])
def test_an_action_that_is_not_an_s3_action_is_refused(action):
    # M6 (S: T versitygw copies the AWS text; no AWS capture with URL).
    assert refused(bucket_policy(statement(Action=action))).message == "Policy has invalid action"


def test_an_unknown_condition_operator_is_refused():
    # M11 (U, T versitygw): "Invalid Condition type : <op>".
    text = bucket_policy(statement(Condition={"StringEqualz": {"aws:SourceIp": "x"}}))
    assert refused(text).message == "Invalid Condition type : StringEqualz"


def test_a_bad_cidr_is_refused():
    # M10 (U, T versitygw).
    text = bucket_policy(statement(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}))
    assert refused(text).message == "Invalid IP address in Conditions"


def test_a_bad_effect_is_refused_with_its_value():
    # M12 (U, T versitygw; versity/versitygw#647 expects "Invalid effect: hello").
    assert refused(bucket_policy(statement(Effect="hello"))).message == "Invalid effect: hello"


def test_invalid_json_after_the_brace_is_refused():
    # M13 (U, T versitygw).
    assert refused('{"Statement": [').message == "This policy contains invalid Json"


def test_an_empty_statement_list_is_refused():
    # M14 (U, T versitygw; versity/versitygw#646).
    assert refused(bucket_policy()).message == "Could not parse the policy: Statement is empty!"


def test_an_unknown_version_is_refused():
    # M15 (U, T versitygw).
    text = bucket_policy(statement(), Version="2020-01-01")
    assert refused(text).message == "The policy must contain a valid version string"


def test_a_statement_without_action_is_refused_in_a_bucket_policy():
    # U: AWS's text is unrecorded; proposed by analogy with M3.
    assert refused(bucket_policy(statement(Action=None))).message == "Missing required field Action"


def test_a_bucket_policy_over_20_kb_without_whitespace_is_too_large():
    # M16 (P limit "Bucket policies are limited to 20 KB in size"; S whitespace not counted; U code/text).
    many = [statement(Sid=f"S{i:04d}") for i in range(200)]
    with pytest.raises(PolicyTooLarge) as raised:
        parse_policy(bucket_policy(*many), PolicyKind.BUCKET, bucket_arn=BUCKET)
    assert (raised.value.status, raised.value.code) == (400, "PolicyTooLarge")


def test_whitespace_does_not_count_towards_the_bucket_policy_limit():
    # M16 (S FogSecurity/aws-size#38: AWS normalises whitespace before counting).
    many = [statement(Sid=f"S{i:04d}") for i in range(100)]
    text = json.dumps({"Version": "2012-10-17", "Statement": many}, indent=40)
    assert len(text) > 20 * 1024
    parse_policy(text, PolicyKind.BUCKET, bucket_arn=BUCKET)


# --- key policies: MalformedPolicyDocumentException -----------------------------------------------


def test_a_key_policy_that_is_not_json_is_refused_with_an_empty_message():
    # KP3 (A aws/aws-sdk-ruby#1784, 2018; U today).
    error = refused("not json", PolicyKind.KEY)
    assert (error.status, error.code, error.message) == (
        400,
        "MalformedPolicyDocumentException",
        "",
    )


def test_a_key_policy_with_an_invalid_principal_is_refused():
    # KP2 (P BM-KMS; A awslabs/minimum-viable-dataspace-on-aws#6).
    text = json.dumps(
        {
            "Statement": [
                statement(
                    Principal={"AWS": "arn:aws:iam::123:user/x"}, Action="kms:*", Resource="*"
                )
            ]
        }
    )
    assert (
        refused(text, PolicyKind.KEY).message
        == "Policy contains a statement with one or more invalid principals."
    )


def test_a_key_policy_with_principal_star_as_a_string_is_accepted():
    # KP6 (P; S aws/aws-cdk#10403): the API accepts it.
    parse_policy(
        json.dumps({"Statement": [statement(Principal="*", Action="kms:*", Resource="*")]}),
        PolicyKind.KEY,
    )


def test_a_key_policy_action_of_another_service_is_refused():
    # U: KMS's text for it is unrecorded; KP3's empty message.
    text = json.dumps({"Statement": [statement(Action="s3:GetObject", Resource="*")]})
    assert refused(text, PolicyKind.KEY).message == ""


# --- identity policies ----------------------------------------------------------------------------


def test_an_identity_policy_naming_a_principal_is_refused_by_the_test_api():
    text = json.dumps({"Statement": [statement()]})
    with pytest.raises(InvalidIdentityPolicy):
        parse_policy(text, PolicyKind.IDENTITY)

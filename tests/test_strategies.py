"""The public strategies (pytest_s3sse.strategies) against the engine: every valid configuration
round-trips and is stored as it says; every invalid request gets its exact AWS error.

Bounded: the CI profile runs a fixed, derandomized set of examples per test (a few seconds in all);
``S3SSE_FUZZ=long`` runs many more.
"""

from __future__ import annotations

import json
import os

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from pytest_s3sse import S3SSEAssertionError, SseMode, mock_s3sse
from pytest_s3sse._internal.policy.document import PolicyKind, parse_policy
from pytest_s3sse.strategies import (
    KEY_CHOICES,
    REQUIREMENTS,
    ExpectedEncryption,
    SseConfiguration,
    bucket_encryption_rules,
    bucket_policies,
    customer_keys,
    encryption_contexts,
    invalid_sse_headers,
    sse_configurations,
)

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "database": None}
PROFILES = {
    "ci": settings(max_examples=40, derandomize=True, **_COMMON),
    "long": settings(max_examples=2_000, **_COMMON),
}
PROFILE = PROFILES[os.environ.get("S3SSE_FUZZ", "ci")]

NO_RETRY = Config(retries={"total_max_attempts": 1})
s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY)
kms = boto3.client("kms", region_name="us-east-1", config=NO_RETRY)
BUCKET = "strategies"
bodies = st.binary(max_size=3000)
CONTEXT = {"team": "data", "ünïcode": "välue"}
# find() without shrinking: these tests ask only whether a strategy can draw a value.
FIND = settings(database=None, max_examples=5_000, phases=(Phase.generate,))
FIND_FEW = settings(FIND, max_examples=200)

# Every shape sse_configurations() draws, built directly, so that each one runs on every CI run
# whatever the derandomized examples happen to draw.
EVERY_SHAPE = [
    SseConfiguration(SseMode.SSE_S3, explicit=True),
    SseConfiguration(SseMode.SSE_S3, explicit=False),
    *(
        SseConfiguration(SseMode.SSE_KMS, kms_key=key, encryption_context=ctx, bucket_key=bk)
        for key in KEY_CHOICES
        for ctx in (None, CONTEXT)
        for bk in (None, False, True)
    ),
    *(
        SseConfiguration(SseMode.DSSE_KMS, kms_key=key, encryption_context=ctx)
        for key in KEY_CHOICES
        for ctx in (None, CONTEXT)
    ),
    SseConfiguration(SseMode.SSE_C, customer_key=bytes(range(32))),
]


@pytest.mark.parametrize("config", EVERY_SHAPE, ids=lambda c: c.description)
def test_every_configuration_shape_round_trips_through_put_head_and_get(config):
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        sse = config.prepare(s3, kms, BUCKET)

        s3.put_object(Bucket=BUCKET, Key="k", Body=b"payload", **sse.put_kwargs)

        assert s3.head_object(Bucket=BUCKET, Key="k", **sse.get_kwargs)["ContentLength"] == 7
        assert s3.get_object(Bucket=BUCKET, Key="k", **sse.get_kwargs)["Body"].read() == b"payload"
        sse.check(s3sse, BUCKET, "k")


@PROFILE
@given(config=sse_configurations(), body=bodies)
def test_the_kwargs_serve_multipart_uploads_and_copies_as_documented(config, body):
    # PreparedSse: put_kwargs for CreateMultipartUpload and CopyObject's target, get_kwargs for
    # UploadPart (SSE-C: the key on every part, SSE row M2) and, prefixed, for the copy source.
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        sse = config.prepare(s3, kms, BUCKET)
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp", **sse.put_kwargs)
        part = s3.upload_part(
            Bucket=BUCKET, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=body,
            **sse.get_kwargs,
        )  # fmt: skip
        s3.complete_multipart_upload(
            Bucket=BUCKET, Key="mp", UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
        )  # fmt: skip
        source = {f"CopySource{name}": value for name, value in sse.get_kwargs.items()}
        s3.copy_object(
            Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "mp"},
            **source, **sse.put_kwargs,
        )  # fmt: skip

        for key in ("mp", "copy"):
            assert s3.get_object(Bucket=BUCKET, Key=key, **sse.get_kwargs)["Body"].read() == body
            sse.check(s3sse, BUCKET, key)


@pytest.mark.parametrize("shape", EVERY_SHAPE, ids=lambda c: c.description)
def test_sse_configurations_can_draw_every_shape(shape):
    def same_shape(drawn):
        return (
            drawn.mode,
            drawn.explicit,
            drawn.kms_key,
            drawn.encryption_context is None,
            drawn.bucket_key,
        ) == (
            shape.mode,
            shape.explicit,
            shape.kms_key,
            shape.encryption_context is None,
            shape.bucket_key,
        )

    find(sse_configurations(), same_shape, settings=FIND)


@pytest.mark.parametrize("mode", ["SSE-S3", "SSE-KMS", "DSSE-KMS", "SSE-C"])
def test_sse_configurations_keeps_only_the_modes_asked_for(mode):
    only = sse_configurations(modes=(mode,))
    find(only, lambda drawn: True, settings=FIND)
    with pytest.raises(NoSuchExample):
        find(only, lambda drawn: drawn.mode.value != mode, settings=FIND_FEW)


@pytest.mark.parametrize(
    "code_and_message",
    [
        ("InvalidArgument", "The encryption method specified is not supported"),
        ("InvalidArgument", "Server Side Encryption with AWS KMS managed key requires"),
        ("KMS.NotFoundException", "Invalid keyId"),
        ("InvalidArgument", "The header 'x-amz-server-side-encryption-context' shall be"),
        ("InvalidArgument", "Server Side Encryption with Customer provided key is incompatible"),
        ("InvalidArgument", "must provide a valid encryption algorithm."),
        ("InvalidArgument", "must provide an appropriate secret key."),
        ("InvalidEncryptionAlgorithmError", "Supported value: AES256."),
        ("InvalidArgument", "The secret key was invalid for the specified algorithm."),
        ("InvalidArgument", "The calculated MD5 hash of the key did not match"),
        ("InvalidRequest", "The object was stored using a form of Server Side Encryption."),
        ("AccessDenied", "must provide the correct secret key."),
        ("InvalidRequest", "The encryption parameters are not applicable to this object."),
        ("InvalidArgument", "x-amz-server-side-encryption header is not supported"),
    ],
)
def test_invalid_sse_headers_draws_every_documented_error_and_the_engine_answers_it(
    code_and_message,
):
    # The rows of docs/strategies.md, "invalid_sse_headers()" (sources there and in docs/errors.md).
    code, message = code_and_message
    request = find(
        invalid_sse_headers(),
        lambda drawn: drawn.error.code == code and message in drawn.error.message,
        settings=FIND,
    )
    with mock_s3sse():
        s3.create_bucket(Bucket=BUCKET)
        request.prepare(s3, BUCKET)
        with pytest.raises(ClientError) as caught:
            request.send(s3, BUCKET, "k", b"data")
    assert request.error.matches(caught.value), (request, caught.value.response["Error"])


@pytest.mark.parametrize("requirement", REQUIREMENTS)
def test_bucket_policies_can_draw_every_requirement(requirement):
    find(
        bucket_policies(),
        lambda drawn: requirement in drawn.requirements,
        settings=FIND,
    )


@PROFILE
@given(config=sse_configurations(), body=bodies)
def test_every_valid_configuration_round_trips_and_is_stored_as_it_says(config, body):
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        sse = config.prepare(s3, kms, BUCKET)

        s3.put_object(Bucket=BUCKET, Key="k", Body=body, **sse.put_kwargs)

        got = s3.get_object(Bucket=BUCKET, Key="k", **sse.get_kwargs)
        assert got["Body"].read() == body
        sse.check(s3sse, BUCKET, "k")


@PROFILE
@given(config=sse_configurations())
def test_prepare_is_idempotent_within_one_engine(config):
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        first = config.prepare(s3, kms, BUCKET)
        again = config.prepare(s3, kms, BUCKET)
        assert first == again
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", **again.put_kwargs)
        again.check(s3sse, BUCKET, "k")


@PROFILE
@given(request=invalid_sse_headers())
def test_every_invalid_request_gets_its_exact_aws_error(request):
    # Status, code and message of each case: docs/errors.md, "Encryption headers", "SSE-KMS" and
    # "SSE-C" (SSE rows W1-W6, C1-C6, R1, R2, R9, R10; each value's error.source names its row and
    # label).
    with mock_s3sse():
        s3.create_bucket(Bucket=BUCKET)
        request.prepare(s3, BUCKET)

        with pytest.raises(ClientError) as caught:
            request.send(s3, BUCKET, "k", b"data")

        error = caught.value.response
        found = (
            error["ResponseMetadata"]["HTTPStatusCode"],
            error["Error"]["Code"],
            error["Error"]["Message"],
        )
        assert found == (request.error.status, request.error.code, request.error.message)
        assert request.error.matches(caught.value)
        stored = 1 if request.operation == "GetObject" else 0  # a refused write stores nothing
        assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == stored


@PROFILE
@given(rule=bucket_encryption_rules(), body=bodies)
def test_an_unencrypted_put_gets_the_bucket_default_the_rule_sets(rule, body):
    # SSE rows B10, B11, B13 (A): the default's mode and key, aws/s3 without KMSMasterKeyID, its
    # Bucket Key for SSE-KMS, none echoed for SSE-S3.
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        expected = rule.apply(s3, kms, BUCKET)

        s3.put_object(Bucket=BUCKET, Key="k", Body=body)

        assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == body
        expected.check(s3sse, BUCKET, "k")


@PROFILE
@given(rule=bucket_encryption_rules())
def test_a_rule_reads_back_as_it_was_put(rule):
    with mock_s3sse():
        s3.create_bucket(Bucket=BUCKET)
        rule.apply(s3, kms, BUCKET)
        got = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]
        sent = rule.configuration(kms)["Rules"][0]
        rule_back = got["Rules"][0]
        assert rule_back["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == rule.algorithm
        blocked = sent.get("BlockedEncryptionTypes", {"EncryptionType": ["SSE-C"]})
        assert rule_back["BlockedEncryptionTypes"] == blocked


@PROFILE
@given(policy=bucket_policies(), config=sse_configurations())
def test_a_generated_policy_allows_and_denies_uploads_as_it_says(policy, config):
    # policy-behaviour.md L1-L5 (P): Null, StringNotEquals (a missing key meets a negated operator),
    # ...IfExists; an explicit Deny with Principal "*" binds the bucket owner too (E1, P).
    with mock_s3sse():
        s3.create_bucket(Bucket=BUCKET)
        sse = config.prepare(s3, kms, BUCKET)
        policy.apply(s3, kms, BUCKET)
        denied_by = policy.denies(sse)

        if denied_by is None:
            s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", **sse.put_kwargs)
        else:
            with pytest.raises(ClientError) as caught:
                s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", **sse.put_kwargs)
            error = caught.value.response
            assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
            assert error["Error"]["Code"] == "AccessDenied"
            assert "explicit deny in a resource-based policy" in error["Error"]["Message"]


@PROFILE
@given(policy=bucket_policies())
def test_every_generated_policy_parses_as_a_bucket_policy(policy):
    parse_policy(
        json.dumps(policy.document("b-1", "arn:aws:kms:us-east-1:1:key/k")), PolicyKind.BUCKET
    )


@PROFILE
@given(context=encryption_contexts())
def test_an_encryption_context_round_trips_through_kms(context):
    with mock_s3sse():
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"p", EncryptionContext=context)["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=context)["Plaintext"] == b"p"


@PROFILE
@given(key=customer_keys())
def test_a_customer_key_is_32_bytes(key):
    assert isinstance(key, bytes)
    assert len(key) == 32


def test_a_check_that_does_not_hold_fails_the_test_saying_what_was_found():
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
        expected = ExpectedEncryption(SseMode.SSE_KMS, kms_key="alias/aws/s3")
        with pytest.raises(S3SSEAssertionError, match="expected mode SSE-KMS, found SSE-S3"):
            expected.check(s3sse, BUCKET, "k")


def test_a_check_names_a_bucket_key_or_context_that_differs():
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", ServerSideEncryption="aws:kms")
        expected = ExpectedEncryption(
            SseMode.SSE_KMS, kms_key="alias/aws/s3", bucket_key=True, encryption_context=CONTEXT
        )
        with pytest.raises(S3SSEAssertionError, match="expected bucket_key=True; expected context"):
            expected.check(s3sse, BUCKET, "k")


def test_importing_the_strategies_does_not_start_or_load_the_engine(pytester):
    # Users import the strategies at module level, beside hypothesis; the engine (and botocore)
    # load when a test starts one.
    pytester.makepyfile(
        """
        import sys

        def test_it():
            import pytest_s3sse.strategies
            assert "pytest_s3sse._internal.engine" not in sys.modules
            assert "botocore" not in sys.modules
        """
    )
    pytester.runpytest_subprocess("-p", "no:s3sse", "-p", "no:cacheprovider").assert_outcomes(
        passed=1
    )

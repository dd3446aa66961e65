"""Hypothesis strategies for property-testing an application's encryption handling.

Every value these strategies draw is a *valid* AWS request or configuration (or, for
:func:`invalid_sse_headers`, an invalid one with the exact error AWS answers), and says what S3 must
store or answer. Values that need AWS resources (a KMS key, an alias, a bucket that accepts SSE-C)
name them symbolically and create them in a ``prepare``/``apply`` step inside the test body, with
the test's own boto3 clients, once the engine of the example is running::

    @given(config=sse_configurations(), body=st.binary(max_size=2048))
    def test_round_trip(config, body):
        with mock_s3sse() as s3sse:                 # a fresh engine per example
            s3.create_bucket(Bucket="data")
            sse = config.prepare(s3, kms, "data")   # keys, aliases, SSE-C unblocked: as needed
            s3.put_object(Bucket="data", Key="k", Body=body, **sse.put_kwargs)
            assert s3.get_object(Bucket="data", Key="k", **sse.get_kwargs)["Body"].read() == body
            sse.expected.check(s3sse, "data", "k")

This module (implemented in ``pytest_s3sse/_internal/strategies/``) is the only part of the package
that imports hypothesis (install it with ``pytest-s3sse[hypothesis]``); ``import pytest_s3sse`` never
does. Docs: docs/strategies.md.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as err:  # pragma: no cover - depends on the installation
    msg = "pytest_s3sse.strategies needs hypothesis: pip install 'pytest-s3sse[hypothesis]'"
    raise ImportError(msg) from err

from pytest_s3sse._internal.strategies.buckets import (
    REQUIREMENTS,
    BucketEncryptionRule,
    BucketPolicy,
    Requirement,
    bucket_encryption_rules,
    bucket_policies,
)
from pytest_s3sse._internal.strategies.configurations import (
    PreparedSse,
    SseConfiguration,
    customer_keys,
    encryption_contexts,
    sse_configurations,
)
from pytest_s3sse._internal.strategies.invalid import (
    AwsErrorSpec,
    InvalidSseRequest,
    invalid_sse_headers,
)
from pytest_s3sse._internal.strategies.resources import (
    KEY_CHOICES,
    STRATEGY_ALIAS,
    ExpectedEncryption,
    KeyChoice,
)

__all__ = [
    "KEY_CHOICES",
    "REQUIREMENTS",
    "STRATEGY_ALIAS",
    "AwsErrorSpec",
    "BucketEncryptionRule",
    "BucketPolicy",
    "ExpectedEncryption",
    "InvalidSseRequest",
    "KeyChoice",
    "PreparedSse",
    "Requirement",
    "SseConfiguration",
    "bucket_encryption_rules",
    "bucket_policies",
    "customer_keys",
    "encryption_contexts",
    "invalid_sse_headers",
    "sse_configurations",
]

"""The engine's options: the one list of its knobs, with their defaults and their checks.

:class:`~pytest_s3sse._internal.engine.Engine` takes an :class:`EngineOptions`. ``S3SSE(**options)``,
``mock_s3sse(**options)`` and the ``s3sse`` marker (merged with the ini and command-line options) each
build one from keywords, so a knob is named, defaulted, checked and documented here and nowhere else:
the test handle derives its keyword signature from this class and the plugin its marker help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.crypto.defaults import DEFAULT_ROTATION
from pytest_s3sse._internal.sse.bucket_keys import DEFAULT_PERIOD

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
# How many requests the CloudTrail-shaped trail keeps the details of (docs/trail.md): ten thousand
# requests is 2 to 5 MiB, more than a functional test makes, and a soak test stays bounded.
DEFAULT_TRAIL_LIMIT = 10_000
_ACCOUNT = re.compile(r"^\d{12}$")
_CALLER = re.compile(r"^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:root|user/[\w+=,.@/-]+)$")


@dataclass(frozen=True, kw_only=True, slots=True)
class EngineOptions:
    """How an engine is built.

    Keyword-only, so a misspelt knob fails loudly (a TypeError naming it); frozen, so one value can
    build many engines (the decorator form of ``mock_s3sse`` builds one per call).

    - ``account_id`` (12 digits): the account that owns buckets created with any credentials that
      ``add_credentials`` does not map elsewhere.
    - ``region``: the default region: clients built without a region while the engine is active use
      it (unless ``AWS_DEFAULT_REGION`` or ``AWS_REGION`` is set in the environment), and so do
      unsigned requests; a signed request uses the region it was signed for, as S3 does.
    - ``seed``: the seed of the engine's random source (data keys, nonces, ids); None draws one from
      the operating system. Pass ``s3sse.seed`` back to replay a run.
    - ``clock``: the engine clock. None gives each engine a new clock that starts at the real time.
      A :class:`~pytest_s3sse._internal.clock.Clock` passed here is used as is, not copied: every engine built
      from these options (each call of a decorated function, each test under one marker) shares it,
      so it keeps the time those engines moved it to.
    - ``root_key_rotation``: how old the SSE-S3 root key may get before a write makes a new version
      (S3 does not publish it; 30 days by default, docs/sse-s3.md).
    - ``block_ssec_on_new_buckets``: new buckets block SSE-C writes, as S3's have since April 2026;
      False creates buckets the earlier way, for tests of legacy SSE-C workloads (docs/sse-c.md).
    - ``bucket_key_period``: how long S3 holds an S3 Bucket Key before it asks KMS for a new one (not
      published; one hour by default, docs/sse-kms.md). It must be positive; the bucket-key cache,
      which owns that rule, refuses any other with a ValueError when the engine is built.
    - ``verify_signatures``: check every signed request's signature against the secret of its access
      key (SigV4 header, query and streaming chunks, SigV2), as AWS does: a key the engine does not
      know is InvalidAccessKeyId (S3) / UnrecognizedClientException (KMS), a wrong secret
      SignatureDoesNotMatch / InvalidSignatureException. Off by default: any key is accepted and
      belongs to its registered principal or to ``default_principal``.
    - ``default_principal``: the ARN of the caller behind access keys the engine does not know
      (``arn:aws:iam::<acct>:root``, ``...:user/<name>``); None is the root of ``account_id``. The
      default test credentials the plugin puts in the environment are this principal's.
    - ``trail_limit``: how many of the newest requests the CloudTrail-shaped trail (``s3sse.trail``)
      keeps (default 10,000, ~0.2-0.5 KiB each); 0 turns the trail off (nothing is copied per request),
      for soak tests that read no trail.
    - ``assert_all_requests_expected``: when the engine stops (the fixture's teardown, the end of
      ``mock_s3sse``), fail if an S3 or KMS request was made that no expectation covered: an S3
      request is expected by ``s3sse.expect_requests`` naming its operation (and its bucket and key,
      when the expectation names them), a KMS request by ``expect_requests`` or by an
      ``expect_kms_calls`` that counts its operation (with its key, when one is named). S3's own
      KMS calls for a request are that request's, not the test's. As pytest-httpx's
      ``assert_all_requests_were_expected``; off by default.
    - ``replication``: when S3 replication runs (docs/replication.md): ``"immediate"`` (the default)
      replicates each new version right after the request that wrote it, so the next request sees
      it COMPLETED or FAILED; ``"manual"`` keeps it PENDING until the test calls
      ``s3sse.replicate()``.

    Users read the same list as a table in ``docs/getting-started.md#options`` (a test keeps the two
    in step).
    """

    account_id: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    seed: int | None = None
    clock: Clock | None = None
    root_key_rotation: timedelta = DEFAULT_ROTATION
    block_ssec_on_new_buckets: bool = True
    bucket_key_period: timedelta = DEFAULT_PERIOD
    verify_signatures: bool = False
    default_principal: str | None = None
    trail_limit: int = DEFAULT_TRAIL_LIMIT
    assert_all_requests_expected: bool = False
    replication: str = "immediate"

    def __post_init__(self) -> None:
        """Refuse an account id AWS would never issue: ARNs and ownership checks are built from it."""
        if not _ACCOUNT.match(self.account_id):
            msg = f"account_id must be 12 digits, got {self.account_id!r}"
            raise ValueError(msg)
        if self.default_principal is not None and not _CALLER.match(self.default_principal):
            msg = (
                "default_principal must be the ARN of an account root or IAM user "
                f"(arn:aws:iam::<12 digits>:root or ...:user/<name>), got {self.default_principal!r}"
            )
            raise ValueError(msg)
        if self.replication not in ("immediate", "manual"):
            msg = f"replication must be 'immediate' or 'manual', got {self.replication!r}"
            raise ValueError(msg)
        if type(self.trail_limit) is not int or self.trail_limit < 0:
            msg = f"trail_limit must be a whole number >= 0 (0: no trail), got {self.trail_limit!r}"
            raise ValueError(msg)


__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_REGION", "DEFAULT_TRAIL_LIMIT", "EngineOptions"]

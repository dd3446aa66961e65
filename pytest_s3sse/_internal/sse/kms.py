"""S3 -> KMS: the calls S3 makes to KMS on a requester's behalf for SSE-KMS and DSSE-KMS.

S3 calls the engine's own :class:`~pytest_s3sse._internal.kms.service.KmsService` exactly as a client would,
through ``Caller.for_s3``: the call is recorded with ``via="s3"`` and the requester's identity, counts
against the requester's KMS quota, and fails the way KMS fails. Which calls (reference 7.1):
GenerateDataKey (KeySpec AES_256) to write, Decrypt to read, both with the encryption context
``{"aws:s3:arn": <object ARN>}`` merged with the requester's own context, or the bucket ARN when an S3
Bucket Key is used (:mod:`pytest_s3sse._internal.sse.bucket_keys`).

Key ids are resolved in the **bucket's** account and region (reference 7.1: "Key resolution uses the
bucket's region and account"), so a bare id of a key that exists only elsewhere is
``Key '<arn in the bucket's region>' does not exist`` (W9, A). Without a key id S3 uses the account's
AWS managed key ``aws/s3``, made on first use (P, PutObject: "Amazon S3 uses the AWS managed key
(aws/s3)").

KMS's errors become S3's here, at the boundary (reference 7.2): ``KMS.<code>`` with KMS's message and
status 400 (A for NotFound, Disabled and KMSInvalidState: LocalStack snapshots
``test_s3_sse_validate_kms_key*``); AccessDeniedException is 403 ``AccessDenied`` with KMS's own text
for a requester of the bucket owner's account (policy-behaviour.md V1, A: ministryofjustice/
modernisation-platform#11726, the key ARN not quoted; V4 the same form for kms:GenerateDataKey, U) and
``Access Denied`` for a requester of another account (D4, P: detailed texts are same-account only;
W12/R7, A: boto/boto3#2952); ThrottlingException is 503 ``SlowDown`` (A,
aws-samples/cql-replicator#92); KMS's server faults are 503 ``ServiceUnavailable`` (U, open point 12.5,
retryable like SlowDown).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.errors.kms import KmsError
from pytest_s3sse._internal.errors.s3 import (
    AccessDenied,
    InvalidArgument,
    NotImplementedS3,
    S3Error,
    ServiceUnavailable,
    SlowDown,
)
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import Caller
from pytest_s3sse._internal.sse.bucket_keys import DEFAULT_PERIOD, BucketKeyCache, HeldKey
from pytest_s3sse._internal.types import Principal

ARN_KEY = "aws:s3:arn"
MANAGED_ALIAS = "aws/s3"
AUTHORIZATION = "Authorization"

# W15 (S: a project's recorded AWS observation; P, CreateMultipartUpload: "All GET and PUT requests for
# an object protected by AWS KMS fail if you don't make them by using SSL, TLS, or Signature Version 4").
MSG_INSECURE = (
    "Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a secure "
    "connection."
)
# W14, R8 (A: aws/aws-cli#1006, raw XML; ArgumentName Authorization, ArgumentValue null).
MSG_SIGV4 = (
    "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature "
    "Version 4."
)


class KmsScope:
    """For whom and where S3 calls KMS: the request's context, and the bucket's name, owner and region.

    The context's transport (TLS) and signature (SigV4) decide whether S3 may use KMS for the request
    at all (W15, W14). Key ids are resolved in the bucket's account and region. Made once per request
    that needs KMS; its :attr:`caller` (the requester, invoked by S3) is made once with it.
    """

    __slots__ = ("account", "bucket", "caller", "context", "key", "region", "translated")

    def __init__(
        self, context: RequestContext, bucket: str, key: str, account: str, region: str
    ) -> None:
        self.context = context
        self.bucket = bucket
        self.key = key
        self.account = account
        self.region = region
        self.caller = Caller.for_s3(context, account=account, region=region)
        self.translated = _Translated(self)

    @property
    def requester(self) -> Principal:
        """The principal S3 calls KMS for."""
        return self.context.principal

    @property
    def bucket_arn(self) -> str:
        """``arn:aws:s3:::<bucket>``: the encryption context of a Bucket Key."""
        return arn.bucket(self.bucket, self.region)

    @property
    def object_arn(self) -> str:
        """``arn:aws:s3:::<bucket>/<key>``: the encryption context of an object's own data key."""
        return arn.s3_object(self.bucket, self.key, self.region)

    def encryption_context(
        self, user: Mapping[str, str] | None, *, bucket_key: bool
    ) -> dict[str, str]:
        """The encryption context S3 sends: the requester's pairs with ``aws:s3:arn`` appended (P, S3
        user guide "Encryption context": "Amazon S3 appends the default encryption context of
        aws:s3:arn to the one that you provide"). S3's own ``aws:s3:arn`` wins over one the requester
        sent (U)."""
        return {**(user or {}), ARN_KEY: self.bucket_arn if bucket_key else self.object_arn}


def check_transport(context: RequestContext) -> None:
    """W15 (plain HTTP) before W14 (not SigV4): U for the order; each alone is as AWS answers."""
    if not context.secure:
        raise InvalidArgument(MSG_INSECURE)
    if not context.signed_v4:
        raise InvalidArgument(MSG_SIGV4, AUTHORIZATION, None)


def s3_error(err: KmsError, scope: KmsScope | None = None) -> S3Error:
    """The error S3 answers for a KMS error (reference 7.2) S3 met calling KMS for ``scope``'s
    requester: a KMS denial keeps KMS's text for the bucket owner's own principals (V1, V4) and is
    ``Access Denied`` for anyone else (D4)."""
    if err.code == "AccessDeniedException":
        if scope is not None and scope.requester.account_id == scope.account and err.message:
            return AccessDenied(err.message)
        return AccessDenied()
    if err.code == "ThrottlingException":
        return SlowDown()
    if err.status == 501:
        return NotImplementedS3(err.message)
    if err.status >= 500:
        return ServiceUnavailable()
    return S3Error(err.message, status=400, code="KMS." + err.code)


class _Translated:
    """``with translated(scope):`` runs KMS calls; their errors leave as S3's (a class, not
    ``@contextmanager``: every SSE-KMS request enters it; one per scope)."""

    __slots__ = ("scope",)

    def __init__(self, scope: KmsScope | None = None) -> None:
        self.scope = scope

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: object
    ) -> None:
        if isinstance(error, KmsError):
            raise s3_error(error, self.scope) from error


def translated(scope: KmsScope) -> _Translated:
    """The context that turns KMS errors met for ``scope`` into S3's."""
    return scope.translated


class S3Kms:
    """What S3 asks of KMS: data keys, their decryption, and Bucket Keys (held for a period)."""

    def __init__(
        self, service: KmsService, clock: Clock, bucket_key_period: timedelta = DEFAULT_PERIOD
    ) -> None:
        self.service = service
        self.bucket_keys = BucketKeyCache(clock, bucket_key_period)

    def key_ref(self, key_id: str | None, scope: KmsScope) -> str:
        """The key a write names, or the ARN of ``aws/s3`` (made now if new) when it names none.

        A request S3 refuses for its transport (W15, W14) makes nothing, not even ``aws/s3``.
        """
        check_transport(scope.context)
        if key_id is not None:
            return key_id
        # Only the ARN is needed here (made now if new); GenerateDataKey resolves the key itself.
        return self.service.key_arn(
            "alias/" + MANAGED_ALIAS, account=scope.account, region=scope.region
        )

    def generate(
        self, key_ref: str, scope: KmsScope, context: Mapping[str, str]
    ) -> tuple[bytes, bytes, str]:
        """GenerateDataKey: (plaintext, ciphertext blob, key ARN)."""
        check_transport(scope.context)
        with translated(scope):
            data_key = self.service.generate_data_key(key_ref, caller=scope.caller, context=context)
        if data_key.plaintext is None:  # pragma: no cover - GenerateDataKey always returns it
            msg = "GenerateDataKey returned no plaintext"
            raise AssertionError(msg)
        return data_key.plaintext, data_key.ciphertext_blob, data_key.key_arn

    def decrypt(self, blob: bytes, scope: KmsScope, context: Mapping[str, str]) -> bytes:
        """Decrypt of a data key S3 stored beside an object (no KeyId: the blob names its key)."""
        check_transport(scope.context)
        with translated(scope):
            return self.service.decrypt(blob, caller=scope.caller, context=context).plaintext

    def bucket_key_for_write(
        self, key_ref: str, scope: KmsScope, context: Mapping[str, str]
    ) -> tuple[HeldKey, str]:
        """The bucket key of (bucket, KMS key, requester, context), and the KMS key's ARN.

        GenerateDataKey is called only when no bucket key is held (``docs/sse-kms.md``).
        """
        check_transport(scope.context)
        with translated(scope):
            key_arn = self.service.key_arn(key_ref, account=scope.account, region=scope.region)

        def make() -> tuple[bytes, bytes]:
            plaintext, blob, _ = self.generate(key_ref, scope, context)
            return plaintext, blob

        held = self.bucket_keys.for_write(scope.bucket, key_arn, scope.requester.arn, context, make)
        return held, key_arn

    def encrypt(
        self, key_ref: str, plaintext: bytes, scope: KmsScope, context: Mapping[str, str]
    ) -> tuple[bytes, str]:
        """Encrypt of a data key S3 already holds under ``key_ref``: (blob, key ARN). Replication
        wraps a replica's data key so (P, S3 user guide "Replicating encrypted objects": the role
        needs ``kms:Encrypt`` on the replica key)."""
        check_transport(scope.context)
        with translated(scope):
            done = self.service.encrypt(key_ref, plaintext, caller=scope.caller, context=context)
        return done.ciphertext_blob, done.key_arn

    def bucket_key_for_replica(
        self, key_ref: str, scope: KmsScope, context: Mapping[str, str]
    ) -> tuple[HeldKey, str]:
        """:meth:`bucket_key_for_write` for a replica: a new bucket key is GenerateDataKey, then a
        Decrypt of it that "verifies the integrity of the S3 Bucket Key" (P, S3 user guide "S3
        Bucket Keys and replication"; U the order)."""
        check_transport(scope.context)
        with translated(scope):
            key_arn = self.service.key_arn(key_ref, account=scope.account, region=scope.region)

        def make() -> tuple[bytes, bytes]:
            plaintext, blob, _ = self.generate(key_ref, scope, context)
            self.decrypt(blob, scope, context)
            return plaintext, blob

        held = self.bucket_keys.for_write(scope.bucket, key_arn, scope.requester.arn, context, make)
        return held, key_arn

    def bucket_key_for_read(
        self, blob: bytes, scope: KmsScope, context: Mapping[str, str]
    ) -> bytes:
        """The plaintext of a bucket key; Decrypt is called only when it is not held."""
        check_transport(scope.context)
        return self.bucket_keys.for_read(
            scope.bucket, blob, scope.requester.arn, lambda: self.decrypt(blob, scope, context)
        )

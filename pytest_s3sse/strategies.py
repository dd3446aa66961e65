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

This module is the only one that imports hypothesis (install it with ``pytest-s3sse[hypothesis]``);
``import pytest_s3sse`` never does. Docs: docs/strategies.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

try:
    from hypothesis import strategies as st
except ImportError as err:  # pragma: no cover - depends on the installation
    msg = "pytest_s3sse.strategies needs hypothesis: pip install 'pytest-s3sse[hypothesis]'"
    raise ImportError(msg) from err

from pytest_s3sse._internal.assertions import S3SSEAssertionError
from pytest_s3sse._internal.types import SseMode

if TYPE_CHECKING:  # annotations only: importing the strategies does not load the engine
    from pytest_s3sse._internal.assertions import StoredView
    from pytest_s3sse._internal.testapi import S3SSE

__all__ = [
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

KeyChoice = Literal["aws/s3", "key-id", "key-arn", "alias-name", "alias-arn"]
"""How a configuration names its KMS key: the AWS managed key ``aws/s3`` (no key id sent), or the
strategies' customer managed key by key id, key ARN, alias name or alias ARN."""

KEY_CHOICES: tuple[KeyChoice, ...] = ("aws/s3", "key-id", "key-arn", "alias-name", "alias-arn")
STRATEGY_ALIAS = "alias/s3sse-strategies"
"""The alias of the customer managed key the strategies use (created by ``prepare``/``apply``)."""


# -- the KMS key and the bucket the values need --------------------------------------------------


@dataclass(frozen=True)
class _Key:
    key_id: str
    arn: str
    alias_arn: str

    def named(self, choice: KeyChoice) -> str | None:
        """The ``SSEKMSKeyId`` / ``KMSMasterKeyID`` a configuration sends (None: the default key)."""
        return {
            "aws/s3": None,
            "key-id": self.key_id,
            "key-arn": self.arn,
            "alias-name": STRATEGY_ALIAS,
            "alias-arn": self.alias_arn,
        }[choice]


def _strategy_key(kms: Any) -> _Key:
    """The strategies' customer managed key in ``kms``'s account and region, created on first use."""
    try:
        meta = kms.describe_key(KeyId=STRATEGY_ALIAS)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        meta = kms.create_key(Description="pytest_s3sse.strategies")["KeyMetadata"]
        kms.create_alias(AliasName=STRATEGY_ALIAS, TargetKeyId=meta["KeyId"])
    arn = meta["Arn"]
    alias_arn = arn.split(":key/")[0] + ":" + STRATEGY_ALIAS
    return _Key(meta["KeyId"], arn, alias_arn)


def _accept_sse_c(s3: Any, bucket: str) -> None:
    """Unblock SSE-C on ``bucket`` (new buckets block it: SSE row C9, P), keeping its default."""
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    rule = {**rules[0], "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})


def _object_arn(bucket: str, key: str | None = None) -> str:
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


# -- what S3 must store ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedEncryption:
    """What ``s3sse.stored()`` must find for an object written with a value of these strategies.

    ``kms_key`` names the key in any form :meth:`S3SSE.assert_encrypted` takes (``alias/aws/s3``
    for the AWS managed key); ``encryption_context`` is the requester's own pairs (S3 adds
    ``aws:s3:arn``: the object ARN, or the bucket ARN with a Bucket Key; P, AWS's SSE-KMS guide,
    as docs/sse-kms.md cites it).
    """

    mode: SseMode
    kms_key: str | None = None
    bucket_key: bool = False
    encryption_context: Mapping[str, str] = field(default_factory=dict)
    customer_key: bytes | None = None

    def context_at_rest(self, bucket: str, key: str) -> dict[str, str]:
        """The whole context S3 stores for a KMS object (empty for other modes)."""
        if self.mode not in (SseMode.SSE_KMS, SseMode.DSSE_KMS):
            return {}
        arn = _object_arn(bucket) if self.bucket_key else _object_arn(bucket, key)
        return {**self.encryption_context, "aws:s3:arn": arn}

    def check(self, s3sse: S3SSE, bucket: str, key: str) -> StoredView:
        """Assert the stored object is encrypted as expected (mode, key, Bucket Key, context, and
        for SSE-C that only the customer key opens it); returns its view."""
        __tracebackhide__ = True
        view = s3sse.assert_encrypted(bucket, key, mode=self.mode, kms_key=self.kms_key)
        problems = []
        if view.bucket_key_enabled != self.bucket_key:
            problems.append(f"expected bucket_key={self.bucket_key}")
        if dict(view.encryption_context) != self.context_at_rest(bucket, key):
            problems.append(f"expected context {self.context_at_rest(bucket, key)}")
        if problems:
            msg = f"s3://{bucket}/{key}: {'; '.join(problems)}\n  actual: {view.describe()}"
            raise S3SSEAssertionError(msg)
        if self.customer_key is not None:
            s3sse.assert_readable_only_with(bucket, key, self.customer_key)
        return view


# -- sse_configurations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedSse:
    """A configuration made concrete for one engine and bucket: the boto3 keyword arguments.

    ``put_kwargs`` go to ``put_object``, ``create_multipart_upload`` and ``copy_object`` (the
    target); ``get_kwargs`` to ``get_object``, ``head_object`` and ``upload_part`` (SSE-C needs its
    key there; empty for every other mode). ``kms_key_arn`` is the ARN of the key the request names
    (None when it names none).
    """

    configuration: SseConfiguration
    put_kwargs: Mapping[str, Any]
    get_kwargs: Mapping[str, Any]
    expected: ExpectedEncryption
    kms_key_arn: str | None = None

    def check(self, s3sse: S3SSE, bucket: str, key: str) -> StoredView:
        """``self.expected.check(...)``: the object is stored as this configuration asks."""
        __tracebackhide__ = True
        return self.expected.check(s3sse, bucket, key)


@dataclass(frozen=True)
class SseConfiguration:
    """One valid way to ask S3 to encrypt an object (drawn by :func:`sse_configurations`).

    ``mode`` is what the object is stored as; ``explicit`` says whether the
    ``x-amz-server-side-encryption`` header is sent (SSE-S3 may rely on the bucket default);
    ``kms_key`` how the KMS key is named; ``encryption_context`` the requester's context (None:
    not sent); ``bucket_key`` the ``BucketKeyEnabled`` sent (None: not sent); ``customer_key`` the
    SSE-C key. Call :meth:`prepare` inside the test, with the engine running.

    The expectation assumes the bucket's default encryption is a new bucket's (SSE-S3, no Bucket
    Key): with another default, a write without the SSE header gets that default, and an SSE-KMS
    write without ``BucketKeyEnabled`` inherits the default's Bucket Key (SSE row B13, A).
    """

    mode: SseMode
    explicit: bool = True
    kms_key: KeyChoice | None = None
    encryption_context: Mapping[str, str] | None = None
    bucket_key: bool | None = None
    customer_key: bytes | None = None

    @property
    def description(self) -> str:
        """The configuration in words (also its ``repr`` in hypothesis' falsifying example)."""
        if self.mode is SseMode.SSE_S3:
            return (
                "SSE-S3 (AES256 header)" if self.explicit else "SSE-S3 (bucket default, no header)"
            )
        if self.mode is SseMode.SSE_C:
            return "SSE-C (customer key)"
        words = [self.mode.value, f"key {self.kms_key}"]
        if self.encryption_context is not None:
            words.append(f"context {dict(self.encryption_context)}")
        if self.bucket_key is not None:
            words.append(f"BucketKeyEnabled={self.bucket_key}")
        return ", ".join(words)

    def __repr__(self) -> str:
        return f"<SseConfiguration {self.description}>"

    def prepare(self, s3: Any, kms: Any, bucket: str) -> PreparedSse:
        """Create what the configuration needs (the strategies' KMS key and its alias in ``kms``'s
        account and region; SSE-C unblocked on ``bucket``, which must exist) and return the boto3
        keyword arguments. Idempotent: call it once per engine and bucket, or again."""
        if self.mode is SseMode.SSE_C:
            return self._prepare_sse_c(s3, bucket)
        if self.mode is SseMode.SSE_S3:
            kwargs = {"ServerSideEncryption": "AES256"} if self.explicit else {}
            return PreparedSse(self, kwargs, {}, ExpectedEncryption(SseMode.SSE_S3))
        choice = self.kms_key or "aws/s3"
        key = None if choice == "aws/s3" else _strategy_key(kms)
        put: dict[str, Any] = {"ServerSideEncryption": self.mode.header_value}
        if key is not None:
            put["SSEKMSKeyId"] = key.named(choice)
        if self.encryption_context is not None:
            text = json.dumps(dict(self.encryption_context))
            put["SSEKMSEncryptionContext"] = base64.b64encode(text.encode()).decode()
        if self.bucket_key is not None:
            put["BucketKeyEnabled"] = self.bucket_key
        expected = ExpectedEncryption(
            self.mode,
            kms_key="alias/aws/s3" if key is None else key.arn,
            bucket_key=bool(self.bucket_key) and self.mode is SseMode.SSE_KMS,
            encryption_context=dict(self.encryption_context or {}),
        )
        return PreparedSse(self, put, {}, expected, None if key is None else key.arn)

    def _prepare_sse_c(self, s3: Any, bucket: str) -> PreparedSse:
        assert self.customer_key is not None
        _accept_sse_c(s3, bucket)
        kwargs = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": self.customer_key}
        expected = ExpectedEncryption(SseMode.SSE_C, customer_key=self.customer_key)
        return PreparedSse(self, kwargs, kwargs, expected)


def customer_keys() -> st.SearchStrategy[bytes]:
    """SSE-C keys: 32 random bytes (AES-256), as boto3's ``SSECustomerKey`` takes them (boto3
    base64-encodes them and adds the MD5)."""
    return st.binary(min_size=32, max_size=32)


_CONTEXT_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24
)


def encryption_contexts(*, max_pairs: int = 4) -> st.SearchStrategy[dict[str, str]]:
    """Valid KMS encryption contexts: 1 to ``max_pairs`` non-empty string pairs (any Unicode but
    surrogates and control characters), well within KMS's and S3's size limits. Keys never start
    with ``aws:`` (AWS reserves that prefix; S3 sets ``aws:s3:arn`` itself)."""
    keys = _CONTEXT_TEXT.filter(lambda k: not k.lower().startswith("aws"))
    return st.dictionaries(keys, _CONTEXT_TEXT, min_size=1, max_size=max_pairs)


def sse_configurations(
    *, modes: tuple[SseMode | str, ...] | None = None
) -> st.SearchStrategy[SseConfiguration]:
    """Every valid way to encrypt an object on write: SSE-S3 (explicit and by the bucket default),
    SSE-KMS (the default ``aws/s3`` key or a customer key by id, ARN, alias name or alias ARN; with
    or without an encryption context; BucketKeyEnabled absent, false or true), DSSE-KMS (same keys
    and contexts) and SSE-C (generated keys). ``modes`` keeps only some (``("SSE-KMS", "SSE-C")``).
    Shrinks towards SSE-S3."""
    wanted = {SseMode.parse(m.value if isinstance(m, SseMode) else m) for m in modes or SseMode}
    contexts = st.none() | encryption_contexts()
    choices = []
    if SseMode.SSE_S3 in wanted:
        choices.append(st.builds(SseConfiguration, st.just(SseMode.SSE_S3), explicit=st.booleans()))
    if SseMode.SSE_KMS in wanted:
        choices.append(
            st.builds(
                SseConfiguration,
                st.just(SseMode.SSE_KMS),
                kms_key=st.sampled_from(KEY_CHOICES),
                encryption_context=contexts,
                bucket_key=st.sampled_from([None, False, True]),
            )
        )
    if SseMode.DSSE_KMS in wanted:
        choices.append(
            st.builds(
                SseConfiguration,
                st.just(SseMode.DSSE_KMS),
                kms_key=st.sampled_from(KEY_CHOICES),
                encryption_context=contexts,
            )
        )
    if SseMode.SSE_C in wanted:
        choices.append(
            st.builds(SseConfiguration, st.just(SseMode.SSE_C), customer_key=customer_keys())
        )
    return st.one_of(choices)


# -- invalid_sse_headers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AwsErrorSpec:
    """The error AWS answers: HTTP status, error code and message (exact), and where it is cited
    (docs/errors.md rows; labels A recorded from AWS, P AWS docs, S secondary, U proposed)."""

    status: int
    code: str
    message: str
    source: str

    def matches(self, error: Any) -> bool:
        """Whether a botocore ``ClientError`` is this error (status, code and message)."""
        response: Mapping[str, Any] = error.response
        return bool(
            response["ResponseMetadata"]["HTTPStatusCode"] == self.status
            and response["Error"]["Code"] == self.code
            and response["Error"]["Message"] == self.message
        )


@dataclass(frozen=True)
class InvalidSseRequest:
    """A PutObject or GetObject whose SSE headers AWS refuses, and the error it refuses it with.

    ``operation`` is ``"PutObject"`` or ``"GetObject"``; ``kwargs`` are boto3's arguments for it;
    ``headers`` are raw headers added as sent on the wire, for what boto3 cannot express (an SSE-C
    algorithm without its key, ``x-amz-server-side-encryption`` on a GET). A GetObject reads an
    object that :meth:`send` first writes with ``stored_with`` (boto3's PutObject arguments). The
    bucket must accept SSE-C (:meth:`prepare`) so that the header rule, not the block, answers.
    """

    description: str
    kwargs: Mapping[str, Any]
    error: AwsErrorSpec
    headers: Mapping[str, str] = field(default_factory=dict)
    operation: Literal["PutObject", "GetObject"] = "PutObject"
    stored_with: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<InvalidSseRequest {self.description}: {self.error.status} {self.error.code}>"

    def prepare(self, s3: Any, bucket: str) -> None:
        """Let ``bucket`` accept SSE-C writes (new buckets block them), as the errors assume."""
        _accept_sse_c(s3, bucket)

    def send(self, s3: Any, bucket: str, key: str, body: bytes = b"") -> Any:
        """Send the request with ``s3`` (for a GetObject, after writing ``body`` at ``key`` with
        ``stored_with``); botocore raises its ClientError when AWS refuses it."""
        if self.operation == "GetObject":
            s3.put_object(Bucket=bucket, Key=key, Body=body, **self.stored_with)
        event = f"before-sign.s3.{self.operation}"
        handler: Callable[..., None] | None = None
        if self.headers:

            def handler(request: Any, **_: Any) -> None:
                for name, value in self.headers.items():
                    del request.headers[name]
                    request.headers[name] = value

            s3.meta.events.register(event, handler)
        try:
            if self.operation == "GetObject":
                return s3.get_object(Bucket=bucket, Key=key, **self.kwargs)
            return s3.put_object(Bucket=bucket, Key=key, Body=body, **self.kwargs)
        finally:
            if handler is not None:
                s3.meta.events.unregister(event, handler)


_SSE_C = "x-amz-server-side-encryption-customer-"


def _err(status: int, code: str, message: str, source: str) -> AwsErrorSpec:
    return AwsErrorSpec(status, code, message, source)


_UNSUPPORTED = _err(400, "InvalidArgument", "The encryption method specified is not supported", "SSE row W1 (A for empty, U for other values)")  # fmt: skip
_KMS_NEEDS_HEADER = _err(400, "InvalidArgument", "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", "SSE rows W2 (A), W3 (U)")  # fmt: skip
_BAD_CONTEXT = _err(400, "InvalidArgument", "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map", "SSE row W4 (S for the text, U for the code)")  # fmt: skip
_SSE_C_AND_SSE = _err(400, "InvalidArgument", "Server Side Encryption with Customer provided key is incompatible with the encryption method specified", "SSE row C1 (A)")  # fmt: skip
_NO_ALGORITHM = _err(400, "InvalidArgument", "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", "SSE row C3 (A)")  # fmt: skip
_NO_KEY = _err(400, "InvalidArgument", "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", "SSE row C4 (A)")  # fmt: skip
_BAD_ALGORITHM = _err(400, "InvalidEncryptionAlgorithmError", "The Encryption request you specified is not valid. Supported value: AES256.", "SSE row C2 (A)")  # fmt: skip
_MD5_MISMATCH = _err(400, "InvalidArgument", "The calculated MD5 hash of the key did not match the hash that was provided.", "SSE row C6 (A)")  # fmt: skip
_NOT_GIVEN = _err(400, "InvalidRequest", "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.", "SSE row R1 (A)")  # fmt: skip
_WRONG_KEY = _err(403, "AccessDenied", "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.", "SSE row R2 (A)")  # fmt: skip
_NOT_APPLICABLE = _err(400, "InvalidRequest", "The encryption parameters are not applicable to this object.", "SSE row R10 (A)")  # fmt: skip
_SSE_ON_READ = _err(400, "InvalidArgument", "x-amz-server-side-encryption header is not supported for this operation.", "SSE row R9 (P for the 400, U for code and text)")  # fmt: skip
_BAD_KEY = _err(400, "InvalidArgument", "The secret key was invalid for the specified algorithm.", "SSE row C5 (A)")  # fmt: skip


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def _malformed_key_id(key_id: str) -> InvalidSseRequest:
    error = _err(400, "KMS.NotFoundException", f"Invalid keyId '{key_id}'", "SSE row W6 (A)")
    return InvalidSseRequest(
        f"SSE-KMS with the malformed key id {key_id!r}",
        {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_id},
        error,
    )


def _wrong_length_key(key: bytes) -> InvalidSseRequest:
    return InvalidSseRequest(
        f"SSE-C with a {len(key)}-byte key",
        {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key},
        _BAD_KEY,
    )


def _md5_of_another_key(keys: tuple[bytes, bytes]) -> InvalidSseRequest:
    key, other = keys
    return InvalidSseRequest(
        "SSE-C with the MD5 of another key",
        # With the MD5 given, boto3 sends the key as it is: already base64.
        {
            "SSECustomerAlgorithm": "AES256",
            "SSECustomerKey": _b64(key),
            "SSECustomerKeyMD5": _md5(other),
        },
        _MD5_MISMATCH,
    )


def _ssec_with(header_value: str, key: bytes) -> InvalidSseRequest:
    return InvalidSseRequest(
        f"SSE-C with x-amz-server-side-encryption: {header_value}",
        {
            "ServerSideEncryption": header_value,
            "SSECustomerAlgorithm": "AES256",
            "SSECustomerKey": key,
        },
        _SSE_C_AND_SSE,
    )


def _bad_algorithm(algorithm: str, key: bytes) -> InvalidSseRequest:
    return InvalidSseRequest(
        f"SSE-C with the algorithm {algorithm!r}",
        {"SSECustomerAlgorithm": algorithm, "SSECustomerKey": key},
        _BAD_ALGORITHM,
    )


def _bad_context(raw: str) -> InvalidSseRequest:
    return InvalidSseRequest(
        f"SSE-KMS with the context header {raw!r}",
        {"ServerSideEncryption": "aws:kms", "SSEKMSEncryptionContext": raw},
        _BAD_CONTEXT,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


_NOT_A_CONTEXT = [
    "not base64!",
    _b64(b"not json"),
    _b64(b"[1, 2]"),
    _b64(b'{"a": 1}'),
    _b64(b'{"a": {"b": "c"}}'),
    _b64(b'"text"'),
    _b64(b"\xff\xfe"),
]


def _ssec(key: bytes) -> dict[str, Any]:
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def _read_without_key(key: bytes) -> InvalidSseRequest:
    return InvalidSseRequest(
        "GetObject of an SSE-C object without its key", {}, _NOT_GIVEN, operation="GetObject", stored_with=_ssec(key)
    )  # fmt: skip


def _read_with_another_key(keys: tuple[bytes, bytes]) -> InvalidSseRequest:
    stored, other = keys
    return InvalidSseRequest(
        "GetObject of an SSE-C object with another key", _ssec(other), _WRONG_KEY, operation="GetObject", stored_with=_ssec(stored)
    )  # fmt: skip


def _read_with_needless_key(written: tuple[Mapping[str, Any], bytes]) -> InvalidSseRequest:
    stored_with, key = written
    mode = stored_with.get("ServerSideEncryption", "the bucket default")
    return InvalidSseRequest(
        f"GetObject with SSE-C headers of an object stored with {mode}", _ssec(key), _NOT_APPLICABLE, operation="GetObject", stored_with=stored_with
    )  # fmt: skip


def _read_with_sse_header(value: str) -> InvalidSseRequest:
    return InvalidSseRequest(
        f"GetObject with x-amz-server-side-encryption: {value}", {}, _SSE_ON_READ,
        headers={"x-amz-server-side-encryption": value}, operation="GetObject",
    )  # fmt: skip


def _unknown_sse(value: str) -> InvalidSseRequest:
    return InvalidSseRequest(
        f"x-amz-server-side-encryption: {value}", {"ServerSideEncryption": value}, _UNSUPPORTED
    )


def _key_without_algorithm(key: bytes) -> InvalidSseRequest:
    return InvalidSseRequest(
        "SSE-C key without its algorithm", {"SSECustomerKey": key}, _NO_ALGORITHM
    )


_FIXED_CASES = [
    InvalidSseRequest(
        "SSEKMSKeyId without x-amz-server-side-encryption",
        {"SSEKMSKeyId": "alias/aws/s3"},
        _KMS_NEEDS_HEADER,
    ),
    InvalidSseRequest(
        "SSEKMSKeyId with AES256",
        {"ServerSideEncryption": "AES256", "SSEKMSKeyId": "alias/aws/s3"},
        _KMS_NEEDS_HEADER,
    ),
    # boto3 adds no SSE-C header without the key, so the algorithm alone goes in as a raw header.
    InvalidSseRequest(
        "SSE-C algorithm without its key", {}, _NO_KEY, headers={f"{_SSE_C}algorithm": "AES256"}
    ),
]


def invalid_sse_headers(*, reads: bool = True) -> st.SearchStrategy[InvalidSseRequest]:
    """Requests whose SSE headers AWS refuses, each with the exact error (status, code, message)
    and its source. PutObject: an unknown ``x-amz-server-side-encryption``; a KMS key id without
    ``aws:kms`` or with ``AES256``; a malformed KMS key id; a context that is not base64 JSON of a
    string map; SSE-C mixed with ``x-amz-server-side-encryption``, without its algorithm or key,
    with another algorithm, a key of the wrong length or the MD5 of another key. GetObject (unless
    ``reads=False``): an SSE-C object without its key or with another key, SSE-C headers for an
    object that is not SSE-C, ``x-amz-server-side-encryption`` on a read. Shrinks towards the
    first."""
    keys = customer_keys()
    unknown = ["AES128", "aes256", "aws:KMS", "aws:kms:dsse:x", "SSE-C", "none"]
    writes = [
        st.sampled_from(unknown).map(_unknown_sse),
        st.sampled_from(_FIXED_CASES),
        st.sampled_from(["fake-key-id", "not-a-key", "1234"]).map(_malformed_key_id),
        st.sampled_from(_NOT_A_CONTEXT).map(_bad_context),
        st.builds(_ssec_with, st.sampled_from(["AES256", "aws:kms", "aws:kms:dsse"]), keys),
        keys.map(_key_without_algorithm),
        st.builds(_bad_algorithm, st.sampled_from(["AES128", "aes256", "AES-256", "RSA"]), keys),
        st.binary(min_size=1, max_size=64).filter(lambda k: len(k) != 32).map(_wrong_length_key),
        st.tuples(keys, keys).filter(lambda pair: pair[0] != pair[1]).map(_md5_of_another_key),
    ]
    if reads:
        not_ssec = st.sampled_from(
            [{}, {"ServerSideEncryption": "AES256"}, {"ServerSideEncryption": "aws:kms"}]
        )
        writes += [
            keys.map(_read_without_key),
            st.tuples(keys, keys)
            .filter(lambda pair: pair[0] != pair[1])
            .map(_read_with_another_key),
            st.tuples(not_ssec, keys).map(_read_with_needless_key),
            st.sampled_from(["AES256", "aws:kms"]).map(_read_with_sse_header),
        ]
    return st.one_of(writes)


# -- bucket_encryption_rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class BucketEncryptionRule:
    """A valid PutBucketEncryption configuration (drawn by :func:`bucket_encryption_rules`).

    ``algorithm`` is the ``SSEAlgorithm`` (``AES256``, ``aws:kms``, ``aws:kms:dsse``);
    ``kms_key`` how ``KMSMasterKeyID`` names the key (``aws/s3``: not sent); ``bucket_key`` the
    ``BucketKeyEnabled`` sent (None: not sent); ``blocked`` the ``BlockedEncryptionTypes`` sent
    (None: not sent, so the bucket keeps blocking SSE-C). :meth:`apply` puts it on a bucket.
    """

    algorithm: Literal["AES256", "aws:kms", "aws:kms:dsse"]
    kms_key: KeyChoice = "aws/s3"
    bucket_key: bool | None = None
    blocked: Literal["NONE", "SSE-C"] | None = None

    @property
    def description(self) -> str:
        """The rule in words."""
        words = [f"default {self.algorithm}"]
        if self.algorithm != "AES256":
            words.append(f"key {self.kms_key}")
        if self.bucket_key is not None:
            words.append(f"BucketKeyEnabled={self.bucket_key}")
        if self.blocked is not None:
            words.append(f"blocked {self.blocked}")
        return ", ".join(words)

    def __repr__(self) -> str:
        return f"<BucketEncryptionRule {self.description}>"

    def configuration(self, kms: Any) -> dict[str, Any]:
        """The ``ServerSideEncryptionConfiguration`` to send (creates the strategies' KMS key when
        the rule names it)."""
        default: dict[str, Any] = {"SSEAlgorithm": self.algorithm}
        if self.algorithm != "AES256" and self.kms_key != "aws/s3":
            default["KMSMasterKeyID"] = _strategy_key(kms).named(self.kms_key)
        rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": default}
        if self.bucket_key is not None:
            rule["BucketKeyEnabled"] = self.bucket_key
        if self.blocked is not None:
            rule["BlockedEncryptionTypes"] = {"EncryptionType": [self.blocked]}
        return {"Rules": [rule]}

    def apply(self, s3: Any, kms: Any, bucket: str) -> ExpectedEncryption:
        """Put the rule on ``bucket`` and return what an unencrypted PUT (no SSE header) then gets:
        the rule's mode and key (``aws/s3`` without ``KMSMasterKeyID``), and a Bucket Key when the
        rule enables one for SSE-KMS (SSE rows B10, B11, B13: A)."""
        config = self.configuration(kms)
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
        mode = SseMode.parse(self.algorithm)
        if mode is SseMode.SSE_S3:
            return ExpectedEncryption(mode)
        kms_key = "alias/aws/s3" if self.kms_key == "aws/s3" else _strategy_key(kms).arn
        bucket_key = bool(self.bucket_key) and mode is SseMode.SSE_KMS
        return ExpectedEncryption(mode, kms_key=kms_key, bucket_key=bucket_key)


def bucket_encryption_rules() -> st.SearchStrategy[BucketEncryptionRule]:
    """Valid PutBucketEncryption configurations: an ``AES256``, ``aws:kms`` or ``aws:kms:dsse``
    default (KMS ones with or without ``KMSMasterKeyID``, named every way), ``BucketKeyEnabled``
    absent, false or true (not with DSSE-KMS, which has no Bucket Keys), and
    ``BlockedEncryptionTypes`` absent, ``NONE`` or ``SSE-C``. Shrinks towards the SSE-S3 default."""
    blocked = st.sampled_from([None, "NONE", "SSE-C"])
    return st.one_of(
        st.builds(
            BucketEncryptionRule,
            st.just("AES256"),
            bucket_key=st.sampled_from([None, False, True]),
            blocked=blocked,
        ),
        st.builds(
            BucketEncryptionRule,
            st.just("aws:kms"),
            kms_key=st.sampled_from(KEY_CHOICES),
            bucket_key=st.sampled_from([None, False, True]),
            blocked=blocked,
        ),
        st.builds(
            BucketEncryptionRule,
            st.just("aws:kms:dsse"),
            kms_key=st.sampled_from(KEY_CHOICES),
            blocked=blocked,
        ),
    )


# -- bucket_policies -------------------------------------------------------------------------------

Requirement = Literal[
    "sse-header-present",
    "sse-is-kms",
    "sse-is-kms-or-dsse",
    "kms-key-is-strategy-key",
    "no-sse-c",
    "secure-transport",
]
"""The SSE rules a generated bucket policy enforces on PutObject (one Deny statement each)."""

REQUIREMENTS: tuple[Requirement, ...] = (
    "sse-header-present",
    "sse-is-kms",
    "sse-is-kms-or-dsse",
    "kms-key-is-strategy-key",
    "no-sse-c",
    "secure-transport",
)


def _deny(sid: str, resource: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": resource,
        "Condition": condition,
    }


@dataclass(frozen=True)
class BucketPolicy:
    """A bucket policy built from the SSE conditions AWS's guidance uses (drawn by
    :func:`bucket_policies`): one Deny statement per requirement, for ``s3:PutObject`` on every
    object, Principal ``*`` (so it binds the bucket owner too), named by its requirement (Sid).

    :meth:`apply` puts it; :meth:`denies` says which statement a PutObject over TLS with a given
    :class:`PreparedSse` meets (None: allowed), as AWS evaluates the conditions (policy-behaviour.md
    L1-L5, P: a missing key fails a positive operator and meets a negated one, so
    ``kms-key-is-strategy-key`` denies a request that names no key, the ``aws/s3`` default too).
    """

    requirements: tuple[Requirement, ...]

    @property
    def description(self) -> str:
        """The requirements in words."""
        return "deny PutObject unless " + " and ".join(self.requirements)

    def __repr__(self) -> str:
        return f"<BucketPolicy {self.description}>"

    def document(self, bucket: str, kms_key_arn: str | None = None) -> dict[str, Any]:
        """The policy for ``bucket``; ``kms_key_arn`` is the key ``kms-key-is-strategy-key``
        requires (:meth:`apply` passes the strategies' key)."""
        resource = f"{_object_arn(bucket)}/*"
        sse = "s3:x-amz-server-side-encryption"
        conditions: dict[Requirement, dict[str, Any]] = {
            "sse-header-present": {"Null": {sse: "true"}},
            "sse-is-kms": {"StringNotEquals": {sse: "aws:kms"}},
            "sse-is-kms-or-dsse": {"StringNotEquals": {sse: ["aws:kms", "aws:kms:dsse"]}},
            "kms-key-is-strategy-key": {
                "StringNotEquals": {f"{sse}-aws-kms-key-id": kms_key_arn or "unset"}
            },
            "no-sse-c": {"Null": {f"{sse}-customer-algorithm": "false"}},
            "secure-transport": {"Bool": {"aws:SecureTransport": "false"}},
        }
        statements = [_deny(_sid(r), resource, conditions[r]) for r in self.requirements]
        return {"Version": "2012-10-17", "Statement": statements}

    def apply(self, s3: Any, kms: Any, bucket: str) -> dict[str, Any]:
        """Put the policy on ``bucket`` (creating the strategies' KMS key when a requirement names
        it); returns the document."""
        arn = _strategy_key(kms).arn if "kms-key-is-strategy-key" in self.requirements else None
        doc = self.document(bucket, arn)
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
        return doc

    def denies(self, sse: PreparedSse) -> str | None:
        """The Sid of the first statement that denies a PutObject over TLS sent with ``sse``'s
        ``put_kwargs``, or None when the policy lets it through (S3 answers 403 AccessDenied)."""
        header = sse.put_kwargs.get("ServerSideEncryption")
        ssec = "SSECustomerAlgorithm" in sse.put_kwargs
        key_sent = "SSEKMSKeyId" in sse.put_kwargs
        strategy_arn = sse.kms_key_arn
        for requirement in self.requirements:
            met = {
                "sse-header-present": header is not None,
                "sse-is-kms": header == "aws:kms",
                "sse-is-kms-or-dsse": header in ("aws:kms", "aws:kms:dsse"),
                # The key is in the request only when it names one (the strategies name only their
                # own); absent, the negated operator holds, so the statement denies (L3).
                "kms-key-is-strategy-key": key_sent and strategy_arn is not None,
                "no-sse-c": not ssec,
                "secure-transport": True,
            }[requirement]
            if not met:
                return _sid(requirement)
        return None


def _sid(requirement: str) -> str:
    return "Deny" + "".join(part.capitalize() for part in requirement.split("-"))


def bucket_policies() -> st.SearchStrategy[BucketPolicy]:
    """Valid bucket policies of 1 to 3 SSE requirements (distinct, in any order): the SSE header
    present, ``aws:kms``, ``aws:kms`` or ``aws:kms:dsse``, the strategies' KMS key named on the request,
    no SSE-C, TLS only. Each parses as AWS parses a bucket policy."""
    return st.lists(st.sampled_from(REQUIREMENTS), min_size=1, max_size=3, unique=True).map(
        lambda found: BucketPolicy(tuple(found))
    )

"""``invalid_sse_headers()``: requests AWS refuses for their SSE headers, with the exact error."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import strategies as st

from pytest_s3sse._internal.strategies.configurations import customer_keys
from pytest_s3sse._internal.strategies.resources import accept_sse_c


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
        accept_sse_c(s3, bucket)

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

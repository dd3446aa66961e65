"""Fuzzing the wire: whatever arrives, the engine answers like S3 or KMS and keeps what it stores.

Raw ``HttpRequest`` values, built by the adapters' own ``wire.httpmodel.build_request`` and handed over
through ``wire.dispatch.dispatch`` (which labels any engine bug InternalEngineError), go to one engine
holding a bucket with SSE-S3, SSE-KMS, DSSE-KMS and SSE-C objects, a multipart upload in progress and
a customer managed KMS key. The requests are S3 (methods, http and https, path-style and
virtual-hosted addressing, paths with unicode and very long keys,
sub-resources and list parameters with odd values, every SSE header with garbage, huge, empty,
non-ASCII or duplicated values, odd Range and conditional headers, malformed XML, broken aws-chunked
framing) and KMS (operations, malformed and deeply nested JSON, members of the wrong type). For each:

- no exception comes out of the engine (nor out of reading its answer);
- no 5xx but 501 NotImplemented (a feature the engine refuses by name); the one 5xx S3 may give on
  its own, a tampered ciphertext, is not provoked here (``tests/test_crypto.py`` covers it);
- a refused request (status 300 and up) leaves every bucket, object version, upload, part, KMS key
  and alias exactly as it was (``raw_support.snapshot``).

Profiles (environment variable ``S3SSE_FUZZ``): ``ci`` (the default: a bounded, derandomized run of
about 15 seconds on one core, the same examples every time) and ``long`` (by hand, random, many
more examples; e.g. ``S3SSE_FUZZ=long python -m pytest tests/test_fuzz_wire.py -p no:xdist``).

Also generated: non-UTF-8 bytes in aws-chunked trailer lines, XML documents in UTF-16 (with and
without a DTD), and signed aws-chunked frames announced only by ``x-amz-content-sha256``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_support import S3_HOST, kms_request, s3_request, snapshot

from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.options import EngineOptions

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
}
PROFILES = {
    "ci": settings(max_examples=1000, derandomize=True, **_COMMON),
    "long": settings(max_examples=20_000, **_COMMON),
}
FUZZ = PROFILES[os.environ.get("S3SSE_FUZZ", "ci")]

BUCKET = "bkt"
SEED = 11
SSE = "x-amz-server-side-encryption"
KEYS = ("sse-s3", "sse-kms", "dsse", "sse-c", "mp")
SSE_C_KEY = bytes(range(32))
SSE_C = {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": base64.b64encode(SSE_C_KEY).decode(),
    "x-amz-server-side-encryption-customer-key-md5": "",
}


def _seed() -> tuple[Engine, str, str]:
    """An engine with one object per SSE mode, an upload in progress and a customer managed key."""
    engine = Engine(EngineOptions(seed=SEED))
    key = json.loads(kms_request(engine, "CreateKey", {}).content())["KeyMetadata"]["KeyId"]
    kms_request(engine, "CreateAlias", {"AliasName": "alias/fuzz", "TargetKeyId": key})
    assert s3_request(engine, "PUT", f"/{BUCKET}").status == 200
    unblock = (
        b"<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
        b"<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
        b"<BlockedEncryptionTypes><EncryptionType>NONE</EncryptionType></BlockedEncryptionTypes>"
        b"</Rule></ServerSideEncryptionConfiguration>"
    )
    content_md5 = base64.b64encode(hashlib.md5(unblock).digest()).decode()
    response = s3_request(
        engine, "PUT", f"/{BUCKET}", "encryption=", {"content-md5": content_md5}, unblock
    )
    assert response.status == 200, response.content()
    md5 = base64.b64encode(hashlib.md5(SSE_C_KEY).digest()).decode()
    ssec = {**SSE_C, "x-amz-server-side-encryption-customer-key-md5": md5}
    kms = {SSE: "aws:kms", SSE + "-aws-kms-key-id": key}
    for name, headers in (
        ("sse-s3", {}),
        ("sse-kms", kms),
        ("dsse", {SSE: "aws:kms:dsse"}),
        ("sse-c", ssec),
    ):
        response = s3_request(
            engine, "PUT", f"/{BUCKET}/{name}", headers=headers, body=b"0123456789"
        )
        assert response.status == 200, (name, response.content())
    body = s3_request(engine, "POST", f"/{BUCKET}/mp", "uploads=").content().decode()
    upload = body[body.index("<UploadId>") + 10 : body.index("</UploadId>")]
    part = s3_request(engine, "PUT", f"/{BUCKET}/mp", f"partNumber=1&uploadId={upload}", body=b"p")
    assert part.status == 200
    return engine, key, upload


# -- values ----------------------------------------------------------------------------------------
_DIGITS = st.sampled_from(["0", "1", "10", "-1", "2147483647", "2147483648", "1" * 5000, "9" * 30])
_ODD = st.sampled_from(
    [
        "",
        " ",
        "\u00b2",
        "\uff11",
        "\u0660",
        "null",
        "true",
        "AES256",
        "aws:kms",
        "aws:kms:dsse",
        "*",
    ]
)
GARBAGE = st.one_of(
    _DIGITS,
    _ODD,
    st.text(max_size=40),
    st.text(st.characters(codec="latin-1"), max_size=20),
    st.binary(max_size=48).map(lambda b: base64.b64encode(b).decode()),
    st.builds(lambda v, n: v * n, st.sampled_from(["A", "\u00e9", "="]), st.integers(1000, 9000)),
    st.lists(_ODD, min_size=2, max_size=3).map(", ".join),  # a header sent twice, joined
)

SSE_HEADERS = (
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-server-side-encryption-context",
    "x-amz-server-side-encryption-bucket-key-enabled",
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5",
    "x-amz-copy-source-server-side-encryption-customer-algorithm",
    "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key-md5",
)
OTHER_HEADERS = (
    "range",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "if-unmodified-since",
    "x-amz-copy-source",
    "x-amz-copy-source-range",
    "x-amz-copy-source-if-match",
    "x-amz-copy-source-if-modified-since",
    "x-amz-metadata-directive",
    "x-amz-checksum-crc32",
    "x-amz-checksum-sha256",
    "x-amz-sdk-checksum-algorithm",
    "x-amz-checksum-algorithm",
    "x-amz-trailer",
    "content-md5",
    "content-type",
    "x-amz-decoded-content-length",
    "x-amz-storage-class",
    "x-amz-meta-a",
    "expires",
)
_CONTEXT = st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3).map(
    lambda d: base64.b64encode(json.dumps(d).encode()).decode()
)
_NESTED = st.integers(1, 3000).map(lambda n: base64.b64encode(b"[" * n + b"]" * n).decode())
_RANGES = st.one_of(
    st.builds("bytes={}-{}".format, _DIGITS | st.just(""), _DIGITS | st.just("")),
    st.sampled_from(["bytes=0-1,3-4", "bytes=--", "bytes=\u00b2-", "items=0-1", "bytes=-0"]),
)
_SPECIAL = {
    "x-amz-server-side-encryption-context": st.one_of(GARBAGE, _CONTEXT, _NESTED),
    "range": st.one_of(GARBAGE, _RANGES),
    "x-amz-copy-source-range": st.one_of(GARBAGE, _RANGES),
    "x-amz-copy-source": st.one_of(
        GARBAGE, st.builds("{}/{}".format, st.sampled_from([BUCKET, "nope"]), st.sampled_from(KEYS))
    ),
    "if-modified-since": st.one_of(
        GARBAGE, st.just("Mon, 01 Jan 99999999999999999999 00:00:00 GMT")
    ),
}


def _value(name: str) -> st.SearchStrategy[str]:
    return _SPECIAL.get(name, GARBAGE)


HEADERS = st.lists(st.sampled_from(SSE_HEADERS + OTHER_HEADERS), max_size=6, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({n: _value(n) for n in names})
)

QUERY_NAMES = (
    "uploads",
    "uploadId",
    "partNumber",
    "list-type",
    "max-keys",
    "max-parts",
    "part-number-marker",
    "max-uploads",
    "encoding-type",
    "continuation-token",
    "start-after",
    "prefix",
    "delimiter",
    "marker",
    "delete",
    "encryption",
    "versionId",
    "location",
    "tagging",
)
QUERY = st.dictionaries(
    st.sampled_from(QUERY_NAMES), st.one_of(GARBAGE, st.sampled_from(["", "2", "url"])), max_size=4
)
PRESIGNED_NAMES = (
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "Expires",
    "Signature",
    "AWSAccessKeyId",
)
_V4 = {
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": "AKID/20260101/us-east-1/s3/aws4_request",
    "X-Amz-Date": "20260101T000000Z",
    "X-Amz-Expires": "300",
    "X-Amz-SignedHeaders": "host",
    "X-Amz-Signature": "0" * 64,
}
PRESIGNED = st.one_of(
    st.dictionaries(st.sampled_from(PRESIGNED_NAMES), GARBAGE, max_size=3),
    st.builds(
        lambda name, value: {**_V4, name: value},
        st.sampled_from(list(_V4)),
        st.one_of(GARBAGE, st.sampled_from(["99991231T235959Z", "00010101T000000Z"])),
    ),
)
KEY_NAMES = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(KEYS),
    st.sampled_from(KEYS),
    st.text(min_size=1, max_size=30),
    st.integers(1000, 1100).map(lambda n: "k" * n),
)


def _xml(tag: str) -> st.SearchStrategy[bytes]:
    inner = st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>",
                    "<Part><PartNumber>\u00b2</PartNumber><ETag>x</ETag></Part>",
                    "<Part><PartNumber>" + "1" * 5000 + "</PartNumber><ETag>x</ETag></Part>",
                    "<Object><Key>sse-s3</Key></Object>",
                    "<Object><Key>nope</Key></Object>",
                    "<Object/>",  # after a valid one: refused before anything is deleted
                    "<Object><VersionId>x</VersionId></Object>",
                    "<Quiet>true</Quiet>",
                    "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
                    "</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>",
                    "<LocationConstraint>eu-west-1</LocationConstraint>",
                    "<unclosed>",
                    "&undefined;",
                ]
            ),
            st.text(max_size=20),
        ),
        max_size=4,
    )
    return inner.map(lambda parts: f"<{tag}>{''.join(parts)}</{tag}>".encode())


_DTD = st.sampled_from(
    [
        '<!DOCTYPE d [<!ENTITY k "sse-s3">]><Delete><Object><Key>&k;</Key></Object></Delete>',
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><Delete/>',
    ]
)
XML = st.one_of(
    st.sampled_from(
        [
            "CompleteMultipartUpload",
            "Delete",
            "ServerSideEncryptionConfiguration",
            "CreateBucketConfiguration",
        ]
    ).flatmap(_xml),
    st.binary(max_size=64),
    # Documents in other encodings than UTF-8, DTDs included (a UTF-16 DTD once got past the parser).
    st.tuples(
        _DTD | st.sampled_from(["<Delete><Object><Key>sse-s3</Key></Object></Delete>"]),
        st.sampled_from(["utf-16", "utf-16-le", "utf-8"]),
    ).map(lambda pair: pair[0].encode(pair[1])),
)


_OBJECT = st.sampled_from(KEYS).map("<Object><Key>{}</Key></Object>".format)
_DELETE_OBJECTS = st.lists(
    _OBJECT
    | _OBJECT
    | _OBJECT
    | st.sampled_from(["<Object/>", "<Object><Key></Key></Object>", "<Quiet>true</Quiet>", "<x/>"]),
    min_size=1,
    max_size=4,
).map(lambda parts: f"<Delete>{''.join(parts)}</Delete>".encode())
_COMPLETE_PARTS = st.lists(
    st.builds(
        "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>".format,
        _DIGITS | st.just("1"),
        st.sampled_from(["x", '"83878c91171338902e0fe0fb97a8c47a"']),
    ),
    max_size=3,
).map(lambda parts: f"<CompleteMultipartUpload>{''.join(parts)}</CompleteMultipartUpload>".encode())


@st.composite
def _aimed(draw: st.DrawFn, upload: str) -> tuple[str, str, str, bytes]:
    """Method, path, query and body of a well-formed request for an operation that changes the
    store (its headers are still fuzzed): DeleteObjects, Complete, UploadPart(Copy), CopyObject,
    PutBucketEncryption, DeleteObject, PutObject."""
    from urllib.parse import urlencode  # noqa: PLC0415

    target = draw(st.sampled_from(["delete", "complete", "part", "copy", "encryption", "one"]))
    key = draw(st.sampled_from(KEYS))
    if target == "delete":
        return "POST", f"/{BUCKET}", "delete=", draw(_DELETE_OBJECTS)
    if target == "complete":
        return "POST", f"/{BUCKET}/mp", f"uploadId={upload}", draw(_COMPLETE_PARTS)
    if target == "part":
        number = draw(st.sampled_from(["1", "2"]) | GARBAGE)
        query = urlencode({"partNumber": number, "uploadId": upload})
        return "PUT", f"/{BUCKET}/mp", query, draw(st.binary(max_size=16))
    if target == "copy":
        return "COPY", f"/{BUCKET}/{key}", "", b""  # PUT with an x-amz-copy-source
    if target == "encryption":
        return "PUT", f"/{BUCKET}", "encryption=", draw(_xml("ServerSideEncryptionConfiguration"))
    return draw(st.sampled_from(["DELETE", "PUT"])), f"/{BUCKET}/{key}", "", b""


def _frame(payload: bytes, size_line: bytes) -> bytes:
    return size_line + b"\r\n" + payload + b"\r\n"


CHUNKED = st.builds(
    lambda payload, size_line, end, trailer: (
        _frame(payload, size_line) + end + trailer + b"\r\n\r\n"
    ),
    st.binary(max_size=20),
    st.one_of(
        st.sampled_from([b"5", b"0", b"zz", b"-1", b"1" * 40, b"\xb2", b"3;chunk-signature=abc"]),
        st.binary(max_size=6).filter(lambda b: b"\r\n" not in b),
    ),
    st.sampled_from([b"0\r\n", b"", b"0;chunk-signature=x\r\n", b"\r\n"]),
    st.sampled_from(
        [
            b"",
            b"x-amz-checksum-crc32:AAAAAA==",
            b"x-amz-checksum-crc32:",
            b"bad",
            b"x-amz-checksum-crc32:\xff\xfe",  # not UTF-8
            b"\xc3\x28:AAAAAA==",
        ]
    ),
)


S3Request = tuple[str, str, str, dict[str, str], bytes, str, str]


@st.composite
def s3_requests(draw: st.DrawFn, upload: str) -> S3Request:
    method = draw(
        st.sampled_from(["GET"] * 4 + ["HEAD", "POST", "DELETE"] + ["PUT"] * 4 + ["PATCH", "get"])
    )
    bucket = draw(st.sampled_from([BUCKET] * 8 + ["nobucket", "Bad_Name"]))
    path = draw(
        st.one_of(
            st.just(f"/{bucket}"),
            st.just("/"),
            KEY_NAMES.map(lambda k: f"/{bucket}/{k}"),
        )
    )
    params = draw(QUERY)
    if draw(st.integers(0, 9)) == 0:
        params.update(draw(PRESIGNED))
    if "uploadId" in params and draw(st.booleans()):
        params["uploadId"] = upload
    from urllib.parse import urlencode  # noqa: PLC0415

    query = urlencode(params)
    headers = draw(HEADERS)
    body = b""
    if draw(st.integers(0, 2)) == 0:  # a third aim at an operation that changes the store
        method, path, query, body = draw(_aimed(upload))
        bucket = BUCKET
        if body:
            headers["content-md5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
        if method == "COPY":
            method = "PUT"
            headers["x-amz-copy-source"] = draw(
                st.sampled_from(KEYS).map(f"{BUCKET}/{{}}".format) | _value("x-amz-copy-source")
            )
        kind = "aimed"
    else:
        kind = draw(st.sampled_from(["none", "xml", "chunked", "bytes"]))
    if kind == "xml":
        body = draw(XML)
        if draw(st.booleans()):  # DeleteObjects and PutBucketEncryption read no body without it
            headers["content-md5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    elif kind == "chunked":
        body = draw(CHUNKED)
        if draw(st.booleans()):
            headers["content-encoding"] = "aws-chunked"
        else:  # signed frames announced by the payload hash alone (a presigned PUT)
            headers["x-amz-content-sha256"] = draw(
                st.sampled_from(
                    [
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                    ]
                )
            )
        headers.setdefault("x-amz-decoded-content-length", draw(_DIGITS | st.just("5")))
    elif kind == "bytes":
        body = draw(st.binary(max_size=64))
    scheme = draw(st.sampled_from(["https"] * 4 + ["http"]))  # SSE-KMS and SSE-C need TLS
    host = S3_HOST
    if path.startswith(f"/{bucket}") and draw(st.booleans()):  # virtual-hosted style
        host, path = f"{bucket.lower()}.{S3_HOST}", path[len(bucket) + 1 :] or "/"
    return method, path, query, headers, body, scheme, host


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8), children, max_size=3
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    _containers,
    max_leaves=10,
)
KMS_MEMBERS = (
    "KeyId",
    "Plaintext",
    "CiphertextBlob",
    "EncryptionContext",
    "GrantTokens",
    "KeySpec",
    "NumberOfBytes",
    "Limit",
    "Marker",
    "AliasName",
    "TargetKeyId",
    "Description",
    "PendingWindowInDays",
    "RotationPeriodInDays",
    "Tags",
    "KeyUsage",
    "Policy",
    "Message",
    "MessageType",
    "SigningAlgorithm",
    "Signature",
    "MacAlgorithm",
    "Mac",
    "KeyPairSpec",
    "PublicKey",
    "WrappingAlgorithm",
    "WrappingKeySpec",
    "ImportToken",
    "EncryptedKeyMaterial",
    "ValidTo",
    "ExpirationModel",
    "ReplicaRegion",
    "PrimaryRegion",
)


@st.composite
def kms_requests(draw: st.DrawFn, key: str) -> tuple[str, bytes]:
    operation = draw(
        st.sampled_from(
            [
                "CreateKey",
                "DescribeKey",
                "ListKeys",
                "ListAliases",
                "Encrypt",
                "Decrypt",
                "GenerateDataKey",
                "ReEncrypt",
                "DisableKey",
                "ScheduleKeyDeletion",
                "CreateAlias",
                "TagResource",
                "EnableKeyRotation",
                "GenerateRandom",
                "Sign",
                "Verify",
                "GenerateMac",
                "GetPublicKey",
                "GenerateDataKeyPair",
                "DeriveSharedSecret",
                "GetParametersForImport",
                "ImportKeyMaterial",
                "DeleteImportedKeyMaterial",
                "ReplicateKey",
                "UpdatePrimaryRegion",
                "Nope",
            ]
        )
    )
    members = draw(st.lists(st.sampled_from(KMS_MEMBERS), max_size=4, unique=True))
    document: dict[str, Any] = {
        m: draw(st.one_of(JSON, GARBAGE, st.sampled_from([key, "alias/fuzz"]))) for m in members
    }
    body = draw(
        st.one_of(
            st.just(json.dumps(document).encode()),
            st.binary(max_size=40),
            st.integers(1, 100_000).map(lambda n: b'{"KeyId": ' + b"[" * n + b"]" * n + b"}"),
            st.sampled_from([b"", b"[]", b'"x"', b'{"Limit": 1e999}', b'{"KeyId": "\\ud800"}']),
        )
    )
    return operation, body


def _check(before: Any, engine: Engine, status: int, what: object) -> None:
    assert status < 500 or status == 501, what
    if status >= 300:
        assert snapshot(engine) == before, ("a refused request changed the store", what)


def test_no_s3_request_crashes_the_engine_or_changes_state_when_refused():
    upload = _seed()[2]  # the same ids every time: the engine's random source is seeded

    @FUZZ
    @given(s3_requests(upload))
    def run(request: S3Request) -> None:
        engine, _, seeded_upload = _seed()  # every example meets the whole seeded state
        assert seeded_upload == upload
        method, path, query, headers, body, scheme, host = request
        before = snapshot(engine)
        response = s3_request(engine, method, path, query, headers, body, scheme=scheme, host=host)
        _check(before, engine, response.status, request)

    run()


def test_no_kms_request_crashes_the_engine_or_changes_state_when_refused():
    key = _seed()[1]

    @FUZZ
    @given(kms_requests(key))
    def run(request: tuple[str, bytes]) -> None:
        engine = _seed()[0]
        operation, body = request
        before = snapshot(engine)
        response = kms_request(engine, operation, body)
        _check(before, engine, response.status, request)

    run()

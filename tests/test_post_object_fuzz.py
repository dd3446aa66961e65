"""Fuzzing POST form uploads: whatever form arrives, the engine answers like S3 and keeps what it stores.

Raw forms (built here, sent through the adapters' own ``build_request`` and ``wire.dispatch``, which
labels any engine bug InternalEngineError) go to one engine holding a bucket that accepts SSE-C and a
customer managed KMS key. Each form has fields drawn from the ones S3 reads (the key, the signature
fields, the SSE and header fields, ``success_action_*``, ``tagging``) and random ones, in any order,
with or without a file, with a policy that is valid JSON of drawn conditions, garbage, or absent,
over a body that may be cut short or carry a stray boundary. For each:

- no exception comes out of the engine;
- no 5xx but 501 NotImplemented;
- a refused form (status 300 and up, but 303 redirects) leaves the store and KMS exactly as they were.

Bounded as ``tests/test_fuzz_wire.py`` is: ``S3SSE_FUZZ=ci`` (default, derandomized, a few seconds)
or ``long``.
"""

from __future__ import annotations

import base64
import json
import os
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, event, given, settings
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
    "ci": settings(max_examples=300, derandomize=True, **_COMMON),
    "long": settings(max_examples=5000, **_COMMON),
}
FUZZ = PROFILES[os.environ.get("S3SSE_FUZZ", "ci")]
BUCKET = "bkt"
BOUNDARY = "fuzzb0undary"
NOW = datetime.now(timezone.utc)


def _engine() -> tuple[Engine, str]:
    engine = Engine(EngineOptions(seed=7))
    key = json.loads(kms_request(engine, "CreateKey", {}).content())["KeyMetadata"]["KeyId"]
    assert s3_request(engine, "PUT", f"/{BUCKET}").status == 200
    return engine, key


ENGINE, KMS_KEY = _engine()

NAMES = st.sampled_from(
    [
        "key", "Key", "policy", "Policy", "x-amz-algorithm", "X-Amz-Credential", "x-amz-date",
        "x-amz-signature", "AWSAccessKeyId", "signature", "x-amz-security-token",
        "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-context", "x-amz-server-side-encryption-bucket-key-enabled",
        "x-amz-server-side-encryption-customer-algorithm",
        "x-amz-server-side-encryption-customer-key",
        "x-amz-server-side-encryption-customer-key-MD5", "Content-Type", "x-amz-meta-a",
        "x-amz-storage-class", "x-amz-checksum-sha256", "acl", "tagging",
        "success_action_status", "success_action_redirect", "x-ignore-x", "bucket",
    ]
) | st.text(max_size=12)  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(
        [
            "AES256", "aws:kms", "aws:kms:dsse", "true", "201", "200", "http://example.test/r",
            "AWS4-HMAC-SHA256", "AKIDTEST/20260101/us-east-1/s3/aws4_request", "private",
            "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
            "uploads/${filename}", base64.b64encode(bytes(32)).decode(), "",
        ]
    ),
    st.just(KMS_KEY),
    st.text(max_size=40),
)  # fmt: skip
CONDITION = st.one_of(
    st.dictionaries(NAMES, VALUES, min_size=0, max_size=2),
    st.tuples(st.sampled_from(["eq", "starts-with", "in"]), NAMES.map("${}".format), VALUES).map(
        list
    ),
    st.tuples(
        st.just("content-length-range"),
        st.integers(-1, 20) | st.text(max_size=3),
        st.integers(-1, 20) | st.text(max_size=3),
    ).map(list),
    st.integers(),
)
EXPIRATION = st.sampled_from(
    [
        (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "tomorrow",
    ]
)


@st.composite
def policies(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["json", "json", "garbage", "not-an-object"]))
    if kind == "garbage":
        return draw(st.text(max_size=30))
    if kind == "not-an-object":
        return base64.b64encode(b"[1, 2]").decode()
    document: dict[str, Any] = {"conditions": draw(st.lists(CONDITION, max_size=5))}
    if draw(st.integers(0, 5)):
        document["expiration"] = draw(EXPIRATION)
    return base64.b64encode(json.dumps(document).encode()).decode()


SIGNED = [
    ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
    ("x-amz-credential", "AKIDTEST/20260101/us-east-1/s3/aws4_request"),
    ("x-amz-date", "20260101T000000Z"),
    ("x-amz-signature", "0" * 64),
]


def _covering_policy(fields: list[tuple[str, str]], size_range: list[Any] | None) -> str:
    """A policy S3 would accept for ``fields`` (every field named, the expiration ahead)."""
    conditions: list[Any] = [{name: value} for name, value in fields]
    if size_range is not None:
        conditions.append(["content-length-range", *size_range])
    expiration = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {"expiration": expiration, "conditions": conditions}
    return base64.b64encode(json.dumps(document).encode()).decode()


@st.composite
def forms(draw: st.DrawFn) -> tuple[bytes, str]:
    fields = draw(st.lists(st.tuples(NAMES, VALUES), max_size=10))
    accepted = draw(st.booleans())
    if accepted:  # a form S3 would accept but for what its fields ask
        fields = [(n, v) for n, v in fields[:3] if n.lower() not in ("policy", "key", "file")]
        fields = [("key", draw(VALUES) or "k"), *fields, *SIGNED[:3]]
        size_range = draw(st.none() | st.just([0, 100]) | st.just([30, 40]))
        fields.append(("policy", _covering_policy(fields, size_range)))
        fields.append(SIGNED[3])
    else:
        if draw(st.booleans()):
            fields.append(("policy", draw(policies())))
        if draw(st.integers(0, 3)):
            fields.insert(draw(st.integers(0, len(fields))), ("key", draw(VALUES) or "k"))
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode(
            "utf-8", "surrogateescape"
        )
        for name, value in fields
    ]
    if draw(st.integers(0, 4)):  # most forms have a file, somewhere
        file = draw(st.binary(max_size=24))
        filename = draw(st.sampled_from(["", '; filename="a.txt"', '; filename="é/..\\\\x"']))
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"{filename}\r\n\r\n'
        at = len(parts) if accepted else draw(st.integers(0, len(parts)))
        parts.insert(at, head.encode() + file + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    cut = draw(st.sampled_from(["whole"] * 6 + ["cut", "noise"]))
    if cut == "cut":
        body = body[: draw(st.integers(0, len(body)))]
    elif cut == "noise":
        body = draw(st.binary(max_size=40)) + body
    content_type = draw(
        st.sampled_from(
            [f"multipart/form-data; boundary={BOUNDARY}"] * 6
            + ["multipart/form-data", f'Multipart/Form-Data; boundary="{BOUNDARY}"']
        )
    )
    return body, content_type


def _code(response: Any) -> str:
    found = re.search(rb"<Code>(.*?)</Code>", response.content())
    return found.group(1).decode() if found else ""


@FUZZ
@given(form=forms(), scheme=st.sampled_from(["https", "https", "http"]), virtual=st.booleans())
def test_any_form_is_answered_like_s3_and_a_refusal_changes_nothing(form, scheme, virtual):
    body, content_type = form
    before = snapshot(ENGINE)
    host, path = (f"{BUCKET}.{S3_HOST}", "/") if virtual else (S3_HOST, f"/{BUCKET}")
    response = s3_request(
        ENGINE,
        "POST",
        path,
        headers={"content-type": content_type},
        body=body,
        signed=False,
        scheme=scheme,
        host=host,
    )
    event(f"{response.status} {_code(response)}")
    assert response.status < 500 or response.status == 501, response.content()
    if response.status >= 300 and response.status != 303:
        assert snapshot(ENGINE) == before

"""The customer key is never kept: not raw, not base64, not hex, and not its MD5.

S3 keeps "a randomly salted HMAC value of the encryption key" and discards the key (P, user guide
"Using server-side encryption with customer-provided keys (SSE-C)"). These tests drive every SSE-C
operation, then walk the whole engine (every object reachable from ``s3sse.engine`` by attributes,
slots and containers) and the test API's views, looking for any form of the keys, in values and in
``repr()``. Keys are random per test, so no constant in the code can match by accident.
"""

from __future__ import annotations

import base64
import hashlib
import os
import types
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sse_c_support import copy_source_sse_c, sse_c

from pytest_s3sse._internal.sse.customer import CustomerKey
from pytest_s3sse._internal.sse.rules import SseHeaders

MIB = 1024 * 1024
_OPAQUE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)
_ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None))


def key_forms(key: bytes) -> list[bytes | str]:
    """Every way a key (or its MD5) could be written down."""
    md5 = hashlib.md5(key).digest()
    forms: list[bytes | str] = []
    for value in (key, md5):
        encoded = base64.b64encode(value)
        forms += [value, encoded, encoded.decode(), value.hex(), value.hex().upper()]
        forms += [value.hex().encode(), base64.urlsafe_b64encode(value).decode()]
    return forms


def reachable(root: object) -> Iterator[object]:
    """Objects reachable from ``root`` through instance state (not classes, modules or code)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _OPAQUE):
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, _ATOMS):
            continue
        if isinstance(obj, (dict, types.MappingProxyType)):
            stack.extend(obj.keys())
            stack.extend(obj.values())
            continue
        if isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
            continue
        stack.extend(vars(obj).values() if hasattr(obj, "__dict__") else ())
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if hasattr(obj, slot):
                    stack.append(getattr(obj, slot))


def leaks(root: object, keys: list[bytes]) -> list[str]:
    """Where a form of ``keys`` appears in a value or a repr under ``root``."""
    forms = [f for k in keys for f in key_forms(k)]
    found = []
    for obj in reachable(root):
        if isinstance(obj, (bytes, bytearray)):
            texts: list[Any] = [bytes(obj)]
        elif isinstance(obj, str):
            texts = [obj]
        else:
            texts = [repr(obj)] if type(obj).__module__.startswith("pytest_s3sse") else []
        for text in texts:
            for form in forms:
                if type(form) is type(text) and form in text:
                    found.append(f"{type(obj).__name__}: {str(text)[:80]!r}")
    return found


@pytest.fixture
def keys():
    return [os.urandom(32), os.urandom(32)]


def test_no_form_of_a_customer_key_survives_anywhere_in_the_engine(s3, s3sse, ssec_bucket, keys):
    first, second = keys
    s3.put_object(Bucket=ssec_bucket, Key="a", Body=b"alpha", **sse_c(first))
    s3.head_object(Bucket=ssec_bucket, Key="a", **sse_c(first))
    s3.get_object(Bucket=ssec_bucket, Key="a", Range="bytes=1-2", **sse_c(first))["Body"].read()
    s3.copy_object(
        Bucket=ssec_bucket, Key="b", CopySource=f"{ssec_bucket}/a",
        **copy_source_sse_c(first), **sse_c(second),
    )  # fmt: skip
    for wrong in (second, first):  # refused reads and copies
        with pytest.raises(ClientError):
            s3.get_object(Bucket=ssec_bucket, Key="b" if wrong is first else "a", **sse_c(wrong))
    done = s3.create_multipart_upload(Bucket=ssec_bucket, Key="c", **sse_c(first))["UploadId"]
    etag = s3.upload_part(
        Bucket=ssec_bucket, Key="c", UploadId=done, PartNumber=1, Body=b"x" * 10, **sse_c(first)
    )["ETag"]
    s3.complete_multipart_upload(
        Bucket=ssec_bucket, Key="c", UploadId=done,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}, **sse_c(first),
    )  # fmt: skip
    pending = s3.create_multipart_upload(Bucket=ssec_bucket, Key="d", **sse_c(second))["UploadId"]
    s3.upload_part_copy(
        Bucket=ssec_bucket, Key="d", UploadId=pending, PartNumber=1,
        CopySource=f"{ssec_bucket}/a", **copy_source_sse_c(first), **sse_c(second),
    )  # fmt: skip

    assert leaks(s3sse, keys) == []
    views = [s3sse.stored(ssec_bucket, k) for k in "abc"]
    assert leaks(views, keys) == []
    assert all(leaks(repr(v), keys) == [] for v in views)


def test_the_walk_finds_a_key_kept_deep_in_the_store(s3, s3sse, ssec_bucket, keys):
    """The detector itself: a key an application stores in user metadata is found, down in the
    bucket's object versions and their attributes."""
    first, second = keys
    s3.put_object(Bucket=ssec_bucket, Key="k", Body=b"x", Metadata={"note": first.hex()})
    assert leaks(s3sse, [first])
    md5 = base64.b64encode(hashlib.md5(second).digest()).decode()
    s3.put_object(Bucket=ssec_bucket, Key="k", Body=b"x", Metadata={"md5": md5})
    assert leaks(s3sse, [second])


def test_request_values_holding_a_key_hide_it_in_their_repr(keys):
    first, _ = keys
    encoded = base64.b64encode(first).decode()
    md5 = base64.b64encode(hashlib.md5(first).digest()).decode()
    headers = SseHeaders(customer_algorithm="AES256", customer_key=encoded, customer_key_md5=md5)
    assert leaks(repr(headers), [first]) == []
    assert leaks(repr(CustomerKey(first)), [first]) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"SSECustomerAlgorithm": "KMS"},  # C2
        {"SSECustomerAlgorithm": None},  # C3
        {"SSECustomerKeyMD5": base64.b64encode(b"0" * 16).decode()},  # C6
    ],
    ids=["C2", "C3", "C6"],
)
def test_error_answers_never_quote_the_key(s3, ssec_bucket, keys, kwargs):
    first, _ = keys
    args = {**sse_c(first), **kwargs}
    args = {k: v for k, v in args.items() if v is not None}
    if "SSECustomerKeyMD5" in args:
        args["SSECustomerKey"] = base64.b64encode(first).decode()
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=ssec_bucket, Key="k", Body=b"x", **args)
    assert leaks(str(info.value.response), [first]) == []
    assert leaks(str(info.value), [first]) == []

"""Raw requests straight to the engine, and a snapshot of everything it stores.

Shared by ``tests/test_hostile_input.py`` and ``tests/test_fuzz_wire.py``: hostile values that no SDK
would send (``boto3`` validates or encodes them away) are put on the wire as an ``HttpRequest`` and
handed to the engine the way every adapter does, through ``wire.dispatch.dispatch``, which turns an
engine bug into InternalEngineError.
"""

from __future__ import annotations

import io
import json
from typing import Any

from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.wire.dispatch import dispatch
from pytest_s3sse._internal.wire.httpmodel import build_request

S3_AUTH = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/s3/aws4_request"
KMS_AUTH = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/kms/aws4_request"
S3_HOST = "s3.us-east-1.amazonaws.com"
KMS_HOST = "kms.us-east-1.amazonaws.com"


def s3_request(
    engine: Engine,
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    *,
    signed: bool = True,
    scheme: str = "https",
    host: str = S3_HOST,
) -> HttpResponse:
    """An S3 request (path style unless ``host`` names the bucket; signed in the header unless
    ``signed`` is False), built by the adapters' own ``build_request``, answered."""
    sent = {"authorization": S3_AUTH} if signed else {}
    sent["content-length"] = str(len(body))
    sent.update(headers or {})
    url = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    request = build_request(method, url, sent, io.BytesIO(body), body)
    response = dispatch(engine, request)
    assert response is not None
    response.content()
    return response


def kms_request(engine: Engine, operation: str, body: bytes | dict[str, Any]) -> HttpResponse:
    """A signed KMS request (``X-Amz-Target: TrentService.<operation>``), answered."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    headers = {
        "authorization": KMS_AUTH,
        "x-amz-target": f"TrentService.{operation}",
        "content-type": "application/x-amz-json-1.1",
    }
    request = HttpRequest("POST", "https", KMS_HOST, "/", "", headers, io.BytesIO(raw))
    response = dispatch(engine, request)
    assert response is not None
    response.content()
    return response


def error_code(response: HttpResponse) -> str:
    """The error code of an S3 XML or a KMS JSON error response."""
    body = response.content()
    if body.startswith(b"{"):
        return str(json.loads(body)["__type"])
    start = body.index(b"<Code>") + len(b"<Code>")
    return body[start : body.index(b"</Code>")].decode()


def snapshot(engine: Engine) -> Any:
    """Everything a request could change, as comparable values: buckets (default encryption),
    objects (every version, whole: metadata, envelope, ciphertext), uploads and their parts, KMS keys and aliases."""
    s3_state = {}
    for bucket in engine.store.buckets():
        with engine.store._lock:
            # StoredObject and UploadedPart are frozen: equal means same metadata and ciphertext.
            objects = {k: list(v) for k, v in bucket.objects.items()}
            uploads = {u: (up.key, dict(up.parts)) for u, up in bucket.uploads.items()}
        s3_state[bucket.name] = (bucket.default_encryption, objects, uploads)
    kms_state = {}
    for where, keys in engine.kms.store._regions.items():
        kms_state[where] = (
            {
                k.key_id: (
                    k.state,
                    k.description,
                    dict(k.tags),
                    len(k.materials),
                    k.rotation_enabled,
                    k.deletion_date,
                )
                for k in keys.keys.values()
            },
            {name: alias.target_key_id for name, alias in keys.aliases.items()},
        )
    return s3_state, kms_state

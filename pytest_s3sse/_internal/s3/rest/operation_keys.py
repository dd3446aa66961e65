"""Protocol edge: the S3 condition keys an operation carries, read from its request on first use.

The gate hands :class:`OperationKeys` to the decision point with every request; it reads nothing until a
policy's condition asks for a key, so a request that no policy conditions pays for one small object.
Values (shared/reference/policy-behaviour.md 3.2; P: Service Authorization Reference, "Condition keys
for Amazon S3", and the S3 user guide's policy key pages):

- ``s3:x-amz-server-side-encryption`` (K11): the request header, verbatim, on PutObject, CopyObject (the
  target) and CreateMultipartUpload; absent when not sent: the bucket's default encryption does not
  fill it (A: trussworks/terraform-aws-ou-scp#24), and UploadPart/CompleteMultipartUpload carry none.
- ``s3:x-amz-server-side-encryption-aws-kms-key-id`` (K13): on the same operations, only when the
  header is sent; its value is the key's ARN (a bare id in the bucket owner's account and region, an
  alias resolved to its key: :meth:`~pytest_s3sse._internal.sse.plan.SsePlanner.policy_key_arn`; U).
- ``s3:x-amz-server-side-encryption-customer-algorithm`` (K14): the SSE-C algorithm header, same ops.
- ``s3:prefix`` (K15; ``""`` when absent: U), ``s3:max-keys`` and ``s3:delimiter`` (when sent) on
  ListObjects and ListObjectsV2.
- ``s3:ResourceAccount`` (K18): the bucket owner's account, on every operation on a bucket that exists.
- ``s3:TlsVersion`` (K18, numeric): over https only, ``1.3`` (U: the TLS version a current client
  negotiates with S3; the in-process adapters have no handshake to read it from).
- ``s3:x-amz-content-sha256``: the header as sent (P, SAR; "UNSIGNED-PAYLOAD", a hex digest, or a
  streaming marker).
- ``s3:ExistingObjectTag/<key>`` (K16): the current object's tag value, on the operations whose
  action the catalogue lists with the key (GetObject, Put/Get/DeleteObjectTagging ...); absent for
  a tag the object lacks or an object that does not exist.
- ``s3:RequestObjectTag/<key>`` and ``s3:RequestObjectTagKeys`` (multivalued): the tags the request
  sets, on the operations whose action the catalogue lists with them: PutObject (its
  ``x-amz-tagging``; CopyObject and CreateMultipartUpload are s3:PutObject too) and
  PutObjectTagging (its document); absent when the request sets none (P, SAR; S3 user guide
  "Tagging and access control policies").
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping

from pytest_s3sse._internal.errors import AwsError
from pytest_s3sse._internal.policy import catalogue
from pytest_s3sse._internal.policy.conditions import RequestValue
from pytest_s3sse._internal.s3.access import action_of
from pytest_s3sse._internal.s3.records import Tags
from pytest_s3sse._internal.s3.rest import tag_wire
from pytest_s3sse._internal.s3.rest.call import Call, Services
from pytest_s3sse._internal.s3.rest.headers import SSE_C_ALGORITHM
from pytest_s3sse._internal.s3.store import Bucket
from pytest_s3sse._internal.s3.tagging import OBJECT_TAG_LIMIT
from pytest_s3sse._internal.sse.rules import KMS_KEY_HEADER, SSE_HEADER

EXPECTED_OWNER = "x-amz-expected-bucket-owner"
TLS_VERSION = "1.3"  # U (module doc)
# Operations whose request writes an object with the encryption its headers ask for (K11, K13, K14;
# a POST form upload's fields are lifted into headers: s3/rest/post_form.py).
WRITES = frozenset({"PutObject", "PostObject", "CopyObject", "CreateMultipartUpload"})
LISTS = frozenset({"ListObjects", "ListObjectsV2"})
CONTENT_SHA256 = "x-amz-content-sha256"
EXISTING_TAG = "s3:existingobjecttag/"
REQUEST_TAG = "s3:requestobjecttag/"


def _request_tags(call: Call) -> Tags:
    """The tags ``call`` sets: PutObjectTagging's document (read here and put back for the
    handler), else the ``x-amz-tagging`` header. A malformed one sets none here; the handler
    refuses it with S3's error."""
    request = call.request
    try:
        if call.operation == "PutObjectTagging":
            body = request.read_body()
            request.body = io.BytesIO(body)
            return tag_wire.document_tags(body, limit=OBJECT_TAG_LIMIT)
        value = request.headers.get(tag_wire.HEADER)
        return tag_wire.header_tags(value) if value is not None else ()
    except AwsError:
        return ()


def tag_keys(
    call: Call, services: Services, bucket: Bucket | None, keys: dict[str, RequestValue]
) -> None:
    """Add the object tag keys (K16) the operation's action supports to ``keys``."""
    info = catalogue.action(action_of(call.operation))
    if info is None:
        return
    supported = info.keys.prefixes
    key = call.target.key
    if EXISTING_TAG in supported and bucket is not None and key is not None:
        current = services.access.store.current(bucket.name, key)
        if current is not None:
            for name, value in current.attributes.tags:
                keys["s3:ExistingObjectTag/" + name] = value
    if REQUEST_TAG in supported:
        tags = _request_tags(call)
        if tags:
            for name, value in tags:
                keys["s3:RequestObjectTag/" + name] = value
            keys["s3:RequestObjectTagKeys"] = tuple(name for name, _ in tags)


def _cheap_keys(call: Call, services: Services) -> dict[str, RequestValue]:
    """The keys read from the request alone (no KMS key resolution, no tag lookup)."""
    return operation_keys(call, services, costly=False)


def operation_keys(
    call: Call, services: Services, *, costly: bool = True
) -> dict[str, RequestValue]:
    """Every S3 condition key ``call`` carries (names as AWS spells them); ``costly=False`` leaves
    out the KMS key id (a key lookup) and the object tags (a store read)."""
    request = call.request
    headers = request.headers
    keys: dict[str, RequestValue] = {}
    name = call.target.bucket
    bucket = services.access.store.find_bucket(name) if name is not None else None
    if bucket is not None:
        keys["s3:ResourceAccount"] = bucket.owner_account
    if call.context.secure:
        keys["s3:TlsVersion"] = TLS_VERSION
    sha256 = headers.get(CONTENT_SHA256)
    if sha256 is not None:
        keys["s3:" + CONTENT_SHA256] = sha256
    operation = call.operation
    if operation in WRITES:
        algorithm = headers.get(SSE_HEADER)
        if algorithm is not None:
            keys["s3:" + SSE_HEADER] = algorithm
        key_id = headers.get(KMS_KEY_HEADER) if costly else None
        if key_id is not None:
            resolved = (
                key_id if bucket is None else services.objects.sse.policy_key_arn(key_id, bucket)
            )
            keys["s3:" + KMS_KEY_HEADER] = resolved
        customer = headers.get(SSE_C_ALGORITHM)
        if customer is not None:
            keys["s3:" + SSE_C_ALGORITHM] = customer
    elif operation in LISTS:
        params = request.params
        keys["s3:prefix"] = params.get("prefix", "")
        for param in ("max-keys", "delimiter"):
            value = params.get(param)
            if value is not None:
                keys["s3:" + param] = value
    if costly:
        tag_keys(call, services, bucket, keys)
    return keys


_KMS_KEY = "s3:" + KMS_KEY_HEADER
_TAG_KEYS = "s3:requestobjecttagkeys"


class OperationKeys(Mapping[str, RequestValue]):
    """:func:`operation_keys` of one request, worked out when read: :meth:`lookup` builds the cheap
    keys (headers and parameters) once, and pays for the KMS key id's resolution or the tag lookup
    only when a condition reads those keys."""

    __slots__ = ("_call", "_cheap", "_keys", "_services", "_tags")

    def __init__(self, call: Call, services: Services) -> None:
        self._call = call
        self._services = services
        self._keys: dict[str, RequestValue] | None = None
        self._cheap: dict[str, RequestValue] | None = None
        self._tags: dict[str, RequestValue] | None = None

    def _built(self) -> dict[str, RequestValue]:
        keys = self._keys
        if keys is None:
            keys = self._keys = operation_keys(self._call, self._services)
        return keys

    def lookup(self, lname: str) -> RequestValue | None:
        """The value of the lower-cased key ``lname``, or None."""
        if lname in (_KMS_KEY, _TAG_KEYS) or lname.startswith((EXISTING_TAG, REQUEST_TAG)):
            if lname == _KMS_KEY:
                return self._built().get("s3:" + KMS_KEY_HEADER)
            tags = self._tags
            if tags is None:
                found: dict[str, RequestValue] = {}
                name = self._call.target.bucket
                store = self._services.access.store
                bucket = store.find_bucket(name) if name is not None else None
                tag_keys(self._call, self._services, bucket, found)
                tags = self._tags = {k.lower(): v for k, v in found.items()}
            return tags.get(lname)
        cheap = self._cheap
        if cheap is None:
            cheap = self._cheap = {
                k.lower(): v for k, v in _cheap_keys(self._call, self._services).items()
            }
        return cheap.get(lname)

    def __getitem__(self, name: str) -> RequestValue:
        return self._built()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())

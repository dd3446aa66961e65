"""Protocol edge: a POST form upload (S3's PostObject, "browser-based uploads using POST"), read from
its ``multipart/form-data`` body and lifted onto the request every later step reads.

A form upload carries in form fields what every other write carries in headers and in the
``Authorization`` header: the key, the POST policy and its signature, and the object's headers
(``Content-Type``, ``x-amz-meta-*``, ``x-amz-server-side-encryption*`` ...). :func:`read` parses the
form once and builds the request the rest of the edge sees: the form's object fields as headers
(``acl`` as ``x-amz-acl``, the XML ``tagging`` field as ``x-amz-tagging``), the file as the body, the
key (``${filename}`` replaced by the file's name) in the path, and the signature fields as the
request's :class:`~pytest_s3sse._internal.http.FormAuth`. Identification, the signature check
(``verify_signatures``), the gate, the condition keys, the SSE rules and the trail then treat it as
they treat a PutObject: the SSE form fields are validated exactly as the PutObject headers are.

Rules (P: API reference "POST Object" (RESTObjectPOST) and "Browser-based uploads using POST"):
field names are case-insensitive; the file must be the last field and fields after it are ignored;
real request headers other than ``Host`` and ``User-Agent`` are not the object's (only the form says
what is stored, so a header cannot slip past the policy).

The body is parsed with ``multipart`` (defnull/multipart, the pure-Python parser PEP 594 names as the
replacement of the removed ``cgi`` module; imported only when a form arrives): a streaming parser that
keeps the parts' order, which the "file last" rule needs, and refuses malformed bodies.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import quote, urlencode

from pytest_s3sse._internal.errors import AwsError
from pytest_s3sse._internal.errors.s3 import (
    AccessDenied,
    InvalidArgument,
    MalformedPOSTRequest,
    MalformedXML,
    MaxPostPreDataLengthExceeded,
)
from pytest_s3sse._internal.http import FormAuth, HttpRequest, redacted
from pytest_s3sse._internal.s3.rest import xmlio
from pytest_s3sse._internal.s3.rest.tag_wire import tag_list
from pytest_s3sse._internal.s3.tagging import OBJECT_TAG_LIMIT
from pytest_s3sse._internal.sigv4 import SIGV2, SIGV4

FORM_TYPE = "multipart/form-data"
FILE = "file"
# Fields that are the object's standard headers (P: RESTObjectPOST form fields).
HEADER_FIELDS = frozenset(
    {"cache-control", "content-type", "content-disposition", "content-encoding", "expires"}
)
# The signature fields: authentication, never the object's headers.
V4_FIELDS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature")
V2_FIELDS = ("AWSAccessKeyId", "Signature")
_VERSIONS = ((SIGV4, V4_FIELDS), (SIGV2, V2_FIELDS))
_AUTH_FIELDS = frozenset(name.lower() for name in (*V4_FIELDS, *V2_FIELDS))
# Request headers kept on the lifted request (the transport's, not the object's).
_KEPT_HEADERS = ("host", "user-agent")

# A (LocalStack snapshots TestS3PresignedPost test_post_request_missing_signature and
# test_post_request_missing_fields; S ryuzee/SlideHub#213 for 'key'): two spaces after the period.
MSG_MISSING_FIELD = (
    "Bucket POST must contain a field named '{}'.  If it is specified, please check the order of "
    "the fields."
)
# S: AWS's answer quoted in itinance/react-native-fs#992 (ArgumentName file, ArgumentValue 0).
MSG_ONE_FILE = "POST requires exactly one file upload per request."
# U: a malformed X-Amz-Credential field (the presigned-URL wording of the same mistake).
MSG_BAD_CREDENTIAL = (
    "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
    '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
)


@dataclass(frozen=True, slots=True, repr=False)
class PostForm:
    """One POST form upload, read: its fields (lower-cased names, the file's excluded, the values as
    sent), the file, and the request lifted from them (:func:`read`)."""

    fields: Mapping[str, str]
    file: bytes
    filename: str | None
    key: str
    request: HttpRequest

    def __repr__(self) -> str:
        # The SSE-C key fields are redacted, as the request's headers are (http.SECRET_HEADERS).
        return (
            f"PostForm(fields={redacted(dict(self.fields))!r}, file=<{len(self.file)} bytes>, "
            f"filename={self.filename!r}, key={self.key!r}, request={self.request!r})"
        )

    @property
    def policy(self) -> str | None:
        """The base64 POST policy, when the form has one."""
        return self.fields.get("policy")


def is_form_post(request: HttpRequest) -> bool:
    """True for a POST whose body is a form (the only bucket-level POST without a sub-resource)."""
    return request.method == "POST" and request.headers.get("content-type", "").lower().startswith(
        FORM_TYPE
    )


def read(request: HttpRequest) -> PostForm | AwsError:
    """The form of ``request``, or the error S3 answers for it (returned, not raised: the edge
    identifies the caller from the form before it raises anything)."""
    try:
        return _read(request)
    except AwsError as err:
        return err


def _parse(request: HttpRequest) -> tuple[dict[str, str], bytes | None, str | None]:
    """The fields before the file (lower-cased names; a repeated name keeps its last value: U), the
    file and its name. Fields after the file are not read (P)."""
    import multipart  # noqa: PLC0415 - imported when a form arrives, never at start-up

    _, options = multipart.parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if not boundary:
        raise MalformedPOSTRequest
    fields: dict[str, str] = {}
    before_file = 0
    parser = multipart.PushMultipartParser(boundary)
    segment: multipart.MultipartSegment | None = None
    chunks: list[bytes] = []
    try:
        for event in parser.parse_blocking(request.body.read):
            if isinstance(event, multipart.MultipartSegment):
                segment, chunks = event, []
            elif event is not None:
                chunks.append(event)
            elif segment is not None:
                data = b"".join(chunks)
                name = segment.name.lower()
                if name == FILE:
                    return fields, data, segment.filename
                before_file += len(segment.name) + len(data)
                if before_file > MaxPostPreDataLengthExceeded.limit:
                    raise MaxPostPreDataLengthExceeded
                fields[name] = data.decode("utf-8", "surrogateescape")
        parser.close(check_complete=True)
    except multipart.MultipartError:
        raise MalformedPOSTRequest from None
    finally:
        parser.close(check_complete=False)
    return fields, None, None


def _auth(fields: Mapping[str, str]) -> FormAuth | None:
    """The form's signature fields: all of one version's, or S3's error naming the first missing
    (A); a policy without any signature field is 403 Access Denied (A, LocalStack snapshot
    test_post_request_missing_fields "exception-no-sig-related-fields"); none at all, an anonymous
    upload (the gate decides)."""
    versions = [v for v, names in _VERSIONS if any(n.lower() in fields for n in names)]
    if not versions:
        if "policy" in fields:
            raise AccessDenied
        return None
    version = versions[0]
    for name in (*dict(_VERSIONS)[version], "Policy"):  # U: a missing policy named as the others
        if name.lower() not in fields:
            raise InvalidArgument(MSG_MISSING_FIELD.format(name), name, "")
    if version == SIGV2:
        return FormAuth(fields["awsaccesskeyid"], SIGV2, fields["policy"], fields["signature"])
    credential = fields["x-amz-credential"].split("/")
    if len(credential) != 5 or credential[4] != "aws4_request":
        raise InvalidArgument(MSG_BAD_CREDENTIAL, "X-Amz-Credential", fields["x-amz-credential"])
    return FormAuth(
        credential[0],
        SIGV4,
        fields["policy"],
        fields["x-amz-signature"],
        "/".join(credential[1:]),
        fields["x-amz-date"],
    )


def _printable(char: str) -> bool:
    return " " <= char <= "~" or char == "\t"


def mail_safe(value: str) -> str:
    """A user metadata value as S3 stores one sent in a form (A, LocalStack snapshot
    test_post_object_with_unicode_metadata; P, S3 user guide "Working with object metadata": "the
    provided Unicode string is examined for non-US-ASCII characters ... encoded as per RFC 2047"):
    printable ASCII (and tab) as it is; else one RFC 2047 encoded-word of its UTF-8, Q-encoded when
    most characters are printable ASCII (a space as ``_``; ``=``, ``?``, ``_`` and every other byte as
    ``=XX``), else B-encoded (base64). U: a long value is not split into several encoded-words."""
    if all(_printable(c) for c in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    if sum(1 for c in value if _printable(c)) * 2 <= len(value):
        return f"=?UTF-8?B?{base64.b64encode(data).decode()}?="
    encoded = "".join(
        "_" if b == 0x20 else chr(b) if 0x20 < b < 0x7F and b not in _Q_SPECIALS else f"={b:02X}"
        for b in data
    )
    return f"=?UTF-8?Q?{encoded}?="


_Q_SPECIALS = frozenset(b"=?_")


def latin1_only(value: str) -> str:
    """A standard header field (``Cache-Control``, ``Content-Disposition`` ...) as S3 stores one sent
    in a form: characters beyond ISO-8859-1 become spaces (A, LocalStack snapshot
    test_post_object_with_unicode_metadata: an em dash became a space, ``é`` was kept)."""
    return value if value.isascii() else "".join(c if c <= "\xff" else " " for c in value)


def _tagging_header(document: str) -> str | None:
    """The ``tagging`` field (a ``Tagging`` XML document, P) as an ``x-amz-tagging`` value. Not XML:
    400 MalformedXML; well-formed XML that is no ``Tagging`` document sets no tags (both A: LocalStack
    snapshots test_post_object_with_tags[notxml] and [invalid])."""
    try:
        root = xmlio.parse(document.encode("utf-8", "surrogateescape"))
    except AwsError:
        raise MalformedXML from None
    tag_set = root.find("TagSet")
    if root.tag != "Tagging" or tag_set is None:
        return None
    tags = tag_list(tag_set, limit=OBJECT_TAG_LIMIT)
    return urlencode(list(tags), quote_via=quote) if tags else None


def _read(request: HttpRequest) -> PostForm:
    fields, file, filename = _parse(request)
    if file is None:
        raise InvalidArgument(MSG_ONE_FILE, FILE, "0")
    key = fields.get("key")
    if not key:
        raise InvalidArgument(MSG_MISSING_FIELD.format("key"), "key", "")
    if filename:  # P: "${filename}" is replaced by the name of the uploaded file
        key = key.replace("${filename}", filename)
    auth = _auth(fields)
    headers = {name: request.headers[name] for name in _KEPT_HEADERS if name in request.headers}
    for name, value in fields.items():
        if name.startswith("x-amz-meta-"):
            headers[name] = mail_safe(value)
        elif name in HEADER_FIELDS:
            headers[name] = latin1_only(value)
        elif name.startswith("x-amz-") and name not in _AUTH_FIELDS:
            headers[name] = value
        elif name == "acl":
            headers["x-amz-acl"] = value
        elif name == "tagging":
            tagging = _tagging_header(value)
            if tagging is not None:
                headers["x-amz-tagging"] = tagging
    headers["content-length"] = str(len(file))
    base = request.path.rstrip("/") if request.path not in ("", "/") else ""
    lifted = HttpRequest(
        "POST",
        request.scheme,
        request.host,
        f"{base}/{quote(key, safe='/~')}",
        request.query,
        headers,
        io.BytesIO(file),
        decoded_length=len(file),
        client_address=request.client_address,
        form_auth=auth,
    )
    if auth is not None:
        lifted.scope_read = True
        if auth.version == SIGV4:
            _, region, service, _ = auth.scope.split("/", 3)
            lifted.scope = (auth.access_key_id, region, service)
    return PostForm(MappingProxyType(fields), file, filename, key, lifted)

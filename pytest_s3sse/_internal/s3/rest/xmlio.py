"""S3's XML: rendering responses and error documents, and parsing request documents."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import datetime
from xml.sax.saxutils import escape

from defusedxml.ElementTree import fromstring as defused_fromstring

from pytest_s3sse._internal.errors.s3 import MalformedXML

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def text(value: object) -> str:
    """XML-escaped text of a value (booleans in S3's lower case).

    Listings render several elements per key, so the common case (text with nothing to escape) is
    kept to two membership tests.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    out = value if type(value) is str else str(value)
    if "&" in out or "<" in out or ">" in out:
        return escape(out)
    return out


def element(name: str, value: object) -> str:
    """``<name>value</name>``."""
    return f"<{name}>{text(value)}</{name}>"


def elements(pairs: Iterable[tuple[str, object | None]]) -> str:
    """Consecutive elements, skipping None values."""
    return "".join(element(k, v) for k, v in pairs if v is not None)


def document(root: str, inner: str) -> bytes:
    """A whole response document in S3's namespace."""
    return f'{DECL}<{root} xmlns="{NS}">{inner}</{root}>'.encode()


def error_document(
    code: str, message: str, extra: Mapping[str, str], request_id: str, host_id: str
) -> bytes:
    """An S3 error document."""
    inner = element("Code", code) + element("Message", message)
    inner += "".join(element(k, v) for k, v in extra.items())
    inner += element("RequestId", request_id) + element("HostId", host_id)
    return f"{DECL}<Error>{inner}</Error>".encode()


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def iso8601(when: datetime) -> str:
    """Timestamps in XML bodies: ``2026-11-23T01:02:03.000Z``.

    Formatted by hand rather than with ``strftime``: a listing renders one per key.
    """
    return (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}T"
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}.{when.microsecond // 1000:03d}Z"
    )


@functools.lru_cache(maxsize=4096)
def http_date(when: datetime) -> str:
    """Timestamps in headers (RFC 7231): ``Mon, 23 Nov 2026 01:02:03 GMT``.

    Day and month names are RFC 7231's, whatever the process locale (``strftime``'s ``%a`` and
    ``%b`` follow ``LC_TIME``, which a test may change).
    """
    # Cached: every GET and HEAD formats its object's Last-Modified, and objects share few times.
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year:04d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} GMT"
    )


def parse(body: bytes) -> ET.Element:
    """Parse a request document; anything unparsable is MalformedXML. Namespaces are dropped.

    Parsed by defusedxml, which refuses a DTD, an entity declaration and an external reference
    whatever the document's encoding (a byte search for ``<!DOCTYPE`` missed a UTF-16 document, and
    its entity named the key a DeleteObjects deleted). S3's request documents have no DTD; one is
    MalformedXML ("did not validate against our published schema"; U: no recorded answer to a DTD).
    """
    try:
        root = defused_fromstring(body, forbid_dtd=True)
    except (ET.ParseError, ValueError):
        # defusedxml's refusals are ValueErrors, as is expat's "multi-byte encodings are not
        # supported" for a declared encoding it cannot read.
        raise MalformedXML from None
    for node in root.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]
    return root


def child_text(node: ET.Element, name: str) -> str | None:
    """The text of the first child called ``name`` (empty string for an empty element)."""
    child = node.find(name)
    if child is None:
        return None
    return child.text or ""

"""Request documents are parsed by a hardened parser (issue 11): a DTD, an entity declaration or an
external reference is refused in any encoding, before anything changes.

S3's request documents have no DTD (the published schemas); the answer is S3's MalformedXML
(``The XML you provided was not well-formed or did not validate against our published schema``: P,
S3 error-code list; for a DTD it is U, no answer recorded).
"""

from __future__ import annotations

import io

import pytest

from pytest_s3sse._internal.http import HttpRequest
from pytest_s3sse._internal.wire.dispatch import dispatch

SIGNED = {
    "authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/s3/aws4_request"
}
MALFORMED = b"<Code>MalformedXML</Code>"


def _send(s3sse, method, bucket, path, query, body):
    request = HttpRequest(
        method,
        "https",
        f"{bucket}.s3.amazonaws.com",
        path,
        query,
        dict(SIGNED, **{"content-length": str(len(body))}),
        io.BytesIO(body),
        decoded_length=len(body),
    )
    response = dispatch(s3sse.engine, request)
    assert response is not None
    return response


def _with_entity(root: str, inner: str, encoding: str) -> bytes:
    """A document whose DTD declares the entity ``&k;`` as ``k`` (it names the key ``k``)."""
    text = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
        f'<!DOCTYPE {root} [<!ENTITY k "k">]>'
        f"<{root}>{inner}</{root}>"
    )
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8"])
def test_delete_objects_with_a_dtd_is_malformed_xml_and_deletes_nothing(
    s3, bucket, s3sse, encoding
):
    s3.put_object(Bucket=bucket, Key="k", Body=b"kept")
    body = _with_entity("Delete", "<Object><Key>&k;</Key></Object>", encoding)
    response = _send(s3sse, "POST", bucket, "/", "delete", body)
    assert (response.status, MALFORMED in response.content()) == (400, True)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"kept"


def test_complete_multipart_upload_with_a_dtd_is_malformed_xml(s3, bucket, s3sse):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    inner = f"<Part><PartNumber>1</PartNumber><ETag>{etag.strip(chr(34))}&k;</ETag></Part>"
    body = _with_entity("CompleteMultipartUpload", inner, "utf-16")
    response = _send(s3sse, "POST", bucket, "/k", f"uploadId={upload}", body)
    assert (response.status, MALFORMED in response.content()) == (400, True)
    parts = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)["Parts"]
    assert [p["PartNumber"] for p in parts] == [1]  # the upload is still in progress


def test_put_bucket_encryption_with_a_dtd_is_malformed_xml(s3, bucket, s3sse):
    before = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    inner = (
        "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
        "<KMSMasterKeyID>&k;</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule>"
    )
    body = _with_entity("ServerSideEncryptionConfiguration", inner, "utf-16")
    response = _send(s3sse, "PUT", bucket, "/", "encryption", body)
    assert (response.status, MALFORMED in response.content()) == (400, True)
    after = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert after == before


def test_a_utf16_document_without_a_dtd_still_parses(s3, bucket, s3sse):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    body = '<?xml version="1.0" encoding="UTF-16"?><Delete><Object><Key>k</Key></Object></Delete>'
    response = _send(s3sse, "POST", bucket, "/", "delete", body.encode("utf-16"))
    assert response.status == 200
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

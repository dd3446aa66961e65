"""The upload service's bucket policy does what the security team says, and the service complies."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from upload_service import UploadService


@pytest.fixture
def service(s3sse):
    key_arn = boto3.client("kms").create_key(Description="uploads")["KeyMetadata"]["Arn"]
    service = UploadService(boto3.client("s3"), "acme-uploads", key_arn)
    service.setup()
    return service


def test_the_service_uploads_and_downloads_under_the_policy(s3sse, service):
    key = service.upload("c42", "scan.pdf", b"%PDF")
    assert service.download(key) == b"%PDF"
    s3sse.assert_encrypted("acme-uploads", key, "SSE-KMS", service.key_arn)


def test_plain_http_is_refused_even_for_compliant_uploads(s3sse, service):
    plain = UploadService(
        boto3.client("s3", endpoint_url="http://s3.amazonaws.com"), "acme-uploads", service.key_arn
    )
    with pytest.raises(ClientError) as refused:
        plain.upload("c42", "scan.pdf", b"%PDF")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert s3sse.explain(refused.value).denial.decision.statement == 'Sid "DenyPlainHttp"'


def test_an_upload_without_sse_headers_is_refused(s3sse, service):
    with pytest.raises(ClientError) as refused:
        service.s3.put_object(Bucket="acme-uploads", Key="uploads/c42/raw", Body=b"x")
    denial = s3sse.explain(refused.value).denial
    assert denial.decision.statement == 'Sid "DenyUnencryptedUploads"'


def test_an_upload_under_another_key_is_refused(s3sse, service):
    other = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as refused:
        UploadService(service.s3, "acme-uploads", other).upload("c42", "x", b"x")
    assert s3sse.explain(refused.value).denial.decision.statement == 'Sid "DenyOtherKeys"'


def test_nothing_refused_was_stored(s3sse, service):
    with pytest.raises(ClientError):
        service.s3.put_object(Bucket="acme-uploads", Key="uploads/c42/raw", Body=b"x")
    assert s3sse.encryption_report("acme-uploads").rows == ()


@pytest.fixture
def browser_forms(service):
    """The service with a SigV4 signer, as it must be to hand out SSE-KMS forms."""
    signer = boto3.client("s3", config=Config(signature_version="s3v4"))
    return UploadService(signer, service.bucket, service.key_arn)


def send(form, file):
    """What the customer's browser does with the form."""
    return requests.post(form["url"], data=form["fields"], files={"file": file}, timeout=5)


def test_a_browser_upload_is_stored_under_the_approved_key(s3sse, browser_forms):
    response = send(browser_forms.browser_form("c42"), ("scan.pdf", b"%PDF"))
    assert response.status_code == 204
    assert browser_forms.download("uploads/c42/scan.pdf") == b"%PDF"
    s3sse.assert_encrypted("acme-uploads", "uploads/c42/scan.pdf", "SSE-KMS", browser_forms.key_arn)


def test_a_browser_cannot_drop_the_sse_fields_from_the_form(s3sse, browser_forms):
    form = browser_forms.browser_form("c42")
    del form["fields"]["x-amz-server-side-encryption"]
    response = send(form, ("scan.pdf", b"%PDF"))
    assert response.status_code == 403
    assert b"Policy Condition failed" in response.content
    assert s3sse.encryption_report("acme-uploads").rows == ()


def test_a_form_without_the_sse_fields_is_refused_by_the_bucket_policy(s3sse, browser_forms):
    plain = browser_forms.s3.generate_presigned_post("acme-uploads", "uploads/c42/${filename}")
    response = send(plain, ("scan.pdf", b"%PDF"))
    assert response.status_code == 403
    assert b"<Code>AccessDenied</Code>" in response.content


def test_a_browser_upload_over_the_size_limit_is_refused(browser_forms):
    response = send(browser_forms.browser_form("c42", max_bytes=3), ("scan.pdf", b"%PDF"))
    assert response.status_code == 400
    assert b"<Code>EntityTooLarge</Code>" in response.content

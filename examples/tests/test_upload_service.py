"""The upload service's bucket policy does what the security team says, and the service complies."""

from __future__ import annotations

import boto3
import pytest
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

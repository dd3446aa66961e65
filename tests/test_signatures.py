"""Signature verification (the ``verify_signatures`` option): requests signed with the registered
secret are served; a wrong secret, an unknown key or a wrong session token is refused as AWS does.

Sources of the answers (docs/errors.md, docs/kms.md):
- S3 SignatureDoesNotMatch, 403, "The request signature we calculated does not match the signature you
  provided. Check your key and signing method." with AWSAccessKeyId, StringToSign, SignatureProvided
  (and CanonicalRequest for SigV4): S, aws/aws-cli's "SignatureDoesNotMatch error report" template;
  the elements S/T (S3 answers quoted in SDK issues, LocalStack's presign validation).
- S3 InvalidAccessKeyId, 403, "The AWS Access Key Id you provided does not exist in our records.": P,
  "Amazon S3 error responses"; S the capitalisation.
- S3 InvalidToken, 400, "The provided token is malformed or otherwise invalid.": P, same page.
- KMS InvalidSignatureException (S, aws/aws-sdk-js#168) and UnrecognizedClientException "The security
  token included in the request is invalid." (S, aws/aws-encryption-sdk-java#9), 400.
- Expired presigned URLs: AccessDenied "Request has expired" (A, see tests/test_presigned.py).
- Canonical requests: P, "Create a canonical request for Signature Version 4", "Signature calculations
  for the Authorization header: transferring payload in multiple chunks" and "Signing and
  authenticating REST requests" (SigV2); each test signs with botocore or by the documented recipe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import zlib
from datetime import timedelta
from typing import Any

import boto3
import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from pytest_s3sse import S3SSE, mock_s3sse

TIMEOUT = 5
pytestmark = pytest.mark.s3sse(verify_signatures=True)
V4 = Config(signature_version="s3v4", retries={"total_max_attempts": 1})
V2 = Config(signature_version="s3", retries={"total_max_attempts": 1})
NO_RETRY = Config(retries={"total_max_attempts": 1})
USER = "arn:aws:iam::123456789012:user/alice"


def client(creds: dict[str, str], service: str = "s3", config: Config = NO_RETRY, **kw: Any) -> Any:
    return boto3.client(service, region_name="us-east-1", config=config, **creds, **kw)


def wrong_secret(creds: dict[str, str]) -> dict[str, str]:
    return {**creds, "aws_secret_access_key": "x" * 40}


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    err = exc.value.response
    return (
        err["ResponseMetadata"]["HTTPStatusCode"],
        err["Error"]["Code"],
        err["Error"]["Message"],
    )


MISMATCH = (
    403,
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.",
)


# -- SigV4 Authorization header ----------------------------------------------------------------
def test_a_principals_client_is_served_when_signatures_are_verified(s3sse):
    s3 = client(s3sse.principal(USER))
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="dir/a key+é", Body=b"data")
    assert s3.get_object(Bucket="bkt", Key="dir/a key+é")["Body"].read() == b"data"
    listed = s3.list_objects_v2(Bucket="bkt", Prefix="dir/a key", Delimiter="/")
    assert [o["Key"] for o in listed["Contents"]] == ["dir/a key+é"]


def test_a_path_style_client_over_http_is_served_too(s3sse):
    s3 = client(
        s3sse.principal(USER),
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
        endpoint_url="http://s3.us-east-1.amazonaws.com",
    )
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"data")
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"data"


def test_the_plugins_default_credentials_are_verified_as_the_default_principal(s3sse):
    boto3.client("s3", region_name="us-east-1").list_buckets()


def test_a_wrong_secret_is_signature_does_not_match_with_what_s3_calculated(s3sse):
    creds = s3sse.principal(USER)
    with pytest.raises(ClientError) as exc:
        client(wrong_secret(creds)).list_buckets()
    assert error_of(exc) == MISMATCH
    error = exc.value.response["Error"]
    assert error["AWSAccessKeyId"] == creds["aws_access_key_id"]
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert error["CanonicalRequest"].startswith("GET\n/\n")
    assert len(error["SignatureProvided"]) == 64


def test_an_unknown_access_key_is_invalid_access_key_id(s3sse):
    creds = {"aws_access_key_id": "AKIANOTREGISTERED000", "aws_secret_access_key": "s" * 40}
    with pytest.raises(ClientError) as exc:
        client(creds).list_buckets()
    assert error_of(exc) == (
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    )
    assert exc.value.response["Error"]["AWSAccessKeyId"] == "AKIANOTREGISTERED000"


def test_a_role_sessions_key_with_another_token_is_invalid_token(s3sse):
    creds = {**s3sse.principal("arn:aws:iam::123456789012:role/r"), "aws_session_token": "Zm9v"}
    with pytest.raises(ClientError) as exc:
        client(creds).list_buckets()
    assert error_of(exc) == (
        400,
        "InvalidToken",
        "The provided token is malformed or otherwise invalid.",
    )


def test_a_role_sessions_key_without_its_token_is_invalid_access_key_id(s3sse):
    creds = dict(s3sse.principal("arn:aws:iam::123456789012:role/r"))
    del creds["aws_session_token"]
    with pytest.raises(ClientError) as exc:
        client(creds).list_buckets()
    assert error_of(exc)[1] == "InvalidAccessKeyId"


def test_a_role_session_with_its_token_is_served(s3sse):
    client(s3sse.principal("arn:aws:iam::123456789012:role/r")).list_buckets()


def test_a_key_added_without_a_secret_cannot_sign(s3sse):
    s3sse.add_credentials("AKIDNOSECRET", account_id="123456789012")
    creds = {"aws_access_key_id": "AKIDNOSECRET", "aws_secret_access_key": "s"}
    with pytest.raises(ClientError) as exc:
        client(creds).list_buckets()
    assert error_of(exc) == MISMATCH


def test_a_key_added_with_its_secret_is_served(s3sse):
    s3sse.add_credentials("AKIDWITHSECRET", account_id="123456789012", secret="shh")
    client({"aws_access_key_id": "AKIDWITHSECRET", "aws_secret_access_key": "shh"}).list_buckets()


@pytest.mark.s3sse(verify_signatures=False)
def test_without_verification_a_wrong_secret_is_served(s3sse):
    client(wrong_secret(s3sse.principal(USER))).list_buckets()


def test_a_refused_request_stores_nothing(s3sse):
    creds = s3sse.principal(USER)
    client(creds).create_bucket(Bucket="bkt")
    with pytest.raises(ClientError):
        client(wrong_secret(creds)).put_object(Bucket="bkt", Key="k", Body=b"x")
    assert client(creds).list_objects_v2(Bucket="bkt")["KeyCount"] == 0


# -- SigV4 query (presigned URLs) ---------------------------------------------------------------
@pytest.fixture
def v4(s3sse: S3SSE) -> Any:
    s3 = client(s3sse.principal(USER), config=V4)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"data")
    return s3


def test_a_presigned_v4_get_is_served(v4):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    response = requests.get(url, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"data")


def test_a_presigned_v4_url_with_a_tampered_signature_is_signature_does_not_match(v4):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    head, _, sig = url.rpartition("X-Amz-Signature=")
    response = requests.get(head + "X-Amz-Signature=" + ("0" if sig[0] != "0" else "1") + sig[1:])
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content
    assert b"<CanonicalRequest>GET\n/k\n" in response.content


def test_a_presigned_v4_url_for_another_key_is_signature_does_not_match(v4):
    url = v4.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    response = requests.get(url.replace("/k?", "/other?"), timeout=TIMEOUT)
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content


def test_a_presigned_v4_put_is_served_with_the_signed_content_type(v4):
    params = {"Bucket": "bkt", "Key": "up", "ContentType": "text/plain"}
    url = v4.generate_presigned_url("put_object", Params=params)
    response = requests.put(url, data=b"hi", headers={"Content-Type": "text/plain"}, timeout=5)
    assert response.status_code == 200
    assert v4.get_object(Bucket="bkt", Key="up")["ContentType"] == "text/plain"


def test_a_presigned_v4_put_with_another_content_type_is_signature_does_not_match(v4):
    params = {"Bucket": "bkt", "Key": "up", "ContentType": "text/plain"}
    url = v4.generate_presigned_url("put_object", Params=params)
    response = requests.put(url, data=b"hi", headers={"Content-Type": "image/png"}, timeout=5)
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content
    with pytest.raises(ClientError):
        v4.head_object(Bucket="bkt", Key="up")


def test_an_expired_presigned_url_is_access_denied_on_the_engine_clock(s3sse, v4):
    url = v4.generate_presigned_url(
        "get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=60
    )
    s3sse.clock.advance(61)
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 403
    assert b"<Message>Request has expired</Message>" in response.content


def test_a_presigned_url_of_an_unknown_key_is_invalid_access_key_id(s3sse, v4):
    other = client(
        {"aws_access_key_id": "AKIANOTREGISTERED000", "aws_secret_access_key": "s" * 40},
        config=V4,
    )
    url = other.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 403
    assert b"<Code>InvalidAccessKeyId</Code>" in response.content


def test_a_role_sessions_presigned_url_carries_its_token_and_is_served(s3sse, v4):
    role = client(s3sse.principal("arn:aws:iam::123456789012:role/r"), config=V4)
    url = role.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    assert requests.get(url, timeout=TIMEOUT).content == b"data"


# -- SigV2 (header and query) ------------------------------------------------------------------
def test_a_sigv2_client_is_served(s3sse):
    s3 = client(s3sse.principal(USER), config=V2)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="a key", Body=b"data", Metadata={"m": "v"})
    assert s3.get_object(Bucket="bkt", Key="a key")["Body"].read() == b"data"
    assert s3.list_objects(Bucket="bkt", Prefix="a ")["Contents"][0]["Key"] == "a key"
    s3.get_bucket_location(Bucket="bkt")  # a sub-resource S3 signs (?location)


def test_a_sigv2_request_with_a_wrong_secret_is_signature_does_not_match(s3sse):
    creds = s3sse.principal(USER)
    with pytest.raises(ClientError) as exc:
        client(wrong_secret(creds), config=V2).list_buckets()
    assert error_of(exc) == MISMATCH
    error = exc.value.response["Error"]
    assert error["StringToSign"].startswith("GET\n\n\n")
    assert "CanonicalRequest" not in error


def test_a_presigned_v2_get_is_served(s3sse):
    s3 = client(s3sse.principal(USER), config=V2)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"data")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    assert "AWSAccessKeyId=" in url
    assert requests.get(url, timeout=TIMEOUT).content == b"data"


def test_a_presigned_v2_url_for_another_key_is_signature_does_not_match(s3sse):
    s3 = client(s3sse.principal(USER), config=V2)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"data")
    s3.put_object(Bucket="bkt", Key="other", Body=b"secret")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    response = requests.get(url.replace("/k?", "/other?"), timeout=TIMEOUT)
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content


def test_a_presigned_v2_put_with_another_content_type_is_signature_does_not_match(s3sse):
    s3 = client(s3sse.principal(USER), config=V2)
    s3.create_bucket(Bucket="bkt")
    params = {"Bucket": "bkt", "Key": "up", "ContentType": "text/plain"}
    url = s3.generate_presigned_url("put_object", Params=params)
    ok = requests.put(url, data=b"hi", headers={"Content-Type": "text/plain"}, timeout=5)
    bad = requests.put(url, data=b"hi", headers={"Content-Type": "image/png"}, timeout=5)
    assert (ok.status_code, bad.status_code) == (200, 403)


# -- streaming-signed aws-chunked bodies --------------------------------------------------------
def _chunk_signature(key: bytes, amz_date: str, scope: str, previous: str, data: bytes) -> str:
    string_to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256-PAYLOAD",
            amz_date,
            scope,
            previous,
            hashlib.sha256(b"").hexdigest(),
            hashlib.sha256(data).hexdigest(),
        )
    )
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _signing_key(secret: str, scope: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


STREAMING = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


class StreamingSigV4(S3SigV4Auth):
    """botocore's S3 signer, signing the streaming payload literal as the seed request does."""

    def payload(self, request: AWSRequest) -> str:
        return str(request.context["payload"])


def streaming_put(
    creds: dict[str, str], chunks: list[bytes], *, tamper: bool = False, trailer: bool = False
) -> Any:
    """PUT ``chunks`` as a streaming-signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) body, sent raw;
    with ``trailer``, the -TRAILER form with a CRC32 trailer (its trailer signature is not checked)."""
    url = "https://bkt.s3.amazonaws.com/streamed"
    total = sum(len(c) for c in chunks)
    headers = {
        "x-amz-content-sha256": STREAMING + ("-TRAILER" if trailer else ""),
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(total),
    }
    if trailer:
        headers["x-amz-trailer"] = "x-amz-checksum-crc32"
    request = AWSRequest("PUT", url, headers=headers)
    request.context["payload"] = headers["x-amz-content-sha256"]
    secret = creds["aws_secret_access_key"]
    StreamingSigV4(Credentials(creds["aws_access_key_id"], secret), "s3", "us-east-1").add_auth(
        request
    )
    assert request.headers["X-Amz-Content-SHA256"].startswith(STREAMING)
    headers = dict(request.headers.items())
    amz_date = headers["X-Amz-Date"]
    seed = headers["Authorization"].rsplit("Signature=", 1)[1]
    scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
    key = _signing_key(secret, scope)
    body, previous = b"", seed
    for data in [*chunks, b""]:
        signature = _chunk_signature(key, amz_date, scope, previous, data)
        previous = signature
        sent = data.replace(b"a", b"b") if tamper and data else data
        body += f"{len(data):x};chunk-signature={signature}\r\n".encode() + sent
        body += b"\r\n" if data or not trailer else b""
    if trailer:
        crc = base64.b64encode(zlib.crc32(b"".join(chunks)).to_bytes(4, "big"))
        body += b"x-amz-checksum-crc32:" + crc + b"\r\nx-amz-trailer-signature:" + b"0" * 64
        body += b"\r\n\r\n"
    headers["Content-Length"] = str(len(body))
    return requests.put(url, data=body, headers=headers, timeout=TIMEOUT)


@pytest.mark.parametrize(
    "sizes",
    [
        [8192, 100],
        [1024 * 1024 + 7, 3],
    ],  # the second: a chunk cut across the decoder's 1 MiB blocks
    ids=["small", "cut-across-blocks"],
)
def test_a_streaming_signed_body_with_good_chunk_signatures_is_stored(s3sse, sizes):
    creds = s3sse.principal(USER)
    s3 = client(creds)
    s3.create_bucket(Bucket="bkt")
    chunks = [bytes([97 + i]) * size for i, size in enumerate(sizes)]
    response = streaming_put(creds, chunks)
    assert response.status_code == 200, response.content
    assert s3.get_object(Bucket="bkt", Key="streamed")["Body"].read() == b"".join(chunks)


def test_a_streaming_signed_body_with_a_trailer_is_stored_after_its_chunks_are_checked(s3sse):
    creds = s3sse.principal(USER)
    s3 = client(creds)
    s3.create_bucket(Bucket="bkt")
    response = streaming_put(creds, [b"a" * 100], trailer=True)
    assert response.status_code == 200, response.content
    assert s3.get_object(Bucket="bkt", Key="streamed")["Body"].read() == b"a" * 100
    tampered = streaming_put(creds, [b"a" * 100], trailer=True, tamper=True)
    assert tampered.status_code == 403


def test_a_streaming_signed_chunk_whose_data_changed_is_signature_does_not_match(s3sse):
    creds = s3sse.principal(USER)
    s3 = client(creds)
    s3.create_bucket(Bucket="bkt")
    response = streaming_put(creds, [b"a" * 8192, b"b" * 100], tamper=True)
    assert response.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in response.content
    assert b"AWS4-HMAC-SHA256-PAYLOAD" in response.content
    with pytest.raises(ClientError):
        s3.head_object(Bucket="bkt", Key="streamed")


# -- KMS -----------------------------------------------------------------------------------------
def test_a_principals_kms_client_is_served(s3sse):
    kms = client(s3sse.principal(USER), "kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_a_kms_request_with_a_wrong_secret_is_invalid_signature_exception(s3sse):
    with pytest.raises(ClientError) as exc:
        client(wrong_secret(s3sse.principal(USER)), "kms").list_keys()
    assert error_of(exc) == (
        400,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.",
    )


def test_a_kms_request_with_an_unknown_key_is_unrecognized_client_exception(s3sse):
    creds = {"aws_access_key_id": "AKIANOTREGISTERED000", "aws_secret_access_key": "s" * 40}
    with pytest.raises(ClientError) as exc:
        client(creds, "kms").list_keys()
    assert error_of(exc) == (
        400,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_a_role_sessions_kms_client_is_served(s3sse):
    client(s3sse.principal("arn:aws:iam::123456789012:role/r"), "kms").list_keys()


# -- options -------------------------------------------------------------------------------------
def test_the_ini_options_verify_signatures_and_set_the_default_principal(pytester):
    pytester.makeini(
        "[pytest]\ns3sse_verify_signatures = true\n"
        "s3sse_default_principal = arn:aws:iam::123456789012:user/ci\n"
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from botocore.exceptions import ClientError

        def test_verified(s3sse):
            assert s3sse.options.verify_signatures
            assert s3sse.default_principal.arn == "arn:aws:iam::123456789012:user/ci"
            boto3.client("s3", region_name="us-east-1").list_buckets()
            forged = boto3.client(
                "s3", region_name="us-east-1",
                aws_access_key_id="AKIAUNKNOWN000000000", aws_secret_access_key="x",
            )
            with pytest.raises(ClientError, match="InvalidAccessKeyId"):
                forged.list_buckets()
        """
    )
    warnings = ("-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    pytester.runpytest("-p", "no:benchmark", *warnings).assert_outcomes(passed=1)


def test_mock_s3sse_takes_verify_signatures():
    with mock_s3sse(verify_signatures=True) as s3sse:
        creds = s3sse.principal(USER)
        client(creds).list_buckets()
        with pytest.raises(ClientError) as exc:
            client(wrong_secret(creds)).list_buckets()
        assert error_of(exc) == MISMATCH


# -- hostile authentication ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=\u00e9\u00e9",
        "AWS4-HMAC-SHA256 Credential={key}/2026\u00e9/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-missing, Signature=00",
        "AWS4-HMAC-SHA256 Credential={key}/bad, SignedHeaders=, Signature=",
        "AWS4-HMAC-SHA256 Credential={key}",
        "AWS {key}:\u00e9",
        "AWS {key}",
    ],
    ids=[
        "non-ascii-signature",
        "non-ascii-scope",
        "short-scope",
        "no-fields",
        "v2-non-ascii",
        "v2-bare",
    ],
)
def test_a_malformed_signature_is_an_s3_error_never_a_crash(s3sse, authorization):
    key = s3sse.principal(USER)["aws_access_key_id"]
    headers = {"Authorization": authorization.format(key=key).encode()}
    response = requests.get("https://s3.amazonaws.com/", headers=headers, timeout=TIMEOUT)
    assert response.status_code in (400, 403)
    assert b"<Code>" in response.content


# -- canonicalisation over more of the API -------------------------------------------------------
@pytest.mark.parametrize("config", [V4, V2], ids=["sigv4", "sigv2"])
def test_copy_and_multipart_requests_are_served_under_verification(s3sse, config):
    s3 = client(s3sse.principal(USER), config=config)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="src key/é=1&x", Body=b"data")
    s3.copy_object(Bucket="bkt", Key="dst", CopySource={"Bucket": "bkt", "Key": "src key/é=1&x"})
    upload = s3.create_multipart_upload(Bucket="bkt", Key="mp")["UploadId"]
    part = s3.upload_part(Bucket="bkt", Key="mp", UploadId=upload, PartNumber=1, Body=b"p")
    s3.complete_multipart_upload(
        Bucket="bkt",
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3.get_object(Bucket="bkt", Key="dst")["Body"].read() == b"data"
    assert s3.get_object(Bucket="bkt", Key="mp")["Body"].read() == b"p"


def test_a_role_sessions_sigv2_presigned_url_carries_its_token_and_is_served(s3sse):
    role = client(s3sse.principal("arn:aws:iam::123456789012:role/r"), config=V2)
    role.create_bucket(Bucket="bkt")
    role.put_object(Bucket="bkt", Key="k", Body=b"data")
    url = role.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    assert "x-amz-security-token=" in url
    assert requests.get(url, timeout=TIMEOUT).content == b"data"


# -- request time and payload hash -----------------------------------------------------------------
def test_a_request_signed_more_than_15_minutes_from_the_engine_clock_is_request_time_too_skewed(
    s3sse,
):
    # A: S3's answer quoted whole in aws/aws-sdk-php#612 and versity/versitygw#1514 (403, the text,
    # RequestTime as sent, ServerTime, MaxAllowedSkewMilliseconds 900000).
    s3 = client(s3sse.principal(USER))
    s3.create_bucket(Bucket="bkt")
    s3sse.clock.freeze()  # ServerTime is compared to the second below
    s3sse.clock.advance(minutes=16)
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket="bkt")
    assert error_of(exc)[:2] == (403, "RequestTimeTooSkewed")
    assert error_of(exc)[2] == (
        "The difference between the request time and the current time is too large."
    )
    error = exc.value.response["Error"]
    assert error["MaxAllowedSkewMilliseconds"] == "900000"
    assert error["ServerTime"] == s3sse.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(error["RequestTime"]) == len("20250901T162148Z")


def test_a_request_within_15_minutes_of_the_engine_clock_is_served(s3sse):
    s3 = client(s3sse.principal(USER))
    s3sse.clock.advance(minutes=14)
    s3.create_bucket(Bucket="bkt")


def test_a_presigned_url_is_not_refused_for_skew_only_for_expiry(s3sse, v4):
    url = v4.generate_presigned_url(
        "get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=3600
    )
    s3sse.clock.advance(minutes=30)
    assert requests.get(url, timeout=TIMEOUT).status_code == 200


def test_a_body_that_is_not_its_signed_sha256_is_x_amz_content_sha256_mismatch(s3sse):
    # A: S3's answer quoted whole in postmanlabs/postman-app-support#3680 and 10up/snapshots#25 (400,
    # the text, ClientComputedContentSHA256 then S3ComputedContentSHA256).
    creds = s3sse.principal(USER)
    client(creds).create_bucket(Bucket="bkt")
    signed_for = hashlib.sha256(b"what was signed").hexdigest()
    request = AWSRequest(
        method="PUT", url="https://bkt.s3.amazonaws.com/k", data=b"what was signed"
    )
    botocore_credentials = Credentials(creds["aws_access_key_id"], creds["aws_secret_access_key"])
    S3SigV4Auth(botocore_credentials, "s3", "us-east-1").add_auth(request)
    response = requests.put(
        request.url, data=b"what was sent", headers=dict(request.headers), timeout=TIMEOUT
    )
    assert response.status_code == 400
    assert b"<Code>XAmzContentSHA256Mismatch</Code>" in response.content
    assert (
        b"<Message>The provided 'x-amz-content-sha256' header does not match what was computed."
        b"</Message>" in response.content
    )
    computed = hashlib.sha256(b"what was sent").hexdigest().encode()
    assert (
        b"<ClientComputedContentSHA256>" + signed_for.encode() + b"</ClientComputedContentSHA256>"
        b"<S3ComputedContentSHA256>" + computed + b"</S3ComputedContentSHA256>"
    ) in response.content
    with pytest.raises(ClientError):
        client(creds).head_object(Bucket="bkt", Key="k")  # nothing stored


def test_a_kms_request_signed_more_than_5_minutes_ago_is_a_signature_expired(s3sse):
    # A for awsJson services (aws/aws-sdk-js#254, boto/botocore#3587): InvalidSignatureException
    # "Signature expired: <t> is now earlier than <now - 5 min> (<now> - 5 min.)"; U for KMS's window.
    kms = client(s3sse.principal(USER), "kms")
    kms.list_keys()
    s3sse.clock.advance(minutes=6)
    with pytest.raises(ClientError) as exc:
        kms.list_keys()
    status, code, message = error_of(exc)
    assert (status, code) == (400, "InvalidSignatureException")
    assert message.startswith("Signature expired: ")
    assert message.endswith(" - 5 min.)")


def test_a_kms_request_signed_in_the_future_is_not_yet_current(s3sse):
    kms = client(s3sse.principal(USER), "kms")
    s3sse.clock.freeze(s3sse.clock.now() - timedelta(minutes=6))
    with pytest.raises(ClientError) as exc:
        kms.list_keys()
    message = error_of(exc)[2]
    assert message.startswith("Signature not yet current: ")
    assert message.endswith(" + 5 min.)")

"""SSE-C (customer-provided keys): header validation, HTTPS, and PutObject / GetObject / HeadObject.

Sources: ``shared/reference/aws-sse-behaviour.md`` sections 2.2 (C1-C9), 3 (R1-R15) and 5 (echoes,
ETags). "A" rows were recorded against AWS (LocalStack's validated snapshots
``TestS3SSECEncryption``, 2026-02-21), "P" is AWS documentation, "T" a third-party implementation,
"U" unconfirmed (the engine uses the proposed value). ``docs/sse-c.md`` tabulates every case.
"""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError
from sse_c_support import (
    KEY,
    KEY_MD5,
    MSG_BAD_ALGORITHM,
    MSG_BAD_KEY,
    MSG_INCOMPATIBLE,
    MSG_INSECURE,
    MSG_KEY_REQUIRED,
    MSG_MD5_MISMATCH,
    MSG_NO_ALGORITHM,
    MSG_NO_KEY,
    MSG_NO_MD5,
    MSG_NOT_APPLICABLE,
    MSG_WRONG_KEY,
    OTHER_KEY,
    b64,
    error,
    md5_b64,
    raw_sse_c,
    sse_c,
)

from pytest_s3sse import ObjectNotFoundError, S3SSEAssertionError

BODY = b"test_data"
SSE_HEADER = "x-amz-server-side-encryption"


def _put(s3, bucket, key="k", body=BODY, **kwargs):
    return s3.put_object(Bucket=bucket, Key=key, Body=body, **kwargs)


def _refused_put(s3, bucket, **kwargs):
    with pytest.raises(ClientError) as info:
        _put(s3, bucket, **kwargs)
    return error(info)


# -- write-side header validation (section 2.2) -------------------------------------------------


def test_sse_c_with_x_amz_server_side_encryption_is_c1(s3, ssec_bucket):
    """C1 (A: put-obj-sse-c-both-encryption; C1 is checked before C2's bad algorithm)."""
    status, err = _refused_put(
        s3, ssec_bucket, ServerSideEncryption="AES256", **sse_c(algorithm="KMS")
    )
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_INCOMPATIBLE)
    assert (err["ArgumentName"], err["ArgumentValue"]) == (SSE_HEADER, "AES256")


def test_an_algorithm_other_than_aes256_is_c2(s3, ssec_bucket):
    """C2 (A: put-obj-sse-c-wrong-algo)."""
    status, err = _refused_put(s3, ssec_bucket, **sse_c(algorithm="KMS"))
    assert (status, err["Code"], err["Message"]) == (
        400,
        "InvalidEncryptionAlgorithmError",
        MSG_BAD_ALGORITHM,
    )
    assert (err["ArgumentName"], err["ArgumentValue"]) == (SSE_HEADER, "KMS")


def test_a_key_without_algorithm_is_c3(s3, ssec_bucket):
    """C3 (A: put-obj-sse-c-no-algo; ArgumentName and no ArgumentValue)."""
    status, err = _refused_put(s3, ssec_bucket, SSECustomerKey=KEY)
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_NO_ALGORITHM)
    assert err["ArgumentName"] == SSE_HEADER
    assert "ArgumentValue" not in err


def test_an_algorithm_without_key_is_c4(s3, ssec_bucket):
    """C4 (A: put-obj-sse-c-no-key)."""
    status, err = _refused_put(
        s3, ssec_bucket, SSECustomerAlgorithm="AES256", SSECustomerKeyMD5=KEY_MD5
    )
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_NO_KEY)
    assert err["ArgumentName"] == SSE_HEADER


def test_a_key_of_the_wrong_length_with_its_md5_is_c5(s3, ssec_bucket):
    """C5 (A: put-obj-sse-c-wrong-key-size, a 10-byte key with its own MD5)."""
    short = KEY[:10]
    status, err = _refused_put(s3, ssec_bucket, **raw_sse_c(b64(short), md5_b64(short)))
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_BAD_KEY)
    assert err["ArgumentName"] == SSE_HEADER


def test_an_already_base64_key_is_encoded_twice_by_botocore_and_is_c5(s3, ssec_bucket):
    """C5 (A: put-obj-sse-c-no-md5: botocore base64-encodes the base64 text again, 44 bytes)."""
    status, err = _refused_put(s3, ssec_bucket, **sse_c(b64(KEY)))
    assert (status, err["Message"]) == (400, MSG_BAD_KEY)


def test_an_md5_that_does_not_match_the_key_is_c6(s3, ssec_bucket):
    """C6 (A: put-obj-sse-c-bad-md5, the first character of the MD5 changed)."""
    bad_md5 = ("a" if KEY_MD5[0] != "a" else "b") + KEY_MD5[1:]
    status, err = _refused_put(s3, ssec_bucket, **raw_sse_c(b64(KEY), bad_md5))
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_MD5_MISMATCH)
    assert err["ArgumentName"] == SSE_HEADER


def test_the_md5_is_checked_before_the_key_length(s3, ssec_bucket):
    """C5/C6 order (A via note: aws/aws-sdk-go#1726, aws/aws-cli#6906: a 24-byte key with a wrong
    MD5 got the MD5 error)."""
    status, err = _refused_put(s3, ssec_bucket, **raw_sse_c(b64(KEY[:24]), KEY_MD5))
    assert (status, err["Message"]) == (400, MSG_MD5_MISMATCH)


def test_a_key_that_is_not_base64_is_refused_as_an_invalid_key(s3, ssec_bucket):
    """U: no recording; answered like C5."""
    status, err = _refused_put(s3, ssec_bucket, **raw_sse_c("not base64!", KEY_MD5))
    assert (status, err["Message"]) == (400, MSG_BAD_KEY)


def test_a_key_without_its_md5_is_c7(s3, ssec_bucket):
    """C7 (U: proposed in reference open point 12.3, MinIO's text). boto3 always adds the MD5, so
    the header is dropped on the wire."""

    def drop_md5(request, **_):
        del request.headers["x-amz-server-side-encryption-customer-key-MD5"]

    s3.meta.events.register("before-sign.s3.PutObject", drop_md5)
    status, err = _refused_put(s3, ssec_bucket, **sse_c())
    assert (status, err["Code"], err["Message"]) == (400, "InvalidArgument", MSG_NO_MD5)


def test_a_refused_sse_c_write_stores_nothing(s3, s3sse, ssec_bucket):
    _refused_put(s3, ssec_bucket, **sse_c(algorithm="KMS"))
    with pytest.raises(ObjectNotFoundError):
        s3sse.stored(ssec_bucket, "k")


# -- HTTPS only (C8) ------------------------------------------------------------------------------


def test_an_sse_c_put_over_plain_http_is_refused_and_nothing_is_stored(http_s3, s3sse, ssec_bucket):
    """C8 (P: "Amazon S3 rejects any requests made over HTTP when using SSE-C"; text T/S, MinIO and
    an IONOS capture; code U, InvalidRequest proposed in reference open point 12.1)."""
    status, err = _refused_put(http_s3, ssec_bucket, **sse_c())
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_INSECURE)
    with pytest.raises(ObjectNotFoundError):
        s3sse.stored(ssec_bucket, "k")


def test_an_sse_c_get_over_plain_http_is_refused(s3, http_s3, ssec_bucket):
    """C8 applies to reads too (P)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        http_s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert error(info)[0] == 400
    assert error(info)[1]["Message"] == MSG_INSECURE


def test_an_sse_c_head_over_plain_http_is_a_bodiless_400(s3, http_s3, ssec_bucket):
    """C8 with R4's HEAD rendering (no body, so botocore reports the status as the code)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        http_s3.head_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert error(info) == (400, {"Code": "400", "Message": "Bad Request"})


def test_a_plain_http_request_without_sse_c_headers_is_served(http_s3, ssec_bucket):
    _put(http_s3, ssec_bucket)
    assert http_s3.get_object(Bucket=ssec_bucket, Key="k")["Body"].read() == BODY


# -- PutObject, GetObject, HeadObject (sections 3 and 5) ------------------------------------------


def test_an_sse_c_put_echoes_the_algorithm_and_key_md5_and_no_sse_header(s3, ssec_bucket):
    """5.1 (A: put-obj-sse-c: SSECustomerAlgorithm, SSECustomerKeyMD5, no ServerSideEncryption)."""
    put = _put(s3, ssec_bucket, **sse_c())
    assert (put["SSECustomerAlgorithm"], put["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert "ServerSideEncryption" not in put


def test_an_sse_c_object_is_stored_as_sse_c_ciphertext(s3, s3sse, ssec_bucket):
    _put(s3, ssec_bucket, **sse_c())
    view = s3sse.assert_encrypted(ssec_bucket, "k", mode="SSE-C")
    assert view.mode == "SSE-C"
    assert view.root_key_version is None  # wrapped under the customer key, not a root key
    assert BODY not in view.ciphertext


def test_the_etag_of_an_sse_c_object_is_not_the_md5_and_changes_on_every_put(s3, ssec_bucket):
    """5.2 (P: "encrypted by SSE-C or SSE-KMS, have ETags that are not an MD5 digest"; A: the same
    bytes under the same key gave three different ETags)."""
    first = _put(s3, ssec_bucket, **sse_c())["ETag"].strip('"')
    second = _put(s3, ssec_bucket, **sse_c())["ETag"].strip('"')
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert hashlib.md5(BODY).hexdigest() not in (first, second)
    assert first != second


def test_get_with_the_right_key_returns_the_body_and_echoes_the_key_md5(s3, ssec_bucket):
    """R-side echo (A: get-obj-sse-c: SSECustomerAlgorithm, SSECustomerKeyMD5, no SSE header)."""
    put = _put(s3, ssec_bucket, **sse_c())
    got = s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert got["Body"].read() == BODY
    assert (got["SSECustomerAlgorithm"], got["SSECustomerKeyMD5"]) == ("AES256", KEY_MD5)
    assert "ServerSideEncryption" not in got
    assert got["ETag"] == put["ETag"]


def test_head_with_the_right_key_echoes_the_key_md5(s3, ssec_bucket):
    """A: head-obj-sse-c."""
    _put(s3, ssec_bucket, **sse_c())
    head = s3.head_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert (head["ContentLength"], head["SSECustomerKeyMD5"]) == (len(BODY), KEY_MD5)
    assert "ServerSideEncryption" not in head


def test_get_without_the_key_is_r1(s3, ssec_bucket):
    """R1 (A: get-obj-no-sse-c)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k")
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_KEY_REQUIRED)


def test_get_with_another_key_is_r2_access_denied(s3, ssec_bucket):
    """R2 (A: get-obj-sse-c-wrong-key)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c(OTHER_KEY))
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (403, "AccessDenied", MSG_WRONG_KEY)


def test_get_with_a_double_encoded_key_is_the_wrong_key(s3, ssec_bucket):
    """A: get-obj-sse-c-no-md5: a 44-byte key whose MD5 matches is a 403 on a read (not C5)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c(b64(KEY)))
    assert error(info)[0] == 403
    assert error(info)[1]["Message"] == MSG_WRONG_KEY


def test_get_with_another_algorithm_is_r3(s3, ssec_bucket):
    """R3 (A: get-obj-sse-c-wrong-algo)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c(algorithm="KMS"))
    status, err = error(info)
    assert (status, err["Code"], err["ArgumentValue"]) == (
        400,
        "InvalidEncryptionAlgorithmError",
        "KMS",
    )


def test_get_with_a_wrong_md5_is_c6(s3, ssec_bucket):
    """A: get-obj-sse-c-bad-md5 (recorded on a PUT in the snapshot; the same check on a GET)."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **raw_sse_c(b64(KEY), md5_b64(OTHER_KEY)))
    assert error(info)[1]["Message"] == MSG_MD5_MISMATCH


@pytest.mark.parametrize(
    ("kwargs", "status", "reason"),
    [
        ({}, 400, "Bad Request"),
        (sse_c(OTHER_KEY), 403, "Forbidden"),
        (sse_c(algorithm="KMS"), 400, "Bad Request"),
    ],
    ids=["no-key", "wrong-key", "wrong-algorithm"],
)
def test_head_answers_the_same_status_without_a_body(s3, ssec_bucket, kwargs, status, reason):
    """R4 (A: head-obj-sse-c-wrong-algo {"Code":"400"}, head-obj-sse-c-no-md5 {"Code":"403"})."""
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=ssec_bucket, Key="k", **kwargs)
    assert error(info) == (status, {"Code": str(status), "Message": reason})


def test_sse_c_headers_on_an_object_that_is_not_sse_c_are_r10(s3, ssec_bucket):
    """R10 (A: boto/boto3#982)."""
    _put(s3, ssec_bucket)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
    status, err = error(info)
    assert (status, err["Code"], err["Message"]) == (400, "InvalidRequest", MSG_NOT_APPLICABLE)


def test_delete_of_an_sse_c_object_needs_no_key(s3, ssec_bucket):
    """R12 (A: del-obj-sse-c, 204)."""
    _put(s3, ssec_bucket, **sse_c())
    response = s3.delete_object(Bucket=ssec_bucket, Key="k")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_an_overwrite_under_another_key_needs_the_new_key(s3, ssec_bucket):
    """A (test_sse_c_with_versioning): each write carries its own key; the old one no longer opens
    the current object."""
    _put(s3, ssec_bucket, body=b"version1", **sse_c())
    _put(s3, ssec_bucket, body=b"version2", **sse_c(OTHER_KEY))
    assert s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c(OTHER_KEY))["Body"].read() == (
        b"version2"
    )
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert error(info)[0] == 403


# -- ranges and conditions (section 3, "Range and part reads") ------------------------------------


def test_a_ranged_get_needs_the_key_and_serves_plaintext_bytes(s3, ssec_bucket):
    """Section 3: a ranged GET needs the trio; offsets are plaintext offsets (T: ceph); the echo on
    206 is U."""
    body = bytes(range(256)) * 1024
    _put(s3, ssec_bucket, body=body, **sse_c())
    got = s3.get_object(Bucket=ssec_bucket, Key="k", Range="bytes=70000-70099", **sse_c())
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == body[70000:70100]
    assert got["ContentRange"] == f"bytes 70000-70099/{len(body)}"
    assert got["SSECustomerKeyMD5"] == KEY_MD5
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", Range="bytes=0-9")
    assert error(info)[1]["Message"] == MSG_KEY_REQUIRED


def test_a_large_sse_c_object_streams_with_its_key(s3, ssec_bucket):
    body = b"0123456789abcdef" * (512 * 1024)  # 8 MiB: decrypted as the body is read
    _put(s3, ssec_bucket, body=body, **sse_c())
    assert s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())["Body"].read() == body


def test_conditional_gets_of_an_sse_c_object_compare_its_etag(s3, ssec_bucket):
    """Conditions behave as on any object (A for the rules, docs/_research/s3-errors.md 5a)."""
    etag = _put(s3, ssec_bucket, **sse_c())["ETag"]
    got = s3.get_object(Bucket=ssec_bucket, Key="k", IfMatch=etag, **sse_c())
    assert got["Body"].read() == BODY
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", IfNoneMatch=etag, **sse_c())
    assert error(info)[0] == 304
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", IfMatch='"0"', **sse_c())
    assert error(info)[0] == 412


def test_the_key_is_checked_before_the_conditions(s3, ssec_bucket):
    """U (no recording orders them): without the key, a matching If-None-Match is still R1."""
    etag = _put(s3, ssec_bucket, **sse_c())["ETag"]
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", IfNoneMatch=etag)
    assert error(info)[0] == 400


# -- the test API -----------------------------------------------------------------------------------


def test_assert_readable_only_with_accepts_the_objects_key(s3, s3sse, ssec_bucket):
    _put(s3, ssec_bucket, **sse_c())
    view = s3sse.assert_readable_only_with(ssec_bucket, "k", KEY)
    assert view.mode == "SSE-C"


def test_assert_readable_only_with_accepts_the_key_as_text(s3, s3sse, ssec_bucket):
    _put(s3, ssec_bucket, **sse_c(KEY.decode()))
    s3sse.assert_readable_only_with(ssec_bucket, "k", KEY.decode())


def test_assert_readable_only_with_fails_for_another_key(s3, s3sse, ssec_bucket):
    _put(s3, ssec_bucket, **sse_c())
    with pytest.raises(S3SSEAssertionError, match="does not open with the given customer key"):
        s3sse.assert_readable_only_with(ssec_bucket, "k", OTHER_KEY)


def test_assert_readable_only_with_fails_for_an_object_that_is_not_sse_c(s3, s3sse, ssec_bucket):
    _put(s3, ssec_bucket)
    with pytest.raises(S3SSEAssertionError, match="expected mode SSE-C, found SSE-S3"):
        s3sse.assert_readable_only_with(ssec_bucket, "k", KEY)


def test_assert_readable_only_with_fails_for_tampered_ciphertext(s3, s3sse, ssec_bucket):
    _put(s3, ssec_bucket, **sse_c())
    s3sse.tamper(ssec_bucket, "k", offset=20)
    with pytest.raises(S3SSEAssertionError, match="fails authentication"):
        s3sse.assert_readable_only_with(ssec_bucket, "k", KEY)


def test_tampering_with_an_sse_c_object_is_an_internal_error_not_a_wrong_key(
    s3, s3sse, ssec_bucket
):
    """The key is recognised by its fingerprint, never by a failed decryption: the right key on
    altered ciphertext is 500 InternalError (docs/sse-s3.md, Tampering), not 403."""
    _put(s3, ssec_bucket, **sse_c())
    s3sse.tamper(ssec_bucket, "k", offset=20)
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket=ssec_bucket, Key="k", **sse_c())
    assert error(info)[1]["Code"] == "InternalError"


def test_a_wrong_content_md5_is_bad_digest_for_sse_c_too(s3, ssec_bucket):
    # The ETag of an SSE-C object is not the MD5, but a Content-MD5 is still checked against it.
    wrong = b64(hashlib.md5(b"other").digest())
    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket=ssec_bucket, Key="k", Body=b"data", ContentMD5=wrong, **sse_c())
    assert error(info)[1]["Code"] == "BadDigest"

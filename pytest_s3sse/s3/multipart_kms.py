"""Multipart uploads under SSE-KMS and DSSE-KMS: when S3 calls KMS for an upload.

An upload's data key is made once, at CreateMultipartUpload (GenerateDataKey, or the held Bucket Key).
S3 "must decrypt and read data from the encrypted file parts before it completes the multipart upload"
(P, CreateMultipartUpload: ``kms:GenerateDataKey*`` and ``kms:Decrypt`` are both required), and
multipart uploads fail without ``kms:Decrypt`` (S, aws/aws-sdk-js#1814). How often is not published;
the engine follows the reference's proposal (open point 12.7, U): a Decrypt of the upload's data key
for every UploadPart and UploadPartCopy and one at CompleteMultipartUpload, each as the requester of
that request, and none while a Bucket Key is held. So an upload of N parts without a Bucket Key costs
1 + N + 1 KMS calls (twice that for DSSE-KMS, one per layer).
"""

from __future__ import annotations

from pytest_s3sse.crypto.aead import Aead
from pytest_s3sse.s3.objects import ObjectService
from pytest_s3sse.s3.store import MultipartUpload, StoredObject
from pytest_s3sse.sse.kms import KmsScope
from pytest_s3sse.types import Principal


def scope_of(
    objects: ObjectService,
    bucket_name: str,
    key: str,
    requester: Principal | None,
    *,
    secure: bool,
    signed_v4: bool,
) -> KmsScope:
    """The scope of a request about ``bucket_name``/``key`` (an upload or a copy source)."""
    with objects.store.lock:
        bucket = objects.store.bucket(bucket_name)
    return objects.scope(bucket, key, requester, secure=secure, signed_v4=signed_v4)


def open_upload(
    objects: ObjectService,
    upload: MultipartUpload,
    customer_key: bytes | None,
    requester: Principal | None,
    *,
    secure: bool,
    signed_v4: bool,
) -> Aead:
    """The upload's cipher for one part (a KMS upload: Decrypt as the part's requester)."""
    scope = None
    if upload.envelope.kms_wrapped:
        scope = scope_of(
            objects, upload.bucket, upload.key, requester, secure=secure, signed_v4=signed_v4
        )
    return objects.sealer.open(upload.envelope, customer_key=customer_key, kms=scope)


def source_scope(
    objects: ObjectService,
    source: StoredObject,
    requester: Principal | None,
    *,
    secure: bool,
    signed_v4: bool,
) -> KmsScope | None:
    """The scope in which UploadPartCopy reads a KMS source (Decrypt in its bucket); None for others."""
    if not source.envelope.kms_wrapped:
        return None
    return scope_of(
        objects, source.bucket, source.key, requester, secure=secure, signed_v4=signed_v4
    )


def decrypt_at_complete(
    objects: ObjectService,
    upload: MultipartUpload,
    requester: Principal | None,
    *,
    secure: bool,
    signed_v4: bool,
) -> None:
    """The Decrypt S3 makes to complete a KMS upload (nothing for SSE-S3 and SSE-C uploads).

    Completing re-encrypts nothing here (the parts are the object's ciphertext already), so the call
    is made for what it tells a test: the permission it needs, the key state it checks, the count.
    """
    if upload.envelope.kms_wrapped:
        scope = scope_of(
            objects, upload.bucket, upload.key, requester, secure=secure, signed_v4=signed_v4
        )
        objects.sealer.open(upload.envelope, kms=scope)

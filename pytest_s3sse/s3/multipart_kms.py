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
from pytest_s3sse.s3.store import MultipartUpload
from pytest_s3sse.types import Principal


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
    scope = objects.opening_scope(upload, requester, secure=secure, signed_v4=signed_v4)
    return objects.sealer.open(upload.envelope, customer_key=customer_key, kms=scope)


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
    scope = objects.opening_scope(upload, requester, secure=secure, signed_v4=signed_v4)
    if scope is not None:
        objects.sealer.open(upload.envelope, kms=scope)

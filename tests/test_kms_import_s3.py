"""S3 with a KMS key whose material is imported (Origin EXTERNAL): the end-to-end case of issue 17.

An SSE-KMS bucket whose default key has imported material that expires on the engine clock: once it has
expired (or been deleted), writes and reads fail as S3 fails them for a key KMS refuses, ``KMS.`` and
KMS's code and message with status 400 (aws-sse-behaviour.md 7.2; A for KMSInvalidState through S3, R6;
the PendingImport text A, LS-AWS ``test_import_key_symmetric``), and they work again once the same
material is imported again.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError
from kms_support import error, kms_default
from test_kms_import import MATERIAL, external_key, import_material

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def imported(s3sse, kms, s3, bucket):
    """The bucket's default SSE-KMS key: an EXTERNAL key whose material expires in two days."""
    s3sse.clock.freeze(START)
    key = external_key(kms)
    import_material(
        kms,
        key["KeyId"],
        ValidTo=START + timedelta(days=2),
        ExpirationModel="KEY_MATERIAL_EXPIRES",
    )
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["Arn"])
    )
    return key


def _pending_import(key):
    return (
        400,
        {"Code": "KMS.KMSInvalidStateException", "Message": f"{key['Arn']} is pending import."},
    )


def test_an_sse_kms_bucket_fails_while_imported_material_is_expired_and_recovers_on_reimport(
    s3sse, kms, s3, bucket, imported
):
    s3.put_object(Bucket=bucket, Key="before", Body=b"written before expiry")
    s3sse.clock.advance(days=2)  # ValidTo passes: KMS deletes the material

    with pytest.raises(ClientError) as write:
        s3.put_object(Bucket=bucket, Key="during", Body=b"x")
    assert error(write) == _pending_import(imported)
    with pytest.raises(ClientError) as read:
        s3.get_object(Bucket=bucket, Key="before")
    assert error(read) == _pending_import(imported)

    import_material(kms, imported["KeyId"], material=MATERIAL)  # the same material again
    assert s3.get_object(Bucket=bucket, Key="before")["Body"].read() == b"written before expiry"
    s3.put_object(Bucket=bucket, Key="after", Body=b"y")
    assert s3.get_object(Bucket=bucket, Key="after")["Body"].read() == b"y"


def test_nothing_is_stored_by_a_write_refused_for_a_key_pending_import(kms, s3, bucket, imported):
    kms.delete_imported_key_material(KeyId=imported["KeyId"])
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="refused", Body=b"x")
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket=bucket, Key="refused")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

"""The KMS call log: every operation, direct or made by S3 for a request, recorded with its key, caller,
``via``, time, error code and encryption context; counted by ``s3sse.kms_call_count``.

Counting is what cost and throttling estimates need (audit-behaviour.md 6.1: "counting every KMS crypto
call, S3-initiated ones included").
"""

from __future__ import annotations

import threading
from types import MappingProxyType

import pytest
from botocore.exceptions import ClientError
from kms_support import KEY_FORMS, key_form

from pytest_s3sse import KmsCall, KmsKeyNotFoundError
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import Caller
from pytest_s3sse._internal.types import Principal

ROOT = "arn:aws:iam::123456789012:root"


def test_each_call_is_recorded_with_its_key_caller_time_and_context(s3sse, kms, key):
    s3sse.clock.freeze()
    sent = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"app": "billing"})
    call = s3sse.kms_calls[-1]
    assert call == KmsCall(
        operation="Encrypt",
        key_arn=key["Arn"],
        caller=ROOT,
        account="123456789012",
        region="us-east-1",
        via="direct",
        time=s3sse.clock.now(),
        error=None,
        encryption_context={"app": "billing"},
        request_id=sent["ResponseMetadata"]["RequestId"],
        material_id=kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"],
    )


def test_a_failed_call_is_recorded_with_its_error_code(s3sse, kms, key):
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError):
        kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    call = s3sse.kms_calls[-1]
    assert (call.operation, call.key_arn, call.error) == (
        "GenerateDataKey", key["Arn"], "DisabledException",
    )  # fmt: skip


def test_a_call_that_names_no_key_records_none(s3sse, kms):
    with pytest.raises(ClientError):
        kms.describe_key(KeyId="alias/missing")
    assert (s3sse.kms_calls[-1].key_arn, s3sse.kms_calls[-1].error) == (None, "NotFoundException")


@pytest.mark.parametrize("form", KEY_FORMS)
def test_kms_call_count_takes_a_key_in_any_form(s3sse, kms, key, form):
    other = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    kms.encrypt(KeyId="alias/app", Plaintext=b"x")
    kms.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    kms.encrypt(KeyId=other["KeyId"], Plaintext=b"x")
    ref = key_form(key, form, alias="alias/app")
    assert s3sse.kms_call_count("Encrypt", key=ref) == 2
    assert s3sse.kms_call_count(key=ref) == 4  # CreateKey, CreateAlias, two Encrypts
    assert s3sse.kms_call_count("Encrypt") == 3


def test_re_encrypt_counts_for_both_keys(s3sse, kms, key):
    other = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=other["KeyId"])
    assert s3sse.kms_call_count("ReEncrypt", key=key["KeyId"]) == 1
    assert s3sse.kms_call_count("ReEncrypt", key=other["KeyId"]) == 1
    assert s3sse.kms_calls[-1].source_key_arn == key["Arn"]


def test_calls_made_by_s3_are_recorded_as_via_s3_for_the_requester(s3sse, key):
    requester = Principal("123456789012", "arn:aws:iam::123456789012:user/app")
    caller = Caller.for_s3(requester, account="123456789012", region="us-east-1")
    context = {"aws:s3:arn": "arn:aws:s3:::bkt/k"}
    data_key = s3sse.kms.generate_data_key(key["KeyId"], caller=caller, context=context)
    s3sse.kms.decrypt(data_key.ciphertext_blob, caller=caller, context=context)
    calls = s3sse.kms_calls[-2:]
    assert [(c.operation, c.via, c.caller) for c in calls] == [
        ("GenerateDataKey", "s3", "arn:aws:iam::123456789012:user/app"),
        ("Decrypt", "s3", "arn:aws:iam::123456789012:user/app"),
    ]
    assert all(c.encryption_context == context for c in calls)
    assert s3sse.kms_call_count("Decrypt", key=key["Arn"]) == 1


def test_the_call_log_is_read_only(s3sse, kms, key):
    assert isinstance(s3sse.kms_calls, tuple)
    assert isinstance(s3sse.kms_calls[0].encryption_context, MappingProxyType)


def test_counting_calls_of_an_alias_that_does_not_exist_is_a_lookup_error(s3sse):
    with pytest.raises(KmsKeyNotFoundError, match="alias/missing"):
        s3sse.kms_call_count(key="alias/missing")


def test_calls_from_many_threads_are_all_recorded(s3sse, make_client, key):
    # boto3 clients are thread-safe, and s3transfer calls from worker threads (STYLE).
    kms = make_client("kms")

    def work():
        for _ in range(10):
            kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert s3sse.kms_call_count("Encrypt", key=key["KeyId"]) == 80


def test_a_call_that_fails_inside_the_engine_is_not_logged_and_releases_the_service():
    service = KmsService(Clock(), Entropy(1))
    caller = Caller(Principal("123456789012", ROOT), "us-east-1")

    def bug(*_args, **_kwargs):
        raise RuntimeError("an engine bug")

    service.store.region = bug  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        service.encrypt("alias/missing", b"x", caller=caller)
    assert service.calls == ()
    acquired = []
    other = threading.Thread(target=lambda: acquired.append(service.lock.acquire(timeout=2)))
    other.start()
    other.join()
    assert acquired == [True]

"""s3fs (and pandas through it) answered in-process by the engine (issue 16; s3fs runs aiobotocore on
its own event loop thread: wire/aiobotocore_adapter.py answers it).

SSE travels in ``s3_additional_kwargs``, which s3fs adds to every call whose input shape takes it
(PutObject, CreateMultipartUpload, UploadPart, GetObject, HeadObject ...). s3fs caches filesystem
instances by their arguments, so each test builds its own (``skip_instance_cache=True``) and the
cache is cleared after each test.
"""

from __future__ import annotations

import errno
from typing import Any

import pytest
from sse_c_support import KEY, MSG_KEY_REQUIRED, sse_c

from pytest_s3sse._internal.audit import RequestRecord

s3fs = pytest.importorskip(
    "s3fs",
    reason="s3fs is not installed (it comes with pytest-s3sse[test] where aiobotocore resolves with "
    "the installed botocore)",
)

MiB = 1024 * 1024
CREDENTIALS = {"key": "AKIDTEST", "secret": "secret", "client_kwargs": {"region_name": "us-east-1"}}


@pytest.fixture(autouse=True)
def no_cached_filesystems():
    """s3fs keeps every S3FileSystem it built, keyed by its arguments: none outlives its test."""
    yield
    s3fs.S3FileSystem.clear_instance_cache()


def filesystem(**sse: Any) -> Any:
    """An S3FileSystem of its own (never one cached by an earlier test)."""
    return s3fs.S3FileSystem(skip_instance_cache=True, s3_additional_kwargs=sse, **CREDENTIALS)


def storage_options(**sse: Any) -> dict[str, Any]:
    """What pandas hands to fsspec for an ``s3://`` path."""
    return {"skip_instance_cache": True, "s3_additional_kwargs": sse, **CREDENTIALS}


def test_write_and_read_an_sse_kms_object(s3sse, bucket, key):
    fs = filesystem(ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    fs.pipe_file("bkt/k.txt", b"through s3fs")
    assert fs.cat_file("bkt/k.txt") == b"through s3fs"
    s3sse.assert_encrypted("bkt", "k.txt", mode="aws:kms", kms_key=key["KeyId"])


def test_write_and_read_an_sse_c_object(s3sse, s3, ssec_bucket):
    fs = filesystem(**sse_c())
    fs.pipe_file(f"{ssec_bucket}/k.txt", b"customer keyed")
    assert fs.cat_file(f"{ssec_bucket}/k.txt") == b"customer keyed"
    assert fs.info(f"{ssec_bucket}/k.txt")["size"] == len(b"customer keyed")
    s3sse.assert_readable_only_with(ssec_bucket, "k.txt", KEY)


def test_reading_an_sse_c_object_without_the_key_is_refused_as_aws_refuses_it(
    s3sse, s3, ssec_bucket
):
    """R1 (A: get-obj-no-sse-c; aws-sse-behaviour.md section 3): s3fs asks HeadObject first, whose
    400 has no body on S3 either, so s3fs raises OSError EINVAL "Bad Request"; the engine's record
    keeps AWS's code and message."""
    filesystem(**sse_c()).pipe_file(f"{ssec_bucket}/k.txt", b"customer keyed")
    with pytest.raises(OSError) as info:
        filesystem().cat_file(f"{ssec_bucket}/k.txt")
    assert info.value.errno == errno.EINVAL
    refused = [r for r in s3sse.engine.events.of(RequestRecord) if r.status == 400]
    assert {(r.operation, r.error_code, r.error_message) for r in refused} == {
        ("HeadObject", "InvalidRequest", MSG_KEY_REQUIRED)
    }


def test_ls_info_and_rm(s3sse, bucket):
    fs = filesystem(ServerSideEncryption="AES256")
    fs.pipe({"bkt/dir/a": b"1", "bkt/dir/b": b"22", "bkt/top": b"333"})
    assert fs.ls("bkt/dir", detail=False) == ["bkt/dir/a", "bkt/dir/b"]
    info = fs.info("bkt/dir/b")
    assert (info["size"], info["type"]) == (2, "file")
    assert fs.info("bkt/dir")["type"] == "directory"
    fs.rm("bkt/dir", recursive=True)
    assert fs.ls("bkt", detail=False, refresh=True) == ["bkt/top"]
    assert not fs.exists("bkt/dir/a")


def test_copy_and_move_carry_the_sse_arguments(s3sse, bucket, key):
    """s3fs adds ``s3_additional_kwargs`` to CopyObject too: the copy is encrypted as configured, not
    under the bucket default."""
    fs = filesystem(ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    fs.pipe_file("bkt/a", b"1")
    fs.copy("bkt/a", "bkt/b")
    fs.mv("bkt/b", "bkt/c")
    assert fs.ls("bkt", detail=False, refresh=True) == ["bkt/a", "bkt/c"]
    s3sse.assert_encrypted("bkt", "c", mode="aws:kms", kms_key=key["KeyId"])


def test_a_missing_file_is_file_not_found(s3sse, bucket):
    """404 NoSuchKey (docs/errors.md, A §1) is what s3fs turns into FileNotFoundError."""
    with pytest.raises(FileNotFoundError):
        filesystem().cat_file("bkt/missing")


def test_open_wb_with_multipart_sized_writes_and_rb_reads_back(s3sse, bucket, key):
    """A write larger than the block size (here 5 MiB, S3's smallest part) goes as a multipart upload,
    each part with the SSE arguments."""
    fs = filesystem(ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    payload = bytes(range(256)) * (11 * MiB // 256)
    with fs.open("bkt/big.bin", "wb", block_size=5 * MiB) as handle:
        for start in range(0, len(payload), 3 * MiB):
            handle.write(payload[start : start + 3 * MiB])
    with fs.open("bkt/big.bin", "rb", block_size=2 * MiB) as handle:
        assert handle.read(10) == payload[:10]
        handle.seek(7 * MiB)
        assert handle.read(MiB) == payload[7 * MiB : 8 * MiB]
        handle.seek(0)
        assert handle.read() == payload
    stored = s3sse.assert_encrypted("bkt", "big.bin", mode="aws:kms", kms_key=key["KeyId"])
    assert "-" in stored.etag  # a multipart ETag: the parts s3fs' buffering made


def test_open_wb_with_sse_c_multipart(s3sse, s3, ssec_bucket):
    fs = filesystem(**sse_c())
    payload = b"s" * (6 * MiB)
    with fs.open(f"{ssec_bucket}/big.bin", "wb", block_size=5 * MiB) as handle:
        handle.write(payload)
    with fs.open(f"{ssec_bucket}/big.bin", "rb") as handle:
        assert handle.read() == payload
    s3sse.assert_readable_only_with(ssec_bucket, "big.bin", KEY)


def test_pandas_to_parquet_and_read_parquet_on_s3_paths_with_sse_kms(s3sse, bucket, key):
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    frame = pd.DataFrame({"item": ["apple", "pear"], "quantity": [3, 5]})
    sse = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key["KeyId"]}
    frame.to_parquet("s3://bkt/frame.parquet", storage_options=storage_options(**sse))
    back = pd.read_parquet("s3://bkt/frame.parquet", storage_options=storage_options())
    pd.testing.assert_frame_equal(back, frame)
    s3sse.assert_encrypted("bkt", "frame.parquet", mode="aws:kms", kms_key=key["KeyId"])


def test_pandas_to_parquet_and_read_parquet_on_s3_paths_with_sse_c(s3sse, s3, ssec_bucket):
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    frame = pd.DataFrame({"n": range(100)})
    path = f"s3://{ssec_bucket}/frame.parquet"
    frame.to_parquet(path, storage_options=storage_options(**sse_c()))
    back = pd.read_parquet(path, storage_options=storage_options(**sse_c()))
    pd.testing.assert_frame_equal(back, frame)
    s3sse.assert_readable_only_with(ssec_bucket, "frame.parquet", KEY)

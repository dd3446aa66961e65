"""The benchmark workloads. Each case has a set-up (run once per backend, untimed) and an operation
(timed in batches); the runner interleaves the backends round by round."""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from boto3.s3.transfer import TransferConfig

from benchmarks.backends import Backend, FloorBackend, S3SSEBackend

KiB, MiB = 1024, 1024 * 1024
SSEC_KEY = b"k" * 32
BUCKET = "bench"
BK_BUCKET = "bench-bucket-keys"


def sse_put(mode: str, backend: Backend) -> dict[str, Any]:
    """PutObject arguments for an SSE mode."""
    if mode == "SSE-KMS":
        return {
            "ServerSideEncryption": "aws:kms",
            "SSEKMSKeyId": backend_state(backend).get("kms_key", "alias/bench"),
        }
    if mode == "SSE-KMS+BK":
        return {**sse_put("SSE-KMS", backend), "BucketKeyEnabled": True}
    if mode == "SSE-C":
        return sse_get(mode)
    return {}


def sse_get(mode: str) -> dict[str, Any]:
    """GetObject arguments for an SSE mode."""
    if mode == "SSE-C":
        return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": SSEC_KEY}
    return {}


_STATE: dict[int, dict[str, Any]] = {}


def backend_state(backend: Backend) -> dict[str, Any]:
    """Per-backend scratch space (keys made in set-up, counters)."""
    return _STATE.setdefault(id(backend), {})


def make_bucket(backend: Backend) -> None:
    """The benchmark bucket, once per backend."""
    state = backend_state(backend)
    if not state.get("bucket"):
        backend.client().create_bucket(Bucket=BUCKET)
        state["bucket"] = True


def make_kms_key(backend: Backend) -> None:
    """A customer KMS key, once per backend (the floor needs none)."""
    state = backend_state(backend)
    if "kms_key" not in state and not isinstance(backend, FloorBackend):
        state["kms_key"] = backend.client("kms").create_key()["KeyMetadata"]["Arn"]


@dataclass
class Case:
    """One workload: ``rounds`` timed batches of ``batch`` operations per backend.

    Small batches and many rounds: the machine's speed drifts within seconds, and a ratio is taken
    per round between backends that ran back to back, so the shorter a round the better it pairs.
    """

    name: str
    op: Callable[[Backend], Any]
    setup: Callable[[Backend], None] = lambda b: None
    batch: int = 20
    rounds: int = 60
    ops_per_call: int = 1
    needs_active: bool = True
    floor_object_size: int = 1 * KiB
    floor_list_keys: int = 0
    only: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)


def _counter(backend: Backend) -> int:
    state = backend_state(backend)
    state["n"] = state.get("n", 0) + 1
    return state["n"]


def _setup_for(mode: str) -> Callable[[Backend], None]:
    """The bucket, and for SSE-KMS the customer key, that a put+get case in ``mode`` needs."""

    def setup(backend: Backend) -> None:
        make_bucket(backend)
        if mode.startswith("SSE-KMS"):
            make_kms_key(backend)

    return setup


def small_put_get(mode: str) -> Case:
    body = os.urandom(1 * KiB)

    def op(backend: Backend) -> None:
        s3 = backend.client()
        key = f"small/{mode}/{_counter(backend)}"
        s3.put_object(Bucket=BUCKET, Key=key, Body=body, **sse_put(mode, backend))
        s3.get_object(Bucket=BUCKET, Key=key, **sse_get(mode))["Body"].read()

    return Case(f"put+get 1 KiB {mode}", op, _setup_for(mode))


POLICY_BUCKET = "bench-policies"


def twenty_statement_bucket_policy(bucket: str) -> str:
    """A 20-statement bucket policy whose statements all name PutObject or GetObject (so every
    request reads them all): Denies whose conditions do not hold, Allows for other principals and
    prefixes (issue 13 "Speed")."""
    statements = []
    for i in range(20):
        if i % 2:
            statements.append(
                {
                    "Sid": f"Deny{i}",
                    "Effect": "Deny",
                    "Principal": "*",
                    # A wildcard: PutObject supports the SSE key and GetObject does not, so the
                    # pair would be refused (M8); "s3:*Object" names both and is accepted.
                    "Action": ["s3:PutObject", "s3:GetObject"] if i % 4 == 1 else "s3:*Object",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                    if i % 4 == 1
                    else {"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}},
                }
            )
        else:
            statements.append(
                {
                    "Sid": f"Allow{i}",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::123456789012:user/u{i}"},
                    "Action": "s3:*Object",
                    "Resource": f"arn:aws:s3:::{bucket}/p{i}/*",
                    "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
                }
            )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def ten_statement_key_policy() -> str:
    """The default key policy's statement and 9 more that name the data-key actions with conditions
    on the encryption context and the calling service."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for i in range(9):
        statements.append(
            {
                "Sid": f"S{i}",
                "Effect": "Deny" if i % 3 == 0 else "Allow",
                "Principal": {"AWS": f"arn:aws:iam::123456789012:role/r{i}"} if i % 3 else "*",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::other{i}/*"}
                }
                if i % 3 == 0
                else {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def policy_put_get() -> Case:
    """A 1 KiB SSE-KMS put+get into a bucket with a 20-statement bucket policy, under a key with a
    10-statement key policy: compare its s3sse/floor+wire ratio with the plain SSE-KMS case's."""
    body = os.urandom(1 * KiB)

    def setup(backend: Backend) -> None:
        state = backend_state(backend)
        if state.get("policies") or isinstance(backend, FloorBackend):
            return
        s3, kms = backend.client(), backend.client("kms")
        s3.create_bucket(Bucket=POLICY_BUCKET)
        s3.put_bucket_policy(
            Bucket=POLICY_BUCKET, Policy=twenty_statement_bucket_policy(POLICY_BUCKET)
        )
        key = kms.create_key(Policy=ten_statement_key_policy())["KeyMetadata"]["Arn"]
        state["policies"] = key

    def op(backend: Backend) -> None:
        s3 = backend.client()
        key = f"policy/{_counter(backend)}"
        extra = {}
        if not isinstance(backend, FloorBackend):
            extra = {
                "ServerSideEncryption": "aws:kms",
                "SSEKMSKeyId": backend_state(backend)["policies"],
            }
        s3.put_object(Bucket=POLICY_BUCKET, Key=key, Body=body, **extra)
        s3.get_object(Bucket=POLICY_BUCKET, Key=key)["Body"].read()

    return Case(
        "put+get 1 KiB SSE-KMS, 20-stmt bucket + 10-stmt key policy",
        op,
        setup,
        only=("s3sse", "floor+wire"),
    )


def head_case() -> Case:
    def setup(backend: Backend) -> None:
        make_bucket(backend)
        backend.client().put_object(Bucket=BUCKET, Key="head", Body=b"x" * KiB)

    return Case("HEAD 1 KiB", lambda b: b.client().head_object(Bucket=BUCKET, Key="head"), setup)


def list_case() -> Case:
    def setup(backend: Backend) -> None:
        make_bucket(backend)
        state = backend_state(backend)
        if not state.get("listed"):
            s3 = backend.client()
            for i in range(1000):
                s3.put_object(Bucket=BUCKET, Key=f"list/{i:04d}", Body=b"")
            state["listed"] = True

    def op(backend: Backend) -> None:
        backend.client().list_objects_v2(Bucket=BUCKET, Prefix="list/")

    return Case("ListObjectsV2 1,000 keys", op, setup, batch=2, rounds=40, floor_list_keys=1000)


def large_put_get(mode: str, size: int) -> Case:
    body = os.urandom(size)

    def op(backend: Backend) -> None:
        s3 = backend.client()
        s3.put_object(Bucket=BUCKET, Key="large", Body=body, **sse_put(mode, backend))
        s3.get_object(Bucket=BUCKET, Key="large", **sse_get(mode))["Body"].read()

    return Case(
        f"put+get {size // MiB} MiB {mode}", op, _setup_for(mode), batch=1, rounds=5,
        floor_object_size=size,
        meta={"size": size, "mode": mode, "body": body},
    )  # fmt: skip


def multipart_case(size: int) -> Case:
    body = os.urandom(size)
    config = TransferConfig(
        multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4
    )

    def setup(backend: Backend) -> None:
        # s3transfer does not pass BucketKeyEnabled through ExtraArgs: applications get Bucket Keys
        # from the bucket's default encryption, and so does this case.
        state = backend_state(backend)
        make_kms_key(backend)
        if not state.get("bk_bucket"):
            s3 = backend.client()
            s3.create_bucket(Bucket=BK_BUCKET)
            rule = {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": state.get("kms_key", "alias/bench"),
            }
            s3.put_bucket_encryption(
                Bucket=BK_BUCKET,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": rule, "BucketKeyEnabled": True}
                    ]
                },
            )
            state["bk_bucket"] = True

    def op(backend: Backend) -> None:
        s3 = backend.client()
        s3.upload_fileobj(io.BytesIO(body), BK_BUCKET, "multipart", Config=config)
        s3.download_fileobj(BK_BUCKET, "multipart", io.BytesIO(), Config=config)

    return Case(
        f"multipart {size // MiB} MiB SSE-KMS+BK (s3transfer)", op, setup, batch=1, rounds=2,
        floor_object_size=size,
    )  # fmt: skip


def kms_pairs_case() -> Case:
    def op(backend: Backend) -> None:
        kms = backend.client("kms")
        key = backend_state(backend).get("kms_key", "alias/bench")
        blob = kms.generate_data_key(KeyId=key, KeySpec="AES_256")["CiphertextBlob"]
        kms.decrypt(CiphertextBlob=blob)

    return Case("KMS GenerateDataKey+Decrypt", op, make_kms_key, batch=40, rounds=60)


def bucket_key_puts_case() -> Case:
    def setup(backend: Backend) -> None:
        make_bucket(backend)
        make_kms_key(backend)

    def op(backend: Backend) -> None:
        key = f"bk/{_counter(backend)}"
        backend.client().put_object(
            Bucket=BUCKET, Key=key, Body=b"x", **sse_put("SSE-KMS+BK", backend)
        )

    return Case("SSE-KMS put with Bucket Keys", op, setup, batch=40, rounds=60)


def threads_case(threads: int) -> Case:
    def op(backend: Backend) -> None:
        s3 = backend.client()

        def work() -> None:
            for _ in range(25):
                key = f"threads/{_counter(backend)}"
                s3.put_object(Bucket=BUCKET, Key=key, Body=b"x" * KiB)
                s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

        pool = [threading.Thread(target=work) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()

    return Case(
        f"put+get 1 KiB, {threads} threads",
        op,
        make_bucket,
        batch=1,
        rounds=15,
        ops_per_call=threads * 25,
    )


def start_stop_case() -> Case:
    return Case(
        "fixture start+stop", lambda b: b.start_stop(), batch=20, rounds=60, needs_active=False
    )


def scaling_case(stored: int) -> Case:
    """Cost per put+get+head with ``stored`` objects already in the bucket.

    The floors store nothing; they run beside s3sse and moto so that the cases, which run minutes
    apart, can be compared through their ratios to the floor rather than through absolute times
    on a machine whose speed drifts.
    """

    def setup(backend: Backend) -> None:
        make_bucket(backend)
        state = backend_state(backend)
        have = state.get("populated", 0)
        if have < stored and not isinstance(backend, FloorBackend):
            populate(backend, have, stored)
            state["populated"] = stored

    def op(backend: Backend) -> None:
        s3 = backend.client()
        n = _counter(backend)
        # Spread over the stored keys (not all after them), so a sorted store pays its real insert.
        key = f"scale/{n * 7919 % stored:07d}/new/{n}"
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x" * KiB)
        s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        s3.head_object(Bucket=BUCKET, Key=key)

    return Case(
        f"put+get+head with {stored:,} stored",
        op,
        setup,
        batch=10,
        rounds=40,
    )


def populate(backend: Backend, start: int, stop: int) -> None:
    """Fill the bucket fast, below the client, so large stores are cheap to build."""
    if isinstance(backend, S3SSEBackend):
        from pytest_s3sse._internal.s3.objects import WriteRequest  # noqa: PLC0415

        objects = backend.env.engine.objects
        for i in range(start, stop):
            objects.put(WriteRequest(BUCKET, f"scale/{i:07d}"), io.BytesIO(b"x" * KiB))
        return
    from moto.backends import get_backend  # noqa: PLC0415

    s3_backend = get_backend("s3")["123456789012"]["global"]
    for i in range(start, stop):
        s3_backend.put_object(BUCKET, f"scale/{i:07d}", b"x" * KiB)


def all_cases(quick: bool = False) -> list[Case]:
    """Every case, in report order (``quick``: smaller sizes, for a smoke run)."""
    large = 8 * MiB if quick else 64 * MiB
    multipart = 24 * MiB if quick else 200 * MiB
    cases = [start_stop_case()]
    cases += [small_put_get(mode) for mode in ("SSE-S3", "SSE-KMS", "SSE-C")]
    cases += [policy_put_get()]
    cases += [head_case(), list_case()]
    cases += [large_put_get(mode, large) for mode in ("SSE-S3", "SSE-KMS", "SSE-C")]
    cases += [multipart_case(multipart), kms_pairs_case(), bucket_key_puts_case()]
    cases += [scaling_case(n) for n in ((1_000, 10_000) if quick else (1_000, 10_000, 100_000))]
    cases += [threads_case(1), threads_case(8)]
    if quick:
        for case in cases:
            case.rounds = max(min(case.rounds, 3), case.rounds // 5)
    return cases

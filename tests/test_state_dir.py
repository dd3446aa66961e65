"""State across restarts (issue 16): ``S3SSEServer(state_dir=...)`` and ``serve --state-dir`` keep
the engine in a directory and load it again, and what is written there is ciphertext, wrapped keys
and the engine's own key material, never plaintext data, data keys or SSE-C keys
(``pytest_s3sse/_internal/persistence.py``, docs/local-endpoint.md "State across restarts")."""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from clients_support import s3_client_of, serve_environment
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sse_c_support import KEY, unblock_sse_c

from pytest_s3sse import S3SSE, S3SSEServer, StateDirectoryError
from pytest_s3sse.__main__ import SERVE_EVENTS
from pytest_s3sse._internal import persistence
from pytest_s3sse._internal.persistence import StateDirectory
from pytest_s3sse._internal.types import NOT_PICKLED

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})
SECRET_TEXT = b"the quarterly numbers, in the clear"


def client(server: S3SSEServer, service: str = "s3") -> Any:
    return boto3.client(service, **(server.client_kwargs() | {"config": NO_RETRY}))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def serving(state_dir: Path, **kwargs: Any) -> S3SSEServer:
    return S3SSEServer(state_dir=state_dir, save_interval=0, **kwargs).start()


def files_bytes(root: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


# -- what survives a restart ----------------------------------------------------------------------
def write_every_mode(server: S3SSEServer) -> tuple[Any, str]:
    """Bucket ``bkt`` with SECRET_TEXT under SSE-S3 (``s3``), SSE-KMS with a Bucket Key
    (``kms``), DSSE-KMS (``dsse``) and SSE-C (``ssec``); the S3 client and the KMS key id."""
    s3, kms = client(server), client(server, "kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    s3.create_bucket(Bucket="bkt")
    unblock_sse_c(s3, "bkt")
    s3.put_object(Bucket="bkt", Key="s3", Body=SECRET_TEXT)
    s3.put_object(
        Bucket="bkt", Key="kms", Body=SECRET_TEXT, ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_id, BucketKeyEnabled=True,
    )  # fmt: skip
    s3.put_object(
        Bucket="bkt", Key="dsse", Body=SECRET_TEXT, ServerSideEncryption="aws:kms:dsse",
        SSEKMSKeyId=key_id,
    )  # fmt: skip
    s3.put_object(
        Bucket="bkt", Key="ssec", Body=SECRET_TEXT, SSECustomerAlgorithm="AES256",
        SSECustomerKey=KEY,
    )  # fmt: skip
    return s3, key_id


def test_objects_of_every_encryption_mode_read_back_after_a_restart(state):
    server = serving(state)
    s3, _ = write_every_mode(server)
    before = {k: s3.head_object(Bucket="bkt", Key=k)["ETag"] for k in ("s3", "kms", "dsse")}
    server.stop()

    with serving(state) as again:
        s3 = client(again)
        for key in ("s3", "kms", "dsse"):
            assert s3.get_object(Bucket="bkt", Key=key)["Body"].read() == SECRET_TEXT
            assert s3.head_object(Bucket="bkt", Key=key)["ETag"] == before[key]
        got = s3.get_object(
            Bucket="bkt", Key="ssec", SSECustomerAlgorithm="AES256", SSECustomerKey=KEY
        )
        assert got["Body"].read() == SECRET_TEXT
        again.assert_encrypted("bkt", "kms", "SSE-KMS")
        again.assert_encrypted("bkt", "ssec", "SSE-C")


def test_kms_keys_aliases_and_their_ciphertexts_survive_a_restart(state):
    server = serving(state)
    kms = client(server, "kms")
    key_id = kms.create_key(Description="ledger")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/ledger", TargetKeyId=key_id)
    blob = kms.encrypt(KeyId="alias/ledger", Plaintext=b"pin")["CiphertextBlob"]
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    signature = kms.sign(
        KeyId=signing["KeyId"], Message=b"release", SigningAlgorithm="ECDSA_SHA_256"
    )["Signature"]
    mac_key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    mac = kms.generate_mac(KeyId=mac_key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
    server.stop()

    with serving(state) as again:
        kms = client(again, "kms")
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"pin"
        assert kms.describe_key(KeyId="alias/ledger")["KeyMetadata"]["Description"] == "ledger"
        assert kms.verify(
            KeyId=signing["KeyId"], Message=b"release", Signature=signature,
            SigningAlgorithm="ECDSA_SHA_256",
        )["SignatureValid"]  # fmt: skip
        assert kms.verify_mac(
            KeyId=mac_key["KeyId"], Message=b"m", Mac=mac["Mac"], MacAlgorithm="HMAC_SHA_256"
        )["MacValid"]


def test_versions_tags_policies_and_a_multipart_upload_in_progress_survive(state):
    server = serving(state)
    s3 = client(server)
    s3.create_bucket(Bucket="bkt")
    s3.put_bucket_versioning(Bucket="bkt", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="bkt", Key="k", Body=b"one", Tagging="team=ledger")["VersionId"]
    s3.put_object(Bucket="bkt", Key="k", Body=b"two")
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::bkt/*",
            "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}},
        }],
    })  # fmt: skip
    s3.put_bucket_policy(Bucket="bkt", Policy=policy)
    upload = s3.create_multipart_upload(Bucket="bkt", Key="big")["UploadId"]
    etag = s3.upload_part(
        Bucket="bkt", Key="big", UploadId=upload, PartNumber=1, Body=b"p" * (5 * 1024 * 1024)
    )["ETag"]
    server.stop()

    with serving(state) as again:
        s3 = client(again)
        versions = s3.list_object_versions(Bucket="bkt")["Versions"]
        assert [v["IsLatest"] for v in versions] == [True, False]
        old = s3.get_object(Bucket="bkt", Key="k", VersionId=first)
        assert old["Body"].read() == b"one"
        tags = s3.get_object_tagging(Bucket="bkt", Key="k", VersionId=first)["TagSet"]
        assert tags == [{"Key": "team", "Value": "ledger"}]
        assert json.loads(s3.get_bucket_policy(Bucket="bkt")["Policy"]) == json.loads(policy)
        s3.complete_multipart_upload(
            Bucket="bkt", Key="big", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )  # fmt: skip
        assert s3.head_object(Bucket="bkt", Key="big")["ContentLength"] == 5 * 1024 * 1024


def test_a_seeded_engine_goes_on_drawing_where_it_stopped(state):
    server = S3SSEServer(S3SSE(seed=7), state_dir=state, save_interval=0).start()
    s3 = client(server)
    s3.create_bucket(Bucket="bkt")
    s3.put_bucket_versioning(Bucket="bkt", VersioningConfiguration={"Status": "Enabled"})
    before = s3.put_object(Bucket="bkt", Key="k", Body=b"1")["VersionId"]
    server.stop()
    with serving(state) as again:
        after = client(again).put_object(Bucket="bkt", Key="k", Body=b"2")["VersionId"]
    assert after != before  # a fresh seed-7 engine would draw `before` again


def test_a_frozen_clock_shows_the_same_time_after_a_restart(state):
    server = serving(state)
    server.clock.freeze()
    frozen_at = server.clock.now()
    server.stop()
    with serving(state) as again:
        assert again.clock.now() == frozen_at


def test_the_ca_is_kept_so_a_client_trusting_it_reaches_the_restarted_endpoint(state):
    server = serving(state)
    bundle = Path(server.ca_bundle)
    first_ca = bundle.read_bytes()
    server.stop()
    with serving(state) as again:
        assert Path(again.ca_bundle) == bundle
        assert bundle.read_bytes() == first_ca
        client(again).list_buckets()


def test_changes_made_through_the_test_api_are_saved_on_stop(state):
    server = serving(state)
    client(server).create_bucket(Bucket="bkt")
    server.put_unencrypted("bkt", "legacy.csv", b"written before 2023")
    server.stop()
    with serving(state) as again:
        assert client(again).get_object(Bucket="bkt", Key="legacy.csv")["Body"].read() == (
            b"written before 2023"
        )
        assert again.stored("bkt", "legacy.csv").mode == "NONE"


def test_the_background_saver_writes_soon_after_a_request(state):
    with S3SSEServer(state_dir=state, save_interval=0.05) as server:
        generation = json.loads((state / "state.json").read_text())["generation"]
        client(server).create_bucket(Bucket="bkt")
        for _ in range(200):
            if json.loads((state / "state.json").read_text())["generation"] != generation:
                break
            threading.Event().wait(0.02)
        else:
            pytest.fail("no save followed the request")
        assert StateDirectory(state).load().store.find_bucket("bkt") is not None


def test_saves_during_concurrent_writes_lose_no_acknowledged_object(state):
    server = S3SSEServer(state_dir=state, save_interval=0.01).start()
    s3 = client(server)
    s3.create_bucket(Bucket="bkt")

    def write(worker: int) -> None:
        own = client(server)
        for n in range(15):
            own.put_object(Bucket="bkt", Key=f"{worker}/{n}", Body=b"%d" % n)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.save_errors == []
    server.stop()
    with serving(state) as again:
        listed = client(again).list_objects_v2(Bucket="bkt")["KeyCount"]
    assert listed == 60


# -- what is written, and what never is -----------------------------------------------------------
def test_no_plaintext_data_key_or_customer_key_is_ever_written(state):
    server = serving(state)
    _, key_id = write_every_mode(server)
    data_key = client(server, "kms").generate_data_key(KeyId=key_id, KeySpec="AES_256")
    bucket_keys = server.engine.sealer.kms.bucket_keys  # what S3 holds in memory, in the clear
    held = [h.plaintext for h in bucket_keys._held.values()]
    assert held, "the SSE-KMS put made a bucket key"
    server.stop()

    never = [SECRET_TEXT, data_key["Plaintext"], KEY, base64.b64encode(KEY), *held]
    for path, data in files_bytes(state):
        for secret in never:
            assert secret not in data, f"{path.name} holds a secret it must never hold"


def test_key_material_lives_only_in_the_key_file(state):
    server = serving(state)
    s3 = client(server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    root_key = server.engine.root_keys._keys[0].export_key()
    server.stop()
    keys_files = list(state.glob("keys-*.json"))
    assert len(keys_files) == 1
    assert keys_files[0].stat().st_mode & 0o077 == 0  # readable by its owner only
    encoded = base64.b64encode(root_key).decode()
    assert encoded in keys_files[0].read_text()
    for path, data in files_bytes(state):
        if path != keys_files[0]:
            assert root_key not in data
            assert encoded.encode() not in data


def test_holders_of_key_material_refuse_to_be_pickled_by_anything_else(state):
    engine = S3SSE().engine
    engine.root_keys.rotate()
    with pytest.raises(TypeError, match="key material is not pickled"):
        pickle.dumps(engine.root_keys._keys[0])
    assert "key material" in NOT_PICKLED


def test_ciphertext_is_written_once_and_removed_when_no_version_refers_to_it(state):
    server = serving(state)
    s3 = client(server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="a", Body=b"a" * 1000)
    s3.put_object(Bucket="bkt", Key="b", Body=b"b" * 1000)
    assert server.save().blobs_written == 2
    assert server.save().blobs_written == 0  # nothing new: nothing rewritten
    s3.delete_object(Bucket="bkt", Key="a")
    saved = server.save()
    server.stop()
    assert saved.blobs == 1
    assert len([p for p in (state / "blobs").rglob("*") if p.is_file()]) == 1


# -- refusals -------------------------------------------------------------------------------------
def test_a_non_empty_directory_without_a_state_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StateDirectoryError, match="is not empty and holds no pytest-s3sse state"):
        S3SSEServer(state_dir=tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_directory_written_by_other_code_is_refused_with_the_way_out(state):
    serving(state).stop()
    recorded = json.loads((state / "state.json").read_text())
    (state / "state.json").write_text(json.dumps(recorded | {"code": "0" * 16}))
    with pytest.raises(StateDirectoryError, match="read by the release that wrote it"):
        S3SSEServer(state_dir=state)


def test_damaged_ciphertext_is_refused_at_load_not_served(state):
    server = serving(state)
    s3 = client(server)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x" * 100)
    server.stop()
    blob = next(p for p in (state / "blobs").rglob("*") if p.is_file())
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(StateDirectoryError, match="is damaged"):
        S3SSEServer(state_dir=state)


def test_an_engine_file_naming_a_foreign_class_is_refused(state):
    serving(state).stop()
    generation = json.loads((state / "state.json").read_text())["generation"]
    (state / f"engine-{generation}.pickle").write_bytes(pickle.dumps(os.getcwd))
    with pytest.raises(StateDirectoryError, match="which a state directory never holds"):
        S3SSEServer(state_dir=state)


def test_a_directory_in_use_by_another_endpoint_is_refused_until_it_stops(state):
    with (
        serving(state),
        pytest.raises(StateDirectoryError, match="in use by another pytest-s3sse endpoint"),
    ):
        S3SSEServer(state_dir=state)
    serving(state).stop()  # free again once the first one stopped


def test_a_handle_with_a_saved_engine_is_refused(state):
    serving(state).stop()
    with pytest.raises(ValueError, match="holds a saved engine"):
        S3SSEServer(S3SSE(), state_dir=state)


def test_a_save_that_fails_leaves_the_previous_state_whole(state, monkeypatch):
    server = serving(state)
    client(server).create_bucket(Bucket="kept")
    server.save()
    client(server).create_bucket(Bucket="lost")
    import pytest_s3sse._internal.persistence as persistence  # noqa: PLC0415

    real_write = persistence._write

    def failing(path: Path, data: bytes, mode: int = 0o600, *, sync: bool = True) -> None:
        if path.name == "state.json":
            raise OSError(28, "No space left on device")
        real_write(path, data, mode, sync=sync)

    monkeypatch.setattr(persistence, "_write", failing)
    with pytest.raises(OSError, match="No space left"):
        server.save()
    monkeypatch.undo()
    server._server.stop()  # the process dies: no last save, and its lock goes with it
    server.state_dir.unlock()
    restored = StateDirectory(state).load()
    assert restored.store.find_bucket("kept") is not None
    assert restored.store.find_bucket("lost") is None


# -- python -m pytest_s3sse serve --state-dir -----------------------------------------------------
def _serve(state: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest_s3sse", "serve", "--state-dir", str(state), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_serve_with_a_state_dir_survives_a_restart(state):
    with _serve(state, "--seed", "3") as child:
        try:
            s3 = s3_client_of(serve_environment(child), config=NO_RETRY)
            s3.create_bucket(Bucket="bkt")
            s3.put_object(Bucket="bkt", Key="k", Body=SECRET_TEXT)
        finally:
            child.terminate()
            assert child.wait(timeout=30) == 0
    # serve may run for days: it keeps the newest SERVE_EVENTS events, and so does its saved engine
    assert StateDirectory(state).load().events._events.maxlen == SERVE_EVENTS
    with _serve(state) as child:
        try:
            env = serve_environment(child)
            assert env["AWS_CA_BUNDLE"] == str(state / "tls" / "ca.pem")
            got = (
                s3_client_of(env, config=NO_RETRY).get_object(Bucket="bkt", Key="k")["Body"].read()
            )
            assert got == SECRET_TEXT
        finally:
            child.terminate()
            assert child.wait(timeout=30) == 0


def test_serve_refuses_a_seed_for_a_directory_that_holds_an_engine(state):
    serving(state).stop()
    with _serve(state, "--region", "eu-west-1") as child:
        _, err = child.communicate(timeout=30)
    assert child.returncode == 2
    assert "apply only to a new state directory" in err


# -- a whole world, in-process: what the test API reports is the same after a load -----------------
def test_a_loaded_engine_reports_what_the_saved_one_did(tmp_path):
    role = "arn:aws:iam::123456789012:role/replication"
    with S3SSE() as s3sse:
        s3, kms = boto3.client("s3"), boto3.client("kms")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_grant(KeyId=key_id, GranteePrincipal=role, Operations=["Decrypt"])
        external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        params = kms.get_parameters_for_import(
            KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        s3sse.principal(role, policy={"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"},
        ]})  # fmt: skip
        for name in ("src", "dst"):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="src", ReplicationConfiguration={"Role": role, "Rules": [
            {"ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
             "DeleteMarkerReplication": {"Status": "Disabled"},
             "Destination": {"Bucket": "arn:aws:s3:::dst"}},
        ]})  # fmt: skip
        s3.put_object(Bucket="src", Key="ledger", Body=SECRET_TEXT)
        s3.put_object(
            Bucket="src", Key="kms", Body=SECRET_TEXT, ServerSideEncryption="aws:kms",
            SSEKMSKeyId=key_id,
        )  # fmt: skip
        report = s3sse.encryption_report()
        trail = len(s3sse.trail)
        kms_calls = s3sse.kms_call_count()
        directory = StateDirectory(tmp_path / "state")
        directory.save(s3sse.engine)

    with S3SSE.of_engine(directory.load()) as restored:
        assert restored.encryption_report() == report
        assert len(restored.trail) == trail
        assert restored.kms_call_count() == kms_calls
        assert [r.status for r in restored.replications] == ["COMPLETED"]
        s3, kms = boto3.client("s3"), boto3.client("kms")
        assert s3.get_object(Bucket="dst", Key="ledger")["Body"].read() == SECRET_TEXT
        grants = kms.list_grants(KeyId=key_id)["Grants"]
        assert [g["Operations"] for g in grants] == [["Decrypt"]]
        # the wrapping key and token made before the save still import material after the load
        public = serialization.load_der_public_key(params["PublicKey"])
        assert isinstance(public, rsa.RSAPublicKey)
        oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
        kms.import_key_material(
            KeyId=external, ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=public.encrypt(os.urandom(32), oaep),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )  # fmt: skip
        assert kms.describe_key(KeyId=external)["KeyMetadata"]["KeyState"] == "Enabled"


class _Reaching:
    """Pickles as a call of ``call`` with ``args``: what a tampered engine file could hold."""

    def __init__(self, call: Any, *args: Any) -> None:
        self.call, self.args = call, args

    def __reduce__(self) -> Any:
        return (self.call, self.args)


@pytest.mark.parametrize(
    ("payload", "refusal"),
    [
        (lambda: _Reaching(getattr, "os", "system"), "which a state directory never holds"),
        (
            lambda: _Reaching(persistence._bound, S3SSE().engine.clock, "__class__"),
            "which it never holds",
        ),
    ],
    ids=["builtins.getattr", "a dunder through the bound-method loader"],
)
def test_an_engine_file_cannot_reach_beyond_the_engines_own_methods(state, payload, refusal):
    serving(state).stop()
    generation = json.loads((state / "state.json").read_text())["generation"]
    (state / f"engine-{generation}.pickle").write_bytes(pickle.dumps(payload()))
    with pytest.raises(StateDirectoryError, match=refusal):
        S3SSEServer(state_dir=state)


def test_an_engine_file_names_no_builtin_getattr(state):
    serving(state).stop()
    generation = json.loads((state / "state.json").read_text())["generation"]
    data = (state / f"engine-{generation}.pickle").read_bytes()
    assert b"getattr" not in data
    assert b"_bound" in data  # the engine's bound methods went through the checked loader


# -- a long-running endpoint keeps a bounded history ------------------------------------------------
def test_an_event_stream_bounded_to_the_newest_keeps_only_those():
    from pytest_s3sse._internal.audit import EventStream  # noqa: PLC0415

    stream = EventStream()
    for n in range(5):
        stream.emit(n)
    stream.keep_newest(3)
    for n in range(5, 8):
        stream.emit(n)
    assert list(stream) == [5, 6, 7]
    assert stream.of(int) == [5, 6, 7]
    with pytest.raises(ValueError, match="must be positive"):
        stream.keep_newest(0)


def test_a_replication_left_pending_runs_after_a_load(tmp_path):
    role = "arn:aws:iam::123456789012:role/replication"
    rights = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"},
    ]}  # fmt: skip
    with S3SSE(replication="manual") as s3sse:
        s3 = boto3.client("s3")
        s3sse.principal(role, policy=rights)
        for name in ("src", "dst"):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="src", ReplicationConfiguration={"Role": role, "Rules": [
            {"ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
             "DeleteMarkerReplication": {"Status": "Disabled"},
             "Destination": {"Bucket": "arn:aws:s3:::dst"}},
        ]})  # fmt: skip
        s3.put_object(Bucket="src", Key="ledger", Body=SECRET_TEXT)
        directory = StateDirectory(tmp_path / "state")
        directory.save(s3sse.engine)

    with S3SSE.of_engine(directory.load()) as restored:
        s3 = boto3.client("s3")
        assert s3.head_object(Bucket="src", Key="ledger")["ReplicationStatus"] == "PENDING"
        restored.replicate()
        assert s3.head_object(Bucket="src", Key="ledger")["ReplicationStatus"] == "COMPLETED"
        assert s3.get_object(Bucket="dst", Key="ledger")["Body"].read() == SECRET_TEXT

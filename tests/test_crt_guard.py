"""boto3's CRT transfer client bypasses botocore's HTTP layer: while an engine is active boto3's managed
transfers run on s3transfer's classic manager, and a CRT manager's requests are stopped (issue 11;
wire/crt.py)."""

from __future__ import annotations

import types

import boto3.s3.transfer
import pytest
from boto3.s3.transfer import TransferConfig

from pytest_s3sse import RealAWSCallBlockedError, mock_s3sse


@pytest.fixture
def crt_preferred(monkeypatch):
    """boto3 as it is with ``boto3[crt]`` installed, whether or not awscrt is: CRT is available, and
    building a CRT manager is recorded (it must not happen while the engine is active)."""
    built = []
    fake_awscrt = types.SimpleNamespace(
        s3=types.SimpleNamespace(is_optimized_for_system=lambda: False), __version__="0.38.1"
    )
    monkeypatch.setattr(boto3.s3.transfer, "HAS_CRT", True)
    monkeypatch.setattr(boto3.s3.transfer, "awscrt", fake_awscrt, raising=False)
    monkeypatch.setattr(boto3.s3.transfer, "has_minimum_crt_version", lambda minimum: True)
    monkeypatch.setattr(
        boto3.s3.transfer,
        "create_crt_transfer_manager",
        lambda client, config: built.append(config),
        raising=False,
    )
    return built


def test_upload_file_asking_for_crt_runs_on_the_classic_manager(
    s3, bucket, tmp_path, crt_preferred
):
    path = tmp_path / "f"
    path.write_bytes(b"data")
    config = TransferConfig(preferred_transfer_client="crt")
    s3.upload_file(str(path), bucket, "k", Config=config)
    s3.download_file(bucket, "k", str(tmp_path / "g"), Config=config)
    assert (tmp_path / "g").read_bytes() == b"data"
    assert crt_preferred == []  # no CRT manager was built


def test_crt_is_chosen_again_once_no_engine_is_active(crt_preferred):
    config = TransferConfig(preferred_transfer_client="crt")
    with mock_s3sse():
        assert boto3.s3.transfer._should_use_crt(config) is False
    assert boto3.s3.transfer._should_use_crt(config) is True
    assert not getattr(boto3.s3.transfer._should_use_crt, "__s3sse__", False)


def test_a_crt_transfer_manager_built_by_hand_is_stopped(s3, bucket, tmp_path):
    pytest.importorskip("awscrt")
    from s3transfer.crt import (  # noqa: PLC0415 - needs awscrt
        BotocoreCRTRequestSerializer,
        CRTTransferManager,
        create_s3_crt_client,
    )

    session = boto3.session.Session()._session
    manager = CRTTransferManager(
        create_s3_crt_client("us-east-1"), BotocoreCRTRequestSerializer(session)
    )
    path = tmp_path / "f"
    path.write_bytes(b"data")
    with pytest.raises(RealAWSCallBlockedError, match="CRT transfer manager"):
        manager.upload(str(path), bucket, "k")
    manager.shutdown()

"""The three backends every case runs on, side by side in one process.

Each backend keeps its state across ``stop()``/``start()`` so rounds can be interleaved (a round of
s3sse, then moto, then the floor, ...) without rebuilding stores. Clients are built while their own
backend is active, and every other backend's hook is dormant while it is off.
"""

from __future__ import annotations

import contextlib
from typing import Any

import boto3
import botocore.handlers
from botocore.config import Config

from benchmarks.floor import Floor
from pytest_s3sse import S3SSE

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "secret"}
NO_RETRY = Config(retries={"total_max_attempts": 1})


class Backend:
    """Start/stop a backend and build clients for it."""

    name = "backend"

    def __init__(self) -> None:
        self._clients: dict[str, Any] = {}

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def start_stop(self) -> None:
        """One fresh mock, started and stopped (what a test fixture costs)."""
        raise NotImplementedError

    def client(self, service: str = "s3", **kwargs: Any) -> Any:
        """A client of this backend (built on first use, while the backend is active)."""
        key = service + repr(sorted(kwargs.items()))
        if key not in self._clients:
            session = boto3.session.Session(region_name=REGION, **CREDENTIALS)
            self._clients[key] = session.client(service, config=NO_RETRY, **kwargs)
        return self._clients[key]

    def close(self) -> None:
        """Release what the backend installed."""


class S3SSEBackend(Backend):
    name = "s3sse"

    def __init__(self) -> None:
        super().__init__()
        # SSE-C cases need buckets made the pre-April-2026 way (S3 now blocks SSE-C on new buckets).
        self.env = S3SSE(region=REGION, block_ssec_on_new_buckets=False)

    def start(self) -> None:
        self.env.start()

    def stop(self) -> None:
        self.env.stop()

    def start_stop(self) -> None:
        with S3SSE():
            pass


class MotoBackend(Backend):
    name = "moto"

    def __init__(self) -> None:
        super().__init__()
        from moto import mock_aws  # noqa: PLC0415 - an optional extra

        self._mock_aws = mock_aws
        self.mock = mock_aws()
        self._started_once = False

    def start(self) -> None:
        self.mock.start(reset=not self._started_once)
        self._started_once = True

    def stop(self) -> None:
        self.mock.stop(remove_data=False)

    def start_stop(self) -> None:
        with self._mock_aws():
            pass


class FloorBackend(Backend):
    """botocore with a canned ``before-send`` answer: boto3's own cost (``wire``: the wire floor,
    which also reads the request body and answers S3's full headers; see ``floor.py``)."""

    def __init__(self, object_size: int = 1024, list_keys: int = 0, *, wire: bool = False) -> None:
        super().__init__()
        self.name = "floor+wire" if wire else "floor"
        self.wire = wire
        self.handler = Floor(object_size, list_keys, wire=wire)
        self.enabled = False
        self._entry = ("before-send", self._answer)
        botocore.handlers.BUILTIN_HANDLERS.append(self._entry)

    def _answer(self, request: Any, **kwargs: Any) -> Any:
        return self.handler(request, **kwargs) if self.enabled else None

    def start(self) -> None:
        self.enabled = True

    def stop(self) -> None:
        self.enabled = False

    def start_stop(self) -> None:
        entry = ("before-send", self.handler)
        botocore.handlers.BUILTIN_HANDLERS.append(entry)
        botocore.handlers.BUILTIN_HANDLERS.remove(entry)

    def configure(self, object_size: int = 1024, list_keys: int = 0) -> None:
        """Change what the canned answers report (object size, listing length)."""
        if (self.handler.object_size, self.handler.list_keys) != (object_size, list_keys):
            self.handler = Floor(object_size, list_keys, wire=self.wire)

    def close(self) -> None:
        botocore.handlers.BUILTIN_HANDLERS.remove(self._entry)


def all_backends() -> list[Backend]:
    """s3sse, moto (when installed), the floor and the wire floor."""
    backends: list[Backend] = [S3SSEBackend()]
    with contextlib.suppress(ImportError):  # moto comes with the bench extra
        backends.append(MotoBackend())
    backends += [FloorBackend(), FloorBackend(wire=True)]
    return backends

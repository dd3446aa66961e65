"""An append-only event log on S3 through s3fs: the application ``examples/tests/test_event_log.py``
tests with pytest-s3sse."""

from __future__ import annotations

from event_log.log import Event, EventLog, day_path

__all__ = ["Event", "EventLog", "day_path"]

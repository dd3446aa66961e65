"""Helpers every part of this suite shares."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error(info: pytest.ExceptionInfo[ClientError]) -> tuple[int, dict[str, str]]:
    """The status and the ``Error`` element of a ClientError."""
    response = info.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]

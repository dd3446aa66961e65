"""EngineOptions: the one list of the engine's knobs, which every way of building an engine takes."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pytest_s3sse import S3SSE, Clock, EngineOptions, mock_s3sse
from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.wire import slot
from pytest_s3sse.plugin import marker_help

NAMES = [field.name for field in dataclasses.fields(EngineOptions)]


def test_the_defaults_are_an_engine_in_the_default_account_and_region():
    engine = Engine()
    assert engine.options == EngineOptions()
    assert (engine.account_id, engine.region) == ("123456789012", "us-east-1")
    assert engine.root_keys.rotation_period == timedelta(days=30)


@pytest.mark.parametrize("account_id", ["12345678901", "1234567890123", "12345678901a", ""])
def test_an_account_id_that_is_not_12_digits_is_refused(account_id):
    with pytest.raises(ValueError, match="account_id must be 12 digits"):
        EngineOptions(account_id=account_id)


def test_options_are_keyword_only_and_frozen():
    with pytest.raises(TypeError):
        EngineOptions("123456789012")
    options = EngineOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.region = "eu-west-1"


@pytest.mark.parametrize("build", [S3SSE, mock_s3sse], ids=["S3SSE", "mock_s3sse"])
def test_the_handle_takes_exactly_the_keywords_of_engine_options(build):
    parameters = dict(inspect.signature(build).parameters)
    if build is mock_s3sse:  # and, positional-only, what it decorates when used bare (@mock_s3sse)
        target = parameters.pop("target")
        assert target.kind is inspect.Parameter.POSITIONAL_ONLY
    assert list(parameters) == NAMES
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert [p.default for p in parameters.values()] == [
        getattr(EngineOptions(), name) for name in NAMES
    ]


def test_a_misspelt_keyword_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="regoin"):
        mock_s3sse(regoin="eu-west-1")


def test_the_handle_builds_its_engine_from_the_keywords():
    clock = Clock(datetime(2030, 1, 1, tzinfo=timezone.utc), frozen=True)
    handle = mock_s3sse(
        account_id="111122223333",
        region="eu-west-1",
        seed=5,
        clock=clock,
        root_key_rotation=timedelta(days=1),
        block_ssec_on_new_buckets=False,
        bucket_key_period=timedelta(minutes=5),
    )
    assert handle.options == EngineOptions(
        account_id="111122223333",
        region="eu-west-1",
        seed=5,
        clock=clock,
        root_key_rotation=timedelta(days=1),
        block_ssec_on_new_buckets=False,
        bucket_key_period=timedelta(minutes=5),
    )
    assert (handle.account_id, handle.region, handle.seed) == ("111122223333", "eu-west-1", 5)
    assert handle.clock is clock
    assert handle.engine.root_keys.rotation_period == timedelta(days=1)


def test_from_options_builds_a_new_engine_with_those_options():
    options = EngineOptions(region="ap-south-1", seed=3)
    first, second = S3SSE.from_options(options), S3SSE.from_options(options)
    assert first.options == second.options == options
    assert first.engine is not second.engine


def test_the_decorator_builds_each_calls_engine_from_the_same_options_and_clock():
    clock = Clock(datetime(2030, 1, 1, tzinfo=timezone.utc), frozen=True)
    seen = []

    @mock_s3sse(seed=11, clock=clock)
    def body():
        engine = slot.current()
        assert isinstance(engine, Engine)
        seen.append(engine)
        engine.clock.advance(days=1)

    body()
    body()
    first, second = seen
    assert first is not second
    assert first.options == second.options == EngineOptions(seed=11, clock=clock)
    assert first.clock is second.clock is clock  # the caller's clock, shared: it moved twice
    assert clock.now() == datetime(2030, 1, 3, tzinfo=timezone.utc)


def test_the_decorator_without_a_clock_gives_each_call_a_new_clock():
    clocks = []

    @mock_s3sse()
    def body():
        engine = slot.current()
        assert isinstance(engine, Engine)
        clocks.append(engine.clock)

    body()
    body()
    assert clocks[0] is not clocks[1]


def test_the_marker_help_lists_every_option_with_its_default():
    for name in NAMES:
        assert f"{name}=" in marker_help()
    assert "root_key_rotation=timedelta(days=30)" in marker_help()


def test_every_option_is_documented_once_in_getting_started():
    """docs/getting-started.md#options is the one table of the options the marker, mock_s3sse and
    S3SSE take: it must follow EngineOptions."""
    docs = (Path(__file__).parent.parent / "docs" / "getting-started.md").read_text()
    table = docs.split("## Options", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip(" `") for line in table.splitlines() if line.startswith("| `")]
    assert rows == NAMES

"""The data pipeline as a state machine: any sequence of drops, runs and reads, under any SSE
configuration, keeps every drop's totals and original, and every object encrypted as configured.

A ``RuleBasedStateMachine`` gets a fresh engine per run of the machine: it starts one in
``__init__`` (no fixture, so no health check to silence) and stops it in ``teardown``.
"""

from __future__ import annotations

import boto3
from botocore.config import Config
from data_pipeline import Encryption, Pipeline, totals_of
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from pytest_s3sse import mock_s3sse
from pytest_s3sse.strategies import sse_configurations

BUCKET = "pipeline-machine"
NO_RETRY = Config(retries={"total_max_attempts": 1})
s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY)
kms = boto3.client("kms", region_name="us-east-1", config=NO_RETRY)


class PipelineMachine(RuleBasedStateMachine):
    processed = Bundle("processed")

    def __init__(self):
        super().__init__()
        self.s3sse = mock_s3sse().start()  # a fresh engine for this run of the machine
        self.sse = None
        self.pipeline = None
        self.incoming: dict[str, bytes] = {}  # the model: drops not processed yet
        self.done: dict[str, bytes] = {}  # and processed ones

    @initialize(config=sse_configurations())
    def configure(self, config):
        s3.create_bucket(Bucket=BUCKET)
        self.sse = config.prepare(s3, kms, BUCKET)
        encryption = Encryption(write=self.sse.put_kwargs, read=self.sse.get_kwargs)
        self.pipeline = Pipeline(BUCKET, encryption=encryption, client=s3)

    @rule(name=st.sampled_from(["a", "b", "c", "d"]), drop=st.binary(max_size=200))
    def ingest(self, name, drop):
        self.pipeline.ingest(name, drop)
        self.incoming[name] = drop  # a second drop of a name replaces the first

    @precondition(lambda self: self.incoming)
    @rule(target=processed)
    def run(self):
        names = self.pipeline.run()
        assert sorted(names) == sorted(self.incoming)
        self.done.update(self.incoming)
        self.incoming.clear()
        return names[0]

    @rule(name=processed)
    def read_back(self, name):
        assert self.pipeline.totals(name) == totals_of(self.done[name])
        assert self.pipeline.archived(name) == self.done[name]

    @rule(name=consumes(processed))
    def check_encryption(self, name):
        self.sse.check(self.s3sse, BUCKET, f"curated/{name}.json")
        self.sse.check(self.s3sse, BUCKET, f"archive/{name}")

    @invariant()
    def pending_matches_the_model(self):
        if self.pipeline is not None:
            assert sorted(self.pipeline.pending()) == sorted(self.incoming)

    def teardown(self):
        self.s3sse.stop()


PipelineMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=12, deadline=None, derandomize=True, database=None
)
test_the_pipeline_keeps_data_and_encryption_through_any_sequence = PipelineMachine.TestCase

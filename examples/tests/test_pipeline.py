"""The data pipeline, property-tested across every SSE configuration with pytest-s3sse's strategies.

Each example draws a configuration (SSE-S3 by header or bucket default; SSE-KMS with the aws/s3 key
or a customer key by id, ARN, alias or alias ARN, with or without a context and a Bucket Key;
DSSE-KMS; SSE-C with a generated key) and starts a fresh engine with ``mock_s3sse()``: a
function-scoped fixture would be shared by every example, which hypothesis' health check refuses.
``config.prepare(...)`` creates what the configuration needs in that engine (the KMS key and alias,
SSE-C unblocked on the bucket) and gives the boto3 arguments the pipeline is configured with.
"""

from __future__ import annotations

import boto3
from botocore.config import Config
from data_pipeline import Encryption, Pipeline, totals_of
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_s3sse import mock_s3sse
from pytest_s3sse.strategies import sse_configurations

BUCKET = "pipeline-data"
NO_RETRY = Config(retries={"total_max_attempts": 1})
s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRY)
kms = boto3.client("kms", region_name="us-east-1", config=NO_RETRY)

items = st.sampled_from(["apple", "pear", "fig", "kiwi, green", "crème brûlée"])
lines = st.one_of(
    st.builds("{},{}".format, items, st.integers(min_value=0, max_value=10**6)),
    st.text(max_size=20).filter(lambda line: "\n" not in line and "\r" not in line),
)
drops = st.lists(lines, max_size=30).map(lambda found: "\n".join(found).encode())
names = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,30}", fullmatch=True)


def pipeline_for(sse, **options):
    encryption = Encryption(write=sse.put_kwargs, read=sse.get_kwargs)
    return Pipeline(BUCKET, encryption=encryption, client=s3, **options)


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(config=sse_configurations(), name=names, drop=drops, multipart=st.booleans())
def test_every_object_of_a_run_is_encrypted_as_configured(config, name, drop, multipart):
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        sse = config.prepare(s3, kms, BUCKET)
        pipeline = pipeline_for(sse, multipart_threshold=0 if multipart else 8 * 2**20)

        pipeline.ingest(name, drop)
        assert pipeline.run() == [name]

        assert pipeline.totals(name) == totals_of(drop)
        assert pipeline.archived(name) == drop
        assert pipeline.pending() == []
        for key in (f"curated/{name}.json", f"archive/{name}"):
            sse.check(s3sse, BUCKET, key)


@settings(max_examples=15, deadline=None, derandomize=True, database=None)
@given(config=sse_configurations(modes=("SSE-KMS", "DSSE-KMS")), drop=drops)
def test_kms_runs_use_the_configured_key_for_every_write(config, drop):
    # S3 asks KMS for a data key on every SSE-KMS/DSSE-KMS write (PutObject, CopyObject target,
    # CreateMultipartUpload) and decrypts it on every read (SSE section 6, P). Three writes here.
    with mock_s3sse() as s3sse:
        s3.create_bucket(Bucket=BUCKET)
        sse = config.prepare(s3, kms, BUCKET)
        pipeline = pipeline_for(sse)

        pipeline.ingest("drop", drop)
        pipeline.run()

        key = sse.expected.kms_key
        assert s3sse.kms_call_count("GenerateDataKey", key=key) >= 1
        assert s3sse.kms_call_count("GenerateDataKey") == s3sse.kms_call_count(
            "GenerateDataKey", key=key
        )

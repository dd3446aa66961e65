"""A small data pipeline on S3: the application that ``examples/tests/test_pipeline*.py`` property-test
with pytest-s3sse's hypothesis strategies, across every SSE configuration."""

from __future__ import annotations

from data_pipeline.pipeline import Encryption, Pipeline, Totals, totals_of

__all__ = ["Encryption", "Pipeline", "Totals", "totals_of"]

"""The implementation of the public module ``pytest_s3sse.strategies`` (the only users of hypothesis)."""

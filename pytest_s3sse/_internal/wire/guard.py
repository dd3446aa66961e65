"""The guard of ``--s3sse-block-aws``: a dispatcher that serves nothing.

With the option on, the plugin activates one :class:`Guard` when the session starts and keeps it until
the session ends, below any engine a test starts, and tells it which test runs. Any botocore request, and any ``requests`` call addressed to AWS, that reaches the adapters while
only the guard is active is stopped with :class:`RealAWSCallBlockedError` naming the test: the test forgot
the ``s3sse`` fixture (or ``mock_s3sse()``), and without the guard its request would have gone to AWS with
whatever credentials the machine has. An engine activated on top of the guard answers as usual.
"""

from __future__ import annotations

from pytest_s3sse._internal.http import HttpRequest, HttpResponse


class Guard:
    """Stops every request that reaches it (``dispatch`` answers None: not served)."""

    serves = False  # wire/slot.py: adapters are (re)installed for the first engine that serves

    def __init__(self, test: str, region: str | None) -> None:
        self.test = test
        self.region = region  # the environment's default region while only the guard is active

    def dispatch(self, request: HttpRequest) -> HttpResponse | None:
        """Serve nothing."""
        return None

    def describe_unserved(self, request: HttpRequest) -> str:
        """The error of a blocked request: which request, which test, what to do."""
        return (
            f"pytest-s3sse blocked a request to AWS ({request.method} {request.scheme}://"
            f"{request.host}{request.path}) made by {self.test}, which does not use the engine: "
            "use the s3sse fixture or mock_s3sse() (this run blocks AWS calls: --s3sse-block-aws / "
            "ini s3sse_block_aws)."
        )

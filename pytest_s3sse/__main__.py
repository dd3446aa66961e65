"""``python -m pytest_s3sse serve``: the engine behind a local HTTP(S) endpoint on 127.0.0.1.

For clients that cannot be answered in-process (the AWS CLI v2, other SDKs, a separate process):
start it, then ``eval`` or copy the ``export`` lines it prints. It serves until interrupted (Ctrl-C,
SIGTERM), then closes every connection and removes its TLS files.

    python -m pytest_s3sse serve [--port N] [--https | --http] [--seed N] [--region R]
                                 [--state-dir DIR [--save-interval S]]

With ``--state-dir`` the engine is kept in DIR and survives restarts (docs/local-endpoint.md).
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_s3sse", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve S3 and KMS on 127.0.0.1 until interrupted")
    serve.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: a free one)"
    )
    tls = serve.add_mutually_exclusive_group()
    tls.add_argument(
        "--https", dest="https", action="store_true", default=True,
        help="TLS with a CA made at start-up (default; SSE-C and SSE-KMS need it)",
    )  # fmt: skip
    tls.add_argument(
        "--http", dest="https", action="store_false",
        help="plain HTTP (SSE-C and SSE-KMS requests are refused, as AWS refuses them)",
    )  # fmt: skip
    serve.add_argument("--seed", type=int, default=None, help="engine seed (reproducible keys)")
    serve.add_argument("--region", default=None, help="the engine's default region")
    serve.add_argument(
        "--state-dir", default=None, metavar="DIR",
        help="keep the engine in DIR: loaded at start when DIR holds one, saved while serving and "
        "on stop (ciphertext, wrapped keys and the engine's own key material; never plaintext data "
        "or data keys, never SSE-C keys)",
    )  # fmt: skip
    serve.add_argument(
        "--save-interval", type=float, default=1.0, metavar="S",
        help="with --state-dir: save at most every S seconds after a request (default 1; 0: on stop only)",
    )  # fmt: skip
    return parser


SERVE_EVENTS = 100_000


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    args = _parser().parse_args(argv)
    from pytest_s3sse._internal.errors import StateDirectoryError  # noqa: PLC0415
    from pytest_s3sse._internal.persistence import StateDirectory  # noqa: PLC0415
    from pytest_s3sse._internal.serving import S3SSEServer  # noqa: PLC0415 - after parsing
    from pytest_s3sse._internal.testapi import S3SSE  # noqa: PLC0415

    options: dict[str, Any] = {}
    if args.seed is not None:
        options["seed"] = args.seed
    if args.region is not None:
        options["region"] = args.region
    restoring = args.state_dir is not None and StateDirectory(args.state_dir).exists()
    if restoring and options:
        print(
            f"pytest-s3sse: {args.state_dir} holds a saved engine, which keeps its own seed and "
            "region: --seed and --region apply only to a new state directory",
            file=sys.stderr,
        )
        return 2
    try:
        server = S3SSEServer(
            None if restoring else S3SSE(**options),
            https=args.https,
            port=args.port,
            state_dir=args.state_dir,
            save_interval=args.save_interval,
        )
    except StateDirectoryError as exc:
        print(f"pytest-s3sse: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"pytest-s3sse: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    # A server may run for days: its event stream (the trail's, kms_calls' source) keeps the newest
    # SERVE_EVENTS events, not every request of its life (docs/local-endpoint.md).
    server.s3sse.engine.events.keep_newest(SERVE_EVENTS)
    print(f"pytest-s3sse serving S3 and KMS at {server.endpoint_url}")
    if args.state_dir is not None:
        verb = "restored from" if restoring else "kept in"
        print(f"State: {verb} {args.state_dir}")
    if server.ca_bundle is not None:
        print(f"CA bundle: {server.ca_bundle}")
    print("Environment for a client (AWS CLI, SDKs):")
    for name, value in server.env.items():
        print(f"export {name}={shlex.quote(value)}")
    print("Stop with Ctrl-C.", flush=True)
    signal.signal(signal.SIGTERM, _stop)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    sys.exit(main())

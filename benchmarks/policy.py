"""What a policy decision costs (issue 13 "Speed": parse once when put; a 20-statement bucket policy may
add at most 10% to a small put+get, about 120 us of boto3's ~1.2 ms).

    python -m benchmarks.policy

Reports, as the best of five timeit repeats: parsing a 20-statement bucket policy; building a request's
context keys; one evaluation that is decided early (an explicit Deny), one that must read all 20
statements before it can allow, and one for an action no statement names (the per-action index).
"""

from __future__ import annotations

import json
import timeit
from datetime import datetime, timezone

from pytest_s3sse._internal.context import RequestContext
from pytest_s3sse._internal.policy.document import PolicyKind, parse_policy
from pytest_s3sse._internal.policy.evaluate import Caller, Facts, evaluate
from pytest_s3sse._internal.policy.keys import global_keys, s3_keys
from pytest_s3sse._internal.types import Principal

ACCOUNT = "111111111111"
BUCKET = "arn:aws:s3:::b"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"


def twenty_statements() -> str:
    """20 statements that all name s3:GetObject, with principals, wildcards and two conditions each."""
    statements = []
    for i in range(20):
        deny = i % 3 == 0
        condition = (
            {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
            if deny
            else {
                "Bool": {"aws:SecureTransport": "true"},
                "IpAddress": {"aws:SourceIp": "127.0.0.0/8"},
            }
        )
        statements.append(
            {
                "Sid": f"S{i}",
                "Effect": "Deny" if deny else "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/u{i}"} if i % 2 else "*",
                # A Deny on the SSE header names a wildcard: s3:GetObject does not support that
                # key, so S3 refuses it in a list of named actions (M8).
                "Action": ["s3:GetObject", "s3:PutObject"] if i % 4 and not deny else "s3:*Object*",
                "Resource": f"{BUCKET}/prefix{i}/*" if i % 5 else f"{BUCKET}/*",
                "Condition": condition,
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def best(func: object, number: int) -> float:
    """Microseconds per call, best of five repeats."""
    return min(timeit.repeat(func, number=number, repeat=5)) / number * 1e6  # type: ignore[arg-type]


def main() -> None:
    text = twenty_statements()
    policy = parse_policy(text, PolicyKind.BUCKET, bucket_arn=BUCKET)
    context = RequestContext(Principal(ACCOUNT, USER), "r", datetime.now(timezone.utc), "us-east-1")
    caller = Caller.of(context.principal)
    keys = global_keys(context) | s3_keys(context)
    denied = Facts.build(caller, "s3:GetObject", f"{BUCKET}/prefix0/k", ACCOUNT, keys)
    allowed = Facts.build(
        caller,
        "s3:GetObject",
        f"{BUCKET}/prefix3/k",
        ACCOUNT,
        keys | {"s3:x-amz-server-side-encryption": "aws:kms"},
    )
    unnamed = Facts.build(caller, "s3:ListBucket", BUCKET, ACCOUNT, keys)
    assert not evaluate(denied, resource_policy=policy).allowed
    assert evaluate(allowed, resource_policy=policy).allowed
    rows = [
        ("parse 20 statements", best(lambda: parse_policy(text, PolicyKind.BUCKET), 200)),
        ("context keys (aws:, s3:)", best(lambda: global_keys(context) | s3_keys(context), 20_000)),
        ("Facts.build (lower-cases keys)", best(lambda: Facts.build(caller, "s3:GetObject", BUCKET, ACCOUNT, keys), 20_000)),
        ("evaluate: explicit deny", best(lambda: evaluate(denied, resource_policy=policy), 20_000)),
        ("evaluate: allow after all 20", best(lambda: evaluate(allowed, resource_policy=policy), 20_000)),
        ("evaluate: action not named", best(lambda: evaluate(unnamed, resource_policy=policy), 20_000)),
    ]  # fmt: skip
    for name, micros in rows:
        print(f"{name:34} {micros:8.1f} us")


if __name__ == "__main__":
    main()

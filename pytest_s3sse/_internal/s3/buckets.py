"""Buckets: create (name and location rules), delete, list, head, default encryption.

Texts: see ``docs/errors.md`` (CreateBucket rows). The us-east-1 legacy rule: re-creating a bucket you
already own there answers 200 (AWS ErrorResponses, BucketAlreadyOwnedByYou); elsewhere 409.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.clock import Clock
from pytest_s3sse._internal.errors.s3 import (
    AccessDenied,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraint,
    InvalidBucketName,
    InvalidLocationConstraint,
    NoSuchBucketPolicy,
    NoSuchPublicAccessBlockConfiguration,
)
from pytest_s3sse._internal.policy.document import Policy, PolicyKind, parse_policy
from pytest_s3sse._internal.s3.bucket_policy import (
    ALL_BLOCKED,
    PublicAccessBlock,
    is_public,
    public_policy_refused,
)
from pytest_s3sse._internal.s3.store import Bucket, Store
from pytest_s3sse._internal.sse.rules import IMPLICIT_DEFAULT, NEW_BUCKET_DEFAULT, BucketDefault
from pytest_s3sse._internal.types import SseMode

_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
US_EAST_1 = "us-east-1"


def valid_bucket_name(name: str) -> bool:
    """The general purpose bucket naming rules (S3 user guide, "Bucket naming rules")."""
    return (
        bool(_NAME.match(name))
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and not _IP.match(name)
        and not name.startswith(_RESERVED_PREFIXES[:2])
        and not name.endswith(_RESERVED_SUFFIXES)
    )


def check_location(endpoint_region: str, constraint: str | None) -> str:
    """The bucket's region from the endpoint's region and the LocationConstraint sent."""
    if constraint is None or constraint == "":
        if endpoint_region != US_EAST_1:
            raise IllegalLocationConstraint(
                "The unspecified location constraint is incompatible for the region specific "
                "endpoint this request was sent to."
            )
        return US_EAST_1
    if constraint == US_EAST_1:
        raise InvalidLocationConstraint(extra={"LocationConstraint": constraint})
    if constraint == "EU":
        constraint = "eu-west-1"
    if endpoint_region not in (constraint, US_EAST_1):
        raise IllegalLocationConstraint(
            f"The {constraint} location constraint is incompatible for the region specific "
            "endpoint this request was sent to."
        )
    return constraint


class BucketService:
    """Bucket life cycle over the store.

    ``ssec_blocked_by_default``: since April 2026 S3 creates every general purpose bucket with SSE-C
    writes blocked (``BlockedEncryptionTypes`` ``SSE-C``, reference B2 and C9); False creates them
    the pre-2026 way, with no block at all, for tests of legacy workloads.
    """

    def __init__(self, store: Store, clock: Clock, *, ssec_blocked_by_default: bool = True) -> None:
        self.store = store
        self.clock = clock
        self.ssec_blocked_by_default = ssec_blocked_by_default

    def create(self, name: str, *, region: str, owner_account: str) -> tuple[Bucket, bool]:
        """Create a bucket; returns it and whether it is new (False: us-east-1 re-create)."""
        if not valid_bucket_name(name):
            raise InvalidBucketName(name)
        default = NEW_BUCKET_DEFAULT if self.ssec_blocked_by_default else IMPLICIT_DEFAULT
        bucket = Bucket(
            name, region, owner_account, self.clock.now(), default, public_access_block=ALL_BLOCKED
        )
        existing = self.store.create_bucket(bucket)  # atomic: added, or the bucket of that name
        if existing is bucket:
            return bucket, True
        if existing.owner_account != owner_account:
            raise BucketAlreadyExists(name)
        if existing.region == US_EAST_1 and region == US_EAST_1:
            return existing, False
        raise BucketAlreadyOwnedByYou(name)

    def delete(self, name: str) -> None:
        """DeleteBucket: only an empty bucket, with no multipart upload in progress (checked in the
        same locked step as the deletion)."""
        self.store.delete_bucket(name, _must_be_empty)

    def get(self, name: str) -> Bucket:
        """The bucket (NoSuchBucket if absent)."""
        return self.store.bucket(name)

    def owned_by(self, account_id: str) -> list[Bucket]:
        """The account's buckets in name order."""
        return sorted(
            (b for b in self.store.buckets() if b.owner_account == account_id),
            key=lambda b: b.name,
        )

    def put_encryption(
        self,
        name: str,
        mode: SseMode,
        kms_key_id: str | None,
        *,
        bucket_key_enabled: bool,
        explicit: bool,
        blocked: tuple[str, ...] | None,
    ) -> BucketDefault:
        """PutBucketEncryption: the bucket's new default (``explicit`` when the rule had
        ``ApplyServerSideEncryptionByDefault``; ``blocked`` its ``BlockedEncryptionTypes``).

        U: a rule without BlockedEncryptionTypes (``blocked`` None) leaves the block as it was (S:
        Terraform's AWS provider saw SSE-C come back blocked after writing a rule without it).
        """

        def change(current: BucketDefault) -> BucketDefault:
            kept = current.blocked_encryption_types if blocked is None else blocked
            return BucketDefault(
                mode, kms_key_id, bucket_key_enabled, explicit=explicit,
                blocked_encryption_types=kept,
            )  # fmt: skip

        return self.store.set_default_encryption(name, change)

    def delete_encryption(self, name: str) -> BucketDefault:
        """DeleteBucketEncryption: back to SSE-S3 (B3). U: the SSE-C block is a security setting
        and is kept (proposed; AWS does not document what DeleteBucketEncryption does to it)."""
        return self.store.set_default_encryption(name, _implicit_keeping_block)

    # -- bucket policy and Block Public Access (s3/bucket_policy.py) --------------------------
    def put_policy(self, name: str, text: str, *, requester_arn: str) -> Policy:
        """PutBucketPolicy: parse and validate ``text`` (MalformedPolicy, M1-M17), refuse a public
        policy while the bucket's BlockPublicPolicy is on (403, D8), store it."""
        bucket = self.store.bucket(name)
        bucket_arn = arn.bucket(name, bucket.region)
        policy = parse_policy(text, PolicyKind.BUCKET, bucket_arn=bucket_arn)
        public = is_public(policy)

        def check(current: Bucket) -> None:
            block = current.public_access_block
            if public and block is not None and block.block_public_policy:
                raise AccessDenied(public_policy_refused(requester_arn, bucket_arn))

        self.store.set_policy(name, policy, public=public, check=check)
        return policy

    def get_policy(self, name: str) -> Policy:
        """GetBucketPolicy: the policy as it was put (NoSuchBucketPolicy without one)."""
        policy = self.store.bucket(name).policy
        if policy is None:
            raise NoSuchBucketPolicy(name)
        return policy

    def delete_policy(self, name: str) -> None:
        """DeleteBucketPolicy: removes it; succeeds without one too (A, 204)."""
        self.store.set_policy(name, None)

    def policy_is_public(self, name: str) -> bool:
        """GetBucketPolicyStatus's ``IsPublic`` (False without a policy)."""
        return self.store.bucket(name).policy_public

    def put_public_access_block(self, name: str, config: PublicAccessBlock) -> None:
        """PutPublicAccessBlock: replaces the bucket's configuration (existing policies stay)."""
        self.store.set_public_access_block(name, config)

    def get_public_access_block(self, name: str) -> PublicAccessBlock:
        """GetPublicAccessBlock (NoSuchPublicAccessBlockConfiguration without one)."""
        config = self.store.bucket(name).public_access_block
        if config is None:
            raise NoSuchPublicAccessBlockConfiguration(name)
        return config

    def delete_public_access_block(self, name: str) -> None:
        """DeletePublicAccessBlock: no configuration (every flag off) from now on."""
        self.store.set_public_access_block(name, None)


def _must_be_empty(bucket: Bucket) -> None:
    if not bucket.is_empty or bucket.uploads:
        raise BucketNotEmpty(bucket.name, versioned=bucket.versioning is not None)


def _implicit_keeping_block(current: BucketDefault) -> BucketDefault:
    return replace(IMPLICIT_DEFAULT, blocked_encryption_types=current.blocked_encryption_types)

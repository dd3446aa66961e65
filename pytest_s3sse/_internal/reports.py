"""What a test can read about its engine as a whole: an encryption report shaped like S3 Inventory with
AWS Config's verdicts, and what the test's KMS requests would cost.

Sources (shared/reference/audit-behaviour.md): S3 Inventory's encryption fields and column order (4.1,
4.2, P: S3 user guide "Amazon S3 Inventory", botocore's ``InventoryOptionalField``); AWS Config's managed
rules ``s3-bucket-server-side-encryption-enabled`` and ``s3-default-encryption-kms`` (5, P: their
one-paragraph descriptions; the double's reading of them is proposed there); KMS's request price (6.1,
P: "AWS Key Management Service Pricing", restated by three sources in March-June 2026).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.s3.records import DeleteMarker, StoredObject, Version
from pytest_s3sse._internal.s3.store import Bucket
from pytest_s3sse._internal.types import SseMode

# S3 Inventory's EncryptionStatus values (4.1, P).
_INVENTORY_STATUS = {
    SseMode.SSE_S3.value: "SSE-S3",
    SseMode.SSE_KMS.value: "SSE-KMS",
    SseMode.DSSE_KMS.value: "DSSE-KMS",
    SseMode.SSE_C.value: "SSE-C",
    SseMode.NONE.value: "NOT-SSE",  # an unencrypted legacy object (4.1, P; U: seeded only)
}
# Inventory's columns in its fixed order (4.2 N1), then our KMSKeyArn (Inventory has no key field).
COLUMNS = (
    "Bucket",
    "Key",
    "VersionId",
    "IsLatest",
    "IsDeleteMarker",
    "Size",
    "LastModifiedDate",
    "ETag",
    "IsMultipartUploaded",
    "ReplicationStatus",
    "EncryptionStatus",
    "BucketKeyStatus",
    "KMSKeyArn",
)
# KMS request price (6.1, P): symmetric requests, USD per request, and the monthly free tier.
PRICE_DATE = "2026-06"
PRICE_PER_10K = Decimal("0.03")
PRICE_PER_REQUEST = PRICE_PER_10K / Decimal(10_000)
FREE_REQUESTS_PER_MONTH = 20_000


def inventory_row(obj: StoredObject | DeleteMarker, *, latest: bool = True) -> dict[str, str]:
    """One object version as S3 Inventory lists it (4.1, 4.2), plus ``KMSKeyArn``; a delete marker
    has no data, so its other fields are empty (U: proposed)."""
    head = {
        "Bucket": obj.bucket,
        "Key": obj.key,
        "VersionId": "" if obj.version_id == "null" else obj.version_id,
        "IsLatest": "true" if latest else "false",
        "IsDeleteMarker": "true" if isinstance(obj, DeleteMarker) else "false",
    }
    if isinstance(obj, DeleteMarker):
        when = obj.last_modified.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return head | {c: "" for c in COLUMNS if c not in head} | {"LastModifiedDate": when}
    encryption = obj.encryption
    return {
        **head,
        "Size": str(obj.size),
        "LastModifiedDate": obj.last_modified.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "ETag": obj.etag,
        "IsMultipartUploaded": "true" if "-" in obj.etag else "false",  # a multipart ETag: md5-N
        # 4.2 N1 (P): PENDING, COMPLETED, FAILED or REPLICA; empty when not replicated.
        "ReplicationStatus": obj.replication_status or "",
        "EncryptionStatus": _INVENTORY_STATUS.get(encryption.mode.value, "NOT-SSE"),
        "BucketKeyStatus": "ENABLED" if encryption.bucket_key_enabled else "DISABLED",
        "KMSKeyArn": encryption.kms_key_arn or "",
    }


@dataclass(frozen=True, slots=True)
class BucketVerdict:
    """AWS Config's two encryption rules for one bucket (5, P descriptions; proposed readings).

    ``server_side_encryption_enabled``: ``s3-bucket-server-side-encryption-enabled`` (every bucket has
    a default since 2023-01-05, so COMPLIANT); ``default_encryption_kms``: ``s3-default-encryption-kms``
    (COMPLIANT when the default is SSE-KMS or DSSE-KMS, and, with ``kms_key_arns``, under one of them).
    """

    bucket: str
    default_algorithm: str
    default_kms_key: str | None
    server_side_encryption_enabled: str
    default_encryption_kms: str


@dataclass(frozen=True, slots=True)
class EncryptionReport:
    """Every stored object's encryption (:attr:`rows`, Inventory's fields) and each bucket's
    :class:`BucketVerdict` (:attr:`buckets`). :meth:`csv` and :meth:`table` render the rows."""

    rows: tuple[dict[str, str], ...]
    buckets: tuple[BucketVerdict, ...]

    def csv(self) -> str:
        """The rows as CSV with a header line (Inventory itself writes no header: N5, U)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()

    def table(self) -> str:
        """The rows as an aligned text table (Bucket, Key, EncryptionStatus, BucketKeyStatus, key)."""
        columns = ("Bucket", "Key", "EncryptionStatus", "BucketKeyStatus", "KMSKeyArn")
        cells = [list(columns), *([row[c] for c in columns] for row in self.rows)]
        widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in cells
        )

    def __str__(self) -> str:
        return self.table()


def encryption_report(
    objects: Iterable[Version | tuple[Version, bool]],
    buckets: Iterable[Bucket],
    *,
    kms_key_arns: Sequence[str] | None = None,
    resolve_key: Callable[[str], str | None] = lambda key: key,
) -> EncryptionReport:
    """The report over ``objects`` and ``buckets``; ``resolve_key`` turns a default's key id or
    alias into its ARN (for ``kms_key_arns``). ``objects`` are object versions, each alone (the
    latest) or with whether it is its key's latest version (IsLatest)."""
    rows = tuple(
        inventory_row(item[0], latest=item[1]) if isinstance(item, tuple) else inventory_row(item)
        for item in objects
    )
    verdicts = []
    for bucket in sorted(buckets, key=lambda b: b.name):
        default = bucket.default_encryption
        algorithm = default.mode.header_value or "AES256"
        key = default.kms_key_id
        kms_default = default.mode in (SseMode.SSE_KMS, SseMode.DSSE_KMS)
        if kms_default and kms_key_arns is not None:
            arn = resolve_key(key) if key is not None else resolve_key("alias/aws/s3")
            kms_default = arn in kms_key_arns
        verdicts.append(
            BucketVerdict(
                bucket.name,
                algorithm,
                key,
                "COMPLIANT",
                "COMPLIANT" if kms_default else "NON_COMPLIANT",
            )
        )
    return EncryptionReport(rows, tuple(verdicts))


@dataclass(frozen=True, slots=True)
class KmsCost:
    """What the KMS requests cost at KMS's published price (:data:`PRICE_PER_REQUEST`, as of
    :data:`PRICE_DATE`): every request, S3's included, failed and throttled ones too (AWS bills
    requests). ``by_key`` and ``by_operation`` count requests; the ``usd`` figures are exact decimals.
    Key storage ($1 per customer managed key-month) is not included."""

    requests: int
    usd: Decimal
    usd_after_free_tier: Decimal
    by_key: dict[str, int]
    by_operation: dict[str, int]

    def __str__(self) -> str:
        lines = [
            f"{self.requests} KMS requests: ${self.usd} at ${PRICE_PER_10K} per "
            f"10,000 ({PRICE_DATE}); ${self.usd_after_free_tier} after the monthly free tier of "
            f"{FREE_REQUESTS_PER_MONTH:,}"
        ]
        lines.extend(f"  {op}: {n}" for op, n in sorted(self.by_operation.items()))
        return "\n".join(lines)


def kms_cost(calls: Iterable[KmsCall], *, free_tier_used: int = 0) -> KmsCost:
    """The cost of ``calls``; ``free_tier_used`` requests of the month's free tier are already spent."""
    counted = list(calls)
    by_key = Counter(call.key_arn or "-" for call in counted)
    by_operation = Counter(call.operation for call in counted)
    total = len(counted)
    free_left = max(FREE_REQUESTS_PER_MONTH - free_tier_used, 0)
    billable = max(total - free_left, 0)
    return KmsCost(
        total,
        total * PRICE_PER_REQUEST,
        billable * PRICE_PER_REQUEST,
        dict(by_key),
        dict(by_operation),
    )

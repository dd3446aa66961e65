"""The test API's KMS side: the call log, counts and costs, expectations of calls and requests, and who
used a key (the methods of :class:`~pytest_s3sse._internal.testapi.S3SSE` that read ``engine.kms`` and
the engine's event stream; docs/assertions.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pytest_s3sse._internal.assertions import (
    RequestExpectation,
    S3SSEAssertionError,
    check_key_used_by,
    check_kms_calls,
    check_requests,
)
from pytest_s3sse._internal.audit import RequestRecord
from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.errors import (
    KmsKeyNotFoundError,
)
from pytest_s3sse._internal.errors.kms import KmsError
from pytest_s3sse._internal.kms.operations import OPERATIONS as KMS_OPERATIONS
from pytest_s3sse._internal.kms.operations import operation_name
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import KmsCall
from pytest_s3sse._internal.principals import ClientKwargs
from pytest_s3sse._internal.reports import KmsCost, kms_cost
from pytest_s3sse._internal.types import Principal


def api_operation_name(name: str) -> str:
    """An S3 or KMS operation's API name from itself or boto3's method name (``put_object``,
    ``list_objects_v2``); a KMS-looking name is checked (ValueError naming the closest)."""
    if "_" in name or name[:1].islower():
        name = "".join(word[:1].upper() + word[1:] for word in name.split("_"))
    if name in KMS_OPERATIONS:
        return name
    if name.lower() in {op.lower() for op in KMS_OPERATIONS}:
        return operation_name(name)  # a slip of case: the KMS error names the operation
    return name


class KmsQueries:
    """KMS calls, counts, costs, quotas and expectations, over :attr:`engine`."""

    engine: Engine
    _expectations: list[tuple[str | None, bool, dict[str, int]]]
    _request_expectations: list[RequestExpectation]
    _kms_covers: list[tuple[str | None, dict[str, int]]]
    _request_covers: list[RequestExpectation]

    @property
    def kms(self) -> KmsService:
        """The engine's KMS service: keys, aliases, quotas and the call log (see docs/kms.md)."""
        return self.engine.kms

    @property
    def kms_calls(self) -> tuple[KmsCall, ...]:
        """Every KMS call so far, made directly or by S3 for a request, oldest first (read-only)."""
        return self.engine.kms.calls

    def kms_call_count(self, operation: str | None = None, *, key: str | None = None) -> int:
        """How many KMS calls were made: of ``operation`` (any when None), using ``key``.

        ``operation`` is a KMS API name (``"Decrypt"``) or boto3's method name (``"decrypt"``); one
        that is neither is a ValueError naming the closest, so ``== 0`` never holds for a typo.
        ``key`` is resolved as KMS would (key id, key ARN, alias name or alias ARN, ``alias/aws/s3``,
        in the engine's account and region unless an ARN says otherwise); a key that does not exist
        there, and never did, is a :class:`KmsKeyNotFoundError`, whatever the form. Failed and
        throttled calls count, as AWS bills and throttles them."""
        __tracebackhide__ = True
        wanted = operation_name(operation) if operation is not None else None
        arn = self._known_key_arn(key) if key is not None else None
        return self.engine.kms.call_count(
            wanted, key=arn, account=self.engine.account_id, region=self.engine.region
        )

    def _known_key_arn(self, key: str) -> str:
        """The ARN of the key ``key`` names (any form); KmsKeyNotFoundError when there is none."""
        __tracebackhide__ = True
        kms = self.engine.kms
        try:
            return kms.known_key_arn(key, account=self.engine.account_id, region=self.engine.region)
        except KmsError as err:
            where = f"account {self.engine.account_id}, region {self.engine.region}"
            hint = ""
            if not key.startswith(("arn:", "alias/")):
                elsewhere = [f"{a}/{r}" for a, r in kms.regions_holding(key)]
                if elsewhere:
                    hint = f" (a key with this id exists in {', '.join(elsewhere)}: pass its ARN)"
            else:
                where = "the account and region it names" if key.startswith("arn:") else where
            msg = f"no KMS key is named {key!r} in {where}{hint}"
            raise KmsKeyNotFoundError(msg) from err

    def _key_in_words(self, arn: str | None) -> str:
        """How a failed assertion names the key it found: "the AWS managed key aws/s3" (the usual
        bug: SSE-KMS requested without SSEKMSKeyId), or the ARN with its aliases."""
        if arn is None:
            return "no KMS key"
        aliases = self.engine.kms.alias_names(arn)
        managed = [a for a in aliases if a.startswith("alias/aws/")]
        if managed:
            name = managed[0].removeprefix("alias/")
            return (
                f"the AWS managed key {name} ({arn}): was the object written without SSEKMSKeyId "
                "(or a bucket default key)?"
            )
        named = f" ({', '.join(aliases)})" if aliases else ""
        return f"{arn}{named}"

    def assert_kms_calls(
        self, *, key: str | None = None, at_most: bool = False, **counts: int
    ) -> None:
        """Assert the KMS calls made so far (with ``key``, when given): exactly ``counts``
        (``assert_kms_calls(GenerateDataKey=1, Decrypt=2)``: those operations, those numbers, no
        other operation), or with ``at_most=True`` no more than each count (a budget; operations
        not named are not limited). Names are KMS's or boto3's (``generate_data_key``); S3's calls
        for requests count, failed and throttled ones too. The failure lists every call."""
        __tracebackhide__ = True
        expected = self._expected_counts(counts)
        calls, label = self._calls_with(key)
        check_kms_calls(calls, expected, at_most=at_most, key_label=label)

    def expect_kms_calls(
        self, *, key: str | None = None, at_most: bool = False, **counts: int
    ) -> None:
        """:meth:`assert_kms_calls`, checked when the engine stops (the fixture's teardown, the end
        of ``mock_s3sse``): a test states its KMS budget up front and fails if it is not met."""
        __tracebackhide__ = True
        expected = self._expected_counts(counts)  # a misspelt name fails now, not at teardown
        if key is not None:
            self._known_key_arn(key)
        self._expectations.append((key, at_most, expected))
        self._kms_covers.append((key, expected))

    def expect_requests(
        self,
        *operations: str,
        bucket: str | None = None,
        key: str | None = None,
        times: int | None = None,
    ) -> None:
        """Expect S3 or KMS requests of ``operations`` (API names, ``"PutObject"``, or boto3's,
        ``"put_object"``), in ``bucket`` and to ``key`` when given: each expectation must be met
        when the engine stops (at least one such request, or exactly ``times``), and with the
        ``assert_all_requests_expected`` option every request must be covered by one (pytest-httpx
        style; docs/assertions.md). KMS names are checked now (a misspelt one is a ValueError);
        an S3 name that names no request fails at stop, as an expectation never met."""
        __tracebackhide__ = True
        if not operations:
            msg = "expect_requests needs at least one operation name"
            raise TypeError(msg)
        if times is not None and (type(times) is not int or times < 0):
            msg = f"times={times!r}: a count is a whole number, 0 or more"
            raise ValueError(msg)
        expectation = RequestExpectation(
            frozenset(api_operation_name(name) for name in operations), bucket, key, times
        )
        self._request_expectations.append(expectation)
        self._request_covers.append(expectation)

    def _records(self) -> list[RequestRecord]:
        return self.engine.events.of(RequestRecord)

    def _expected(self, record: RequestRecord, kms_keys: Mapping[str, str | None]) -> bool:
        if any(cover.matches(record) for cover in self._request_covers):
            return True
        if record.service != "kms" or record.operation is None:
            return False
        for key, counts in self._kms_covers:
            if counts.get(record.operation, 0) == 0:
                continue
            if key is None or kms_keys.get(record.request_id) == self._known_key_arn(key):
                return True
        return False

    def check_expectations(self) -> None:
        """Check every :meth:`expect_kms_calls` and :meth:`expect_requests` now, and with the
        ``assert_all_requests_expected`` option that every request was expected (stop() does,
        once; each expectation is checked once)."""
        __tracebackhide__ = True
        pending, self._expectations = self._expectations, []
        requested, self._request_expectations = self._request_expectations, []
        problems = []
        for key, at_most, expected in pending:
            calls, label = self._calls_with(key)
            try:
                check_kms_calls(calls, expected, at_most=at_most, key_label=label)
            except S3SSEAssertionError as err:
                problems.append(str(err))
        records = self._records()
        problems += [p for p in (e.problem(records) for e in requested) if p is not None]
        unexpected: list[RequestRecord] = []
        if self.engine.options.assert_all_requests_expected:
            kms_keys = {
                call.request_id: call.key_arn
                for call in self.kms_calls
                if call.via != "s3" and call.request_id is not None
            }
            unexpected = [r for r in records if not self._expected(r, kms_keys)]
        check_requests(problems, unexpected)

    def assert_key_used_by(self, key: str, principal: str | ClientKwargs | Principal) -> None:
        """Assert a successful KMS call (direct, or S3's for a request) used ``key`` as
        ``principal``: an ARN (a role's ARN covers its sessions), the mapping
        :meth:`principal` returned, or a :class:`Principal`. The failure says who did use it."""
        __tracebackhide__ = True
        arn = self._known_key_arn(key)
        callers: tuple[str, ...]
        if isinstance(principal, ClientKwargs):
            callers, who = (principal.session_arn, principal.arn), principal.arn
        elif isinstance(principal, Principal):
            callers, who = (principal.arn,), principal.arn
        else:
            callers, who = (principal,), principal
        role = callers[0].split(":role/", 1)
        calls = self.kms_calls
        if len(role) == 2:  # a role ARN: any of its sessions
            prefix = role[0].replace(":iam::", ":sts::", 1) + ":assumed-role/" + role[1] + "/"
            callers = (*callers, *{c.caller for c in calls if c.caller.startswith(prefix)})
        check_key_used_by(calls, arn, callers, who)

    def kms_cost(self, *, free_tier_used: int = 0) -> KmsCost:
        """What the KMS requests made so far cost at KMS's published price ($0.03 per 10,000
        symmetric requests, as of 2026-06), with and without the 20,000-request monthly free tier
        (``free_tier_used``: requests of it already spent), by key and by operation."""
        return kms_cost(self.kms_calls, free_tier_used=free_tier_used)

    def _expected_counts(self, counts: Mapping[str, int]) -> dict[str, int]:
        __tracebackhide__ = True
        expected: dict[str, int] = {}
        for name, number in counts.items():
            if not isinstance(number, int) or number < 0:
                msg = f"{name}={number!r}: a count is a whole number, 0 or more"
                raise ValueError(msg)
            expected[operation_name(name)] = number
        return expected

    def _calls_with(self, key: str | None) -> tuple[tuple[KmsCall, ...], str | None]:
        __tracebackhide__ = True
        calls = self.kms_calls
        if key is None:
            return calls, None
        arn = self._known_key_arn(key)
        label = key if key == arn else f"{key} ({arn})"
        return tuple(call for call in calls if call.involves(arn)), label

    def kms_quota(
        self,
        family: str,
        per_second: float | Literal["aws"] | None,
        *,
        burst: float | None = None,
    ) -> None:
        """Throttle KMS like AWS: at most ``per_second`` requests per second (a token bucket of
        ``burst`` requests, refilled on the engine clock) for ``family``, per account and region.

        ``family`` is ``"cryptographic"`` (Encrypt, Decrypt, GenerateDataKey*, GenerateMac ... with
        symmetric and HMAC keys share one quota, S3's calls included), ``"cryptographic-rsa"`` /
        ``"cryptographic-ecc"`` (the same operations and Sign, Verify, DeriveSharedSecret with RSA /
        ECC keys), ``"GenerateDataKeyPair (<KeyPairSpec>)"``, or a management operation's name
        (``"CreateKey"``, ``"GetPublicKey"``). ``"aws"`` uses AWS's default rate; None lifts the limit.
        Beyond it KMS answers ``ThrottlingException``.
        """
        quotas = self.engine.kms.quotas
        if per_second is None:
            quotas.clear(family)
        else:
            quotas.configure(family, None if per_second == "aws" else per_second, burst)

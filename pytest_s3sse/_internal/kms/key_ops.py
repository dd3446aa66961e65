"""KMS key management: CreateKey, DescribeKey, ListKeys, Enable/DisableKey, Schedule/CancelKeyDeletion,
tags, key policies and UpdateKeyDescription.

Which key forms each operation accepts (P, botocore model): DescribeKey takes an alias too; the others
take a key id or key ARN only, and none of them reaches across accounts. Which key states each allows
comes from the KMS DG key-state table (P). Key policies are validated when they are put (AWS's
MalformedPolicyDocumentException texts, the lock-out safety check KP1, the 32 KB quota KP4), stored in
the form GetKeyPolicy returns, and evaluated on every use of the key (:mod:`.base`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pytest_s3sse._internal.errors.kms import (
    KMSInvalidStateException,
    LimitExceededException,
    MalformedPolicyDocumentException,
    NotFoundException,
    NotImplementedKms,
    TagException,
    ValidationException,
)
from pytest_s3sse._internal.kms import imported, rotation
from pytest_s3sse._internal.kms.base import ServiceBase, page, parsed_key_policy
from pytest_s3sse._internal.kms.imported import EXTERNAL, PENDING_IMPORT
from pytest_s3sse._internal.kms.keys import (
    KEY_SPECS,
    LEGACY_SPECS,
    PENDING_REPLICA_DELETION,
    KmsKey,
    MultiRegionGroup,
    key_arn,
)
from pytest_s3sse._internal.kms.managed import default_policy, policy_text
from pytest_s3sse._internal.kms.types import (
    ENCRYPT_DECRYPT,
    SYMMETRIC_DEFAULT,
    Caller,
    KeyView,
    Page,
    Tag,
)

MAX_TAGS = 50
# KP1 (P, botocore model CreateKey/PutKeyPolicy; A: terraform-aws-modules/terraform-aws-eks#1950).
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
MAX_POLICY_BYTES = 32768  # P, KMS DG resource-limits ("Key policy document size")
DEFAULT_WINDOW_DAYS = 30
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 7, 30  # P, ScheduleKeyDeletion PendingWindowInDays


class KeyOps(ServiceBase):
    """Key life cycle, tags and policies."""

    def create_key(
        self,
        *,
        caller: Caller,
        description: str = "",
        key_usage: str | None = None,
        key_spec: str | None = None,
        customer_master_key_spec: str | None = None,
        policy: str | None = None,
        tags: Sequence[Tag] = (),
        multi_region: bool = False,
        origin: str | None = None,
        bypass_lockout: bool = False,
    ) -> KeyView:
        """A new customer managed key of ``caller``'s account and region; ``policy`` is checked as
        PutKeyPolicy checks it (``bypass_lockout``: BypassPolicyLockoutSafetyCheck)."""
        with self._call("CreateKey", caller) as call:
            if origin not in (None, "AWS_KMS", EXTERNAL):
                raise NotImplementedKms.feature(f"keys with Origin {origin}")
            if "SM2" in (key_spec, customer_master_key_spec) and not caller.region.startswith(
                "cn-"
            ):
                raise _sm2_outside_china(key_spec != "SM2")
            spec, usage = _spec_and_usage(key_spec, customer_master_key_spec, key_usage)
            if policy is not None:
                check_policy(policy)
            check_tags({}, tags)
            now = self.clock.now()
            key_id = "mrk-" + self.entropy.hex(16) if multi_region else self.entropy.uuid4()
            account = caller.principal.account_id
            if policy is not None:
                arn = key_arn(account, caller.region, key_id)
                self._check_lockout(arn, account, policy, caller, bypass=bypass_lockout)
            key = KmsKey(
                key_id=key_id,
                account=caller.principal.account_id,
                region=caller.region,
                created=now,
                description=description,
                usage=usage,
                spec=spec,
                multi_region=multi_region,
                policy=policy_text(policy)
                if policy is not None
                else default_policy(caller.principal.account_id, caller.region),
                tags={t.key: t.value for t in tags},
            )
            if (
                origin == EXTERNAL
            ):  # no material until it is imported (A, test_import_key_symmetric)
                key.origin, key.state = EXTERNAL, PENDING_IMPORT
            else:
                key.materials.append(self._new_material(now, None))
            if multi_region:
                key.mrk = MultiRegionGroup(key.account, key_id, key.region, [key.region])
            keys = self.store.region(key.account, key.region, now)
            keys.keys[key.key_id] = key
            call.key_arn = key.arn
            return key.view()

    def describe_key(self, key_ref: str, *, caller: Caller) -> KeyView:
        """The key's metadata (``key_ref`` may be an alias; an ARN may be another account's)."""
        with self._call("DescribeKey", caller) as call:
            key = self._authorized_key(
                key_ref, caller, call, "DescribeKey", aliases=True, cross_account=True
            )
            return key.view()

    def list_keys(
        self, *, caller: Caller, limit: int | None = None, marker: str | None = None
    ) -> Page[KeyView]:
        """The keys of the caller's account and region, oldest first (default 100 per page)."""
        with self._call("ListKeys", caller):
            keys = self.store.region(caller.account, caller.region, self.clock.now())
            views = [k.view() for k in keys.keys.values()]
            return page(views, limit, marker, 100, 1000)

    def update_key_description(self, key_ref: str, description: str, *, caller: Caller) -> None:
        """Replace the key's description."""
        with self._call("UpdateKeyDescription", caller) as call:
            key = self._own_key(key_ref, caller, call, "UpdateKeyDescription")
            self._require_not_pending(key)
            key.description = description

    def enable_key(self, key_ref: str, *, caller: Caller) -> None:
        """Enabled again; an overdue automatic rotation happens now (P, GetKeyRotationStatus)."""
        with self._call("EnableKey", caller) as call:
            key = self._own_key(key_ref, caller, call, "EnableKey")
            self._require_not_pending(key)
            self._require_material(key)
            if key.state == "Disabled":
                key.state = "Enabled"
                rotation.on_key_enabled(key, self.clock.now(), self._new_material)

    def disable_key(self, key_ref: str, *, caller: Caller) -> None:
        """Disabled: no cryptographic use and no automatic rotation until enabled again."""
        with self._call("DisableKey", caller) as call:
            key = self._own_key(key_ref, caller, call, "DisableKey")
            self._require_not_pending(key)
            self._require_material(key)
            key.state = "Disabled"

    def schedule_key_deletion(
        self, key_ref: str, *, caller: Caller, pending_window_days: int | None = None
    ) -> tuple[KeyView, int]:
        """PendingDeletion for 7-30 days (default 30) on the engine clock, then the key is gone."""
        with self._call("ScheduleKeyDeletion", caller) as call:
            days = DEFAULT_WINDOW_DAYS if pending_window_days is None else pending_window_days
            if not MIN_WINDOW_DAYS <= days <= MAX_WINDOW_DAYS:
                # T: LocalStack's text; U on AWS (P: "it must be between 7 and 30, inclusive").
                raise ValidationException(
                    f"PendingWindowInDays should be between 7 and 30, but it is {days}"
                )
            key = self._own_key(key_ref, caller, call, "ScheduleKeyDeletion")
            self._require_not_pending(key)
            if key.mrk is None or not key.mrk.defer_deletion(key, days):
                key.state = "PendingDeletion"
                key.deletion_date = self.clock.now() + timedelta(days=days)
            return key.view(), days

    def cancel_key_deletion(self, key_ref: str, *, caller: Caller) -> str:
        """Back from PendingDeletion to Disabled (P, CancelKeyDeletion); returns the key ARN."""
        with self._call("CancelKeyDeletion", caller) as call:
            key = self._own_key(key_ref, caller, call, "CancelKeyDeletion")
            if key.state not in ("PendingDeletion", PENDING_REPLICA_DELETION):
                raise KMSInvalidStateException.not_pending_deletion(key.arn)
            # P: Disabled; a key whose imported material is gone is PendingImport again (P, key
            # states: "PendingImport ... until you import key material"; U for this transition).
            key.state = "Disabled" if imported.has_material(key) else PENDING_IMPORT
            key.deletion_date = None
            return key.arn

    # -- tags ----------------------------------------------------------------------------------
    def tag_resource(self, key_ref: str, tags: Sequence[Tag], *, caller: Caller) -> None:
        """Add or replace tags (not on AWS managed keys: P, TagResource)."""
        with self._call("TagResource", caller) as call:
            key = self._own_key(key_ref, caller, call, "TagResource")
            self._require_not_pending(key)
            check_tags(key.tags, tags)
            key.tags.update({t.key: t.value for t in tags})

    def untag_resource(self, key_ref: str, tag_keys: Sequence[str], *, caller: Caller) -> None:
        """Remove tags (keys that are not there are ignored)."""
        with self._call("UntagResource", caller) as call:
            key = self._own_key(key_ref, caller, call, "UntagResource")
            self._require_not_pending(key)
            for name in tag_keys:
                key.tags.pop(name, None)

    def list_resource_tags(
        self, key_ref: str, *, caller: Caller, limit: int | None = None, marker: str | None = None
    ) -> Page[Tag]:
        """The key's tags, sorted by key (default and maximum 50 per page)."""
        with self._call("ListResourceTags", caller) as call:
            key = self._own_key(key_ref, caller, call, "ListResourceTags")
            return page(key.tag_list(), limit, marker, 50, 50)

    # -- key policies --------------------------------------------------------------------------
    def get_key_policy(self, key_ref: str, *, caller: Caller, policy_name: str = "default") -> str:
        """The key policy document in AWS's form (:func:`~.managed.policy_text`)."""
        with self._call("GetKeyPolicy", caller) as call:
            key = self._own_key(key_ref, caller, call, "GetKeyPolicy")
            _check_policy_name(policy_name)
            return key.policy

    def put_key_policy(
        self,
        key_ref: str,
        policy: str,
        *,
        caller: Caller,
        policy_name: str = "default",
        bypass_lockout: bool = False,
    ) -> None:
        """Replace the key policy: validated (4.5), checked for lock-out unless ``bypass_lockout``
        (KP1), stored in the form GetKeyPolicy returns."""
        with self._call("PutKeyPolicy", caller) as call:
            key = self._own_key(key_ref, caller, call, "PutKeyPolicy")
            _check_policy_name(policy_name)
            check_policy(policy)
            self._check_lockout(key.arn, key.account, policy, caller, bypass=bypass_lockout)
            key.policy = policy_text(policy)

    def _check_lockout(
        self, arn: str, account: str, policy: str, caller: Caller, *, bypass: bool
    ) -> None:
        if not bypass and self._locks_out(arn, account, parsed_key_policy(policy), caller):
            raise MalformedPolicyDocumentException(LOCKOUT)

    def list_key_policies(
        self, key_ref: str, *, caller: Caller, limit: int | None = None, marker: str | None = None
    ) -> Page[str]:
        """Always ``["default"]``: "Only one policy can be attached to a key" (P)."""
        with self._call("ListKeyPolicies", caller) as call:
            self._own_key(key_ref, caller, call, "ListKeyPolicies")
            return page(["default"], limit, marker, 100, 1000)


def _spec_and_usage(
    key_spec: str | None, legacy_spec: str | None, usage: str | None
) -> tuple[str, str]:
    if key_spec is not None and legacy_spec is not None and key_spec != legacy_spec:
        # U: AWS refuses both; the text is proposed.
        msg = "You cannot specify KeySpec and CustomerMasterKeySpec in the same request."
        raise ValidationException(msg)
    spec = key_spec or legacy_spec or SYMMETRIC_DEFAULT
    if usage is None:
        if spec != SYMMETRIC_DEFAULT:
            raise ValidationException(  # A, LS-AWS test_hmac_create_key_invalid_operations
                "You must specify a KeyUsage value for all KMS keys except for symmetric "
                "encryption keys."
            )
        usage = ENCRYPT_DECRYPT
    if usage not in KEY_SPECS[spec]:
        # A, LS-AWS test_derive_shared_secret ("KeyUsage KEY_AGREEMENT is not compatible with
        # KeySpec RSA_2048"); the same text for every pair.
        raise ValidationException(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    return spec, usage


def _sm2_outside_china(legacy: bool) -> ValidationException:
    """SM2 keys exist only in the China Regions (P, KMS DG "SM2 key spec (China Regions only)").
    Elsewhere the spec is not in the enum AWS validates against: the A format and value set of
    LS-AWS ``test_hmac_create_key_invalid_operations`` (whose us-east-1 set has no SM2), with the
    specs added since in the model's order (U for SM2 itself)."""
    member = "customerMasterKeySpec" if legacy else "keySpec"
    specs = [s for s in (LEGACY_SPECS if legacy else KEY_SPECS) if s != "SM2"]
    return ValidationException(
        f"1 validation error detected: Value 'SM2' at '{member}' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(specs)}]"
    )


def check_tags(existing: dict[str, str], tags: Sequence[Tag]) -> None:
    """A, LS-AWS tag tests: duplicate keys, ``aws:`` prefix (any case), more than 50 tags."""
    names = [t.key for t in tags]
    if len(set(names)) != len(names):
        raise TagException("Duplicate tag keys")
    if any(name.lower().startswith("aws:") for name in names):
        raise TagException("Tags beginning with aws: are reserved")
    if len(set(existing) | set(names)) > MAX_TAGS:
        raise TagException("Too many tags")


def check_policy(policy: str) -> None:
    if len(policy.encode()) > MAX_POLICY_BYTES:
        # P: LimitExceededException (KP4); the message is U.
        raise LimitExceededException("Policy document exceeds the 32768 byte quota.")
    parsed_key_policy(policy)  # MalformedPolicyDocumentException with AWS's text (4.5)


def _check_policy_name(name: str) -> None:
    if name != "default":
        raise NotFoundException("No such policy exists")  # T: moto and LocalStack; U (KP7)

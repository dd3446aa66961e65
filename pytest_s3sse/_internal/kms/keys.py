"""KMS keys and aliases: the entities, where they are kept, and how a KeyId names one.

Keys belong to an (account, region). A key id is a UUID, or ``mrk-`` and 32 hex digits for a
multi-Region key; a key ARN is ``arn:aws:kms:<region>:<account>:key/<id>``; an alias name is
``alias/<name>`` and an alias ARN ``arn:aws:kms:<region>:<account>:alias/<name>`` (P, botocore model,
reference 9.3). Which of these forms an operation accepts is decided by the service.

Deletion is lazy, on the engine clock: whenever a region's keys are looked at, keys whose deletion date
has passed are removed together with their aliases (P, ScheduleKeyDeletion: "KMS deletes the KMS key,
its key material, and all KMS data associated with it, including all aliases that refer to it"); their
ARNs are remembered so that a blob of a deleted key is told apart from a forged one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from pytest_s3sse._internal import arn
from pytest_s3sse._internal.crypto import kms_blob
from pytest_s3sse._internal.crypto.aead import Aead
from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.crypto.mac import MacKey
from pytest_s3sse._internal.errors.kms import NotFoundException
from pytest_s3sse._internal.kms.types import (
    ENCRYPT_DECRYPT,
    SYMMETRIC_DEFAULT,
    AliasView,
    KeyView,
    MultiRegionConfig,
    Tag,
)
from pytest_s3sse._internal.types import NOT_PICKLED

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MRK = re.compile(r"^mrk-[0-9a-fA-F]{32}$")
PENDING_REPLICA_DELETION = "PendingReplicaDeletion"
_ARN = re.compile(r"^arn:(aws[a-z-]*):kms:([a-z0-9-]*):([^:]*):(key|alias)/(.+)$")

_RSA_SIGNING = tuple(
    f"RSASSA_{scheme}_SHA_{bits}" for scheme in ("PKCS1_V1_5", "PSS") for bits in (256, 384, 512)
)
# KeySpec -> {KeyUsage: algorithms}. P: botocore model (KeySpec doc) and AWS's DescribeKey examples.
KEY_SPECS: dict[str, dict[str, tuple[str, ...]]] = {
    SYMMETRIC_DEFAULT: {ENCRYPT_DECRYPT: (SYMMETRIC_DEFAULT,)},
    **{
        f"RSA_{bits}": {
            ENCRYPT_DECRYPT: ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"),
            "SIGN_VERIFY": _RSA_SIGNING,
        }
        for bits in (2048, 3072, 4096)
    },
    **{
        f"ECC_NIST_P{bits}": {"SIGN_VERIFY": (f"ECDSA_SHA_{sha}",), "KEY_AGREEMENT": ("ECDH",)}
        for bits, sha in ((256, 256), (384, 384), (521, 512))
    },
    "ECC_SECG_P256K1": {"SIGN_VERIFY": ("ECDSA_SHA_256",)},
    "ECC_NIST_EDWARDS25519": {"SIGN_VERIFY": ("ED25519_SHA_512", "ED25519_PH_SHA_512")},
    **{
        f"HMAC_{bits}": {"GENERATE_VERIFY_MAC": (f"HMAC_SHA_{bits}",)}
        for bits in (224, 256, 384, 512)
    },
    "SM2": {ENCRYPT_DECRYPT: ("SM2PKE",), "SIGN_VERIFY": ("SM2DSA",), "KEY_AGREEMENT": ("ECDH",)},
    **{f"ML_DSA_{n}": {"SIGN_VERIFY": ("ML_DSA_SHAKE_256",)} for n in (44, 65, 87)},
}
# CustomerMasterKeySpec is the deprecated name of KeySpec; it has no ML_DSA or Edwards specs.
LEGACY_SPECS = tuple(s for s in KEY_SPECS if not s.startswith(("ML_DSA", "ECC_NIST_EDWARDS")))


def key_arn(account: str, region: str, key_id: str) -> str:
    """The ARN of key ``key_id``."""
    return arn.kms_key(account, region, key_id)


def alias_arn(account: str, region: str, alias_name: str) -> str:
    """The ARN of alias ``alias/<name>``."""
    return arn.kms_alias(account, region, alias_name)


def is_key_id(value: str) -> bool:
    """True for a UUID or a multi-Region (``mrk-``) key id."""
    return bool(_UUID.match(value) or _MRK.match(value))


@dataclass(frozen=True, slots=True)
class KeyRef:
    """A KeyId as sent, parsed: its form and, for ARNs, the region and account it names.

    ``kind`` is ``"id"``, ``"arn"``, ``"alias"`` (``alias/name``) or ``"alias_arn"``. ``name`` is the key
    id (for ``id``/``arn``) or the alias name with its ``alias/`` prefix.
    """

    raw: str
    kind: str
    name: str
    region: str | None = None
    account: str | None = None

    @property
    def is_alias(self) -> bool:
        """True for an alias name or alias ARN."""
        return self.kind in ("alias", "alias_arn")

    @classmethod
    def parse(cls, raw: str) -> KeyRef:
        """Parse a KeyId (raises NotFoundException ``Invalid keyId`` for what is none of the forms)."""
        return _parse_key_ref(raw)


@functools.lru_cache(maxsize=1024)
def _parse_key_ref(raw: str) -> KeyRef:
    """:meth:`KeyRef.parse` (cached: a test names few keys, and every SSE-KMS request parses one
    or two; an invalid id raises, which is never cached)."""
    if raw.startswith("arn:"):
        match = _ARN.match(raw)
        if match is None:
            raise NotFoundException.invalid_key_id(raw)  # U: the text for a malformed ARN
        _, region, account, kind, rest = match.groups()
        if kind == "alias":
            return KeyRef(raw, "alias_arn", "alias/" + rest, region, account)
        return KeyRef(raw, "arn", rest, region, account)
    if raw.startswith("alias/"):
        return KeyRef(raw, "alias", raw)
    return KeyRef(raw, "id", raw)


@dataclass(slots=True)
class KeyMaterial:
    """One version of a key's secret. ``rotation_type`` is None for the first material.

    ``cipher`` is the material's AES-256-GCM, built once here and kept with it, so it lives exactly as
    long as the key (and its engine): no module-level cache holds key material.
    """

    material_id: str
    secret: bytes = field(repr=False)
    created: datetime
    rotation_type: str | None = None
    cipher: Aead = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.cipher = kms_blob.cipher(self.secret)

    def __reduce__(self) -> NoReturn:
        raise TypeError(NOT_PICKLED)


@dataclass(slots=True)
class KmsKey:
    """A KMS key (mutable; guarded by the service's lock)."""

    key_id: str
    account: str
    region: str
    created: datetime
    description: str = ""
    usage: str = ENCRYPT_DECRYPT
    spec: str = SYMMETRIC_DEFAULT
    manager: str = "CUSTOMER"
    origin: str = "AWS_KMS"
    multi_region: bool = False
    policy: str = ""
    state: str = "Enabled"
    deletion_date: datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)
    materials: list[KeyMaterial] = field(default_factory=list)
    rotation_enabled: bool = False
    rotation_period_days: int = 365
    rotation_base: datetime | None = None
    on_demand_rotations: int = 0
    # The secret of an asymmetric (KeyPair) or HMAC (MacKey) key, made when first used (an RSA key
    # takes a moment to generate, and most tests only describe their keys); None for symmetric
    # keys, whose secrets are their ``materials``. An EXTERNAL key's is imported (:mod:`.imported`).
    private_material: KeyPair | MacKey | None = field(default=None, repr=False)
    # Imported key material (Origin EXTERNAL): how it expires, when, and a digest of the material
    # first imported (only the same material may be imported again).
    expiration_model: str | None = None
    valid_to: datetime | None = None
    imported_digest: bytes | None = field(default=None, repr=False)
    # A multi-Region key's group (primary and replicas share it, and their ``materials`` list).
    mrk: MultiRegionGroup | None = field(default=None, repr=False)
    arn: str = field(init=False)  # the key ARN (id, account and region never change)

    def __post_init__(self) -> None:
        self.arn = key_arn(self.account, self.region, self.key_id)

    @property
    def symmetric(self) -> bool:
        """True for a symmetric encryption key, the only kind the double encrypts with."""
        return self.spec == SYMMETRIC_DEFAULT

    @property
    def current_material(self) -> KeyMaterial:
        """The material new encryptions use (the newest)."""
        return self.materials[-1]

    def material(self, material_id: str) -> KeyMaterial | None:
        """The material with ``material_id`` (old ones stay, so old blobs still decrypt)."""
        for material in self.materials:
            if material.material_id == material_id:
                return material
        return None

    def tag_list(self) -> tuple[Tag, ...]:
        """The tags, sorted by key."""
        return tuple(Tag(k, self.tags[k]) for k in sorted(self.tags))

    def view(self) -> KeyView:
        """A snapshot of the metadata DescribeKey shows."""
        return KeyView(
            key_id=self.key_id,
            arn=self.arn,
            account=self.account,
            region=self.region,
            created=self.created,
            description=self.description,
            usage=self.usage,
            spec=self.spec,
            state=self.state,
            manager=self.manager,
            origin=self.origin,
            multi_region=self.multi_region,
            deletion_date=self.deletion_date,
            current_material_id=(
                self.current_material.material_id if self.symmetric and self.materials else None
            ),
            algorithms=KEY_SPECS[self.spec][self.usage],
            expiration_model=self.expiration_model,
            valid_to=self.valid_to,
            multi_region_config=self.mrk.config(self.region) if self.mrk is not None else None,
        )


@dataclass(slots=True)
class MultiRegionGroup:
    """The related multi-Region keys of one key id (P, KMS DG "Multi-Region keys"): one primary
    Region and its replicas' Regions, in the order they were made. Every member holds this same
    object, so a change of primary or a new replica is seen by all of them at once."""

    account: str
    key_id: str
    primary: str
    regions: list[str]
    # ScheduleKeyDeletion of the primary while replicas remain: its waiting period, and when the
    # last replica was deleted (its own period starts then).
    pending_window_days: int = 30
    replicas_deleted_at: datetime | None = None
    # Imported key material: the digest of the first material imported into any member (every
    # member must get the same material: P, ImportKeyMaterial ImportType).
    imported_digest: bytes | None = field(default=None, repr=False)

    def defer_deletion(self, key: KmsKey, days: int) -> bool:
        """ScheduleKeyDeletion of ``key``: when it is the primary and replicas remain, it is
        PendingReplicaDeletion with no date (P, ScheduleKeyDeletion) and True is returned."""
        if self.primary != key.region or len(self.regions) < 2:
            return False
        key.state = PENDING_REPLICA_DELETION
        key.deletion_date = None
        self.pending_window_days = days
        return True

    def replica_deleted(self, key: KmsKey) -> None:
        """A member's deletion took effect."""
        if key.region in self.regions:
            self.regions.remove(key.region)
        if key.region != self.primary:
            self.replicas_deleted_at = key.deletion_date

    def config(self, region: str) -> MultiRegionConfig:
        """DescribeKey's MultiRegionConfiguration as seen from the member in ``region``."""
        arn = functools.partial(key_arn, self.account, key_id=self.key_id)
        return MultiRegionConfig(
            "PRIMARY" if region == self.primary else "REPLICA",
            (arn(self.primary), self.primary),
            tuple((arn(r), r) for r in self.regions if r != self.primary),
        )


@dataclass(slots=True)
class Alias:
    """An alias of one (account, region)."""

    name: str
    account: str
    region: str
    target_key_id: str
    created: datetime
    updated: datetime

    @property
    def arn(self) -> str:
        """The alias ARN."""
        return alias_arn(self.account, self.region, self.name)

    def view(self) -> AliasView:
        """A snapshot for ListAliases."""
        return AliasView(self.name, self.arn, self.target_key_id, self.created, self.updated)


@dataclass(slots=True)
class RegionKeys:
    """The keys and aliases of one account in one region."""

    keys: dict[str, KmsKey] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def purge(self, now: datetime) -> None:
        """Delete the keys whose waiting period has ended, and the aliases that name them."""
        due = [
            k for k in self.keys.values() if k.deletion_date is not None and k.deletion_date <= now
        ]
        for key in due:
            del self.keys[key.key_id]
            if key.mrk is not None:
                key.mrk.replica_deleted(key)
            self.deleted.add(key.arn)
            for name in [n for n, a in self.aliases.items() if a.target_key_id == key.key_id]:
                del self.aliases[name]


class KeyStore:
    """Every (account, region)'s keys and aliases."""

    def __init__(self) -> None:
        self._regions: dict[tuple[str, str], RegionKeys] = {}

    def regions_holding(self, key_id: str) -> list[tuple[str, str]]:
        """The (account, region) pairs that hold a key with id ``key_id`` (the test API's hint when
        a bare id is looked up in the wrong region)."""
        return [where for where, keys in self._regions.items() if key_id in keys.keys]

    def region(self, account: str, region: str, now: datetime) -> RegionKeys:
        """The keys of ``account`` in ``region``, with deletions due by ``now`` applied."""
        found = self._regions.get((account, region))
        if found is None:
            found = self._regions[(account, region)] = RegionKeys()
        found.purge(now)
        return found

"""An engine kept in a directory, so a local endpoint (``serve --state-dir``) survives restarts.

What is written, and where (docs/local-endpoint.md, "State across restarts"):

- ``blobs/<aa>/<sha256>``: the ciphertext of every stored object and uploaded part (its sealed
  segments, content-addressed: written once, removed when nothing refers to it any more);
- ``engine-<generation>.pickle``: everything else the engine holds (buckets and their
  configurations, object versions with their wrapped data keys, KMS keys' metadata, policies,
  grants, aliases, principals, the trail, the clock, the random source), with every secret replaced
  by a reference into ...
- ``keys-<generation>.json`` (mode 0600): the engine's own key material, what S3's and KMS's
  hardware keeps: SSE-S3 root keys, KMS key material (symmetric, HMAC, private keys), and the keys
  the engine authenticates part lists with;
- ``state.json``: the format, the release that wrote it, and the current generation (the commit
  point: it is replaced last, atomically, so a crash while saving leaves the previous state whole).

Never written: plaintext object data, plaintext data keys, the bucket keys S3 holds (an engine
restored asks KMS again, as S3 does once its cache expires), and SSE-C keys (never kept in memory
either). Every class holding key material refuses to be pickled (``types.NOT_PICKLED``); only this
module's pickler routes it to the key file.

The engine graph is pickled because it is the one complete description of the engine's state: a
field added to any record is persisted with no change here. The price is that a directory is read
only by the release (and code) that wrote it, which ``state.json`` records and :func:`load` checks;
and the directory must be trusted like code (the unpickler loads only pytest-s3sse's own classes and
a few standard types, but it is still pickle).

``_internal/saving.py`` serves an engine while keeping its directory current.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import functools
import hashlib
import io
import json
import os
import pickle
import threading
import types
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: directories are not locked
    fcntl = None  # type: ignore[assignment]

from pytest_s3sse._internal.crypto.aead import Aead
from pytest_s3sse._internal.crypto.asymmetric import KeyPair
from pytest_s3sse._internal.crypto.key_import import private_key
from pytest_s3sse._internal.crypto.mac import MacKey
from pytest_s3sse._internal.crypto.manifest import PartListKey
from pytest_s3sse._internal.crypto.segments import SealedPart
from pytest_s3sse._internal.engine import Engine
from pytest_s3sse._internal.errors import StateDirectoryError
from pytest_s3sse._internal.kms.keys import KeyMaterial

FORMAT = 1
STATE_FILE = "state.json"
LOCK = "LOCK"
BLOBS = "blobs"
_PACKAGE = Path(__file__).resolve().parent.parent
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))
# What the unpickler may load besides pytest-s3sse's own classes: the standard types the engine's
# records are made of (anything else in a file is refused, never imported).
_STANDARD = {
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("builtins", "bytearray"),
    ("builtins", "complex"),
    ("builtins", "slice"),
    ("collections", "OrderedDict"),
    ("collections", "deque"),
    ("copyreg", "_reconstructor"),
    ("builtins", "object"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("random", "Random"),
    ("re", "_compile"),
    ("_thread", "allocate_lock"),
    ("_thread", "RLock"),
    ("threading", "RLock"),
    ("threading", "_CRLock"),
    ("functools", "partial"),
    ("enum", "EnumType"),
}


def _mapping_proxy(mapping: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(mapping)


# The standard types whose bound methods an engine holds (Exchanges.append is its deque's append).
_METHOD_OWNERS = (collections.deque, list, dict)


def _bound(owner: object, name: str) -> Any:
    """A bound method (an event listener, a nonce source), as pickle's own ``getattr`` would give it,
    but only an ordinary method of one of the package's objects or of a standard container: never a
    dunder attribute, so an engine file cannot reach a function's globals through it."""
    module = type(owner).__module__
    ours = module == "pytest_s3sse" or module.startswith("pytest_s3sse.")
    if name.startswith("__") or not (ours or type(owner) in _METHOD_OWNERS):
        msg = f"the engine file asks for {type(owner).__qualname__}.{name}, which it never holds"
        raise pickle.UnpicklingError(msg)
    return getattr(owner, name)


@functools.cache
def code_fingerprint() -> str:
    """A digest of this installation's package sources: a directory is read only by the code that
    wrote it (records are pickled by class and field, so another release could misread them)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _release() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - rarely used

    try:
        return version("pytest-s3sse")
    except PackageNotFoundError:  # pragma: no cover - a source tree not installed
        return "unknown"


def _write(path: Path, data: bytes, mode: int = 0o600, *, sync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file, renamed into place (so a reader never
    sees half a file); ``sync``: flushed to the disk first."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        if sync:
            out.flush()
            os.fsync(out.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True, slots=True)
class Saved:
    """What one save wrote: the generation, the bytes of its engine file, how many ciphertext
    blobs it refers to, and how many of them it had to write (the others were there already)."""

    generation: str
    engine_bytes: int
    blobs: int
    blobs_written: int


class _Blobs:
    """The content-addressed ciphertext files, and which parts are known to be there already."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # id(part) -> (part, digest) for parts written by an earlier save of this process: a part is
        # immutable, so it is hashed and written once (the part is kept so its id stays its own).
        self._known: dict[int, tuple[SealedPart, str]] = {}
        self._folders: set[str] = set()  # the <aa> folders made already

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, part: SealedPart, seen: dict[int, tuple[SealedPart, str]]) -> tuple[str, bool]:
        """The digest of ``part``'s ciphertext, written if not yet on disk; and whether it was."""
        key = id(part)
        known = self._known.get(key) or seen.get(key)
        if known is not None:
            seen[key] = known
            return known[1], False
        data = b"".join(part.segments)
        digest = hashlib.sha256(data).hexdigest()
        seen[key] = (part, digest)
        path = self.path(digest)
        if path.exists():
            return digest, False
        if digest[:2] not in self._folders:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._folders.add(digest[:2])
        # Not synced one by one (a sync per blob made a first save of 10,000 objects take 40 s):
        # a save survives the process dying at any moment; a power cut may cost the last saves.
        _write(path, data, sync=False)
        return digest, True

    def keep_only(self, seen: dict[int, tuple[SealedPart, str]]) -> None:
        """Remember the parts of the latest save, and remove the files no part refers to."""
        self._known = seen
        wanted = {digest for _, digest in seen.values()}
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            for path in folder.iterdir():
                if path.name not in wanted:
                    path.unlink()


class _Pickler(pickle.Pickler):
    """Pickles an engine with its secrets moved to ``secrets`` and its ciphertext to blob files."""

    def __init__(self, out: io.BytesIO, blobs: _Blobs) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.blobs = blobs
        self.secrets: list[bytes] = []
        self._secret_refs: dict[int, int] = {}
        self.seen: dict[int, tuple[SealedPart, str]] = {}
        self.written = 0

    def _secret(self, holder: object, secret: bytes) -> int:
        ref = self._secret_refs.get(id(holder))
        if ref is None:
            ref = self._secret_refs[id(holder)] = len(self.secrets)
            self.secrets.append(secret)
        return ref

    def persistent_id(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is SealedPart:
            digest, written = self.blobs.put(obj, self.seen)
            self.written += written
            lengths = tuple(len(s) for s in obj.segments)
            return ("blob", digest, obj.part_number, obj.size, lengths)
        if kind is Aead:
            return ("aead", self._secret(obj, obj.export_key()), obj.nonce_source)
        if kind is KeyMaterial:
            ref = self._secret(obj, obj.secret)
            return ("kms-material", ref, obj.material_id, obj.created, obj.rotation_type)
        if kind is KeyPair:
            return ("key-pair", self._secret(obj, obj.private_der()), obj.spec)
        if kind is MacKey:
            return ("mac-key", self._secret(obj, obj.export_secret()))
        if kind is PartListKey:
            return ("part-list-key", self._secret(obj, obj.export_key()))
        return None

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _LOCK_TYPES:  # a lock pickles as a new, free one
            return (threading.RLock if kind is _LOCK_TYPES[1] else threading.Lock, ())
        if kind is types.MappingProxyType:
            return (_mapping_proxy, (dict(obj),))
        if kind is types.MethodType or kind is types.BuiltinMethodType:
            owner = obj.__self__
            if not isinstance(owner, types.ModuleType):  # a module's function pickles by name
                return (_bound, (owner, obj.__name__))
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    """Loads an engine file: secrets from the key file, ciphertext from the blob files, and only
    pytest-s3sse's own classes and the standard types in ``_STANDARD``."""

    def __init__(self, data: bytes, secrets: list[bytes], blobs: _Blobs) -> None:
        super().__init__(io.BytesIO(data))
        self.secrets = secrets
        self.blobs = blobs
        self._made: dict[tuple[str, int], Any] = {}  # (kind, secret ref) -> the secret's holder
        self._parts: dict[tuple[str, int, int], SealedPart] = {}  # (digest, part, size) -> part

    def find_class(self, module: str, name: str) -> Any:
        if (module == "pytest_s3sse" or module.startswith("pytest_s3sse.")) or (
            module,
            name,
        ) in _STANDARD:
            return super().find_class(module, name)
        msg = f"the engine file names {module}.{name}, which a state directory never holds"
        raise pickle.UnpicklingError(msg)

    def persistent_load(self, pid: Any) -> Any:
        kind = pid[0]
        if kind == "blob":
            _, digest, part_number, size, lengths = pid
            return self._part(digest, part_number, size, lengths)
        cached = self._made.get((kind, pid[1]))
        if cached is not None:
            return cached
        made: Any
        if kind == "aead":
            made = Aead(self.secrets[pid[1]], pid[2])
        elif kind == "kms-material":
            _, ref, material_id, created, rotation_type = pid
            made = KeyMaterial(material_id, self.secrets[ref], created, rotation_type)
        elif kind == "key-pair":
            made = private_key(pid[2], self.secrets[pid[1]])
        elif kind == "mac-key":
            made = MacKey(self.secrets[pid[1]])
        elif kind == "part-list-key":
            made = PartListKey(self.secrets[pid[1]])
        else:
            msg = f"unknown reference {kind!r} in the engine file"
            raise pickle.UnpicklingError(msg)
        self._made[(kind, pid[1])] = made
        return made

    def parts(self) -> dict[int, tuple[SealedPart, str]]:
        """The parts loaded, as :meth:`_Blobs.keep_only` takes them."""
        return {id(part): (part, key[0]) for key, part in self._parts.items()}

    def _part(
        self, digest: str, part_number: int, size: int, lengths: tuple[int, ...]
    ) -> SealedPart:
        key = (digest, part_number, size)
        cached = self._parts.get(key)
        if cached is not None:
            return cached
        data = self.blobs.path(digest).read_bytes()
        if sum(lengths) != len(data) or hashlib.sha256(data).hexdigest() != digest:
            msg = f"ciphertext file {digest} is damaged (its length or digest does not match)"
            raise pickle.UnpicklingError(msg)
        segments, start = [], 0
        for length in lengths:
            segments.append(data[start : start + length])
            start += length
        part = SealedPart(part_number, size, tuple(segments))
        self._parts[key] = part
        return part


class StateDirectory:
    """One directory holding one engine's state (see the module docstring for its files)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._blobs = _Blobs(self.path / BLOBS)
        self._lock_file: IO[bytes] | None = None

    def lock(self) -> None:
        """Take the directory for this process (an advisory lock on ``LOCK``): a second endpoint
        on the same directory would overwrite this one's saves. StateDirectoryError when another
        process holds it. Released by :meth:`unlock` or when the process ends."""
        if self._lock_file is not None or fcntl is None:  # pragma: no cover - Windows: no lock
            return
        self._make()
        handle = (self.path / LOCK).open("a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            msg = f"{self.path} is in use by another pytest-s3sse endpoint: stop it, or name another directory"
            raise StateDirectoryError(msg) from exc
        self._lock_file = handle

    def unlock(self) -> None:
        """Release :meth:`lock` (idempotent)."""
        handle, self._lock_file = self._lock_file, None
        if handle is not None:
            handle.close()

    @property
    def tls(self) -> Path:
        """Where the endpoint keeps its CA and certificate, so clients keep trusting it."""
        return self.path / "tls"

    def exists(self) -> bool:
        """True when the directory holds a saved engine."""
        return (self.path / STATE_FILE).is_file()

    def _make(self) -> None:
        """The directory, made private if it is not there yet."""
        if self.path.exists() and not self.path.is_dir():
            msg = f"{self.path} is not a directory"
            raise StateDirectoryError(msg)
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _prepare(self) -> None:
        self._make()
        (self.path / BLOBS).mkdir(mode=0o700, exist_ok=True)
        if not self.exists() and any(
            p.name not in {BLOBS, "tls", LOCK} and not p.name.endswith(".tmp")
            for p in self.path.iterdir()
        ):
            msg = (
                f"{self.path} is not empty and holds no pytest-s3sse state ({STATE_FILE} is "
                "missing): name an empty or new directory"
            )
            raise StateDirectoryError(msg)

    def save(self, engine: Engine) -> Saved:
        """Write ``engine`` (call with no request in flight: :class:`Persisted` sees to it)."""
        self._prepare()
        generation = os.urandom(8).hex()
        out = io.BytesIO()
        pickler = _Pickler(out, self._blobs)
        pickler.dump(engine)
        keys = {str(i): base64.b64encode(s).decode() for i, s in enumerate(pickler.secrets)}
        _write(self.path / f"keys-{generation}.json", json.dumps(keys).encode())
        _write(self.path / f"engine-{generation}.pickle", out.getvalue())
        state = {
            "format": FORMAT,
            "release": _release(),
            "code": code_fingerprint(),
            "generation": generation,
            "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "account_id": engine.account_id,
            "region": engine.region,
        }
        _write(self.path / STATE_FILE, json.dumps(state, indent=1).encode())
        with contextlib.suppress(OSError):  # the commit point reaches the disk (POSIX)
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for old in self.path.iterdir():
            stale = old.suffix in {".pickle", ".json"} and generation not in old.name
            if (stale and old.name != STATE_FILE) or old.suffix == ".tmp":
                old.unlink()
        self._blobs.keep_only(pickler.seen)
        return Saved(generation, out.tell(), len(pickler.seen), pickler.written)

    def state(self) -> dict[str, Any]:
        """``state.json``: which release and code wrote the directory, and its generation."""
        try:
            found = json.loads((self.path / STATE_FILE).read_text())
        except (OSError, ValueError) as exc:
            msg = f"{self.path / STATE_FILE} cannot be read: {exc}"
            raise StateDirectoryError(msg) from exc
        if not isinstance(found, dict) or found.get("format") != FORMAT:
            msg = f"{self.path} holds a state of another format ({STATE_FILE}: {found!r})"
            raise StateDirectoryError(msg)
        return found

    def load(self) -> Engine:
        """The engine saved here; StateDirectoryError when it was written by other code or damaged."""
        state = self.state()
        if state.get("code") != code_fingerprint():
            msg = (
                f"{self.path} was written by pytest-s3sse {state.get('release')} (code "
                f"{state.get('code')}); this is pytest-s3sse {_release()} (code "
                f"{code_fingerprint()}), which cannot read it: a state directory is read by the "
                "release that wrote it. Use that release, or start with an empty directory."
            )
            raise StateDirectoryError(msg)
        generation = state.get("generation")
        try:
            raw = json.loads((self.path / f"keys-{generation}.json").read_text())
            secrets = [base64.b64decode(raw[str(i)]) for i in range(len(raw))]
            data = (self.path / f"engine-{generation}.pickle").read_bytes()
            unpickler = _Unpickler(data, secrets, self._blobs)
            engine = unpickler.load()
        except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError) as exc:
            msg = f"{self.path} is damaged and cannot be loaded: {exc}"
            raise StateDirectoryError(msg) from exc
        if not isinstance(engine, Engine):
            msg = f"{self.path} does not hold an engine"
            raise StateDirectoryError(msg)
        # Its parts are on disk already: the next save writes only what is new.
        self._blobs.keep_only(unpickler.parts())
        return engine

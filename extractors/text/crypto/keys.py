"""The key ring: versioned encryption keys and the lookup secret.

A key ring holds one 32-byte master secret per **version** (1, 2, ...), the
**current** version (what new values are sealed under), and a **lookup**
secret. Every purpose has its own key, derived with HKDF-SM3, so no key
serves two uses:

- SM4-GCM field key of version *v*: HKDF(master *v*, "graphdesk field sm4-gcm")
- blind-index key: HKDF(lookup, "graphdesk blind index hmac-sm3")
- customer-id key: HKDF(lookup, "graphdesk customer id hmac-sm3")

The lookup secret does not rotate with the versions: a blind index or a
customer id computed under another key would no longer match the values
already stored, and a customer's id is the subject of their tokens.
Rotating it means re-ingesting (documented in the README).

Where a ring comes from (``api/data_keys.py`` reads the settings):

- a key file (``GRAPHDESK_DATA_KEY_FILE``): JSON, ``{"format":
  "graphdesk-keys/1", "current": 2, "lookup": HEX, "versions": {"1": HEX,
  "2": HEX}, "rotating": false}``, mode 0600, written atomically;
  ``graphdesk keys rotate`` adds versions to it;
- the environment (``GRAPHDESK_DATA_KEYS="lookup:HEX,1:HEX,2:HEX"``, the
  highest version current), for deployments that inject secrets; rotation
  then means adding a version there and running ``keys rotate``;
- in development with neither, ``data-keys.json`` in the data directory,
  created 0600 on first use (exclusively, so workers starting together agree).

Production with neither, or a file readable by group or others, refuses
to start with a :class:`KeyConfigError` saying what to set.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from extractors.text.crypto.primitives import hkdf_sm3

FORMAT = "graphdesk-keys/1"
SECRET_BYTES = 32
DEV_KEY_FILE = "data-keys.json"
_FIELD_PURPOSE = b"graphdesk field sm4-gcm"
_INDEX_PURPOSE = b"graphdesk blind index hmac-sm3"
_ID_PURPOSE = b"graphdesk customer id hmac-sm3"
_HEX = re.compile(r"[0-9a-fA-F]{64}")
HOW = "create one with `graphdesk keys init --file PATH` and set GRAPHDESK_DATA_KEY_FILE=PATH"


class KeyConfigError(ValueError):
    """The keys cannot be used: missing, malformed, exposed; the message names the input."""


@dataclass(frozen=True)
class Keyring:
    versions: Mapping[int, bytes]
    current: int
    lookup: bytes
    rotating: bool = False  # a rotation was started and has not finished
    _derived: dict[int, bytes] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.versions:
            raise KeyConfigError(f"current key version {self.current} is not among the versions")

    @classmethod
    def generate(cls) -> Keyring:
        return cls({1: secrets.token_bytes(SECRET_BYTES)}, 1, secrets.token_bytes(SECRET_BYTES))

    def field_key(self, version: int) -> bytes:
        """The SM4 key of ``version`` (KeyError when the ring no longer has it)."""
        key = self._derived.get(version)
        if key is None:
            key = self._derived[version] = hkdf_sm3(self.versions[version], _FIELD_PURPOSE, 16)
        return key

    @cached_property
    def index_key(self) -> bytes:
        return hkdf_sm3(self.lookup, _INDEX_PURPOSE, 32)

    @cached_property
    def id_key(self) -> bytes:
        return hkdf_sm3(self.lookup, _ID_PURPOSE, 32)

    def with_new_version(self) -> Keyring:
        """A ring whose current version is a new one; the old ones kept (rotation started)."""
        new = max(self.versions) + 1
        versions = {**self.versions, new: secrets.token_bytes(SECRET_BYTES)}
        return Keyring(versions, new, self.lookup, rotating=True)

    def finished(self) -> Keyring:
        """The ring after a rotation: only the current version left."""
        return Keyring({self.current: self.versions[self.current]}, self.current, self.lookup)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "current": self.current,
            "lookup": self.lookup.hex(),
            "versions": {str(v): k.hex() for v, k in sorted(self.versions.items())},
            "rotating": self.rotating,
        }


@dataclass(frozen=True)
class KeySource:
    """A ring and where it came from (rotation writes back to a file only)."""

    ring: Keyring
    file: Path | None  # None: the environment
    what: str  # for messages: "GRAPHDESK_DATA_KEY_FILE=/path", "GRAPHDESK_DATA_KEYS"


def _secret(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise KeyConfigError(f"{what}: not {SECRET_BYTES * 2} hexadecimal characters")
    return bytes.fromhex(value)


def parse_key_file(text: str, what: str) -> Keyring:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KeyConfigError(f"{what}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KeyConfigError(f'{what}: not a graphdesk key file (no "format": "{FORMAT}")')
    raw = data.get("versions")
    if not isinstance(raw, dict) or not raw:
        raise KeyConfigError(f'{what}: "versions" must map version numbers to keys')
    versions: dict[int, bytes] = {}
    for name, value in raw.items():
        if not str(name).isdigit() or int(name) < 1:
            raise KeyConfigError(f"{what}: version {name!r} is not a number from 1")
        versions[int(name)] = _secret(value, f"{what}: version {name}")
    current = data.get("current")
    if not isinstance(current, int) or current not in versions:
        raise KeyConfigError(f'{what}: "current" must name one of the versions {sorted(versions)}')
    lookup = _secret(data.get("lookup"), f"{what}: lookup")
    return Keyring(versions, current, lookup, rotating=bool(data.get("rotating")))


def parse_inline(text: str, what: str = "GRAPHDESK_DATA_KEYS") -> Keyring:
    """``lookup:HEX,1:HEX,2:HEX``; the highest version is current."""
    versions: dict[int, bytes] = {}
    lookup: bytes | None = None
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition(":")
        name = name.strip().lower()
        if not sep:
            raise KeyConfigError(f"{what}: {name[:12]!r}... is not NAME:HEX")
        if name == "lookup":
            lookup = _secret(value.strip(), f"{what}: lookup")
        elif name.isdigit() and int(name) >= 1:
            versions[int(name)] = _secret(value.strip(), f"{what}: version {name}")
        else:
            raise KeyConfigError(f"{what}: {name!r} is neither 'lookup' nor a version number")
    if lookup is None or not versions:
        raise KeyConfigError(f"{what}: needs lookup:HEX and at least one VERSION:HEX")
    return Keyring(versions, max(versions), lookup)


def read_key_file(path: Path, production: bool) -> Keyring:
    what = f"GRAPHDESK_DATA_KEY_FILE={path}"
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KeyConfigError(f"{what}: cannot be read ({exc.strerror}); {HOW}") from None
    if production and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyConfigError(f"{what}: readable by group or others; chmod 600 it")
    return parse_key_file(text, what)


def write_key_file(path: Path, ring: Keyring) -> None:
    """Replace the file atomically (a crash leaves the old ring or the new), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(ring.to_json(), out, indent=1)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def create_key_file(path: Path) -> Keyring:
    """A new ring in a new file (0600); refuses to overwrite one."""
    ring = Keyring.generate()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyConfigError(f"{path}: a key file is there already; it is not replaced") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(ring.to_json(), out, indent=1)
        out.write("\n")
    return ring


def load_keys(
    file: Path | None, inline: str | None, data_dir: Path, development: bool
) -> KeySource:
    """The configured ring: the file, else the environment, else (development
    only) the data directory's own file, created when missing."""
    if file is not None:
        path = file.expanduser()
        ring = read_key_file(path, not development)
        return KeySource(ring, path, f"GRAPHDESK_DATA_KEY_FILE={path}")
    if inline is not None and inline.strip():
        return KeySource(parse_inline(inline), None, "GRAPHDESK_DATA_KEYS")
    if not development:
        raise KeyConfigError(
            "no data keys: production seals personal data with SM4 and needs "
            f"GRAPHDESK_DATA_KEY_FILE or GRAPHDESK_DATA_KEYS ({HOW}), or set "
            "GRAPHDESK_ENV=development to try graphdesk locally"
        )
    path = data_dir.expanduser() / DEV_KEY_FILE
    if not path.exists():
        with suppress(KeyConfigError):  # another process created it first: read theirs
            create_key_file(path)
    return KeySource(read_key_file(path, production=False), path, f"{path} (development)")

"""The server's SM2 key pair for the envelope (``api/envelope.py``), from the settings.

Kept apart from every other key (tokens' secret, storage keys): it only
unwraps request keys. The text form is ``<private hex>:<public hex>`` (32
and 64 bytes; gmssl-pyx derives no public key from a private one, so both
are kept), in ``GRAPHDESK_ENVELOPE_KEY`` or in a file named by
``GRAPHDESK_ENVELOPE_KEY_FILE`` (not readable by group or others; written
by ``graphdesk envelope keygen``). Development with neither uses
``envelope.key`` in the data directory, created 0600 on first use (created
exclusively, so workers starting together agree on one). Production with
neither, while any operation requires the envelope, refuses with a
ConfigError that says what to set. A pair whose halves do not match is
refused when it loads (a signature made with one half must verify with the
other).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from api import sm2
from api.envelope import PUBLIC_KEY_BYTES, key_id
from api.secret_file import create_secret_file, development_file, read_secret_file
from api.settings import ConfigError, Settings

DEV_KEY_FILE = "envelope.key"
PRIVATE_KEY_BYTES = 32
_HOW = "create one with `graphdesk envelope keygen --out FILE`"


@dataclass(frozen=True)
class ServerKey:
    private: bytes
    public: bytes

    @property
    def kid(self) -> str:
        return key_id(self.public)

    def text(self) -> str:
        return f"{self.private.hex()}:{self.public.hex()}"


def generate() -> ServerKey:
    public, private = sm2.generate()
    return ServerKey(private, public)


def parse(text: str, what: str) -> ServerKey:
    """A key pair from its text form; ConfigError naming ``what`` when it is not one."""
    private_hex, colon, public_hex = text.strip().partition(":")
    try:
        private, public = bytes.fromhex(private_hex), bytes.fromhex(public_hex)
    except ValueError:
        private = public = b""
    if not colon or len(private) != PRIVATE_KEY_BYTES or len(public) != PUBLIC_KEY_BYTES:
        raise ConfigError(
            f"{what}: not an SM2 key pair '<private hex>:<public hex>' "
            f"({PRIVATE_KEY_BYTES} and {PUBLIC_KEY_BYTES} bytes); {_HOW}"
        )
    probe = b"graphdesk envelope key check"
    if not sm2.verify(public, probe, sm2.sign(private, public, probe)):
        raise ConfigError(f"{what}: the public key is not the private key's; {_HOW}")
    return ServerKey(private, public)


def write_new(path: Path) -> ServerKey:
    """A new pair in a new file, mode 0600; FileExistsError when the file exists."""
    key = generate()
    create_secret_file(path, key.text() + "\n")
    return key


def _from_file(path: Path, production: bool) -> ServerKey:
    what = f"GRAPHDESK_ENVELOPE_KEY_FILE={path}"
    return parse(read_secret_file(path, what, production), what)


def _development_file(data_dir: Path) -> ServerKey:
    path = development_file(data_dir, DEV_KEY_FILE, lambda: generate().text() + "\n")
    return _from_file(path, production=False)


def server_key(settings: Settings) -> ServerKey:
    """The configured pair (refusing what production must not use)."""
    if settings.envelope_key is not None:
        return parse(settings.envelope_key.get_secret_value(), "GRAPHDESK_ENVELOPE_KEY")
    if settings.envelope_key_file is not None:
        return _from_file(settings.envelope_key_file.expanduser(), not settings.development)
    if settings.development:
        return _development_file(settings.data_dir.expanduser())
    raise ConfigError(
        "GRAPHDESK_ENVELOPE_KEY_FILE is not set: production requires the SM envelope for "
        f"some operations (GRAPHDESK_ENVELOPE_REQUIRED) and unwraps it with that key; {_HOW} "
        "and set GRAPHDESK_ENVELOPE_KEY_FILE (or GRAPHDESK_ENVELOPE_KEY), or set "
        "GRAPHDESK_ENVELOPE_REQUIRED=none"
    )

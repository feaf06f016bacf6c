"""The secret that signs API tokens, from the settings.

``GRAPHDESK_SECRET_KEY`` (at least 32 characters) or ``GRAPHDESK_SECRET_KEY_FILE``
(a file holding one, not readable by group or others). In development with
neither, ``secret.key`` in the data directory is used, created on first use
with 64 random hex characters and mode 0600 (created exclusively, so worker
processes starting together agree on one). Production with neither, a
placeholder, a short secret or an exposed file refuses with a ConfigError
that says what to set.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from api.secret_file import development_file, read_secret_file
from api.settings import ConfigError, Settings
from api.tokens import derive_key

MIN_SECRET_CHARS = 32
DEV_KEY_FILE = "secret.key"
_HOW = "e.g. python3 -c 'import secrets; print(secrets.token_hex(32))'"


def _checked(secret: str, what: str) -> bytes:
    if len(secret) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"{what} is too short ({len(secret)} characters); tokens need a random secret "
            f"of at least {MIN_SECRET_CHARS} ({_HOW})"
        )
    return secret.encode("utf-8")


def _from_file(path: Path, production: bool) -> bytes:
    what = f"GRAPHDESK_SECRET_KEY_FILE={path}"
    return _checked(read_secret_file(path, what, production).strip(), what)


def _development_file(data_dir: Path) -> bytes:
    path = development_file(data_dir, DEV_KEY_FILE, lambda: secrets.token_hex(32) + "\n")
    return _from_file(path, production=False)


def secret(settings: Settings) -> bytes:
    """The configured secret's bytes (refusing what production must not use)."""
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value()
        return _checked(value, "GRAPHDESK_SECRET_KEY")
    if settings.secret_key_file is not None:
        return _from_file(settings.secret_key_file.expanduser(), not settings.development)
    if settings.development:
        return _development_file(settings.data_dir.expanduser())
    raise ConfigError(
        "GRAPHDESK_SECRET_KEY is not set: production signs and checks API tokens with it; "
        f"set a random secret of at least {MIN_SECRET_CHARS} characters ({_HOW}) or "
        "GRAPHDESK_SECRET_KEY_FILE, or set GRAPHDESK_ENV=development to try graphdesk locally"
    )


def token_key(settings: Settings) -> bytes:
    """The key tokens are signed and checked with."""
    return derive_key(secret(settings))

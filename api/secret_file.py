"""Files that hold a secret: read checking who else may read them, created 0600 once.

For the token secret (``api/signing_key.py``) and the envelope's key pair
(``api/envelope_key.py``), each its own file and setting.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from api.settings import ConfigError


def read_secret_file(path: Path, what: str, production: bool) -> str:
    """The file's text; ConfigError naming ``what`` when it cannot be read, or (in
    production) when group or others may read it."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"{what}: cannot be read ({reason})") from None
    if production and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{what}: readable by group or others; chmod 600 it")
    return text


def create_secret_file(path: Path, text: str) -> None:
    """A new file of ``text``, mode 0600; FileExistsError when it exists (created
    exclusively, so processes starting together keep the first one's)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def development_file(data_dir: Path, name: str, make: Callable[[], str]) -> Path:
    """``data_dir/name``, created 0600 with ``make()`` when missing (the directory 0700)."""
    path = data_dir / name
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(FileExistsError):  # another process made it first
        create_secret_file(path, make())
    return path

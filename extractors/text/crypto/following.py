"""A sealer whose key ring follows its key file, so running servers take up a rotation.

A server seals as it goes (conversation turns, ``resolvers/conversation/turn_text.py``),
while ``graphdesk keys rotate`` runs in another process: it writes the new
version into the key file before it re-seals anything and drops the old
versions from it when it is done. A server that kept the ring it read at
start would go on sealing under the old version, which the rotation then
drops: those values would no longer open. :class:`FollowingSealer` looks at
the file at most every :data:`FOLLOW_SECONDS` (size, modification time,
inode) and reads it again when it changed; the rotation waits
:data:`TAKE_UP_SECONDS` after writing the new version, so what any server
seals after that wait is under it. A file that cannot be read or parsed
meanwhile leaves the ring in use (and the log says why).

Keys from the environment (``GRAPHDESK_DATA_KEYS``) cannot change under a
running process: servers are restarted to take up a new version there.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from extractors.text.crypto.keys import KeyConfigError, Keyring, read_key_file
from extractors.text.crypto.sealer import Sealer

log = logging.getLogger("graphdesk.keys")

FOLLOW_SECONDS = 1.0
TAKE_UP_SECONDS = 3 * FOLLOW_SECONDS  # a margin for a server busy in one request

_Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> _Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class FollowingSealer(Sealer):
    def __init__(
        self, path: Path, ring: Keyring, production: bool, every: float = FOLLOW_SECONDS
    ) -> None:
        self._path, self._production, self._every = path, production, every
        self._lock = threading.Lock()
        self._stamp = _stamp(path)
        self._due = time.monotonic() + every
        super().__init__(ring)

    @property
    def ring(self) -> Keyring:
        if time.monotonic() >= self._due:
            self._follow()
        return self._ring

    @ring.setter
    def ring(self, ring: Keyring) -> None:
        self._ring = ring

    def _follow(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._due:
                return  # another thread just looked
            self._due = now + self._every
            stamp = _stamp(self._path)
            if stamp is None or stamp == self._stamp:
                return
            try:
                ring = read_key_file(self._path, self._production)
            except KeyConfigError as exc:
                log.warning("key file changed but is not used, keeping the ring: %s", exc)
                return
            self._stamp = stamp
            if ring.current != self._ring.current or ring.versions != self._ring.versions:
                log.info("key ring re-read from %s: current version %d", self._path, ring.current)
            self._ring = ring

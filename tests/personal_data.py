"""Personal data for the tests of its storage (tickets, conversations): values
made afresh for each run (valid ID-card checksums, Luhn digits), every form
they may be written in, and the search of a backend's own files for them.
Shared by tests/tickets/test_personal_storage.py and
tests/conversation/test_turn_storage.py.
"""

from __future__ import annotations

import random
import re
import string
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from extractors.text.masking import id_card_valid
from graph.falkor import FalkorStore
from graph.store import Store

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _id_card(rng: random.Random) -> str:
    body = _digits(rng, 6) + "1985" + f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += _digits(rng, 3)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    assert id_card_valid(body + check)
    return body + check


def _luhn(rng: random.Random) -> str:
    body = "62" + _digits(rng, 13)
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


@dataclass
class People:
    mobile: str  # 11 digits
    mobile2: str
    id_card: str
    card: str
    email: str
    ip: str
    ip6: str
    name: str
    contact_phone: str

    def clear_forms(self) -> list[str]:
        """Every form the export writes, and every normalised form."""
        m, m2, c, i = self.mobile, self.mobile2, self.card, self.id_card
        full = m2.translate({ord(d): chr(0xFF10 + int(d)) for d in string.digits})
        return [
            m, f"{m[:3]}.{m[3:7]}.{m[7:]}", f"{m[:3]} {m[3:7]} {m[7:]}", m2, full,
            i, f"{i[:6]} {i[6:14]} {i[14:]}", i.lower(),
            c, f"{c[:4]}.{c[4:8]}.{c[8:12]}.{c[12:]}",
            self.email, self.email.lower(), self.email.upper(), self.ip, self.ip6,
            self.name, self.contact_phone,
        ]  # fmt: skip


def new_people() -> People:
    rng = random.Random(time.time_ns())
    word = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
    return People(
        mobile="139" + _digits(rng, 8), mobile2="158" + _digits(rng, 8),
        id_card=_id_card(rng), card=_luhn(rng), email=f"Ana.{word}@Example.org",
        ip=f"10.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
        ip6=f"2001:db8::{rng.randint(0x1000, 0xFFFF):x}",
        name=f"Ana {word.title()}", contact_phone="137" + _digits(rng, 8),
    )  # fmt: skip


def store_files(store: Store, request: pytest.FixtureRequest) -> list[Path]:
    """Force everything to disk and list the backend's files."""
    if isinstance(store, FalkorStore):
        conn = redis.Redis(unix_socket_path=str(store.server.socket_path))
        # Uncompressed, so a clear value in the RDB would be there byte for byte.
        conn.config_set("rdbcompression", "no")
        conn.save()
        store.checkpoint()  # the AOF rewritten: its RDB preamble, then the tail
        conn.close()
        root = store.server.db_dir
    else:
        # Community has no db.checkpoint(): every commit is in the transaction
        # logs on disk (fsynced), the store files catch up at checkpoints;
        # both are searched.
        root = request.getfixturevalue("neo4j_data_dir")
    files = [f for f in root.rglob("*") if f.is_file() and not f.name.endswith(".sock")]
    assert files, root
    return files


def found_in(files: list[Path], needles: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    encoded = {n: n.encode() for n in needles}
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        for needle, raw in encoded.items():
            if raw in data:
                out.setdefault(needle, []).append(f.name)
    return out


_OPAQUE = re.compile(r"sm4gcm\.v\d+\.[A-Za-z0-9_-]+|[0-9a-f]{16,}")


def readable_text(store: Store) -> str:
    """Every stored string (nodes' and relationships') with ciphertext and digests
    cut out: random bytes can spell a short secret such as "555" by chance, clear
    text cannot hide there."""
    values: list[str] = []
    rows = store.read("MATCH (n) RETURN n {.*} AS p")
    rows += store.read("MATCH ()-[r]->() RETURN properties(r) AS p")
    for row in rows:
        for value in row["p"].values():
            items = value if isinstance(value, list) else [value]
            values.extend(str(item) for item in items if isinstance(item, str))
    return _OPAQUE.sub(" ", "\n".join(values))

"""A server's sealer follows its key file through a rotation (``keys rotate`` in
another process): new values under the new version once it is written, the
old versions forgotten once dropped, a broken file ignored."""

from __future__ import annotations

import os
from pathlib import Path

from extractors.text.crypto.following import FollowingSealer
from extractors.text.crypto.keys import create_key_file, read_key_file, write_key_file
from extractors.text.crypto.sealer import version_of


def test_a_rotation_is_taken_up_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    sealer = FollowingSealer(path, ring, production=True, every=0.0)
    before = sealer.seal_value("turn:a:0", "text", "call 13611112222")
    assert version_of(before) == 1

    rotating = ring.with_new_version()
    write_key_file(path, rotating)  # what keys rotate writes first
    during = sealer.seal_value("turn:a:1", "text", "call 13611112222")
    assert version_of(during) == 2
    assert sealer.open_value("turn:a:0", "text", before) == "call 13611112222"

    write_key_file(path, rotating.finished())  # what it writes when done
    assert sorted(sealer.ring.versions) == [2]
    assert sealer.open_value("turn:a:1", "text", during) == "call 13611112222"


def test_a_broken_or_exposed_file_keeps_the_ring(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    sealer = FollowingSealer(path, ring, production=True, every=0.0)
    path.write_text("{ not json", encoding="utf-8")
    assert sealer.ring is ring
    write_key_file(path, ring.with_new_version())
    os.chmod(path, 0o644)  # production refuses a file others may read
    assert sealer.ring is ring
    os.chmod(path, 0o600)
    assert sealer.ring.current == 2 == read_key_file(path, production=True).current


def test_the_file_is_looked_at_only_every_so_often(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    sealer = FollowingSealer(path, ring, production=True, every=3600.0)
    write_key_file(path, ring.with_new_version())
    assert sealer.ring is ring  # not yet due

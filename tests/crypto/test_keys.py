"""The data keys: key file, environment, the development file, production's refusal."""

from __future__ import annotations

import json
import secrets
import stat
from pathlib import Path

import pytest

from api.data_keys import key_source
from api.settings import ConfigError, Settings
from extractors.text.crypto.keys import (
    DEV_KEY_FILE,
    KeyConfigError,
    Keyring,
    create_key_file,
    parse_inline,
    read_key_file,
    write_key_file,
)


def _settings(tmp_path: Path, env: str, **extra: object) -> Settings:
    # GRAPHDESK_DATA_KEYS of the test session is overridden by passing None.
    return Settings(data_dir=tmp_path / "data", env=env, data_keys=None, **extra)  # type: ignore[arg-type]


def test_development_creates_a_private_key_file_once(tmp_path: Path) -> None:
    first = key_source(_settings(tmp_path, "development"))
    path = tmp_path / "data" / DEV_KEY_FILE
    assert first.file == path and stat.S_IMODE(path.stat().st_mode) == 0o600
    again = key_source(_settings(tmp_path, "development"))
    assert again.ring == first.ring  # read, not made anew


def test_production_without_keys_refuses_saying_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GRAPHDESK_DATA_KEY_FILE or GRAPHDESK_DATA_KEYS"):
        key_source(_settings(tmp_path, "production"))
    assert not (tmp_path / "data" / DEV_KEY_FILE).exists()


def test_production_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    create_key_file(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by group or others"):
        key_source(_settings(tmp_path, "production", data_key_file=path))
    path.chmod(0o600)
    assert key_source(_settings(tmp_path, "production", data_key_file=path)).file == path


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not json", "not JSON"),
        ('{"format": "other"}', "not a graphdesk key file"),
        ('{"format": "graphdesk-keys/1", "versions": {}}', "versions"),
        ('{"format": "graphdesk-keys/1", "versions": {"1": "abc"}, "current": 1}', "version 1"),
    ],
)
def test_a_malformed_key_file_is_named(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KeyConfigError, match=complaint) as err:
        read_key_file(path, production=False)
    assert str(path) in str(err.value)


def test_keys_from_the_environment_take_the_highest_version() -> None:
    hexes = [secrets.token_hex(32) for _ in range(3)]
    ring = parse_inline(f"lookup:{hexes[0]},1:{hexes[1]},2:{hexes[2]}")
    assert ring.current == 2 and sorted(ring.versions) == [1, 2]
    with pytest.raises(KeyConfigError, match="GRAPHDESK_DATA_KEYS: needs lookup"):
        parse_inline(f"1:{hexes[1]}")
    with pytest.raises(KeyConfigError, match="'primary' is neither"):
        parse_inline(f"lookup:{hexes[0]},primary:{hexes[1]}")


def test_each_purpose_has_its_own_key_and_versions_differ() -> None:
    ring = Keyring.generate().with_new_version()
    keys = {ring.field_key(1), ring.field_key(2), ring.index_key[:16], ring.id_key[:16]}
    assert len(keys) == 4
    assert ring.rotating and ring.finished().versions.keys() == {2}
    # the lookup secret does not rotate: blind indexes and customer ids stay valid
    assert ring.finished().index_key == ring.index_key


def test_a_written_ring_reads_back_and_init_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = create_key_file(path).with_new_version()
    write_key_file(path, ring)
    assert read_key_file(path, production=True) == ring
    assert json.loads(path.read_text())["rotating"] is True
    with pytest.raises(KeyConfigError, match="is there already"):
        create_key_file(path)

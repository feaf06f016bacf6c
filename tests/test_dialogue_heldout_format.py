"""The held-out dialogue set (bench/dialogues/heldout/) is well formed.

A format check only: keys, types, allowed values, turn indexes in range, one
attachment list per turn, attachment files present and readable, and the
annotations consistent with each other and with the set's stated composition.
It reads the file as data and never prints or compares the conversations'
text, so it gives a pipeline author nothing to tune against.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

HELDOUT = Path(__file__).resolve().parents[1] / "bench" / "dialogues" / "heldout"
CORPUS = HELDOUT / "conversations.jsonl"

REQUIRED = {"id", "lang", "turns", "expect", "covers", "why"}
OPTIONAL = {"attachments"}
EXPECT_KEYS = {"escalated_at", "rule", "also", "complexity"}
LANGS = {"zh", "en", "mixed"}
RULES = {"emotion", "complexity", "unresolved", "request"}
LEVELS = {"L1", "L2", "L3", "L4", "L5"}
ATTACHMENT_SUFFIXES = {".png", ".log", ".txt"}
MAX_ATTACHMENT_BYTES = 100_000
CJK = re.compile(r"[\u4e00-\u9fff]")
COVER_TAG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def raw_lines() -> list[str]:
    return CORPUS.read_text(encoding="utf-8").splitlines()


def conversations() -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(raw_lines(), 1):
        row = json.loads(line)
        assert isinstance(row, dict), f"line {number} is not a JSON object"
        rows.append(row)
    return rows


def test_every_line_is_a_json_object() -> None:
    lines = raw_lines()
    assert lines, f"{CORPUS} is empty"
    for number, line in enumerate(lines, 1):
        assert line.strip(), f"line {number} is blank"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"line {number} is not valid JSON: {exc}")
        assert isinstance(row, dict), f"line {number} is not a JSON object"


@pytest.mark.parametrize("index", range(len(raw_lines())))
def test_conversation_is_well_formed(index: int) -> None:
    row = json.loads(raw_lines()[index])
    where = f"line {index + 1} ({row.get('id')!r})"
    keys = set(row)
    assert keys >= REQUIRED, f"{where}: missing {sorted(REQUIRED - keys)}"
    assert keys <= REQUIRED | OPTIONAL, (
        f"{where}: unknown keys {sorted(keys - REQUIRED - OPTIONAL)}"
    )

    assert isinstance(row["id"], str) and re.fullmatch(r"heldout-\d{3}", row["id"]), where
    assert row["lang"] in LANGS, f"{where}: lang {row['lang']!r}"

    turns = row["turns"]
    assert isinstance(turns, list) and turns, f"{where}: turns must be a non-empty list"
    for t, turn in enumerate(turns):
        assert isinstance(turn, str) and turn.strip(), (
            f"{where}: turn {t} is not a non-empty string"
        )
    text = "".join(turns)
    if row["lang"] == "en":
        assert not CJK.search(text), f"{where}: lang en but a turn has Chinese characters"
    else:
        assert CJK.search(text), f"{where}: lang {row['lang']} but no turn has Chinese characters"
    if row["lang"] == "mixed":
        assert re.search(r"[A-Za-z]{2,}", text), f"{where}: lang mixed but no Latin words"

    expect = row["expect"]
    assert isinstance(expect, dict) and set(expect) == EXPECT_KEYS, f"{where}: expect keys"
    at, rule, also = expect["escalated_at"], expect["rule"], expect["also"]
    assert expect["complexity"] in LEVELS, f"{where}: complexity {expect['complexity']!r}"
    assert isinstance(also, list) and len(set(also)) == len(also), f"{where}: also"
    assert set(also) <= RULES, f"{where}: unknown rules in also {also}"
    if at is None:
        assert rule is None and also == [], f"{where}: no escalation but a rule is given"
    else:
        assert type(at) is int and 0 <= at < len(turns), f"{where}: escalated_at {at!r}"
        assert rule in RULES, f"{where}: rule {rule!r}"
        assert rule not in also, f"{where}: the primary rule is repeated in also"
    fired = {rule, *also}
    if expect["complexity"] in {"L4", "L5"}:
        assert "complexity" in fired, f"{where}: {expect['complexity']} must escalate"
    if "complexity" in fired:
        assert expect["complexity"] in {"L4", "L5"}, f"{where}: complexity rule below L4"

    covers = row["covers"]
    assert isinstance(covers, list) and covers, f"{where}: covers must be a non-empty list"
    for tag in covers:
        assert isinstance(tag, str) and COVER_TAG.match(tag), f"{where}: cover tag {tag!r}"
    if "near-miss" in covers:
        assert at is None, f"{where}: a near-miss must not escalate"
    if "after-escalation" in covers:
        assert at is not None and at < len(turns) - 1, f"{where}: no turn after the escalation"
    if "late-escalation" in covers:
        assert at is not None and at >= 1, f"{where}: late escalation at turn {at}"
    if "multi-turn" in covers:
        assert len(turns) >= 3, f"{where}: multi-turn with {len(turns)} turns"

    why = row["why"]
    assert isinstance(why, str) and why.strip() and "\n" not in why, f"{where}: why"

    if "attachments" in row:
        attachments = row["attachments"]
        assert isinstance(attachments, list), f"{where}: attachments must be a list"
        assert len(attachments) == len(turns), f"{where}: one attachment list per turn"
        for t, files in enumerate(attachments):
            assert isinstance(files, list), f"{where}: attachments[{t}] is not a list"
            for name in files:
                assert isinstance(name, str) and name.startswith("attachments/"), (where, name)
                assert ".." not in Path(name).parts, f"{where}: {name} leaves the folder"
        assert any(attachments), f"{where}: attachments given but all lists are empty"
    assert ("attachment" in covers) == any(row.get("attachments", [])), (
        f"{where}: the 'attachment' tag and the attachments disagree"
    )


def referenced_attachments() -> set[str]:
    return {
        name for row in conversations() for files in row.get("attachments", []) for name in files
    }


def test_attachment_files_exist_and_are_readable() -> None:
    names = referenced_attachments()
    assert names, "the set has no attachments"
    for name in sorted(names):
        path = HELDOUT / name
        assert path.is_file(), f"{name} is referenced but missing"
        assert path.suffix in ATTACHMENT_SUFFIXES, f"{name}: unexpected file type"
        size = path.stat().st_size
        assert 0 < size <= MAX_ATTACHMENT_BYTES, f"{name}: {size} bytes"
        if path.suffix == ".png":
            with Image.open(path) as image:
                assert image.format == "PNG", f"{name} is not a PNG"
                image.verify()
        else:
            assert path.read_text(encoding="utf-8").strip(), f"{name} is empty"


def test_no_orphan_attachment_files() -> None:
    on_disk = {f"attachments/{p.name}" for p in (HELDOUT / "attachments").iterdir()}
    orphans = on_disk - referenced_attachments()
    assert not orphans, f"files no conversation uses: {sorted(orphans)}"


def test_ids_are_unique_and_numbered_in_order() -> None:
    ids = [row["id"] for row in conversations()]
    assert ids == [f"heldout-{n:03d}" for n in range(1, len(ids) + 1)]


def test_composition_matches_the_readme() -> None:
    rows = conversations()
    assert len(rows) >= 50
    primary = [row["expect"]["rule"] for row in rows]
    for rule in sorted(RULES):
        assert primary.count(rule) >= 6, f"rule {rule} is primary only {primary.count(rule)} times"
    escalated = sum(rule is not None for rule in primary) / len(rows)
    assert 0.45 <= escalated <= 0.65, f"share escalated {escalated:.2f}"
    assert sum("near-miss" in row["covers"] for row in rows) >= 12
    langs = [row["lang"] for row in rows]
    for lang in ("zh", "en"):
        assert langs.count(lang) >= len(rows) // 3, f"too few {lang} conversations"
    assert langs.count("mixed") >= 5
    assert sum(len(row["turns"]) >= 5 for row in rows) >= 5, "too few long conversations"

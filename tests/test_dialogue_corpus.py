"""The dialogue sets under bench/dialogues/ are well formed, so a broken corpus fails CI.

Checks every line of the development set (and of the held-out set when it
exists): the exact keys and their types, turn indexes in range, the
attachments' files, the annotation's internal consistency (no rule without
an escalation turn, nothing above L3 left unescalated, tags that agree with
the turns), and for the development set the balance the benchmark needs
(issue 10: at least 80 conversations, each rule at least 8 times, at least 15
near-misses, both languages). The sets share no conversation text: the
second held-out set (heldout2, written blind) repeats no turn of dev or heldout,
the second development set (dev2, also written blind) repeats none of the three,
and the third held-out set (heldout3, written blind) repeats none of the four.
The third development set (dev3) and the fourth held-out set (heldout4), both
written blind, hold 80 conversations each with the dev2/heldout3 balance, use
every ``covers`` tag, and repeat no turn of any other set, each other included.
The fifth held-out set (heldout5, written blind) has the same balance and repeats
no turn of the seven earlier sets; the sixth held-out set (heldout6) and the fourth
development set (dev4), written blind at the same time by two engineers, have the
same balance and repeat no turn of any other set, each other included.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DIALOGUES = Path(__file__).resolve().parent.parent / "bench" / "dialogues"
DEV = DIALOGUES / "dev" / "conversations.jsonl"
HELDOUT = DIALOGUES / "heldout" / "conversations.jsonl"
HELDOUT2 = DIALOGUES / "heldout2" / "conversations.jsonl"
DEV2 = DIALOGUES / "dev2" / "conversations.jsonl"
HELDOUT3 = DIALOGUES / "heldout3" / "conversations.jsonl"
DEV3 = DIALOGUES / "dev3" / "conversations.jsonl"
HELDOUT4 = DIALOGUES / "heldout4" / "conversations.jsonl"
HELDOUT5 = DIALOGUES / "heldout5" / "conversations.jsonl"
HELDOUT6 = DIALOGUES / "heldout6" / "conversations.jsonl"
DEV4 = DIALOGUES / "dev4" / "conversations.jsonl"

RULES = {"emotion", "complexity", "unresolved", "request"}
LEVELS = {"L1", "L2", "L3", "L4", "L5"}
LANGS = {"zh", "en", "mixed"}
KEYS = {"id", "lang", "turns", "expect", "covers", "why"}
OPTIONAL = {"attachments"}
EXPECT_KEYS = {"escalated_at", "rule", "also", "complexity"}
COVERS = {
    "near-miss",
    "context",
    "attachment",
    "screenshot",
    "log",
    "stack-trace",
    "multi-turn",
    "after-escalation",
    "repeat",
    "typos",
    "polite",
    "urgent",
    "sarcasm",
    "several-products",
    "defect",
    "outage",
    "data-loss",
    "security",
    "no-knowledge",
    "docs",
    "error-code",
}


def load(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        assert line.strip(), f"{path}:{number}: blank line"
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path}:{number}: not JSON: {exc}")
    return rows


def problems(
    row: dict[str, Any], folder: Path, prefix: str, tags: frozenset[str] | None = None
) -> list[str]:
    """What is wrong with one conversation (empty when it is well formed).

    ``tags``: the allowed ``covers`` tags (the development set's by default);
    the held-out set, written separately, names its own (``frozenset()``: any).
    """
    allowed = COVERS if tags is None else tags
    out: list[str] = []
    keys = set(row)
    if not keys >= KEYS or keys - KEYS - OPTIONAL:
        return [f"keys {sorted(keys)}, expected {sorted(KEYS)} (+ optional attachments)"]
    if not isinstance(row["id"], str) or not re.fullmatch(rf"{prefix}-\d{{3}}", row["id"]):
        out.append(f"id {row['id']!r} is not {prefix}-<nnn>")
    if row["lang"] not in LANGS:
        out.append(f"lang {row['lang']!r} not in {sorted(LANGS)}")
    turns = row["turns"]
    texts_ok = isinstance(turns, list) and all(isinstance(t, str) and t.strip() for t in turns)
    if not (turns and texts_ok):
        return [*out, "turns must be a non-empty list of non-empty strings"]
    cjk = any(re.search(r"[\u4e00-\u9fff]", t) for t in turns)
    if (row["lang"] == "en" and cjk) or (row["lang"] in {"zh", "mixed"} and not cjk):
        out.append(f"lang {row['lang']!r} does not fit the text (Chinese characters: {cjk})")
    if "attachments" in row:
        files = row["attachments"]
        if not (isinstance(files, list) and len(files) == len(turns)):
            out.append("attachments must hold one list per turn")
        else:
            for index, names in enumerate(files):
                if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
                    out.append(f"attachments[{index}] is not a list of paths")
                    continue
                for name in names:
                    if not (folder / name).is_file():
                        out.append(f"attachments[{index}]: {name} does not exist beside the file")
    expect = row["expect"]
    if not isinstance(expect, dict) or set(expect) != EXPECT_KEYS:
        return [*out, f"expect keys must be {sorted(EXPECT_KEYS)}"]
    at, rule, also = expect["escalated_at"], expect["rule"], expect["also"]
    if at is not None and not (isinstance(at, int) and not isinstance(at, bool)):
        out.append("escalated_at must be an integer or null")
    elif at is not None and not 0 <= at < len(turns):
        out.append(f"escalated_at {at} out of range for {len(turns)} turns")
    if (at is None) != (rule is None):
        out.append("escalated_at and rule must both be null or both set")
    if rule is not None and rule not in RULES:
        out.append(f"rule {rule!r} not in {sorted(RULES)}")
    if not (isinstance(also, list) and set(also) <= RULES and rule not in also):
        out.append("also must list other rules, not the primary one")
    if at is None and also:
        out.append("also is set on a conversation that does not escalate")
    if expect["complexity"] not in LEVELS:
        out.append(f"complexity {expect['complexity']!r} not in L1..L5")
    elif at is None and expect["complexity"] in {"L4", "L5"}:
        out.append("complexity above L3 must escalate")
    elif "complexity" in [rule, *also] and expect["complexity"] not in {"L4", "L5"}:
        out.append("the complexity rule fires only above L3")
    covers = row["covers"]
    if not (isinstance(covers, list) and all(isinstance(c, str) for c in covers)):
        out.append("covers must be a list of tags")
    elif allowed and not set(covers) <= allowed:
        out.append(f"covers has unknown tags: {sorted(set(covers) - allowed)}")
    else:
        has_files = any(row.get("attachments") or [])
        if ("attachment" in covers) != bool(has_files):
            out.append("'attachment' in covers exactly when a turn has attachments")
        if "near-miss" in covers and at is not None:
            out.append("a near-miss must not escalate")
        if {"multi-turn", "context", "repeat"} & set(covers) and len(turns) < 2:
            out.append("multi-turn, context and repeat need two turns or more")
        if "after-escalation" in covers and not (at is not None and at < len(turns) - 1):
            out.append("after-escalation needs customer turns after escalated_at")
    if not (isinstance(row["why"], str) and len(row["why"].split()) >= 4):
        out.append("why must be a sentence")
    return out


def check_set(path: Path, prefix: str, tags: frozenset[str] | None = None) -> list[dict[str, Any]]:
    rows = load(path)
    errors = [
        f"{row.get('id', f'line {n}')}: {p}"
        for n, row in enumerate(rows, 1)
        for p in problems(row, path.parent, prefix, tags)
    ]
    assert not errors, "\n".join(errors)
    ids = Counter(row["id"] for row in rows)
    assert not [i for i, c in ids.items() if c > 1], f"duplicate ids in {path}"
    return rows


def test_dev_set_is_well_formed_and_balanced() -> None:
    rows = check_set(DEV, "dev")
    assert len(rows) >= 80
    rules = Counter(row["expect"]["rule"] for row in rows)
    for rule in sorted(RULES):
        assert rules[rule] >= 8, f"rule {rule} annotated {rules[rule]} times, at least 8 wanted"
    escalating = sum(1 for row in rows if row["expect"]["escalated_at"] is not None)
    assert 0.45 <= escalating / len(rows) <= 0.65, "about 55% should escalate"
    assert sum(1 for row in rows if "near-miss" in row["covers"]) >= 15
    langs = Counter(row["lang"] for row in rows)
    assert langs["zh"] >= 0.3 * len(rows) and langs["en"] >= 0.3 * len(rows)
    assert langs["mixed"] >= 1
    for tag in ("context", "attachment", "after-escalation", "repeat"):
        assert any(tag in row["covers"] for row in rows), f"no conversation covers {tag}"
    levels = Counter(row["expect"]["complexity"] for row in rows)
    assert set(levels) == LEVELS, f"every level should occur, got {sorted(levels)}"


def test_every_attachment_file_is_used() -> None:
    rows = load(DEV)
    used = {name for row in rows for names in row.get("attachments", []) for name in names}
    present = {f"attachments/{p.name}" for p in (DEV.parent / "attachments").iterdir()}
    assert present == used, f"unused {sorted(present - used)}, missing {sorted(used - present)}"


@pytest.mark.skipif(not HELDOUT.exists(), reason=f"no held-out set at {HELDOUT}")
def test_heldout_set_is_well_formed_and_disjoint() -> None:
    rows = check_set(HELDOUT, "heldout", frozenset())
    dev_turns = {turn.strip() for row in load(DEV) for turn in row["turns"]}
    shared = [row["id"] for row in rows if any(t.strip() in dev_turns for t in row["turns"])]
    assert not shared, f"held-out conversations repeat development turns: {shared}"


@pytest.mark.skipif(not HELDOUT2.exists(), reason=f"no second held-out set at {HELDOUT2}")
def test_second_heldout_set_is_well_formed_balanced_and_disjoint() -> None:
    rows = check_set(HELDOUT2, "heldout2")
    assert len(rows) >= 80
    escalating = [row for row in rows if row["expect"]["escalated_at"] is not None]
    assert 40 <= len(escalating) <= 50, f"{len(escalating)} escalate, about 45 wanted"
    rules = Counter(row["expect"]["rule"] for row in escalating)
    for rule in sorted(RULES):
        assert rules[rule] >= 8, f"rule {rule} annotated {rules[rule]} times, at least 8 wanted"
    assert sum(1 for row in rows if "near-miss" in row["covers"]) >= 20
    langs = Counter(row["lang"] for row in rows)
    assert langs["en"] >= 30 and langs["zh"] >= 25 and langs["mixed"] >= 10, langs
    earlier = {
        turn.strip() for path in (DEV, HELDOUT) for row in load(path) for turn in row["turns"]
    }
    shared = [row["id"] for row in rows if any(t.strip() in earlier for t in row["turns"])]
    assert not shared, f"heldout2 conversations repeat earlier turns: {shared}"
    used = {name for row in rows for names in row.get("attachments", []) for name in names}
    present = {f"attachments/{p.name}" for p in (HELDOUT2.parent / "attachments").iterdir()}
    assert present == used, f"unused {sorted(present - used)}, missing {sorted(used - present)}"


@pytest.mark.skipif(not DEV2.exists(), reason=f"no second development set at {DEV2}")
def test_second_dev_set_is_well_formed_balanced_and_disjoint() -> None:
    rows = check_set(DEV2, "dev2")
    assert [row["id"] for row in rows] == [f"dev2-{n:03d}" for n in range(1, len(rows) + 1)]
    assert len(rows) >= 80
    assert all(2 <= len(row["turns"]) <= 6 for row in rows), "2 to 6 customer turns each"
    escalating = [row for row in rows if row["expect"]["escalated_at"] is not None]
    assert 40 <= len(escalating) <= 50, f"{len(escalating)} escalate, about 45 wanted"
    rules = Counter(row["expect"]["rule"] for row in escalating)
    for rule in sorted(RULES):
        assert rules[rule] >= 10, f"rule {rule} annotated {rules[rule]} times, at least 10 wanted"
    turns_at = Counter(row["expect"]["escalated_at"] for row in escalating)
    assert len(turns_at) >= 4, f"escalation turns should vary, got {sorted(turns_at)}"
    assert sum(1 for row in rows if "near-miss" in row["covers"]) >= 20
    langs = Counter(row["lang"] for row in rows)
    assert langs["en"] >= 30 and langs["zh"] >= 25 and langs["mixed"] >= 10, langs
    for tag in ("context", "attachment", "after-escalation", "repeat"):
        assert any(tag in row["covers"] for row in rows), f"no conversation covers {tag}"
    levels = Counter(row["expect"]["complexity"] for row in rows)
    assert set(levels) == LEVELS, f"every level should occur, got {sorted(levels)}"
    earlier = {
        turn.strip()
        for path in (DEV, HELDOUT, HELDOUT2)
        if path.exists()
        for row in load(path)
        for turn in row["turns"]
    }
    shared = [row["id"] for row in rows if any(t.strip() in earlier for t in row["turns"])]
    assert not shared, f"dev2 conversations repeat turns of other sets: {shared}"
    used = {name for row in rows for names in row.get("attachments", []) for name in names}
    present = {f"attachments/{p.name}" for p in (DEV2.parent / "attachments").iterdir()}
    assert present == used, f"unused {sorted(present - used)}, missing {sorted(used - present)}"


@pytest.mark.skipif(not HELDOUT3.exists(), reason=f"no third held-out set at {HELDOUT3}")
def test_third_heldout_set_is_well_formed_balanced_and_disjoint() -> None:
    rows = check_set(HELDOUT3, "heldout3")
    assert [row["id"] for row in rows] == [f"heldout3-{n:03d}" for n in range(1, 81)]
    short = [row["id"] for row in rows if not 2 <= len(row["turns"]) <= 6]
    assert not short, f"heldout3 conversations without 2 to 6 customer turns: {short}"
    escalating = [row for row in rows if row["expect"]["escalated_at"] is not None]
    assert 40 <= len(escalating) <= 50, f"{len(escalating)} escalate, about 45 wanted"
    rules = Counter(row["expect"]["rule"] for row in escalating)
    for rule in sorted(RULES):
        assert rules[rule] >= 10, f"rule {rule} annotated {rules[rule]} times, at least 10 wanted"
    turns_at = Counter(row["expect"]["escalated_at"] for row in escalating)
    assert len(turns_at) >= 4, f"escalation turns should vary, got {sorted(turns_at)}"
    assert sum(1 for row in rows if "near-miss" in row["covers"]) >= 20
    langs = Counter(row["lang"] for row in rows)
    assert langs["en"] >= 30 and langs["zh"] >= 25 and langs["mixed"] >= 10, langs
    for tag in ("context", "attachment", "after-escalation", "repeat"):
        assert any(tag in row["covers"] for row in rows), f"no heldout3 conversation covers {tag}"
    levels = Counter(row["expect"]["complexity"] for row in rows)
    assert set(levels) == LEVELS, f"every level should occur, got {sorted(levels)}"
    earlier = {
        turn.strip()
        for path in (DEV, HELDOUT, HELDOUT2, DEV2)
        if path.exists()
        for row in load(path)
        for turn in row["turns"]
    }
    shared = [row["id"] for row in rows if any(t.strip() in earlier for t in row["turns"])]
    assert not shared, f"heldout3 conversations repeat turns of other sets: {shared}"
    used = {name for row in rows for names in row.get("attachments", []) for name in names}
    present = {f"attachments/{p.name}" for p in (HELDOUT3.parent / "attachments").iterdir()}
    assert present == used, f"unused {sorted(present - used)}, missing {sorted(used - present)}"


def check_blind_set(path: Path, prefix: str, others: tuple[Path, ...]) -> None:
    """A blind set of 80 with the dev2/heldout3 balance, every tag, and no turn of ``others``."""
    rows = check_set(path, prefix)
    assert [row["id"] for row in rows] == [f"{prefix}-{n:03d}" for n in range(1, 81)]
    short = [row["id"] for row in rows if not 2 <= len(row["turns"]) <= 6]
    assert not short, f"{prefix} conversations without 2 to 6 customer turns: {short}"
    langs = Counter(row["lang"] for row in rows)
    assert langs == Counter(en=35, zh=30, mixed=15), langs
    escalating = [row for row in rows if row["expect"]["escalated_at"] is not None]
    assert len(escalating) == 45, f"{len(escalating)} escalate, 45 wanted"
    rules = Counter(row["expect"]["rule"] for row in escalating)
    for rule in sorted(RULES):
        assert rules[rule] >= 10, f"rule {rule} annotated {rules[rule]} times, at least 10 wanted"
    assert sum(1 for row in rows if row["expect"]["also"]) >= 2, "two with a second rule wanted"
    turns_at = Counter(row["expect"]["escalated_at"] for row in escalating)
    assert set(turns_at) == {0, 1, 2, 3, 4}, f"escalated after turns {sorted(turns_at)}, 0-4 wanted"
    assert sum(1 for row in rows if "near-miss" in row["covers"]) >= 22
    with_files = sum(1 for row in rows if any(row.get("attachments") or []))
    assert 4 <= with_files <= 6, f"{with_files} conversations with attachments, 4 to 6 wanted"
    missing = COVERS - {tag for row in rows for tag in row["covers"]}
    assert not missing, f"no {prefix} conversation covers {sorted(missing)}"
    levels = Counter(row["expect"]["complexity"] for row in rows)
    assert set(levels) == LEVELS, f"every level should occur, got {sorted(levels)}"
    earlier = {
        turn.strip()
        for other in others
        if other.exists()
        for row in load(other)
        for turn in row["turns"]
    }
    shared = [row["id"] for row in rows if any(t.strip() in earlier for t in row["turns"])]
    assert not shared, f"{prefix} conversations repeat turns of other sets: {shared}"
    used = {name for row in rows for names in row.get("attachments", []) for name in names}
    present = {f"attachments/{p.name}" for p in (path.parent / "attachments").iterdir()}
    assert present == used, f"unused {sorted(present - used)}, missing {sorted(used - present)}"


@pytest.mark.skipif(not DEV3.exists(), reason=f"no third development set at {DEV3}")
def test_third_dev_set_is_well_formed_balanced_and_disjoint() -> None:
    check_blind_set(DEV3, "dev3", (DEV, HELDOUT, HELDOUT2, DEV2, HELDOUT3, HELDOUT4))


@pytest.mark.skipif(not HELDOUT4.exists(), reason=f"no fourth held-out set at {HELDOUT4}")
def test_fourth_heldout_set_is_well_formed_balanced_and_disjoint() -> None:
    check_blind_set(HELDOUT4, "heldout4", (DEV, HELDOUT, HELDOUT2, DEV2, HELDOUT3, DEV3))


@pytest.mark.skipif(not HELDOUT5.exists(), reason=f"no fifth held-out set at {HELDOUT5}")
def test_fifth_heldout_set_is_well_formed_balanced_and_disjoint() -> None:
    check_blind_set(HELDOUT5, "heldout5", (DEV, HELDOUT, HELDOUT2, DEV2, HELDOUT3, DEV3, HELDOUT4))


@pytest.mark.skipif(not HELDOUT6.exists(), reason=f"no sixth held-out set at {HELDOUT6}")
def test_sixth_heldout_set_is_well_formed_balanced_and_disjoint() -> None:
    check_blind_set(
        HELDOUT6,
        "heldout6",
        (DEV, HELDOUT, HELDOUT2, DEV2, HELDOUT3, DEV3, HELDOUT4, HELDOUT5, DEV4),
    )


@pytest.mark.skipif(not DEV4.exists(), reason=f"no fourth development set at {DEV4}")
def test_fourth_dev_set_is_well_formed_balanced_and_disjoint() -> None:
    check_blind_set(
        DEV4, "dev4", (DEV, HELDOUT, HELDOUT2, DEV2, HELDOUT3, DEV3, HELDOUT4, HELDOUT5, HELDOUT6)
    )


def test_a_broken_conversation_is_reported(tmp_path: Path) -> None:
    good = {
        "id": "dev-001",
        "lang": "en",
        "turns": ["hello", "the log is attached"],
        "attachments": [[], ["attachments/missing.log"]],
        "expect": {"escalated_at": 2, "rule": None, "also": [], "complexity": "L4"},
        "covers": ["near-miss"],
        "why": "x",
    }
    found = problems(good, tmp_path, "dev")
    assert any("missing.log" in p for p in found)
    assert any("out of range" in p for p in found)
    assert any("both be null" in p for p in found)
    assert any("'attachment' in covers" in p for p in found)
    assert any("why" in p for p in found)
    assert any(
        "does not fit the text" in p for p in problems(good | {"lang": "zh"}, tmp_path, "dev")
    )

"""bench/dialogue_score.py on small synthetic sets whose figures are computed by hand."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "dialogue_score", ROOT / "bench" / "dialogue_score.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["dialogue_score"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ds = load_module()


def line(cid: str, lang: str, turns: list[str], at: int | None, rule: str | None, **kw: Any) -> str:
    expect = {
        "escalated_at": at,
        "rule": rule,
        "also": kw.get("also", []),
        "complexity": kw.get("complexity", "L2"),
    }
    row = {"id": cid, "lang": lang, "turns": turns, "expect": expect}
    row |= {"covers": kw.get("covers", []), "why": kw.get("why", f"because of {cid}")}
    return json.dumps(row, ensure_ascii=False)


# a: found on time with the right rule; b: found two turns early with a rule from "also";
# c: a near-miss escalated by mistake; d: missed; e: correctly left alone and resolved.
CORPUS = [
    line("a", "en", ["q", "q2", "q3"], 1, "request"),
    line("b", "en", ["q", "q2", "q3"], 2, "unresolved", also=["emotion"]),
    line("c", "zh", ["问", "问2"], None, None, covers=["near-miss"]),
    line("d", "zh", ["问", "问2", "问3", "问4"], 0, "complexity", complexity="L5"),
    line("e", "zh", ["问"], None, None, complexity="L1"),
]


def turn(resolved: bool) -> dict[str, Any]:
    return {"emotion": 0.0, "complexity": "L2", "confidence": 0.5, "resolved": resolved}


REPLAY = {
    "conversations": [
        {"id": "a", "escalated_at": 1, "rule": "request", "turns": [turn(True), turn(False)]},
        {"id": "b", "escalated_at": 0, "rule": "emotion", "turns": [turn(False)]},
        {"id": "c", "escalated_at": 1, "rule": "request", "turns": [turn(True), turn(False)]},
        {"id": "d", "escalated_at": None, "rule": None, "turns": [turn(False)] * 4},
        {"id": "e", "escalated_at": None, "rule": None, "turns": [turn(True)]},
    ]
}


@pytest.fixture()
def corpus() -> list[Any]:
    return list(ds.parse_corpus(CORPUS))


def test_hand_computed_figures(corpus: list[Any]) -> None:
    r = ds.score(corpus, ds.parse_replay(REPLAY, corpus))
    assert (r["tp"], r["fp"], r["fn"], r["tn"]) == (2, 1, 1, 1)
    assert r["precision"] == r["recall"] == 0.6667  # 2 of 3 predicted, 2 of 3 expected
    assert r["exact"] == {"tp": 1, "precision": 0.3333, "recall": 0.3333}
    assert r["within_one"]["tp"] == 1  # b is two turns early
    assert r["turn_mae"] == 1.0  # (0 + 2) / 2
    assert (r["early"], r["on_time"], r["late"]) == (1, 1, 0)
    assert r["rule_accuracy"] == 0.5
    assert r["rule_accuracy_with_also"] == 1.0
    assert r["resolved_without_person"] == 0.2  # only e, of five
    assert r["unresolved_without_person"] == 1  # d
    assert r["near_miss"] == {"n": 1, "false_escalations": 1}


def test_breakdowns(corpus: list[Any]) -> None:
    r = ds.score(corpus, ds.parse_replay(REPLAY, corpus))
    rules = r["per_rule"]
    assert rules["request"] == {
        "n": 1,
        "detected": 1,
        "recall": 1.0,
        "exact": 1,
        "within_one": 1,
        "rule_match": 1,
    }
    assert rules["unresolved"]["detected"] == 1 and rules["unresolved"]["exact"] == 0
    assert rules["unresolved"]["rule_match"] == 0
    assert rules["complexity"]["recall"] == 0.0
    assert rules["emotion"]["n"] == 0 and rules["emotion"]["recall"] is None
    assert rules["none"]["n"] == 2 and rules["none"]["false_escalations"] == 1
    assert rules["none"]["specificity"] == 0.5
    assert rules["none"]["by_predicted_rule"]["request"] == 1
    en, zh = r["per_language"]["en"], r["per_language"]["zh"]
    assert (en["tp"], en["fp"], en["fn"], en["precision"], en["recall"]) == (2, 0, 0, 1.0, 1.0)
    assert (zh["tp"], zh["fp"], zh["fn"], zh["precision"], zh["recall"]) == (0, 1, 1, 0.0, 0.0)
    assert zh["turn_mae"] is None


def test_mismatches_carry_the_annotation(corpus: list[Any]) -> None:
    r = ds.score(corpus, ds.parse_replay(REPLAY, corpus))
    kinds = {m["id"]: m["kind"] for m in r["mismatches"]}
    assert kinds == {"b": "early, other rule", "c": "false escalation", "d": "missed escalation"}
    d = next(m for m in r["mismatches"] if m["id"] == "d")
    assert d["why"] == "because of d" and d["expected_rule"] == "complexity"
    late = ds.parse_corpus([line("x", "en", ["a", "b", "c"], 1, "unresolved")])
    got = ds.score(late, {"x": ds.Predicted("x", 2, "request")})
    assert got["mismatches"][0]["kind"] == "late, wrong rule"
    assert got["late"] == 1 and got["within_one"]["recall"] == 1.0 and got["exact"]["tp"] == 0


def test_a_perfect_replay_of_the_dev_set_scores_one() -> None:
    corpus = ds.load_corpus(ROOT / "bench" / "dialogues" / "dev" / "conversations.jsonl")
    perfect = {c.id: ds.Predicted(c.id, c.escalated_at, c.rule, True) for c in corpus}
    r = ds.score(corpus, perfect)
    assert r["precision"] == r["recall"] == r["exact"]["recall"] == r["rule_accuracy"] == 1.0
    assert r["turn_mae"] == 0.0 and r["mismatches"] == []
    quiet = sum(1 for c in corpus if c.escalated_at is None)
    assert r["resolved_without_person"] == round(quiet / len(corpus), 4)


def test_no_escalation_anywhere_leaves_precision_undefined(corpus: list[Any]) -> None:
    none = {c.id: ds.Predicted(c.id, None, None) for c in corpus}
    r = ds.score(corpus, none)
    assert r["precision"] is None and r["recall"] == 0.0 and r["turn_mae"] is None
    assert r["resolved_without_person"] is None  # the predictions say nothing about it


def test_baselines() -> None:
    corpus = ds.parse_corpus(
        [
            line(
                "p",
                "en",
                ["hi", "my colleague tried it", "can I talk to a real person?"],
                2,
                "request",
            ),
            line("q", "zh", ["你们的人工智能客服不错", "再问一个"], None, None),
            line("r", "en", ["how do I resize storage?"], None, None),
        ]
    )
    words = ds.request_words_baseline(corpus)
    assert words["p"].escalated_at == 2 and words["p"].rule == "request"
    assert words["q"].escalated_at == 0  # plain phrase matching: the weakness it shows
    assert words["r"].escalated_at is None
    after = ds.after_turn_two_baseline(corpus)
    assert after["p"].escalated_at == 2 and after["p"].rule is None
    assert after["q"].escalated_at is None and after["r"].escalated_at is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop(), "missing: e"),
        (lambda c: c.append({"id": "zz", "escalated_at": None}), "'zz' is not in the corpus"),
        (lambda c: c.append(dict(c[0])), "appears twice"),
        (lambda c: c[0].update(escalated_at=3), "outside the 3 turns"),
        (lambda c: c[0].update(escalated_at=True), "integer or null"),
        (lambda c: c[0].update(rule="mood"), "'mood' is not one of"),
        (lambda c: c[3].update(rule="request"), "without an escalation turn"),
        (lambda c: c[4].update(turns=[{"resolved": "yes"}]), "true or false"),
        (lambda c: c[4].update(turns=[turn(True)] * 2), "at most 1 entries"),
        (lambda c: c[4].update(turns=["resolved"]), "must be an object"),
    ],
)
def test_a_bad_replay_is_refused(corpus: list[Any], change: Any, message: str) -> None:
    data = json.loads(json.dumps(REPLAY))
    change(data["conversations"])
    with pytest.raises(ds.ScoreError, match=message):
        ds.parse_replay(data, corpus)


def test_a_bad_corpus_line_is_named() -> None:
    with pytest.raises(ds.ScoreError, match="corpus:2"):
        ds.parse_corpus([CORPUS[0], '{"id": "x"}'])
    with pytest.raises(ds.ScoreError, match="escalated_at 5"):
        ds.parse_corpus([line("y", "en", ["one"], 5, "request")])
    with pytest.raises(ds.ScoreError, match="duplicate"):
        ds.parse_corpus([CORPUS[0], CORPUS[0]])


def test_cli_writes_json_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "toy"
    folder.mkdir()
    corpus_path = folder / "conversations.jsonl"
    corpus_path.write_text("\n".join(CORPUS) + "\n", "utf-8")
    replay_path = tmp_path / "replay.json"
    replay_path.write_text(json.dumps(REPLAY), "utf-8")
    out = tmp_path / "results"
    assert ds.main([str(corpus_path), "--replay", str(replay_path), "--results", str(out)]) == 0
    results = json.loads((out / "dialogue_toy.json").read_text("utf-8"))
    assert list(results["systems"]) == ["pipeline", "request words only", "always after turn 2"]
    assert results["systems"]["pipeline"]["precision"] == 0.6667
    assert results["corpus"]["escalating"] == 3 and results["corpus"]["near_misses"] == 1
    markdown = (out / "dialogue_toy.md").read_text("utf-8")
    assert "| pipeline | 0.667 | 0.667 |" in markdown
    assert "| d | missed escalation | 0 complexity | none | because of d |" in markdown
    replay_path.write_text(json.dumps({"conversations": []}), "utf-8")
    assert ds.main([str(corpus_path), "--replay", str(replay_path), "--results", str(out)]) == 2
    assert "5 corpus conversations missing" in capsys.readouterr().err

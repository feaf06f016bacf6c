"""Score a dialogue replay against an annotated dialogue set (issue 10).

    python bench/dialogue_score.py bench/dialogues/dev/conversations.jsonl \\
        [--replay OUT.json] [--set dev] [--results bench/results]

The corpus is JSON Lines, one annotated conversation a line (``id``, ``lang``,
``turns``, ``expect`` with ``escalated_at``/``rule``/``also``/``complexity``,
``covers``, ``why``). The replay is what ``graphdesk dialogue replay FILE
--json OUT`` writes: ``{"conversations": [{"id", "escalated_at", "rule",
"turns": [{"emotion", "complexity", "confidence", "resolved"}, ...]}]}``.

A conversation is positive when it escalates. A predicted escalation is a true
positive when the annotation expects one too, whatever the turn (lenient);
the strict figures also ask for the same turn (exact) or a turn at most one
away (within one). Among true positives: the rule's accuracy (the primary
rule; and the primary or one of ``also``), the mean absolute turn error, and
how many came early or late. The share resolved without a person counts the
conversations that did not escalate and whose last turn is resolved.

Two baselines are computed from the corpus alone, so the pipeline's figures
are read next to them: "request words only" escalates at the first turn
holding a generic request-for-a-person phrase; "always after turn 2"
escalates every conversation after its turn 2 (0-based; shorter ones never).

Writes bench/results/dialogue_<set>.json and dialogue_<set>.md. Without
``--replay`` only the baselines are scored. The replay command can score in
process: ``evaluate(load_corpus(path), parse_replay(data, corpus), set)`` and
``write_results``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RULES = ("emotion", "complexity", "unresolved", "request")
LEVELS = ("L1", "L2", "L3", "L4", "L5")
GOAL = 0.9
PIPELINE = "pipeline"
REQUEST_WORDS = "request words only"
AFTER_TURN_TWO = "always after turn 2"

# Phrases a customer uses to ask for a person, written by meaning (not from
# any corpus). Plain substring matching on lower case: a baseline, so it also
# fires on "human error" or 人工智能, which is the point of comparing with it.
REQUEST_PHRASES = (
    "human",
    "real person",
    "a person",
    "live agent",
    "support agent",
    "an agent",
    "representative",
    "operator",
    "speak to someone",
    "speak with someone",
    "talk to someone",
    "talk with someone",
    "someone from your",
    "an engineer",
    "your engineers",
    "call me",
    "phone call",
    "escalate",
    "supervisor",
    "manager",
    "人工",
    "真人",
    "转接",
    "客服人员",
    "工程师",
    "技术支持",
    "打电话",
    "来电",
    "经理",
    "主管",
    "专人",
)


class ScoreError(ValueError):
    """A corpus or replay file that cannot be scored; the message names the input."""


@dataclass(frozen=True)
class Expected:
    id: str
    lang: str
    turns: tuple[str, ...]
    escalated_at: int | None
    rule: str | None
    also: tuple[str, ...]
    complexity: str
    covers: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Predicted:
    id: str
    escalated_at: int | None
    rule: str | None
    # The last turn's "resolved"; None when the replay did not say.
    resolved_last: bool | None = None


# -- reading -----------------------------------------------------------------------------------


def parse_corpus(lines: Iterable[str], source: str = "corpus") -> list[Expected]:
    """Annotated conversations from JSON Lines text."""
    out: list[Expected] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            row = json.loads(line)
            expect = row["expect"]
            item = Expected(
                id=str(row["id"]),
                lang=str(row["lang"]),
                turns=tuple(str(t) for t in row["turns"]),
                escalated_at=expect["escalated_at"],
                rule=expect["rule"],
                also=tuple(expect.get("also", [])),
                complexity=str(expect["complexity"]),
                covers=tuple(row.get("covers", [])),
                why=str(row.get("why", "")),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ScoreError(f"{where}: not an annotated conversation ({exc!r})") from exc
        at = item.escalated_at
        if at is not None and not (isinstance(at, int) and 0 <= at < len(item.turns)):
            raise ScoreError(f"{where}: escalated_at {at!r} is not a turn of {item.id}")
        if (at is None) != (item.rule is None) or (item.rule and item.rule not in RULES):
            raise ScoreError(f"{where}: rule {item.rule!r} does not fit escalated_at {at!r}")
        out.append(item)
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise ScoreError(f"{source}: duplicate conversation ids")
    return out


def load_corpus(path: Path) -> list[Expected]:
    return parse_corpus(path.read_text("utf-8").splitlines(), str(path))


def parse_replay(
    data: Any, corpus: Sequence[Expected], source: str = "replay"
) -> dict[str, Predicted]:
    """The replay's decisions by conversation id, checked against the corpus."""
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise ScoreError(f"{source}: expected an object with a 'conversations' list")
    known = {c.id: c for c in corpus}
    out: dict[str, Predicted] = {}
    for index, item in enumerate(data["conversations"]):
        where = f"{source}: conversations[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ScoreError(f"{where}: needs a string id")
        cid = item["id"]
        if cid not in known:
            raise ScoreError(f"{where}: id {cid!r} is not in the corpus")
        if cid in out:
            raise ScoreError(f"{where}: id {cid!r} appears twice")
        length = len(known[cid].turns)
        at, rule = item.get("escalated_at"), item.get("rule")
        if at is not None and (isinstance(at, bool) or not isinstance(at, int)):
            raise ScoreError(f"{where}: escalated_at must be an integer or null")
        if at is not None and not 0 <= at < length:
            raise ScoreError(f"{where}: escalated_at {at} outside the {length} turns of {cid}")
        if rule is not None and rule not in RULES:
            raise ScoreError(f"{where}: rule {rule!r} is not one of {', '.join(RULES)}")
        if at is None and rule is not None:
            raise ScoreError(f"{where}: rule {rule!r} without an escalation turn")
        turns = item.get("turns", [])
        if not isinstance(turns, list) or len(turns) > length:
            raise ScoreError(f"{where}: turns must be a list of at most {length} entries")
        if not all(isinstance(t, dict) for t in turns):
            raise ScoreError(f"{where}: each turn must be an object")
        resolved: bool | None = None
        if turns:
            value = turns[-1].get("resolved")
            if value is not None and not isinstance(value, bool):
                raise ScoreError(f"{where}: resolved must be true or false")
            resolved = value
        out[cid] = Predicted(cid, at, rule, resolved)
    missing = [c.id for c in corpus if c.id not in out]
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise ScoreError(f"{source}: {len(missing)} corpus conversations missing: {shown}")
    return out


def load_replay(path: Path, corpus: Sequence[Expected]) -> dict[str, Predicted]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ScoreError(f"{path}: not JSON ({exc})") from exc
    return parse_replay(data, corpus, str(path))


# -- baselines ---------------------------------------------------------------------------------


def asks_for_person(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in REQUEST_PHRASES)


def request_words_baseline(corpus: Sequence[Expected]) -> dict[str, Predicted]:
    out = {}
    for conv in corpus:
        at = next((i for i, text in enumerate(conv.turns) if asks_for_person(text)), None)
        out[conv.id] = Predicted(conv.id, at, "request" if at is not None else None)
    return out


def after_turn_two_baseline(corpus: Sequence[Expected]) -> dict[str, Predicted]:
    # It names no rule: rule accuracy is 0 for it by construction.
    return {c.id: Predicted(c.id, 2 if len(c.turns) > 2 else None, None) for c in corpus}


# -- scoring -----------------------------------------------------------------------------------


def ratio(numerator: int | float, denominator: int | float) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def turn_error(e: Expected, p: Predicted) -> int:
    """Predicted minus expected turn, for a pair where both escalate."""
    if e.escalated_at is None or p.escalated_at is None:
        raise ValueError(f"{e.id}: a turn error needs two escalation turns")
    return p.escalated_at - e.escalated_at


def detection(pairs: Sequence[tuple[Expected, Predicted]]) -> dict[str, Any]:
    """Confusion counts, lenient and strict precision/recall, turn error, over some pairs."""
    tp = [(e, p) for e, p in pairs if e.escalated_at is not None and p.escalated_at is not None]
    fp = sum(1 for e, p in pairs if e.escalated_at is None and p.escalated_at is not None)
    fn = sum(1 for e, p in pairs if e.escalated_at is not None and p.escalated_at is None)
    tn = len(pairs) - len(tp) - fp - fn
    predicted = len(tp) + fp
    expected = len(tp) + fn
    errors = [turn_error(e, p) for e, p in tp]
    exact = sum(1 for d in errors if d == 0)
    near = sum(1 for d in errors if abs(d) <= 1)
    return {
        "n": len(pairs),
        "tp": len(tp),
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": ratio(len(tp), predicted),
        "recall": ratio(len(tp), expected),
        "exact": {
            "tp": exact,
            "precision": ratio(exact, predicted),
            "recall": ratio(exact, expected),
        },
        "within_one": {
            "tp": near,
            "precision": ratio(near, predicted),
            "recall": ratio(near, expected),
        },
        "turn_mae": ratio(sum(abs(d) for d in errors), len(errors)),
        "early": sum(1 for d in errors if d < 0),
        "on_time": exact,
        "late": sum(1 for d in errors if d > 0),
        "rule_accuracy": ratio(sum(1 for e, p in tp if p.rule == e.rule), len(tp)),
        "rule_accuracy_with_also": ratio(
            sum(1 for e, p in tp if p.rule == e.rule or p.rule in e.also), len(tp)
        ),
    }


def mismatch(e: Expected, p: Predicted) -> dict[str, Any] | None:
    kinds = []
    if e.escalated_at is None and p.escalated_at is not None:
        kinds.append("false escalation")
    elif e.escalated_at is not None and p.escalated_at is None:
        kinds.append("missed escalation")
    elif e.escalated_at is not None and p.escalated_at is not None:
        if p.escalated_at < e.escalated_at:
            kinds.append("early")
        elif p.escalated_at > e.escalated_at:
            kinds.append("late")
        if p.rule != e.rule:
            kinds.append("other rule" if p.rule in e.also else "wrong rule")
    if not kinds:
        return None
    return {
        "id": e.id,
        "lang": e.lang,
        "kind": ", ".join(kinds),
        "expected_at": e.escalated_at,
        "expected_rule": e.rule,
        "also": list(e.also),
        "predicted_at": p.escalated_at,
        "predicted_rule": p.rule,
        "why": e.why,
    }


def score(corpus: Sequence[Expected], predicted: Mapping[str, Predicted]) -> dict[str, Any]:
    """Every figure of one system's decisions on one corpus."""
    pairs = [(e, predicted[e.id]) for e in corpus]
    report = detection(pairs)
    per_rule: dict[str, Any] = {}
    for rule in RULES:
        group = [(e, p) for e, p in pairs if e.rule == rule]
        found = [(e, p) for e, p in group if p.escalated_at is not None]
        per_rule[rule] = {
            "n": len(group),
            "detected": len(found),
            "recall": ratio(len(found), len(group)),
            "exact": sum(1 for e, p in found if turn_error(e, p) == 0),
            "within_one": sum(1 for e, p in found if abs(turn_error(e, p)) <= 1),
            "rule_match": sum(1 for e, p in found if p.rule == rule),
        }
    quiet = [(e, p) for e, p in pairs if e.escalated_at is None]
    false = [p for _, p in quiet if p.escalated_at is not None]
    per_rule["none"] = {
        "n": len(quiet),
        "false_escalations": len(false),
        "specificity": ratio(len(quiet) - len(false), len(quiet)),
        "by_predicted_rule": {r: sum(1 for p in false if p.rule == r) for r in RULES},
    }
    report["per_rule"] = per_rule
    langs = sorted({e.lang for e in corpus})
    report["per_language"] = {
        lang: {
            k: v
            for k, v in detection([(e, p) for e, p in pairs if e.lang == lang]).items()
            if k in ("n", "tp", "fp", "fn", "precision", "recall", "exact", "turn_mae")
        }
        for lang in langs
    }
    near = [(e, p) for e, p in pairs if "near-miss" in e.covers]
    report["near_miss"] = {
        "n": len(near),
        "false_escalations": sum(1 for _, p in near if p.escalated_at is not None),
    }
    known = any(p.resolved_last is not None for _, p in pairs)
    alone = [p for _, p in pairs if p.escalated_at is None]
    report["resolved_without_person"] = (
        ratio(sum(1 for p in alone if p.resolved_last is True), len(pairs)) if known else None
    )
    report["unresolved_without_person"] = (
        sum(1 for p in alone if p.resolved_last is not True) if known else None
    )
    report["mismatches"] = [m for e, p in pairs if (m := mismatch(e, p)) is not None]
    return report


def evaluate(
    corpus: Sequence[Expected], replay: Mapping[str, Predicted] | None, set_name: str
) -> dict[str, Any]:
    """The pipeline's report (when a replay is given) beside the two baselines."""
    systems: dict[str, Any] = {}
    if replay is not None:
        systems[PIPELINE] = score(corpus, replay)
    systems[REQUEST_WORDS] = score(corpus, request_words_baseline(corpus))
    systems[AFTER_TURN_TWO] = score(corpus, after_turn_two_baseline(corpus))
    expected = sum(1 for c in corpus if c.escalated_at is not None)
    return {
        "set": set_name,
        "goal": {"precision": GOAL, "recall": GOAL},
        "corpus": {
            "conversations": len(corpus),
            "escalating": expected,
            "by_rule": {r: sum(1 for c in corpus if c.rule == r) for r in RULES},
            "by_language": {
                lang: sum(1 for c in corpus if c.lang == lang)
                for lang in sorted({c.lang for c in corpus})
            },
            "by_complexity": {lv: sum(1 for c in corpus if c.complexity == lv) for lv in LEVELS},
            "near_misses": sum(1 for c in corpus if "near-miss" in c.covers),
            "expected_without_person": ratio(len(corpus) - expected, len(corpus)),
        },
        "systems": systems,
    }


# -- writing -----------------------------------------------------------------------------------


def cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(results: Mapping[str, Any]) -> str:
    corpus = results["corpus"]
    systems: Mapping[str, Any] = results["systems"]
    out = [
        f"# Dialogue escalation: {results['set']} set",
        "",
        f"{corpus['conversations']} conversations, {corpus['escalating']} expected to escalate "
        f"({', '.join(f'{r} {n}' for r, n in corpus['by_rule'].items())}), "
        f"{corpus['near_misses']} near-misses; languages "
        f"{', '.join(f'{k} {v}' for k, v in corpus['by_language'].items())}. "
        f"Goal: precision and recall >= {results['goal']['precision']}. Positive = the "
        "conversation escalates; exact and ±1 also ask for the annotated turn.",
        "",
        "## Summary",
        "",
    ]
    header = ["system", "precision", "recall", "exact P", "exact R", "±1 P", "±1 R"]
    header += ["rule acc.", "turn MAE", "early", "late", "resolved w/o person"]
    out += table(
        header,
        (
            [
                name,
                r["precision"],
                r["recall"],
                r["exact"]["precision"],
                r["exact"]["recall"],
                r["within_one"]["precision"],
                r["within_one"]["recall"],
                r["rule_accuracy"],
                r["turn_mae"],
                r["early"],
                r["late"],
                r["resolved_without_person"],
            ]
            for name, r in systems.items()
        ),
    )
    for name, r in systems.items():
        out += ["", f"## {name}: by expected rule", ""]
        rows = [
            [rule, g["n"], g["detected"], g["recall"], g["exact"], g["within_one"], g["rule_match"]]
            for rule, g in r["per_rule"].items()
            if rule != "none"
        ]
        none = r["per_rule"]["none"]
        rows.append(["none (must not escalate)", none["n"], none["false_escalations"], *[""] * 4])
        out += table(["rule", "n", "escalated", "recall", "exact", "±1", "rule match"], rows)
        out += [
            "",
            f"Near-misses escalated: {r['near_miss']['false_escalations']} of "
            f"{r['near_miss']['n']}.",
            "",
            f"## {name}: by language",
            "",
        ]
        out += table(
            ["lang", "n", "precision", "recall", "exact R", "turn MAE"],
            (
                [lang, g["n"], g["precision"], g["recall"], g["exact"]["recall"], g["turn_mae"]]
                for lang, g in r["per_language"].items()
            ),
        )
    if PIPELINE in systems:
        out += ["", "## pipeline: mismatches", ""]
        out += table(
            ["id", "kind", "expected", "predicted", "why"],
            (
                [
                    m["id"],
                    m["kind"],
                    "none"
                    if m["expected_at"] is None
                    else f"{m['expected_at']} {m['expected_rule']}",
                    "none"
                    if m["predicted_at"] is None
                    else f"{m['predicted_at']} {m['predicted_rule'] or ''}".strip(),
                    m["why"],
                ]
                for m in systems[PIPELINE]["mismatches"]
            ),
        )
    return "\n".join(out) + "\n"


def write_results(results: Mapping[str, Any], directory: Path = RESULTS) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"dialogue_{results['set']}"
    json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    md_path.write_text(render_markdown(results), "utf-8")
    return json_path, md_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score a dialogue replay against a dialogue set.")
    parser.add_argument("corpus", type=Path, help="annotated conversations (JSON Lines)")
    parser.add_argument("--replay", type=Path, help="graphdesk dialogue replay --json output")
    parser.add_argument("--set", dest="set_name", help="set name (default: the corpus folder)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="output folder")
    args = parser.parse_args(argv)
    try:
        corpus = load_corpus(args.corpus)
        replay = load_replay(args.replay, corpus) if args.replay else None
    except (OSError, ScoreError) as exc:
        print(f"dialogue_score: {exc}", file=sys.stderr)
        return 2
    results = evaluate(corpus, replay, args.set_name or args.corpus.resolve().parent.name)
    for path in write_results(results, args.results):
        print(path)
    for name, r in results["systems"].items():
        print(f"{name}: precision {cell(r['precision'])} recall {cell(r['recall'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Escalation precision and recall on written conversations (issue 10).

Builds a fresh embedded graph from the bundled demo corpus (what `make run`
serves), then replays each set through the same desk the API uses
(``resolvers/conversation/replay.py``: each conversation's customer turns,
attachments included), and scores the replay with ``bench/dialogue_score.py``
beside its two baselines (request words only; always after turn 2).

Sets: ``bench/dialogues/dev`` (the development set) and
``bench/dialogues/heldout`` (written apart from the pipeline and from the
development set; see its README). Neither was read while the conversation
rules were written in session 9; the rules' cues were then tuned on dev at the
end of that session, so dev is in sample from there on and only the held-out
set is out of sample (scored once after each change, never read). To compare
with earlier rules in the same run, run an export of the older commit's tree
with this venv (its ROOT is its own folder) before this one.

Usage: python bench/dialogue.py [--sets dev,heldout] [--no-reader]
Writes bench/results/dialogue_<set>.json and .md (and the raw replay as
bench/results/dialogue_<set>_replay.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.app import build_answerer, build_desk, seed_demo_corpus  # noqa: E402
from api.settings import Settings  # noqa: E402
from bench import dialogue_score as scoring  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.conversation.replay import play, read  # noqa: E402

SETS = ROOT / "bench" / "dialogues"
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="dev,heldout")
    parser.add_argument(
        "--no-reader", action="store_true",
        help="the rules alone, without the learned turn reader (results as <set>_rules_only)",
    )  # fmt: skip
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="gddlg", dir="/tmp"))
    store = FalkorStore(data)
    try:
        migrate(store)
        seed_demo_corpus(store)
        settings = Settings(data_dir=data, env="development")
        desk = build_desk(store, build_answerer(store, settings), settings)
        suffix = ""
        if args.no_reader:
            alone = desk.rules.escalation.model_copy(update={"learned": False})
            rules = desk.rules.model_copy(update={"escalation": alone})
            desk = dataclasses.replace(desk, rules=rules)
            suffix = "_rules_only"
        for set_name in args.sets.split(","):
            path = SETS / set_name / "conversations.jsonl"
            name = set_name + suffix
            t0 = time.perf_counter()
            played = [play(desk, s) for s in read(path)]
            seconds = time.perf_counter() - t0
            replay = {"conversations": played}
            (RESULTS / f"dialogue_{name}_replay.json").write_text(
                json.dumps(replay, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            corpus = scoring.load_corpus(path)
            results = scoring.evaluate(corpus, scoring.parse_replay(replay, corpus), name)
            results["replay_seconds"] = round(seconds, 1)
            scoring.write_results(results, RESULTS)
            top = results["systems"][scoring.PIPELINE]
            print(f"{name}: {len(played)} conversations in {seconds:.1f} s: "
                  f"{json.dumps(top.get('detection', top), default=str)[:400]}")  # fmt: skip
    finally:
        store.close()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()

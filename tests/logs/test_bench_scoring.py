"""bench/log_parsing.py's loading and scoring, on a tiny set written here and figured by hand."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("log_parsing", ROOT / "bench" / "log_parsing.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["log_parsing"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


lp = load_module()

LINES = [
    "t1 worker: job 17 state queued",
    "t2 worker: job 18 state running",
    "t3 worker: job 19 state queued",
    "t4 worker: cache flushed",
]
# The corrected-LogHub labels keep the state words; the format-string labels make them <*>.
MAIN = ["job <*> state queued", "job <*> state running", "job <*> state queued", "cache flushed"]
FORMAT = ["job <*> state <*>", "job <*> state <*>", "job <*> state <*>", "cache flushed"]


def write_set(folder: Path, name: str, second: list[str] | None) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / f"{name}_2k.log").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    (folder / "formats.json").write_text(json.dumps({name: "<Time> <Component>: <Content>"}))

    def rows(path: Path, templates: list[str]) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["LineId", "Time", "Component", "Content", "EventTemplate"])
            for i, (line, t) in enumerate(zip(LINES, templates, strict=True), 1):
                head, content = line.split(": ", 1)
                w.writerow([i, *head.split(" "), content, t])

    rows(folder / name / f"{name}_2k.log_structured_corrected.csv", MAIN)
    if second is not None:
        rows(folder / name / f"{name}_2k.log_structured_formatstring.csv", second)


def test_a_set_labelled_both_ways_is_scored_against_both(tmp_path: Path) -> None:
    write_set(tmp_path, "Jobs", FORMAT)
    (s,) = lp.load_sets(tmp_path, "extra")
    assert s.format_truth == FORMAT and s.header_mismatches == 0

    def by_state(contents: list[str]) -> tuple[list[object], list[str]]:
        groups: list[object] = [c.split()[-1] if "state" in c else "other" for c in contents]
        return groups, [str(g) for g in groups]

    def by_shape(contents: list[str]) -> tuple[list[object], list[str]]:
        groups: list[object] = ["job" if "state" in c else "other" for c in contents]
        return groups, [str(g) for g in groups]

    # Split by state: right under the main labels, only the flushed line under format strings.
    assert lp.score(by_state, s)["ga"] == 1.0
    assert lp.score(by_state, s)["ga_format"] == 0.25
    # One group for all jobs: the reverse.
    assert lp.score(by_shape, s)["ga"] == 0.25
    assert lp.score(by_shape, s)["ga_format"] == 1.0


def test_a_set_with_one_labelling_has_no_second_figure(tmp_path: Path) -> None:
    write_set(tmp_path, "Jobs", None)
    (s,) = lp.load_sets(tmp_path, "extra")
    assert s.format_truth is None
    assert "ga_format" not in lp.score(lambda c: (list(c), list(c)), s)


def test_second_labels_of_another_length_are_refused(tmp_path: Path) -> None:
    write_set(tmp_path, "Jobs", FORMAT)
    second = tmp_path / "Jobs" / "Jobs_2k.log_structured_formatstring.csv"
    with second.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow([5, "t5", "worker", "cache flushed", "cache flushed"])
    with pytest.raises(SystemExit, match=r"formatstring\.csv: 5 rows for 4 lines"):
        lp.load_sets(tmp_path, "extra")

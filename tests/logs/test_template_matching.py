"""A pasted log line matched to mined templates by the miner's own reading
(``extractors/logs/matching.py``): pure, no graph."""

from __future__ import annotations

from extractors.logs.matching import KnownTemplate, TemplateMatcher
from extractors.logs.miner import TemplateMiner

LINES = [
    "connection 17 refused for app-3 after 30 s: sorry, too many clients",
    "connection 18 refused for app-9 after 12 s: sorry, too many clients",
    "connection 19 refused for web-1 after 7 s: sorry, too many clients",
    "checkpoint took 1200 ms, wrote 3 buffers to /var/lib/nimbus/data",
    "checkpoint took 800 ms, wrote 5 buffers to /var/lib/nimbus/data",
    "listener bound to 10.0.0.5:5432 mode=fast",
    "listener bound to 10.0.0.6:6432 mode=fast",
]


def _matcher() -> TemplateMatcher:
    miner = TemplateMiner()
    for line in LINES:
        miner.add(line)
    mined = miner.templates()
    return TemplateMatcher(
        [KnownTemplate(t.event_id, t.template, t.count, codes=("NDB-1001",)) for t in mined]
    )


def test_a_line_matches_its_template_with_or_without_its_header() -> None:
    matcher = _matcher()
    refused = "connection 944 refused for billing-2 after 61 s: sorry, too many clients"
    found = matcher.match(refused)
    assert found is not None and found.template.startswith("connection <*> refused")
    with_header = "2024-06-01 03:12:44,120 ERROR [pool-7] pool: " + refused
    assert matcher.match(with_header) == found
    bound = matcher.match(
        "Jun  1 03:12:44 db1 nimbusd[881]: listener bound to 10.1.2.3:7000 mode=fast"
    )
    assert bound is not None and "mode=fast" in bound.template


def test_other_lines_match_nothing() -> None:
    matcher = _matcher()
    assert matcher.match("connection 944 accepted for billing-2 after 61 s: welcome") is None
    assert matcher.match("checkpoint took 900 ms") is None  # too short for any template
    assert matcher.match("listener bound to 10.1.2.3:7000 mode=slow") is None
    assert matcher.match("") is None


def test_a_template_of_values_only_matches_no_line() -> None:
    generic = TemplateMatcher([KnownTemplate("t1", "<*> <*> <*>"), KnownTemplate("t2", "<*> ok")])
    assert len(generic) == 0
    assert generic.match("anything at all") is None


def test_the_most_specific_template_wins() -> None:
    matcher = TemplateMatcher([
        KnownTemplate("broad", "worker <*> failed: <*>", count=900),
        KnownTemplate("narrow", "worker <*> failed: oom", count=3),
    ])  # fmt: skip
    found = matcher.match("worker 7 failed: oom")
    assert found is not None and found.id == "narrow"
    other = matcher.match("worker 7 failed: segfault")
    assert other is not None and other.id == "broad"


def test_personal_data_is_masked_before_matching_as_at_ingest() -> None:
    matcher = TemplateMatcher([KnownTemplate("login", "login failed for <*> from <*>")])
    found = matcher.match("login failed for lena.berg@example.se from 13912345678")
    assert found is not None and found.id == "login"

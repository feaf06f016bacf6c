"""The routing simulator: its estimators on small log excerpts written here,
a tiny simulation driving the real router on the embedded graph
(conservation of tickets and agent load), a constructed case where an
informed policy must beat one that knows nothing, and its bad input."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.store import Store
from migrations.runner import migrate
from resolvers.routing.simulation import estimates, history, logs, metrics
from resolvers.routing.simulation.escalation import Escalation, estimate
from resolvers.routing.simulation.estimates import Arrivals, LogNormal, Resolution
from resolvers.routing.simulation.experiment import DEFAULT_DATA, run_once
from resolvers.routing.simulation.logs import Event, SimulationDataError, parse_bank
from resolvers.routing.simulation.world import Assumptions, SimAgent, World, build

HEADER = ("vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
          "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver")  # fmt: skip


def _line(customer: str, kind: str, date: str, at: str, wait: int, outcome: str, handle: int,
          server: str) -> str:  # fmt: skip
    return "\t".join(["AA0101", "1", customer, "0", kind, date, at, at, "5", at, at, str(wait),
                      outcome, at, at, str(handle), server])  # fmt: skip


def _bank(lines: list[str]) -> list[logs.Call]:
    return parse_bank([HEADER, *lines], "excerpt")


def test_arrival_profile_per_weekday_and_hour() -> None:
    # 1999-02-01 and 02-08 are Mondays; 02-02 a Tuesday. Phantom calls do not count.
    calls = _bank([
        _line("0", "PS", "990201", "9:10:00", 0, "AGENT", 100, "ANNA"),
        _line("0", "PS", "990201", "9:50:00", 0, "AGENT", 100, "ANNA"),
        _line("0", "NW", "990208", "9:20:00", 0, "HANG", 0, "NO_SERVER"),
        _line("0", "PS", "990208", "9:30:00", 0, "PHANTOM", 0, "NO_SERVER"),
        _line("0", "PS", "990202", "14:00:00", 0, "AGENT", 100, "BEN"),
    ])  # fmt: skip
    a = estimates.arrivals(calls)
    # Two Mondays in the span: 3 real calls at 9 over 2 Mondays; 1 Tuesday (the span
    # 02-01..02-08 holds one Tuesday).
    assert a.rate[(0, 9)] == pytest.approx(1.5)
    assert a.rate[(1, 14)] == pytest.approx(1.0)
    assert a.mix() == {"NW": pytest.approx(0.25), "PS": pytest.approx(0.75)}
    assert a.by_day[(7, 9)] == [("NW", "NO_SERVER")]


def test_handle_time_fit_and_pooling() -> None:
    many = [_line("0", "PS", "990201", "9:00:00", 0, "AGENT", s, "ANNA")
            for s in (50, 100, 200, 400) * 25]  # fmt: skip
    thin = [_line("0", "PS", "990201", "10:00:00", 0, "AGENT", 1000, "BEN")]
    fits = estimates.handle_times(_bank(many + thin), pool_weight=20)
    anna, ben = fits[("ANNA", "PS")], fits[("BEN", "PS")]
    logs_ = [math.log(s) for s in (50, 100, 200, 400)]
    true_mu = sum(logs_) / 4
    # 100 calls against 20 pseudo-calls: mostly Anna's own mean log time.
    assert anna.n == 100 and abs(anna.mu - true_mu) < 0.1
    # Ben's one call of 1000 s is pulled most of the way to the pool.
    assert ben.n == 1 and true_mu < ben.mu < (math.log(1000) + true_mu) / 2


def test_repeat_calls_set_the_first_contact_truth() -> None:
    calls = _bank([
        # Customer 7: served by Anna, calls again 2 h later (a repeat), then not again.
        _line("7", "PS", "990201", "9:00:00", 0, "AGENT", 100, "ANNA"),
        _line("7", "PS", "990201", "11:00:00", 0, "AGENT", 100, "BEN"),
        # Customer 8: served by Anna, calls again 3 days later (outside 24 h).
        _line("8", "PS", "990201", "9:30:00", 0, "AGENT", 100, "ANNA"),
        _line("8", "PS", "990204", "9:30:00", 0, "AGENT", 100, "BEN"),
        # Unidentified callers never count.
        _line("0", "PS", "990201", "9:40:00", 0, "AGENT", 100, "ANNA"),
        _line("0", "PS", "990201", "9:41:00", 0, "AGENT", 100, "ANNA"),
    ])  # fmt: skip
    r = estimates.resolution(calls, window_hours=24, pool_weight=0)
    assert r.identified == 4
    assert r.rate[("ANNA", "PS")] == pytest.approx(0.5)  # one of two resolved
    assert r.rate[("BEN", "PS")] == pytest.approx(1.0)
    assert r.gaps == [7200.0]
    wide = estimates.resolution(calls, window_hours=96, pool_weight=0)
    assert wide.rate[("ANNA", "PS")] == pytest.approx(0.0)
    with pytest.raises(SimulationDataError, match="window"):
        estimates.resolution(calls, window_hours=0)


def test_patience_is_the_censored_estimate() -> None:
    calls = _bank([
        _line("0", "PS", "990201", "9:00:00", 60, "HANG", 0, "NO_SERVER"),
        _line("0", "PS", "990201", "9:01:00", 100, "AGENT", 100, "ANNA"),  # censored
        _line("0", "PS", "990201", "9:02:00", 40, "HANG", 0, "NO_SERVER"),
        _line("0", "PS", "990201", "9:03:00", 0, "HANG", 0, "NO_SERVER"),  # never queued
    ])  # fmt: skip
    assert estimates.patience(calls) == pytest.approx((60 + 100 + 40) / 2)


def test_volvo_reassignments_and_levels() -> None:
    ev = [
        Event("t1", "2013-01-01T10:00", "A", "L1"), Event("t1", "2013-01-01T11:00", "A", "L1"),
        Event("t1", "2013-01-01T12:00", "B", "L2"),  # escalated
        Event("t2", "2013-01-01T10:00", "A", "L1"), Event("t2", "2013-01-01T10:30", "C", "L1"),
        Event("t3", "2013-01-01T09:00", "A", "L1"),
    ]  # fmt: skip
    x = estimate(ev)
    assert x.tickets == 3 and x.reassignments == pytest.approx(2 / 3)
    assert x.first == {1: 1.0}
    assert x.next_tier[1] == {1: 0.5, 2: 0.5}  # one transfer, one escalation
    assert x.resolved_at == {1: pytest.approx(2 / 3), 2: pytest.approx(1 / 3)}
    assert x.work[2] == pytest.approx(1 / 6)


def test_bad_input_names_the_file_and_the_problem(tmp_path: Path) -> None:
    with pytest.raises(SimulationDataError, match="columns missing: server"):
        parse_bank([HEADER.rsplit("\t", 1)[0], "x"], "bank.txt")
    with pytest.raises(SimulationDataError, match="line 2: time '9:xx' is not h:mm:ss"):
        _bank([_line("0", "PS", "990201", "9:xx", 0, "AGENT", 1, "ANNA")])
    runner = CliRunner()
    out = runner.invoke(main, ["routing", "simulate", "--data", str(tmp_path / "none")])
    assert out.exit_code == 1 and "callcenter data folder does not exist" in out.output
    (tmp_path / logs.BANK_FILE).write_text("not a log\n")
    out = runner.invoke(main, ["routing", "simulate", "--data", str(tmp_path)])
    assert out.exit_code == 1 and logs.BANK_FILE in out.output
    (tmp_path / logs.BANK_FILE).write_bytes(HEADER.encode() + b"\n\xff\n")
    out = runner.invoke(main, ["routing", "simulate", "--data", str(tmp_path)])
    assert out.exit_code == 1 and "is not ascii text" in out.output


# --- tiny simulations on the real router ---------------------------------------------


def _world(agents: dict[str, tuple[float, int]], rate: float, hours: int = 24) -> World:
    """One service type "PS"; each agent: (true FCR, declared level), all on duty
    all day, all at tier 1, alike in speed (lognormal around 120 s)."""
    a = Assumptions(max_contacts=2, wait_seconds=30)
    speed = LogNormal(math.log(120.0), 0.3, 100)
    return World(
        kinds=["PS"],
        agents=[SimAgent(name, 1, {"PS": level}, {0: (0, 0)})
                for name, (_, level) in agents.items()],
        handle={(name, "PS"): speed for name in agents},
        handle_pool={"PS": speed},
        fcr=Resolution({(n, "PS"): p for n, (p, _) in agents.items()}, {"PS": 0.5}, 0.5),
        arrivals=Arrivals({(0, h): rate for h in range(hours)},
                          {(0, h): [("PS", "NO_SERVER")] for h in range(hours)}, {}),
        patience_mean=600.0,
        gaps=[600.0],
        escalation=Escalation({1: 1.0}, {1: {1: 1.0}}, {1: 1.0}, {1: 1.0}, 0.0, 1),
        log_days=1, first_weekday=0, assumptions=a,
    )  # fmt: skip


@pytest.fixture
def sim_store(clean_store: Store) -> Store:
    migrate(clean_store)
    return clean_store


@pytest.mark.parametrize("policy", ["learned", "round-robin", "old", "oracle"])
def test_every_ticket_is_served_or_abandoned_and_load_returns(
    sim_store: Store, policy: str
) -> None:
    # Busy on purpose (about 40 calls an hour for 3 agents of 120 s) so that
    # tickets wait, some hang up, and the router holds and retries.
    w = _world({"A": (0.7, 3), "B": (0.5, 2), "C": (0.3, 1)}, rate=40.0, hours=3)
    run = run_once(sim_store, w, policy, seed=5, hours=3)
    served = [c for c in run.contacts if c.agent]
    abandoned = [c for c in run.contacts if c.abandoned]
    assert served and abandoned
    assert len(served) + len(abandoned) == len(run.contacts)  # nothing lost
    assert run.ended == {"solved": len(served), "abandoned": len(abandoned)}
    assert run.loads == 0 and run.assigned_left == 0
    f = metrics.figures(run)
    assert 0 < f["fcr"] < 1 and 0 < f["utilisation"] <= 1 and f["aht"] > 0
    assert all(c.replayed is None for c in run.contacts) or policy == "old"


def test_knowing_nothing_does_not_beat_knowing_the_skills(sim_store: Store) -> None:
    # One agent resolves nearly everything, two nearly nothing; the static
    # policy is told so (levels 5 and 0), round-robin is not. Light load, so
    # the good agent is usually free when a call comes.
    w = _world({"GOOD": (0.95, 5), "BAD1": (0.05, 0), "BAD2": (0.05, 0)}, rate=8.0, hours=6)
    rr = [metrics.figures(run_once(sim_store, w, "round-robin", s, 6))["fcr"] for s in (1, 2)]
    st = [metrics.figures(run_once(sim_store, w, "static", s, 6))["fcr"] for s in (1, 2)]
    assert min(st) > max(rr)
    # Round-robin spreads calls evenly: about (0.95 + 0.05 + 0.05) / 3.
    assert sum(rr) / 2 < 0.5 and sum(st) / 2 > sum(rr) / 2 + 0.2


def test_the_oracle_bound_reads_the_truth_the_router_is_not_told(sim_store: Store) -> None:
    # The declarations are upside down: static trusts them, the oracle reads the
    # hidden resolution chances, so it finds the good agent whenever it is free.
    w = _world({"GOOD": (0.95, 0), "BAD1": (0.05, 5), "BAD2": (0.05, 5)}, rate=8.0, hours=6)
    st = [metrics.figures(run_once(sim_store, w, "static", s, 6))["fcr"] for s in (1, 2)]
    oracle = [metrics.figures(run_once(sim_store, w, "oracle", s, 6))["fcr"] for s in (1, 2)]
    assert min(oracle) > max(st) + 0.2


def test_the_world_from_the_shared_data() -> None:
    if not (DEFAULT_DATA / logs.BANK_FILE).is_file():
        pytest.skip(f"the callcenter data is not at {DEFAULT_DATA}")
    calls = logs.read_bank(DEFAULT_DATA / logs.BANK_FILE)
    assert len(calls) == 33_344
    template = logs.read_shifts(DEFAULT_DATA / logs.SHIFTS_FILE)
    assert len(template) == 8 and template[0] == (0, 6)
    x = estimate(logs.read_volvo(DEFAULT_DATA / logs.VOLVO_FILE))
    assert x.tickets == 7_554
    whole = build(calls, template, x, Assumptions(history_days=0))
    assert len(whole.agents) == 24 and not whole.history
    # Two of the 24 serve only in the first two weeks: no skill after the history.
    w = build(calls, template, x, Assumptions())
    assert len(w.agents) == 22 and {a.tier for a in w.agents} == {1, 2, 3}
    assert w.start_day == 14 and w.first_weekday == 0  # 1999-02-15, a Monday
    assert 0.4 < w.facts["first_contact_truth"] < 0.8


def test_the_history_is_the_log_before_the_run_and_the_truth_after() -> None:
    # ANNA takes PS calls on both of two days; the run starts on the second.
    lines = []
    for day, handle in (("990201", 100), ("990202", 400)):
        for i in range(6):
            lines.append(_line(str(10 + i), "PS", day, f"9:0{i}:00", 0, "AGENT", handle, "ANNA"))
    lines += [
        _line("10", "PS", "990201", "9:30:00", 0, "AGENT", 100, "ANNA"),  # 10 called again
        _line("99", "NW", "990201", "8:00:00", 0, "AGENT", 100, "ANNA"),  # an undeclared type
        _line("0", "PS", "990201", "8:30:00", 0, "AGENT", 100, "ANNA"),  # not identified
        _line("77", "PS", "990201", "23:30:00", 0, "AGENT", 100, "ANNA"),  # window ends after
        _line("0", "PS", "990202", "10:00:00", 30, "HANG", 0, "NO_SERVER"),  # for patience
    ]  # fmt: skip
    calls = _bank(lines)
    x = Escalation({1: 1.0}, {1: {1: 1.0}}, {1: 1.0}, {1: 1.0}, 0.0, 1)
    template = [(0, 6), (6, 12), (12, 18), (18, 0)]
    w = build(calls, template, x, Assumptions(history_days=1, repeat_window_hours=1))
    assert w.start_day == 1 and w.first_weekday == 1 and w.log_day(0) == 1 and w.log_day(3) == 1
    # The hidden truth is the second day's (400 s), not the two days' blend.
    assert w.true_handle("ANNA", "PS").mean == pytest.approx(400.0, rel=0.01)
    past = history.outcomes_before(w)
    # Six calls of PS on day one plus the repeat of 10; not NW (not declared: one
    # call), not the unidentified caller, not the one whose window runs into day two.
    assert len(past) == 7 and {p.kind for p in past} == {"PS"}
    assert sum(not p.resolved for p in past) == 1
    assert all(p.at < 86_400 for p in past)
    with pytest.raises(ValueError, match="history_days"):
        build(calls, template, x, Assumptions(history_days=2))


def test_the_history_is_taught_through_the_learning_update(sim_store: Store) -> None:
    w = _world({"A": (0.9, 3), "B": (0.2, 3)}, rate=6.0, hours=2)
    past = [logs.Call(str(i), "PS", 0, 0, 600.0 * i, 0.0, "AGENT", 100.0, "A")
            for i in range(1, 6)]  # fmt: skip
    w = replace(w, history=past, start_day=1, log_days=2,
                assumptions=replace(w.assumptions, repeat_window_hours=1.0))  # fmt: skip
    run = run_once(sim_store, w, "learned", seed=3, hours=2)
    rows = sim_store.read(
        "MATCH (a:Agent)-[h:HAS_SKILL]->() RETURN a.name AS a, h.handled AS n, h.ht_n AS ht"
    )
    # A's record holds the 5 past calls and what A took in the run; B only the run's.
    taken = {n: sum(1 for c in run.contacts if c.agent == n) for n in ("A", "B")}
    assert {r["a"]: r["n"] for r in rows} == {"A": 5 + taken["A"], "B": taken["B"]}
    # The run's counts leave the past's tickets out; no one is left holding one.
    assert sum(run.ended.values()) == len(run.contacts)
    assert run.loads == 0 and run.assigned_left == 0 and run.history_seconds > 0
    # Policies that do not learn are not taught.
    other = run_once(sim_store, w, "static", seed=3, hours=2)
    rows = sim_store.read("MATCH (:Agent {name: 'A'})-[h:HAS_SKILL]->() RETURN h.handled AS n")
    assert rows[0]["n"] == sum(1 for c in other.contacts if c.agent == "A")
    assert other.history_seconds == 0.0


def test_paired_differences_are_seed_by_seed(sim_store: Store) -> None:
    w = _world({"GOOD": (0.95, 5), "BAD1": (0.05, 0), "BAD2": (0.05, 0)}, rate=8.0, hours=3)
    st = [run_once(sim_store, w, "static", s, 3) for s in (1, 2, 3)]
    rr = [run_once(sim_store, w, "round-robin", s, 3) for s in (1, 2, 3)]
    d = metrics.paired(st, rr)
    pairs = zip(st, rr, strict=True)
    per = [metrics.figures(a)["fcr"] - metrics.figures(b)["fcr"] for a, b in pairs]
    assert d["fcr_per_seed"] == pytest.approx(per) and d["fcr"] == pytest.approx(sum(per) / 3)
    assert d["fcr_ci"][0] > 0  # knowing the skills wins in every seed here
    with pytest.raises(ValueError, match="same seeds"):
        metrics.paired(st, rr[::-1])


def test_arrival_scale_thins_the_calls_at_the_same_staffing(sim_store: Store) -> None:
    w = _world({"A": (0.7, 3), "B": (0.5, 2)}, rate=30.0, hours=4)
    light = replace(w, assumptions=replace(w.assumptions, arrival_scale=0.4))
    full = {c.issue for c in run_once(sim_store, w, "round-robin", 3, 4).contacts}
    few = {c.issue for c in run_once(sim_store, light, "round-robin", 3, 4).contacts}
    # Poisson counts of means 120 and 48 over the four hours.
    assert 90 < len(full) < 150 and 25 < len(few) < 75
    with pytest.raises(ValueError, match="arrival_scale must be above 0"):
        Assumptions(arrival_scale=0)

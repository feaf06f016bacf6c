"""``graphdesk agents load|show`` and ``graphdesk routing route``: the roster and the
router (``resolvers/routing/``) from the command line, for supervisors.

``agents load FILE`` reads a TOML or JSON roster and exits 1 when an entry
was refused (naming it; the rest still loads). ``routing route TICKET`` computes the
ticket's needs and places it by the configured policy (or ``--policy``),
printing the step, the agent or queue, and each top candidate's score terms.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from api.cli_context import settings_of
from resolvers.routing.config import POLICIES, STEPS


@click.group("agents")
def agents_group() -> None:
    """The agents' roster: load it, show one agent's skills and record."""


@agents_group.command("load")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def agents_load(ctx: click.Context, path: Path) -> None:
    """Load a roster (TOML or JSON); exit 1 naming any entry refused."""
    from api.audit_cli import record_cli
    from api.cli import opened_store
    from resolvers.routing.roster import RosterError, load, read

    try:
        roster = read(path)
    except RosterError as exc:
        raise click.ClickException(str(exc)) from None
    with opened_store(settings_of(ctx)) as store:
        try:
            done = load(store, roster, str(path))
        except RosterError as exc:
            raise click.ClickException(str(exc)) from None
        record_cli(store, "agents.load", str(path), "partial" if done.problems else "ok")
    for problem in done.problems:
        click.echo(f"FAILED {problem}", err=True)
    click.echo(f"loaded {done.agents} agents, {done.skills} skills, {done.teams} teams")
    if done.problems:
        ctx.exit(1)


@agents_group.command("show")
@click.argument("agent")
@click.pass_context
def agents_show(ctx: click.Context, agent: str) -> None:
    """One agent (roster id or graph id) with each skill's record, as JSON."""
    from api.cli import opened_store
    from graph.queries import routing as q
    from resolvers.routing.roster import agent_id

    with opened_store(settings_of(ctx), reading=True) as store:
        rows = store.read(q.AGENT, {"agent": agent if ":" in agent else agent_id(agent)})
    if not rows:
        raise click.ClickException(f"no agent {agent!r}")
    click.echo(json.dumps(rows[0], ensure_ascii=False, indent=2, sort_keys=True))


@click.group("routing")
def routing_group() -> None:
    """The router: place a ticket (and, in the simulator, compare policies)."""


@routing_group.command("route")
@click.argument("ticket")
@click.option("--policy", type=click.Choice(POLICIES), default=None,
              help="Selection policy (default: GRAPHDESK_ROUTING_POLICY).")  # fmt: skip
@click.pass_context
def route(ctx: click.Context, ticket: str, policy: str | None) -> None:
    """Place a ticket with an agent or a team queue and say why."""
    from api.cli import opened_store
    from resolvers.errors import InvalidArgument
    from resolvers.pipeline.linking import Linker
    from resolvers.routing.needs import prepare
    from resolvers.routing.router import Router

    settings = settings_of(ctx)
    config = settings.routing_config()
    with opened_store(settings) as store:
        try:
            needs = prepare(store, ticket, Linker(store), config)
            decision = Router(store, config).route(ticket, policy=policy)
        except InvalidArgument as exc:
            raise click.ClickException(exc.problem) from None
    click.echo(f"needs: {', '.join(n.target for n in needs) or 'nothing the graph names'}")
    if decision.waiting:
        click.echo(f"{ticket}: held, {decision.reason}")
        return
    where = decision.agent or f"queue {decision.group}"
    click.echo(f"{ticket} -> {where} at step {decision.step} ({STEPS[decision.step]}) "
               f"by {decision.policy}")  # fmt: skip
    for c in decision.candidates:
        terms = ", ".join(f"{k} {v:.3g}" for k, v in sorted(c.terms.items()))
        click.echo(f"  {c.agent}: score {c.score:.3f} ({terms})")


@routing_group.command("report")
@click.option("--days", default=14.0, show_default=True, type=click.FloatRange(min=0.0),
              help="Tickets resolved in the last DAYS.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def routing_report(ctx: click.Context, days: float, as_json: bool) -> None:
    """AHT and FCR per policy (the A/B pair's, or every policy seen), with tests."""
    import time

    from api.cli import opened_store
    from resolvers.routing.ab import report

    settings = settings_of(ctx)
    pair = settings.routing_config().ab
    since = int((time.time() - days * 86_400) * 1000)
    with opened_store(settings, reading=True) as store:
        found = report(store, since, pair)
    if as_json:
        click.echo(json.dumps({
            "policies": {a.policy: {"tickets": a.tickets, "aht": a.aht, "aht_ci": list(a.aht_ci),
                                    "fcr": a.fcr, "fcr_ci": list(a.fcr_ci)} for a in found.arms},
            "aht_p": found.aht_p, "fcr_p": found.fcr_p}, indent=2))  # fmt: skip
        return
    for a in found.arms:
        click.echo(f"{a.policy:<13} {a.tickets:>6} tickets  AHT {a.aht:8.1f} s "
                   f"[{a.aht_ci[0]:.1f}, {a.aht_ci[1]:.1f}]  FCR {a.fcr:.3f} "
                   f"[{a.fcr_ci[0]:.3f}, {a.fcr_ci[1]:.3f}]")  # fmt: skip
    if found.aht_p is not None and found.fcr_p is not None:
        click.echo(f"difference: AHT p = {found.aht_p:.3g} (Welch), FCR p = {found.fcr_p:.3g} "
                   "(Fisher)")  # fmt: skip
    else:
        click.echo("no test of a difference: it needs two policies with 2 tickets or more each")


@routing_group.command("simulate")
@click.option("--seeds", type=click.IntRange(1, 100), default=3, show_default=True,
              help="Seeds per policy (95% intervals over them).")  # fmt: skip
@click.option("--days", type=click.FloatRange(0.05, 28.0), default=1.0, show_default=True,
              help="Simulated days per run, from the log's first day (a Monday).")  # fmt: skip
@click.option("--json", "json_out", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write the results as JSON here (else print them).")  # fmt: skip
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The callcenter data folder (default: ../shared/data/callcenter beside "
                   "the project).")  # fmt: skip
@click.option("--sensitivity-seeds", type=click.IntRange(0, 20), default=0, show_default=True,
              help="Seeds per cell of the sensitivity table (0: no table).")  # fmt: skip
@click.option("--policy", "policies", multiple=True,
              type=click.Choice([*POLICIES, "old"]),
              help="Policies to compare (repeatable; default all five).")  # fmt: skip
def simulate(seeds: int, days: float, json_out: Path | None, data: Path | None,
             sensitivity_seeds: int, policies: tuple[str, ...]) -> None:  # fmt: skip
    """Compare the routing policies in a call centre simulated from real logs.

    Runs on a scratch embedded graph in a temporary directory (never the
    configured data directory); exit 1 with the file named when the data is
    missing or malformed.
    """
    from resolvers.routing.simulation.experiment import DEFAULT_DATA, experiment, read_sources
    from resolvers.routing.simulation.logs import SimulationDataError
    from resolvers.routing.simulation.model import POLICIES as SIM_POLICIES
    from resolvers.routing.simulation.world import Assumptions

    try:
        sources = read_sources(data or DEFAULT_DATA)
    except SimulationDataError as exc:
        raise click.ClickException(str(exc)) from None
    result = experiment(
        sources, Assumptions(), seeds, days, policies=policies or SIM_POLICIES,
        sensitivity_seeds=sensitivity_seeds, sensitivity_days=min(days, 1.0),
        progress=lambda line: click.echo(line, err=True),
    )  # fmt: skip
    text = json.dumps(result, indent=2, sort_keys=True)
    if json_out is None:
        click.echo(text)
        return
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(text + "\n", encoding="utf-8")
    for name, p in result["policies"].items():
        click.echo(f"{name}: AHT {p['aht']:.0f} s, FCR {p['fcr']:.3f}, ASA {p['asa']:.0f} s, "
                   f"abandonment {p['abandonment']:.3f}")  # fmt: skip
    click.echo(f"wrote {json_out}")

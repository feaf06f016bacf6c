"""``graphdesk audit verify``, ``audit show`` and ``audit prune``: the audit trail
(``resolvers/audit.py``) from the command line, for the audit administrator.

``verify`` walks the whole chain and exits 1 naming the first record that was
edited, deleted or reordered; ``show`` prints the newest records and the
head hash (keep it outside the graph to notice a rewritten tail); ``prune``
deletes the chain's start past the retention period, recorded as its own
record (serving processes also do this once a day).
"""

from __future__ import annotations

import getpass

import click

from api.cli_context import settings_of
from graph.store import Store
from resolvers import audit


def cli_event(operation: str, target: str, result: str, kind: str = "admin") -> audit.Event:
    """An event done on this machine's command line, by its user."""
    return audit.Event(kind, operation, getpass.getuser(), "cli", target, result, "local")


def record_cli(store: Store, operation: str, target: str, result: str) -> None:
    try:
        audit.record(store, cli_event(operation, target, result))
    except Exception as exc:
        raise click.ClickException(f"cannot write the audit record of {operation}: {exc}") from None


@click.group("audit")
def audit_group() -> None:
    """The audit trail: verify the chain, show recent records, prune."""


@audit_group.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check the whole chain; exit 1 naming the first bad record."""
    from api.cli import opened_store

    with opened_store(settings_of(ctx), reading=True) as store:
        count, problem = audit.verify(store)
    if problem is not None:
        click.echo(f"audit trail BROKEN after {count - 1} good records: {problem}", err=True)
        ctx.exit(1)
    click.echo(f"audit trail intact: {count} records")


@audit_group.command("show")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000),
              help="How many of the newest records.")  # fmt: skip
@click.pass_context
def audit_show(ctx: click.Context, limit: int) -> None:
    """Print the newest records, newest first, and the head hash."""
    from api.cli import opened_store

    with opened_store(settings_of(ctx), reading=True) as store:
        rows = audit.recent(store, limit)
    for r in rows:
        who = f"{r.get('subject') or '-'} ({r.get('role') or '-'})"
        where = f"{r.get('client') or '-'} {r.get('request_id') or '-'}"
        click.echo(
            f"{r.get('seq'):>6} {r.get('time')} {r.get('operation'):<14} {who} "
            f"-> {r.get('target') or '-'}: {r.get('result')}  [{where}]"
        )
    if rows:
        click.echo(f"head: audit:{rows[0].get('seq')} {rows[0].get('hash')}")
    else:
        click.echo("the audit trail is empty")


@audit_group.command("prune")
@click.pass_context
def audit_prune(ctx: click.Context) -> None:
    """Delete records older than GRAPHDESK_AUDIT_RETENTION_DAYS from the chain's start."""
    from api.cli import opened_store

    settings = settings_of(ctx)
    with opened_store(settings) as store:
        deleted = audit.prune(store, settings.audit_retention_days)
    click.echo(f"pruned {deleted} records older than {settings.audit_retention_days} days")

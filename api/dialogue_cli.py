"""``graphdesk dialogue replay FILE.jsonl [--json OUT]``: written conversations
played through the desk on the current graph (``resolvers/conversation/replay.py``).

Prints one line per conversation (where it escalated and why); ``--json``
writes the issue's replay format, which ``bench/dialogue_score.py`` scores.
A conversation that fails (an attachment that cannot be read) is reported
and the others still play; the exit code is then 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from api import data_keys
from api.cli_context import settings_of
from api.settings import ConfigError


@click.group("dialogue")
def dialogue_group() -> None:
    """Conversations from files: replay them through the desk."""


@dialogue_group.command("replay")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the replay as JSON to OUT.")  # fmt: skip
@click.pass_context
def replay(ctx: click.Context, path: Path, out: Path | None) -> None:
    """Play each conversation of PATH as its customer would; print where it escalated."""
    from api.app import build_answerer, build_desk
    from api.cli import opened_store
    from resolvers.conversation.history import ConversationError
    from resolvers.conversation.replay import ReplayError, play, read

    try:
        scripts = read(path)
    except ReplayError as exc:
        raise click.ClickException(str(exc)) from None
    settings = settings_of(ctx)
    try:
        sealer = data_keys.sealer(settings)  # the turns' clear text is sealed with it
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    played, failed = [], 0
    with opened_store(settings) as store:
        desk = build_desk(store, build_answerer(store, settings), settings, sealer)
        for script in scripts:
            try:
                result = play(desk, script)
            except ConversationError as exc:
                failed += 1
                click.echo(f"FAILED {script.id}: {exc.problem}", err=True)
                continue
            played.append(result)
            at = result["escalated_at"]
            click.echo(f"{script.id}: " + (f"escalated after turn {at} ({result['rule']})"
                                             if at is not None else "not escalated"))  # fmt: skip
    if out is not None:
        out.write_text(json.dumps({"conversations": played}, ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")  # fmt: skip
    click.echo(f"replayed {len(played)} conversations, {failed} failed")
    if failed:
        ctx.exit(1)

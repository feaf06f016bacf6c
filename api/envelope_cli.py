"""``graphdesk envelope keygen | key | call``: the SM envelope from the command line.

``keygen --out FILE`` writes a new SM2 key pair for a server (mode 0600,
never over an existing file) and prints its key id; point
``GRAPHDESK_ENVELOPE_KEY_FILE`` at it. ``key`` prints the configured
server's key id and public key, for clients to pin (what ``GET
/envelope/key`` serves). ``call URL`` sends one GraphQL operation sealed
(``api/envelope_client.py``) and prints the opened answer: exit 1 when the
server refused it or the answer carries errors. ``--file PATH=FILE`` (again
for more) sends files with it, a multipart request in a version 2 envelope:
``--file variables.files.0=shot.png``.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import click

from api.envelope import EnvelopeError
from api.envelope_key import server_key, write_new
from api.settings import ConfigError, Settings


@click.group("envelope")
def envelope_group() -> None:
    """The SM envelope: the server's SM2 key, and sealed calls."""


@envelope_group.command("keygen")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The key file to create (refused when it exists).")  # fmt: skip
def keygen(out: Path) -> None:
    """Write a new SM2 key pair for GRAPHDESK_ENVELOPE_KEY_FILE; print its key id."""
    try:
        key = write_new(out.expanduser())
    except FileExistsError:
        raise click.ClickException(f"{out} exists; a key file is never overwritten") from None
    except OSError as exc:
        raise click.ClickException(f"cannot create {out}: {exc.strerror}") from None
    click.echo(f"wrote {out} (0600); set GRAPHDESK_ENVELOPE_KEY_FILE={out}", err=True)
    click.echo(f"kid {key.kid}")


@envelope_group.command("key")
@click.option("--json", "as_json", is_flag=True, help="Print {kid, public_key} as JSON.")
@click.pass_context
def show_key(ctx: click.Context, as_json: bool) -> None:
    """Print the configured server key's id and public key (hex), for clients to pin."""
    settings = ctx.find_object(Settings)
    assert settings is not None, "the graphdesk group loads the settings"
    try:
        key = server_key(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"kid": key.kid, "public_key": key.public.hex()}))
    else:
        click.echo(f"kid        {key.kid}\npublic key {key.public.hex()}")


def _variables(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"is not JSON ({exc})", param_hint="--variables") from None
    if not isinstance(value, dict):
        raise click.BadParameter("must be a JSON object", param_hint="--variables")
    return value


def _files(specs: tuple[str, ...]) -> dict[str, tuple[str, bytes, str]] | None:
    out: dict[str, tuple[str, bytes, str]] = {}
    for spec in specs:
        path, eq, name = spec.partition("=")
        if not eq or not path.strip() or not name.strip():
            raise click.BadParameter(f"{spec!r} is not PATH=FILE (e.g. variables.files.0="
                                     "shot.png)", param_hint="--file")  # fmt: skip
        file = Path(name).expanduser()
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise click.BadParameter(f"{name}: {exc.strerror}", param_hint="--file") from None
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        out[path.strip()] = (file.name, data, kind)
    return out or None


@envelope_group.command("call")
@click.argument("url")
@click.option("--query", "-q", required=True, help="The GraphQL operation.")
@click.option("--variables", help="Its variables, a JSON object.")
@click.option("--token", envvar="GRAPHDESK_TOKEN", help="Bearer token (or GRAPHDESK_TOKEN).")
@click.option("--kid", help="The key id the server must have (from `graphdesk envelope key`).")
@click.option(
    "--file",
    "files",
    multiple=True,
    metavar="PATH=FILE",
    help="A file for the variable at PATH (variables.files.0); repeat for more.",
)
def call(
    url: str,
    query: str,
    variables: str | None,
    token: str | None,
    kid: str | None,
    files: tuple[str, ...],
) -> None:
    """Send one operation sealed to the server at URL (e.g. https://host:8443); print the answer."""
    import httpx

    from api.envelope_client import EnvelopeClient

    uploads = _files(files)
    client = EnvelopeClient(url, token, kid=kid)
    try:
        reply = client.execute(query, _variables(variables), files=uploads)
    except ValueError as exc:  # a file path that names no variable
        raise click.BadParameter(str(exc), param_hint="--file") from None
    except EnvelopeError as exc:
        raise click.ClickException(exc.message) from None
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{url}: {exc}") from None
    finally:
        client.close()
    click.echo(json.dumps(reply.body, ensure_ascii=False, indent=2))
    if reply.status >= 400 or (isinstance(reply.body, dict) and reply.body.get("errors")):
        state = "sealed" if reply.sealed else "plain"
        raise click.ClickException(f"the server answered {reply.status} ({state}) with errors")

"""``graphdesk token create`` and ``graphdesk token revoke``: API tokens from the command line.

Issuing a token needs the signing secret (``api/signing_key.py``), so only
who holds the server's configuration issues them: the security
administrator's task, kept away from the API (an ``admin`` token can revoke
tokens through the ``revokeToken`` mutation but never issue one, so no
account can grant itself a role). ``create`` prints what it issued, then the
token alone on the last line (``graphdesk token create ... | tail -n1``);
``revoke`` takes the token itself or its id and records the revocation in
the graph, where every server of it sees it at once.
"""

from __future__ import annotations

import getpass
import time

import click

from api.settings import ConfigError, Settings
from api.signing_key import token_key
from api.tokens import InvalidToken, issue, parse_ttl, unverified_claims
from resolvers.identity import Role
from resolvers.revocation import TOKEN_ID, revoke

# Roles whose subject is a node of the graph: without it the token reads nothing.
SUBJECT_NEEDED = {Role.CUSTOMER: "customer:<hash>", Role.AGENT: "agent:<hash>"}
DEFAULT_TTL = "24h"


def _key(settings: Settings) -> bytes:
    try:
        return token_key(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _when(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(seconds))


@click.group()
def token() -> None:
    """API tokens: issue and revoke (signed with HMAC-SM3, expiring)."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]),
              help="What the token may do (see the README's roles table).")  # fmt: skip
@click.option("--subject",
              help="Whom it is for: a customer's or agent's id in the graph (required for "
                   "those roles), else a name for the logs (default: your user name).")  # fmt: skip
@click.option("--ttl", default=DEFAULT_TTL, show_default=True, metavar="DURATION",
              help="Lifetime: 30m, 12h, 7d, 2w or seconds (at most 366 days).")  # fmt: skip
@click.pass_context
def token_create(ctx: click.Context, role: str, subject: str | None, ttl: str) -> None:
    """Issue a token; it is printed alone on the last line."""
    settings = ctx.find_object(Settings)
    assert settings is not None, "the graphdesk group loads the settings"
    chosen = Role(role)
    if subject is None:
        if chosen in SUBJECT_NEEDED:
            raise click.BadParameter(
                f"a {chosen} token needs the {chosen}'s id in the graph "
                f"({SUBJECT_NEEDED[chosen]}, as tickets show it)",
                param_hint="--subject",
            )
        subject = getpass.getuser()
    try:
        seconds = parse_ttl(ttl)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--ttl") from None
    try:
        text, claims = issue(_key(settings), chosen, subject, seconds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--subject") from None
    # Recorded before it is shown: a token the audit trail does not know is never printed.
    from api.audit_cli import record_cli
    from api.cli import opened_store, writing

    with writing(settings), opened_store(settings) as store:
        record_cli(store, "token.create", claims.token_id, f"role {claims.role}, "
                   f"subject {claims.subject}, expires {claims.expires_at}")  # fmt: skip
    click.echo(f"role {claims.role}, subject {claims.subject}, id {claims.token_id}", err=True)
    click.echo(f"expires {_when(claims.expires_at)}", err=True)
    click.echo(text)


@token.command("revoke")
@click.argument("token_or_id")
@click.pass_context
def token_revoke(ctx: click.Context, token_or_id: str) -> None:
    """Revoke TOKEN_OR_ID (a token or its 32-character id) for every server of the graph."""
    from api.cli import opened_store, writing

    settings = ctx.find_object(Settings)
    assert settings is not None, "the graphdesk group loads the settings"
    text = token_or_id.strip()
    expires: int | None = None
    if TOKEN_ID.fullmatch(text.lower()):
        token_id = text.lower()
    else:
        try:
            claims = unverified_claims(text)
        except InvalidToken:
            raise click.BadParameter(
                "is neither a graphdesk token nor a token id (32 hexadecimal characters)",
                param_hint="TOKEN_OR_ID",
            ) from None
        token_id, expires = claims.token_id, claims.expires_at
    from api.audit_cli import record_cli

    with writing(settings), opened_store(settings) as store:
        new = revoke(store, token_id, expires)
        record_cli(store, "token.revoke", token_id, "revoked" if new else "already")
    click.echo(f"token {token_id} {'revoked' if new else 'was revoked already'}")


DEV_TTL = 12 * 3600


def development_tokens(settings: Settings, subjects: dict[Role, str]) -> list[str]:
    """Lines with one token per role, for ``serve`` in development to print at start.

    ``subjects``: a customer and an agent of the graph, where it has them, so
    their tokens read tickets; other roles are issued to ``development``.
    """
    key = _key(settings)
    lines = [
        f"development tokens (valid {DEV_TTL // 3600} h; send 'Authorization: Bearer <token>'):"
    ]
    for role in Role:
        subject = subjects.get(role) or (
            f"{role}:development" if role in SUBJECT_NEEDED else "development"
        )
        text, _ = issue(key, role, subject, DEV_TTL)
        lines.append(
            f"  {role.value:<9} {text}" + (f"  ({subject})" if role in SUBJECT_NEEDED else "")
        )
    return lines

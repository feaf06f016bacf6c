"""``graphdesk keys init``, ``keys status`` and ``keys rotate``: the keys that
seal personal data (``extractors/text/crypto/keys.py``), for the security administrator.

``init --file PATH`` writes a new key file (0600; never over an existing
one). ``status`` says where the ring comes from, its versions, and how many
sealed values each key version holds per label (exit 1 when some are under
a version the ring no longer has: they cannot be opened). ``rotate`` makes
a new version current and re-seals every value under it
(``extractors/text/crypto/rotation.py``); it holds the data directory's write lock, is
recorded in the audit trail as an admin action, and resumes an interrupted
rotation instead of starting another. Running servers follow the key file
(``extractors/text/crypto/following.py``): the rotation waits a few seconds
after writing the new version, so they seal under it before anything is
re-sealed. With keys from ``GRAPHDESK_DATA_KEYS``
it cannot add a version: add one there (``N:HEX``) and run ``rotate`` to
re-seal under it.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from api.audit_cli import record_cli
from api.cli_context import settings_of
from api.data_keys import key_source
from api.settings import ConfigError, Settings
from extractors.text.crypto.following import TAKE_UP_SECONDS
from extractors.text.crypto.keys import KeyConfigError, KeySource, create_key_file, write_key_file
from extractors.text.crypto.rotation import census, reseal_all
from extractors.text.crypto.sealer import Sealer


def _source(settings: Settings) -> KeySource:
    try:
        return key_source(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def keys() -> None:
    """Keys that seal personal data (SM4-GCM) and key its lookups (HMAC-SM3)."""


@keys.command("init")
@click.option("--file", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the new key file (mode 0600).")  # fmt: skip
def keys_init(path: Path) -> None:
    """Write a new key file; point GRAPHDESK_DATA_KEY_FILE at it."""
    try:
        ring = create_key_file(path.expanduser())
    except (KeyConfigError, OSError) as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    click.echo(f"wrote {path} (key version {ring.current}); set GRAPHDESK_DATA_KEY_FILE={path}")


@keys.command("status")
@click.pass_context
def keys_status(ctx: click.Context) -> None:
    """Versions of the ring and sealed values per label and version."""
    from api.cli import opened_store

    settings = settings_of(ctx)
    source = _source(settings)
    ring = source.ring
    with opened_store(settings, reading=True) as store:
        found = census(store)
    state = " (a rotation is unfinished: run `graphdesk keys rotate`)" if ring.rotating else ""
    click.echo(f"keys from {source.what}{state}")
    click.echo(f"current version {ring.current}; versions {sorted(ring.versions)}")
    for label, by in sorted(found.values.items()):
        shown = ", ".join(f"v{v}: {n}" for v, n in sorted(by.items()))
        click.echo(f"  {label}: {shown}")
    click.echo(f"{found.nodes} nodes with sealed values")
    lost = sorted(found.versions() - set(ring.versions))
    if lost or found.unreadable:
        click.echo(
            f"{found.unreadable} values are not sealed values; values under versions {lost} "
            "cannot be opened: the ring no longer has those versions",
            err=True,
        )
        ctx.exit(1)


@keys.command("rotate")
@click.option("--no-wait", is_flag=True,
              help="Refuse at once when another process writes the data directory.")  # fmt: skip
@click.pass_context
def keys_rotate(ctx: click.Context, no_wait: bool) -> None:
    """A new key version, every sealed value re-sealed under it, then the old ones dropped."""
    from api.cli import opened_store, writing

    settings = settings_of(ctx)
    with writing(settings, no_wait), opened_store(settings) as store:
        source = _source(settings)  # read under the lock: another rotation may have run
        ring = source.ring
        if source.file is not None and not ring.rotating:
            ring = ring.with_new_version()
            write_key_file(source.file, ring)  # before any value is sealed under it
            click.echo(f"new key version {ring.current} in {source.file}; waiting "
                       f"{TAKE_UP_SECONDS:g} s for running servers to seal under it")  # fmt: skip
            time.sleep(TAKE_UP_SECONDS)
        elif ring.rotating:
            click.echo(f"resuming the rotation to key version {ring.current}")
        else:
            click.echo(f"re-sealing under version {ring.current}, the newest in {source.what}")

        def progress(changed: int) -> None:
            if changed:
                click.echo(f"  re-sealed {changed} nodes", err=True)

        try:
            changed = reseal_all(store, Sealer(ring), on_page=progress)
        except Exception as exc:
            record_cli(store, "keys.rotate", f"version {ring.current}", f"failed: {exc}")
            raise click.ClickException(
                f"rotation to version {ring.current} stopped ({exc}); every value is readable "
                "under the old version or the new; run `graphdesk keys rotate` again to resume"
            ) from None
        left = census(store).under_other_than(ring.current)
        if left:
            raise click.ClickException(f"{left} values are still under other versions")
        dropped = sorted(set(ring.versions) - {ring.current})
        if source.file is not None:
            write_key_file(source.file, ring.finished())
        record_cli(
            store, "keys.rotate", f"version {ring.current}",
            f"ok: {changed} nodes re-sealed, versions {dropped} dropped",
        )  # fmt: skip
    click.echo(f"rotated to key version {ring.current}: {changed} nodes re-sealed")
    if dropped and source.file is None:
        click.echo(f"versions {dropped} are no longer used: remove them from GRAPHDESK_DATA_KEYS")
    elif dropped:
        click.echo(f"versions {dropped} dropped from {source.file}; running servers and "
                   "watchers follow the file within a second")  # fmt: skip

"""What every ``graphdesk`` subcommand reads from its click context."""

from __future__ import annotations

import click

from api.settings import Settings


def settings_of(ctx: click.Context) -> Settings:
    """The settings the ``graphdesk`` group loaded (``--data-dir`` applied)."""
    settings = ctx.find_object(Settings)
    assert settings is not None, "the graphdesk group loads the settings"
    return settings

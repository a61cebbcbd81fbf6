"""``greenprocure factors``: list, show and search the cited reference data."""

from __future__ import annotations

import typer

from greenprocure.i18n import gettext as _

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``factors`` command group to ``app``."""
    group = typer.Typer(
        help=_("Cited reference data: emission factors, GWP, prices, rates."), no_args_is_help=True
    )
    app.add_typer(group, name="factors")

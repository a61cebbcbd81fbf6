"""Translate the fixed strings of Typer's help screens (panel titles, the help option).

Typer takes these strings from module constants and from ``gettext.gettext`` at import time,
so they are set here, from our catalogs, each time the application is built.
"""

from __future__ import annotations

from typing import Any

import typer.core
import typer.rich_utils
from typer._click import core as click_core

from greenprocure.i18n import N_, gettext

__all__ = ["install"]

_CONSTANTS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
_HELP_TEXT = N_("Show this message and exit.")
_original_get_help_option = click_core.Command.get_help_option


def _get_help_option(self: Any, ctx: Any) -> Any:
    option = _original_get_help_option(self, ctx)
    if option is not None:
        option.help = gettext(_HELP_TEXT)
    return option


def install() -> None:
    """Set Typer's fixed help strings to the current language."""
    for name, message in _CONSTANTS.items():
        setattr(typer.rich_utils, name, gettext(message))
    typer.core._ = gettext  # type: ignore[attr-defined]
    typer.rich_utils._ = gettext  # type: ignore[attr-defined]
    click_core.Command.get_help_option = _get_help_option  # type: ignore[method-assign]

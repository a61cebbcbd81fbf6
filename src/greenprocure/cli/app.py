"""The Typer application.

The language is chosen before the application is built (``--lang`` anywhere on the command
line, else ``LC_ALL``/``LC_MESSAGES``/``LANG``), so that help texts, table headers and
errors are all in that language. ``--lang`` is taken out of the arguments before Typer sees
them, which lets it follow any command (``greenprocure factors list --lang ko``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import typer

from greenprocure import __version__
from greenprocure.cli import help_i18n
from greenprocure.errors import UnsupportedLanguageError
from greenprocure.i18n import colon, detect_language, set_language
from greenprocure.i18n import gettext as _

__all__ = ["GROUPS", "build_app", "main", "split_language"]


def split_language(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """Take ``--lang X`` / ``--lang=X`` out of the arguments; return it and the rest."""
    lang: str | None = None
    rest: list[str] = []
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        if item == "--":
            rest.extend(items[index:])
            break
        if item == "--lang" and index + 1 < len(items):
            lang = items[index + 1]
            index += 2
            continue
        if item.startswith("--lang="):
            lang = item.split("=", 1)[1]
            index += 1
            continue
        rest.append(item)
        index += 1
    return lang, rest


def _version(value: bool) -> None:
    if value:
        typer.echo(f"greenprocure {__version__}")
        raise typer.Exit()


#: The command groups, each a module of this package with a ``register(app)`` function.
GROUPS: tuple[str, ...] = ("factors", "monitor", "evaluate", "impact")


def build_app(only: str | None = None) -> typer.Typer:
    """Build the application in the language in force.

    With ``only`` (a name of :data:`GROUPS`), only that command group is registered: the
    command line names it, and the other groups' imports (the evaluation and impact
    packages load pint) are not paid for. Help on the whole application needs them all.
    """
    help_i18n.install()
    app = typer.Typer(
        name="greenprocure",
        help=_(
            "GreenProcure: green public procurement criteria, life-cycle costing and award, "
            "impact quantification and monitoring."
        ),
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        version: bool = typer.Option(
            False,
            "--version",
            callback=_version,
            is_eager=True,
            help=_("Show the version and exit."),
        ),
        lang: str = typer.Option(
            "",
            "--lang",
            help=_(
                "Language of messages, tables and reports: en, zh, ko or ja "
                "(default: from LC_ALL, LC_MESSAGES or LANG). May follow any command."
            ),
        ),
    ) -> None:
        """Root options."""

    for name in (only,) if only in GROUPS else GROUPS:
        importlib.import_module(f"greenprocure.cli.{name}").register(app)
    return app


def _group_named(args: Sequence[str]) -> str | None:
    """The command group the arguments name (their first word that is not an option)."""
    for arg in args:
        if not arg.startswith("-"):
            return arg if arg in GROUPS else None
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: ``greenprocure``."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang, rest = split_language(args)
    try:
        set_language(lang) if lang else set_language(detect_language())
    except UnsupportedLanguageError as error:
        # said in the environment's language (English when that is not one of ours either)
        set_language(detect_language())
        typer.echo(f"{_('Error')}{colon()}{error.localized()}", err=True)
        raise SystemExit(2) from error
    if rest and rest[-1] == "--lang" and "--" not in rest:
        # a --lang with no value after any command: the root option says that it needs one
        # (left to the command, it would be an option the command does not know)
        rest = ["--lang"]
    app = build_app(_group_named(rest))
    app(args=rest, prog_name="greenprocure")


if __name__ == "__main__":
    main()

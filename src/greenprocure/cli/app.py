"""The Typer application.

The language is chosen before the application is built (``--lang`` anywhere on the command
line, else ``LC_ALL``/``LC_MESSAGES``/``LANG``), so that help texts, table headers and
errors are all in that language. ``--lang`` is taken out of the arguments before Typer sees
them, which lets it follow any command (``greenprocure factors list --lang ko``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from greenprocure import __version__
from greenprocure.cli import help_i18n
from greenprocure.errors import UnsupportedLanguageError
from greenprocure.i18n import detect_language, set_language
from greenprocure.i18n import gettext as _

__all__ = ["build_app", "main", "split_language"]


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


def build_app() -> typer.Typer:
    """Build the application in the language in force."""
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

    from greenprocure.cli import evaluate, factors, impact, monitor

    for group in (factors, monitor, evaluate, impact):
        group.register(app)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: ``greenprocure``."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang, rest = split_language(args)
    try:
        set_language(lang) if lang else set_language(detect_language())
    except UnsupportedLanguageError as error:
        typer.echo(f"Error: {error}", err=True)
        raise SystemExit(2) from error
    app = build_app()
    app(args=rest, prog_name="greenprocure")


if __name__ == "__main__":
    main()

"""Translate the fixed strings of Typer's help screens (panel titles, the help option, the
usage line's prefix) and Click's messages about a wrong command line (by their patterns).

Typer takes these strings from module constants of ``typer.rich_utils`` and from
``gettext.gettext``, so they are set here, from our catalogs, each time the application is
built. ``typer.rich_utils`` loads rich's Markdown and traceback machinery (about a tenth of
a second), and Typer imports it only to show help or an error; so it is not imported here:
when it is not loaded yet, its strings are set right after Typer loads it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import re
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import typer.core
from typer import exceptions as typer_exceptions
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting

from greenprocure.i18n import N_, gettext

__all__ = ["install"]

_RICH_UTILS = "typer.rich_utils"
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
_USAGE = N_("Usage:")
_original_get_help_option = click_core.Command.get_help_option
_original_write_usage = click_formatting.HelpFormatter.write_usage


def _get_help_option(self: Any, ctx: Any) -> Any:
    option = _original_get_help_option(self, ctx)
    if option is not None:
        option.help = gettext(_HELP_TEXT)
    return option


def _write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
    # Click writes "Usage: " unless told otherwise
    _original_write_usage(self, prog, args, _usage_prefix() if prefix is None else prefix)


def _usage_prefix() -> str:
    """ "Usage: " in the current language (no space after a full-width colon)."""
    usage = gettext(_USAGE)
    return usage if usage.endswith("：") else usage + " "


def _folding(make: Any) -> Any:
    """A maker of help text of Typer's, whose text breaks a word too long for its column
    where the column ends instead of cutting it off with "…": Chinese and Japanese are
    written without spaces, so a whole sentence is one such word."""
    if getattr(make, "_folds", False):
        return make

    def make_text(*args: Any, **kwargs: Any) -> Any:
        made = make(*args, **kwargs)
        # a text, or columns of texts (an option's help, its default, "required")
        for text in getattr(made, "renderables", [made]):
            if hasattr(text, "overflow"):
                text.overflow = "fold"
        return made

    make_text._folds = True  # type: ignore[attr-defined]
    return make_text


#: Click's messages about the command line (English, made in its code), as patterns of
#: their text, and the same message in our catalogs. ``rest``: more text Click adds, kept.
_CLICK_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)"),
        N_("No such option: {name} (possible options: {options})"),
    ),
    (re.compile(r"No such option: (?P<name>\S+)"), N_("No such option: {name}")),
    (
        re.compile(r"No such command (?P<name>'[^']*')\. Did you mean (?P<suggestions>.+)\?"),
        N_("No such command {name}. Did you mean {suggestions}?"),
    ),
    (re.compile(r"No such command (?P<name>.+)\."), N_("No such command {name}.")),
    (
        re.compile(r"Missing argument (?P<name>'[^']*'(?: / '[^']*')*)\.(?P<rest>.*)"),
        N_("Missing argument {name}."),
    ),
    (
        re.compile(r"Missing option (?P<name>'[^']*'(?: / '[^']*')*)\.(?P<rest>.*)"),
        N_("Missing option {name}."),
    ),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<arguments>.*)\)"),
        N_("Unexpected extra arguments: {arguments}"),
    ),
    (
        re.compile(
            r"Option (?P<name>'[^']*'(?: / '[^']*')*) requires (?:an argument|\d+ arguments)\."
        ),
        N_("Option {name} needs a value."),
    ),
    (
        re.compile(
            r"Invalid value for (?P<name>'[^']*'(?: / '[^']*')*): (?P<reason>.*)", re.DOTALL
        ),
        N_("Invalid value for {name}: {reason}"),
    ),
)

#: Why a value is refused (Typer's choices, pydantic's checks of numbers).
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?:Value error, )?(?P<value>'[^']*') is not one of (?P<choices>.+?)\.?"),
        N_("{value} is not one of {choices}."),
    ),
    (re.compile(r"Input should be a valid integer.*"), N_("not a whole number")),
    (re.compile(r"Input should be a valid number.*"), N_("not a number")),
    (re.compile(r"Input should be a valid boolean.*"), N_("not true or false")),
    (
        re.compile(r"Input should be greater than or equal to (?P<limit>\S+)"),
        N_("must be at least {limit}"),
    ),
    (
        re.compile(r"Input should be less than or equal to (?P<limit>\S+)"),
        N_("must be at most {limit}"),
    ),
    (re.compile(r"Input should be greater than (?P<limit>\S+)"), N_("must be more than {limit}")),
    (re.compile(r"Input should be less than (?P<limit>\S+)"), N_("must be less than {limit}")),
)


def _translated(text: str, patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, message in patterns:
        found = pattern.fullmatch(text)
        if found is not None:
            parts = found.groupdict()
            rest = parts.pop("rest", None) or ""
            if "reason" in parts:
                parts["reason"] = _translated(parts["reason"], _REASONS) or parts["reason"]
            return gettext(message).format(**parts) + rest
    return None


def click_message(text: str) -> str:
    """Click's English ``text`` about the command line in the current language (as it is
    when no pattern knows it)."""
    return _translated(text, _CLICK_MESSAGES) or text


def _translating(format_message: Any) -> Any:
    if getattr(format_message, "_translates", False):
        return format_message

    def translated_message(self: Any) -> str:
        return click_message(format_message(self))

    translated_message._translates = True  # type: ignore[attr-defined]
    return translated_message


def _translate_click_errors() -> None:
    """Every ``format_message`` of Click's exceptions gives its message translated."""
    classes: list[Any] = [
        value
        for module in (click_exceptions, typer_exceptions)
        for value in vars(module).values()
        if isinstance(value, type) and "format_message" in vars(value)
    ]
    for cls in classes:
        cls.format_message = _translating(vars(cls)["format_message"])


def _translate_rich_utils(module: ModuleType) -> None:
    for name, message in _CONSTANTS.items():
        setattr(module, name, gettext(message))
    module._ = gettext  # type: ignore[attr-defined]
    for name in ("_make_rich_text", "_get_parameter_help"):
        maker = getattr(module, name, None)
        if maker is not None:
            setattr(module, name, _folding(maker))
    # the usage line's prefix is styled by a pattern that names the English word
    highlighter = getattr(module, "OptionHighlighter", None)
    if highlighter is not None:
        usage = rf"(?P<usage>{re.escape(_usage_prefix())})"
        highlighter.highlights = [
            *(h for h in highlighter.highlights if "?P<usage>" not in h),
            usage,
        ]


class _AfterLoad(importlib.abc.Loader):
    """Runs the real loader of ``typer.rich_utils``, then translates its strings."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _translate_rich_utils(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_filename, get_resource_reader ... of the real loader
        return getattr(self._loader, name)


class _WatchRichUtils(importlib.abc.MetaPathFinder):
    """Finds ``typer.rich_utils`` with the other finders of ``sys.meta_path`` (import hooks
    placed after this one included) and wraps the loader they give.

    Other watchers (this module loaded again makes a new one) are skipped, and a finder
    that asks ``sys.meta_path`` in turn finds nothing here while this one is asking, so
    that the search cannot go round in circles."""

    _WATCHER_MARK = True

    def __init__(self) -> None:
        self._asking = threading.local()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _RICH_UTILS or getattr(self._asking, "on", False):
            return None
        self._asking.on = True
        try:
            for finder in sys.meta_path:
                find = getattr(finder, "find_spec", None)
                if find is None or getattr(finder, "_WATCHER_MARK", False):
                    continue
                spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target)
                if spec is not None:
                    if spec.loader is not None and not isinstance(spec.loader, _AfterLoad):
                        spec.loader = _AfterLoad(spec.loader)
                    return spec
            return None
        finally:
            self._asking.on = False


_WATCHER = _WatchRichUtils()


def install() -> None:
    """Set Typer's fixed help strings to the current language (those of
    ``typer.rich_utils`` when Typer loads it, if it has not yet)."""
    typer.core._ = gettext  # type: ignore[attr-defined]
    click_core.Command.get_help_option = _get_help_option  # type: ignore[method-assign]
    click_formatting.HelpFormatter.write_usage = _write_usage  # type: ignore[method-assign]
    _translate_click_errors()
    loaded = sys.modules.get(_RICH_UTILS)
    if loaded is not None:
        _translate_rich_utils(loaded)
    # also when loaded: importlib.reload finds the module again through sys.meta_path;
    # watchers of an earlier load of this module go (their strings would be stale)
    sys.meta_path[:] = [
        finder
        for finder in sys.meta_path
        if finder is _WATCHER or not getattr(finder, "_WATCHER_MARK", False)
    ]
    if _WATCHER not in sys.meta_path:
        sys.meta_path.insert(0, _WATCHER)

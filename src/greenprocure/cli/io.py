"""Shared command-line I/O: console, tables, JSON output, error display, output files.

Commands stay thin: they parse options, call one domain function and hand the result to
one of these helpers. Output is deterministic (sorted keys, fixed column order).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from greenprocure.errors import GreenProcureError, InputError
from greenprocure.i18n import gettext as _

__all__ = [
    "console",
    "dump_json",
    "error_console",
    "fail",
    "handles_errors",
    "print_json",
    "print_table",
    "write_output",
]

P = ParamSpec("P")
R = TypeVar("R")


class _Console(Console):
    """A console that never cuts a table when the output is not a terminal.

    On a terminal a table fits the window; redirected to a file, a pipe or a test it is
    printed at its natural width, whatever ``COLUMNS`` the process started with, so that
    output is complete and deterministic.
    """

    def print(self, *objects: Any, **options: Any) -> None:
        tables = [o for o in objects if isinstance(o, Table)]
        if tables and not self.is_terminal:
            measure = Console(width=100_000)
            width = max(40, *(measure.measure(t).maximum for t in tables))
            Console(file=self.file, width=width, soft_wrap=self.soft_wrap).print(
                *objects, **options
            )
            return
        super().print(*objects, **options)


console = _Console(soft_wrap=False)
error_console = _Console(stderr=True)


def dump_json(data: Any) -> bytes:
    """Deterministic, indented JSON (sorted keys, dates as ISO strings)."""
    return orjson.dumps(
        data,
        option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        default=_default,
    )


def _default(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Write JSON to standard output."""
    sys.stdout.buffer.write(dump_json(data) + b"\n")
    sys.stdout.flush()


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    justify: Sequence[str] | None = None,
) -> None:
    """A rich table; ``justify`` per column ("left", "right")."""
    table = Table(title=title, show_lines=False)
    for index, column in enumerate(columns):
        align = justify[index] if justify and index < len(justify) else "left"
        table.add_column(column, justify=align)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def write_output(path: Path, data: bytes | str) -> None:
    """Write a file atomically (temporary file, then rename): never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    if isinstance(data, str):
        temporary.write_text(data, encoding="utf-8")
    else:
        temporary.write_bytes(data)
    temporary.replace(path)
    error_console.print(_("Wrote {path}").format(path=path))


def fail(error: GreenProcureError) -> typer.Exit:
    """Print a translated error and return the exit to raise (code 2 for bad input)."""
    error_console.print(f"[bold red]{_('Error')}:[/bold red] {error.localized()}", highlight=False)
    return typer.Exit(code=2 if isinstance(error, InputError) else 1)


def handles_errors(function: Callable[P, R]) -> Callable[P, R]:
    """Turn a GreenProcureError into a translated message and a non-zero exit."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except GreenProcureError as error:
            raise fail(error) from error

    return wrapper

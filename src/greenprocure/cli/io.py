"""Shared command-line I/O: input files, console, tables, JSON output, errors, output files.

Commands stay thin: they parse options, call one domain function and hand the result to
one of these helpers. Output is deterministic (sorted keys, fixed column order).
"""

from __future__ import annotations

import contextlib
import errno
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from greenprocure.errors import GreenProcureError, InputError, ParseError
from greenprocure.i18n import N_, colon
from greenprocure.i18n import gettext as _

__all__ = [
    "console",
    "dump_json",
    "emit_json",
    "emit_result",
    "error_console",
    "fail",
    "handles_errors",
    "print_json",
    "print_table",
    "read_input",
    "read_input_text",
    "write_output",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _HasDict(Protocol):
    def to_dict(self) -> Any: ...


_Result = TypeVar("_Result", bound=_HasDict)


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


def emit_json(data: Any, output: Path | None = None) -> None:
    """JSON to standard output, or to ``output`` written atomically."""
    if output is None:
        print_json(data)
    else:
        write_output(output, dump_json(data) + b"\n")


def emit_result(
    result: _Result,
    output_format: str,
    output: Path | None,
    *,
    show: Callable[[_Result], None],
    render: Callable[[_Result, str], bytes | str],
    default_output: Path,
) -> None:
    """Hand a command's result to its ``--format``: ``table`` (``show``), ``json``, or a file.

    Any other format is ``render(result, output_format)`` written to ``output``, by default
    ``default_output``.
    """
    if output_format == "table":
        show(result)
    elif output_format == "json":
        emit_json(result.to_dict(), output)
    else:
        write_output(output or default_output, render(result, output_format))


def read_input(path: Path) -> bytes:
    """The bytes of an input file; a missing or unreadable one is an :class:`InputError`."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(N_("file not found"), file=str(path)) from exc
    except OSError as exc:  # a folder, no permission, a device error
        raise InputError(
            N_("cannot read the file: {reason}"), file=str(path), reason=exc.strerror or str(exc)
        ) from exc


def read_input_text(path: Path) -> str:
    """An input file as UTF-8 text (a byte-order mark is dropped)."""
    data = read_input(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            N_("the file is not UTF-8 text: {reason}"), file=str(path), reason=str(exc)
        ) from exc


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


def write_output(
    path: Path, data: bytes | str | Callable[[Callable[[bytes], object]], None]
) -> None:
    """Write a file atomically (temporary file, then rename): never half written.

    ``data`` is the content, or a function that writes it piece by piece through the
    function it is given (for outputs too large to hold in memory). A file that cannot be
    written (a folder of that name, no permission, disk full) is an :class:`InputError`
    naming it; the temporary file is removed.
    """
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            temporary.write_text(data, encoding="utf-8")
        elif isinstance(data, bytes):
            temporary.write_bytes(data)
        else:
            with temporary.open("wb") as handle:
                data(handle.write)
        temporary.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        # the part of the path refused, when it is not the file (a file where a folder of
        # the path must be: mkdir says it exists)
        refused = exc.filename if exc.filename not in (None, str(temporary)) else path
        reason = (
            _(_OS_REASONS[errno.ENOTDIR]) if isinstance(exc, FileExistsError) else os_reason(exc)
        )
        raise InputError(
            N_("cannot write the file: {reason}"),
            file=str(refused),
            field="output",
            reason=reason,
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
    error_console.print(_("Wrote {path}").format(path=path))


#: What the operating system's usual refusals mean, in words a user can act on (its own
#: messages are English).
_OS_REASONS = {
    errno.ENOTDIR: N_("a part of the path is a file, not a folder"),
    errno.EEXIST: N_("a file or folder of that name is in the way"),
    errno.EISDIR: N_("it is a folder"),
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EROFS: N_("the file system is read-only"),
}


def os_reason(error: OSError) -> str:
    """Why the operating system refused, translated where the refusal is a usual one."""
    message = _OS_REASONS.get(error.errno or 0)
    return _(message) if message else error.strerror or str(error)


def fail(error: GreenProcureError) -> typer.Exit:
    """Print a translated error and return the exit to raise (code 2 for bad input)."""
    label = f"{_('Error')}{colon()}"
    # the message names paths and values the user gave: not read as Rich markup
    error_console.print(f"[bold red]{label}[/bold red]{escape(_message(error))}", highlight=False)
    return typer.Exit(code=2 if isinstance(error, InputError) else 1)


def _message(error: GreenProcureError) -> str:
    """``error`` translated; an error about a value the command line gave (a field that
    is one of the running command's options, with no file or record) names the option,
    as the user typed it, instead of a field (``--by``, not "field by")."""
    option = _option_of(error)
    if option is None:
        return error.localized()
    message = GreenProcureError.localized(error)
    return message if option in message else f"{option}{colon()}{message}"


def _option_of(error: GreenProcureError) -> str | None:
    if not isinstance(error, InputError) or error.field is None or error.file or error.record:
        return None
    from typer._click.globals import get_current_context

    context = get_current_context(silent=True)
    if context is None:
        return None
    for param in context.command.params:
        options = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
        if options and error.field in (param.name, *options):
            return str(options[0])
    return None


def handles_errors(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a GreenProcureError into a translated message and a non-zero exit."""

    @wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return function(*args, **kwargs)
        except GreenProcureError as error:
            raise fail(error) from error
        except BrokenPipeError:
            raise
        except OSError as error:
            # a store, output or input the system refuses (a file where a folder must be,
            # no permission, a full disk): named, not a traceback
            refused = InputError(
                N_("the system refused: {reason}"),
                file=None if error.filename is None else str(error.filename),
                reason=os_reason(error),
            )
            raise fail(refused) from error

    return wrapper

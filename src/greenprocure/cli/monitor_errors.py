"""``greenprocure monitor errors``: every record error the store holds, of every run.

Each ``monitor ingest`` writes the errors of that run to its errors file; the store keeps
the errors of every file it holds, and this command writes them all out (JSON Lines with
``file``, ``location``, ``ocid`` and ``reason``), so that none is lost when a later run
replaces the errors file.
"""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from greenprocure.cli.io import error_console, handles_errors, write_output
from greenprocure.cli.monitor import Engine, _store
from greenprocure.i18n import format_number
from greenprocure.i18n import gettext as _

__all__ = ["register"]


def register(group: typer.Typer, engine_option: Any, store_option: Any) -> None:
    """Add ``errors`` to the ``monitor`` command group (with the group's engine and store
    options)."""
    from greenprocure.monitoring.engines import load_engine

    @group.command(
        "errors",
        help=_(
            "Write every record error the store holds (of every run) as JSON Lines: file, "
            "location, ocid and reason."
        ),
    )
    @handles_errors
    def errors(
        engine: Annotated[Engine, engine_option] = Engine.duckdb,
        store: Annotated[Path | None, store_option] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help=_("The file to write (default: the screen).")),
        ] = None,
    ) -> None:
        found = load_engine(engine.value).stored_errors(_store(engine, store))
        count = _write_lines((orjson.dumps(entry) + b"\n" for entry in found), output)
        error_console.print(
            # a label: value pair, which needs no plural forms ("1 record errors")
            _("Record errors in the store: {count}").format(count=format_number(count))
        )


def _write_lines(lines: Iterator[bytes], output: Path | None) -> int:
    """Write ``lines`` to ``output`` (through :func:`write_output`: whole or not at all), or
    to standard output; return how many were written."""
    count = 0

    def produce(write: Callable[[bytes], object]) -> None:
        nonlocal count
        for line in lines:
            write(line)
            count += 1

    if output is None:
        produce(sys.stdout.buffer.write)
        sys.stdout.buffer.flush()
    else:
        write_output(output, produce)
    return count

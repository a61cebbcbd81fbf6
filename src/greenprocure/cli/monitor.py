"""``greenprocure monitor``: ingest OCDS and eForms files, compute green indicators, report."""

import itertools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from greenprocure.cli.io import (
    error_console,
    handles_errors,
    print_json,
    print_table,
    write_output,
)
from greenprocure.errors import InputError
from greenprocure.i18n import (
    N_,
    colon,
    format_currency,
    format_number,
    format_percent,
    get_language,
    use_language,
)
from greenprocure.i18n import gettext as _
from greenprocure.i18n.rendered import localize_rendered
from greenprocure.monitoring.engines import expand_inputs, load_engine, report_data
from greenprocure.monitoring.indicators import (
    KEY_LABELS,
    IndicatorResult,
    IndicatorTable,
    IngestSummary,
    parse_group_keys,
)
from greenprocure.monitoring.labels import goal_label, key_value_label, strategy_label

__all__ = ["HEADERS", "Engine", "Format", "Period", "register"]


class Engine(StrEnum):
    """Where the data is stored and the indicators computed."""

    duckdb = "duckdb"
    spark = "spark"


class Format(StrEnum):
    """Output formats of ``monitor indicators``."""

    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"


class Period(StrEnum):
    """Step of the report's time series."""

    year = "year"
    month = "month"


#: Exit code of ``monitor ingest`` when some files could not be read (the others are
#: stored; record errors inside files that were read do not change the code).
INGEST_FILES_FAILED = 3

#: Column headers of the tables (translated when shown).
HEADERS: dict[str, str] = {
    **KEY_LABELS,
    "goal": N_("Goal"),
    "strategy": N_("Strategy"),
    "lots": N_("Lots"),
    "green_lots": N_("Green lots"),
    "green_share_count": N_("Green share (count)"),
    "awarded_value": N_("Awarded value"),
    "green_share_awarded": N_("Green share (awarded)"),
    "contracted_value": N_("Contracted value"),
    "green_share_contracted": N_("Green share (contracted)"),
}

_SHOWN = (
    "lots",
    "green_lots",
    "green_share_count",
    "awarded_value",
    "green_share_awarded",
    "contracted_value",
    "green_share_contracted",
)
_LIST_SHOWN = ("lots", "awarded_value", "contracted_value")


class _RecordsPerSecond(ProgressColumn):
    """Records read per second, in the language of the run (rich redraws the bar from a
    thread of its own, where the run's language is not in force: it is kept here)."""

    def __init__(self) -> None:
        super().__init__()
        self._language = get_language()

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        records = int(task.fields.get("records", 0))
        rate = records / elapsed if elapsed > 0 else 0.0
        with use_language(self._language):
            text = _("{rate} records/s").format(rate=format_number(rate, 0))
        return Text(text, style="cyan")


def _store(engine: Engine, store: Path | None) -> Path:
    if store is not None:
        return store
    default: Path = load_engine(engine.value).DEFAULT_STORE
    return default


def _cell(column: str, value: Any, currency: str) -> str:
    if value is None:
        # an unknown group key is said so, as the HTML report does; a missing value is blank
        return _("unknown") if column in KEY_LABELS else ""
    if column.startswith("green_share"):
        return format_percent(value, 1)
    if column.endswith("_value"):
        return format_currency(value, currency, digits=0)
    if isinstance(value, int | float) and column in ("lots", "green_lots"):
        return format_number(value)
    if column == "goal":
        return goal_label(str(value))
    if column == "strategy":
        return strategy_label(str(value))
    return key_value_label(column, value)


#: Rows shown in the terminal per table; the others are counted and named.
_TABLE_ROWS = 500


def _show(table: IndicatorTable, currency: str, title: str) -> None:
    shown = _LIST_SHOWN if table.name in ("goals", "strategies") else _SHOWN
    keys = [c for c in table.columns if c not in shown and c in HEADERS]
    columns = keys + [c for c in shown if c in table.columns]
    rows = [
        [_cell(c, record[c], currency) for c in columns]
        for record in itertools.islice(table.iter_records(), _TABLE_ROWS)
    ]
    justify = ["left"] * len(keys) + ["right"] * (len(columns) - len(keys))
    print_table(title, [_(HEADERS[c]) for c in columns], rows, justify=justify)
    if len(table.rows) > _TABLE_ROWS:
        error_console.print(
            _(
                "{more} more rows not shown; write them all with --format csv, parquet or "
                "json and --output"
            ).format(more=format_number(len(table.rows) - _TABLE_ROWS))
        )


def _show_result(result: IndicatorResult) -> None:
    currency = result.reporting_currency
    _show(result.tables["green_share"], currency, _("Green share of procurement"))
    if result.by:
        _show(result.totals["green_share"], currency, _("Total"))
    _show(result.totals["goals"], currency, _("Lots per environmental goal"))
    _show(result.totals["strategies"], currency, _("Lots per strategy"))
    _show_unconverted(result)
    _show_warnings(result)
    error_console.print(
        # label: value pairs, which need no plural forms ("1 files")
        _("Files: {files} · lot rows: {rows} · record errors: {errors} · engine: {engine}").format(
            files=format_number(result.files),
            rows=format_number(result.lot_rows),
            errors=format_number(result.errors),
            engine=result.engine,
        )
    )


def _show_warnings(result: IndicatorResult) -> None:
    """What the run says about how it read its input (lines read leniently, say)."""
    for warning in result.warnings:
        error_console.print(f"[yellow]{escape(warning.localized())}[/yellow]")


def _show_unconverted(result: IndicatorResult) -> None:
    """Say how many lots have an amount that is not in the values (none: nothing said)."""
    total = next(result.totals["green_share"].iter_records(), {})
    count = int(total.get("lots_unconverted") or 0)
    if count:
        error_console.print(
            # a label: value pair, which needs no plural forms
            _(
                "Lots with an amount not converted to {currency} (no currency code, no date, "
                "or no reference rate for the year): {count}. They are counted as lots; "
                "their value of that kind (estimated, awarded or contracted) is left out of "
                "the value totals and the value shares."
            ).format(count=format_number(count), currency=result.reporting_currency),
            style="yellow",
        )


def _show_summary(summary: IngestSummary) -> None:
    rows = [
        [_("Files ingested"), format_number(len(summary.files_ingested))],
        [_("Files already in the store"), format_number(len(summary.files_skipped))],
        [_("Files that could not be read"), format_number(len(summary.files_failed))],
        [_("Lot rows added"), format_number(summary.lot_rows)],
        [
            _("Processes merged with releases of earlier files"),
            format_number(summary.processes_merged),
        ],
        [_("Record errors"), format_number(summary.errors)],
        [_("Seconds"), format_number(summary.seconds, 1)],
    ]
    print_table(_("Ingest into {store}").format(store=summary.store), ["", ""], rows)
    for file, reason in summary.failures:
        error_console.print(f"[red]{escape(file)}[/red]{colon()}{escape(reason)}", highlight=False)
    if summary.errors:
        _show_record_errors(summary)
    if summary.errors or summary.failures:
        error_console.print(_("Errors written to {path}").format(path=summary.errors_file))


#: How many record errors the ingest summary shows (the errors file has them all).
_ERRORS_SHOWN = 5


def _show_record_errors(summary: IngestSummary) -> None:
    """The first record errors of the run (file, location, ocid, reason), read back from
    its errors file, and how many more it holds."""
    if summary.errors_file is None:
        return
    shown = 0
    try:
        with open(summary.errors_file, "rb") as lines:
            for line in lines:
                entry = orjson.loads(line)
                if not isinstance(entry, dict) or not entry.get("location"):
                    continue  # a file that could not be read (no location): listed above
                if shown == _ERRORS_SHOWN:
                    break
                where = " · ".join(
                    str(entry[k]) for k in ("file", "location", "ocid") if entry.get(k)
                )
                # the errors file is English: the reason is shown in the run's language
                reason = localize_rendered(str(entry.get("reason") or "").strip()).splitlines()
                error_console.print(
                    f"[red]{escape(where)}[/red]{colon()}{escape(reason[0] if reason else '')}",
                    highlight=False,
                )
                shown += 1
    except (OSError, orjson.JSONDecodeError):
        return
    if summary.errors > shown:
        error_console.print(
            _("{more} more record errors in the errors file").format(
                more=format_number(summary.errors - shown)
            )
        )


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` command group to ``app``."""
    group = typer.Typer(
        help=_("Monitoring: green-procurement indicators from OCDS and eForms data."),
        no_args_is_help=True,
    )

    engine_option = typer.Option(
        "--engine", help=_("Engine: duckdb (embedded) or spark (extra 'spark').")
    )
    store_option = typer.Option(
        "--store",
        help=_("The local store (default .greenprocure/monitoring.duckdb for duckdb)."),
    )
    by_option = typer.Option(
        "--by",
        help=_(
            "Group by these keys, comma separated: buyer, country, cpv2, cpv3, year, month, "
            "procurement_method, main_category."
        ),
    )
    currency_option = typer.Option(
        "--currency", help=_("Reporting currency values are converted to.")
    )
    ingest_currency_option = typer.Option(
        "--currency",
        help=_("Reporting currency values are converted to (default: the store's, else EUR)."),
    )

    @group.command(
        "ingest",
        help=_(
            "Read files into the local store; a file already stored adds nothing; a process "
            "whose releases are in several files is compiled from all of them. Exit code 3: "
            "some files could not be read (listed; the others are stored)."
        ),
    )
    @handles_errors
    def ingest(
        paths: Annotated[
            list[str],
            typer.Argument(help=_("Files, folders or glob patterns of OCDS JSON or eForms XML.")),
        ],
        engine: Annotated[Engine, engine_option] = Engine.duckdb,
        store: Annotated[Path | None, store_option] = None,
        currency: Annotated[str | None, ingest_currency_option] = None,
        errors: Annotated[
            Path | None,
            typer.Option(
                "--errors", help=_("Errors file, JSON Lines (default: next to the store).")
            ),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help=_("Print the summary as JSON."))
        ] = False,
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers",
                min=1,
                help=_(
                    "Processes reading files in parallel when there are several large "
                    "files (default: the number of CPUs, at most 4)."
                ),
            ),
        ] = None,
        encoding: Annotated[
            str | None,
            typer.Option(
                "--encoding",
                help=_(
                    "Text encoding of the JSON files, e.g. iso-8859-2 or shift_jis (default: "
                    "UTF-8 or a byte-order mark, else read as Windows-1252)."
                ),
            ),
        ] = None,
    ) -> None:
        module = load_engine(engine.value)
        store = _store(engine, store)
        # a store keeps its currency: a run into it need not name it again
        currency = _reporting_currency(currency or module.store_currency(store) or "EUR")
        files = expand_inputs(paths)
        extra: dict[str, Any] = {"encoding": encoding}
        if engine is Engine.duckdb:
            extra["workers"] = workers or min(4, os.cpu_count() or 1)
        total = sum(os.path.getsize(p) for p in files)
        columns = (
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            _RecordsPerSecond(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=error_console, transient=True) as bar:
            task = bar.add_task(_("Ingesting"), total=total, records=0)
            count = {"records": 0}

            def advance(done: int, records: int) -> None:
                count["records"] += records
                bar.update(task, advance=done, records=count["records"])

            summary: IngestSummary = module.ingest(
                files,
                store,
                reporting_currency=currency,
                errors_file=errors,
                progress=advance,
                **extra,
            )
        if as_json:
            print_json(summary.to_dict())
        else:
            _show_summary(summary)
        if summary.files_failed:
            # the other files are stored: a scheduler still learns that some were not
            raise typer.Exit(code=INGEST_FILES_FAILED)

    @group.command(
        "indicators", help=_("Green share by count and by value, counts per goal and per strategy.")
    )
    @handles_errors
    def indicators(
        by: Annotated[str, by_option] = "",
        engine: Annotated[Engine, engine_option] = Engine.duckdb,
        store: Annotated[Path | None, store_option] = None,
        compiled: Annotated[
            list[Path] | None,
            typer.Option(
                "--compiled",
                help=_(
                    "Compute straight from these compiled-release JSON Lines files instead "
                    "of the store (fast path; repeatable)."
                ),
            ),
        ] = None,
        releases: Annotated[
            list[Path] | None,
            typer.Option(
                "--releases",
                help=_(
                    "Compute straight from these release packages (UTF-8 JSON, one package "
                    "per file or per line), compiled in DuckDB, instead of the store "
                    "(repeatable)."
                ),
            ),
        ] = None,
        currency: Annotated[str | None, currency_option] = None,
        output_format: Annotated[
            Format, typer.Option("--format", help=_("Output format."))
        ] = Format.table,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help=_(
                    "Write here: a file for json, a folder for csv and parquet (one file each)."
                ),
            ),
        ] = None,
        bom: Annotated[
            bool,
            typer.Option(
                "--bom",
                help=_(
                    "Begin CSV with a UTF-8 byte order mark, so that Excel reads Chinese, "
                    "Japanese and Korean text in it correctly."
                ),
            ),
        ] = False,
    ) -> None:
        if len([given for given in (store, compiled, releases) if given]) > 1:
            raise InputError(N_("use one of --store, --compiled and --releases"), field="compiled")
        _check_output(output_format, output)
        if bom and output_format is not Format.csv:
            raise InputError(N_("--bom is for --format csv"), field="bom")
        module = load_engine(engine.value)
        keys = parse_group_keys(by)
        result: IndicatorResult
        wanted = _reporting_currency(currency) if currency is not None else None
        if compiled:
            result = module.indicators_from_compiled(
                expand_inputs(compiled), keys, reporting_currency=wanted or "EUR"
            )
        elif releases:
            from_releases = getattr(module, "indicators_from_releases", None)
            if from_releases is None:
                raise InputError(
                    N_("--releases is not available with the {engine} engine"),
                    field="releases",
                    engine=engine.value,
                )
            result = from_releases(
                expand_inputs(releases), keys, reporting_currency=wanted or "EUR"
            )
        else:
            result = module.compute_indicators(_store(engine, store), keys)
            if wanted is not None and result.reporting_currency != wanted:
                # the store's values are in its own currency: not converted again here
                raise InputError(
                    N_(
                        "the store {store} holds values in {stored}: its indicators are in "
                        "{stored}, not {currency} (ingest the files into a store in {currency})"
                    ),
                    field="currency",
                    store=os.fspath(_store(engine, store)),
                    stored=result.reporting_currency,
                    currency=wanted,
                )
        _emit(result, output_format, output, bom=bom)

    @group.command(
        "report",
        help=_(
            "Write one self-contained HTML report (charts, tables, method) in the language "
            "chosen with --lang (en, zh, ko or ja)."
        ),
    )
    @handles_errors
    def report(
        by: Annotated[
            str,
            typer.Option(
                "--by", help=_("Breakdown of the report: group-by keys, comma separated.")
            ),
        ] = "cpv2",
        period: Annotated[
            Period, typer.Option("--period", help=_("Time-series step."))
        ] = Period.year,
        engine: Annotated[Engine, engine_option] = Engine.duckdb,
        store: Annotated[Path | None, store_option] = None,
        output: Annotated[
            Path, typer.Option("--output", "-o", help=_("The HTML file to write."))
        ] = Path("report.html"),
    ) -> None:
        from greenprocure.reporting.monitoring_report import render_monitoring_report

        data = report_data(store, parse_group_keys(by), engine=engine.value, period=period.value)
        write_output(output, render_monitoring_report(data))

    from greenprocure.cli import monitor_errors, monitor_synth

    monitor_errors.register(group, engine_option, store_option)
    monitor_synth.register(group)
    app.add_typer(group, name="monitor")


def _reporting_currency(code: str) -> str:
    """``code`` as a reporting currency: one the reference rates convert to."""
    from greenprocure.reference import currencies

    wanted = code.strip().upper()
    known = sorted(currencies())
    if wanted not in known:
        raise InputError(
            N_("unknown reporting currency {currency}: use one of {known}"),
            field="currency",
            currency=code,
            known=", ".join(known),
        )
    return wanted


def _check_output(output_format: Format, output: Path | None) -> None:
    """Refuse an ``--output`` that the format cannot write to, before any work is done."""
    if output is None:
        return
    if output_format is Format.table:
        raise InputError(
            N_("--output needs --format json, csv or parquet (a table is shown here)"),
            field="output",
        )
    if output_format in (Format.csv, Format.parquet) and output.exists() and not output.is_dir():
        raise InputError(
            N_("--format {format} writes one file per table into a folder: {path} is a file"),
            field="output",
            format=output_format.value,
            path=str(output),
        )


def _csv_to_stdout(result: IndicatorResult, bom: bool) -> None:
    """The green-share table as UTF-8 CSV on standard output, whatever the terminal's
    encoding (a redirect on Windows would otherwise write the legacy code page, under a
    byte order mark that says UTF-8)."""
    import io

    from greenprocure.monitoring.engines.duckdb_export import write_csv

    sys.stdout.flush()
    stream = io.TextIOWrapper(
        sys.stdout.buffer, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=True
    )
    try:
        write_csv(result.tables["green_share"], stream)
        stream.flush()
    finally:
        stream.detach()


def _emit(
    result: IndicatorResult, output_format: Format, output: Path | None, *, bom: bool = False
) -> None:
    if output_format is Format.table:
        _show_result(result)
        return
    _show_warnings(result)  # on stderr, whatever the format (JSON also has them)
    if output_format is Format.json:
        # written row by row: a result of a million groups is not held as one document
        if output is None:
            result.write_json(sys.stdout.buffer.write)
            sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
        else:

            def produce(write: Callable[[bytes], object]) -> None:
                result.write_json(write)
                write(b"\n")

            write_output(output, produce)
        return
    from greenprocure.monitoring.engines.duckdb_export import export_indicators

    if output is None:
        if output_format is Format.csv:
            _csv_to_stdout(result, bom)
            return
        raise InputError(N_("--format parquet needs --output FOLDER"), field="output")
    for path in export_indicators(result, output, output_format.value, bom=bom):
        error_console.print(_("Wrote {path}").format(path=path))

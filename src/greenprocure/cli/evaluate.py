"""``greenprocure evaluate``: rank the bids of a tender, make its bid workbook, show its schema.

::

    greenprocure evaluate run TENDER [BIDS] [--format table|json|xlsx|html|docx] [--output PATH]
    greenprocure evaluate template TENDER [--output PATH]
    greenprocure evaluate schema [--output PATH]

TENDER is a YAML or JSON file (``docs/tender-schema.json``); BIDS, when given, is a bid
workbook (``.xlsx``, made by ``evaluate template``) or a CSV file, and replaces the bids inline
in the tender file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from greenprocure.cli.io import (
    console,
    emit_json,
    emit_result,
    handles_errors,
    print_table,
    read_input,
    read_input_text,
    write_output,
)
from greenprocure.errors import ParseError
from greenprocure.evaluation import (
    Bid,
    EvaluationResult,
    Tender,
    evaluate,
    parse_tender,
    read_bids_csv,
    read_bids_xlsx,
    tender_json_schema,
    write_bid_template,
)
from greenprocure.i18n import N_, format_currency, format_number, get_language, semicolon
from greenprocure.i18n import gettext as _

__all__ = ["OutputFormat", "load_bids", "load_tender", "register"]


class OutputFormat(StrEnum):
    """How ``evaluate run`` writes its result."""

    table = "table"
    json = "json"
    xlsx = "xlsx"
    html = "html"
    docx = "docx"


def load_tender(path: Path) -> Tender:
    """Read and validate a tender file (YAML, or JSON which is also YAML)."""
    text = read_input_text(path)
    try:
        if path.suffix.lower() == ".json":
            data: Any = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ParseError(
            N_("malformed tender file: {reason}"), file=str(path), reason=str(exc)
        ) from exc
    if not isinstance(data, dict):
        raise ParseError(N_("a tender file must hold a mapping (key: value)"), file=str(path))
    return parse_tender(data, file=str(path))


def load_bids(path: Path, tender: Tender) -> list[Bid]:
    """Read the bids of a bid workbook (``.xlsx``) or a CSV file."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_bids_xlsx(read_input(path), tender, str(path))
    return read_bids_csv(read_input_text(path), tender, str(path))


def _print_result(result: EvaluationResult) -> None:
    currency = result.currency
    for lot in result.lots:
        cost = lot.method != "lowest_price"
        scored = lot.method == "meat"
        columns = [_("Rank"), _("Bid"), _("Bidder"), _("Contract price"), _("Evaluated price")]
        justify = ["right", "left", "left", "right", "right"]
        if cost:
            columns.append(_("Evaluated cost"))
            justify.append("right")
        if scored:
            columns.append(_("Score"))
            justify.append("right")
        rows = []
        for bid in lot.bids:
            row: list[Any] = [
                bid.rank if bid.rank is not None else _("excluded"),
                bid.bid,
                bid.bidder,
                format_currency(bid.contract_price, currency, digits=0),
                format_currency(bid.evaluated_price, currency, digits=0),
            ]
            if cost:
                row.append(format_currency(bid.evaluated_cost, currency, digits=0))
            if scored:
                row.append("" if bid.total_score is None else format_number(bid.total_score, 2))
            rows.append(row)
        title = _("Lot {lot}: {title}").format(lot=lot.lot, title=lot.title)
        print_table(title, columns, rows, justify=justify)
        if lot.winner is not None:
            winner = lot.bid(lot.winner)
            console.print(
                _("Winner: {bid} ({bidder})").format(bid=winner.bid, bidder=winner.bidder)
            )
        for bid in lot.excluded:
            reasons = semicolon().join(message.text() for message in bid.exclusions)
            console.print(
                _("Excluded: {bid} ({bidder}): {reasons}").format(
                    bid=bid.bid, bidder=bid.bidder, reasons=reasons
                ),
                highlight=False,
            )


def _render(result: EvaluationResult, output_format: str) -> bytes | str:
    from greenprocure.reporting import evaluation_docx, evaluation_html, evaluation_xlsx

    renderers: dict[str, Callable[[EvaluationResult], bytes | str]] = {
        OutputFormat.html: evaluation_html,
        OutputFormat.xlsx: evaluation_xlsx,
        OutputFormat.docx: evaluation_docx,
    }
    return renderers[output_format](result)


def _default_output(tender_path: Path, suffix: str) -> Path:
    return Path.cwd() / f"{tender_path.stem}-evaluation.{suffix}"


def register(app: typer.Typer) -> None:
    """Add the ``evaluate`` command group to ``app``."""
    group = typer.Typer(
        help=_("Tender evaluation: life-cycle cost, award methods, green award mechanisms."),
        no_args_is_help=True,
    )

    @group.command("run", help=_("Evaluate the bids of a tender and rank them."))
    @handles_errors
    def run(
        tender_file: Annotated[
            Path, typer.Argument(metavar="TENDER", help=_("Tender file (YAML or JSON)."))
        ],
        bids_file: Annotated[
            Path | None,
            typer.Argument(
                metavar="[BIDS]",
                help=_("Bid workbook (.xlsx) or CSV file; default: the bids in the tender file."),
            ),
        ] = None,
        output_format: Annotated[
            OutputFormat, typer.Option("--format", "-f", help=_("Output format."))
        ] = OutputFormat.table,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help=_("Output file (default for xlsx, html, docx: TENDER-evaluation.EXT)."),
            ),
        ] = None,
    ) -> None:
        tender = load_tender(tender_file)
        bids = load_bids(bids_file, tender) if bids_file is not None else None
        result = evaluate(tender, bids, file=str(bids_file or tender_file))
        emit_result(
            result,
            output_format,
            output,
            show=_print_result,
            render=_render,
            default_output=_default_output(tender_file, output_format.value),
        )

    @group.command("template", help=_("Write the bid workbook of a tender (XLSX)."))
    @handles_errors
    def template(
        tender_file: Annotated[
            Path, typer.Argument(metavar="TENDER", help=_("Tender file (YAML or JSON)."))
        ],
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help=_("Output file (default: TENDER-bids.xlsx).")),
        ] = None,
    ) -> None:
        tender = load_tender(tender_file)
        target = output or Path.cwd() / f"{tender_file.stem}-bids.xlsx"
        write_output(target, write_bid_template(tender, get_language()))

    @group.command("schema", help=_("Print the JSON Schema of tender files."))
    @handles_errors
    def schema(
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help=_("Output file (default: standard output).")),
        ] = None,
    ) -> None:
        emit_json(tender_json_schema(), output)

    app.add_typer(group, name="evaluate")

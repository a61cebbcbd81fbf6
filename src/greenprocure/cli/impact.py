"""``greenprocure impact``: quantify what green purchases achieved; write register templates.

::

    greenprocure impact run FILE --country CN --year 2023 [--format table|json|xlsx|html]
                                 [--output PATH] [--gwp AR5] [--discount-rate 0.03]
                                 [--currency CNY]
    greenprocure impact template GROUP [--output PATH]
    greenprocure impact groups
    greenprocure impact claim FILE --country NL --year 2023 --value 726 [--unit t]
                                   [--total --claim-years 10] [--units 22] [--tolerance 0.05]

FILE is a purchase register: CSV, XLSX (from ``impact template``), YAML or JSON.
"""

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from greenprocure.cli.io import (
    console,
    emit_result,
    error_console,
    handles_errors,
    print_table,
    read_input,
    write_output,
)
from greenprocure.i18n import format_number, get_language
from greenprocure.i18n import gettext as _
from greenprocure.impact import (
    METRICS,
    MODELS,
    Claim,
    ImpactResult,
    ImpactSettings,
    check_claim,
    get_model,
    quantify,
    read_register,
)

__all__ = ["OutputFormat", "register"]


class OutputFormat(StrEnum):
    """How ``impact run`` writes its result."""

    table = "table"
    json = "json"
    xlsx = "xlsx"
    html = "html"


def _print_result(result: ImpactResult) -> None:
    currency = result.currency or ""
    rows = []
    for metric in METRICS:
        figure = result.totals.get(metric.name)
        if figure is None or figure.value == 0:
            continue
        spread = (
            ""
            if figure.low == figure.high
            else f"{format_number(figure.low, 2)} – {format_number(figure.high, 2)}"
        )
        unit = currency if metric.unit == "currency" else metric.unit
        rows.append([_(metric.label), format_number(figure.value, 2), spread, unit])
    print_table(
        _("Impact of {count} purchase lines").format(count=result.line_count),
        [_("Figure"), _("Central"), _("Range"), _("Unit")],
        rows,
        justify=["left", "right", "right", "left"],
    )
    group_rows = []
    for group, figures in result.by_group.items():
        co2e = figures.get("co2e_period")
        group_rows.append(
            [_(get_model(group).title), "" if co2e is None else format_number(co2e.value, 2)]
        )
    print_table(
        _("By product group"),
        [_("Product group"), _("t CO2e over the period")],
        group_rows,
        justify=["left", "right"],
    )
    for equivalence in result.equivalences:
        console.print(
            _("= {count} {label} ({source})").format(
                count=format_number(equivalence.count, 0),
                label=_(equivalence.label),
                source=equivalence.factor.citation.short(),
            ),
            highlight=False,
        )
    _print_problems(result)


def _print_problems(result: ImpactResult) -> None:
    """The lines that could not be quantified, each with its reason (never left out)."""
    for problem in result.problems:
        error_console.print(
            _("Not quantified: {row} ({group}), {field}: {message}").format(
                row=problem.row,
                group=problem.group,
                field=problem.field or "",
                message=problem.localized(),
            ),
            highlight=False,
        )


def _render(result: ImpactResult, output_format: str) -> bytes | str:
    from greenprocure.reporting import impact_html, impact_xlsx

    renderers: dict[str, Callable[[ImpactResult], bytes | str]] = {
        OutputFormat.html: impact_html,
        OutputFormat.xlsx: impact_xlsx,
    }
    return renderers[output_format](result)


def _quantify(path: Path, settings: ImpactSettings) -> ImpactResult:
    return quantify(read_register(read_input(path), str(path)), settings)


def register(app: typer.Typer) -> None:
    """Add the ``impact`` command group to ``app``."""
    group = typer.Typer(
        help=_("Impact quantification: what green purchases achieved, with every factor cited."),
        no_args_is_help=True,
    )
    # Shared by ``run`` and ``claim`` (this module evaluates its annotations at definition
    # time, without ``from __future__ import annotations``, so that they can name these).
    register_argument = typer.Argument(
        metavar="FILE", help=_("Purchase register (CSV, XLSX, YAML or JSON).")
    )
    country_option = typer.Option("--country", help=_("Country of the grid factors (ISO code)."))
    year_option = typer.Option("--year", help=_("Year of the reference factors."))
    gwp_option = typer.Option("--gwp", help=_("GWP basis: AR4, AR5 or AR6."))

    @group.command("run", help=_("Quantify the purchase lines of a register."))
    @handles_errors
    def run(
        register_file: Annotated[Path, register_argument],
        country: Annotated[str, country_option],
        year: Annotated[int, year_option],
        output_format: Annotated[
            OutputFormat, typer.Option("--format", "-f", help=_("Output format."))
        ] = OutputFormat.table,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help=_("Output file (default for xlsx and html: FILE-impact.EXT)."),
            ),
        ] = None,
        gwp_basis: Annotated[str, gwp_option] = "AR5",
        discount_rate: Annotated[
            float,
            typer.Option("--discount-rate", help=_("Annual discount rate for money saved.")),
        ] = 0.03,
        currency: Annotated[
            str | None,
            typer.Option("--currency", help=_("Currency of the money figures (ISO 4217).")),
        ] = None,
    ) -> None:
        settings = ImpactSettings(
            country=country.upper(),
            year=year,
            gwp_basis=gwp_basis.upper(),
            discount_rate=discount_rate,
            currency=currency.upper() if currency else None,
        )
        result = _quantify(register_file, settings)
        emit_result(
            result,
            output_format,
            output,
            show=_print_result,
            render=_render,
            default_output=Path.cwd() / f"{register_file.stem}-impact.{output_format.value}",
        )

    @group.command("template", help=_("Write an empty purchase register for a product group."))
    @handles_errors
    def template(
        group_name: Annotated[
            str,
            typer.Argument(metavar="GROUP", help=_("Product group (see: impact groups).")),
        ],
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help=_("Output file (default: GROUP-register.xlsx).")),
        ] = None,
    ) -> None:
        from greenprocure.reporting import impact_template_xlsx

        model = get_model(group_name)
        target = output or Path.cwd() / f"{model.group}-register.xlsx"
        write_output(target, impact_template_xlsx(model, get_language()))

    @group.command("groups", help=_("List the product groups and what each computes."))
    def groups() -> None:
        print_table(
            _("Product groups"),
            [_("Group"), _("Title"), _("What it computes")],
            [[m.group, _(m.title), _(m.description)] for m in MODELS],
        )

    @group.command(
        "claim", help=_("Recompute a published claim from a register and name the likely slip.")
    )
    @handles_errors
    def claim(
        register_file: Annotated[Path, register_argument],
        country: Annotated[str, country_option],
        year: Annotated[int, year_option],
        value: Annotated[float, typer.Option("--value", help=_("The published figure."))],
        unit: Annotated[str, typer.Option("--unit", help=_("Unit of the published figure."))] = "t",
        total: Annotated[
            bool,
            typer.Option(
                "--total/--per-year",
                help=_("The figure is a total over --claim-years (default: per year)."),
            ),
        ] = False,
        claim_years: Annotated[
            float, typer.Option("--claim-years", help=_("Years a total figure covers."))
        ] = 1.0,
        units: Annotated[
            float,
            typer.Option("--units", help=_("Number of units the claim is about (vehicles ...).")),
        ] = 1.0,
        tolerance: Annotated[
            float, typer.Option("--tolerance", help=_("Relative difference accepted."))
        ] = 0.05,
        gwp_basis: Annotated[str, gwp_option] = "AR5",
    ) -> None:
        settings = ImpactSettings(country=country.upper(), year=year, gwp_basis=gwp_basis.upper())
        result = _quantify(register_file, settings)
        metric = "co2e_period" if total else "co2e_annual"
        figure = result.totals.get(metric)
        recomputed = figure.value if figure is not None else 0.0
        published = Claim(value, unit, per_year=not total, years=claim_years, units=units)
        check = check_claim(published, recomputed, tolerance=tolerance)
        print_table(
            _("Claim check"),
            [_("Claimed (t CO2e)"), _("Recomputed (t CO2e)"), _("Ratio"), _("Within tolerance")],
            [
                [
                    format_number(check.claimed_t, 2),
                    format_number(check.recomputed_t, 2),
                    format_number(check.ratio, 3),
                    _("yes") if check.within_tolerance else _("no"),
                ]
            ],
            justify=["right", "right", "right", "left"],
        )
        for message in check.messages():
            console.print(message, highlight=False)
        _print_problems(result)
        if not check.within_tolerance:
            raise typer.Exit(code=1)

    app.add_typer(group, name="impact")

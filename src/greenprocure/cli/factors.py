"""``greenprocure factors``: list, show and search the cited reference data.

``factors list`` lists the installed datasets; ``factors list grid`` lists one dataset's
tables and sources; ``factors show grid/grid region=CN`` shows the rows of a table that
match ``column=value`` filters; ``factors search R-410A`` finds rows in every dataset.
Every command takes ``--json``. Output is sorted and therefore deterministic.
"""

from __future__ import annotations

from typing import Any

import typer
from babel import numbers

from greenprocure.cli.io import handles_errors, print_json, print_table
from greenprocure.errors import ValidationError
from greenprocure.i18n import N_, babel_locale, format_number
from greenprocure.i18n import gettext as _
from greenprocure.reference import Factor, ReferenceLibrary, available_datasets
from greenprocure.reference.explore import search_factors, select_factors

__all__ = ["register"]


def _number(value: float | None) -> str:
    """All significant digits of a reference value, grouped for the current language."""
    if value is None:
        return ""
    if value != 0 and abs(value) < 1e-4:
        return f"{value:.6g}"
    return str(numbers.format_decimal(value, format="#,##0.#########", locale=babel_locale()))


def _range(factor: Factor) -> str:
    if factor.low is None and factor.high is None:
        return ""
    return f"{_number(factor.low)} – {_number(factor.high)}"


def _key(factor: Factor) -> str:
    return ", ".join(f"{k}={v}" for k, v in factor.key.items())


def _factor_rows(factors: list[Factor]) -> list[list[str]]:
    return [
        [
            f"{f.dataset.name}/{f.table}",
            _key(f),
            _number(f.value),
            f.unit,
            _range(f),
            f.region,
            f.period,
            f"{f.citation.publisher} ({f.citation.year})"
            if f.citation.year
            else f.citation.publisher,
        ]
        for f in factors
    ]


_FACTOR_COLUMNS = (
    N_("Table"),
    N_("Key"),
    N_("Value"),
    N_("Unit"),
    N_("Range"),
    N_("Region"),
    N_("Period"),
    N_("Source"),
)
_FACTOR_JUSTIFY = ("left", "left", "right", "left", "right", "left", "left", "left")


def _parse_filters(filters: list[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in filters:
        if "=" not in item:
            raise ValidationError(
                N_("filter {filter} is not of the form column=value"), field="filters", filter=item
            )
        column, value = item.split("=", 1)
        parsed[column.strip()] = value.strip()
    return parsed


def _translated_title(title: str) -> str:
    """A dataset's or table's English title (its ``datapackage.json``) in the current
    language (catalog ``reference_titles.po``; the JSON output keeps the data's own)."""
    return _(title)


def _list(dataset: str | None, as_json: bool) -> None:
    library = ReferenceLibrary()
    if dataset is None:
        rows: list[dict[str, Any]] = []
        for name in sorted(available_datasets()):
            package = library.dataset(name)
            rows.append(
                {
                    "name": name,
                    "version": package.ref.version,
                    "versions": list(available_datasets()[name]),
                    "title": package.title,
                    "tables": sorted(package.tables),
                    "rows": sum(len(t.factors) for t in package.tables.values()),
                    "licenses": [lic.get("name", "") for lic in package.licenses],
                }
            )
        if as_json:
            print_json(rows)
            return
        print_table(
            _("Reference datasets"),
            [_("Dataset"), _("Version"), _("Tables"), _("Rows"), _("Licence"), _("Title")],
            [
                [
                    r["name"],
                    r["version"],
                    ", ".join(r["tables"]),
                    format_number(r["rows"]),
                    ", ".join(r["licenses"]),
                    _translated_title(r["title"]),
                ]
                for r in rows
            ],
            justify=("left", "left", "left", "right", "left", "left"),
        )
        return
    package = library.dataset(dataset)
    if as_json:
        print_json(
            {
                "name": package.ref.name,
                "version": package.ref.version,
                "title": package.title,
                "description": package.description,
                "licenses": list(package.licenses),
                "sources": [package.sources[k].to_dict() for k in sorted(package.sources)],
                "tables": [
                    {
                        "name": t.name,
                        "title": t.title,
                        "primary_key": list(t.primary_key),
                        "rows": len(t.factors),
                    }
                    for t in sorted(package.tables.values(), key=lambda t: t.name)
                ],
            }
        )
        return
    print_table(
        _("Tables of {dataset}").format(dataset=str(package.ref)),
        [_("Table"), _("Key columns"), _("Rows"), _("Title")],
        [
            [
                t.name,
                ", ".join(t.primary_key),
                format_number(len(t.factors)),
                _translated_title(t.title),
            ]
            for t in sorted(package.tables.values(), key=lambda t: t.name)
        ],
        justify=("left", "left", "right", "left"),
    )
    print_table(
        _("Sources of {dataset}").format(dataset=str(package.ref)),
        [_("Source"), _("Publisher"), _("Year"), _("Title"), _("URL"), _("Accessed")],
        [
            [c.id, c.publisher, str(c.year or ""), c.title, c.url, c.accessed.isoformat()]
            for c in (package.sources[k] for k in sorted(package.sources))
        ],
    )


def _show_factors(title: str, factors: list[Factor], as_json: bool) -> None:
    if as_json:
        print_json([f.to_dict() for f in factors])
        return
    print_table(
        title,
        [_(c) for c in _FACTOR_COLUMNS],
        _factor_rows(factors),
        justify=_FACTOR_JUSTIFY,
    )


def register(app: typer.Typer) -> None:
    """Add the ``factors`` command group to ``app``."""
    group = typer.Typer(
        help=_("Cited reference data: emission factors, GWP, prices, rates."), no_args_is_help=True
    )

    @group.command(
        "list", help=_("List the reference datasets, or the tables and sources of one dataset.")
    )
    @handles_errors
    def list_command(
        dataset: str | None = typer.Argument(
            None, help=_("A dataset name (e.g. grid); all datasets if omitted.")
        ),
        as_json: bool = typer.Option(False, "--json", help=_("Print JSON instead of a table.")),
    ) -> None:
        _list(dataset, as_json)

    @group.command(
        "show",
        help=_(
            "Show the rows of DATASET/TABLE that match column=value filters, "
            "e.g. grid/grid region=CN basis=location."
        ),
    )
    @handles_errors
    def show_command(
        table: str = typer.Argument(..., help=_("DATASET/TABLE, e.g. refrigerants/gwp.")),
        filters: list[str] | None = typer.Argument(  # noqa: B008
            None,
            help=_("Filters column=value (case-insensitive)."),  # noqa: B008
        ),
        year: int | None = typer.Option(
            None, "--year", help=_("Only rows whose period contains this year.")
        ),
        as_json: bool = typer.Option(False, "--json", help=_("Print JSON instead of a table.")),
    ) -> None:
        factors = select_factors(table, _parse_filters(filters or []), year=year)
        _show_factors(table, factors, as_json)

    @group.command("search", help=_("Find rows in every dataset whose key, note or source match."))
    @handles_errors
    def search_command(
        text: str = typer.Argument(..., help=_("Text to look for (case-insensitive).")),
        as_json: bool = typer.Option(False, "--json", help=_("Print JSON instead of a table.")),
    ) -> None:
        factors = search_factors(text)
        _show_factors(_("Rows matching {text}").format(text=text), factors, as_json)

    app.add_typer(group, name="factors")

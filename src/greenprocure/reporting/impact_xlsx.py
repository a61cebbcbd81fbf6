"""Impact results as a workbook, and the purchase-register template of a product group.

The results workbook has a summary, one row per line with every figure (central, low,
high), the audit trail (one row per figure: formula, inputs, factors with their sources) and
the sources. The template has a ``register`` sheet whose first row holds the column keys
(with their units in brackets), a help row in the user's language (starting with ``#``, so
the reader skips it), drop-down lists for fixed choices and number checks, and a ``README``
sheet that explains the columns.
"""

from __future__ import annotations

import json
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from greenprocure.i18n import get_language, gettext, use_language
from greenprocure.impact import METRICS, ImpactModel, ImpactResult
from greenprocure.reporting.impact_view import impact_sources, metric_label, metric_unit
from greenprocure.reporting.xlsx_tools import (
    HEADER_FILL,
    add_sheet,
    new_workbook,
    set_cell,
    workbook_bytes,
)

__all__ = ["impact_template_xlsx", "impact_xlsx", "template_header"]


def template_header(model: ImpactModel) -> list[tuple[str, str]]:
    """(column header, help text) per column of the template, ``group`` first."""
    columns = [("group", gettext("Product group (do not change)"))]
    for spec in model.fields:
        header = spec.name
        unit_hint = ""
        if spec.units:
            unit_hint = " | ".join(spec.units)
        elif "{currency}" in spec.unit:
            unit_hint = spec.unit.replace("{currency}", gettext("currency"))
        elif "{" in spec.unit:
            unit_hint = spec.unit
        elif spec.unit:
            header = f"{spec.name} [{spec.unit}]"
        help_text = gettext(spec.label)
        if unit_hint:
            help_text = f"{help_text} ({unit_hint})"
        if spec.required:
            help_text = gettext("{label} — required").format(label=help_text)
        columns.append((header, help_text))
    return columns


def impact_template_xlsx(model: ImpactModel, lang: str | None = None) -> bytes:
    """An empty purchase register for ``model``'s product group, in ``lang``."""
    with use_language(lang or get_language()):
        workbook = new_workbook()
        columns = template_header(model)
        sheet = workbook.create_sheet("register")
        for index, (header, help_text) in enumerate(columns, start=1):
            cell = set_cell(sheet, 1, index, header)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            note = set_cell(sheet, 2, index, f"# {help_text}" if index == 1 else help_text)
            note.alignment = Alignment(wrap_text=True, vertical="top")
            note.font = Font(italic=True, color="5B6B60")
            cell.comment = Comment(help_text, "GreenProcure")
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)
        sheet.freeze_panes = "A3"
        rows = "3:1000"
        group_rule = DataValidation(type="list", formula1=f'"{model.group}"', allow_blank=True)
        group_rule.add(f"A{rows.replace(':', ':A')}")
        sheet.add_data_validation(group_rule)
        for index, spec in enumerate(model.fields, start=2):
            letter = get_column_letter(index)
            area = f"{letter}3:{letter}1000"
            if spec.choices:
                rule = DataValidation(
                    type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True
                )
            elif spec.unit and not spec.units and "{" not in spec.unit:
                rule = DataValidation(
                    type="decimal",
                    operator="greaterThanOrEqual",
                    formula1=str(spec.minimum if spec.minimum is not None else -1e300),
                    allow_blank=True,
                )
            else:
                continue
            rule.error = gettext("This value is not allowed here.")
            rule.add(area)
            sheet.add_data_validation(rule)
        readme_rows = [
            (gettext("Product group"), f"{model.group}: {gettext(model.title)}"),
            (gettext("What it computes"), gettext(model.description)),
            (gettext("Method and source"), model.source),
            (
                gettext("How to fill it in"),
                gettext(
                    "One purchase line per row from row 3. Numbers are in the unit shown in "
                    "brackets; a cell may give its own unit (for example 1.2 MWh/year or 3 %). "
                    "Leave optional cells empty to use the cited default."
                ),
            ),
        ]
        readme_rows += [(h, t) for h, t in columns]
        add_sheet(workbook, "README", [gettext("Item"), gettext("Explanation")], readme_rows)
        return workbook_bytes(workbook)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def impact_xlsx(result: ImpactResult, lang: str | None = None) -> bytes:
    """The results workbook in ``lang``."""
    with use_language(lang or get_language()):
        workbook = new_workbook()
        currency = result.currency
        summary = [
            (metric_label(m.name), f.value, f.low, f.high, metric_unit(m.name, currency))
            for m in METRICS
            if (f := result.totals.get(m.name)) is not None
        ]
        summary += [
            (gettext(e.label), e.count, e.count, e.count, e.factor.citation.short())
            for e in result.equivalences
        ]
        add_sheet(
            workbook,
            gettext("Summary"),
            [
                gettext("Figure"),
                gettext("Central"),
                gettext("Low"),
                gettext("High"),
                gettext("Unit"),
            ],
            summary,
            number_formats=[None, "#,##0.000", "#,##0.000", "#,##0.000", None],
        )
        names = [m.name for m in METRICS]
        headers = [gettext("Row"), gettext("Line identifier"), gettext("Product group")]
        for name in names:
            label = f"{metric_label(name)} ({metric_unit(name, currency)})"
            headers += [label, f"{label} {gettext('low')}", f"{label} {gettext('high')}"]
        rows = []
        for line in result.lines():
            row: list[Any] = [line.row, line.id, line.group]
            for name in names:
                figure = line.figures.get(name)
                row += (
                    [None, None, None]
                    if figure is None
                    else [figure.value, figure.low, figure.high]
                )
            rows.append(row)
        add_sheet(workbook, gettext("Lines"), headers, rows)
        audit_rows = []
        for line in result.lines():
            if line.failed:
                continue
            for audit in result.audit(line.row):
                audit_rows.append(
                    (
                        line.row,
                        metric_label(audit.metric),
                        audit.value,
                        audit.unit,
                        audit.formula,
                        _json({k: f"{v} {u}".strip() for k, (v, u) in audit.inputs.items()}),
                        _json(
                            [
                                {
                                    "name": f.name,
                                    "value": f.value,
                                    "unit": f.unit,
                                    "source": f.factor.citation.short() if f.factor else None,
                                    "dataset": str(f.factor.dataset) if f.factor else None,
                                }
                                for f in audit.factors
                            ]
                        ),
                    )
                )
        add_sheet(
            workbook,
            gettext("Audit trail"),
            [
                gettext("Row"),
                gettext("Figure"),
                gettext("Value"),
                gettext("Unit"),
                gettext("Formula"),
                gettext("Inputs"),
                gettext("Factors"),
            ],
            audit_rows,
            widths=[10, 30, 14, 8, 60, 60, 80],
        )
        add_sheet(
            workbook,
            gettext("Problems"),
            [gettext("Row"), gettext("Product group"), gettext("Field"), gettext("Reason")],
            [(p.row, p.group, p.field or "", p.localized()) for p in result.problems],
        )
        sources = impact_sources(result)
        add_sheet(
            workbook,
            gettext("Sources"),
            [
                gettext("Publisher"),
                gettext("Year"),
                gettext("Title"),
                "URL",
                gettext("Accessed"),
                gettext("Dataset"),
            ],
            [
                (s["publisher"], s["year"], s["title"], s["url"], s["accessed"], s["dataset"])
                for s in sources
            ],
        )
        return workbook_bytes(workbook)

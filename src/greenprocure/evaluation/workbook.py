"""The bid workbook: a template made for one tender, and the bids read back from it.

:func:`write_bid_template` makes an XLSX file with an instructions sheet and one sheet per lot;
each lot sheet has a column per parameter the tender needs (requirements, criteria, life-cycle
or vehicle cost data, certificates, CO2 Performance Ladder level), the unit in each header,
data validation on every input column, and everything in the user's language. Row 2 of a lot
sheet is hidden and holds the machine keys of the columns, and a hidden sheet maps sheets to
lots, so a filled workbook reads back the same whatever the language it was made in.

:func:`read_bids_xlsx` reads a filled workbook and returns :class:`Bid` models; a bad cell
raises an error naming the file, the sheet and row, and the column. The columns of a lot are
defined once (:func:`bid_columns`) and shared with the CSV reader
(:mod:`greenprocure.evaluation.bids_csv`). Pure: bytes in, models out (no file I/O here).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic

from greenprocure._xlsx import safe_sheet_title, set_cell
from greenprocure.errors import ParseError, UnitError, ValidationError
from greenprocure.evaluation.tender import (
    FUELS,
    Bid,
    Co2Ladder,
    Lot,
    PriceDeduction,
    Tender,
)
from greenprocure.i18n import LANGUAGES, N_, catalog, use_language
from greenprocure.i18n import gettext as _
from greenprocure.units import CURRENCIES, parse_unit

__all__ = [
    "FUEL_CONSUMPTION_UNITS",
    "META_SHEET",
    "TEMPLATE_FORMAT",
    "BidColumn",
    "bid_columns",
    "column_header",
    "lot_settings",
    "read_bids_xlsx",
    "row_to_bid",
    "write_bid_template",
]

#: Identifies workbooks made by :func:`write_bid_template` (stored in the hidden sheet).
TEMPLATE_FORMAT = "greenprocure-bids/1"
#: The hidden sheet mapping sheet titles to lot ids.
META_SHEET = "_greenprocure"
#: Units a bidder may choose for the fuel (or electricity) consumption of a vehicle.
FUEL_CONSUMPTION_UNITS: tuple[str, ...] = (
    "L/(100 km)",
    "kWh/(100 km)",
    "Nm3/(100 km)",
    "MJ/km",
)
_FIRST_DATA_ROW = 3
_TEMPLATE_ROWS = 500

Kind = Literal["text", "number", "integer", "bool", "date", "choice"]


@dataclass(frozen=True, slots=True)
class BidColumn:
    """One input column of a lot: its machine key, its label and how its cells are read.

    ``key`` is ``id``, ``bidder``, ``price``, ``currency``, ``co2_ladder_level``,
    ``co2_ladder_proof``, ``equivalence_dossier``, ``param:<name>``, ``unit:<name>`` (the unit
    of a parameter whose unit the bidder chooses) or ``cert:<scheme>:number|valid_from|
    valid_to``. ``label`` is a message id formatted with ``label_params`` (translated) unless
    ``literal`` is set (a name written by the contracting authority).
    """

    key: str
    label: str
    kind: Kind
    unit: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    label_params: Mapping[str, str] = field(default_factory=dict)
    literal: bool = False

    @property
    def parameter(self) -> str | None:
        """The bid parameter this column fills (``param:`` and ``unit:`` columns)."""
        if self.key.startswith(("param:", "unit:")):
            return self.key.split(":", 1)[1]
        return None


def column_header(column: BidColumn) -> str:
    """The header shown to the bidder: label, unit in brackets, ``*`` when required."""
    text = column.label if column.literal else _(column.label).format(**column.label_params)
    if column.unit:
        text = f"{text} [{column.unit}]"
    return f"{text} *" if column.required else text


def lot_settings(tender: Tender, lot: Lot) -> dict[str, Any]:
    """What applies to a lot: its requirements plus the tender's, its award/LCC/CVD/mechanisms."""
    return {
        "requirements": tender.requirements + lot.requirements,
        "award": lot.award or tender.award,
        "lcc": lot.lcc or tender.lcc,
        "cvd": lot.cvd or tender.cvd,
        "mechanisms": tender.mechanisms if lot.mechanisms is None else lot.mechanisms,
    }


def _kind_of(value: object) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


def bid_columns(tender: Tender, lot: Lot) -> tuple[BidColumn, ...]:
    """The input columns of a lot, in order: bid, green mechanisms, parameters, certificates."""
    settings = lot_settings(tender, lot)
    columns: list[BidColumn] = [
        BidColumn("id", N_("Bid ID"), "text", required=True),
        BidColumn("bidder", N_("Bidder"), "text", required=True),
        BidColumn("price", N_("Price"), "number", unit=tender.currency, required=True, minimum=0),
        BidColumn(
            "currency",
            N_("Currency of the price (blank: tender currency)"),
            "choice",
            choices=CURRENCIES,
        ),
    ]
    mechanisms = settings["mechanisms"]
    ladders = [m for m in mechanisms if isinstance(m, Co2Ladder)]
    if ladders:
        top = max(max(ladder.scale, default=0) for ladder in ladders)
        columns.append(
            BidColumn(
                "co2_ladder_level",
                N_("CO2 Performance Ladder level"),
                "integer",
                minimum=0,
                maximum=float(top),
            )
        )
        columns.append(
            BidColumn(
                "co2_ladder_proof",
                N_("CO2 Performance Ladder proof"),
                "choice",
                choices=("certificate", "project_statement"),
            )
        )
    requirements = settings["requirements"]
    if any(r.or_equivalent for r in requirements):
        columns.append(
            BidColumn("equivalence_dossier", N_("Equivalence dossier submitted"), "bool")
        )
    parameters: dict[str, BidColumn] = {}

    def add(name: str, column: BidColumn) -> None:
        if name not in parameters:
            parameters[name] = column

    for requirement in requirements:
        if requirement.parameter:
            label = requirement.description or requirement.parameter
            add(
                requirement.parameter,
                BidColumn(
                    f"param:{requirement.parameter}",
                    label,
                    _kind_of(requirement.threshold),
                    unit=requirement.unit,
                    literal=True,
                ),
            )
    award = settings["award"]
    for criterion in award.criteria:
        if criterion.kind == "certificate" or not criterion.parameter:
            continue
        label = criterion.name or criterion.parameter
        key = f"param:{criterion.parameter}"
        if criterion.kind == "points":
            column = BidColumn(
                key, label, "number", minimum=0, maximum=criterion.scale_max, literal=True
            )
        elif criterion.kind == "pass_fail":
            column = BidColumn(key, label, "bool", literal=True)
        else:
            column = BidColumn(key, label, "number", unit=criterion.unit, literal=True)
        add(criterion.parameter, column)
    lcc = settings["lcc"]
    money = tender.currency
    if lcc is not None:
        add(
            "energy_per_year",
            BidColumn(
                "param:energy_per_year",
                N_("Energy use per year"),
                "number",
                unit="kWh",
                minimum=0,
            ),
        )
        if lcc.hours_per_year is not None:
            add(
                "power", BidColumn("param:power", N_("Power in use"), "number", unit="W", minimum=0)
            )
        for name, label in (
            ("maintenance_per_year", N_("Maintenance cost per year")),
            ("consumables_per_year", N_("Consumables cost per year")),
        ):
            add(name, BidColumn(f"param:{name}", label, "number", unit=money, minimum=0))
        add(
            "disposal_cost",
            BidColumn(
                "param:disposal_cost",
                N_("Disposal cost at end of life"),
                "number",
                unit=money,
                minimum=0,
            ),
        )
        add(
            "residual_value",
            BidColumn(
                "param:residual_value",
                N_("Residual value at end of life"),
                "number",
                unit=money,
                minimum=0,
            ),
        )
        for resource in lcc.resources:
            add(
                resource.parameter,
                BidColumn(
                    f"param:{resource.parameter}",
                    N_("{resource} use per year"),
                    "number",
                    unit=resource.unit,
                    minimum=0,
                    label_params={"resource": resource.name},
                ),
            )
    cvd = settings["cvd"]
    if cvd is not None:
        add(
            "fuel",
            BidColumn(
                "param:fuel", N_("Fuel or energy carrier"), "choice", required=True, choices=FUELS
            ),
        )
        add(
            "fuel_consumption",
            BidColumn(
                "param:fuel_consumption", N_("Fuel consumption"), "number", required=True, minimum=0
            ),
        )
        parameters["unit:fuel_consumption"] = BidColumn(
            "unit:fuel_consumption",
            N_("Unit of fuel consumption"),
            "choice",
            required=True,
            choices=FUEL_CONSUMPTION_UNITS,
        )
        for name, label in (
            ("co2", N_("CO2 emissions")),
            ("nox", N_("NOx emissions")),
            ("nmhc", N_("NMHC emissions")),
            ("pm", N_("Particulate emissions")),
        ):
            add(name, BidColumn(f"param:{name}", label, "number", unit="g/km", minimum=0))
        add(
            "mileage_covered",
            BidColumn(
                "param:mileage_covered",
                N_("Mileage already covered"),
                "number",
                unit="km",
                minimum=0,
            ),
        )
    columns.extend(parameters.values())
    for scheme in _schemes(requirements, award.criteria, mechanisms):
        params = {"scheme": scheme}
        columns.extend(
            (
                BidColumn(
                    f"cert:{scheme}:number",
                    N_("{scheme} certificate number"),
                    "text",
                    label_params=params,
                ),
                BidColumn(
                    f"cert:{scheme}:valid_from",
                    N_("{scheme} valid from"),
                    "date",
                    label_params=params,
                ),
                BidColumn(
                    f"cert:{scheme}:valid_to", N_("{scheme} valid to"), "date", label_params=params
                ),
            )
        )
    return tuple(columns)


def _schemes(
    requirements: Iterable[Any], criteria: Iterable[Any], mechanisms: Iterable[Any]
) -> list[str]:
    found: dict[str, None] = {}
    for requirement in requirements:
        found.update(dict.fromkeys(requirement.accepted_certificates))
    for criterion in criteria:
        if criterion.kind == "certificate":
            found.update(dict.fromkeys(criterion.schemes))
    for mechanism in mechanisms:
        if isinstance(mechanism, PriceDeduction):
            for rule in mechanism.rules:
                found.update(dict.fromkeys(rule.schemes))
    return list(found)


# --- reading cells -----------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template)
        self.template = template
        self.params = params


def _yes_no_words() -> tuple[set[str], set[str]]:
    yes = {"yes", "y", "true", "1", "x"}
    no = {"no", "n", "false", "0"}
    for lang in LANGUAGES:
        table = catalog(lang)
        for word, target in (("yes", yes), ("no", no)):
            value = table.get(word)
            if isinstance(value, str) and value:
                target.add(value.strip().lower())
    return yes, no


_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d[\d_\s]*)?\.?\d+(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _number(raw: object) -> tuple[float, str | None]:
    if isinstance(raw, bool):
        raise _CellError(N_("expected a number, found {value}"), value=raw)
    if isinstance(raw, int | float):
        value = float(raw)
        unit = None
    else:
        text = str(raw).strip().replace(",", "")
        match = _NUMBER_WITH_UNIT.match(text)
        if not match:
            raise _CellError(N_("expected a number, found {value}"), value=raw)
        value = float(re.sub(r"[_\s]", "", match.group(1)))
        unit = match.group(2) or None
    if not math.isfinite(value):
        raise _CellError(N_("expected a number, found {value}"), value=raw)
    return value, unit


def _date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise _CellError(N_("expected a date (YYYY-MM-DD), found {value}"), value=raw) from None


def _text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _cell(column: BidColumn, raw: object, yes_no: tuple[set[str], set[str]]) -> Any:
    """The value of one cell, or ``None`` for a blank one; raises :class:`_CellError`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise _CellError(N_("a value is required"))
        return None
    if column.kind == "text":
        return _text(raw)
    if column.kind == "date":
        return _date(raw)
    if column.kind == "bool":
        if isinstance(raw, bool):
            return raw
        word = _text(raw).lower()
        if word in yes_no[0]:
            return True
        if word in yes_no[1]:
            return False
        raise _CellError(N_("expected yes or no, found {value}"), value=raw)
    if column.kind == "choice":
        text = _text(raw)
        for choice in column.choices:
            if text == choice or text.lower() == choice.lower():
                return choice
        raise _CellError(
            N_("{value} is not one of {choices}"), value=raw, choices=", ".join(column.choices)
        )
    value, unit = _number(raw)
    if column.kind == "integer" and (not value.is_integer() or unit):
        raise _CellError(N_("expected a whole number, found {value}"), value=raw)
    if column.minimum is not None and value < column.minimum:
        raise _CellError(
            N_("{value} is below the minimum {minimum}"), value=raw, minimum=column.minimum
        )
    if column.maximum is not None and value > column.maximum:
        raise _CellError(
            N_("{value} is above the maximum {maximum}"), value=raw, maximum=column.maximum
        )
    if column.kind == "integer":
        return int(value)
    if unit is not None:
        return (value, unit)
    return value


@dataclass(frozen=True, slots=True)
class _Where:
    file: str | None
    record: str
    fields: Mapping[str, str]  # column key -> how to name the column in an error

    def error(self, key: str, template: str, **params: Any) -> ValidationError:
        return ValidationError(
            template,
            file=self.file,
            record=self.record,
            field=self.fields.get(key, key),
            **params,
        )


def row_to_bid(
    values: Mapping[str, object],
    columns: Sequence[BidColumn],
    lot: Lot,
    *,
    file: str | None,
    record: str,
    fields: Mapping[str, str],
) -> Bid:
    """One row (column key -> raw cell) as a :class:`Bid` of ``lot``.

    ``record`` names the row (sheet and row, or line) and ``fields`` the columns in errors.
    """
    where = _Where(file, record, fields)
    yes_no = _yes_no_words()
    parsed: dict[str, Any] = {}
    for column in columns:
        try:
            parsed[column.key] = _cell(column, values.get(column.key), yes_no)
        except _CellError as problem:
            raise where.error(column.key, problem.template, **problem.params) from None
    data: dict[str, Any] = {
        "id": parsed["id"],
        "bidder": parsed["bidder"],
        "lot": lot.id,
        "price": parsed["price"],
    }
    if isinstance(data["price"], tuple):
        raise where.error(
            "price", N_("write the price as a number; its currency has its own column")
        )
    for key in ("currency", "co2_ladder_level", "co2_ladder_proof", "equivalence_dossier"):
        if parsed.get(key) is not None:
            data[key] = parsed[key]
    parameters: dict[str, dict[str, Any]] = {}
    certificates: dict[str, dict[str, Any]] = {}
    by_key = {column.key: column for column in columns}
    for key, value in parsed.items():
        if value is None:
            continue
        if key.startswith("param:"):
            name = key.split(":", 1)[1]
            unit = by_key[key].unit
            if isinstance(value, tuple):
                value, unit = value
            elif f"unit:{name}" in parsed:
                unit = parsed[f"unit:{name}"]
            if unit:
                try:
                    parse_unit(unit)
                except UnitError:
                    raise where.error(key, N_("unknown unit {unit}"), unit=unit) from None
            parameters[name] = {"value": value, "unit": unit}
        elif key.startswith("cert:"):
            _, scheme, part = key.split(":", 2)
            certificates.setdefault(scheme, {"scheme": scheme})[part] = value
    data["parameters"] = parameters
    data["certificates"] = [
        {**cert, "number": str(cert.get("number", ""))} for cert in certificates.values()
    ]
    try:
        return Bid.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        location = [str(part) for part in first.get("loc", ())]
        key = location[0] if location else "id"
        if key == "parameters" and len(location) > 1:
            key = f"param:{location[1]}"
        raise where.error(
            key, N_("invalid bid {bid}: {reason}"), bid=data["id"], reason=first.get("msg", "")
        ) from exc


# --- the template ------------------------------------------------------------------------


def _validation(column: BidColumn, yes: str, no: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    error_title = _("Invalid value")
    if column.kind in {"choice", "bool"}:
        choices = (yes, no) if column.kind == "bool" else column.choices
        listed = ",".join(choices)
        if len(listed) > 250:
            return None
        check = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        check.error = _("Choose one of: {choices}").format(choices=", ".join(choices))
    elif column.kind == "date":
        check = DataValidation(
            type="date", operator="greaterThan", formula1="DATE(1900,1,1)", allow_blank=True
        )
        check.error = _("Enter a date (YYYY-MM-DD).")
    elif column.kind in {"number", "integer"}:
        kind = "whole" if column.kind == "integer" else "decimal"
        if column.minimum is not None and column.maximum is not None:
            check = DataValidation(
                type=kind,
                operator="between",
                formula1=str(column.minimum),
                formula2=str(column.maximum),
                allow_blank=True,
            )
            check.error = _("Enter a number from {minimum} to {maximum}.").format(
                minimum=column.minimum, maximum=column.maximum
            )
        elif column.minimum is not None:
            check = DataValidation(
                type=kind,
                operator="greaterThanOrEqual",
                formula1=str(column.minimum),
                allow_blank=True,
            )
            check.error = _("Enter a number of at least {minimum}.").format(minimum=column.minimum)
        else:
            check = DataValidation(
                type=kind,
                operator="between",
                formula1="-1E+300",
                formula2="1E+300",
                allow_blank=True,
            )
            check.error = _("Enter a number.")
    else:
        return None
    check.errorTitle = error_title
    check.showErrorMessage = True
    return check


def write_bid_template(tender: Tender, lang: str = "en") -> bytes:
    """The bid workbook for ``tender`` in ``lang``, as XLSX bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with use_language(lang):
        workbook = Workbook()
        if workbook.active is not None:
            workbook.remove(workbook.active)
        info = workbook.create_sheet(safe_sheet_title(_("Instructions")))
        lines: list[tuple[str, Any]] = [
            (_("Tender"), tender.title),
            (_("Buyer"), tender.buyer),
            (_("Reference"), tender.reference),
            (_("Date"), tender.date.isoformat()),
            (_("Currency"), tender.currency),
        ]
        for row, (label, value) in enumerate(lines, start=1):
            set_cell(info, row, 1, label).font = Font(bold=True)
            set_cell(info, row, 2, value)
        notes = (
            _("Enter one row per bid on the sheet of its lot, from row 3 down."),
            _("Columns marked * are required; leave a cell blank when a value does not apply."),
            _("Enter values in the unit shown in the column header."),
            _("Dates as YYYY-MM-DD; yes/no columns take the values offered in the list."),
            _("Do not rename sheets or change the hidden row 2: it links columns to the tender."),
        )
        for offset, note in enumerate(notes, start=len(lines) + 2):
            set_cell(info, offset, 1, note)
        info.column_dimensions["A"].width = 24
        info.column_dimensions["B"].width = 60
        yes, no = _("yes"), _("no")
        meta = workbook.create_sheet(META_SHEET)
        meta.sheet_state = "hidden"
        set_cell(meta, 1, 1, "format")
        set_cell(meta, 1, 2, TEMPLATE_FORMAT)
        for index, lot in enumerate(tender.effective_lots(), start=2):
            title = _("Lot {lot}").format(lot=lot.id)
            sheet = workbook.create_sheet(safe_sheet_title(title, workbook.sheetnames))
            set_cell(meta, index, 1, sheet.title)
            set_cell(meta, index, 2, lot.id)
            for position, column in enumerate(bid_columns(tender, lot), start=1):
                header = set_cell(sheet, 1, position, column_header(column))
                header.font = Font(bold=True)
                header.alignment = Alignment(wrap_text=True, vertical="top")
                set_cell(sheet, 2, position, column.key)
                letter = get_column_letter(position)
                sheet.column_dimensions[letter].width = max(12, min(36, len(header.value) + 2))
                check = _validation(column, yes, no)
                if check is not None:
                    sheet.add_data_validation(check)
                    check.add(
                        f"{letter}{_FIRST_DATA_ROW}:{letter}{_FIRST_DATA_ROW + _TEMPLATE_ROWS - 1}"
                    )
                if column.kind == "date":
                    for row in range(_FIRST_DATA_ROW, _FIRST_DATA_ROW + 50):
                        sheet.cell(row=row, column=position).number_format = "yyyy-mm-dd"
            sheet.row_dimensions[1].height = 45
            sheet.row_dimensions[2].hidden = True
            sheet.freeze_panes = sheet.cell(row=_FIRST_DATA_ROW, column=3)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


# --- reading a filled workbook -----------------------------------------------------------


def read_bids_xlsx(data: bytes, tender: Tender, filename: str | None = None) -> list[Bid]:
    """The bids of a filled bid workbook (made by :func:`write_bid_template`)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ParseError(
            N_("not an XLSX workbook: {reason}"), file=filename, reason=str(exc) or type(exc)
        ) from exc
    try:
        if META_SHEET not in workbook.sheetnames:
            raise ValidationError(
                N_(
                    "this is not a GreenProcure bid workbook (no sheet {sheet}); "
                    "make one with 'greenprocure evaluate template'"
                ),
                file=filename,
                sheet=META_SHEET,
            )
        lots = {lot.id: lot for lot in tender.effective_lots()}
        mapping: list[tuple[str, Lot]] = []
        for row in workbook[META_SHEET].iter_rows(min_row=2, values_only=True):
            if not row or row[0] is None:
                continue
            sheet_title, lot_id = str(row[0]), _text(row[1])
            if lot_id not in lots:
                raise ValidationError(
                    N_("sheet {sheet} is for lot {lot}, which the tender does not have"),
                    file=filename,
                    record=sheet_title,
                    sheet=sheet_title,
                    lot=lot_id,
                )
            if sheet_title not in workbook.sheetnames:
                raise ValidationError(
                    N_("the workbook has no sheet {sheet} (lot {lot})"),
                    file=filename,
                    sheet=sheet_title,
                    lot=lot_id,
                )
            mapping.append((sheet_title, lots[lot_id]))
        bids: list[Bid] = []
        seen: dict[str, str] = {}
        for sheet_title, lot in mapping:
            sheet = workbook[sheet_title]
            rows = sheet.iter_rows(values_only=True)
            headers = [_text(v) if v is not None else "" for v in next(rows, ())]
            keys = [_text(v) if v is not None else "" for v in next(rows, ())]
            columns = bid_columns(tender, lot)
            known = {column.key for column in columns}
            fields: dict[str, str] = {}
            for position, key in enumerate(keys, start=1):
                if not key:
                    continue
                header = headers[position - 1] if position - 1 < len(headers) else key
                where = f"{get_column_letter(position)} ({header})"
                if key not in known:
                    raise ValidationError(
                        N_(
                            "column {column} is not a column of this tender; start again from "
                            "the template of this tender"
                        ),
                        file=filename,
                        record=_("sheet {sheet}, row {row}").format(sheet=sheet_title, row=2),
                        field=where,
                        column=key,
                    )
                fields[key] = where
            for column in columns:
                if column.key not in fields:
                    raise ValidationError(
                        N_(
                            "the column {column} is missing; start again from the template of "
                            "this tender"
                        ),
                        file=filename,
                        record=_("sheet {sheet}, row {row}").format(sheet=sheet_title, row=2),
                        field=column.key,
                        column=column.key,
                    )
            for number, row in enumerate(rows, start=_FIRST_DATA_ROW):
                values = {
                    key: row[index] for index, key in enumerate(keys) if key and index < len(row)
                }
                if all(
                    v is None or (isinstance(v, str) and not v.strip()) for v in values.values()
                ):
                    continue
                record = _("sheet {sheet}, row {row}").format(sheet=sheet_title, row=number)
                bid = row_to_bid(values, columns, lot, file=filename, record=record, fields=fields)
                if bid.id in seen:
                    raise ValidationError(
                        N_("bid id {bid} is used twice (first at {first})"),
                        file=filename,
                        record=record,
                        field=fields["id"],
                        bid=bid.id,
                        first=seen[bid.id],
                    )
                seen[bid.id] = record
                bids.append(bid)
        return bids
    finally:
        workbook.close()

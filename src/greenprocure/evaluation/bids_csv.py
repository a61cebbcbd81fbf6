"""Bids from a CSV file: one line per bid, the same columns as the bid workbook.

Header names (case-sensitive, any order):

- ``id``, ``bidder``, ``price`` (required); ``currency``, ``lot`` (required when the tender has
  more than one lot), ``co2_ladder_level``, ``co2_ladder_proof``, ``equivalence_dossier``;
- a bid parameter by its name, with an optional unit in brackets (``energy_per_year``,
  ``refrigerant_gwp``, ``power [kW]``); without brackets the unit of the workbook column
  applies. A cell may carry its own unit (``18.5 kWh/(100 km)``); ``<parameter>_unit`` gives
  the unit of a parameter whose unit the bidder chooses (``fuel_consumption_unit``);
- ``cert:<scheme>`` (certificate number), ``cert:<scheme>:valid_from``,
  ``cert:<scheme>:valid_to`` (YYYY-MM-DD).

Errors name the file, the line and bid, and the column. Pure: text in, models out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from greenprocure.errors import ParseError, ValidationError
from greenprocure.evaluation.tender import Bid, Tender
from greenprocure.evaluation.workbook import BidColumn, bid_columns, row_to_bid
from greenprocure.i18n import N_
from greenprocure.i18n import gettext as _

__all__ = ["csv_header_keys", "read_bids_csv"]

_UNIT_SUFFIX = re.compile(r"^(.*?)\s*\[(.+)\]\s*$")


def csv_header_keys(header: str, columns: Mapping[str, BidColumn]) -> tuple[str, str | None]:
    """The column key of a CSV header and the unit written in brackets, if any."""
    match = _UNIT_SUFFIX.match(header)
    name, unit = (match.group(1), match.group(2)) if match else (header.strip(), None)
    if name in columns or name in {"lot"}:
        return name, unit
    if name.startswith("cert:"):
        key = name if name.count(":") == 2 else f"{name}:number"
        return key, unit
    if name.endswith("_unit") and f"unit:{name[: -len('_unit')]}" in columns:
        return f"unit:{name[: -len('_unit')]}", None
    return f"param:{name}", unit


def read_bids_csv(text: str, tender: Tender, filename: str | None = None) -> list[Bid]:
    """The bids of a CSV text (see the module docstring for the columns)."""
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as exc:
        raise ParseError(N_("not a CSV file: {reason}"), file=filename, reason=str(exc)) from exc
    if not rows:
        raise ValidationError(N_("the file has no header line"), file=filename)
    headers = [h.strip() for h in rows[0]]
    lots = {lot.id: lot for lot in tender.effective_lots()}
    per_lot = {lot_id: bid_columns(tender, lot) for lot_id, lot in lots.items()}
    all_columns: dict[str, BidColumn] = {}
    for columns in per_lot.values():
        for column in columns:
            all_columns.setdefault(column.key, column)
    keys: list[tuple[str, str | None]] = []
    for header in headers:
        key, unit = csv_header_keys(header, all_columns)
        if key != "lot" and key not in all_columns:
            known = ", ".join(
                k.removeprefix("param:") for k in all_columns if not k.startswith("unit:")
            )
            raise ValidationError(
                N_("unknown column {column}; this tender asks for: {known}"),
                file=filename,
                record=_("line {line}").format(line=1),
                field=header,
                column=header,
                known=known,
            )
        keys.append((key, unit))
    if "lot" not in [k for k, _u in keys] and len(lots) > 1:
        raise ValidationError(
            N_("the tender has several lots: add a column {column}"), file=filename, column="lot"
        )
    bids: list[Bid] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values: dict[str, object] = {}
        for index, (key, unit) in enumerate(keys):
            cell = row[index] if index < len(row) else ""
            numeric = key != "lot" and all_columns[key].kind in {"number", "integer"}
            if unit and numeric and cell.strip():
                cell = f"{cell.strip()} {unit}"
            values[key] = cell
        record = _("line {line}").format(line=line)
        lot_id = str(values.pop("lot", "") or "").strip() or next(iter(lots))
        if lot_id not in lots:
            raise ValidationError(
                N_("lot {lot} is not a lot of the tender ({known})"),
                file=filename,
                record=record,
                field="lot",
                lot=lot_id,
                known=", ".join(lots),
            )
        columns = per_lot[lot_id]
        fields = {k: h for (k, _u), h in zip(keys, headers, strict=False)}
        own = {column.key for column in columns}
        for key, found in values.items():
            if key not in own and str(found).strip():
                raise ValidationError(
                    N_("column {column} does not apply to lot {lot}"),
                    file=filename,
                    record=record,
                    field=fields.get(key, key),
                    column=fields.get(key, key),
                    lot=lot_id,
                )
        bid = row_to_bid(values, columns, lots[lot_id], file=filename, record=record, fields=fields)
        if bid.id in seen:
            raise ValidationError(
                N_("bid id {bid} is used twice (first at {first})"),
                file=filename,
                record=record,
                field=fields.get("id", "id"),
                bid=bid.id,
                first=_("line {line}").format(line=seen[bid.id]),
            )
        seen[bid.id] = line
        bids.append(bid)
    return bids

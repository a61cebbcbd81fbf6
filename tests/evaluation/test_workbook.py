"""The bid workbook: template -> fill -> read gives the same bids; bad cells are located."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from greenprocure.errors import ParseError, ValidationError
from greenprocure.evaluation import Bid, Tender, parse_tender
from greenprocure.evaluation.bids_csv import read_bids_csv
from greenprocure.evaluation.workbook import (
    META_SHEET,
    bid_columns,
    read_bids_xlsx,
    write_bid_template,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "evaluation"
NAMES = ["street_lighting", "air_conditioners", "air_conditioners_korea"]


def _tender(name: str) -> Tender:
    return parse_tender(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")))


def _cells(bid: Bid) -> dict[str, Any]:
    """The cells a bidder would type for ``bid``, by column key."""
    cells: dict[str, Any] = {"id": bid.id, "bidder": bid.bidder, "price": bid.price}
    if bid.currency:
        cells["currency"] = bid.currency
    if bid.co2_ladder_level is not None:
        cells["co2_ladder_level"] = bid.co2_ladder_level
    for name, value in bid.parameters.items():
        cells[f"param:{name}"] = value.value
    for cert in bid.certificates:
        cells[f"cert:{cert.scheme}:number"] = cert.number
        cells[f"cert:{cert.scheme}:valid_from"] = cert.valid_from
        cells[f"cert:{cert.scheme}:valid_to"] = cert.valid_to
    return cells


def _fill(template: bytes, rows: list[dict[str, Any]], sheet_index: int = 0) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    lot_sheets = [name for name in workbook.sheetnames if name != META_SHEET][1:]
    sheet = workbook[lot_sheets[sheet_index]]
    keys = [cell.value for cell in sheet[2]]
    for offset, row in enumerate(rows):
        for column, key in enumerate(keys, start=1):
            if key in row and row[key] is not None:
                sheet.cell(row=3 + offset, column=column, value=row[key])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "zh", "ko", "ja"])
def test_template_round_trips_the_bids(name: str, lang: str) -> None:
    tender = _tender(name)
    filled = _fill(write_bid_template(tender, lang), [_cells(b) for b in tender.bids])
    read = read_bids_xlsx(filled, tender, "bids.xlsx")
    expected = [b.model_copy(update={"lot": "1"}) for b in tender.bids]
    assert read == expected


def test_template_headers_are_translated_and_carry_units() -> None:
    tender = _tender("street_lighting")
    workbook = load_workbook(io.BytesIO(write_bid_template(tender, "ja")))
    assert workbook[META_SHEET].sheet_state == "hidden"
    sheet = workbook[workbook.sheetnames[2]]
    headers = [cell.value for cell in sheet[1]]
    keys = [cell.value for cell in sheet[2]]
    assert keys[:3] == ["id", "bidder", "price"]
    assert headers[2].endswith("[GBP] *")
    assert "入札" in headers[0]  # Japanese labels
    assert any(h.endswith("[W]") for h in headers)
    assert any(h.endswith("[lm/W]") for h in headers)
    assert sheet.row_dimensions[2].hidden
    validated = {
        str(rng) for dv in sheet.data_validations.dataValidation for rng in dv.sqref.ranges
    }
    assert any(rng.startswith("C3:") for rng in validated)  # the price column is validated


def test_columns_cover_cvd_ladder_and_certificates() -> None:
    vehicles = _tender("vehicles")
    keys = [c.key for c in bid_columns(vehicles, vehicles.effective_lots()[0])]
    for key in (
        "param:fuel",
        "param:fuel_consumption",
        "unit:fuel_consumption",
        "param:co2",
        "param:nox",
        "param:nmhc",
        "param:pm",
        "co2_ladder_level",
    ):
        assert key in keys
    ac = _tender("air_conditioners")
    keys = [c.key for c in bid_columns(ac, ac.effective_lots()[0])]
    assert "cert:china-energy-saving:number" in keys
    assert "cert:china-environmental-label:valid_to" in keys
    assert "param:service_points" in keys


def _bad(rows: list[dict[str, Any]], name: str = "air_conditioners") -> ValidationError:
    tender = _tender(name)
    filled = _fill(write_bid_template(tender, "en"), rows)
    with pytest.raises(ValidationError) as caught:
        read_bids_xlsx(filled, tender, "bids.xlsx")
    return caught.value


def test_text_in_a_number_cell_names_sheet_row_and_column() -> None:
    cells = _cells(_tender("air_conditioners").bids[0])
    cells["param:apf"] = "five"
    error = _bad([cells])
    assert error.file == "bids.xlsx"
    assert error.record == "sheet Lot 1, row 3"
    assert error.field is not None
    assert error.field == "G (Annual performance factor (APF))"
    assert "expected a number, found five" in str(error)


def test_missing_required_cell_and_bad_date_and_range() -> None:
    tender = _tender("air_conditioners")
    first, second = (_cells(b) for b in tender.bids[:2])
    del second["bidder"]
    error = _bad([first, second])
    assert error.record == "sheet Lot 1, row 4"
    assert error.field is not None
    assert "Bidder" in error.field
    assert "a value is required" in str(error)

    first = _cells(tender.bids[0])
    first["cert:china-energy-saving:valid_to"] = "end of 2025"
    assert "expected a date" in str(_bad([first]))

    first = _cells(tender.bids[0])
    first["param:service_points"] = 12
    error = _bad([first])
    assert "above the maximum 10" in str(error)


def test_duplicate_bid_id_is_refused() -> None:
    tender = _tender("air_conditioners")
    first = _cells(tender.bids[0])
    error = _bad([first, dict(first)])
    assert "used twice" in str(error)
    assert error.record == "sheet Lot 1, row 4"


def test_not_a_workbook_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not an XLSX workbook") as caught:
        read_bids_xlsx(b"id,bidder\n", _tender("air_conditioners"), "bids.xlsx")
    assert caught.value.file == "bids.xlsx"


def test_foreign_workbook_is_refused() -> None:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with pytest.raises(ValidationError, match="not a GreenProcure bid workbook"):
        read_bids_xlsx(buffer.getvalue(), _tender("air_conditioners"), "x.xlsx")


def test_yes_no_accepts_every_language() -> None:
    from greenprocure.evaluation.workbook import BidColumn, _cell, _yes_no_words

    column = BidColumn("param:x", "x", "bool")
    words = _yes_no_words()
    assert _cell(column, "はい", words) is True
    assert _cell(column, "아니요", words) is False
    assert _cell(column, "是", words) is True
    assert _cell(column, True, words) is True


def test_csv_reads_vehicle_bids_with_units() -> None:
    tender = _tender("vehicles")
    text = (EXAMPLES / "vehicles_bids.csv").read_text(encoding="utf-8")
    bids = read_bids_csv(text, tender, "vehicles_bids.csv")
    assert [b.id for b in bids] == ["V-1", "V-2", "V-3", "V-4"]
    electric = bids[2]
    assert electric.parameters["fuel"].value == "electricity"
    assert electric.parameters["fuel_consumption"].unit == "kWh/(100 km)"
    assert electric.parameters["co2"].unit == "g/km"
    assert electric.co2_ladder_level == 5
    assert bids[0].co2_ladder_level is None


def test_csv_errors_name_line_and_column() -> None:
    tender = _tender("vehicles")
    text = (EXAMPLES / "vehicles_bids.csv").read_text(encoding="utf-8")
    broken = text.replace(
        "V-3,Stroom Fleet BV (illustrative),671000,electricity,17.0",
        "V-3,Stroom Fleet BV (illustrative),671000,electricity,lots",
    )
    with pytest.raises(ValidationError) as caught:
        read_bids_csv(broken, tender, "vehicles_bids.csv")
    assert caught.value.record == "line 4"
    assert caught.value.field == "fuel_consumption"

    with pytest.raises(ValidationError, match="unknown column fuel_consumtion") as unknown:
        read_bids_csv(text.replace("fuel_consumption,", "fuel_consumtion,", 1), tender, "v.csv")
    assert unknown.value.record == "line 1"

    with pytest.raises(ValidationError, match="unknown unit") as unit:
        read_bids_csv(text.replace("co2 [g/km]", "co2 [g/zorks]"), tender, "v.csv")
    assert unit.value.record == "line 2"
    assert unit.value.field == "co2 [g/zorks]"

"""Purchase register: formats, units, and whole-file validation naming row and column."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from greenprocure.errors import ParseError
from greenprocure.impact import (
    ImpactSettings,
    RegisterError,
    parse_register,
    quantify,
    read_register,
)

SETTINGS = ImpactSettings(country="CN", year=2022)
LINE = {
    "group": "lighting",
    "quantity": 10,
    "power": 20,
    "baseline_power": 58,
    "hours": 1000,
    "years": 2,
    "grid_factor": 0.5,
}


def _co2e(register_bytes: bytes, name: str) -> float:
    result = quantify(read_register(register_bytes, name), SETTINGS)
    return result.totals["co2e_period"].value


def test_csv_yaml_json_and_xlsx_give_the_same_result() -> None:
    header = ",".join(LINE)
    values = ",".join(str(v) for v in LINE.values())
    csv_bytes = f"{header}\n{values}\n".encode()
    json_bytes = json.dumps([LINE]).encode()
    yaml_bytes = ("lines:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in LINE.items())).encode()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "register"
    sheet.append(list(LINE))
    sheet.append(["# help row: ignored"] + [""] * (len(LINE) - 1))
    sheet.append(list(LINE.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    expected = 10 * (58 - 20) * 1000 / 1000 * 0.5 / 1000 * 2
    for data, name in (
        (csv_bytes, "r.csv"),
        (json_bytes, "r.json"),
        (yaml_bytes, "r.yaml"),
        (buffer.getvalue(), "r.xlsx"),
    ):
        assert _co2e(data, name) == pytest.approx(expected), name


def test_every_problem_is_reported_with_row_and_column() -> None:
    rows = [
        {**LINE, "power": "20 kg"},  # wrong unit
        {**LINE, "group": "bicycles"},  # unknown group
        {k: v for k, v in LINE.items() if k != "hours"},  # missing value
        {**LINE, "control_savings": 1.5},  # out of range
        {**LINE, "colour": "red"},  # unknown column
    ]
    with pytest.raises(RegisterError) as caught:
        parse_register(rows, source="register.csv", labels=[f"row {i}" for i in range(2, 7)])
    where = {(p.record, p.field) for p in caught.value.problems}
    assert ("row 2", "power") in where
    assert ("row 3", "group") in where
    assert ("row 4", "hours") in where
    assert ("row 5", "control_savings") in where
    assert ("row 6", "colour") in where
    assert all(p.file == "register.csv" for p in caught.value.problems)
    assert "5 problems" in str(caught.value)


def test_money_needs_a_currency() -> None:
    with pytest.raises(RegisterError) as caught:
        parse_register([{**LINE, "energy_price": 0.2}])
    (problem,) = caught.value.problems
    assert problem.field == "energy_price"
    assert "currency" in str(problem)


def test_currency_in_the_unit_sets_the_line_currency() -> None:
    register = parse_register([{**LINE, "energy_price": "200 EUR/MWh"}])
    batch = register.batches[0]
    assert batch.numbers["energy_price"][0] == pytest.approx(0.2)


def test_money_in_another_currency_is_converted_from_it() -> None:
    # 10 x (58 - 20) W x 1000 h = 380 kWh/year, at 0.2 EUR/kWh: 76 EUR/year over 2 years.
    in_unit = parse_register([{**LINE, "energy_price": "0.2 EUR/kWh"}])
    in_column = parse_register([{**LINE, "energy_price": 0.2, "currency": "EUR"}])
    assert in_unit.batches[0].text("currency")[0] == "EUR"
    settings = ImpactSettings(country="CN", year=2022, currency="CNY")
    by_unit = quantify(in_unit, settings).totals["money"].value
    by_column = quantify(in_column, settings).totals["money"].value
    assert by_unit == pytest.approx(by_column)
    assert by_unit != pytest.approx(2 * 76.0)  # converted to CNY, not taken as CNY


def test_the_report_currency_is_that_of_the_first_line_giving_one() -> None:
    rows = [
        LINE,
        {**LINE, "energy_price": 0.1, "currency": "USD"},
        {**LINE, "energy_price": 0.1, "currency": "CNY"},
    ]
    result = quantify(parse_register(rows), ImpactSettings(country="CN", year=2022))
    assert result.currency == "USD"  # the first given, not the alphabetically first (CNY)


def test_a_unit_currency_that_contradicts_the_line_is_reported() -> None:
    with pytest.raises(RegisterError) as caught:
        parse_register([{**LINE, "energy_price": "0.2 EUR/kWh", "currency": "CNY"}])
    (problem,) = caught.value.problems
    assert (problem.record, problem.field) == ("line 1", "energy_price")
    assert "EUR" in str(problem)
    assert "CNY" in str(problem)


@pytest.mark.parametrize("name", ["r.json", "r.yaml", "r.csv"])
def test_a_byte_order_mark_is_ignored(name: str) -> None:
    if name == "r.csv":
        text = ",".join(LINE) + "\n" + ",".join(str(v) for v in LINE.values()) + "\n"
    else:
        text = json.dumps([LINE])  # JSON is YAML too
    data = b"\xef\xbb\xbf" + text.encode()
    assert _co2e(data, name) == pytest.approx(10 * (58 - 20) * 1000 / 1000 * 0.5 / 1000 * 2)


def test_unsupported_format_and_broken_files_are_parse_errors() -> None:
    with pytest.raises(ParseError):
        read_register(b"x", "register.txt")
    with pytest.raises(ParseError):
        read_register(b"not: [valid", "register.yaml")
    with pytest.raises(ParseError):
        read_register(b"PK\x03\x04broken", "register.xlsx")


def test_a_line_whose_factor_is_missing_is_reported_not_dropped() -> None:
    rows = [
        {**LINE, "grid_factor": None},  # needs the grid factor of MN 2022
        LINE,
    ]
    register = parse_register(rows)
    result = quantify(register, ImpactSettings(country="MN", year=2022))
    (problem,) = result.problems
    assert problem.row == "line 1"
    assert problem.field == "grid_factor"
    lines = list(result.lines())
    assert lines[0].failed
    assert not lines[1].failed
    assert result.totals["co2e_period"].value == pytest.approx(0.38)


def test_a_missing_exchange_rate_leaves_only_money_out() -> None:
    rows = [
        {**LINE, "energy_price": 0.1, "currency": "CNY"},
        {**LINE, "energy_price": 0.1, "currency": "XYZ"},
    ]
    register = parse_register(rows)
    result = quantify(register, ImpactSettings(country="CN", year=2022, currency="CNY"))
    (problem,) = result.problems
    assert problem.field == "currency"
    assert problem.row == "line 2"
    first, second = result.lines()
    assert "money" in first.figures
    assert "money" not in second.figures
    assert second.figures["co2e_period"].value == first.figures["co2e_period"].value

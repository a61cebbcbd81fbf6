"""``greenprocure evaluate``: run on each bundled example, template, schema, clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from greenprocure.cli.app import build_app
from greenprocure.evaluation import tender_json_schema
from greenprocure.i18n import use_language

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "evaluation"


def _flat(text: str) -> str:
    """Console output without whitespace (rich wraps long lines, even inside a path)."""
    return "".join(text.split())


def _has(output: str, expected: str) -> bool:
    return _flat(expected) in output


def _invoke(*args: str, lang: str = "en") -> tuple[int, str]:
    with use_language(lang):
        result = CliRunner().invoke(build_app(), list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("tender", "bids", "winner", "excluded"),
    [
        ("street_lighting.yaml", None, "SL-C", ["SL-D"]),
        ("vehicles.yaml", "vehicles_bids.csv", "V-3", []),
        ("air_conditioners.yaml", None, "AC-4", ["AC-3", "AC-5"]),
        ("air_conditioners_korea.yaml", None, "KR-3", ["KR-2"]),
    ],
)
def test_run_json_on_each_example(
    tender: str, bids: str | None, winner: str, excluded: list[str]
) -> None:
    args = ["evaluate", "run", str(EXAMPLES / tender)]
    if bids:
        args.append(str(EXAMPLES / bids))
    code, output = _invoke(*args, "--format", "json")
    assert code == 0, output
    data = json.loads(output)
    lot = data["lots"][0]
    assert lot["winner"] == winner
    assert sorted(b["bid"] for b in lot["bids"] if b["excluded"]) == excluded
    again = _invoke(*args, "--format", "json")[1]
    assert again == output  # deterministic


def test_vehicle_ladder_changes_the_winner_on_evaluated_not_contract_price() -> None:
    code, output = _invoke(
        "evaluate",
        "run",
        str(EXAMPLES / "vehicles.yaml"),
        str(EXAMPLES / "vehicles_bids.csv"),
        "--format",
        "json",
    )
    assert code == 0
    bid = next(b for b in json.loads(output)["lots"][0]["bids"] if b["bid"] == "V-3")
    assert bid["contract_price"] == 671000
    assert bid["evaluated_price"] == pytest.approx(671000 * 0.9)


def test_table_output_names_the_winner_in_korean() -> None:
    code, output = _invoke("evaluate", "run", str(EXAMPLES / "air_conditioners.yaml"), lang="ko")
    assert code == 0
    assert "순위" in output
    assert "AC-4" in output


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_report_formats_are_written(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    code, output = _invoke(
        "evaluate",
        "run",
        str(EXAMPLES / "street_lighting.yaml"),
        "--format",
        fmt,
        "--output",
        str(target),
    )
    assert code == 0, output
    assert target.stat().st_size > 1000
    assert not list(tmp_path.glob(".*.tmp"))


def test_template_then_run_with_the_filled_workbook(tmp_path: Path) -> None:
    tender = EXAMPLES / "air_conditioners_korea.yaml"
    target = tmp_path / "bids.xlsx"
    code, output = _invoke("evaluate", "template", str(tender), "--output", str(target), lang="ko")
    assert code == 0, output
    workbook = load_workbook(target)
    sheet = workbook[workbook.sheetnames[2]]
    keys = [c.value for c in sheet[2]]
    rows = [
        {
            "id": "K-1",
            "bidder": "가나다 (illustrative)",
            "price": 1000,
            "param:refrigerant_gwp": 675,
            "cert:korea-eco-label:number": "EL-1",
            "cert:korea-eco-label:valid_to": "2030-01-01",
        },
        {
            "id": "K-2",
            "bidder": "라마바 (illustrative)",
            "price": 900,
            "param:refrigerant_gwp": 675,
        },
    ]
    for offset, row in enumerate(rows):
        for column, key in enumerate(keys, start=1):
            if key in row:
                sheet.cell(row=3 + offset, column=column, value=row[key])
    workbook.save(target)
    code, output = _invoke("evaluate", "run", str(tender), str(target), "--format", "json")
    assert code == 0, output
    lot = json.loads(output)["lots"][0]
    assert lot["winner"] == "K-1"  # K-2 is cheaper but holds no green-product certificate
    assert [b["bid"] for b in lot["bids"] if b["excluded"]] == ["K-2"]


def test_bad_workbook_cell_is_a_clear_error(tmp_path: Path) -> None:
    tender = EXAMPLES / "air_conditioners_korea.yaml"
    target = tmp_path / "bids.xlsx"
    _invoke("evaluate", "template", str(tender), "--output", str(target))
    workbook = load_workbook(target)
    sheet = workbook[workbook.sheetnames[2]]
    sheet["A3"], sheet["B3"], sheet["C3"] = "K-1", "X", "cheap"
    workbook.save(target)
    code, output = _invoke("evaluate", "run", str(tender), str(target))
    output = _flat(output)
    assert code == 2
    assert _has(output, "sheet Lot 1, row 3")
    assert _has(output, "C (Price [KRW] *)")
    assert _has(output, "expected a number, found cheap")


def test_bad_tender_file_names_file_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "tender.yaml"
    broken.write_text("title: x\nbuyer: y\ncountry: NL\ncurrency: EURO\ndate: 2024-01-01\n")
    code, output = _invoke("evaluate", "run", str(broken))
    output = _flat(output)
    assert code == 2
    assert _has(output, "tender.yaml")
    assert _has(output, "currency")
    malformed = tmp_path / "bad.json"
    malformed.write_text("{not json")
    code, output = _invoke("evaluate", "run", str(malformed))
    output = _flat(output)
    assert code == 2
    assert _has(output, "malformed tender file")
    code, output = _invoke("evaluate", "run", str(tmp_path / "missing.yaml"))
    output = _flat(output)
    assert code == 2
    assert _has(output, "file not found")


def test_schema_is_printed_and_the_docs_copy_is_current() -> None:
    code, output = _invoke("evaluate", "schema")
    assert code == 0
    printed = json.loads(output)
    assert printed == tender_json_schema()
    documented = json.loads((ROOT / "docs" / "tender-schema.json").read_text("utf-8"))
    assert documented == printed, (
        "docs/tender-schema.json is stale: greenprocure evaluate schema -o docs/tender-schema.json"
    )


def test_template_is_a_workbook_in_the_asked_language(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    code, _output = _invoke(
        "evaluate", "template", str(EXAMPLES / "vehicles.yaml"), "-o", str(target), lang="zh"
    )
    assert code == 0
    workbook = load_workbook(io.BytesIO(target.read_bytes()))
    assert workbook.sheetnames[0] == "填写说明"
    headers = [c.value for c in workbook[workbook.sheetnames[2]][1]]
    assert "燃料消耗 *" in headers

"""``greenprocure impact``: run in every format, templates that read back, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from greenprocure.cli.app import build_app
from greenprocure.i18n import use_language
from greenprocure.impact import RegisterError, read_register

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "impact"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), list(args))
    return result.exit_code, result.output


def test_run_table_shows_totals_and_equivalences() -> None:
    code, output = _run(
        "impact", "run", str(EXAMPLES / "city-register.yaml"), "--country", "CN", "--year", "2022"
    )
    assert code == 0, output
    assert "CO2e avoided over the period" in output
    assert "passenger cars driven for one year" in output


def test_run_json_has_lines_audit_and_sources(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    code, output = _run(
        "impact", "run", str(EXAMPLES / "rotterdam-fleet.csv"), "--country", "NL",
        "--year", "2023", "--format", "json", "--output", str(target),
    )  # fmt: skip
    assert code == 0, output
    data = json.loads(target.read_text())
    assert data["totals"]["co2e_annual"]["value"] == pytest.approx(33.0)
    assert data["lines"][0]["audit"][0]["formula"]


@pytest.mark.parametrize("lang", ["en", "zh", "ko", "ja"])
def test_html_and_xlsx_in_every_language(tmp_path: Path, lang: str) -> None:
    with use_language(lang):
        for fmt in ("html", "xlsx"):
            target = tmp_path / f"r.{fmt}"
            code, output = _run(
                "impact", "run", str(EXAMPLES / "city-register.yaml"), "--country", "CN",
                "--year", "2022", "--format", fmt, "--output", str(target),
            )  # fmt: skip
            assert code == 0, output
            assert target.stat().st_size > 1000
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "epa.gov" in html


def test_template_reads_back_and_reports_missing_values(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    with use_language("ja"):
        code, output = _run("impact", "template", "lighting", "--output", str(target))
    assert code == 0, output
    book = openpyxl.load_workbook(target)
    sheet = book["register"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "group"
    assert "power [W]" in headers
    sheet.append(["lighting", "L1", None, 10, 2])  # id, description, quantity, years
    book.save(target)
    with pytest.raises(RegisterError) as caught:
        read_register(target.read_bytes(), "t.xlsx")
    fields = {p.field for p in caught.value.problems}
    assert {"power", "baseline_power", "hours"} <= fields
    assert {p.record for p in caught.value.problems} == {"row 3"}


def test_bad_register_exits_2_with_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("group,quantity,power\nlighting,10,20 kg\n", encoding="utf-8")
    code, output = _run("impact", "run", str(bad), "--country", "CN", "--year", "2022")
    assert code == 2
    assert "row 2" in output
    assert "power" in output


def test_unknown_group_for_template() -> None:
    code, output = _run("impact", "template", "bicycles")
    assert code == 2
    assert "lighting" in output


def test_claim_command_flags_rotterdam() -> None:
    fleet = str(EXAMPLES / "rotterdam-fleet.csv")
    common = ["impact", "claim", fleet, "--country", "NL", "--year", "2023", "--units", "22"]
    code, output = _run(*common, "--value", "726")
    assert code == 1
    assert "22.000" in output
    assert "fleet total was probably multiplied again" in output
    code, output = _run(*common, "--value", "33")
    assert code == 0, output


def test_claim_names_the_lines_it_could_not_quantify(tmp_path: Path) -> None:
    register = tmp_path / "r.csv"
    register.write_text("group,quantity,years,generation\nrenewables,1,1,1000\n", "utf-8")
    # No location-based grid factor for Mongolia: the recomputed 0 t must not stand unexplained.
    code, output = _run(
        "impact", "claim", str(register), "--country", "MN", "--year", "2022", "--value", "5"
    )
    assert code == 1
    flat = " ".join(output.split())
    assert "Not quantified: row 2 (renewables), grid_factor" in flat

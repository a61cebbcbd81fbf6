"""The data-package reader checks what it loads and answers lookups without silent fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenprocure.errors import FactorNotFoundError, ReferenceIntegrityError
from greenprocure.reference import load_package

DESCRIPTOR = {
    "name": "demo",
    "version": "1.0.0",
    "licenses": [{"name": "CC-BY-4.0"}],
    "sources": [
        {
            "id": "s1",
            "title": "Demo factors",
            "publisher": "Demo agency",
            "year": 2024,
            "path": "https://example.org/demo",
            "accessed": "2026-11-22",
        }
    ],
    "resources": [
        {"name": "grid", "path": "grid.csv", "schema": {"primaryKey": ["region", "period"]}}
    ],
}
HEADER = "region,period,value,unit,source,note\n"


def _write(tmp_path: Path, rows: str, descriptor: dict[str, object] | None = None) -> Path:
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor or DESCRIPTOR))
    (tmp_path / "grid.csv").write_text(HEADER + rows)
    return tmp_path


def test_lookup_by_year_and_its_citation(tmp_path: Path) -> None:
    rows = "MN,2019-2022,0.8,kg/kWh,s1,\nCN,2022,0.5366,kg/kWh,s1,\n"
    package = load_package(_write(tmp_path, rows))  # type: ignore[arg-type]
    factor = package.table("grid").get_for_year(2020, region="MN")
    assert factor.value == pytest.approx(0.8)
    assert factor.period == "2019-2022"
    assert factor.citation.publisher == "Demo agency"
    assert str(factor.dataset) == "demo@1.0.0"
    assert factor.to("g/kWh") == pytest.approx(800)


def test_missing_year_names_what_exists(tmp_path: Path) -> None:
    rows = "MN,2019-2022,0.8,kg/kWh,s1,\n"
    table = load_package(_write(tmp_path, rows)).table("grid")  # type: ignore[arg-type]
    with pytest.raises(FactorNotFoundError, match=r"MN in 2024; available: 2019-2022"):
        table.get_for_year(2024, region="MN")
    with pytest.raises(FactorNotFoundError, match=r"available region: MN"):
        table.get_for_year(2024, region="KR")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("CN,2022,0.5,bananas/kWh,s1,\n", "not a pint unit"),
        ("CN,2022,0.5,kg/kWh,nope,\n", "not declared"),
        ("CN,2022,0.5,kg/kWh,s1,\nCN,2022,0.6,kg/kWh,s1,\n", "duplicate key"),
        ("China,2022,0.5,kg/kWh,s1,\n", "not an ISO 3166 code"),
        ("CN,22,0.5,kg/kWh,s1,\n", "not YYYY"),
        ("CN,2022,abc,kg/kWh,s1,\n", "not a number"),
    ],
)
def test_integrity_errors_name_the_row(tmp_path: Path, rows: str, message: str) -> None:
    with pytest.raises(ReferenceIntegrityError, match=message) as caught:
        load_package(_write(tmp_path, rows))  # type: ignore[arg-type]
    assert "grid.csv row" in str(caught.value)

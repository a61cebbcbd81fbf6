"""Methodology pages of the evaluation engine: each states its source and a worked example
that runs as a golden case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "lcc",
    "cvd",
    "award-methods",
    "price-formulas",
    "co2-ladder",
    "price-deduction",
    "compliance",
    "sensitivity",
)


@pytest.mark.parametrize("page", PAGES)
def test_page_has_formula_and_a_worked_example_that_runs(page: str) -> None:
    text = (ROOT / "docs" / "methodology" / f"{page}.md").read_text(encoding="utf-8")
    assert "## Worked example" in text
    cases = re.findall(r"tests/golden/evaluation/([a-z0-9_]+\.yaml)", text)
    assert cases, f"{page}.md names no golden case"
    for case in cases:
        data = yaml.safe_load((ROOT / "tests" / "golden" / "evaluation" / case).read_text())
        assert data["expected"]
        assert data["source"]


def test_headline_numbers_of_the_pages_are_the_golden_numbers() -> None:
    cvd = (ROOT / "docs" / "methodology" / "cvd.md").read_text(encoding="utf-8")
    ladder = (ROOT / "docs" / "methodology" / "co2-ladder.md").read_text(encoding="utf-8")
    assert "7 190.70" in cvd
    assert "28 800 000" in ladder

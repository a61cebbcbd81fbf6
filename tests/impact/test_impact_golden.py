"""Golden cases per model: hand-computed expectations in tests/golden/impact/*.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from greenprocure.impact import MODELS, ImpactSettings, parse_register, quantify

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "impact"


def _cases() -> list[Any]:
    found = []
    for path in sorted(GOLDEN.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            found.append(pytest.param(document, case, id=f"{path.stem}: {case['name']}"))
    return found


def test_every_model_has_a_golden_file() -> None:
    assert {p.stem for p in GOLDEN.glob("*.yaml")} == {m.group for m in MODELS}
    for path in GOLDEN.glob("*.yaml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert document["source"], path
        assert all(case.get("arithmetic") for case in document["cases"]), path


@pytest.mark.parametrize(("document", "case"), _cases())
def test_golden(document: dict[str, Any], case: dict[str, Any]) -> None:
    line = {"group": document["model"], **case["line"]}
    register = parse_register([line], source="golden")
    result = quantify(register, ImpactSettings(**document["settings"]))
    assert not result.problems, [p.message for p in result.problems]
    (only,) = list(result.lines())
    for metric, expected in case["expected"].items():
        assert metric in only.figures, metric
        assert only.figures[metric].value == pytest.approx(expected, rel=1e-6, abs=1e-9), metric
    for metric in case.get("absent", []):
        assert metric not in only.figures, metric

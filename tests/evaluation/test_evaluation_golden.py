"""Golden cases of the evaluation engine: tests/golden/evaluation/*.yaml.

Each file holds a tender with inline bids, the expected ranking and values, and the source of
the expected values (a published example or a hand computation shown in the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from greenprocure.evaluation import BidResult, LotResult, evaluate, parse_tender

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "evaluation"
CASES = sorted(GOLDEN.glob("*.yaml"))


def _get(result: BidResult, dotted: str) -> Any:
    value: Any = result.to_dict()
    for part in dotted.split("."):
        value = value[part]
    return value


def _check_value(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, rel=1e-7, abs=1e-6), where
    else:
        assert actual == expected, where


def _check_lot(lot: LotResult, expected: dict[str, Any]) -> None:
    assert list(lot.ranking) == expected["ranking"]
    if "excluded" in expected:
        assert [b.bid for b in lot.excluded] == expected["excluded"]
        for bid in lot.excluded:
            assert bid.exclusions, f"{bid.bid} excluded without a reason"
    for bid_id, values in expected.get("bids", {}).items():
        result = lot.bid(bid_id)
        for key, value in values.items():
            _check_value(_get(result, key), value, f"{bid_id}.{key}")
    intervals = {s.criterion: s.to_dict() for s in lot.sensitivity}
    for name, values in expected.get("sensitivity", {}).items():
        for key, value in values.items():
            _check_value(intervals[name][key], value, f"sensitivity {name}.{key}")


def test_golden_cases_exist() -> None:
    names = {case.stem for case in CASES}
    assert {"cvd_olc", "lcc_art68", "meat_ranking", "co2_ladder", "china_deduction"} <= names


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["source"].strip(), "a golden case must state its source"
    result = evaluate(parse_tender(data["tender"], file=str(case)))
    for lot_id, expected in data["expected"].items():
        _check_lot(result.lot(str(lot_id)), expected)

"""Green detection: golden cases, tender-level inheritance, normalisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from greenprocure.monitoring import detect_green
from greenprocure.monitoring.green import normalise_goal

GOLDEN = Path(__file__).resolve().parents[1] / "golden/monitoring/green_detection.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    result = detect_green(case["lot"], "tender/lots/0").to_dict()
    for key, value in case["expected"].items():
        assert result[key] == value, key


def test_tender_level_sustainability_applies_to_lots() -> None:
    tender = {"sustainability": [{"goal": "environmental.circularEconomy"}], "lots": [{"id": "1"}]}
    result = detect_green(tender["lots"][0], "tender/lots/0", tender=tender)
    assert result.is_green
    assert result.evidence == ("tender/sustainability/0/goal=environmental.circularEconomy",)


def test_compiled_release_reads_its_tender() -> None:
    release = {"ocid": "o", "tender": {"coveredBy": ["eu-cvd"]}}
    assert detect_green(release).cvd


def test_award_items_give_the_cvd_contract_type() -> None:
    award = {
        "items": [
            {
                "additionalClassifications": [
                    {"scheme": "eu-cvd-contract-type", "id": "pass-tran-serv"}
                ]
            }
        ]
    }
    result = detect_green({"coveredBy": ["EU-CVD"]}, "tender/lots/0", awards=[(3, award)])
    assert result.cvd_contract_type == "pass-tran-serv"
    assert "awards/3/items/0/additionalClassifications/0/id=pass-tran-serv" in result.evidence


def test_normalise_goal() -> None:
    assert normalise_goal(" social.humanRightsInSupplyChain ") == "social.humanRightsInSupplyChains"
    assert normalise_goal("environmental.recycling") == "environmental.recycling"

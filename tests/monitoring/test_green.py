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


def test_whole_compiled_release_and_vehicle_counts(shared_data: Path) -> None:
    import orjson

    path = shared_data / "eforms/ted-doffin/ocds/can_24_maximal_release_0.json"
    release = orjson.loads(path.read_bytes())
    result = detect_green(release)
    assert result.is_green
    assert result.cvd
    assert "environmental.climateChangeMitigation" in result.goals
    assert any(e.startswith("tender/lots/1/") for e in result.evidence)
    # The converter's OCDS carries the vehicle codes but not their numbers (no quantity).
    assert result.vehicles == ()


def expected_vehicle_counts(root: Any) -> dict[str, float]:
    """OPT-155/156 summed by a plain XPath walk, with the guidance's rule for "vehicles"
    (total minus the clean and zero-emission ones of the same group)."""
    ns = {"efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"}
    totals: dict[str, float] = {}
    for code in root.iterfind(".//efbc:StatisticsCode[@listName='vehicles']", ns):
        number = float(code.getparent().find("efbc:StatisticsNumeric", ns).text)
        if code.text == "vehicles":
            group = code.getparent().getparent()
            for other in group.iterfind(".//efbc:StatisticsCode[@listName='vehicles']", ns):
                if other.text in ("vehicles-clean", "vehicles-zero-emission"):
                    number -= float(other.getparent().find("efbc:StatisticsNumeric", ns).text)
        totals[code.text] = totals.get(code.text, 0.0) + number
    return totals


def test_vehicle_counts_from_the_xml_match_the_notice(shared_data: Path) -> None:
    from greenprocure.monitoring.readers import notice_to_release, parse_notice

    root = parse_notice(shared_data / "eforms/sdk-examples/can_24_maximal.xml")
    counts = dict(detect_green(notice_to_release(root)).vehicles)
    # OPT-155/156 of the notice's lot results, summed: read off the XML.
    assert counts == expected_vehicle_counts(root)

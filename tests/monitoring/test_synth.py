"""The synthetic OCDS generator: deterministic, well-formed, and compiled as ocdsmerge compiles."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from greenprocure.errors import ValidationError
from greenprocure.monitoring.synth import OCID_PREFIX, generate, iter_processes

SCHEMA = Path("ocds") / "eforms-profile" / "release-schema.json"


def _lines(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        return [orjson.loads(line) for line in handle]


@pytest.mark.parametrize("per_ocid", [1, 2, 3, 5])
def test_compiled_form_equals_ocdsmerge(shared_data: Path, tmp_path: Path, per_ocid: int) -> None:
    """The compiled lines are what ocdsmerge makes of the release-package lines."""
    ocdsmerge = pytest.importorskip("ocdsmerge")
    schema = json.loads((shared_data / SCHEMA).read_text(encoding="utf-8"))
    merger = ocdsmerge.Merger(schema)
    packages = tmp_path / "packages.jsonl"
    compiled = tmp_path / "compiled.jsonl.gz"
    options: dict[str, Any] = {"seed": 11, "releases_per_ocid": per_ocid, "workers": 1}
    generate(600, packages, package_size=37, **options)
    generate(600, compiled, form="compiled", **options)
    by_ocid: dict[str, list[dict[str, Any]]] = {}
    for package in _lines(packages):
        for release in package["releases"]:
            by_ocid.setdefault(release["ocid"], []).append(release)
    expected = {ocid: merger.create_compiled_release(r) for ocid, r in by_ocid.items()}
    got = {release["ocid"]: release for release in _lines(compiled)}
    assert len(got) == 600 // per_ocid
    assert got == expected


def test_same_seed_same_bytes_whatever_the_workers(tmp_path: Path) -> None:
    one = generate(9000, tmp_path / "a.jsonl", seed=3, workers=1)
    two = generate(9000, tmp_path / "b.jsonl", seed=3, workers=2)
    other = generate(9000, tmp_path / "c.jsonl", seed=4, workers=1)
    data = (tmp_path / "a.jsonl").read_bytes()
    assert data == (tmp_path / "b.jsonl").read_bytes()
    assert data != (tmp_path / "c.jsonl").read_bytes()
    assert one.releases == two.releases == other.releases == 9000
    assert one.processes == 3000
    assert one.bytes_written == len(data)


def test_release_packages_are_consistent_ocds(tmp_path: Path) -> None:
    """Lots, items, awards and contracts refer to each other as OCDS requires."""
    result = generate(3000, tmp_path / "p.jsonl.gz", seed=5, package_size=100)
    packages = _lines(tmp_path / "p.jsonl.gz")
    assert result.lines == len(packages) == 30
    assert all(p["version"] == "1.1" and len(p["releases"]) == 100 for p in packages)
    releases = [r for p in packages for r in p["releases"]]
    assert len(releases) == result.releases == 3000
    assert len({r["id"] for r in releases}) == 3000
    tags = Counter(tuple(r["tag"]) for r in releases)
    assert tags[("tender",)] == 1000
    assert tags[("award", "tenderUpdate")] == 1000
    assert tags[("contract",)] + tags[("tenderUpdate",)] == 1000
    for release in releases:
        assert release["ocid"].startswith(OCID_PREFIX)
        tender = release.get("tender", {})
        lot_ids = {lot["id"] for lot in tender.get("lots", [])}
        for item in tender.get("items", []):
            assert item["classification"]["scheme"] == "CPV"
            assert len(item["classification"]["id"]) == 8
            if lot_ids:
                assert item["relatedLot"] in lot_ids


def test_money_attribution_and_green_share(tmp_path: Path) -> None:
    result = generate(
        30_000, tmp_path / "c.jsonl", form="compiled", seed=2, green_share=0.4, workers=1
    )
    compiled = _lines(tmp_path / "c.jsonl")
    assert len(compiled) == result.processes == result.lines == 10_000
    assert 0.37 < result.green_lots / result.lots < 0.43
    currencies: Counter[str] = Counter()
    without_lots = 0
    for release in compiled:
        tender = release["tender"]
        lot_ids = {lot["id"] for lot in tender.get("lots", [])}
        without_lots += not lot_ids
        award_ids = {award["id"] for award in release["awards"]}
        for award in release["awards"]:
            assert set(award.get("relatedLots", [])) <= lot_ids
            if award["status"] == "active":
                currencies[award["value"]["currency"]] += 1
        for contract in release.get("contracts", []):
            assert contract["awardID"] in award_ids
        buyer = release["buyer"]["id"]
        party = next(p for p in release["parties"] if p["id"] == buyer)
        assert party["roles"] == ["buyer"]
        assert len(party["address"]["country"]) == 2
    assert 0.25 < without_lots / len(compiled) < 0.35
    assert {"EUR", "GBP", "MXN", "KRW", "JPY"} <= set(currencies)


def test_bad_options_are_refused_with_the_field(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        generate(10, tmp_path / "x.jsonl", green_share=1.5)
    assert caught.value.field == "green_share"
    with pytest.raises(ValidationError) as caught:
        generate(0, tmp_path / "x.jsonl")
    assert caught.value.field == "n_releases"
    with pytest.raises(ValidationError):
        generate(10, tmp_path / "x.jsonl", form="records")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


def test_iter_processes_slices_agree() -> None:
    whole = list(iter_processes(50, seed=9, first=1990))
    assert [p[0]["ocid"] for p in whole] == [f"{OCID_PREFIX}{n:09d}" for n in range(1990, 2040)]
    assert list(iter_processes(10, seed=9, first=2000)) == whole[10:20]

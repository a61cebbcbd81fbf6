"""Lot rows: money attribution through relatedLots and awardID, currency, bad records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from greenprocure.monitoring import LOT_COLUMNS, RecordError, lot_rows
from greenprocure.monitoring.currency import CurrencyConverter
from greenprocure.monitoring.lots import rows_from_compiled


def _release(**extra: Any) -> dict[str, Any]:
    return {
        "ocid": "ocds-t-1",
        "id": "1",
        "date": "2022-05-01T00:00:00Z",
        "tag": ["compiled"],
        "buyer": {"id": "B1", "name": "City"},
        "parties": [{"id": "B1", "roles": ["buyer"], "address": {"countryName": "Norway"}}],
        **extra,
    }


def _rows(release: dict[str, Any]) -> list[dict[str, Any]] | RecordError:
    result = rows_from_compiled(release, "f.json", "line 1", CurrencyConverter("EUR"))
    return result if isinstance(result, RecordError) else [dict(r) for r in result]


def test_money_attributed_through_related_lots_and_award_id() -> None:
    release = _release(
        tender={
            "procurementMethod": "open",
            "lots": [
                {"id": "L1", "sustainability": [{"goal": "environmental.energyEfficiency"}]},
                {"id": "L2", "value": {"amount": 50.0, "currency": "EUR"}},
            ],
            "items": [
                {
                    "id": "1",
                    "relatedLot": "L2",
                    "classification": {"scheme": "CPV", "id": "09310000-5"},
                }
            ],
        },
        awards=[
            {
                "id": "A1",
                "status": "active",
                "relatedLots": ["L1"],
                "date": "2022-06-02",
                "value": {"amount": 100.0, "currency": "EUR"},
            },
            {
                "id": "A2",
                "status": "active",
                "relatedLots": ["L1", "L2"],
                "value": {"amount": 40.0, "currency": "EUR"},
            },
            {
                "id": "A3",
                "status": "cancelled",
                "relatedLots": ["L2"],
                "value": {"amount": 999.0, "currency": "EUR"},
            },
        ],
        contracts=[{"id": "C1", "awardID": "A1", "value": {"amount": 90.0, "currency": "EUR"}}],
    )
    rows = _rows(release)
    assert not isinstance(rows, RecordError)
    first, second = rows
    assert list(first) == [name for name, _ in LOT_COLUMNS]
    # Hand computation: L1 = 100 + 40/2 = 120; L2 = 40/2 = 20 (A3 cancelled).
    assert (first["awarded_value"], second["awarded_value"]) == (120.0, 20.0)
    assert (first["contracted_value"], second["contracted_value"]) == (90.0, None)
    assert first["is_green"]
    assert not second["is_green"]
    assert first["date"].isoformat() == "2022-06-02"  # award date first
    assert (second["cpv"], second["cpv2"], second["cpv3"]) == ("09310000", "09", "093")
    assert first["country"] == "NO"
    assert second["estimated_value_rc"] == 50.0
    assert (first["reporting_currency"], first["fx_note"]) == ("EUR", None)


def test_tender_without_lots_is_its_own_lot() -> None:
    rows = _rows(
        _release(
            tender={"value": {"amount": 10, "currency": "EUR"}},
            awards=[{"id": "A", "value": {"amount": 8, "currency": "EUR"}}],
        )
    )
    assert not isinstance(rows, RecordError)
    (row,) = rows
    assert row["lot_id"] == ""
    assert row["awarded_value"] == 8.0


def test_one_lot_without_a_value_takes_the_procedures_estimate() -> None:
    """eForms notices often give the estimated value (BT-27) for the procedure only: the
    one lot's estimate is then the tender's; with several lots it is not split."""
    tender = {"value": {"amount": 500_000, "currency": "EUR"}, "lots": [{"id": "L1"}]}
    rows = _rows(_release(tender=tender))
    assert not isinstance(rows, RecordError)
    (row,) = rows
    assert (row["estimated_value"], row["estimated_currency"]) == (500_000.0, "EUR")
    assert row["estimated_value_rc"] == 500_000.0
    # a lot with its own value keeps it
    own = {**tender, "lots": [{"id": "L1", "value": {"amount": 7, "currency": "EUR"}}]}
    rows = _rows(_release(tender=own))
    assert not isinstance(rows, RecordError)
    assert rows[0]["estimated_value"] == 7.0
    # two lots without values: none
    two = {**tender, "lots": [{"id": "L1"}, {"id": "L2"}]}
    rows = _rows(_release(tender=two))
    assert not isinstance(rows, RecordError)
    assert [r["estimated_value"] for r in rows] == [None, None]


def test_unknown_currency_is_a_record_error() -> None:
    result = _rows(_release(tender={"value": {"amount": 10, "currency": "XQZ"}}))
    assert isinstance(result, RecordError)
    assert result.ocid == "ocds-t-1"
    assert "XQZ" in result.reason
    for code in ("XXX", "EURO", "12A"):  # no currency, not a code
        assert isinstance(
            _rows(_release(tender={"value": {"amount": 1, "currency": code}})), RecordError
        )


def test_schema_breaking_value_names_the_field() -> None:
    result = _rows(_release(awards=[{"id": "A", "value": {"amount": "lots", "currency": "EUR"}}]))
    assert isinstance(result, RecordError)
    assert "awards/0/value/amount" in result.reason


def test_real_ocds_files_give_rows(shared_data: Path) -> None:
    rows = list(lot_rows(shared_data / "ocds/realdata/release-package-1.json"))
    (row,) = rows
    assert not isinstance(row, RecordError)
    assert row["ocid"] == "OCDS-87SD3T-AD-SF-DRM-063-2015"
    assert row["country"] == "MX"
    assert row["awarded_currency"] == "MXN"
    assert not row["is_green"]


def test_bad_line_reported_other_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    good = _release(tender={"value": {"amount": 1, "currency": "EUR"}})
    path.write_bytes(orjson.dumps(good) + b"\n{broken\n")
    items = list(lot_rows(path))
    assert [type(i).__name__ for i in items] == ["dict", "RecordError"]


def test_mutated_real_records_never_crash(shared_data: Path, tmp_path: Path) -> None:
    """Real releases with random values swapped in: rows or RecordErrors, never an exception."""
    import copy
    import random

    from greenprocure.monitoring import Document, iter_documents

    rng = random.Random(7)
    base: list[dict[str, Any]] = []
    for path in sorted((shared_data / "eforms/ted-doffin/ocds").glob("*.json"))[:20]:
        base += [d.data for d in iter_documents(path) if isinstance(d, Document)]
    choices: list[Any] = [None, 1, 1.5, "x", [], {}, [1], [{}], {"a": 1}, True, "2020-13-45"]

    def mutate(obj: Any, depth: int = 0) -> None:
        keys = list(obj) if isinstance(obj, dict) else list(range(len(obj)))
        if not keys:
            return
        key = rng.choice(keys)
        child = obj[key]
        if depth > 5 or rng.random() < 0.4 or not isinstance(child, (dict, list)):
            obj[key] = copy.deepcopy(rng.choice(choices))
        else:
            mutate(child, depth + 1)

    path = tmp_path / "mutated.jsonl"
    seen = {"rows": 0, "errors": 0}
    for _ in range(60):
        lines = []
        for _ in range(5):
            release = copy.deepcopy(rng.choice(base))
            for _ in range(rng.randint(1, 4)):
                mutate(release)
            lines.append(orjson.dumps(release))
        path.write_bytes(b"\n".join(lines) + b"\n")
        for item in lot_rows(path):
            seen["errors" if isinstance(item, RecordError) else "rows"] += 1
    assert seen["rows"] > 0
    assert seen["errors"] > 0


def test_ocds_1_0_release_in_a_currency_without_rates(shared_data: Path) -> None:
    path = shared_data / "ocds/realdata/release-package_1.0-1.json"
    # PYG has no reference rate: with EUR reporting the lot counts, its value is not
    # converted and the note says why.
    (row,) = list(lot_rows(path))
    assert not isinstance(row, RecordError)
    assert row["ocid"] == "ocds-03ad3f-193399"
    assert row["awarded_value"] == 135630400.0
    assert row["awarded_value_rc"] is None
    assert row["fx_note"] == "PYG->EUR 2010: no rate, not converted"
    assert row["unconverted"] is True
    # Reported in PYG itself no rate is needed: the OCDS 1.0 buyer (no id) is read.
    (row,) = list(lot_rows(path, reporting_currency="PYG"))
    assert not isinstance(row, RecordError)
    assert row["buyer_name"] == "Dirección Nacional de Contrataciones Públicas (DNCP)"
    assert row["awarded_value"] == row["awarded_value_rc"] == 135630400.0
    assert row["unconverted"] is False
    assert row["date"] is not None
    assert row["date"].isoformat() == "2010-04-23"


def test_progress_adds_up_to_the_file_size(shared_data: Path, tmp_path: Path) -> None:
    import gzip
    import zipfile

    package = shared_data / "ocds/realdata/release-package_split.json"
    notice = shared_data / "eforms/sdk-examples/cn_24_maximal.xml"
    packed = tmp_path / "p.json.gz"
    packed.write_bytes(gzip.compress(package.read_bytes()))
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        handle.write(package, "p.json")
        handle.write(notice, "n.xml")
    lines = tmp_path / "l.jsonl"
    lines.write_bytes(package.read_bytes().replace(b"\n", b" ") + b"\n")
    for path in (package, notice, packed, lines):
        steps: list[int] = []
        list(lot_rows(path, reporting_currency="MXN", progress=steps.append))
        assert sum(steps) == path.stat().st_size, path
        assert all(step > 0 for step in steps)
    steps = []
    list(lot_rows(archive, reporting_currency="MXN", progress=steps.append))
    with zipfile.ZipFile(archive) as handle:
        assert sum(steps) == sum(info.compress_size for info in handle.infolist())


GOLDEN_ROWS = Path(__file__).resolve().parents[1] / "golden/monitoring/lot_rows.yaml"


def _golden_cases() -> list[dict[str, Any]]:
    import yaml

    cases: list[dict[str, Any]] = yaml.safe_load(GOLDEN_ROWS.read_text(encoding="utf-8"))
    return cases


def test_golden_lot_rows() -> None:
    for case in _golden_cases():
        rows = _rows(case["release"])
        assert not isinstance(rows, RecordError), case["name"]
        assert len(rows) == len(case["expected"]), case["name"]
        for row, expected in zip(rows, case["expected"], strict=True):
            for key, value in expected.items():
                found = row[key].isoformat() if key == "date" and row[key] else row[key]
                assert found == value, (case["name"], key)


def test_values_converted_at_the_rate_of_the_lot_year_and_the_rate_recorded() -> None:
    """A Mexican peso award of 2015 in euros: the reference rate of 2015, named in fx_note."""
    rows = _rows(
        _release(
            date="2015-03-01T00:00:00Z",
            tender={"value": {"amount": 2000.0, "currency": "MXN"}},
            awards=[
                {"id": "A", "date": "2015-02-10", "value": {"amount": 1000.0, "currency": "mxn "}}
            ],
        )
    )
    assert not isinstance(rows, RecordError)
    (row,) = rows
    rate, note = CurrencyConverter("EUR").rate("MXN", 2015)
    assert rate is not None
    assert 0.03 < rate < 0.09  # about 17 pesos to the euro in 2015
    assert row["awarded_value"] == 1000.0  # as published
    assert row["awarded_value_rc"] == 1000.0 * rate
    assert row["estimated_value_rc"] == 2000.0 * rate
    assert note.startswith("MXN->EUR 2015: ")
    assert row["fx_note"] == note


def test_unconverted_says_an_amount_has_no_value_in_the_reporting_currency() -> None:
    """``unconverted``: an amount without a currency code, without a year, or in a currency
    without a rate that year (also one of several currencies); no amount is not one."""

    def row(**extra: Any) -> dict[str, Any]:
        rows = _rows(_release(**extra))
        assert not isinstance(rows, RecordError)
        (only,) = rows
        return only

    converted = row(tender={"value": {"amount": 10.0, "currency": "EUR"}})
    assert converted["estimated_value_rc"] == 10.0
    assert converted["unconverted"] is False
    assert row(tender={"value": {"currency": "EUR"}})["unconverted"] is False
    assert row(tender={"value": {"amount": 10.0}})["unconverted"] is True
    assert row(tender={"value": {"amount": 10.0, "currency": "PYG"}})["unconverted"] is True
    # two currencies, one of which (PYG) has no rate: the sum is not converted
    mixed = row(
        awards=[
            {"id": "A", "value": {"amount": 5.0, "currency": "EUR"}},
            {"id": "B", "value": {"amount": 7.0, "currency": "PYG"}},
        ]
    )
    assert mixed["awarded_value"] is None
    assert mixed["awarded_value_rc"] is None
    assert mixed["unconverted"] is True
    # no date at all (a compiled release need not have one): no year, no rate
    undated = _release(tender={"value": {"amount": 10.0, "currency": "EUR"}})
    del undated["date"]
    rows = _rows(undated)
    assert not isinstance(rows, RecordError)
    assert rows[0]["year"] is None
    assert rows[0]["unconverted"] is True

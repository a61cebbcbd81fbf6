"""The SQL compile of ``monitor indicators --releases`` on processes built to take each of
its branches: arrays given by one release (taken as they are), arrays given by several
releases or with repeated ids (merged entry by entry), the buyer's party merged in the
aggregation or from the party entries. Each must give what the Python path (``ingest``,
which compiles with the project's merge rules) gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest
from indicator_checks import ALL_KEYS, assert_same

from greenprocure.errors import ParseError
from greenprocure.monitoring.engines.duckdb_engine import (
    compute_indicators,
    indicators_from_compiled,
    indicators_from_releases,
    ingest,
)


def _party(pid: str, country: str | None = None, roles: list[str] | None = None) -> dict[str, Any]:
    party: dict[str, Any] = {"id": pid, "name": f"Party {pid.strip()}"}
    if roles is not None:
        party["roles"] = roles
    if country is not None:
        party["address"] = {"country": country}
    return party


def _lot(lid: str, amount: float | None = None, **extra: Any) -> dict[str, Any]:
    lot: dict[str, Any] = {"id": lid, **extra}
    if amount is not None:
        lot["value"] = {"amount": amount, "currency": "EUR"}
    return lot


GREEN = [{"goal": "environmental.climateChangeMitigation", "strategies": ["awardCriteria"]}]


def _processes() -> list[dict[str, Any]]:
    def release(ocid: str, n: int, date: str, **sections: Any) -> dict[str, Any]:
        return {"ocid": ocid, "id": f"{ocid}-{n}", "date": date, **sections}

    tender = {"id": "T", "procurementMethod": "open", "mainProcurementCategory": "goods"}
    return [
        # buyer id changes: the later buyer's party counts (country DE)
        release("ocds-m-1", 1, "2023-01-01T00:00:00Z", buyer={"id": "B1"},
                parties=[_party("B1", "FR", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 100.0)]}),
        release("ocds-m-1", 2, "2023-02-01T00:00:00Z", buyer={"id": "B2"},
                parties=[_party("B2", "DE", ["buyer"])]),
        # two entries whose trimmed id is the buyer's in one release: the first counts (FR)
        release("ocds-m-2", 1, "2023-01-01T00:00:00Z", buyer={"id": "B3"},
                parties=[_party(" B3", "FR", ["buyer"]), _party("B3", "ES", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 50.0, sustainability=GREEN)]}),
        # no buyer id: the first party with the role buyer (PT)
        release("ocds-m-3", 1, "2023-03-01T00:00:00Z",
                parties=[_party("S1", "IT", ["supplier"]), _party("P1", "PT", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 70.0)]}),
        # lots given by two releases: merged by id (L1's value updated, L2 added)
        release("ocds-m-4", 1, "2023-01-05T00:00:00Z", buyer={"id": "B4"},
                parties=[_party("B4", "NL", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 10.0)]}),
        release("ocds-m-4", 2, "2023-04-05T00:00:00Z", buyer={"id": "B4"},
                tender={"id": "T", "lots": [_lot("L1", 20.0),
                                            _lot("L2", 5.0, sustainability=GREEN)]},
                awards=[{"id": "A1", "status": "active", "relatedLots": ["L2"],
                         "value": {"amount": 4.0, "currency": "EUR"}}]),
        # repeated lot ids within one release: merged into one lot
        release("ocds-m-5", 1, "2023-05-01T00:00:00Z", buyer={"id": "B5"},
                parties=[_party("B5", "BE", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 30.0), _lot("L1", sustainability=GREEN)]}),
        # the buyer's party in two releases, the later without address: merged (country AT)
        release("ocds-m-6", 1, "2023-06-01T00:00:00Z", buyer={"id": "B6"},
                parties=[_party("B6", "AT", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 40.0)]}),
        release("ocds-m-6", 2, "2023-07-01T00:00:00Z", buyer={"id": "B6"},
                parties=[_party("B6"), _party("S6", "SE", ["supplier"])],
                awards=[{"id": "A1", "status": "active", "value": {"amount": 35.0,
                                                                 "currency": "EUR"}}],
                contracts=[{"id": "C1", "awardID": "A1", "value": {"amount": 36.0,
                                                                  "currency": "EUR"}}]),
        # contracts given by two releases (an amendment)
        release("ocds-m-7", 3, "2023-09-01T00:00:00Z", buyer={"id": "B7"},
                contracts=[{"id": "C1", "awardID": "A1",
                            "value": {"amount": 90.0, "currency": "EUR"}}]),
        release("ocds-m-7", 1, "2023-08-01T00:00:00Z", buyer={"id": "B7"},
                parties=[_party("B7", "DK", ["buyer"])],
                tender={**tender, "lots": [_lot("L1", 100.0)]},
                awards=[{"id": "A1", "status": "active", "value": {"amount": 80.0,
                                                                 "currency": "EUR"}}],
                contracts=[{"id": "C1", "awardID": "A1",
                            "value": {"amount": 80.0, "currency": "EUR"}}]),
    ]  # fmt: skip


def test_every_merge_branch_equals_the_python_path(tmp_path: Path) -> None:
    releases = _processes()
    packages = tmp_path / "packages.jsonl"
    with packages.open("wb") as handle:
        # releases of one process in different packages, out of date order
        handle.write(orjson.dumps({"uri": "p1", "releases": releases[::2]}) + b"\n")
        handle.write(orjson.dumps({"uri": "p2", "releases": releases[1::2]}) + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([packages], store)
    for by in ([], ["country"], ALL_KEYS):
        python_path = compute_indicators(store, by)
        sql_path = indicators_from_releases([packages], by)
        assert_same(python_path, sql_path)
        assert sql_path.lot_rows == python_path.lot_rows
    by_country = {
        row["country"]: row
        for row in indicators_from_releases([packages], ["country"]).tables["green_share"].records()
    }
    # the party each branch must pick
    assert set(by_country) == {"DE", "FR", "PT", "NL", "BE", "AT", "DK"}
    assert by_country["NL"]["lots"] == 2  # L1 and L2 merged over two releases
    assert by_country["BE"]["lots"] == 1  # the repeated L1 is one lot
    assert by_country["BE"]["green_lots"] == 1


def test_processes_merged_entry_by_entry_in_parts_equal_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bucket with many releases to merge entry by entry is compiled in several queries
    (parts of its ocids): the result is the same as in one."""
    from greenprocure.monitoring.engines import duckdb_releases

    releases = _processes()
    packages = tmp_path / "packages.jsonl"
    packages.write_bytes(orjson.dumps({"uri": "p1", "releases": releases}) + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([packages], store)
    made: list[int] = []
    real = duckdb_releases._bucket_merges

    def counted(con: Any, buckets: int, fields: Any) -> list[str]:
        parts = real(con, buckets, fields)
        made.append(len(parts))
        return parts

    monkeypatch.setattr(duckdb_releases, "_bucket_merges", counted)
    monkeypatch.setattr(duckdb_releases, "_SLOW_RELEASES", 2)  # 1 with CPV keys
    for by in ([], ALL_KEYS):
        python_path = compute_indicators(store, by)
        sql_path = indicators_from_releases([packages], by)
        assert_same(python_path, sql_path)
        assert (sql_path.lot_rows, sql_path.errors) == (python_path.lot_rows, python_path.errors)
    # ocds-m-4 and ocds-m-7 have two releases each to merge entry by entry, ocds-m-5 one;
    # the processes merged the quick way are compiled in a query of their own
    assert made[0] == 1 + 3  # five releases, two per part
    assert made[1] == 1 + 5  # CPV keys: one per part


def test_objects_that_are_not_release_packages_are_an_error(tmp_path: Path) -> None:
    """A record package or a compiled release given as release packages is refused with the
    file and the count, not read as an empty package; a package with no releases is empty."""
    packages = tmp_path / "mixed.jsonl"
    release = _processes()[0]
    with packages.open("wb") as handle:
        handle.write(orjson.dumps({"uri": "p1", "releases": [release]}) + b"\n")
        handle.write(orjson.dumps({"uri": "r1", "records": [{"ocid": release["ocid"]}]}) + b"\n")
        handle.write(orjson.dumps({**release, "tag": ["compiled"]}) + b"\n")
    with pytest.raises(ParseError, match="2 JSON object") as caught:
        indicators_from_releases([packages], ["country"])
    assert str(packages) in str(caught.value)
    empty = tmp_path / "empty.json"
    empty.write_bytes(orjson.dumps({"uri": "p0", "releases": []}))
    assert indicators_from_releases([empty], ["country"]).lot_rows == 0


def test_packages_given_as_compiled_releases_are_an_error(tmp_path: Path) -> None:
    """Release or record packages given as compiled releases are refused with the file and
    the count (each would otherwise be one record without an ocid, skipped unexplained);
    a compiled release without an ocid is still one record error."""
    release = _processes()[0]
    compiled = tmp_path / "compiled.jsonl"
    with compiled.open("wb") as handle:
        handle.write(orjson.dumps({**release, "tag": ["compiled"]}) + b"\n")
        handle.write(orjson.dumps({"uri": "p1", "releases": [release]}) + b"\n")
        handle.write(orjson.dumps({"uri": "r1", "records": [{"ocid": release["ocid"]}]}) + b"\n")
    with pytest.raises(ParseError, match="2 JSON object") as caught:
        indicators_from_compiled([compiled], ["country"])
    assert str(compiled) in str(caught.value)
    assert "--releases" in str(caught.value)
    no_ocid = tmp_path / "no-ocid.jsonl"
    with no_ocid.open("wb") as handle:
        handle.write(orjson.dumps({**release, "tag": ["compiled"]}) + b"\n")
        handle.write(orjson.dumps({**release, "ocid": None, "tag": ["compiled"]}) + b"\n")
    assert indicators_from_compiled([no_ocid], ["country"]).errors == 1


def test_a_package_over_several_lines_given_as_compiled_releases_is_named(
    tmp_path: Path,
) -> None:
    """A pretty-printed release package cannot be read as JSON Lines: the error says it is
    a package (not only that the file cannot be read); a file none of whose lines is a JSON
    object is named as not JSON Lines."""
    package = tmp_path / "package.json"
    package.write_bytes(
        orjson.dumps({"uri": "p1", "releases": _processes()[:2]}, option=orjson.OPT_INDENT_2)
    )
    with pytest.raises(ParseError, match="1 JSON object") as caught:
        indicators_from_compiled([package], ["country"])
    assert str(package) in str(caught.value)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"ocid": "ocds-x-1",\n  "date": \n', encoding="utf-8")
    with pytest.raises(ParseError, match="no line of the file is a JSON object") as caught:
        indicators_from_compiled([broken], ["country"])
    assert str(broken) in str(caught.value)


def test_merge_order_is_date_then_place_in_the_package(tmp_path: Path) -> None:
    """The SQL merge orders releases by a text key (date, then the place in the package,
    zero-padded): the 10th release of a date comes after the 9th, and a date that begins a
    longer one (``2023-10-01`` before ``2023-10-01T12:00:00Z``) comes first, as in the
    Python path."""
    same_date = [
        {
            "ocid": "ocds-o-1",
            "id": f"r{n}",
            "date": "2023-10-01T00:00:00Z",
            "tender": {
                "id": "T",
                "procurementMethod": "limited" if n < 11 else "open",
                "lots": [_lot("L1", float(n))],
            },
        }
        for n in range(1, 12)
    ]
    prefix = [
        {"ocid": "ocds-o-2", "id": "late", "date": "2023-10-01T12:00:00Z",
         "tender": {"id": "T", "procurementMethod": "selective", "lots": [_lot("L1", 1.0)]}},
        {"ocid": "ocds-o-2", "id": "early", "date": "2023-10-01",
         "tender": {"id": "T", "procurementMethod": "direct", "lots": [_lot("L1", 2.0)]}},
    ]  # fmt: skip
    packages = tmp_path / "packages.jsonl"
    packages.write_bytes(orjson.dumps({"uri": "p", "releases": same_date + prefix}) + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([packages], store)
    by = ["procurement_method"]
    assert_same(compute_indicators(store, by), indicators_from_releases([packages], by))
    methods = {
        row["procurement_method"]: row
        for row in indicators_from_releases([packages], by).tables["green_share"].records()
    }
    assert set(methods) == {"open", "selective"}
    assert methods["open"]["lots"] == 1


def test_releases_of_one_date_in_different_packages_stay_apart(tmp_path: Path) -> None:
    """Two releases of one process with the same date, each first in its own package: their
    contracts without ids are two entries (appended), not one, as in the Python path."""

    def package(n: int, amount: float) -> dict[str, Any]:
        release = {
            "ocid": "ocds-t-1", "id": f"r{n}", "date": "2023-05-01T00:00:00Z",
            "buyer": {"id": "B"}, "parties": [_party("B", "FR", ["buyer"])],
            "tender": {"id": "T", "lots": [_lot("L1", 20.0)]},
            "awards": [{"id": "A1", "status": "active", "relatedLots": ["L1"],
                        "value": {"amount": 12.0, "currency": "EUR"}}],
            "contracts": [{"awardID": "A1", "value": {"amount": amount, "currency": "EUR"}}],
        }  # fmt: skip
        return {"uri": f"p{n}", "releases": [release]}

    packages = tmp_path / "packages.jsonl"
    packages.write_bytes(
        b"".join(orjson.dumps(package(n, a)) + b"\n" for n, a in ((1, 5.0), (2, 7.0)))
    )
    store = tmp_path / "m.duckdb"
    ingest([packages], store)
    sql_path = indicators_from_releases([packages])
    assert_same(compute_indicators(store, []), sql_path)
    (total,) = sql_path.tables["green_share"].records()
    assert total["contracted_value"] == pytest.approx(12.0)


def test_a_release_without_date_is_skipped_for_its_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release without a date is counted as an error for that reason (its merge key is
    not NULL, so the merge still reads its ocid: it was once counted as "no ocid")."""
    from greenprocure.monitoring.engines import duckdb_releases

    release = {"ocid": "ocds-d-1", "id": "r1", "tender": {"id": "T", "lots": [_lot("L1", 5.0)]}}
    packages = tmp_path / "packages.jsonl"
    packages.write_bytes(orjson.dumps({"uri": "p", "releases": [release]}) + b"\n")
    skipped: list[dict[str, Any]] = []
    real = duckdb_releases.indicators_from_made_rows

    def spy(con: Any, *args: Any, **kwargs: Any) -> Any:
        rows = con.execute("SELECT * FROM gp_rows WHERE skip_reason IS NOT NULL")
        names = [d[0] for d in rows.description]
        skipped.extend(dict(zip(names, row, strict=True)) for row in rows.fetchall())
        return real(con, *args, **kwargs)

    monkeypatch.setattr(duckdb_releases, "indicators_from_made_rows", spy)
    assert indicators_from_releases([packages]).errors == 1
    assert [row["skip_reason"] for row in skipped] == ["no release date"]


def test_arg_max_skips_null_values() -> None:
    """The merge takes a field's last value with ``arg_max`` and no ``FILTER``: DuckDB must
    skip the releases that do not give it (NULL), whatever its type."""
    con = duckdb.connect()
    row = con.execute(
        "SELECT arg_max(x, k), arg_max(l, k), arg_max(s, k), arg_max(e, k) FROM (VALUES "
        "('a', 1, ['x'], {'f': 1}, []), (NULL, 2, NULL, NULL, NULL)) t(x, k, l, s, e)"
    ).fetchone()
    assert row == ("a", ["x"], {"f": 1}, [])


def test_a_merge_replaces_the_error_an_earlier_file_reported_for_the_process(
    tmp_path: Path,
) -> None:
    """A process that cannot make rows (an award list that is not an array) in file a, then
    continued in file b: b's merge reports it, and a's error for it is gone (one process,
    one error), its count lowered; a's error of another process stays."""
    from greenprocure.monitoring.engines.duckdb_engine import stored_errors

    broken = [
        {"ocid": "P", "id": "1", "date": "2024-01-01", "tender": {"id": "T"}},
        {"ocid": "P", "id": "2", "date": "2024-02-01", "awards": "broken"},
        {"ocid": "Q", "id": "1", "date": "2024-01-01", "tender": "x"},
    ]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_bytes(orjson.dumps({"uri": "a", "releases": broken}))
    later = [{"ocid": "P", "id": "3", "date": "2024-03-01", "contracts": [{"id": "C"}]}]
    second.write_bytes(orjson.dumps({"uri": "b", "releases": later}))
    store = tmp_path / "m.duckdb"
    assert ingest([first], store).errors == 2
    assert compute_indicators(store).errors == 2
    run = ingest([second], store)
    assert (run.processes_merged, run.errors) == (1, 1)
    listed = [(e["file"], e["ocid"], e["location"]) for e in stored_errors(store)]
    assert listed == [
        (str(first), "Q", "line 1, releases[2]"),
        (str(second), "P", "line 1, releases[0] (+2 releases, 2 of earlier files)"),
    ]
    assert compute_indicators(store).errors == 2


def test_a_merge_error_of_a_zip_archive_is_replaced_by_a_later_merge(tmp_path: Path) -> None:
    """A zip archive's merge names the archive (its own compile names the member): a later
    file's merge of the process replaces that error too."""
    import zipfile

    from greenprocure.monitoring.engines.duckdb_engine import stored_errors

    def release(number: int, tender: Any) -> bytes:
        date = f"2024-0{number}-01T00:00:00Z"
        return orjson.dumps({"ocid": "Z", "id": f"r{number}", "date": date, "tender": tender})

    first, archive, last = tmp_path / "z.jsonl", tmp_path / "a.zip", tmp_path / "b.jsonl"
    first.write_bytes(release(1, "x") + b"\n")
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("a.jsonl", release(2, "y") + b"\n")
    last.write_bytes(release(3, {"id": "T", "lots": [{"id": "L1"}]}) + b"\n")
    store = tmp_path / "m.duckdb"
    for path in (first, archive):
        ingest([path], store)
    assert [e["file"] for e in stored_errors(store)] == [str(archive)]
    run = ingest([last], store)
    assert (run.processes_merged, run.errors, run.lot_rows) == (1, 0, 1)
    assert list(stored_errors(store)) == []
    assert compute_indicators(store).errors == 0

"""The SQL fast path against the Python path on records made to hit every row rule.

The synthetic generator and the real data are well-formed; these records are not: lot ids
that repeat, awards naming lots the tender does not have, statuses with spaces, contracts
naming several awards or none that exists, currencies in lower case, unknown or missing,
dates that cannot be read, country names instead of codes, buyers without ids or with eForms'
notice-local ids, CPV codes only on the awards' items, goals spelt the eForms way. Each
record is drawn at random (a fixed seed) from these cases, so that their combinations are
covered too; the indicators of both paths must agree on every group key.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from indicator_checks import ALL_KEYS, assert_same

from greenprocure.monitoring.engines.duckdb_engine import (
    compute_indicators,
    indicators_from_compiled,
    ingest,
)


def _maybe(rng: random.Random, share: float, value: Any) -> Any:
    return value if rng.random() < share else None


def _money(rng: random.Random) -> dict[str, Any] | None:
    # pyg: a currency without reference rates (counted, unconverted); XXX: no currency
    currency = rng.choice(["EUR", "eur", " CNY ", "GBP", "KRW", " pyg", "XXX", "", " ", None])
    if rng.random() < 0.1:
        return {"currency": "EUR"}  # no amount
    money: dict[str, Any] = {"amount": round(rng.uniform(1, 1e6), 2)}
    if currency is not None:
        money["currency"] = currency
    return money


def _date(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return "not a date"
    year = rng.choice([2009, 2015, 2020, 2023, 2024, 2030])
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"


def _sustainability(rng: random.Random) -> list[dict[str, Any]]:
    goals = [
        "environmental",
        "environmental.climateChangeMitigation",
        " environmental.waterResources ",
        "environmental.biodiversityProtection",
        "social",
        "social.humanRightsInSupplyChain",
        "economic.processInnovation",
    ]
    strategies = [
        "awardCriteria",
        "technicalSpecifications",
        "euGPPCriteria",
        " nationalGPPCriteria",
        "otherGPPCriteria",
        "contractPerformanceConditions",
    ]
    entries = []
    for _ in range(rng.randint(1, 3)):
        entry: dict[str, Any] = {"goal": rng.choice(goals)}
        if rng.random() < 0.8:
            entry["strategies"] = rng.sample(strategies, rng.randint(0, 3))
        entries.append(entry)
    return entries


def _item(rng: random.Random, lot_ids: list[str]) -> dict[str, Any]:
    code = rng.choice(["30213100-6", "45000000", "9031 0000", "123", "ABCDEFGH", "34144900"])
    item: dict[str, Any] = {"id": str(rng.randint(1, 99))}
    scheme = rng.choice(["CPV", "cpv", "UNSPSC", "", None])
    item["classification"] = {"id": code} if scheme is None else {"scheme": scheme, "id": code}
    if lot_ids and rng.random() < 0.6:
        item["relatedLot"] = rng.choice([*lot_ids, "L-unknown"])
    return item


def _record(rng: random.Random, number: int) -> dict[str, Any]:
    release: dict[str, Any] = {
        "ocid": f"ocds-rules-{number:05d}" if rng.random() > 0.01 else " ",
        "id": str(number),
        "tag": ["compiled"],
    }
    if rng.random() < 0.97:
        release["date"] = _date(rng)
    count = rng.choice([0, 0, 1, 2, 3, 4])
    lot_ids = [rng.choice(["L1", "L2", "L3", "L4"]) for _ in range(count)]
    if count and rng.random() < 0.7:
        lot_ids = [f"L{k + 1}" for k in range(count)]  # distinct, usually
    buyer: dict[str, Any] = {}
    if rng.random() < 0.8:
        # ORG-0001: an eForms organisation id, numbered per notice (keyed by the name)
        buyer["id"] = rng.choice(["B1", " B2", "B3", "ORG-0001", " ORG-0001"])
    elif rng.random() < 0.5:
        buyer["identifier"] = {"scheme": rng.choice(["GB-COH", ""]), "id": "123"}
    if rng.random() < 0.5:
        buyer["name"] = rng.choice(["City of Bristol", "Suwon City", " "])
    if rng.random() < 0.2:
        buyer["address"] = {"countryName": rng.choice(["Deutschland", "대한민국", "Narnia"])}
    if buyer:
        release["buyer"] = buyer
    parties = []
    for party_id in ("B1", "B2", "B3", "ORG-0001", "S1"):
        if rng.random() < 0.5:
            party: dict[str, Any] = {"id": party_id, "name": f"Party {party_id}"}
            party["roles"] = ["buyer"] if party_id != "S1" else ["supplier"]
            address = rng.choice(
                [{"country": "KR"}, {"country": "gb"}, {"countryName": "France"}, {}]
            )
            if address:
                party["address"] = address
            parties.append(party)
    if parties:
        release["parties"] = parties
    tender: dict[str, Any] = {
        "id": "T",
        "procurementMethod": rng.choice(["open", "selective", " limited ", ""]),
        "mainProcurementCategory": rng.choice(["goods", "works", "services"]),
    }
    if rng.random() < 0.7:
        tender["tenderPeriod"] = {"startDate": _date(rng)}
    if rng.random() < 0.3:
        tender["datePublished"] = _date(rng)
    if rng.random() < 0.6:
        tender["value"] = _money(rng)
    if rng.random() < 0.25:
        tender["sustainability"] = _sustainability(rng)
    if rng.random() < 0.1:
        tender["coveredBy"] = [rng.choice(["eu-cvd ", "GPA", "EU-CVD"])]
    if rng.random() < 0.8:
        tender["items"] = [_item(rng, lot_ids) for _ in range(rng.randint(1, 3))]
    lots = []
    for lot_id in lot_ids:
        lot: dict[str, Any] = {"id": lot_id}
        if rng.random() < 0.7:
            lot["value"] = _money(rng)
        if rng.random() < 0.3:
            lot["mainProcurementCategory"] = rng.choice(["goods", "services"])
        if rng.random() < 0.35:
            lot["sustainability"] = _sustainability(rng)
        if rng.random() < 0.1:
            lot["coveredBy"] = ["EU-CVD"]
        lots.append(lot)
    if lots:
        tender["lots"] = lots
    release["tender"] = tender
    awards = []
    for k in range(rng.choice([0, 1, 1, 2, 3])):
        award: dict[str, Any] = {"id": f"A{k + 1}" if rng.random() < 0.9 else "A1"}
        status = rng.choice(["active", " active", "pending", "cancelled", "unsuccessful", None])
        if status is not None:
            award["status"] = status
        if rng.random() < 0.85:
            award["date"] = _date(rng)
        if rng.random() < 0.85:
            award["value"] = _money(rng)
        if lot_ids and rng.random() < 0.7:
            award["relatedLots"] = rng.sample([*lot_ids, "L-unknown"], rng.randint(1, 2))
        if rng.random() < 0.3:
            award["items"] = [_item(rng, [])]
        awards.append(award)
    if awards:
        release["awards"] = awards
    contracts = []
    for k in range(rng.choice([0, 1, 2])):
        contract: dict[str, Any] = {"id": f"C{k + 1}"}
        choice = rng.random()
        if choice < 0.6 and awards:
            contract["awardID"] = rng.choice([a["id"] for a in awards])
        elif choice < 0.75:
            contract["awardIDs"] = ["A1", "A2", "A9"][: rng.randint(1, 3)]
        elif choice < 0.85:
            contract["awardID"] = "A-missing"
        status = rng.choice(["active", "pending", "cancelled", " terminated", None])
        if status is not None:
            contract["status"] = status
        if rng.random() < 0.9:
            contract["value"] = _money(rng)
        contracts.append(contract)
    if contracts:
        release["contracts"] = contracts
    return release


@pytest.mark.slow
def test_fast_path_equals_python_path_on_every_rule(tmp_path: Path) -> None:
    rng = random.Random(20261204)
    compiled = tmp_path / "rules.jsonl"
    with compiled.open("wb") as handle:
        for number in range(1500):
            handle.write(orjson.dumps(_record(rng, number)) + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([compiled], store)
    compared = 0
    for by in ([], ["country", "year"], ["cpv2"], ALL_KEYS):
        python_path = compute_indicators(store, by)
        fast_path = indicators_from_compiled([compiled], by)
        compared += assert_same(python_path, fast_path)
        assert fast_path.errors == python_path.errors
        assert fast_path.lot_rows == python_path.lot_rows
    assert compared > 500
    total = python_path.totals["green_share"].records()[0]
    # the cases above are all there: skipped records, green lots, values of each kind
    assert python_path.errors > 20
    assert 0 < total["green_lots"] < total["lots"]
    assert total["lots_with_awarded_value"] > 100
    assert total["lots_with_contracted_value"] > 100
    assert total["cvd_lots"] > 0
    # amounts in PYG, without a currency or in a year without rates: counted, not converted
    assert 0 < total["lots_unconverted"] < total["lots"]


@pytest.mark.slow
def test_sql_compile_counts_releases_that_cannot_be_compiled(tmp_path: Path) -> None:
    """Releases without ocid or date are reported by the readers; the SQL compile counts
    them the same way (one error each) instead of dropping them."""
    from greenprocure.monitoring.engines.duckdb_engine import indicators_from_releases

    rng = random.Random(7)
    releases = []
    for number in range(300):
        release = _record(rng, number)
        release.pop("tag")
        release.setdefault("date", "2023-05-01T00:00:00Z")
        # a few processes in two releases: the second adds a contract
        releases.append(release)
        if number % 10 == 0:
            releases.append(
                {"ocid": release["ocid"], "id": f"{number}-b", "date": "2024-01-02T00:00:00Z",
                 "contracts": [{"id": "C9", "value": {"amount": 10.0, "currency": "EUR"}}]}
            )  # fmt: skip
    releases.append({"id": "no-ocid", "date": "2023-01-01T00:00:00Z", "tender": {"id": "T"}})
    releases.append({"ocid": "", "id": "empty-ocid", "date": "2023-01-01T00:00:00Z"})
    releases.append({"ocid": "ocds-rules-00001", "id": "no-date", "tender": {"id": "T"}})
    packages = tmp_path / "packages.jsonl"
    with packages.open("wb") as handle:
        for start in range(0, len(releases), 40):
            package = {"uri": f"p{start}", "releases": releases[start : start + 40]}
            handle.write(orjson.dumps(package) + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([packages], store)
    for by in ([], ALL_KEYS):
        python_path = compute_indicators(store, by)
        sql_path = indicators_from_releases([packages], by)
        assert_same(python_path, sql_path)
        assert sql_path.errors == python_path.errors
        assert sql_path.lot_rows == python_path.lot_rows
    assert python_path.errors >= 3


def test_a_later_compiled_release_that_cancels_the_award_replaces_the_copy(
    tmp_path: Path,
) -> None:
    """The same process in two files of compiled releases: the later one (its award
    cancelled, so its lot is dated by the tender, earlier) is the copy both paths keep."""

    def compiled(date: str, status: str) -> dict[str, Any]:
        return {
            "ocid": "ocds-x-1",
            "id": f"x-{date}",
            "date": date,
            "tag": ["compiled"],
            "buyer": {"id": "B1", "name": "City"},
            "tender": {
                "id": "T",
                "tenderPeriod": {"startDate": "2024-01-15T00:00:00Z"},
                "value": {"amount": 500.0, "currency": "EUR"},
            },
            "awards": [
                {
                    "id": "A1",
                    "status": status,
                    "date": "2024-03-01T00:00:00Z",
                    "value": {"amount": 100.0, "currency": "EUR"},
                }
            ],
        }

    # the later file's name sorts first, so the file order alone would not pick it
    newer = tmp_path / "a-june.jsonl"
    older = tmp_path / "b-march.jsonl"
    older.write_bytes(orjson.dumps(compiled("2024-03-01T00:00:00Z", "active")) + b"\n")
    newer.write_bytes(orjson.dumps(compiled("2024-06-01T00:00:00Z", "cancelled")) + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([older, newer], store)
    for result in (
        compute_indicators(store, []),
        indicators_from_compiled([older, newer], []),
    ):
        total = result.totals["green_share"].records()[0]
        assert total["lots"] == 1
        assert total["lots_with_awarded_value"] == 0  # the cancelled award's copy is kept
        assert total["estimated_value"] == 500.0


def test_lines_that_are_not_json_objects_are_counted_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    """Malformed lines among compiled releases: the fast path reads the file again
    leniently, counts each such line as a record error as the store path does, gives the
    store path's indicators, and says that it read leniently."""
    rng = random.Random(11)
    compiled = tmp_path / "damaged.jsonl"
    bad = [
        b'{"ocid": "ocds-bad-1", "tender": {"id": ',
        b"[1, 2]",
        b'{"ocid": "x"} trailing',
        b"nul",
    ]
    with compiled.open("wb") as handle:
        for number in range(200):
            handle.write(orjson.dumps(_record(rng, number)) + b"\n")
            if number % 50 == 7:
                handle.write(bad[number // 50] + b"\n")
    store = tmp_path / "m.duckdb"
    ingest([compiled], store)
    for by in ([], ["country", "year"]):
        python_path = compute_indicators(store, by)
        fast_path = indicators_from_compiled([compiled], by)
        assert_same(python_path, fast_path)
        assert fast_path.errors == python_path.errors
        assert fast_path.lot_rows == python_path.lot_rows
        (warning,) = fast_path.warnings
        assert warning.file == str(compiled)
        assert "read again leniently" in str(warning)
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(orjson.dumps(_record(rng, 1)) + b"\n")
    assert indicators_from_compiled([clean], []).warnings == ()


def test_only_lines_that_are_not_json_make_the_fast_path_read_leniently(tmp_path: Path) -> None:
    """What a lenient read would get wrong still stops the run with an error naming the
    file: a byte-order mark, text that is not UTF-8, packages among the lines, a file with
    no JSON object at all; several damaged files give a warning each."""
    from greenprocure.errors import ParseError

    good = orjson.dumps(_record(random.Random(3), 1)) + b"\n"
    cases = {
        "bom.jsonl": (b"\xef\xbb\xbf" + good + good, "byte order mark"),
        "latin1.jsonl": (good + good.replace(b'"ocid"', '"ocid\xe7"'.encode("latin-1")), "UTF-8"),
        "packages.jsonl": (b'{"uri": "u", "releases": []}\n{not json\n', "not compiled releases"),
        "text.jsonl": (b"one line of text\nanother\n", "no line of the file is a JSON object"),
    }
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(good)
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ParseError, match=message) as caught:
            indicators_from_compiled([clean, path], [])
        assert str(path) in str(caught.value), name
    damaged = []
    for name in ("d1.jsonl", "d2.jsonl"):
        damaged.append(tmp_path / name)
        damaged[-1].write_bytes(good + b"{cut\n  \n\t\n" + good + b"[1]\n")
    result = indicators_from_compiled([clean, *damaged], [])
    assert [(w.file, w.params["count"]) for w in result.warnings] == [
        (str(damaged[0]), 2),
        (str(damaged[1]), 2),
    ]


def test_records_one_per_line_are_refused_as_packages(tmp_path: Path) -> None:
    """A record has an ocid but no date of its own: read as a compiled release it was a
    record error without a word (helper-31, on the real record-package_package_1.1.json)."""
    from greenprocure.errors import ParseError

    compiled = _record(random.Random(4), 1)
    record = {"ocid": compiled["ocid"], "releases": [], "compiledRelease": compiled}
    path = tmp_path / "records.jsonl"
    path.write_bytes(orjson.dumps(record) + b"\n" + orjson.dumps(record) + b"\n")
    with pytest.raises(ParseError, match="not compiled releases: 2 JSON object") as caught:
        indicators_from_compiled([path], [])
    assert caught.value.file == str(path)


def test_lines_of_json_that_are_not_objects_and_undated_copies_read_as_ingest_reads_them(
    tmp_path: Path,
) -> None:
    """A line that is JSON but no object (an array, a number, a text) is a record error and
    the run goes on; copies of a lot, one without a release date, keep the store path's."""
    from greenprocure.monitoring.engines.duckdb_engine import compute_indicators, ingest

    good = orjson.dumps(_record(random.Random(5), 2))
    others = tmp_path / "others.jsonl"
    others.write_bytes(good + b"\n[1]\n123\n" + b'"text"\n')

    def copy(date: str | None, green: bool) -> bytes:
        lot: dict[str, Any] = {"id": "L1", "value": {"amount": 101.0 + green, "currency": "EUR"}}
        if green:
            lot["sustainability"] = [{"goal": "environmental.climateChangeMitigation"}]
        release: dict[str, Any] = {
            "ocid": "ocds-u-1",
            "id": "1",
            "tag": ["compiled"],
            "tender": {"id": "T", "tenderPeriod": {"startDate": "2024-01-01"}, "lots": [lot]},
        }
        if date is not None:
            release["date"] = date
        return orjson.dumps(release)

    for name, lines in (
        ("undated-first.jsonl", [copy(None, False), copy("2024-06-01", True)]),
        ("undated-last.jsonl", [copy("2024-06-01", True), copy(None, False)]),
    ):
        path = tmp_path / name
        path.write_bytes(b"\n".join(lines) + b"\n")
        store = tmp_path / f"{name}.duckdb"
        ingest([path], store)
        stored = compute_indicators(store, []).totals["green_share"].records()[0]
        fast = indicators_from_compiled([path], []).totals["green_share"].records()[0]
        assert (fast["green_lots"], fast["estimated_value"]) == (
            stored["green_lots"],
            stored["estimated_value"],
        ), name
    store = tmp_path / "others.duckdb"
    ingest([others], store)
    result = indicators_from_compiled([others], [])
    assert (result.errors, result.lot_rows) == (3, compute_indicators(store, []).lot_rows)
    assert compute_indicators(store, []).errors == 3
    assert [w.params["count"] for w in result.warnings] == [3]


def _empty_files(folder: Path) -> list[Path]:
    """Files that hold no JSON: empty, blank lines (mixed line ends, a form feed), a
    byte-order mark alone, an empty gzip file and a gzip file of no byte at all."""
    import gzip

    contents = {
        "empty.jsonl": b"",
        "blank.jsonl": b"\n  \n\t\n",
        "mixed.jsonl": b"\n\r\n",
        "feed.jsonl": b"\x0c\n",
        "bom.jsonl": b"\xef\xbb\xbf \n",
        "e.jsonl.gz": gzip.compress(b""),
        "zero.jsonl.gz": b"",
    }
    paths = []
    for name, content in contents.items():
        paths.append(folder / name)
        paths[-1].write_bytes(content)
    return paths


def test_an_empty_file_is_one_record_error_as_in_the_store_path(tmp_path: Path) -> None:
    """Each empty file (plain, blank lines only, gzip) is a record error on every path, with
    a warning naming it on the fast path and the pipeline; other files are read as ever."""
    from greenprocure.monitoring.engines.duckdb_engine import indicators_from_releases

    release: dict[str, Any] = {
        "ocid": "ocds-e-1",
        "id": "1",
        "date": "2024-03-01T00:00:00Z",
        "tag": ["compiled"],
        "tender": {"id": "T", "value": {"amount": 10.0, "currency": "EUR"}},
    }
    good = tmp_path / "good.jsonl"
    good.write_bytes(orjson.dumps(release) + b"\n")
    empties = _empty_files(tmp_path)
    store = tmp_path / "m.duckdb"
    ingest([good, *empties], store)
    stored = compute_indicators(store, [])
    count = len(empties)
    fast = indicators_from_compiled([good, *empties], [])
    assert_same(stored, fast)
    assert (fast.errors, fast.lot_rows) == (count, 1)
    # (to the store, the two files of no byte are one content, ingested once)
    assert (stored.errors, stored.lot_rows) == (count - 1, 1)
    assert [w.file for w in fast.warnings] == [str(p) for p in empties]
    assert all("empty" in str(w) for w in fast.warnings)
    # beside a file with a damaged line (read again leniently), and with no other file
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(good.read_bytes() + b"{cut\n")
    fast = indicators_from_compiled([damaged, *empties], [])
    assert (fast.errors, fast.lot_rows) == (count + 1, 1)
    assert indicators_from_compiled(empties, []).errors == count
    package = tmp_path / "package.jsonl"
    release["tag"] = ["tender"]
    package.write_bytes(orjson.dumps({"uri": "u", "releases": [release]}) + b"\n")
    pipeline = indicators_from_releases([package, *empties], [])
    assert (pipeline.errors, pipeline.lot_rows) == (count, 1)
    assert [w.file for w in pipeline.warnings] == [str(p) for p in empties]
    pipeline = indicators_from_releases(empties, [])
    assert (pipeline.errors, pipeline.lot_rows) == (count, 0)


def test_names_with_pattern_characters_are_read_as_themselves_and_a_file_given_twice_once(
    tmp_path: Path,
) -> None:
    """DuckDB's readers take *, ? and [ for a pattern (``p[q]`` would read ``pq``): each
    such file is read itself, on the fast path and the pipeline; the same file given twice
    (under two spellings) counts once, as in the store."""
    from greenprocure.monitoring.engines.duckdb_engine import indicators_from_releases

    records = [
        {
            "ocid": f"ocds-w-{n}",
            "id": "1",
            "date": "2024-03-01T00:00:00Z",
            "tag": ["compiled"],
            "tender": {"id": "T", "lots": [{"id": f"L{k}"} for k in range(n + 1)]},
        }
        for n in range(3)
    ]
    for name, sibling in (("p[q].jsonl", "pq.jsonl"), ("a*b.jsonl", "axb.jsonl"), ("c?d", "cxd")):
        folder = tmp_path / sibling
        folder.mkdir()
        (folder / name).write_bytes(orjson.dumps(records[0]) + b"\n" + orjson.dumps(records[1]))
        (folder / sibling).write_bytes(orjson.dumps(records[2]) + b"\n")
        fast = indicators_from_compiled([folder / name], [])
        assert (fast.lot_rows, fast.errors) == (3, 0), name  # (1 + 2 lots; the sibling's 3)
        release = {**records[0], "tag": ["tender"]}
        packages = folder / f"packages-{name}"
        packages.write_bytes(orjson.dumps({"uri": "u", "releases": [release]}) + b"\n")
        (folder / f"packages-{sibling}").write_bytes(b"not json\n")
        pipeline = indicators_from_releases([packages], [])
        assert (pipeline.lot_rows, pipeline.errors) == (1, 0), name
    # a name DuckDB reads as a pattern, spelt with "..", "." and "//" (DuckDB names the
    # file it reads with them resolved): its bad line is still counted, and named
    folder = tmp_path / "pq.jsonl"
    damaged = folder / "bad[1].jsonl"
    damaged.write_bytes(orjson.dumps(records[0]) + b"\n{cut\n")
    for spelling in (
        f"{folder}/../pq.jsonl/bad[1].jsonl",
        f"{folder}/./bad[1].jsonl",
        f"{folder}//bad[1].jsonl",
    ):
        result = indicators_from_compiled([spelling], [])
        assert (result.errors, result.lot_rows) == (1, 1), spelling
        assert [w.file for w in result.warnings] == [str(damaged)]
    # a backslash is left unescaped (no pattern class expresses it): read as before
    slashed = folder / "b\\x[1].jsonl"
    slashed.write_bytes(orjson.dumps(records[1]) + b"\n")
    assert indicators_from_compiled([slashed], []).lot_rows == 2
    # a gzip file with ? in its path: DuckDB would not decompress it
    import gzip

    from greenprocure.errors import InputError

    question = tmp_path / "q?d" / "f.jsonl.gz"
    question.parent.mkdir()
    question.write_bytes(gzip.compress(orjson.dumps(records[0]) + b"\n"))
    with pytest.raises(InputError, match="gzip") as caught:
        indicators_from_compiled([question], [])
    assert caught.value.file == str(question)
    once = indicators_from_compiled([tmp_path / "pq.jsonl" / "pq.jsonl"], [])
    twice = indicators_from_compiled(
        [tmp_path / "pq.jsonl" / "pq.jsonl", tmp_path / "pq.jsonl" / "." / "pq.jsonl"], []
    )
    assert (twice.errors, twice.lot_rows, twice.files) == (once.errors, once.lot_rows, 1)


def test_a_file_that_is_not_text_is_named_whatever_file_duckdb_meets_first(
    tmp_path: Path,
) -> None:
    """A binary file beside a file with a damaged line: the error names the binary file,
    with its own reason, run after run (DuckDB reads the files in parallel and its error
    on them all names whichever it met first)."""
    from greenprocure.errors import ParseError
    from greenprocure.monitoring.engines.duckdb_engine import indicators_from_releases

    good = orjson.dumps(_record(random.Random(8), 1))
    damaged = tmp_path / "compiled.jsonl"
    damaged.write_bytes(good + b'\n{"bad json\n')
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00\x01abc\x00" * 100)
    packages = tmp_path / "packages.jsonl"
    packages.write_bytes(b'{"releases": [' + good + b']}\n{"bad json\n')
    for _ in range(3):
        for run, inputs in (
            (indicators_from_compiled, [damaged, binary]),
            (indicators_from_releases, [packages, binary]),
        ):
            with pytest.raises(ParseError) as caught:
                run(inputs, [])
            assert caught.value.file == str(binary)

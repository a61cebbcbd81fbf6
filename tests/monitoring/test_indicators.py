"""The indicator definitions (SQL shared by the engines) on a hand-made table of lot rows.

Every expected value below is counted by hand from the six rows of ``ROWS``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest

from greenprocure.errors import ValidationError
from greenprocure.monitoring.engines.duckdb_engine import run_indicators
from greenprocure.monitoring.indicators import (
    DIALECTS,
    GROUP_KEYS,
    INDICATORS,
    indicator_sql,
    key_columns,
    parse_group_keys,
)
from greenprocure.monitoring.rows import LOT_COLUMNS

CLIMATE = "environmental.climateChangeMitigation"


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name, _ in LOT_COLUMNS}
    row.update(
        source_file="a.json",
        source_kind="ocds",
        record_ref="line 1",
        lot_id="",
        is_green=False,
        goals=[],
        strategies=[],
        cvd=False,
        evidence=[],
        reporting_currency="EUR",
    )
    row.update(values)
    return row


ROWS = [
    # o1: green (goal listed twice: counted once), awarded 100, contracted 80
    _row(
        ocid="o1",
        buyer_id="b1",
        buyer_name="City",
        year=2022,
        month=3,
        date=dt.date(2022, 3, 1),
        cpv2="45",
        is_green=True,
        goals=[CLIMATE, CLIMATE],
        strategies=["awardCriteria"],
        awarded_value_rc=100.0,
        contracted_value_rc=80.0,
    ),
    # o2/L1 appears twice: the later row (2023, green, CVD) is kept
    _row(
        ocid="o2",
        lot_id="L1",
        buyer_id="b1",
        buyer_name="City",
        year=2022,
        month=5,
        date=dt.date(2022, 5, 1),
        cpv2="34",
        awarded_value_rc=999.0,
    ),
    _row(
        ocid="o2",
        lot_id="L1",
        source_file="b.json",
        buyer_id="b1",
        buyer_name="City",
        year=2023,
        month=1,
        date=dt.date(2023, 1, 9),
        cpv2="34",
        is_green=True,
        cvd=True,
        strategies=["euGPPCriteria"],
        awarded_value_rc=50.0,
    ),
    # o2/L2: not green, awarded 150
    _row(
        ocid="o2",
        lot_id="L2",
        buyer_id="b1",
        buyer_name="City",
        year=2023,
        month=1,
        date=dt.date(2023, 1, 9),
        cpv2="34",
        awarded_value_rc=150.0,
    ),
    # o3: another buyer, not green, no value
    _row(ocid="o3", buyer_id="b2", buyer_name="Port", year=2023, month=2, cpv2="45"),
    # o4: nothing known
    _row(ocid="o4"),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    columns = ", ".join(f"{name} {kind}" for name, kind in LOT_COLUMNS)
    connection.execute(f"CREATE TABLE lot_rows ({columns})")
    names = [name for name, _ in LOT_COLUMNS]
    marks = ", ".join("?" for _ in names)
    connection.executemany(
        f"INSERT INTO lot_rows VALUES ({marks})", [[row[n] for n in names] for row in ROWS]
    )
    return connection


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_total_green_share(con: duckdb.DuckDBPyConnection) -> None:
    (total,) = _records(con, indicator_sql("green_share"))
    assert total["lots"] == 5  # o1, o2/L1 (once), o2/L2, o3, o4
    assert total["green_lots"] == 2
    assert total["green_share_count"] == pytest.approx(2 / 5)
    assert total["cvd_lots"] == 1
    assert total["lots_with_awarded_value"] == 3
    assert total["awarded_value"] == pytest.approx(300.0)  # 100 + 50 + 150 (999 dropped)
    assert total["green_awarded_value"] == pytest.approx(150.0)
    assert total["green_share_awarded"] == pytest.approx(0.5)
    assert total["contracted_value"] == pytest.approx(80.0)
    assert total["green_share_contracted"] == pytest.approx(1.0)
    assert total["estimated_value"] is None
    assert total["green_share_estimated"] is None


def test_grouped_by_buyer_and_year(con: duckdb.DuckDBPyConnection) -> None:
    rows = _records(con, indicator_sql("green_share", ["buyer", "year"]))
    keyed = {(r["buyer_id"], r["year"]): r for r in rows}
    assert list(keyed) == [(None, None), ("b1", 2022), ("b1", 2023), ("b2", 2023)]
    assert keyed[("b1", 2023)]["buyer_name"] == "City"
    assert keyed[("b1", 2023)]["lots"] == 2
    assert keyed[("b1", 2023)]["green_share_count"] == pytest.approx(0.5)
    assert keyed[("b1", 2023)]["green_share_awarded"] == pytest.approx(50 / 200)
    assert keyed[("b1", 2022)]["green_lots"] == 1
    assert keyed[("b2", 2023)]["green_share_awarded"] is None


def test_a_group_with_values_and_no_green_lot_has_a_green_share_of_zero(
    con: duckdb.DuckDBPyConnection,
) -> None:
    names = [name for name, _ in LOT_COLUMNS]
    extra = _row(ocid="o5", buyer_id="b3", year=2024, awarded_value_rc=70.0)
    con.execute(
        f"INSERT INTO lot_rows VALUES ({', '.join('?' for _ in names)})",
        [extra[n] for n in names],
    )
    rows = _records(con, indicator_sql("green_share", ["buyer", "year"]))
    row = next(r for r in rows if r["buyer_id"] == "b3")
    assert row["awarded_value"] == pytest.approx(70.0)
    assert row["green_awarded_value"] == 0
    assert row["green_share_awarded"] == 0
    # no value at all: no share either
    assert row["green_estimated_value"] is None
    assert row["green_share_estimated"] is None


def test_month_groups_by_year_and_month(con: duckdb.DuckDBPyConnection) -> None:
    assert key_columns(["month"]) == ("year", "month")
    assert key_columns(["year", "month"]) == ("year", "month")
    rows = _records(con, indicator_sql("green_share", ["month"]))
    assert [(r["year"], r["month"], r["lots"]) for r in rows] == [
        (None, None, 1),
        (2022, 3, 1),
        (2023, 1, 2),
        (2023, 2, 1),
    ]


def test_goals_and_strategies(con: duckdb.DuckDBPyConnection) -> None:
    goals = _records(con, indicator_sql("goals"))
    assert goals == [
        {
            "goal": CLIMATE,
            "lots": 1,
            "lots_with_awarded_value": 1,
            "awarded_value": 100.0,
            "lots_with_contracted_value": 1,
            "contracted_value": 80.0,
        }
    ]
    strategies = _records(con, indicator_sql("strategies", ["cpv2"]))
    assert [(r["cpv2"], r["strategy"], r["lots"]) for r in strategies] == [
        ("34", "euGPPCriteria", 1),
        ("45", "awardCriteria", 1),
    ]


def test_spark_dialect_differs_only_in_list_functions() -> None:
    for name in INDICATORS:
        duck = indicator_sql(name, ["buyer", "cpv3"], dialect="duckdb")
        spark = indicator_sql(name, ["buyer", "cpv3"], dialect="spark")
        assert "unnest(" not in spark
        assert "list_distinct(" not in spark
        numbers = {
            dialect: DIALECTS[dialect]["numbers"].format(text="record_ref")
            for dialect in ("duckdb", "spark")
        }
        normalised = (
            spark.replace("explode(", "unnest(")
            .replace("array_distinct(", "list_distinct(")
            .replace(numbers["spark"], numbers["duckdb"])
        )
        assert normalised == duck


def test_every_key_runs(con: duckdb.DuckDBPyConnection) -> None:
    tables, totals = run_indicators(con, "lot_rows", GROUP_KEYS)
    assert set(tables) == set(INDICATORS)
    assert totals["green_share"].records()[0]["lots"] == 5
    assert sum(r["lots"] for r in tables["green_share"].records()) == 5


def test_keys_are_validated() -> None:
    assert parse_group_keys("buyer, cpv2,year,cpv2") == ("buyer", "cpv2", "year")
    assert parse_group_keys(None) == ()
    with pytest.raises(ValidationError, match="unknown group-by key region"):
        parse_group_keys("buyer,region")
    with pytest.raises(ValidationError, match="unknown indicator"):
        indicator_sql("red_flags")


def test_buyers_without_an_id_are_grouped_by_their_names(
    con: duckdb.DuckDBPyConnection,
) -> None:
    names = [name for name, _ in LOT_COLUMNS]
    nameless = [
        _row(ocid="o6", buyer_name="Alpha Hospital", year=2023, is_green=True, goals=[CLIMATE]),
        _row(ocid="o7", buyer_name="Zeta School", year=2023),
        _row(ocid="o8", buyer_name="Zeta School", year=2023),
    ]
    con.executemany(
        f"INSERT INTO lot_rows VALUES ({', '.join('?' for _ in names)})",
        [[row[n] for n in names] for row in nameless],
    )
    rows = _records(con, indicator_sql("green_share", ["buyer"]))
    assert [(r["buyer_id"], r["buyer_name"], r["lots"], r["green_lots"]) for r in rows] == [
        (None, None, 1, 0),  # o4: no buyer at all
        (None, "Alpha Hospital", 1, 1),
        (None, "Zeta School", 2, 0),
        ("b1", "City", 3, 2),
        ("b2", "Port", 1, 0),
    ]
    # the same groups for goals (a buyer without an id is not merged with another)
    goals = _records(con, indicator_sql("goals", ["buyer"]))
    assert [(r["buyer_id"], r["buyer_name"], r["lots"]) for r in goals] == [
        (None, "Alpha Hospital", 1),
        ("b1", "City", 1),
    ]


def test_counts_are_integers_whatever_the_engine_sums_them_as(
    con: duckdb.DuckDBPyConnection,
) -> None:
    described = con.execute(f"DESCRIBE {indicator_sql('green_share', ['year'])}").fetchall()
    types = {row[0]: row[1] for row in described}
    for column in ("lots", "green_lots", "cvd_lots", "lots_unconverted", "lots_with_awarded_value"):
        assert types[column] == "BIGINT", column


def test_copies_of_a_lot_on_one_date_in_one_file_keep_the_later_line(
    con: duckdb.DuckDBPyConnection,
) -> None:
    names = [name for name, _ in LOT_COLUMNS]
    copies = [
        _row(
            ocid="o9",
            record_ref=ref,
            buyer_id="b9",
            year=2024,
            date=dt.date(2024, 1, 1),
            is_green=green,
        )
        for ref, green in (("line 9", False), ("line 10", True))
    ]
    con.executemany(
        f"INSERT INTO lot_rows VALUES ({', '.join('?' for _ in names)})",
        [[row[n] for n in names] for row in copies],
    )
    rows = _records(con, indicator_sql("green_share", ["buyer"]))
    (row,) = [r for r in rows if r["buyer_id"] == "b9"]
    assert (row["lots"], row["green_lots"]) == (1, 1)  # line 10's copy, not line 9's


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    names = [name for name, _ in LOT_COLUMNS]
    con.executemany(
        f"INSERT INTO lot_rows VALUES ({', '.join('?' for _ in names)})",
        [[row[n] for n in names] for row in rows],
    )


#: Copies of one lot that deduplication must choose between, with the copy it keeps
#: (green) and the others (not green): places in one file compared by their numbers, the
#: latest release whatever its lot's date, and rows stored before ``release_date`` existed.
DEDUPLICATION_CASES: dict[str, list[dict[str, Any]]] = {
    # "line 9, releases[12]" sorts after "line 10, releases[0]" as text of equal length
    "compound places": [
        _row(ocid="d1", record_ref=ref, buyer_id="d1", date=dt.date(2024, 1, 1), is_green=green)
        for ref, green in (("line 9, releases[12]", False), ("line 10, releases[0]", True))
    ],
    # the later compiled release cancelled the award: its lot is dated by the tender, earlier
    "later release, earlier lot date": [
        _row(
            ocid="d2",
            source_file=file,
            buyer_id="d2",
            release_date=released,
            date=lot_date,
            is_green=green,
        )
        for file, released, lot_date, green in (
            ("z-old.json", dt.date(2024, 3, 1), dt.date(2024, 3, 1), False),
            ("a-new.json", dt.date(2024, 6, 1), dt.date(2024, 1, 15), True),
        )
    ],
    # a copy stored before release dates (layout 3): the copies compared by their lots'
    # dates, as then (the older copy's release is the later one, its award dated March)
    "copy stored before release dates, later release": [
        _row(ocid="d4", buyer_id="d4", release_date=None, date=dt.date(2024, 3, 1), is_green=True),
        _row(
            ocid="d4",
            source_file="b.json",
            buyer_id="d4",
            release_date=dt.date(2024, 4, 1),
            date=dt.date(2024, 2, 1),
        ),
    ],
    # numbers beyond 64 bits in a place compare as numbers on both engines
    "long numbers": [
        _row(ocid="d5", record_ref=ref, buyer_id="d5", date=dt.date(2024, 1, 1), is_green=green)
        for ref, green in (("notice 5", False), ("notice 123456789012345678901", True))
    ],
    # a row without a release date (stored before the column) is dated by its lot's date
    "row stored before release dates": [
        _row(ocid="d3", buyer_id="d3", release_date=None, date=dt.date(2024, 5, 1), is_green=True),
        _row(
            ocid="d3",
            source_file="b.json",
            buyer_id="d3",
            release_date=dt.date(2024, 4, 1),
            date=dt.date(2024, 4, 1),
        ),
    ],
}


@pytest.mark.parametrize("case", sorted(DEDUPLICATION_CASES))
def test_deduplication_keeps_the_copy_of_the_latest_release(
    con: duckdb.DuckDBPyConnection, case: str
) -> None:
    copies = DEDUPLICATION_CASES[case]
    _insert(con, copies)
    buyer = copies[0]["buyer_id"]
    rows = _records(con, indicator_sql("green_share", ["buyer"]))
    (row,) = [r for r in rows if r["buyer_id"] == buyer]
    assert (row["lots"], row["green_lots"]) == (1, 1)

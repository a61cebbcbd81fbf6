"""The monitoring HTML report: self-contained, in each language, with the key figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from greenprocure.cli.examples import EXAMPLES
from greenprocure.i18n import format_month, format_percent, use_language
from greenprocure.monitoring.engines import expand_inputs, report_data
from greenprocure.monitoring.engines.duckdb_engine import ingest
from greenprocure.monitoring.indicators import IndicatorTable, MonitoringReportData
from greenprocure.monitoring.synth import generate
from greenprocure.reporting.monitoring_report import render_monitoring_report


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> MonitoringReportData:
    store = tmp_path_factory.mktemp("report") / "m.duckdb"
    ingest(expand_inputs([EXAMPLES / "monitoring"]), store)
    return report_data(store, ["country", "cpv2"])


TITLES = {
    "en": "Green public procurement monitoring",
    "zh_Hans": "绿色公共采购监测",
    "ko": "녹색공공조달 모니터링",
    "ja": "グリーン公共調達モニタリング",
}
GOAL = {
    "en": "Climate change mitigation",
    "zh_Hans": "气候变化减缓",
    "ko": "기후변화 완화",
    "ja": "気候変動の緩和",
}


@pytest.mark.parametrize("lang", sorted(TITLES))
def test_report_in_every_language(data: MonitoringReportData, lang: str) -> None:
    html = render_monitoring_report(data, lang)
    assert TITLES[lang] in html
    assert GOAL[lang] in html
    total = data.breakdown.totals["green_share"].records()[0]
    with use_language(lang):
        share = format_percent(total["green_share_count"], 1)
    assert share in html
    assert html.count("<svg") == 4  # time series, breakdown, goals, strategies
    assert "<script" not in html
    assert 'src="http' not in html
    assert f'lang="{ {"zh_Hans": "zh-Hans"}.get(lang, lang) }"' in html


def test_report_states_the_method(data: MonitoringReportData) -> None:
    html = render_monitoring_report(data, "en")
    assert "does not make a lot green" in html
    assert "annual average exchange rate" in html
    # the header tells the rows read from the lots counted (as the headline counts them)
    total = data.breakdown.totals["green_share"].records()[0]
    rows, lots = data.breakdown.lot_rows, total["lots"]
    assert f"lot rows read: {rows} · lots counted once each: {lots}" in html
    for source in data.breakdown.sources:
        assert Path(source).name in html


def test_report_of_an_empty_store(tmp_path: Path) -> None:
    store = tmp_path / "m.duckdb"
    ingest([], store)
    data = report_data(store, ["year"])
    html = render_monitoring_report(data, "ko")
    assert "로트가 없습니다." in html
    # no share of no lots (not "0.0 % of lots are green: 0 of 0")
    assert "읽은 로트가 없습니다" in html
    assert "0 of 0" not in render_monitoring_report(data, "en")
    assert data.breakdown.computed_at is not None
    assert data.breakdown.computed_at.date() <= dt.datetime.now(dt.UTC).date()


def test_procedure_and_category_codes_are_named_in_the_language(tmp_path: Path) -> None:
    store = tmp_path / "m.duckdb"
    ingest(expand_inputs([EXAMPLES / "monitoring"]), store)
    data = report_data(store, ["procurement_method", "main_category"])
    methods = {r["procurement_method"] for r in data.breakdown.tables["green_share"].records()}
    assert "open" in methods
    html = render_monitoring_report(data, "ja")
    assert "一般競争" in html  # open
    assert ">open<" not in html
    assert "open ·" not in html
    english = render_monitoring_report(data, "en")
    assert "Open" in english


def test_a_chart_of_the_largest_groups_says_so(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    generate(400, source, form="compiled", seed=3, workers=1)
    store = tmp_path / "m.duckdb"
    ingest([source], store)
    data = report_data(store, ["buyer"])
    groups = sum(1 for r in data.breakdown.tables["green_share"].records() if r["lots"])
    assert groups > 20
    html = render_monitoring_report(data, "en")
    assert f"The chart shows the 20 groups with the most lots, of {groups:,}" in html
    few = render_monitoring_report(report_data(store, ["year"]), "en")
    assert "The chart shows the" not in few


def test_months_and_key_lists_are_written_as_the_language_writes_them(tmp_path: Path) -> None:
    from greenprocure.i18n import format_list
    from greenprocure.i18n import gettext as _
    from greenprocure.monitoring.indicators import KEY_LABELS

    store = tmp_path / "m.duckdb"
    ingest(expand_inputs([EXAMPLES / "monitoring"]), store)
    data = report_data(store, ["country", "cpv2"], period="month")
    html = render_monitoring_report(data, "ja")
    with use_language("ja"):
        keys = format_list([_(KEY_LABELS["country"]), _(KEY_LABELS["cpv2"])])
    assert "、" in keys
    assert keys in html
    first = next(r for r in data.time_series.tables["green_share"].records() if r["month"])
    month = format_month(first["year"], first["month"], "ja")
    assert "年" in month
    assert month in html


def _series(rows: list[tuple[int | None, int | None]], by: tuple[str, ...]) -> IndicatorTable:
    columns = ("year", "month", "lots", "green_share_count", "green_share_awarded")
    return IndicatorTable(
        name="green_share",
        by=by,
        columns=columns if "month" in by else tuple(c for c in columns if c != "month"),
        rows=[
            (year, month, 4, 0.25, None) if "month" in by else (year, 4, 0.25, None)
            for year, month in rows
        ],
    )


def test_the_time_axis_spaces_periods_by_their_distance() -> None:
    from greenprocure.reporting.monitoring_report import _periods, _share_chart

    yearly = _series([(2010, None), (2015, None), (None, None)], ("year",))
    with use_language("en"):
        assert _periods(yearly.records(), ["year"]) == [
            "2010",
            "2011",
            "2012",
            "2013",
            "2014",
            "2015",
            "unknown",
        ]
        svg = _share_chart(yearly, "t", line=True)
    assert svg is not None
    # the years without lots are on the axis between those with lots
    assert ">2012</text>" in svg
    monthly = _series([(2019, 11), (2020, 2)], ("year", "month"))
    with use_language("ja"):
        labels = _periods(monthly.records(), ["year", "month"])
    assert labels is not None
    assert len(labels) == 4
    assert labels[1] == format_month(2019, 12, "ja")
    assert labels[2] == format_month(2020, 1, "ja")
    # a breakdown by anything else keeps the order of its rows
    assert _periods(yearly.records(), ["cpv2"]) is None
    # a far-off date ("no end" written as 9999) does not make thousands of periods
    far = _series([(2010, None), (2012, None), (9999, None)], ("year",))
    with use_language("en"):
        assert _periods(far.records(), ["year"]) == ["2010", "2012", "9999"]


def test_charts_are_named_in_the_language_for_assistive_technology(
    data: MonitoringReportData,
) -> None:
    html = render_monitoring_report(data, "ko")
    # each chart is one image labelled in Korean; Vega's English labels are gone
    assert html.count('role="img"') == 4
    assert 'aria-label="꺾은선 차트: ' in html
    assert "aria-roledescription" not in html
    assert "X-axis" not in html


def test_group_labels_tell_buyers_of_one_name_apart_and_put_months_in_the_years_place() -> None:
    from greenprocure.reporting.monitoring_report import _rows, _share_chart

    columns = ("buyer_id", "buyer_name", "lots", "green_share_count", "green_share_awarded")
    buyers = IndicatorTable(
        name="green_share",
        by=("buyer",),
        columns=columns,
        rows=[
            ("ES-ORG-1", "Oakridge Health", 4, 0.75, None),
            ("FR-ORG-2", "Oakridge Health", 4, 0.25, None),
            ("ES-ORG-3", "Port", 2, 0.5, None),
            ("ES-ORG-4", None, 1, 0.0, None),
        ],
    )
    with use_language("en"):
        labels = [row["label"] for row in _rows(buyers)]
        svg = _share_chart(buyers, "t", line=False)
    assert labels == [
        "Oakridge Health (ES-ORG-1)",
        "Oakridge Health (FR-ORG-2)",
        "Port",
        "ES-ORG-4",
    ]
    assert svg is not None
    assert "Oakridge Health (FR-ORG-2)" in svg
    monthly = IndicatorTable(
        name="green_share",
        by=("year", "cpv2", "month"),
        columns=("year", "cpv2", "month", "lots", "green_share_count", "green_share_awarded"),
        rows=[(2022, "33", 3, 1, 1.0, None), (2022, "45", 3, 1, 0.0, None)],
    )
    with use_language("en"):
        labels = [row["label"] for row in _rows(monthly)]
        month = format_month(2022, 3, "en")
    assert len(set(labels)) == 2
    assert all(label.startswith(f"{month} · ") for label in labels)


def test_lots_without_a_date_are_left_off_the_time_line() -> None:
    from greenprocure.reporting.monitoring_report import _rows, _share_chart

    yearly = _series([(2020, None), (2021, None), (None, None)], ("year",))
    with use_language("en"):
        svg = _share_chart(yearly, "t", line=True)
        labels = [row["label"] for row in _rows(yearly)]
    assert svg is not None
    assert ">unknown</text>" not in svg
    assert "unknown" in labels  # the table still lists them


def test_countries_are_named_in_the_language_and_the_time_says_its_zone(
    data: MonitoringReportData,
) -> None:
    from babel import Locale

    codes = {r["country"] for r in data.breakdown.tables["green_share"].records() if r["country"]}
    assert codes
    for lang, locale in (("ko", "ko"), ("ja", "ja"), ("zh_Hans", "zh_Hans")):
        html = render_monitoring_report(data, lang)
        for code in codes:
            assert f"{Locale.parse(locale).territories[code]} ({code})" in html
        assert "UTC" in html

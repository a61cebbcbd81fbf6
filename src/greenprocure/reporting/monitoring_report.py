"""The monitoring report: one self-contained HTML page of green-procurement indicators.

It renders a :class:`~greenprocure.monitoring.MonitoringReportData` (a time series and a
breakdown, each with totals) in the language in force: headline figures, Vega-Lite charts
as inline SVG (green share over time, by group, lots per goal and per strategy), the tables,
and the method (which lots count as green, how value is attributed and converted, how
duplicates are counted). It formats and lays out; it computes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from greenprocure.i18n import format_list, format_month, format_percent, get_language
from greenprocure.i18n import gettext as _
from greenprocure.monitoring import IndicatorResult, IndicatorTable, MonitoringReportData
from greenprocure.monitoring.indicators import KEY_LABELS
from greenprocure.monitoring.labels import (
    GOAL_LABELS,
    STRATEGY_LABELS,
    key_value_label,
    label,
)
from greenprocure.reporting.charts import chart_svg
from greenprocure.reporting.html import render_html

__all__ = ["GOAL_LABELS", "STRATEGY_LABELS", "render_monitoring_report"]

_MAX_BARS = 20
#: The most periods the time axis spans with those without lots.
_MAX_PERIODS = 240
_GREEN = "#2f6b3a"


def _key_columns(table: IndicatorTable) -> list[str]:
    return [c for c in table.columns if c in KEY_LABELS]


def _group_label(
    record: Mapping[str, Any], keys: Sequence[str], shared_names: frozenset[str] = frozenset()
) -> str:
    """The label of a group: its keys' values joined, a buyer by its name (with its id when
    ``shared_names`` holds the name: buyers of one name are told apart), a month with its
    year in the year's place."""
    parts: list[str] = []
    year_at: int | None = None
    for key in keys:
        value = record.get(key)
        if key == "buyer_id" and "buyer_name" in keys and record.get("buyer_name"):
            continue  # the buyer goes by its name
        if key == "buyer_name" and value is None and record.get("buyer_id") is not None:
            continue  # the buyer went by its id
        if key == "buyer_name" and value in shared_names and record.get("buyer_id"):
            parts.append(f"{value} ({key_value_label('buyer_id', record['buyer_id'])})")
            continue
        if key == "year":
            year_at = len(parts)
        if key == "month" and year_at is not None:
            year = record.get("year")
            if value is not None and year is not None:
                parts[year_at] = format_month(int(year), int(value))
            continue  # without a month the year's part says it (or that it is unknown)
        parts.append(_("unknown") if value is None else key_value_label(key, value))
    return " · ".join(parts) if parts else _("All")


def _shared_names(records: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    """The buyer names that more than one buyer id bears among ``records``."""
    ids: dict[str, set[Any]] = {}
    for record in records:
        name = record.get("buyer_name")
        if name:
            ids.setdefault(str(name), set()).add(record.get("buyer_id"))
    return frozenset(name for name, found in ids.items() if len(found) > 1)


def _periods(records: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> list[str] | None:
    """The labels of every year (or month) from the first to the last of ``records``, in
    order, then those of records without a year (or month): the time axis then spaces 2010
    and 2015 five steps apart instead of side by side. None for keys other than a period."""
    if not keys or keys[0] != "year" or any(k not in ("year", "month") for k in keys):
        return None
    monthly = "month" in keys
    known = [
        int(r["year"]) * 12 + (int(r["month"]) - 1 if monthly else 0)
        for r in records
        if r.get("year") is not None and (not monthly or r.get("month") is not None)
    ]
    labels: list[str] = []
    step = 1 if monthly else 12
    # a far-off date (9999-12-31 as "no end") would make thousands of periods: then only
    # the periods that have lots are shown
    if known and (max(known) - min(known)) // step < _MAX_PERIODS:
        for index in range(min(known), max(known) + 1, step):
            period = {"year": index // 12, "month": index % 12 + 1}
            labels.append(_group_label(period, keys))
    labels.extend(
        label
        for label in dict.fromkeys(_group_label(r, keys) for r in records)
        if label not in labels
    )
    return labels


def _share_chart(table: IndicatorTable, title: str, *, line: bool) -> str | None:
    keys = _key_columns(table)
    records = [r for r in table.records() if r["lots"]]
    shared = _shared_names(records)
    if line:
        # lots without a date have no place on a time axis (the table lists them)
        records = [r for r in records if all(r.get(k) is not None for k in keys)]
    else:
        records = sorted(records, key=lambda r: -int(r["lots"]))[:_MAX_BARS]
    if not records:
        return None
    count_name = _("Green share (count)")
    value_name = _("Green share (awarded)")
    group_name = _("Group")
    rows: list[dict[str, Any]] = []
    for record in records:
        label = _group_label(record, keys, shared)
        rows.append(
            {group_name: label, "measure": count_name, "share": record["green_share_count"]}
        )
        if record["green_share_awarded"] is not None:
            rows.append(
                {group_name: label, "measure": value_name, "share": record["green_share_awarded"]}
            )
    data = alt.Data(values=rows)  # type: ignore[no-untyped-call]
    base = alt.Chart(data).properties(title=title, width=520)
    # from 0, and at least to 1 %: shares that are all 0 would collapse the axis to 0 %-0 %
    top = max((float(row["share"] or 0) for row in rows), default=0.0)
    scale = alt.Scale(domain=[0, max(top, 0.01)], nice=True)
    share = alt.Y("share:Q", title=_("Green share"), axis=alt.Axis(format="%"), scale=scale)
    colour = alt.Color(
        "measure:N",
        title=None,
        scale=alt.Scale(domain=[count_name, value_name], range=[_GREEN, "#8fb996"]),
        legend=alt.Legend(orient="bottom"),
    )
    if line:
        periods = _periods(records, keys)
        # every period on the axis, those without lots too (thinned when labels collide)
        period_axis = alt.Axis(labelAngle=0, labelOverlap="parity")
        period_scale = alt.Scale(domain=periods) if periods else alt.Undefined
        chart = base.mark_line(point=True).encode(
            x=alt.X(f"{group_name}:O", title=None, sort=None, axis=period_axis, scale=period_scale),
            y=share,
            color=colour,
        )
    else:
        chart = base.mark_bar().encode(
            y=alt.Y(f"{group_name}:N", title=None, sort=None),
            x=alt.X(
                "share:Q",
                title=_("Green share"),
                axis=alt.Axis(format="%"),
                scale=scale,
                stack=None,
            ),
            color=colour,
            yOffset="measure:N",
        )
    kind = _("Line chart") if line else _("Bar chart")
    return chart_svg(chart, description=_description(kind, title))


def _count_chart(table: IndicatorTable, labels: Mapping[str, str], title: str) -> str | None:
    column = "goal" if table.name == "goals" else "strategy"
    records = table.records()
    if not records:
        return None
    name = _("Name")
    lots = _("Lots")
    rows = [{name: _label(r[column], labels), lots: r["lots"]} for r in records]
    data = alt.Data(values=rows)  # type: ignore[no-untyped-call]
    chart = (
        alt.Chart(data)
        .mark_bar(color=_GREEN)
        .encode(
            y=alt.Y(f"{name}:N", title=None, sort="-x"),
            x=alt.X(f"{lots}:Q", title=lots, axis=alt.Axis(tickMinStep=1, format="d")),
        )
        .properties(title=title, width=520)
    )
    return chart_svg(chart, description=_description(_("Bar chart"), title))


def _description(kind: str, title: str) -> str:
    """What assistive technology reads for a chart of the report (the figures are in the
    table that follows each chart)."""
    return _("{kind}: {title}. The table below gives its figures.").format(kind=kind, title=title)


def _label(code: str | None, labels: Mapping[str, str]) -> str:
    return _("unknown") if code is None else label(code, labels)


def _rows(table: IndicatorTable) -> list[dict[str, Any]]:
    keys = _key_columns(table)
    records = table.records()
    shared = _shared_names(records)
    out = []
    for record in records:
        item = dict(record)
        item["label"] = _group_label(record, keys, shared)
        out.append(item)
    return out


def _headline(result: IndicatorResult) -> dict[str, Any]:
    total = result.totals["green_share"].records()
    return total[0] if total else {}


def render_monitoring_report(data: MonitoringReportData, lang: str | None = None) -> str:
    """The report as one HTML document (inline SVG charts, no external resources)."""
    from greenprocure.i18n import use_language

    with use_language(lang or get_language()):
        series = data.time_series
        breakdown = data.breakdown
        headline = _headline(breakdown)
        by_label = format_list(
            [
                _(KEY_LABELS[c])
                for c in _key_columns(breakdown.tables["green_share"])
                if c != "buyer_id"
            ]
        )
        goals = [
            {"label": _label(r["goal"], GOAL_LABELS), **r}
            for r in breakdown.totals["goals"].records()
        ]
        strategies = [
            {"label": _label(r["strategy"], STRATEGY_LABELS), **r}
            for r in breakdown.totals["strategies"].records()
        ]
        context = {
            "currency": breakdown.reporting_currency,
            "engine": breakdown.engine,
            "files": breakdown.files,
            "lot_rows": breakdown.lot_rows,
            "errors": breakdown.errors,
            "sources": breakdown.sources,
            "computed_at": breakdown.computed_at,
            "headline": headline,
            "headline_share": format_percent(headline.get("green_share_count") or 0, 1),
            "by_label": by_label or _("All"),
            "series_rows": _rows(series.tables["green_share"]),
            "breakdown_rows": _rows(breakdown.tables["green_share"]),
            # the bar chart shows the largest groups only: say so when some are left out
            "breakdown_groups": sum(
                1 for r in breakdown.tables["green_share"].records() if r["lots"]
            ),
            "max_bars": _MAX_BARS,
            "goals": goals,
            "strategies": strategies,
            "series_chart": _share_chart(
                series.tables["green_share"], _("Green share over time"), line=True
            ),
            "breakdown_chart": _share_chart(
                breakdown.tables["green_share"],
                _("Green share by {groups}").format(groups=by_label or _("All")),
                line=False,
            ),
            "goals_chart": _count_chart(
                breakdown.totals["goals"], GOAL_LABELS, _("Lots per environmental goal")
            ),
            "strategies_chart": _count_chart(
                breakdown.totals["strategies"], STRATEGY_LABELS, _("Lots per strategy")
            ),
        }
        return render_html("monitoring.html", context)

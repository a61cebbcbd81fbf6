"""The one-page impact summary a city can put in a case study (inline CSS and SVG, no script).

Headline figures with their ranges, everyday equivalences with their cited factors, a chart
of t CO2e avoided by product group, the lines, the lines that could not be quantified and
why, and every source used with its dataset version.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from greenprocure.i18n import get_language, gettext, use_language
from greenprocure.impact import ImpactResult
from greenprocure.reporting.charts import chart_svg
from greenprocure.reporting.html import render_html
from greenprocure.reporting.impact_view import impact_view

__all__ = ["impact_chart", "impact_html"]


def impact_chart(view: dict[str, Any]) -> str:
    """A horizontal bar of t CO2e avoided over the period per product group (inline SVG)."""
    rows = [
        {"group": g["title"], "value": g["co2e_period"]} for g in view["groups"] if g["co2e_period"]
    ]
    if not rows:
        return ""
    chart = (
        alt.Chart(alt.Data(values=rows))  # type: ignore[no-untyped-call]
        .mark_bar(color="#2f6b3a")
        .encode(
            y=alt.Y("group:N", sort="-x", title=None),
            x=alt.X("value:Q", title=gettext("t CO2e over the period")),
        )
        .properties(width=520, height=max(60, 30 * len(rows)))
    )
    description = gettext("Bar chart of the t CO2e avoided over the period, per product group")
    return chart_svg(chart, description=description)


def impact_html(result: ImpactResult, lang: str | None = None) -> str:
    """The summary in ``lang`` (default: the language in force)."""
    with use_language(lang or get_language()):
        view = impact_view(result)
        return render_html("impact.html", {"report": view, "chart": impact_chart(view)})

"""The award report as one self-contained HTML page (inline CSS and SVG, no script, no network).

Sections: the tender and the method; parameters and their sources (with citations and dataset
versions); per lot the ranking with a chart, the exclusions and their reasons, the breakdown
of each bid (requirement checks, criterion scores, discounts and deductions, life-cycle cost by
year or the Clean Vehicles Directive cost), the sensitivity of the winner to each weight, and
the tie-break rule. An officer can print it or attach it to the award decision.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from greenprocure.evaluation import EvaluationResult, LotResult
from greenprocure.i18n import get_language, gettext, use_language
from greenprocure.reporting.charts import chart_svg
from greenprocure.reporting.evaluation_view import chart_rows, evaluation_view
from greenprocure.reporting.html import render_html

__all__ = ["evaluation_chart", "evaluation_html"]


def evaluation_chart(lot: LotResult) -> str:
    """A stacked horizontal bar per ranked bid (scores, or cost components) as inline SVG."""
    measure, rows = chart_rows(lot)
    if not rows:
        return ""
    order = list(dict.fromkeys(row["bid"] for row in rows))
    chart = (
        alt.Chart(alt.Data(values=rows))  # type: ignore[no-untyped-call]
        .mark_bar()
        .encode(
            y=alt.Y("bid:N", sort=order, title=None),
            x=alt.X("sum(value):Q", title=measure),
            color=alt.Color(
                "part:N",
                title=None,
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=320),
            ),
            order=alt.Order("part:N"),
        )
        .properties(width=520, height=max(60, 28 * len(order)))
    )
    description = gettext("Bar chart of the ranked bids: {measure}").format(measure=measure)
    return chart_svg(chart, description=description)


def evaluation_html(result: EvaluationResult, lang: str | None = None) -> str:
    """The report in ``lang`` (default: the language in force)."""
    with use_language(lang or get_language()):
        view: dict[str, Any] = evaluation_view(result)
        for lot_data, lot in zip(view["lots"], result.lots, strict=True):
            lot_data["chart"] = evaluation_chart(lot)
        return render_html("evaluation.html", {"report": view})

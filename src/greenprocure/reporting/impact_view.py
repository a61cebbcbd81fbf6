"""The view of an :class:`~greenprocure.impact.ImpactResult` shared by the HTML and XLSX
reports: translated labels, figures that are present, the sources used. No computation."""

from __future__ import annotations

from typing import Any

from greenprocure.i18n import format_number, gettext
from greenprocure.impact import EQUIVALENCE_LABELS, METRICS, Figure, ImpactResult, get_model

__all__ = ["HEADLINE", "impact_sources", "impact_view", "metric_label", "metric_unit"]

#: Figures shown as headline cards, in order.
HEADLINE: tuple[str, ...] = (
    "co2e_period",
    "co2e_annual",
    "energy_kwh",
    "energy_toe",
    "ods_kg",
    "ods_odp_kg",
    "waste_t",
    "virgin_t",
    "hazardous_kg",
    "water_m3",
    "nox_kg",
    "pm_kg",
    "money",
    "money_discounted",
)


def metric_label(name: str) -> str:
    for metric in METRICS:
        if metric.name == name:
            return gettext(metric.label)
    return name


def metric_unit(name: str, currency: str | None) -> str:
    for metric in METRICS:
        if metric.name == name:
            return (currency or "") if metric.unit == "currency" else metric.unit
    return ""


def _digits(value: float) -> int:
    """Decimals worth showing: none from 1,000 up, one below."""
    return 0 if abs(value) >= 1000 else 1


def _figure_text(figure: Figure) -> str:
    return format_number(figure.value, _digits(figure.value))


def _range_text(figure: Figure, digits: int | None = None) -> str:
    if figure.low == figure.value == figure.high:
        return ""
    shown = _digits(figure.value) if digits is None else digits
    return f"{format_number(figure.low, shown)} – {format_number(figure.high, shown)}"


def impact_sources(result: ImpactResult) -> list[dict[str, str]]:
    """Every cited source used by a figure of the result, once, with dataset versions."""
    seen: dict[tuple[str, str], dict[str, str]] = {}

    def add(factor: Any) -> None:
        citation = factor.citation
        key = (factor.dataset.name, citation.id)
        if key not in seen:
            seen[key] = {
                "title": citation.title,
                "publisher": citation.publisher,
                "year": "" if citation.year is None else str(citation.year),
                "url": citation.url,
                "accessed": citation.accessed.isoformat(),
                "dataset": str(factor.dataset),
            }

    for group in result.groups:
        for column in group.factors.values():
            used = {int(i) for i in set(column.index.tolist()) if i >= 0}
            for slot in sorted(used):
                use = column.uses[slot]
                if use.factor is not None:
                    add(use.factor)
        for use in group.money_uses:
            if use.factor is not None:
                add(use.factor)
    for equivalence in result.equivalences:
        add(equivalence.factor)
    return sorted(seen.values(), key=lambda s: (s["dataset"], s["publisher"], s["title"]))


def impact_view(result: ImpactResult, *, max_lines: int = 200) -> dict[str, Any]:
    """Everything the one-page summary shows, as plain values in the current language."""
    currency = result.currency
    headline = []
    for name in HEADLINE:
        figure = result.totals.get(name)
        if figure is None or figure.value == 0:
            continue
        headline.append(
            {
                "key": name,
                "label": metric_label(name),
                "value": _figure_text(figure),
                "range": _range_text(figure),
                "unit": metric_unit(name, currency),
            }
        )
    groups = []
    for group in result.groups:
        model = group.model
        figures = result.by_group.get(model.group, {})
        shown = [
            {"label": metric_label(m), "value": _figure_text(f), "unit": metric_unit(m, currency)}
            for m, f in figures.items()
            if f.value != 0 and m in HEADLINE
        ]
        groups.append(
            {
                "key": model.group,
                "title": gettext(model.title),
                "lines": group.batch.size,
                "failed": int(group.failed.sum()),
                "spend": model.precision == "spend",
                "no_co2": not model.claims_co2,
                "co2e_period": figures["co2e_period"].value if "co2e_period" in figures else 0.0,
                "figures": shown,
                "source": model.source,
            }
        )
    lines: list[dict[str, Any]] = []
    for line in result.lines():
        if len(lines) >= max_lines:
            break
        co2e = line.figures.get("co2e_period")
        lines.append(
            {
                "row": line.row,
                "id": line.id,
                "group": gettext(get_model(line.group).title),
                "failed": line.failed,
                "co2e_period": "" if co2e is None else format_number(co2e.value, 2),
                "co2e_range": "" if co2e is None else _range_text(co2e, 2),
                "other": "; ".join(
                    f"{metric_label(k)} {format_number(v.value, 1)} {v.unit}"
                    for k, v in line.figures.items()
                    if k not in ("co2e_period", "co2e_annual", "energy_toe", "money_discounted")
                    and v.value != 0
                ),
            }
        )
    equivalences = [
        {
            "count": format_number(e.count, 0),
            "label": gettext(EQUIVALENCE_LABELS.get(e.name, e.label)),
            "factor": f"{format_number(e.factor.value, 2)} {e.factor.unit}",
            "source": e.factor.citation.short(),
            "region": e.factor.region,
            "period": e.factor.period,
        }
        for e in result.equivalences
        if e.count
    ]
    return {
        "source": result.source,
        "country": result.settings.country,
        "year": result.settings.year,
        "gwp_basis": result.settings.gwp_basis,
        "discount_rate": result.settings.discount_rate,
        "currency": currency or "",
        "line_count": result.line_count,
        "shown_lines": len(lines),
        "headline": headline,
        "groups": groups,
        "lines": lines,
        "equivalences": equivalences,
        "problems": [
            {"row": p.row, "group": p.group, "field": p.field or "", "message": p.localized()}
            for p in result.problems
        ],
        "sources": impact_sources(result),
        "datasets": ", ".join(f"{k}@{v}" for k, v in sorted(result.datasets.items())),
        "has_spend": any(g["spend"] for g in groups),
    }

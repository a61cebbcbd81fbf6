"""What an award report shows, taken from an :class:`EvaluationResult`, in the language in force.

The HTML, DOCX and XLSX renderers share this view so that the three documents say the same
thing. Nothing is computed here beyond presentation (labels, formatting, which table to show):
every figure comes from the result object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from greenprocure.evaluation import BidResult, EvaluationResult, LotResult, SourceUsed
from greenprocure.i18n import (
    N_,
    format_currency,
    format_date,
    format_number,
    format_percent,
)
from greenprocure.i18n import gettext as _

__all__ = [
    "COMPONENT_LABELS",
    "CVD_LABELS",
    "FORMULA_LABELS",
    "KIND_LABELS",
    "MECHANISM_LABELS",
    "METHOD_LABELS",
    "ORIGIN_LABELS",
    "bid_detail",
    "chart_rows",
    "evaluation_view",
    "lot_view",
    "number_text",
]

METHOD_LABELS: Mapping[str, str] = {
    "lowest_price": N_("Lowest price"),
    "lowest_cost": N_("Lowest cost (life-cycle costing)"),
    "meat": N_("Best price-quality ratio (MEAT)"),
}
FORMULA_LABELS: Mapping[str, str] = {
    "proportional": N_("Proportional: points = weight x lowest / offer"),
    "linear": N_("Linear: full points at the lowest offer, none at the reference"),
    "price_per_point": N_("Price per quality point: lowest price / quality ratio wins"),
}
COMPONENT_LABELS: Mapping[str, str] = {
    "acquisition": N_("Acquisition"),
    "energy": N_("Energy"),
    "resources": N_("Other resources"),
    "consumables": N_("Consumables"),
    "maintenance": N_("Maintenance"),
    "end_of_life": N_("End of life"),
    "externalities": N_("Externalities (emissions)"),
}
CVD_LABELS: Mapping[str, str] = {
    "energy": N_("Energy cost"),
    "co2": N_("CO2 emissions cost"),
    "nox": N_("NOx emissions cost"),
    "nmhc": N_("NMHC emissions cost"),
    "pm": N_("Particulate emissions cost"),
}
ORIGIN_LABELS: Mapping[str, str] = {
    "tender": N_("set by the tender"),
    "reference": N_("reference library"),
    "law": N_("legal text"),
}
KIND_LABELS: Mapping[str, str] = {
    "points": N_("points awarded by the committee"),
    "pass_fail": N_("pass or fail"),
    "numeric": N_("declared value, interpolated"),
    "certificate": N_("certificate held"),
}
MECHANISM_LABELS: Mapping[str, str] = {
    "co2_ladder": N_("CO2 Performance Ladder"),
    "price_deduction": N_("Certificate price deduction"),
}


def number_text(value: object, digits: int = 2) -> str:
    """A declared value for display: numbers in the locale, yes/no translated, text as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return format_number(round(float(value), digits), None)
    return str(value)


def _money(value: float | None, currency: str, digits: int = 0) -> str:
    return "" if value is None else format_currency(value, currency, digits=digits)


def _label(table: Mapping[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def _sources(sources: Iterable[SourceUsed]) -> list[dict[str, str]]:
    rows = []
    for source in sources:
        citation = ""
        dataset = ""
        factor = source.factor or {}
        cited = factor.get("source") if isinstance(factor, Mapping) else None
        if isinstance(cited, Mapping):
            parts = [str(cited.get(k) or "") for k in ("title", "publisher", "year")]
            citation = ", ".join(p for p in parts if p)
            if cited.get("url"):
                citation += f" <{cited['url']}>"
            if cited.get("accessed"):
                citation += " " + _("(accessed {date})").format(date=cited["accessed"])
        found = factor.get("dataset") if isinstance(factor, Mapping) else None
        if isinstance(found, Mapping):
            dataset = f"{found.get('name', '')} {found.get('version', '')}".strip()
        note = source.note or (str(factor.get("note") or "") if isinstance(factor, Mapping) else "")
        rows.append(
            {
                "name": _(source.name),
                "value": number_text(source.value, 6),
                "unit": source.unit,
                "origin": _label(ORIGIN_LABELS, source.origin),
                "citation": citation,
                "dataset": dataset,
                "note": note,
            }
        )
    return rows


def _rule(requirement: Mapping[str, Any]) -> str:
    if requirement.get("parameter"):
        unit = requirement.get("unit") or ""
        threshold = number_text(requirement.get("threshold"))
        return f"{requirement['parameter']} {requirement.get('operator', '')} {threshold} {unit}"
    return ""


def _requirements(parameters: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for item in parameters.get("requirements", ()) or ():
        certificates = ", ".join(item.get("accepted_certificates") or ())
        rows.append(
            {
                "id": str(item.get("id", "")),
                "description": str(item.get("description") or ""),
                "rule": _rule(item),
                "certificates": certificates,
                "mandatory": _("yes") if item.get("mandatory", True) else _("no"),
                "or_equivalent": _("yes") if item.get("or_equivalent") else _("no"),
                "source": str(item.get("source") or ""),
            }
        )
    return rows


def _criteria(parameters: Mapping[str, Any]) -> list[dict[str, str]]:
    award = parameters.get("award") or {}
    rows = []
    if award.get("method") == "meat":
        basis = _("life-cycle cost") if award.get("cost_basis") == "lcc" else _("price")
        rows.append(
            {
                "name": _("Price"),
                "kind": basis,
                "weight": number_text(award.get("price_weight")),
                "detail": _label(FORMULA_LABELS, str((award.get("formula") or {}).get("name"))),
            }
        )
    for item in award.get("criteria", ()) or ():
        detail = ""
        if item.get("kind") == "numeric":
            better = (
                _("higher is better") if item.get("better") == "higher" else _("lower is better")
            )
            detail = f"{item.get('parameter')} ({better})"
        elif item.get("kind") == "points":
            detail = _("scale 0 to {maximum}").format(maximum=number_text(item.get("scale_max")))
        elif item.get("kind") == "certificate":
            detail = ", ".join(item.get("schemes") or ())
        else:
            detail = str(item.get("parameter") or "")
        rows.append(
            {
                "name": str(item.get("name") or item.get("id")),
                "kind": _label(KIND_LABELS, str(item.get("kind"))),
                "weight": number_text(item.get("weight")),
                "detail": detail,
            }
        )
    return rows


def _mechanisms(parameters: Mapping[str, Any], currency: str) -> list[str]:
    lines = []
    for item in parameters.get("mechanisms", ()) or ():
        if item.get("type") == "co2_ladder":
            scale = item.get("scale") or {}
            mode = item.get("mode")
            steps = []
            for level, value in sorted(scale.items(), key=lambda kv: int(kv[0])):
                if mode == "percent":
                    shown = format_percent(float(value) / 100, 1)
                elif mode == "amount":
                    shown = _money(float(value), currency)
                else:
                    shown = _("{points} points").format(points=number_text(value))
                steps.append(_("level {level}: {advantage}").format(level=level, advantage=shown))
            lines.append(
                _("CO2 Performance Ladder notional advantage by level: {steps}").format(
                    steps="; ".join(steps)
                )
            )
        elif item.get("type") == "price_deduction":
            rules = []
            for rule in item.get("rules") or ():
                value = float(rule.get("value", 0))
                shown = (
                    format_percent(value / 100, 1)
                    if item.get("mode") == "percent"
                    else _("{points} points").format(points=number_text(value))
                )
                rules.append(f"{', '.join(rule.get('schemes') or ())}: {shown}")
            text = _("Price deduction for certified products: {rules}").format(
                rules="; ".join(rules)
            )
            if item.get("cap"):
                text += " " + _("(capped at {cap})").format(cap=number_text(item["cap"]))
            lines.append(text)
    return lines


def _parameters(parameters: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    lcc = parameters.get("lcc")
    if lcc:
        pairs.append((_("Lifetime"), _("{years} years").format(years=lcc["lifetime_years"])))
        pairs.append((_("Discount rate"), format_percent(float(lcc["discount_rate"]), 2)))
        pairs.append((_("Quantity"), number_text(lcc.get("quantity"))))
        if lcc.get("price_is_per_unit"):
            pairs.append((_("Bid prices"), _("per unit, multiplied by the quantity")))
        if lcc.get("electricity_price") is not None:
            pairs.append(
                (_("Electricity price"), f"{_money(lcc['electricity_price'], currency, 4)}/kWh")
            )
        if lcc.get("hours_per_year") is not None:
            pairs.append((_("Hours of use per year"), number_text(lcc["hours_per_year"])))
            pairs.append((_("Load factor"), format_percent(float(lcc.get("load_factor", 1)), 0)))
        for item, rate in sorted((lcc.get("escalation") or {}).items()):
            label = _("Escalation: {item}").format(item=_label(COMPONENT_LABELS, item))
            pairs.append((label, format_percent(float(rate), 2)))
        if lcc.get("externalities"):
            if lcc.get("carbon_price") is not None:
                price = f"{_money(lcc['carbon_price'], currency, 2)}/t CO2e"
            else:
                price = str(lcc.get("carbon_price_name") or "")
            pairs.append((_("Carbon price"), price))
    cvd = parameters.get("cvd")
    if cvd:
        pairs.append((_("Vehicle category"), str(cvd["category"])))
        pairs.append((_("Vehicles"), number_text(cvd.get("quantity"))))
        pairs.append((_("Pre-tax petrol price"), f"{_money(cvd['petrol_price'], currency, 3)}/L"))
        pairs.append((_("Pre-tax diesel price"), f"{_money(cvd['diesel_price'], currency, 3)}/L"))
        if cvd.get("lifetime_mileage"):
            pairs.append((_("Lifetime mileage"), f"{number_text(cvd['lifetime_mileage'])} km"))
    return pairs


def _lcc_table(bid: BidResult, currency: str) -> dict[str, Any] | None:
    lcc = bid.lcc
    if lcc is None:
        return None
    keys = [k for k, flows in lcc.cash_flows.items() if any(abs(v) > 0 for v in flows)]
    rows = []
    for index, (year, nominal, factor, present) in enumerate(lcc.yearly()):
        rows.append(
            {
                "year": year,
                "values": [_money(lcc.cash_flows[k][index], currency) for k in keys],
                "nominal": _money(nominal, currency),
                "factor": format_number(factor, 4),
                "present": _money(present, currency),
            }
        )
    return {
        "components": [_label(COMPONENT_LABELS, k) for k in keys],
        "rows": rows,
        "npv": [
            (_label(COMPONENT_LABELS, k), _money(v, currency))
            for k, v in lcc.npv.items()
            if abs(v) > 0
        ],
        "total": _money(lcc.total, currency),
        "emissions": format_number(lcc.emissions_kg / 1000, 1),
    }


def _cvd_table(bid: BidResult, currency: str) -> list[tuple[str, str]] | None:
    cvd = bid.cvd
    if cvd is None:
        return None
    return [
        (_("Fuel"), cvd.fuel),
        (_("Energy use"), f"{format_number(cvd.energy_mj_per_km, 3)} MJ/km"),
        (_("Lifetime mileage"), f"{number_text(cvd.mileage_km)} km"),
        (_("Energy price"), f"{format_currency(cvd.price_per_mj, currency, digits=4)}/MJ"),
        *((_label(CVD_LABELS, k), _money(getattr(cvd, k), currency, 2)) for k in CVD_LABELS),
        (_("Operational lifetime cost per vehicle"), _money(cvd.total, currency, 2)),
        (_("Vehicles"), number_text(cvd.quantity)),
    ]


def bid_detail(bid: BidResult, currency: str) -> dict[str, Any]:
    """The breakdown of one bid: checks, criteria, adjustments, LCC or CVD, flags."""
    return {
        "bid": bid.bid,
        "bidder": bid.bidder,
        "rank": bid.rank,
        "excluded": bid.excluded,
        "exclusions": [m.text() for m in bid.exclusions],
        "contract_price": _money(bid.contract_price, currency),
        "evaluated_price": _money(bid.evaluated_price, currency),
        "evaluated_cost": _money(bid.evaluated_cost, currency),
        "checks": [
            {
                "requirement": check.requirement,
                "value": " ".join(p for p in (number_text(check.value), check.unit or "") if p),
                "threshold": number_text(check.threshold),
                "result": _("met") if check.passed else _("not met"),
                "verified_by": check.verified_by,
                "message": check.message.text() if check.message else "",
            }
            for check in bid.checks
        ],
        "criteria": [
            {
                "name": score.name or score.criterion,
                "raw": " ".join(p for p in (number_text(score.raw), score.unit or "") if p),
                "score": format_number(score.score, 2),
                "max": format_number(score.max_score, 2),
            }
            for score in bid.criteria
        ],
        "price_score": None if bid.price_score is None else format_number(bid.price_score, 2),
        "total_score": None if bid.total_score is None else format_number(bid.total_score, 2),
        "adjustments": [
            {
                "mechanism": _label(MECHANISM_LABELS, adjustment.mechanism),
                "amount": _money(adjustment.amount, currency),
                "rate": (
                    format_percent(adjustment.percent / 100, 1)
                    if adjustment.percent is not None
                    else _("{points} points").format(points=number_text(adjustment.points))
                    if adjustment.points is not None
                    else ""
                ),
                "message": adjustment.message.text(),
            }
            for adjustment in bid.adjustments
        ],
        "lcc": _lcc_table(bid, currency),
        "cvd": _cvd_table(bid, currency),
        "flags": [m.text() for m in bid.flags],
    }


def _interval(low: float | None, high: float | None, total: float) -> str:
    lower = format_number(0 if low is None else low, 2)
    upper = format_number(total if high is None else high, 2)
    return f"{lower} – {upper}"


def _criterion_names(parameters: Mapping[str, Any]) -> dict[str, str]:
    award = parameters.get("award") or {}
    names = {"price": _("Price")}
    for item in award.get("criteria", ()) or ():
        names[str(item.get("id"))] = str(item.get("name") or item.get("id"))
    return names


def lot_view(lot: LotResult, currency: str) -> dict[str, Any]:
    """Everything the report shows about one lot."""
    parameters = lot.parameters
    names = _criterion_names(parameters)
    mechanisms = {a.mechanism for b in lot.bids for a in b.adjustments}
    configured = {m.get("type") for m in parameters.get("mechanisms", ()) or ()}
    winner = lot.bid(lot.winner) if lot.winner is not None else None
    return {
        "id": lot.lot,
        "title": lot.title,
        "method": _label(METHOD_LABELS, lot.method),
        "method_key": lot.method,
        "formula": _label(FORMULA_LABELS, lot.formula) if lot.formula else "",
        "show_cost": lot.method != "lowest_price" or any(b.lcc or b.cvd for b in lot.bids),
        "show_scores": lot.method == "meat",
        "winner": {"bid": winner.bid, "bidder": winner.bidder} if winner else None,
        "parameters": _parameters(parameters, currency),
        "requirements": _requirements(parameters),
        "criteria": _criteria(parameters),
        "mechanisms": _mechanisms(parameters, currency),
        "ranking": [
            {
                "rank": bid.rank,
                "bid": bid.bid,
                "bidder": bid.bidder,
                "contract_price": _money(bid.contract_price, currency),
                "evaluated_price": _money(bid.evaluated_price, currency),
                "evaluated_cost": _money(bid.evaluated_cost, currency),
                "score": "" if bid.total_score is None else format_number(bid.total_score, 2),
                "winner": bid.bid == lot.winner,
            }
            for bid in sorted((b for b in lot.bids if not b.excluded), key=lambda b: b.rank or 0)
        ],
        "exclusions": [
            {"bid": b.bid, "bidder": b.bidder, "reasons": [m.text() for m in b.exclusions]}
            for b in lot.bids
            if b.excluded
        ],
        "bids": [bid_detail(bid, currency) for bid in lot.bids],
        "sensitivity": [
            {
                "criterion": names.get(item.criterion, item.criterion),
                "weight": format_number(item.weight, 2),
                "interval": _interval(item.low, item.high, item.total),
                "below": item.next_winner_below or "",
                "above": item.next_winner_above or "",
            }
            for item in lot.sensitivity
        ],
        "tie_break": lot.tie_break.text() if lot.tie_break else "",
        "notes": [m.text() for m in lot.notes],
        "ladder": "co2_ladder" in mechanisms or "co2_ladder" in configured,
        "deduction": "price_deduction" in mechanisms or "price_deduction" in configured,
    }


def evaluation_view(result: EvaluationResult) -> dict[str, Any]:
    """The whole report, in the language in force."""
    return {
        "title": result.title,
        "buyer": result.buyer,
        "country": result.country,
        "currency": result.currency,
        "date": format_date(result.date),
        "factor_year": result.factor_year,
        "tie_break_rule": result.tie_break_rule.text(),
        "notes": [m.text() for m in result.notes],
        "sources": _sources(result.sources),
        "lots": [lot_view(lot, result.currency) for lot in result.lots],
    }


def chart_rows(lot: LotResult) -> tuple[str, list[dict[str, Any]]]:
    """The data of the lot's chart: (measure label, rows of bid / part / value)."""
    ranked: Sequence[BidResult] = sorted(
        (b for b in lot.bids if not b.excluded), key=lambda b: b.rank or 0
    )
    rows: list[dict[str, Any]] = []
    if lot.method == "meat":
        names = _criterion_names(lot.parameters)
        for bid in ranked:
            if bid.price_score is not None:
                rows.append({"bid": bid.bid, "part": names["price"], "value": bid.price_score})
            for score in bid.criteria:
                rows.append(
                    {"bid": bid.bid, "part": score.name or score.criterion, "value": score.score}
                )
        return _("Score"), rows
    for bid in ranked:
        if bid.lcc is not None:
            for key, value in bid.lcc.npv.items():
                if abs(value) > 0:
                    rows.append(
                        {"bid": bid.bid, "part": _label(COMPONENT_LABELS, key), "value": value}
                    )
        elif bid.cvd is not None:
            rows.append(
                {"bid": bid.bid, "part": _("Evaluated price"), "value": bid.evaluated_price}
            )
            rows.append(
                {
                    "bid": bid.bid,
                    "part": _("Operational lifetime cost"),
                    "value": bid.evaluated_cost - bid.evaluated_price,
                }
            )
        else:
            rows.append(
                {"bid": bid.bid, "part": _("Evaluated price"), "value": bid.evaluated_price}
            )
    return _("Evaluated cost"), rows

"""The award report as an Excel workbook: ranking, breakdown, cash flows and sources.

Numbers stay numbers (with number formats) so that the committee can check them with
formulas; labels are in the report language. Sheets: Ranking (every bid of every lot, with
the exclusion reasons), Breakdown (one row per requirement check, criterion score, discount or
deduction and cost component of each bid), Cash flows (the yearly life-cycle cost of every bid,
when the method uses it) and Sources.
"""

from __future__ import annotations

from typing import Any

from greenprocure.evaluation import EvaluationResult
from greenprocure.i18n import get_language, use_language
from greenprocure.i18n import gettext as _
from greenprocure.reporting.evaluation_view import (
    COMPONENT_LABELS,
    CVD_LABELS,
    MECHANISM_LABELS,
    METHOD_LABELS,
    evaluation_view,
)
from greenprocure.reporting.xlsx_tools import add_sheet, new_workbook, workbook_bytes

__all__ = ["MONEY", "SCORE", "evaluation_xlsx"]

MONEY = "#,##0.00"
SCORE = "0.00"


def _label(table: Any, key: str) -> str:
    return _(table[key]) if key in table else key


def evaluation_xlsx(result: EvaluationResult, lang: str | None = None) -> bytes:
    """The workbook in ``lang`` (default: the language in force) as ``.xlsx`` bytes."""
    with use_language(lang or get_language()):
        workbook = new_workbook()
        currency = result.currency
        ranking_rows = []
        breakdown: list[list[Any]] = []
        flows: list[list[Any]] = []
        components = list(COMPONENT_LABELS)
        for lot in result.lots:
            method = _label(METHOD_LABELS, lot.method)
            for bid in lot.bids:
                reasons = "; ".join(m.text() for m in bid.exclusions)
                ranking_rows.append(
                    [
                        lot.lot,
                        method,
                        bid.rank,
                        bid.bid,
                        bid.bidder,
                        bid.contract_price,
                        bid.evaluated_price,
                        bid.evaluated_cost,
                        bid.price_score,
                        bid.quality_score,
                        bid.total_score,
                        _("excluded")
                        if bid.excluded
                        else (_("winner") if bid.bid == lot.winner else ""),
                        reasons,
                    ]
                )
                base = [lot.lot, bid.bid, bid.bidder]
                for check in bid.checks:
                    value = (
                        check.value
                        if not isinstance(check.value, bool)
                        else (_("yes") if check.value else _("no"))
                    )
                    breakdown.append(
                        [
                            *base,
                            _("Requirement"),
                            check.requirement,
                            value,
                            check.unit,
                            None,
                            _("met") if check.passed else _("not met"),
                            (check.message.text() if check.message else check.verified_by),
                        ]
                    )
                for score in bid.criteria:
                    raw = (
                        score.raw
                        if not isinstance(score.raw, bool)
                        else (_("yes") if score.raw else _("no"))
                    )
                    breakdown.append(
                        [
                            *base,
                            _("Criterion"),
                            score.name or score.criterion,
                            raw,
                            score.unit,
                            score.score,
                            f"/ {score.max_score:g}",
                            "",
                        ]
                    )
                for adjustment in bid.adjustments:
                    breakdown.append(
                        [
                            *base,
                            _("Green award mechanism"),
                            _label(MECHANISM_LABELS, adjustment.mechanism),
                            adjustment.percent
                            if adjustment.percent is not None
                            else adjustment.points,
                            "%" if adjustment.percent is not None else None,
                            adjustment.amount,
                            currency,
                            adjustment.message.text(),
                        ]
                    )
                if bid.lcc is not None:
                    for key, value in bid.lcc.npv.items():
                        breakdown.append(
                            [
                                *base,
                                _("Life-cycle cost, present value by component"),
                                _label(COMPONENT_LABELS, key),
                                None,
                                None,
                                value,
                                currency,
                                "",
                            ]
                        )
                    cash_flows = bid.lcc.cash_flows
                    for index, (year, total, factor, present) in enumerate(bid.lcc.yearly()):
                        row = [lot.lot, bid.bid, bid.bidder, year]
                        cells = [
                            cash_flows[k][index] if k in cash_flows else 0.0 for k in components
                        ]
                        flows.append([*row, *cells, total, factor, present])
                if bid.cvd is not None:
                    for key in CVD_LABELS:
                        breakdown.append(
                            [
                                *base,
                                _("Operational lifetime cost (Clean Vehicles Directive)"),
                                _label(CVD_LABELS, key),
                                None,
                                None,
                                getattr(bid.cvd, key),
                                currency,
                                "",
                            ]
                        )
        add_sheet(
            workbook,
            _("Ranking"),
            [
                _("Lot"),
                _("Award method"),
                _("Rank"),
                _("Bid"),
                _("Bidder"),
                _("Contract price") + f" [{currency}]",
                _("Evaluated price") + f" [{currency}]",
                _("Evaluated cost") + f" [{currency}]",
                _("Price score"),
                _("Quality score"),
                _("Total score"),
                _("Status"),
                _("Reasons"),
            ],
            ranking_rows,
            number_formats=[
                None,
                None,
                "0",
                None,
                None,
                MONEY,
                MONEY,
                MONEY,
                SCORE,
                SCORE,
                SCORE,
                None,
                None,
            ],
        )
        add_sheet(
            workbook,
            _("Breakdown"),
            [
                _("Lot"),
                _("Bid"),
                _("Bidder"),
                _("Section"),
                _("Item"),
                _("Declared value"),
                _("Unit"),
                _("Score or amount"),
                _("Result, maximum or currency"),
                _("Details"),
            ],
            breakdown,
            number_formats=[None, None, None, None, None, None, None, MONEY, None, None],
        )
        if flows:
            add_sheet(
                workbook,
                _("Cash flows"),
                [
                    _("Lot"),
                    _("Bid"),
                    _("Bidder"),
                    _("Year"),
                    *(_label(COMPONENT_LABELS, k) for k in components),
                    _("Total"),
                    _("Discount factor"),
                    _("Present value"),
                ],
                flows,
                number_formats=[
                    None,
                    None,
                    None,
                    "0",
                    *([MONEY] * len(components)),
                    MONEY,
                    "0.0000",
                    MONEY,
                ],
            )
        view = evaluation_view(result)
        add_sheet(
            workbook,
            _("Sources"),
            [
                _("Parameter"),
                _("Value"),
                _("Unit"),
                _("Origin"),
                _("Source"),
                _("Dataset"),
                _("Details"),
            ],
            [
                [
                    s["name"],
                    source.value,
                    s["unit"],
                    s["origin"],
                    s["citation"],
                    s["dataset"],
                    s["note"],
                ]
                for s, source in zip(view["sources"], result.sources, strict=True)
            ],
        )
        add_sheet(
            workbook,
            _("Rules"),
            [_("Lot"), _("Tie-break rule"), _("Notes")],
            [[lot["id"], view["tie_break_rule"], " ".join(lot["notes"])] for lot in view["lots"]],
        )
        return workbook_bytes(workbook)

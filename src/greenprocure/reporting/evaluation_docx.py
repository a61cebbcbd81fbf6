"""The award report as a Word document (python-docx), with the same content as the HTML.

The document is editable so that an officer can add the committee's reasoning before signing;
it carries the document language and an East Asian font for Chinese, Korean and Japanese.
The yearly life-cycle cash-flow table is given for the winning bid of each lot (the XLSX
report has it for every bid); every bid's present value by component is shown.
"""

from __future__ import annotations

from typing import Any

from greenprocure.evaluation import EvaluationResult
from greenprocure.i18n import get_language, use_language
from greenprocure.i18n import gettext as _
from greenprocure.reporting.docx_tools import (
    add_key_values,
    add_table,
    document_bytes,
    new_document,
)
from greenprocure.reporting.evaluation_view import evaluation_view

__all__ = ["evaluation_docx"]


def _lot(document: Any, lot: dict[str, Any], report: dict[str, Any]) -> None:
    document.add_heading(_("Lot {lot}: {title}").format(lot=lot["id"], title=lot["title"]), 1)
    document.add_heading(_("Method and parameters"), 2)
    pairs = [(_("Award method"), lot["method"])]
    if lot["formula"]:
        pairs.append((_("Price scoring formula"), lot["formula"]))
    add_key_values(document, [*pairs, *lot["parameters"]])
    if lot["criteria"]:
        add_table(
            document,
            [_("Criterion"), _("Assessment"), _("Weight"), _("Details")],
            [[c["name"], c["kind"], c["weight"], c["detail"]] for c in lot["criteria"]],
            numeric=[False, False, True, False],
        )
    if lot["requirements"]:
        document.add_heading(_("Requirements"), 3)
        add_table(
            document,
            [_("Requirement"), _("Rule"), _("Accepted certificates"), _("Mandatory"), _("Source")],
            [
                [
                    r["description"] or r["id"],
                    r["rule"],
                    r["certificates"],
                    r["mandatory"],
                    r["source"],
                ]
                for r in lot["requirements"]
            ],
        )
    for line in lot["mechanisms"]:
        document.add_paragraph(line)
    if lot["ladder"]:
        document.add_paragraph(
            _(
                "The CO2 Performance Ladder discount is notional: it lowers the price used to "
                "evaluate and rank the bid, not the contract price. The contract is awarded at "
                "the price offered, and the declared ladder level becomes a contract obligation."
            ),
            style="Intense Quote",
        )
    if lot["deduction"]:
        document.add_paragraph(
            _(
                "The certificate price deduction applies to the evaluated price only; the "
                "contract price is the price offered."
            ),
            style="Intense Quote",
        )

    document.add_heading(_("Ranking"), 2)
    if lot["ranking"]:
        headers = [_("Rank"), _("Bid"), _("Bidder"), _("Contract price"), _("Evaluated price")]
        numeric = [True, False, False, True, True]
        if lot["show_cost"]:
            headers.append(_("Evaluated cost"))
            numeric.append(True)
        if lot["show_scores"]:
            headers.append(_("Score"))
            numeric.append(True)
        rows = []
        for row in lot["ranking"]:
            cells = [
                row["rank"],
                row["bid"],
                row["bidder"],
                row["contract_price"],
                row["evaluated_price"],
            ]
            if lot["show_cost"]:
                cells.append(row["evaluated_cost"])
            if lot["show_scores"]:
                cells.append(row["score"])
            rows.append(cells)
        add_table(document, headers, rows, numeric=numeric)
    else:
        document.add_paragraph(_("No compliant bid"))

    document.add_heading(_("Excluded bids"), 2)
    if lot["exclusions"]:
        add_table(
            document,
            [_("Bid"), _("Bidder"), _("Reasons")],
            [[e["bid"], e["bidder"], "\n".join(e["reasons"])] for e in lot["exclusions"]],
        )
    else:
        document.add_paragraph(_("No bid was excluded."))

    document.add_heading(_("Sensitivity of the result to the weights"), 2)
    if lot["sensitivity"]:
        document.add_paragraph(
            _(
                "For each weight: the range within which the same bid wins, the other weights "
                "being scaled so that the total stays the same."
            )
        )
        add_table(
            document,
            [
                _("Criterion"),
                _("Weight"),
                _("Same winner from – to"),
                _("Winner below the range"),
                _("Winner above the range"),
            ],
            [
                [s["criterion"], s["weight"], s["interval"], s["below"], s["above"]]
                for s in lot["sensitivity"]
            ],
            numeric=[False, True, True, False, False],
        )
    else:
        document.add_paragraph(
            _("The method has no weights: the ranking does not depend on weighting.")
        )

    document.add_heading(_("Tie-break rule"), 2)
    document.add_paragraph(report["tie_break_rule"])
    if lot["tie_break"]:
        document.add_paragraph(lot["tie_break"])
    for note in lot["notes"]:
        document.add_paragraph(note)

    document.add_heading(_("Breakdown per bid"), 2)
    winner = lot["winner"]["bid"] if lot["winner"] else None
    for bid in lot["bids"]:
        status = (
            _("excluded")
            if bid["excluded"]
            else _("rank {rank}").format(rank=bid["rank"])
            if bid["rank"]
            else ""
        )
        document.add_heading(f"{bid['bid']} — {bid['bidder']} ({status})", 3)
        pairs = [
            (_("Contract price"), bid["contract_price"]),
            (_("Evaluated price"), bid["evaluated_price"]),
        ]
        if lot["show_cost"]:
            pairs.append((_("Evaluated cost"), bid["evaluated_cost"]))
        if bid["price_score"] is not None:
            pairs.append((_("Price score"), bid["price_score"]))
        if bid["total_score"] is not None:
            pairs.append((_("Total score"), bid["total_score"]))
        add_key_values(document, pairs)
        if bid["checks"]:
            add_table(
                document,
                [
                    _("Requirement"),
                    _("Declared value"),
                    _("Threshold"),
                    _("Result"),
                    _("Verified by"),
                ],
                [
                    [
                        c["requirement"],
                        c["value"],
                        c["threshold"],
                        c["result"] + (f": {c['message']}" if c["message"] else ""),
                        c["verified_by"],
                    ]
                    for c in bid["checks"]
                ],
            )
        if bid["criteria"]:
            add_table(
                document,
                [_("Criterion"), _("Declared value"), _("Score"), _("Maximum")],
                [[c["name"], c["raw"], c["score"], c["max"]] for c in bid["criteria"]],
                numeric=[False, False, True, True],
            )
        if bid["adjustments"]:
            add_table(
                document,
                [_("Green award mechanism"), _("Rate"), _("Amount"), _("Details")],
                [
                    [a["mechanism"], a["rate"], a["amount"], a["message"]]
                    for a in bid["adjustments"]
                ],
                numeric=[False, True, True, False],
            )
        if bid["cvd"]:
            document.add_paragraph(_("Operational lifetime cost (Clean Vehicles Directive)"))
            add_key_values(document, bid["cvd"])
        if bid["lcc"]:
            lcc = bid["lcc"]
            document.add_paragraph(_("Life-cycle cost, present value by component"))
            add_key_values(
                document,
                [
                    *lcc["npv"],
                    (_("Total life-cycle cost"), lcc["total"]),
                    (_("Emissions over the lifetime (t CO2e)"), lcc["emissions"]),
                ],
            )
            if bid["bid"] == winner:
                add_table(
                    document,
                    [
                        _("Year"),
                        *lcc["components"],
                        _("Total"),
                        _("Discount factor"),
                        _("Present value"),
                    ],
                    [
                        [row["year"], *row["values"], row["nominal"], row["factor"], row["present"]]
                        for row in lcc["rows"]
                    ],
                    numeric=[True] * (len(lcc["components"]) + 4),
                )
        for flag in bid["flags"]:
            document.add_paragraph(flag)


def evaluation_docx(result: EvaluationResult, lang: str | None = None) -> bytes:
    """The report in ``lang`` (default: the language in force) as ``.docx`` bytes."""
    with use_language(lang or get_language()) as current:
        report = evaluation_view(result)
        document = new_document(current, title=report["title"])
        document.add_heading(_("Evaluation report"), 0)
        document.add_paragraph(report["title"])
        add_key_values(
            document,
            [
                (_("Buyer"), report["buyer"]),
                (_("Tender date"), report["date"]),
                (_("Country"), report["country"]),
                (_("Currency"), report["currency"]),
                (_("Year of reference factors"), report["factor_year"]),
            ],
        )
        document.add_heading(_("Result"), 1)
        add_table(
            document,
            [_("Lot"), _("Award method"), _("Proposed for award")],
            [
                [
                    f"{lot['id']} {lot['title']}",
                    lot["method"],
                    f"{lot['winner']['bid']} — {lot['winner']['bidder']}"
                    if lot["winner"]
                    else _("No compliant bid"),
                ]
                for lot in report["lots"]
            ],
        )
        for lot in report["lots"]:
            _lot(document, lot, report)
        document.add_heading(_("Parameters and sources"), 1)
        add_table(
            document,
            [_("Parameter"), _("Value"), _("Unit"), _("Origin"), _("Source"), _("Dataset")],
            [
                [
                    s["name"],
                    s["value"],
                    s["unit"],
                    s["origin"],
                    s["citation"] + (f"\n{s['note']}" if s["note"] else ""),
                    s["dataset"],
                ]
                for s in report["sources"]
            ],
            numeric=[False, True, False, False, False, False],
        )
        for note in report["notes"]:
            document.add_paragraph(note)
        document.add_paragraph("")
        add_key_values(document, [(_("Evaluation committee"), ""), (_("Date and signature"), "")])
        return document_bytes(document)

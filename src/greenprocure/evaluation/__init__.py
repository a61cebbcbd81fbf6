"""Tender evaluation: life-cycle costing, award methods, green award mechanisms, compliance.

``evaluate(tender, bids)`` checks every bid against the requirements, costs it (Directive
2014/24/EU Art. 68 life-cycle cost or the Clean Vehicles Directive 2009/33/EC Art. 6 method),
applies the green award mechanisms (CO2 Performance Ladder, certificate-based price deduction),
scores and ranks the compliant bids and returns an :class:`EvaluationResult` with the full
breakdown, the sources used and the sensitivity of the winner to each weight.
:func:`write_bid_template` makes a tender's bid workbook; :func:`read_bids_xlsx` and
:func:`read_bids_csv` read bids back. No file I/O happens here: callers pass mappings, models,
bytes or text.
"""

from greenprocure.evaluation.bids_csv import read_bids_csv
from greenprocure.evaluation.engine import evaluate
from greenprocure.evaluation.result import (
    Adjustment,
    BidResult,
    CriterionScore,
    CriterionScores,
    CvdBreakdown,
    EvaluationResult,
    LccBreakdown,
    LotResult,
    Message,
    RequirementCheck,
    SourceUsed,
    WeightInterval,
)
from greenprocure.evaluation.tender import (
    LADDER_PRESETS,
    AwardSpec,
    Bid,
    Certificate,
    CertificateDeduction,
    Co2Ladder,
    Criterion,
    CvdSpec,
    GreenMechanism,
    LccSpec,
    Lot,
    ParameterValue,
    PriceDeduction,
    PriceFormulaSpec,
    Requirement,
    ResourceSpec,
    Tender,
    parse_bids,
    parse_tender,
    tender_json_schema,
)
from greenprocure.evaluation.workbook import read_bids_xlsx, write_bid_template

__all__ = [
    "LADDER_PRESETS",
    "Adjustment",
    "AwardSpec",
    "Bid",
    "BidResult",
    "Certificate",
    "CertificateDeduction",
    "Co2Ladder",
    "Criterion",
    "CriterionScore",
    "CriterionScores",
    "CvdBreakdown",
    "CvdSpec",
    "EvaluationResult",
    "GreenMechanism",
    "LccBreakdown",
    "LccSpec",
    "Lot",
    "LotResult",
    "Message",
    "ParameterValue",
    "PriceDeduction",
    "PriceFormulaSpec",
    "Requirement",
    "RequirementCheck",
    "ResourceSpec",
    "SourceUsed",
    "Tender",
    "WeightInterval",
    "evaluate",
    "parse_bids",
    "parse_tender",
    "read_bids_csv",
    "read_bids_xlsx",
    "tender_json_schema",
    "write_bid_template",
]

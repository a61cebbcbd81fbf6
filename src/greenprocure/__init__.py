"""GreenProcure: an open platform for green public procurement."""

from greenprocure.errors import GreenProcureError
from greenprocure.evaluation import Bid, EvaluationResult, Tender, evaluate, parse_tender
from greenprocure.impact import ImpactResult, ImpactSettings, quantify, read_register

__version__ = "0.1.0"

__all__ = [
    "Bid",
    "EvaluationResult",
    "GreenProcureError",
    "ImpactResult",
    "ImpactSettings",
    "Tender",
    "__version__",
    "evaluate",
    "parse_tender",
    "quantify",
    "read_register",
]

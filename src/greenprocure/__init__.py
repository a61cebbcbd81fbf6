"""GreenProcure: an open platform for green public procurement."""

from greenprocure.errors import GreenProcureError
from greenprocure.evaluation import Bid, EvaluationResult, Tender, evaluate, parse_tender

__version__ = "0.1.0"

__all__ = [
    "Bid",
    "EvaluationResult",
    "GreenProcureError",
    "Tender",
    "__version__",
    "evaluate",
    "parse_tender",
]

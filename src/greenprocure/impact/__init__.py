"""Impact quantification: what a green purchase achieved, with every factor cited.

One model per product group (:data:`MODELS`), each comparing the green purchase with its
baseline over the use period. :func:`read_register` / :func:`parse_register` validate a
purchase register, :func:`quantify` computes figures per line and in total with an audit
trail, low/central/high ranges and equivalences; :func:`check_claim` recomputes a published
claim and names the likely cause of a difference. Pure functions: no file I/O here.
"""

from greenprocure.impact.claims import CAUSES, Claim, ClaimCheck, check_claim
from greenprocure.impact.engine import quantify_loop
from greenprocure.impact.equivalences import EQUIVALENCE_LABELS, Equivalence, equivalences_for
from greenprocure.impact.model import (
    METRICS,
    FactorSpec,
    FactorUse,
    Field,
    FigureAudit,
    ImpactModel,
    ImpactSettings,
    LineProblem,
    Metric,
)
from greenprocure.impact.register import (
    GroupBatch,
    Register,
    RegisterError,
    parse_register,
    read_register,
    register_from_columns,
)
from greenprocure.impact.registry import MODELS, get_model
from greenprocure.impact.result import Figure, ImpactResult, LineResult, quantify

__all__ = [
    "CAUSES",
    "EQUIVALENCE_LABELS",
    "METRICS",
    "MODELS",
    "Claim",
    "ClaimCheck",
    "Equivalence",
    "FactorSpec",
    "FactorUse",
    "Field",
    "Figure",
    "FigureAudit",
    "GroupBatch",
    "ImpactModel",
    "ImpactResult",
    "ImpactSettings",
    "LineProblem",
    "LineResult",
    "Metric",
    "Register",
    "RegisterError",
    "check_claim",
    "equivalences_for",
    "get_model",
    "parse_register",
    "quantify",
    "quantify_loop",
    "read_register",
    "register_from_columns",
]

"""GreenProcure: an open platform for green public procurement.

The names below are imported on first use (PEP 562), so that ``import greenprocure`` (and
every command of the CLI) does not pay for the packages it does not use: the evaluation and
impact packages load pint's unit registry, which alone takes about half a second.
"""

from __future__ import annotations

import importlib
import typing
from typing import Any

from greenprocure.errors import GreenProcureError

if typing.TYPE_CHECKING:
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

#: Where each lazily imported public name lives.
_LAZY: dict[str, str] = {
    "Bid": "greenprocure.evaluation",
    "EvaluationResult": "greenprocure.evaluation",
    "Tender": "greenprocure.evaluation",
    "evaluate": "greenprocure.evaluation",
    "parse_tender": "greenprocure.evaluation",
    "ImpactResult": "greenprocure.impact",
    "ImpactSettings": "greenprocure.impact",
    "quantify": "greenprocure.impact",
    "read_register": "greenprocure.impact",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'greenprocure' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

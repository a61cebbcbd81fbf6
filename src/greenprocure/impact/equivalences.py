"""Equivalences people understand: passenger cars driven for a year, homes' electricity.

``count = t CO2e / (t CO2e of one unit)``, each unit's emissions cited in the
``equivalences`` data package (US EPA Greenhouse Gas Equivalencies Calculator values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from greenprocure import reference
from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference import Factor, ReferenceLibrary

__all__ = ["EQUIVALENCE_LABELS", "Equivalence", "equivalences_for"]

#: Display labels (translated at render time) of the packaged equivalences.
EQUIVALENCE_LABELS: dict[str, str] = {
    "passenger_vehicle_year": N_("passenger cars driven for one year"),
    "home_electricity_year": N_("homes' electricity use for one year"),
}


@dataclass(frozen=True)
class Equivalence:
    """``count`` units of ``name`` emit as much as the figure; ``factor`` is cited."""

    name: str
    label: str
    count: float
    factor: Factor

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "count": self.count,
            "factor": self.factor.to_dict(),
        }


def equivalences_for(
    co2e_t: float, library: ReferenceLibrary | None = None
) -> tuple[Equivalence, ...]:
    """Every packaged equivalence of ``co2e_t`` tonnes of CO2e."""
    found = []
    try:
        names = reference.equivalence_names(library)
    except FactorNotFoundError:
        return ()
    for name in names:
        factor = reference.equivalence_factor(name, library)
        per_unit_t = factor.to("t")
        found.append(
            Equivalence(name, EQUIVALENCE_LABELS.get(name, name), co2e_t / per_unit_t, factor)
        )
    return tuple(found)

"""Claim check: recompute a published figure and name the likely cause of a difference.

A published claim (value, unit, per year or over a period, for a number of units) is
compared with the recomputed figure. Beyond ``tolerance`` (relative), the ratio
``claimed / recomputed`` is matched against the usual slips:

- about the number of units: a per-unit figure multiplied by the fleet again, or a fleet
  figure reported per unit (Rotterdam: 33 t/yr for the fleet published as 22 x 33 = 726 t);
- about the number of years: an annual figure reported as the period's or the reverse;
- 1000 or 1/1000: kg and t (or t and kt) confused;
- 44/12 or 12/44: carbon and carbon dioxide confused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from greenprocure.errors import ValidationError
from greenprocure.i18n import N_
from greenprocure.units import convert

__all__ = ["CAUSES", "Claim", "ClaimCheck", "check_claim"]

#: Likely causes, by key (messages translated at display).
CAUSES: dict[str, str] = {
    "per_unit_times_units": N_(
        "per-unit versus fleet: the claim is the recomputed figure multiplied by the number of "
        "units ({units}); a fleet total was probably multiplied again"
    ),
    "fleet_as_per_unit": N_(
        "per-unit versus fleet: the claim is the recomputed figure divided by the number of "
        "units ({units}); a per-unit figure was probably reported as the total"
    ),
    "annual_as_period": N_(
        "period: the claim is the recomputed figure multiplied by the years ({years}); "
        "an annual figure and a period total were probably confused"
    ),
    "period_as_annual": N_(
        "period: the claim is the recomputed figure divided by the years ({years}); "
        "a period total was probably reported as annual"
    ),
    "kg_as_t": N_("unit: the claim is 1000 times the recomputed figure (kg and t confused)"),
    "t_as_kg": N_("unit: the claim is 1/1000 of the recomputed figure (t and kg confused)"),
    "c_as_co2": N_("unit: the ratio is 44/12 (carbon and carbon dioxide confused)"),
    "co2_as_c": N_("unit: the ratio is 12/44 (carbon dioxide and carbon confused)"),
    "unexplained": N_("the difference matches no usual slip; check the inputs and factors"),
}


@dataclass(frozen=True)
class Claim:
    """A published figure: ``value`` in ``unit`` (mass of CO2e), ``per_year`` or over
    ``years``, about ``units`` items (vehicles, luminaires ...)."""

    value: float
    unit: str = "t"
    per_year: bool = True
    years: float = 1.0
    units: float = 1.0
    label: str = ""


@dataclass(frozen=True)
class ClaimCheck:
    """The comparison: ``ratio = claimed / recomputed`` and the likely causes."""

    claim: Claim
    claimed_t: float
    recomputed_t: float
    ratio: float
    within_tolerance: bool
    causes: tuple[str, ...] = field(default_factory=tuple)

    def messages(self) -> list[str]:
        """The causes as translated sentences."""
        from greenprocure.i18n import gettext

        params = {"units": f"{self.claim.units:g}", "years": f"{self.claim.years:g}"}
        return [gettext(CAUSES[c]).format(**params) for c in self.causes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": {
                "value": self.claim.value,
                "unit": self.claim.unit,
                "per_year": self.claim.per_year,
                "years": self.claim.years,
                "units": self.claim.units,
                "label": self.claim.label,
            },
            "claimed_t": self.claimed_t,
            "recomputed_t": self.recomputed_t,
            "ratio": self.ratio,
            "within_tolerance": self.within_tolerance,
            "causes": list(self.causes),
            "messages": self.messages(),
        }


def _near(ratio: float, target: float, tolerance: float) -> bool:
    return target > 0 and abs(ratio / target - 1.0) <= tolerance


def check_claim(claim: Claim, recomputed_t: float, *, tolerance: float = 0.05) -> ClaimCheck:
    """Compare ``claim`` with ``recomputed_t`` (t CO2e on the claim's basis: per year if the
    claim is per year, else over its years)."""
    if claim.value < 0 or claim.units <= 0 or claim.years <= 0:
        raise ValidationError(N_("a claim needs a value >= 0 and units and years > 0"))
    claimed_t = convert(claim.value, claim.unit, "t")
    ratio = (math.inf if claimed_t else 1.0) if recomputed_t == 0 else claimed_t / recomputed_t
    within = _near(ratio, 1.0, tolerance)
    causes: list[str] = []
    if not within:
        candidates = [
            ("per_unit_times_units", claim.units),
            ("fleet_as_per_unit", 1.0 / claim.units),
            ("annual_as_period", claim.years),
            ("period_as_annual", 1.0 / claim.years),
            ("kg_as_t", 1000.0),
            ("t_as_kg", 0.001),
            ("c_as_co2", 44.0 / 12.0),
            ("co2_as_c", 12.0 / 44.0),
        ]
        causes = [
            key
            for key, target in candidates
            if target != 1.0 and math.isfinite(ratio) and _near(ratio, target, tolerance)
        ]
        if not causes:
            causes = ["unexplained"]
    return ClaimCheck(claim, claimed_t, recomputed_t, ratio, within, tuple(causes))

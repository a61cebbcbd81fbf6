"""On-site renewable generation: kWh generated x grid factor, over the stated years.

Formula::

    kwh_per_year    = quantity x generation
    co2e_annual [t] = kwh_per_year x grid_factor / 1000
    co2e_period     = co2e_annual x years
    energy_kwh      = kwh_per_year x years           (grid electricity displaced)
    money_annual    = kwh_per_year x energy_price

``generation`` is the expected yearly output of one system (kWh per year; for PV, kWp x
specific yield). The displaced electricity is valued at the grid factor of the line's country
and year, as in the GPP 2020 and SPP Regions calculators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _electricity
from greenprocure.impact.model import Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    return _electricity.figures(x["quantity"] * x["generation"], x, f)


MODEL = ImpactModel(
    group="renewables",
    title=N_("On-site renewable generation"),
    description=N_("Electricity generated on site displaces grid electricity"),
    fields=(
        *common_fields("unit", N_("Number of systems")),
        Field("generation", N_("Generation per system per year"), "kWh/year", required=True),
        *_electricity.FIELDS,
    ),
    factors=(_electricity.GRID_FACTOR,),
    formulas=_electricity.formulas("quantity × generation"),
    compute=compute,
    source="GPP 2020 / SPP Regions calculators (generation × grid factor)",
    money_fields=("energy_price",),
)

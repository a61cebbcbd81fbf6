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
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    kwh = x["quantity"] * x["generation"]
    co2e_annual = kwh * f["grid_factor"] / 1000.0
    return {
        "co2e_annual": co2e_annual,
        "co2e_period": co2e_annual * x["years"],
        "energy_kwh": kwh * x["years"],
        "money_annual": kwh * x["energy_price"],
    }


MODEL = ImpactModel(
    group="renewables",
    title=N_("On-site renewable generation"),
    description=N_("Electricity generated on site displaces grid electricity"),
    fields=(
        *common_fields("unit", N_("Number of systems")),
        Field("generation", N_("Generation per system per year"), "kWh/year", required=True),
        Field("energy_price", N_("Electricity price"), "{currency}/kWh", default=0.0),
        Field("grid_factor", N_("Grid emission factor (overrides the reference)"), "kg/kWh"),
    ),
    factors=(
        FactorSpec(
            "grid_factor", "kg/kWh", ("country", "year"), _factors.grid, override="grid_factor"
        ),
    ),
    formulas={
        "co2e_annual": "quantity × generation × grid_factor / 1000",
        "co2e_period": "co2e_annual × years",
        "energy_kwh": "quantity × generation × years",
        "money": "quantity × generation × energy_price × years",
        "money_discounted": "quantity × generation × energy_price × annuity(years, discount_rate)",
    },
    compute=compute,
    source="GPP 2020 / SPP Regions calculators (generation × grid factor)",
    money_fields=("energy_price",),
)

"""Lighting retrofit: luminaires x power difference x operating hours, with controls.

Formula::

    kwh_saved_per_year = (baseline_quantity x baseline_power
                          - quantity x power x (1 - control_savings)) x hours / 1000
    co2e_annual [t]    = kwh_saved_per_year x grid_factor / 1000
    co2e_period        = co2e_annual x years
    energy_kwh         = kwh_saved_per_year x years
    money_annual       = kwh_saved_per_year x energy_price

``power`` is the system power of one luminaire (lamp and gear, W); ``control_savings`` is
the share of the new luminaires' energy saved by dimming, daylight or presence controls.
``baseline_quantity`` defaults to ``quantity`` (one-for-one replacement).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    base_q = np.where(np.isnan(x["baseline_quantity"]), x["quantity"], x["baseline_quantity"])
    saved = (
        (base_q * x["baseline_power"] - x["quantity"] * x["power"] * (1.0 - x["control_savings"]))
        * x["hours"]
        / 1000.0
    )
    co2e_annual = saved * f["grid_factor"] / 1000.0
    return {
        "co2e_annual": co2e_annual,
        "co2e_period": co2e_annual * x["years"],
        "energy_kwh": saved * x["years"],
        "money_annual": saved * x["energy_price"],
    }


MODEL = ImpactModel(
    group="lighting",
    title=N_("Lighting retrofit"),
    description=N_("Luminaires × power difference × operating hours, with controls"),
    fields=(
        *common_fields("unit", N_("Number of new luminaires")),
        Field("baseline_quantity", N_("Number of luminaires replaced"), "unit"),
        Field("power", N_("Power per new luminaire"), "W", required=True),
        Field("baseline_power", N_("Power per replaced luminaire"), "W", required=True),
        Field("hours", N_("Operating hours per year"), "h/year", required=True),
        Field(
            "control_savings",
            N_("Share saved by dimming and controls"),
            "dimensionless",
            default=0.0,
            maximum=1.0,
        ),
        Field("energy_price", N_("Electricity price"), "{currency}/kWh", default=0.0),
        Field("grid_factor", N_("Grid emission factor (overrides the reference)"), "kg/kWh"),
    ),
    factors=(
        FactorSpec(
            "grid_factor", "kg/kWh", ("country", "year"), _factors.grid, override="grid_factor"
        ),
    ),
    formulas={
        "co2e_annual": "(baseline_quantity × baseline_power − quantity × power"
        " × (1 − control_savings)) × hours / 1000 × grid_factor / 1000",
        "co2e_period": "co2e_annual × years",
        "energy_kwh": "(baseline_quantity × baseline_power − quantity × power"
        " × (1 − control_savings)) × hours / 1000 × years",
        "money": "(baseline_quantity × baseline_power − quantity × power"
        " × (1 − control_savings)) × hours / 1000 × energy_price × years",
        "money_discounted": "(baseline_quantity × baseline_power − quantity × power"
        " × (1 − control_savings)) × hours / 1000 × energy_price × annuity(years, discount_rate)",
    },
    compute=compute,
    source="EC GPP LCC tool for indoor and outdoor lighting (energy = power × hours)",
    money_fields=("energy_price",),
)

"""Catering: kilograms by food category x factor (diet shift).

Formula::

    co2e_annual [t] = (baseline_quantity x baseline_factor - quantity x factor) / 1000
    co2e_period     = co2e_annual x years

``quantity`` is kg per year of the food bought instead of ``baseline_quantity`` kg of
``baseline_food`` (default: the same mass). Factors are global means (kg CO2e per kg, farm to
retail) of Poore and Nemecek (2018) via Our World in Data; they carry no range.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    base_q = np.where(np.isnan(x["baseline_quantity"]), x["quantity"], x["baseline_quantity"])
    co2e_annual = (base_q * f["baseline_factor"] - x["quantity"] * f["factor"]) / 1000.0
    return {"co2e_annual": co2e_annual, "co2e_period": co2e_annual * x["years"]}


MODEL = ImpactModel(
    group="catering",
    title=N_("Catering"),
    description=N_("Food bought instead of a higher-emission food (diet shift)"),
    fields=(
        *common_fields("kg/year", N_("Food bought per year"), years=1.0),
        Field("food", N_("Food category"), required=True),
        Field("baseline_food", N_("Baseline food category"), required=True),
        Field("baseline_quantity", N_("Baseline food per year"), "kg/year"),
        Field("factor", N_("Food factor (overrides)"), "kg/kg"),
        Field("baseline_factor", N_("Baseline food factor (overrides)"), "kg/kg"),
    ),
    factors=(
        FactorSpec("factor", "kg/kg", ("food",), _factors.food_of("food"), override="factor"),
        FactorSpec(
            "baseline_factor",
            "kg/kg",
            ("baseline_food",),
            _factors.food_of("baseline_food"),
            override="baseline_factor",
        ),
    ),
    formulas={
        "co2e_annual": "(baseline_quantity × baseline_factor − quantity × factor) / 1000",
        "co2e_period": "co2e_annual × years",
    },
    compute=compute,
    source="Poore & Nemecek (2018), Science 360:987-992, via Our World in Data",
)

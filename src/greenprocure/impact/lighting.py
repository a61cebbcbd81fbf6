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
from greenprocure.impact import _electricity
from greenprocure.impact.model import Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    base_q = np.where(np.isnan(x["baseline_quantity"]), x["quantity"], x["baseline_quantity"])
    saved = (
        (base_q * x["baseline_power"] - x["quantity"] * x["power"] * (1.0 - x["control_savings"]))
        * x["hours"]
        / 1000.0
    )
    return _electricity.figures(saved, x, f)


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
        *_electricity.FIELDS,
    ),
    factors=(_electricity.GRID_FACTOR,),
    formulas=_electricity.formulas(
        "(baseline_quantity × baseline_power − quantity × power × (1 − control_savings))"
        " × hours / 1000"
    ),
    compute=compute,
    source="EC GPP LCC tool for indoor and outdoor lighting (energy = power × hours)",
    money_fields=("energy_price",),
)

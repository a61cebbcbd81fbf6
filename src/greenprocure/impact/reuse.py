"""Reuse and remanufacture (furniture, IT): manufacturing avoided, waste diverted.

Formula::

    reused          = quantity x reused_share
    co2e_period [t] = reused x avoided_share x new_item_footprint / 1000
    waste_t         = reused x item_mass / 1000

``new_item_footprint`` is the cradle-to-gate footprint of one new item (kg CO2e, from the
supplier's EPD or LCA); ``avoided_share`` is the part of it avoided: 1 for direct reuse,
less for remanufacture (Public Health Wales' suppliers stated 80 %). No per-item default is
packaged (none could be cited), so the footprint must be given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    reused = x["quantity"] * x["reused_share"]
    return {
        "co2e_period": reused * x["avoided_share"] * f["new_item_footprint"] / 1000.0,
        "waste_t": reused * x["item_mass"] / 1000.0,
    }


MODEL = ImpactModel(
    group="reuse",
    title=N_("Reuse and remanufacture"),
    description=N_("Furniture and IT reused or remanufactured instead of bought new"),
    fields=(
        *common_fields("unit", N_("Number of items"), years=1.0),
        Field("item", N_("Item")),
        Field("item_mass", N_("Mass per item"), "kg", required=True),
        Field(
            "reused_share",
            N_("Share reused or remanufactured"),
            "dimensionless",
            default=1.0,
            maximum=1.0,
        ),
        Field(
            "avoided_share",
            N_("Share of a new item's footprint avoided"),
            "dimensionless",
            default=1.0,
            maximum=1.0,
        ),
        Field("new_item_footprint", N_("Footprint of one new item"), "kg"),
    ),
    factors=(
        FactorSpec(
            "new_item_footprint",
            "kg",
            ("item",),
            _factors.no_default("new_item_footprint"),
            override="new_item_footprint",
        ),
    ),
    formulas={
        "co2e_period": "quantity × reused_share × avoided_share × new_item_footprint / 1000",
        "waste_t": "quantity × reused_share × item_mass / 1000",
    },
    compute=compute,
    source="Avoided-production approach (new item footprint × items reused)",
)

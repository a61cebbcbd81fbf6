"""Material substitution: recycled or low-carbon material instead of virgin material.

Formula (UK Government GHG conversion factors, material use: primary production versus
closed-loop source)::

    substituted [t] = quantity x recycled_share
    co2e_period [t] = substituted x (virgin_factor - recycled_factor) / 1000
    virgin_t        = substituted

``virgin_factor`` and ``recycled_factor`` are cradle-to-gate kg CO2e per tonne. The recycled
(closed-loop) factor is read from the ``materials`` data package; virgin production factors
could not yet be cited, so ``virgin_factor`` must be given per line (e.g. from an EPD).
This is a one-off saving at purchase: no annual figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    substituted = x["quantity"] * x["recycled_share"]
    return {
        "co2e_period": substituted * (f["virgin_factor"] - f["recycled_factor"]) / 1000.0,
        "virgin_t": substituted,
    }


MODEL = ImpactModel(
    group="materials",
    title=N_("Material substitution"),
    description=N_("Recycled asphalt or aggregate, recycled paper, low-carbon cement"),
    fields=(
        *common_fields("t", N_("Tonnes purchased"), years=1.0),
        Field("material", N_("Material"), required=True),
        Field(
            "recycled_share",
            N_("Share of recycled or substitute material"),
            "dimensionless",
            default=1.0,
            maximum=1.0,
        ),
        Field("virgin_factor", N_("Virgin material factor (overrides)"), "kg/t"),
        Field("recycled_factor", N_("Recycled material factor (overrides)"), "kg/t"),
    ),
    factors=(
        FactorSpec(
            "virgin_factor",
            "kg/t",
            ("material",),
            _factors.material("virgin"),
            override="virgin_factor",
        ),
        FactorSpec(
            "recycled_factor",
            "kg/t",
            ("material",),
            _factors.material("closed_loop"),
            override="recycled_factor",
        ),
    ),
    formulas={
        "co2e_period": "quantity × recycled_share × (virgin_factor − recycled_factor) / 1000",
        "virgin_t": "quantity × recycled_share",
    },
    compute=compute,
    source="UK DESNZ/Defra GHG conversion factors, material use (primary vs closed-loop)",
)

"""Cleaning products and chemicals: hazardous substances avoided; no CO2 claim without data.

Formula::

    hazardous_kg = (baseline_quantity x baseline_hazardous_share
                    - quantity x hazardous_share) x years
    co2e_annual  = (baseline_quantity x baseline_co2e_factor - quantity x co2e_factor) / 1000
                   -- only when both factors are given (e.g. from EPDs); otherwise no figure
    water_m3     = (baseline_water - water) x years      -- only when both are given

``quantity`` is kg of product per year; the hazardous share is the mass share of
substances classified as hazardous (CLP/GHS) in the product as supplied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from greenprocure.i18n import N_
from greenprocure.impact.model import Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    base_q = np.where(np.isnan(x["baseline_quantity"]), x["quantity"], x["baseline_quantity"])
    years = x["years"]
    co2e_annual = (base_q * x["baseline_co2e_factor"] - x["quantity"] * x["co2e_factor"]) / 1000
    return {
        "hazardous_kg": (
            base_q * x["baseline_hazardous_share"] - x["quantity"] * x["hazardous_share"]
        )
        * years,
        "co2e_annual": co2e_annual,
        "co2e_period": co2e_annual * years,
        "water_m3": (x["baseline_water"] - x["water"]) * years,
    }


MODEL = ImpactModel(
    group="cleaning",
    title=N_("Cleaning products and chemicals"),
    description=N_("Hazardous substances avoided; CO2 only with product data"),
    fields=(
        *common_fields("kg/year", N_("Product bought per year"), years=1.0),
        Field("product", N_("Product")),
        Field("baseline_quantity", N_("Baseline product per year"), "kg/year"),
        Field(
            "hazardous_share",
            N_("Mass share of hazardous substances"),
            "dimensionless",
            required=True,
            maximum=1.0,
        ),
        Field(
            "baseline_hazardous_share",
            N_("Baseline mass share of hazardous substances"),
            "dimensionless",
            required=True,
            maximum=1.0,
        ),
        Field("co2e_factor", N_("Product footprint (optional)"), "kg/kg"),
        Field("baseline_co2e_factor", N_("Baseline product footprint (optional)"), "kg/kg"),
        Field("water", N_("Water use per year (optional)"), "m3/year"),
        Field("baseline_water", N_("Baseline water use per year (optional)"), "m3/year"),
    ),
    factors=(),
    formulas={
        "hazardous_kg": "(baseline_quantity × baseline_hazardous_share"
        " − quantity × hazardous_share) × years",
        "co2e_annual": "(baseline_quantity × baseline_co2e_factor − quantity × co2e_factor)"
        " / 1000 (only with both footprints)",
        "co2e_period": "co2e_annual × years",
        "water_m3": "(baseline_water − water) × years (only with both)",
    },
    compute=compute,
    source="Mass balance of classified hazardous substances (CLP/GHS)",
    claims_co2=False,
)

"""Energy-using products (IT equipment, appliances, air conditioners, refrigerators).

Formula (GPP 2020 / SPP Regions principle: whole use period, against the conventional
alternative, with national factors)::

    kwh_saved_per_year = quantity x (baseline_kwh_per_year - kwh_per_year)
    co2e_annual [t]    = kwh_saved_per_year x grid_factor [kg/kWh] / 1000
    co2e_period [t]    = co2e_annual x years
    energy_kwh         = kwh_saved_per_year x years
    money_annual       = kwh_saved_per_year x energy_price

``kwh_per_year`` and ``baseline_kwh_per_year`` are per unit (the label or the tender's
declared consumption). When the baseline is not given, the default of the product group in
``baseline_region`` (default: the line's country) is taken from the ``products`` data package
(so far only US desktop and notebook computers: 220 and 62 kWh/year, US DOE via ASAP);
where none exists the line is reported, naming the column to fill.
Source of the principle: GPP 2020,
"Measuring savings" (ICLEI, 2016); grid factors from :func:`greenprocure.reference.grid_factor`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _electricity, _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    saved = x["quantity"] * (f["baseline_kwh_per_year"] - x["kwh_per_year"])
    return _electricity.figures(saved, x, f)


MODEL = ImpactModel(
    group="energy_products",
    title=N_("Energy-using products"),
    description=N_("IT equipment, appliances, air conditioners, refrigerators: electricity saved"),
    fields=(
        *common_fields("unit", N_("Number of units")),
        Field("product", N_("Product"), required=True),
        Field("kwh_per_year", N_("Electricity use per unit per year"), "kWh/year", True),
        Field(
            "baseline_kwh_per_year",
            N_("Baseline electricity use per unit per year"),
            "kWh/year",
        ),
        Field("baseline_region", N_("Region of the default baseline (default: the country)")),
        *_electricity.FIELDS,
    ),
    factors=(
        _electricity.GRID_FACTOR,
        FactorSpec(
            "baseline_kwh_per_year",
            "kWh/year",
            ("product", "baseline_region", "country"),
            _factors.energy_baseline,
            override="baseline_kwh_per_year",
        ),
    ),
    formulas=_electricity.formulas("quantity × (baseline_kwh_per_year − kwh_per_year)"),
    compute=compute,
    source="GPP 2020 / SPP Regions: Measuring savings (ICLEI); grid factor per country and year",
    money_fields=("energy_price",),
)

"""What the electricity models share: grid factor, price columns, figures and formulas.

Energy-using products, lighting and on-site renewables each reduce to one number per line,
the grid electricity saved or displaced per year (kWh/year). From it the same four figures
follow::

    co2e_annual [t] = kwh_per_year x grid_factor [kg/kWh] / 1000
    co2e_period     = co2e_annual x years
    energy_kwh      = kwh_per_year x years
    money_annual    = kwh_per_year x energy_price

Each model keeps its own module for how it gets ``kwh_per_year``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field

__all__ = ["FIELDS", "GRID_FACTOR", "figures", "formulas"]

#: The electricity price and the line's own grid factor (overriding the reference).
FIELDS: tuple[Field, ...] = (
    Field("energy_price", N_("Electricity price"), "{currency}/kWh", default=0.0),
    Field("grid_factor", N_("Grid emission factor (overrides the reference)"), "kg/kWh"),
)

#: The grid factor of the line's country and year, unless the line gives ``grid_factor``.
GRID_FACTOR = FactorSpec(
    "grid_factor", "kg/kWh", ("country", "year"), _factors.grid, override="grid_factor"
)


def figures(kwh_per_year: Any, x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of ``kwh_per_year`` saved (arrays or floats, as ``compute`` receives)."""
    co2e_annual = kwh_per_year * f["grid_factor"] / 1000.0
    return {
        "co2e_annual": co2e_annual,
        "co2e_period": co2e_annual * x["years"],
        "energy_kwh": kwh_per_year * x["years"],
        "money_annual": kwh_per_year * x["energy_price"],
    }


def formulas(kwh_per_year: str) -> dict[str, str]:
    """The formulas a reader redoes, given the formula of ``kwh_per_year``."""
    return {
        "co2e_annual": f"{kwh_per_year} × grid_factor / 1000",
        "co2e_period": "co2e_annual × years",
        "energy_kwh": f"{kwh_per_year} × years",
        "money": f"{kwh_per_year} × energy_price × years",
        "money_discounted": f"{kwh_per_year} × energy_price × annuity(years, discount_rate)",
    }

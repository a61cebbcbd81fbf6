"""Cited reference data: versioned data packages read through typed getters.

Every value is a :class:`Factor` carrying value, unit, region, period, citation (title,
publisher, year, URL, access date), note and dataset version. A lookup that cannot be
answered raises :class:`~greenprocure.errors.FactorNotFoundError` naming what exists.
"""

from greenprocure.reference.carbon import carbon_price, carbon_price_names
from greenprocure.reference.currency import (
    CurrencyConversion,
    convert_currency,
    currencies,
    exchange_rate,
)
from greenprocure.reference.cvd import (
    cvd_emission_cost,
    cvd_energy_content,
    cvd_fuels,
    cvd_lifetime_mileage,
    cvd_pollutants,
    cvd_vehicle_categories,
)
from greenprocure.reference.equivalences import equivalence_factor, equivalence_names
from greenprocure.reference.food import food_factor, food_names
from greenprocure.reference.fuels import fuel_emission_factor, fuel_energy_content, fuel_names
from greenprocure.reference.grid import grid_factor, grid_regions
from greenprocure.reference.library import ReferenceLibrary, available_datasets, default_library
from greenprocure.reference.materials import ROUTES, material_factor, material_names
from greenprocure.reference.model import Citation, DatasetRef, Factor
from greenprocure.reference.package import DataPackage, Table, load_package
from greenprocure.reference.products import (
    energy_baseline,
    energy_baseline_products,
    equipment_types,
    refrigerant_charge,
    refrigerant_leak_rate,
)
from greenprocure.reference.refrigerants import (
    blend_composition,
    canonical_gas,
    gwp,
    odp,
    refrigerant_names,
)

__all__ = [
    "ROUTES",
    "Citation",
    "CurrencyConversion",
    "DataPackage",
    "DatasetRef",
    "Factor",
    "ReferenceLibrary",
    "Table",
    "available_datasets",
    "blend_composition",
    "canonical_gas",
    "carbon_price",
    "carbon_price_names",
    "convert_currency",
    "currencies",
    "cvd_emission_cost",
    "cvd_energy_content",
    "cvd_fuels",
    "cvd_lifetime_mileage",
    "cvd_pollutants",
    "cvd_vehicle_categories",
    "default_library",
    "energy_baseline",
    "energy_baseline_products",
    "equipment_types",
    "equivalence_factor",
    "equivalence_names",
    "exchange_rate",
    "food_factor",
    "food_names",
    "fuel_emission_factor",
    "fuel_energy_content",
    "fuel_names",
    "grid_factor",
    "grid_regions",
    "gwp",
    "load_package",
    "material_factor",
    "material_names",
    "odp",
    "refrigerant_charge",
    "refrigerant_leak_rate",
    "refrigerant_names",
]

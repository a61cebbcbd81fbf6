"""Product defaults for impact quantification: refrigerant charge and leak rate per equipment,
baseline (conventional) energy use per product group and region.

Read from the ``products`` data package (NZ Ministry for the Environment, Measuring
emissions guide, Table B.1; US DOE averages reported by ASAP). A missing equipment type raises
:class:`~greenprocure.errors.FactorNotFoundError` listing those that exist; there is no
fallback to another type.
"""

from __future__ import annotations

from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = [
    "energy_baseline",
    "energy_baseline_products",
    "equipment_types",
    "refrigerant_charge",
    "refrigerant_leak_rate",
]

_DATASET = "products"


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def refrigerant_charge(equipment: str, library: ReferenceLibrary | None = None) -> Factor:
    """Default refrigerant charge (kg) of one piece of ``equipment``."""
    return _library(library).table(_DATASET, "refrigerant_charge").get(equipment=equipment)


def refrigerant_leak_rate(equipment: str, library: ReferenceLibrary | None = None) -> Factor:
    """Default annual operating leakage rate (fraction of the charge per year)."""
    return _library(library).table(_DATASET, "refrigerant_leak_rate").get(equipment=equipment)


def equipment_types(library: ReferenceLibrary | None = None) -> list[str]:
    """Equipment types with a default leak rate (some also have a default charge)."""
    return _library(library).table(_DATASET, "refrigerant_leak_rate").values("equipment")


def energy_baseline(product: str, region: str, library: ReferenceLibrary | None = None) -> Factor:
    """Average annual electricity use (kWh/year) of a conventional ``product`` in ``region``."""
    table = _library(library).table(_DATASET, "energy_baseline")
    return table.get(product=product, region=region)


def energy_baseline_products(library: ReferenceLibrary | None = None) -> list[str]:
    """Products with a baseline energy default (in some region)."""
    return _library(library).table(_DATASET, "energy_baseline").values("product")

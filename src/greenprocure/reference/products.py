"""Product defaults for impact quantification: refrigerant charge and leak rate per equipment.

Read from the ``products`` data package (NZ Ministry for the Environment, Measuring
emissions guide, Table B.1). A missing equipment type raises
:class:`~greenprocure.errors.FactorNotFoundError` listing those that exist; there is no
fallback to another type.
"""

from __future__ import annotations

from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["equipment_types", "refrigerant_charge", "refrigerant_leak_rate"]

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

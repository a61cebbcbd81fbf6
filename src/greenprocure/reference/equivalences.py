"""Everyday equivalences of a mass of CO2e (a car driven for a year, a home's electricity).

Read from the ``equivalences`` data package (US EPA Greenhouse Gas Equivalencies Calculator).
"""

from __future__ import annotations

from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["equivalence_factor", "equivalence_names"]

_DATASET = "equivalences"


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def equivalence_factor(name: str, library: ReferenceLibrary | None = None) -> Factor:
    """Emissions (t CO2e) of one unit of the equivalence ``name``."""
    return _library(library).table(_DATASET, "equivalences").get(equivalence=name)


def equivalence_names(library: ReferenceLibrary | None = None) -> list[str]:
    """Available equivalences."""
    return _library(library).table(_DATASET, "equivalences").values("equivalence")

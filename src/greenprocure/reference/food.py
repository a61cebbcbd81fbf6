"""Greenhouse gas emissions per kilogram of food product (Poore and Nemecek 2018, via OWID).

Read from the ``food`` data package; names are the package's keys (``beef_beef_herd``,
``poultry_meat``, ``tofu`` ...), listed by :func:`food_names`.
"""

from __future__ import annotations

from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["food_factor", "food_names"]

_DATASET = "food"


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def food_factor(food: str, library: ReferenceLibrary | None = None) -> Factor:
    """kg CO2e per kg of ``food`` (global mean, farm to retail)."""
    return _library(library).table(_DATASET, "ghg_per_kg").get(food=food)


def food_names(library: ReferenceLibrary | None = None) -> list[str]:
    """Food categories with a factor."""
    return _library(library).table(_DATASET, "ghg_per_kg").values("food")

"""Material production factors (kg CO2e per tonne) for material substitution.

Read from the ``materials`` data package; ``route`` is ``virgin`` or ``closed_loop``
(recycled). Only cited values exist: asking for one that is not there raises
:class:`~greenprocure.errors.FactorNotFoundError` naming what exists.
"""

from __future__ import annotations

from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["ROUTES", "material_factor", "material_names"]

#: Production routes: from primary (virgin) material, or from a closed-loop recycled source.
ROUTES: tuple[str, ...] = ("virgin", "closed_loop")

_DATASET = "materials"


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def material_factor(
    material: str, route: str = "closed_loop", library: ReferenceLibrary | None = None
) -> Factor:
    """Cradle-to-gate factor of one tonne of ``material`` produced by ``route``."""
    return _library(library).table(_DATASET, "production").get(material=material, route=route)


def material_names(library: ReferenceLibrary | None = None) -> list[str]:
    """Materials with at least one factor."""
    return _library(library).table(_DATASET, "production").values("material")

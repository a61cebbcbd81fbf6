"""GWP-100 and ODP of refrigerants and blowing agents, blends computed from their components.

Single substances are read from the ``refrigerants`` data package (tables ``gwp`` and
``odp``). A blend (R-404A, R-407C, R-410A ...) is not stored with a GWP of its own: its GWP
and ODP are the mass-weighted sums of its components' values (the method of Regulation (EU)
No 517/2014, Annex IV), computed here from the ``blends`` composition table. The returned
:class:`~greenprocure.reference.model.Factor` says so in its ``note``.

Names are case-insensitive and accept the common aliases: ``R-22`` = ``HCFC-22``,
``R-32`` = ``HFC-32``, ``R-134a`` = ``HFC-134a``, ``CO2`` = ``R-744``, ``propane`` =
``R-290``, ``isobutane`` = ``R-600a``; spaces and hyphens may be omitted (``R410A``).
"""

from __future__ import annotations

import dataclasses
import re

from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["BASES", "blend_composition", "canonical_gas", "gwp", "odp", "refrigerant_names"]

#: The IPCC assessment reports whose 100-year GWPs are available.
BASES: tuple[str, ...] = ("AR4", "AR5", "AR6")

_DATASET = "refrigerants"

#: ASHRAE 34 designations and common names of the substances in the package.
_ALIASES: dict[str, str] = {
    "R11": "CFC-11",
    "R12": "CFC-12",
    "R22": "HCFC-22",
    "R141B": "HCFC-141b",
    "R32": "HFC-32",
    "R125": "HFC-125",
    "R134A": "HFC-134a",
    "R143A": "HFC-143a",
    "R1234YF": "HFO-1234yf",
    "HFC1234YF": "HFO-1234yf",
    "PROPANE": "R-290",
    "ISOBUTANE": "R-600a",
    "CO2": "R-744",
    "CARBONDIOXIDE": "R-744",
}


def _squash(name: str) -> str:
    return re.sub(r"[\s\-_]", "", name).upper()


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def _known(library: ReferenceLibrary) -> dict[str, str]:
    """Squashed name -> canonical name, for every substance and blend in the package."""
    names: dict[str, str] = {}
    for table, column in (("gwp", "gas"), ("odp", "gas"), ("blends", "blend")):
        for value in library.table(_DATASET, table).values(column):
            names[_squash(value)] = value
    return names


def canonical_gas(name: str, library: ReferenceLibrary | None = None) -> str:
    """The package's name for ``name`` (``r22`` -> ``HCFC-22``, ``R410A`` -> ``R-410A``)."""
    lib = _library(library)
    known = _known(lib)
    squashed = _squash(name)
    if squashed in known:
        return known[squashed]
    alias = _ALIASES.get(squashed)
    if alias is not None and _squash(alias) in known:
        return known[_squash(alias)]
    raise FactorNotFoundError(
        N_("unknown refrigerant {gas}; available: {available}"),
        gas=name,
        available=", ".join(sorted(set(known.values()))),
    )


def refrigerant_names(library: ReferenceLibrary | None = None) -> list[str]:
    """Every substance and blend the package knows, sorted."""
    return sorted(set(_known(_library(library)).values()))


def blend_composition(blend: str, library: ReferenceLibrary | None = None) -> list[Factor]:
    """The mass fractions of a blend's components (one cited row each)."""
    lib = _library(library)
    name = canonical_gas(blend, lib)
    rows = lib.table(_DATASET, "blends").find(blend=name)
    if not rows:
        raise FactorNotFoundError(
            N_("{gas} is not a blend; blends: {available}"),
            gas=name,
            available=", ".join(lib.table(_DATASET, "blends").values("blend")),
        )
    return rows


def _normalise_basis(basis: str) -> str:
    wanted = basis.strip().upper()
    if wanted not in BASES:
        raise FactorNotFoundError(
            N_("unknown GWP basis {basis}; available: {available}"),
            basis=basis,
            available=", ".join(BASES),
        )
    return wanted


def _blend(
    kind: str, name: str, components: list[Factor], parts: list[Factor], key: dict[str, str]
) -> Factor:
    total = sum(c.value * p.value for c, p in zip(components, parts, strict=True))
    terms = " + ".join(
        f"{c.value:g} × {c.key['component']} {p.value:g}"
        for c, p in zip(components, parts, strict=True)
    )
    sources = sorted({p.citation.id for p in parts} | {c.citation.id for c in components})
    note = (
        f"{kind} of {name} computed as the mass-weighted sum of its components: {terms} = "
        f"{total:g} (Regulation (EU) No 517/2014, Annex IV method); sources: {', '.join(sources)}"
    )
    first = components[0]
    return dataclasses.replace(
        first,
        table=parts[0].table,
        key=key,
        value=total,
        unit="dimensionless",
        note=note,
        low=None,
        high=None,
        extra={"components": ", ".join(c.key["component"] for c in components)},
    )


def gwp(gas: str, basis: str = "AR5", library: ReferenceLibrary | None = None) -> Factor:
    """100-year GWP (kg CO2e per kg) of a substance or blend on an IPCC basis (AR4/AR5/AR6).

    The citation of a blend's factor is its composition source; the component GWPs and
    their sources are named in the ``note``.
    """
    lib = _library(library)
    wanted = _normalise_basis(basis)
    name = canonical_gas(gas, lib)
    table = lib.table(_DATASET, "gwp")
    if table.find(gas=name):
        found = table.find(gas=name, basis=wanted)
        if not found:
            raise FactorNotFoundError(
                N_("no {basis} GWP for {gas}; available: {available}"),
                basis=wanted,
                gas=name,
                available=", ".join(table.values("basis", gas=name)),
            )
        return found[0]
    components = blend_composition(name, lib)
    parts = [gwp(c.key["component"], wanted, lib) for c in components]
    return _blend("GWP-100 " + wanted, name, components, parts, {"gas": name, "basis": wanted})


def odp(gas: str, library: ReferenceLibrary | None = None) -> Factor:
    """Ozone-depleting potential (kg CFC-11 equivalent per kg) of a substance or blend."""
    lib = _library(library)
    name = canonical_gas(gas, lib)
    table = lib.table(_DATASET, "odp")
    found = table.find(gas=name)
    if found:
        return found[0]
    if lib.table(_DATASET, "blends").find(blend=name):
        components = blend_composition(name, lib)
        parts = [odp(c.key["component"], lib) for c in components]
        return _blend("ODP", name, components, parts, {"gas": name})
    if lib.table(_DATASET, "gwp").find(gas=name):
        raise FactorNotFoundError(
            N_(
                "no ODP for {gas}: it is not a controlled substance of Montreal Protocol "
                "Annexes A-C in this dataset; substances with an ODP: {available}"
            ),
            gas=name,
            available=", ".join(table.values("gas")),
        )
    raise FactorNotFoundError(
        N_("no ODP for {gas}; available: {available}"),
        gas=name,
        available=", ".join(table.values("gas")),
    )

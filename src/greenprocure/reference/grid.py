"""Grid electricity emission factors (kg CO2e per kWh) by region, year and basis.

Bases (column ``basis`` of the ``grid`` data package):

``location``
    The national (or EU27) average factor of the grid as published by the responsible
    authority: kg CO2(e) per kWh generated or supplied, without transmission losses. This is
    what GHG Protocol location-based Scope 2 reporting uses.
``location_td``
    The same including transmission and distribution losses (where the authority publishes it).
``generation``
    Emissions per kWh generated, as published by a statistical or environment agency (EEA for
    the EU27, EIA for the US): a production-side intensity, without imports or losses.
``lifecycle``
    A secondary, clearly labelled source (Ember, via the Green Web Foundation's co2.js):
    life-cycle intensity of generation, used where no official factor exists.

Regions are ISO 3166 alpha-2 codes or ``EU27`` (``UK`` is accepted for ``GB``). A year that
is not in the table is an error naming the years that are: there is no silent fallback.
"""

from __future__ import annotations

from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["GRID_BASES", "grid_factor", "grid_regions"]

#: The bases a grid factor can have.
GRID_BASES: tuple[str, ...] = ("location", "location_td", "generation", "lifecycle")

_ALIASES = {"UK": "GB", "EU": "EU27", "EU-27": "EU27"}


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def _region(region: str) -> str:
    code = region.strip().upper()
    return _ALIASES.get(code, code)


def grid_regions(library: ReferenceLibrary | None = None) -> list[str]:
    """Regions that have at least one grid factor, sorted."""
    return _library(library).table("grid", "grid").values("region")


def _years(factors: list[Factor]) -> str:
    """The periods of ``factors``, consecutive single years joined: ``2019-2022, 2020-2022``."""
    singles = sorted(
        {y for f in factors if (y := f.period_start) is not None and y == f.period_end}
    )
    spans = sorted({f.period for f in factors if f.period and f.period_start != f.period_end})
    runs: list[str] = []
    for year in singles:
        if runs and runs[-1].split("-")[-1] == str(year - 1):
            runs[-1] = f"{runs[-1].split('-')[0]}-{year}"
        else:
            runs.append(str(year))
    return ", ".join(runs + spans) or "-"


def grid_factor(
    region: str, year: int, basis: str = "location", library: ReferenceLibrary | None = None
) -> Factor:
    """The grid factor (unit ``kg/kWh``, CO2e) of ``region`` in ``year`` on ``basis``."""
    table = _library(library).table("grid", "grid")
    code = _region(region)
    wanted = basis.strip().lower()
    rows = table.find(region=code)
    if not rows:
        raise FactorNotFoundError(
            N_("no grid factor for {region}; available regions: {available}"),
            region=region,
            available=", ".join(table.values("region")),
        )
    on_basis = [f for f in rows if f.key.get("basis", "").lower() == wanted]
    if not on_basis:
        raise FactorNotFoundError(
            N_("no {basis} grid factor for {region}; available bases: {available}"),
            basis=basis,
            region=code,
            available=", ".join(
                f"{b} ({_years([f for f in rows if f.key.get('basis') == b])})"
                for b in sorted({f.key.get("basis", "") for f in rows})
            ),
        )
    hits = [
        f
        for f in on_basis
        if f.period_start is not None and f.period_start <= year <= (f.period_end or year)
    ]
    if not hits:
        raise FactorNotFoundError(
            N_("no grid factor for {region} ({basis}) in {year}; available: {available}"),
            region=code,
            basis=wanted,
            year=year,
            available=_years(on_basis),
        )
    # A single-year value is preferred over a multi-year average covering the same year.
    hits.sort(key=lambda f: ((f.period_end or 0) - (f.period_start or 0), f.period))
    return hits[0]

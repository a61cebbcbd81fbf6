"""Carbon prices usable as a shadow price: each a cited series (``carbon_prices`` package).

A series has a ``name`` (``cvd``, ``eu_ets``, ``uk_green_book`` ...) and one row per year
(or one row for a period). ``carbon_price(name, year)`` returns the row for that year;
without a year it returns the series' only row, or raises an error listing the years when
the series has several: a price of one year is never used silently for another.
"""

from __future__ import annotations

from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["carbon_price", "carbon_price_names"]


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def carbon_price_names(library: ReferenceLibrary | None = None) -> list[str]:
    """Names of the carbon-price series, sorted."""
    return _library(library).table("carbon_prices", "prices").values("name")


def carbon_price(
    name: str, year: int | None = None, library: ReferenceLibrary | None = None
) -> Factor:
    """The carbon price of series ``name`` in ``year`` (unit such as ``EUR/t`` CO2e)."""
    table = _library(library).table("carbon_prices", "prices")
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    rows = table.find(name=key)
    if not rows:
        raise FactorNotFoundError(
            N_("no carbon price series {name}; available: {available}"),
            name=name,
            available=", ".join(table.values("name")),
        )
    periods = ", ".join(sorted({f.period for f in rows if f.period})) or "-"
    if year is None:
        if len(rows) == 1:
            return rows[0]
        raise FactorNotFoundError(
            N_("carbon price series {name} has several years; give one of: {available}"),
            name=key,
            available=periods,
        )
    hits = [
        f
        for f in rows
        if f.period_start is not None and f.period_start <= year <= (f.period_end or year)
    ]
    if len(hits) == 1:
        return hits[0]
    if not hits and len(rows) == 1 and rows[0].period_start is None:
        return rows[0]
    raise FactorNotFoundError(
        N_("no carbon price {name} for {year}; available: {available}"),
        name=key,
        year=year,
        available=periods,
    )

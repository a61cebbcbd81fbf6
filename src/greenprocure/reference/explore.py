"""Listing and searching the reference library (used by ``greenprocure factors``).

``select_factors("grid/grid", {"region": "CN"}, year=2022)`` returns the matching rows of
one table; ``search_factors("R-410A")`` the rows of every dataset whose key, note, region
or source mention the text. Results are sorted, so output built from them is deterministic.
A blend of the ``refrigerants`` dataset also appears with its computed GWP and ODP.
"""

from __future__ import annotations

from collections.abc import Mapping

from greenprocure.errors import FactorNotFoundError, ReferenceDataError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, available_datasets, default_library
from greenprocure.reference.model import Factor

__all__ = ["search_factors", "select_factors"]


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def _sort_key(factor: Factor) -> tuple[str, ...]:
    return (
        factor.dataset.name,
        factor.table,
        *(str(v).casefold() for v in factor.key.values()),
        factor.period,
    )


def _in_year(factor: Factor, year: int | None) -> bool:
    if year is None:
        return True
    if factor.period_start is None:
        return False
    return factor.period_start <= year <= (factor.period_end or factor.period_start)


def select_factors(
    path: str,
    filters: Mapping[str, str] | None = None,
    year: int | None = None,
    library: ReferenceLibrary | None = None,
) -> list[Factor]:
    """Rows of ``DATASET/TABLE`` matching ``column=value`` filters (and ``year``), sorted."""
    lib = _library(library)
    if "/" not in path:
        raise FactorNotFoundError(
            N_("{path} is not DATASET/TABLE; datasets: {available}"),
            path=path,
            available=", ".join(sorted(available_datasets())),
        )
    dataset, table_name = path.split("/", 1)
    table = lib.table(dataset, table_name)
    columns = {*table.primary_key, "region", "period"}
    for factor in table.factors:
        columns.update(factor.extra)
    for column in filters or {}:
        if column not in columns:
            raise FactorNotFoundError(
                N_("table {table} has no column {column}; columns: {available}"),
                table=path,
                column=column,
                available=", ".join(sorted(columns)),
            )
    found = table.find(**dict(filters or {}))
    found = [f for f in found if _in_year(f, year)]
    if not found:
        raise FactorNotFoundError(
            N_("no rows in {table} match {filters}"),
            table=path,
            filters=" ".join(f"{k}={v}" for k, v in (filters or {}).items()) or "-",
        )
    return sorted(found, key=_sort_key)


def _blend_factors(lib: ReferenceLibrary) -> list[Factor]:
    from greenprocure.reference.refrigerants import BASES, gwp, odp

    computed: list[Factor] = []
    try:
        blends = lib.table("refrigerants", "blends").values("blend")
    except ReferenceDataError:
        return computed
    for blend in blends:
        for basis in BASES:
            try:
                computed.append(gwp(blend, basis, lib))
            except ReferenceDataError:
                continue
        try:
            computed.append(odp(blend, lib))
        except ReferenceDataError:
            continue
    return computed


def search_factors(text: str, library: ReferenceLibrary | None = None) -> list[Factor]:
    """Rows of every dataset whose key, region, note or source mention ``text``, sorted."""
    lib = _library(library)
    needle = text.strip().casefold()
    if not needle:
        raise FactorNotFoundError(N_("nothing to search for"))
    pool: list[Factor] = []
    for name in sorted(available_datasets()):
        for table in lib.dataset(name).tables.values():
            pool.extend(table.factors)
    pool.extend(_blend_factors(lib))
    found = []
    for factor in pool:
        haystack = " ".join(
            [
                factor.table,
                *(str(v) for v in factor.key.values()),
                factor.region,
                factor.note,
                factor.citation.title,
                factor.citation.publisher,
            ]
        ).casefold()
        if needle in haystack or needle.replace("-", "") in haystack.replace("-", ""):
            found.append(factor)
    if not found:
        raise FactorNotFoundError(N_("no reference value mentions {text}"), text=text)
    unique = {(f.dataset.name, f.table, tuple(f.key.items()), f.period): f for f in found}
    return sorted(unique.values(), key=_sort_key)

"""The reference-library lookups the evaluation uses, in one place.

Each returns a cited :class:`~greenprocure.reference.Factor`; a lookup that cannot be answered
raises the reference library's own error, which names what exists.
"""

from __future__ import annotations

from greenprocure import reference
from greenprocure.reference import Factor, ReferenceLibrary

__all__ = [
    "carbon_price",
    "cvd_emission_cost",
    "cvd_energy_content",
    "cvd_lifetime_mileage",
    "exchange_rate",
    "fuel_emission_factor",
    "grid_factor",
]


def grid_factor(region: str, year: int, basis: str, library: ReferenceLibrary | None) -> Factor:
    return reference.grid_factor(region, year, basis=basis, library=library)


def fuel_emission_factor(fuel: str, per: str, library: ReferenceLibrary | None) -> Factor:
    return reference.fuel_emission_factor(fuel, per=per, library=library)


def carbon_price(name: str, year: int | None, library: ReferenceLibrary | None) -> Factor:
    return reference.carbon_price(name, year=year, library=library)


def cvd_energy_content(fuel: str, library: ReferenceLibrary | None) -> Factor:
    return reference.cvd_energy_content(fuel, library=library)


def cvd_emission_cost(pollutant: str, library: ReferenceLibrary | None) -> Factor:
    return reference.cvd_emission_cost(pollutant, library=library)


def cvd_lifetime_mileage(category: str, library: ReferenceLibrary | None) -> Factor:
    return reference.cvd_lifetime_mileage(category, library=library)


def exchange_rate(source: str, target: str, year: int, library: ReferenceLibrary | None) -> Factor:
    return reference.convert_currency(1.0, source, target, year, library=library).rate

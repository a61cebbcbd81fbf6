"""Factor resolvers shared by the impact models: thin adapters over the reference getters.

A resolver takes the text keys of one group of lines (``country``, ``year``, gas, fuel,
food ...), the settings and the library, and returns a cited
:class:`~greenprocure.reference.Factor`, or a plain float for an exact conversion (1 kWh of
electricity is 1 kWh) that needs no citation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from greenprocure import reference
from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.impact.model import ImpactSettings, Resolver
from greenprocure.reference import Factor, ReferenceLibrary

ELECTRICITY = "electricity"

Keys = Mapping[str, str]
Lib = ReferenceLibrary | None


def grid(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
    """Grid electricity factor of the line's country and year (kg CO2e/kWh)."""
    return reference.grid_factor(
        keys["country"], int(keys["year"]), basis=settings.grid_basis, library=library
    )


def gwp_of(field: str) -> Resolver:
    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
        return reference.gwp(keys[field], basis=settings.gwp_basis, library=library)

    return resolve


_NOT_ODS = re.compile(r"^(HFC|HFO|PFC)-|^R-(290|600a|744|717|1270)$", re.IGNORECASE)


def odp_of(field: str) -> Resolver:
    """ODP from the Montreal Protocol table; 0 for substances without chlorine or bromine.

    HFCs, HFOs, PFCs, hydrocarbons, CO2 and ammonia (and blends made only of them) are not
    controlled substances: they contain no chlorine or bromine. That is chemistry, not a
    published number, so it is returned as a plain 0 and the audit shows it as such.
    """

    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor | float:
        try:
            return reference.odp(keys[field], library=library)
        except FactorNotFoundError:
            name = reference.canonical_gas(keys[field], library=library)
            names = [name]
            if not _NOT_ODS.search(name):
                names = [c.key["component"] for c in reference.blend_composition(name, library)]
            if all(_NOT_ODS.search(n) for n in names):
                return 0.0
            raise

    return resolve


def charge(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
    return reference.refrigerant_charge(_required(keys, "equipment"), library=library)


def energy_baseline(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
    """Default baseline energy use of the product group in the baseline region (or country)."""
    region = keys.get("baseline_region") or keys["country"]
    return reference.energy_baseline(
        _required(keys, "product").replace(" ", "_"), region.upper(), library=library
    )


def leak_rate(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
    return reference.refrigerant_leak_rate(_required(keys, "equipment"), library=library)


def _required(keys: Keys, name: str) -> str:
    value = keys.get(name, "")
    if not value:
        raise FactorNotFoundError(
            N_("no default without {field}; give the value itself"), field=name
        )
    return value


def vehicle_emission(fuel_field: str, basis_field: str) -> Resolver:
    """kg CO2e per unit of consumption: grid factor for electricity, combustion factor else."""

    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
        fuel, basis = keys[fuel_field], keys[basis_field]
        if fuel.casefold() == ELECTRICITY:
            if basis != "kWh":
                raise FactorNotFoundError(
                    N_("electricity consumption must be given in kWh per distance, not {unit}"),
                    unit=basis,
                )
            return grid(keys, settings, library)
        per = "MJ" if basis == "kWh" else basis
        return reference.fuel_emission_factor(fuel, per=per, library=library)

    return resolve


def vehicle_energy(fuel_field: str, basis_field: str) -> Resolver:
    """kWh of final energy per unit of consumption (1 when consumption is already energy)."""

    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor | float:
        fuel, basis = keys[fuel_field], keys[basis_field]
        if basis == "kWh":
            return 1.0
        if fuel.casefold() == ELECTRICITY:
            raise FactorNotFoundError(
                N_("electricity consumption must be given in kWh per distance, not {unit}"),
                unit=basis,
            )
        return reference.fuel_energy_content(fuel, per=basis, library=library)

    return resolve


def material(route: str) -> Resolver:
    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
        return reference.material_factor(keys["material"], route=route, library=library)

    return resolve


def food_of(field: str) -> Resolver:
    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
        return reference.food_factor(keys[field], library=library)

    return resolve


def no_default(what: str) -> Resolver:
    """A factor with no packaged default: the line must give it (named in the error)."""

    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor:
        raise FactorNotFoundError(
            N_("no cited default for {factor}; give it in the purchase register"), factor=what
        )

    return resolve


def exchange(from_field: str, to_field: str, year_field: str) -> Resolver:
    """Units of the factor's currency per unit of the line's currency, in the price year."""

    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> Factor | float:
        source, target = keys[from_field].upper(), keys[to_field].upper()
        if not source or not target:
            raise FactorNotFoundError(
                N_("no currency given for {field}"), field=from_field if not source else to_field
            )
        if source == target:
            return 1.0
        return reference.exchange_rate(source, target, int(keys[year_field]), library=library)

    return resolve


def same_year(price_field: str, factor_field: str) -> Resolver:
    """Price-level ratio: 1 when both years agree; otherwise the line must give a deflator."""

    def resolve(keys: Keys, settings: ImpactSettings, library: Lib) -> float:
        if keys[price_field] == keys[factor_field]:
            return 1.0
        raise FactorNotFoundError(
            N_(
                "price year {price_year} differs from the factor's year {factor_year}; "
                "give deflator (price level of {factor_year} / price level of {price_year})"
            ),
            price_year=keys[price_field],
            factor_year=keys[factor_field],
        )

    return resolve

"""Constants of the Clean Vehicles Directive 2009/33/EC, Annex (original 2009 text).

Table 1 (energy content of fuels), Table 2 (cost of emissions in road transport, 2007
prices) and Table 3 (lifetime mileage by vehicle category), as used by the Article 6
operational-lifetime-cost method. Directive (EU) 2019/1161 replaced this Annex; the tables
are kept because national transpositions and existing tender documents still use them.

Where the Directive gives a range (natural gas 33-38 MJ/Nm3; CO2 0.03-0.04 EUR/kg) the
factor carries it as ``low``/``high`` and ``value`` is the midpoint (stated in the note):
the contracting authority chooses within the range.
"""

from __future__ import annotations

from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = [
    "cvd_emission_cost",
    "cvd_energy_content",
    "cvd_fuels",
    "cvd_lifetime_mileage",
    "cvd_pollutants",
    "cvd_vehicle_categories",
]

_FUEL_ALIASES = {
    "gasoline": "petrol",
    "natural gas": "natural_gas",
    "natural-gas": "natural_gas",
    "cng": "natural_gas",
    "emulsion fuel": "emulsion_fuel",
    "bioethanol": "ethanol",
    "h2": "hydrogen",
}
_POLLUTANT_ALIASES = {"CO2E": "CO2", "PARTICULATES": "PM", "PARTICULATE MATTER": "PM", "HC": "NMHC"}


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def _get(table_name: str, column: str, value: str, library: ReferenceLibrary | None) -> Factor:
    table = _library(library).table("cvd", table_name)
    found = table.find(**{column: value})
    if found:
        return found[0]
    raise FactorNotFoundError(
        N_("no Clean Vehicles Directive {table} value for {key}; available: {available}"),
        table=table_name,
        key=value,
        available=", ".join(table.values(column)),
    )


def cvd_energy_content(fuel: str, library: ReferenceLibrary | None = None) -> Factor:
    """Annex Table 1: energy content of ``fuel`` (MJ/L, or MJ/Nm3 for gases)."""
    key = fuel.strip().lower()
    key = _FUEL_ALIASES.get(key, key).replace(" ", "_").replace("-", "_")
    return _get("energy_content", "fuel", key, library)


def cvd_emission_cost(pollutant: str, library: ReferenceLibrary | None = None) -> Factor:
    """Annex Table 2: cost of ``pollutant`` (CO2 in EUR/kg; NOx, NMHC, PM in EUR/g)."""
    key = pollutant.strip().upper()
    key = _POLLUTANT_ALIASES.get(key, key)
    return _get("emission_costs", "pollutant", key, library)


def cvd_lifetime_mileage(category: str, library: ReferenceLibrary | None = None) -> Factor:
    """Annex Table 3: lifetime mileage (km) of a vehicle category (M1, N1, N2, N3, M2, M3)."""
    return _get("lifetime_mileage", "category", category.strip().upper(), library)


def cvd_fuels(library: ReferenceLibrary | None = None) -> list[str]:
    """Fuels of Annex Table 1."""
    return _library(library).table("cvd", "energy_content").values("fuel")


def cvd_pollutants(library: ReferenceLibrary | None = None) -> list[str]:
    """Pollutants of Annex Table 2."""
    return _library(library).table("cvd", "emission_costs").values("pollutant")


def cvd_vehicle_categories(library: ReferenceLibrary | None = None) -> list[str]:
    """Vehicle categories of Annex Table 3."""
    return _library(library).table("cvd", "lifetime_mileage").values("category")

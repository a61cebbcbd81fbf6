"""Fuel combustion emission factors (kg CO2e per unit of fuel) and energy contents.

The ``fuels`` data package stores, per fuel, factors per physical unit as published
(table ``emission_factors``: kg CO2e per L, kg, m3 ...; table ``energy_content``: MJ per
L, kg, m3 ...). A request in another unit of the same dimension is converted with pint
(``per="t"`` from a per-kg value). A request per unit of energy (``per="MJ"``, ``"kWh"``)
that is not stored is derived from the per-unit factor and the energy content of the same
unit: ``kg CO2e/MJ = (kg CO2e/L) / (MJ/L)``. Every converted or derived
:class:`~greenprocure.reference.model.Factor` states how in its ``note``.

Fuels: ``diesel``, ``petrol`` (``gasoline``), ``lpg``, ``natural_gas`` (``cng``),
``biodiesel``, ``ethanol`` (``bioethanol``), ``hydrogen``; case-insensitive.
"""

from __future__ import annotations

import dataclasses

from greenprocure.errors import FactorNotFoundError, UnitError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor
from greenprocure.units import convert, parse_unit

__all__ = ["FUELS", "fuel_emission_factor", "fuel_energy_content", "fuel_names"]

#: The fuels the getters know.
FUELS: tuple[str, ...] = (
    "diesel",
    "petrol",
    "lpg",
    "natural_gas",
    "biodiesel",
    "ethanol",
    "hydrogen",
)

_ALIASES = {
    "gasoline": "petrol",
    "gas": "natural_gas",
    "natural gas": "natural_gas",
    "natural-gas": "natural_gas",
    "cng": "natural_gas",
    "bioethanol": "ethanol",
    "liquefied petroleum gas": "lpg",
    "h2": "hydrogen",
}
# Unit spellings accepted for ``per`` that pint does not know as written.
_UNIT_SPELLINGS = {"m3": "m**3", "litre": "L", "liter": "L", "l": "L", "nm3": "Nm3"}


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def _fuel(name: str) -> str:
    key = name.strip().lower()
    key = _ALIASES.get(key, key).replace(" ", "_").replace("-", "_")
    if key not in FUELS:
        raise FactorNotFoundError(
            N_("unknown fuel {fuel}; available: {available}"),
            fuel=name,
            available=", ".join(FUELS),
        )
    return key


def _unit(per: str) -> str:
    text = per.strip()
    return _UNIT_SPELLINGS.get(text.lower(), text)


def fuel_names() -> list[str]:
    """The fuels the getters know."""
    return list(FUELS)


def _per_unit(quantity_unit: str) -> str:
    """``kg/L`` -> ``L``: the denominator of a stored unit."""
    return quantity_unit.split("/", 1)[1]


def _same_dimension(a: str, b: str) -> bool:
    try:
        return bool(parse_unit(a).dimensionality == parse_unit(b).dimensionality)
    except UnitError:
        return False


def _lookup(table_name: str, numerator: str, fuel: str, per: str, lib: ReferenceLibrary) -> Factor:
    table = lib.table("fuels", table_name)
    name = _fuel(fuel)
    rows = table.find(fuel=name)
    if not rows:
        raise FactorNotFoundError(
            N_("no {table} value for {fuel}; available fuels: {available}"),
            table=table_name,
            fuel=name,
            available=", ".join(table.values("fuel")),
        )
    unit = _unit(per)
    try:
        parse_unit(unit)
    except UnitError as exc:
        raise FactorNotFoundError(
            N_("unknown unit {unit}; use a unit such as L, kg, m3, MJ or kWh"), unit=per
        ) from exc
    # 1. Stored per exactly this unit.
    for row in rows:
        if row.key.get("per", "").lower() == per.strip().lower() or _per_unit(row.unit) == unit:
            return row
    # 2. Stored per a unit of the same dimension: convert with pint.
    for row in rows:
        stored = _per_unit(row.unit)
        if _same_dimension(stored, unit):
            factor = convert(1.0, unit, stored)
            return dataclasses.replace(
                row,
                key={**row.key, "per": per},
                value=row.value * factor,
                unit=f"{numerator}/{unit}",
                low=None if row.low is None else row.low * factor,
                high=None if row.high is None else row.high * factor,
                note=f"converted from {row.value:g} {row.unit} (1 {unit} = {factor:g} {stored})"
                + (f"; {row.note}" if row.note else ""),
            )
    # 3. Per unit of energy: divide the per-unit factor by the energy content of that unit.
    if table_name == "emission_factors" and _same_dimension(unit, "MJ"):
        contents = lib.table("fuels", "energy_content").find(fuel=name)
        for row in rows:
            stored = _per_unit(row.unit)
            match = [c for c in contents if _same_dimension(_per_unit(c.unit), stored)]
            if not match:
                continue
            content = match[0]
            mj_per_stored = convert(content.value, content.unit, f"MJ/{stored}")
            per_mj = row.value / mj_per_stored
            value = per_mj * convert(1.0, unit, "MJ")
            return dataclasses.replace(
                row,
                key={**row.key, "per": per},
                value=value,
                unit=f"{numerator}/{unit}",
                low=None,
                high=None,
                note=(
                    f"derived: {row.value:g} {row.unit} ({row.citation.id}) / "
                    f"{content.value:g} {content.unit} ({content.citation.id})"
                    + (f" × {convert(1.0, unit, 'MJ'):g} MJ/{unit}" if unit != "MJ" else "")
                ),
                extra={**row.extra, "energy_content_source": content.citation.id},
            )
    # 4. Per physical unit from a per-energy factor: multiply by the energy content of that unit.
    if table_name == "emission_factors":
        contents = lib.table("fuels", "energy_content").find(fuel=name)
        match = [c for c in contents if _same_dimension(_per_unit(c.unit), unit)]
        per_energy = [r for r in rows if _same_dimension(_per_unit(r.unit), "MJ")]
        if match and per_energy:
            row, content = per_energy[0], match[0]
            kg_per_mj = row.value / convert(1.0, _per_unit(row.unit), "MJ")
            mj_per_unit = convert(content.value, content.unit, f"MJ/{unit}")
            scale = mj_per_unit / content.value
            return dataclasses.replace(
                row,
                key={**row.key, "per": per},
                value=kg_per_mj * mj_per_unit,
                unit=f"{numerator}/{unit}",
                region=content.region if row.region == "GLOBAL" else row.region,
                low=None if content.low is None else kg_per_mj * content.low * scale,
                high=None if content.high is None else kg_per_mj * content.high * scale,
                note=(
                    f"derived: {row.value:g} {row.unit} ({row.citation.id}) × "
                    f"{content.value:g} {content.unit} ({content.citation.id})"
                    + (f" [range {content.low:g}-{content.high:g}]" if content.low else "")
                    + f"; {row.note}"
                ),
                extra={**row.extra, "energy_content_source": content.citation.id},
            )
    raise FactorNotFoundError(
        N_("no {table} value for {fuel} per {unit}; available per: {available}"),
        table=table_name,
        fuel=name,
        unit=per,
        available=", ".join(sorted({_per_unit(r.unit) for r in rows})),
    )


def fuel_emission_factor(
    fuel: str, per: str = "L", library: ReferenceLibrary | None = None
) -> Factor:
    """Combustion emission factor of ``fuel`` in kg CO2e per ``per`` (L, kg, m3, MJ, kWh ...)."""
    return _lookup("emission_factors", "kg", fuel, per, _library(library))


def fuel_energy_content(
    fuel: str, per: str = "L", library: ReferenceLibrary | None = None
) -> Factor:
    """Energy content (net calorific value) of ``fuel`` in MJ per ``per`` (L, kg, m3 ...)."""
    return _lookup("energy_content", "MJ", fuel, per, _library(library))

"""The one pint unit registry of GreenProcure.

Every unit string in reference data, tender files and purchase registers is parsed here, so
that ``kWh``, ``MWh``, ``GJ``, ``L``, ``Nm3``, ``t``, ``g/km`` and currencies convert
consistently. Currencies are their own dimensions (``EUR``, ``CNY``, ``KRW``, ``JPY``,
``MNT``, ``USD``, ``GBP``): pint converts only within one currency; converting between
currencies needs a dated rate from :mod:`greenprocure.reference`.
"""

from __future__ import annotations

from typing import Any

import pint

from greenprocure.errors import UnitError

__all__ = [
    "CURRENCIES",
    "Quantity",
    "convert",
    "parse_quantity",
    "parse_unit",
    "same_dimension",
    "ureg",
]

#: ISO 4217 codes defined as units; each is its own dimension.
CURRENCIES: tuple[str, ...] = (
    "EUR",
    "CNY",
    "KRW",
    "JPY",
    "MNT",
    "USD",
    "GBP",
    "CZK",
    "SEK",
    "DKK",
    "PLN",
    "NOK",
    "HUF",
    "RON",
    "BGN",
    "CHF",
    "MXN",
)

ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
for _code in CURRENCIES:
    ureg.define(f"{_code} = [currency_{_code}]")
# Normal cubic metre of gas (0 °C, 101.325 kPa): a volume, kept distinct in name only.
ureg.define("Nm3 = meter ** 3 = normal_cubic_meter")
# Tonne of oil equivalent (IEA/OECD definition, 41.868 GJ).
ureg.define("toe = 41.868 * gigajoule = tonne_of_oil_equivalent")
ureg.define("ktoe = 1000 * toe")
ureg.define("unit = [] = units = item = items = piece = pieces")

Quantity = ureg.Quantity


def parse_unit(
    text: str, *, file: str | None = None, record: str | None = None, field: str | None = None
) -> Any:
    """Parse a unit string into a pint quantity of the unit's size.

    Scaled units such as ``L/(100 km)`` are allowed: the result is ``0.01 L/km``. A clear
    :class:`UnitError` naming where the string came from is raised if it cannot be parsed.
    """
    cleaned = text.replace("%", "percent").strip() if isinstance(text, str) else ""
    try:
        parsed = ureg.parse_expression(cleaned or "dimensionless")
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError) as exc:
        raise UnitError(
            "unknown unit {unit!r}", unit=text, file=file, record=record, field=field
        ) from exc
    if not isinstance(parsed, ureg.Quantity):
        parsed = Quantity(parsed, "dimensionless")
    return parsed


def parse_quantity(value: float, unit: str, **where: str | None) -> Any:
    """A pint quantity from a number and a unit string."""
    return value * parse_unit(unit, **where)


def convert(value: float, from_unit: str, to_unit: str, **where: str | None) -> float:
    """Convert a magnitude between units; :class:`UnitError` if the dimensions differ."""
    source = parse_unit(from_unit, **where)
    target = parse_unit(to_unit, **where)
    try:
        return float((value * source).to(target.units).magnitude / target.magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            "unit {unit!r} cannot be converted to {target!r}",
            unit=from_unit,
            target=to_unit,
            **where,
        ) from exc


def same_dimension(unit: str, reference: str) -> bool:
    """Whether ``unit`` can be converted to ``reference``."""
    return bool(parse_unit(unit).dimensionality == parse_unit(reference).dimensionality)

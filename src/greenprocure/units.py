"""The one pint unit registry of GreenProcure.

Every unit string in reference data, tender files and purchase registers is parsed here, so
that ``kWh``, ``MWh``, ``GJ``, ``L``, ``Nm3``, ``t``, ``g/km`` and currencies convert
consistently. Currencies are their own dimensions (``EUR``, ``CNY``, ``KRW``, ``JPY``,
``MNT``, ``USD``, ``GBP``): pint converts only within one currency; converting between
currencies needs a dated rate from :mod:`greenprocure.reference`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from greenprocure.errors import UnitError

if TYPE_CHECKING:
    import pint

__all__ = [
    "CURRENCIES",
    "check_unit",
    "convert",
    "parse_quantity",
    "parse_unit",
    "registry",
    "same_dimension",
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


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The registry, made on first use: importing pint and defining the units takes about
    half a second, which commands that never parse a unit (monitoring) need not pay."""
    import pint

    ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for code in CURRENCIES:
        ureg.define(f"{code} = [currency_{code}]")
    # Normal cubic metre of gas (0 °C, 101.325 kPa): a volume, kept distinct in name only.
    ureg.define("Nm3 = meter ** 3 = normal_cubic_meter")
    # Tonne of oil equivalent (IEA/OECD definition, 41.868 GJ).
    ureg.define("toe = 41.868 * gigajoule = tonne_of_oil_equivalent")
    ureg.define("ktoe = 1000 * toe")
    ureg.define("unit = [] = units = item = items = piece = pieces")
    return ureg


def __getattr__(name: str) -> Any:
    # ``ureg`` and ``Quantity`` as module attributes, made on first use.
    if name == "ureg":
        return registry()
    if name == "Quantity":
        return registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CURRENCY_UNIT = re.compile(r"([A-Z]{3})(?:/([A-Z]{3}))?")


def check_unit(text: str, **where: str | None) -> None:
    """Raise :class:`UnitError` unless ``text`` is a unit of the registry.

    A currency code or a ratio of two (``CNY/USD``) is checked without the registry, so
    that loading exchange rates does not load pint.
    """
    match = _CURRENCY_UNIT.fullmatch(text) if isinstance(text, str) else None
    if match and all(code in CURRENCIES for code in match.groups() if code):
        return
    parse_unit(text, **where)


def parse_unit(
    text: str, *, file: str | None = None, record: str | None = None, field: str | None = None
) -> Any:
    """Parse a unit string into a pint quantity of the unit's size.

    Scaled units such as ``L/(100 km)`` are allowed: the result is ``0.01 L/km``. A clear
    :class:`UnitError` naming where the string came from is raised if it cannot be parsed.
    """
    import pint

    ureg = registry()
    cleaned = text.replace("%", "percent").strip() if isinstance(text, str) else ""
    try:
        parsed = ureg.parse_expression(cleaned or "dimensionless")
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError) as exc:
        raise UnitError(
            "unknown unit {unit!r}", unit=text, file=file, record=record, field=field
        ) from exc
    if not isinstance(parsed, ureg.Quantity):
        parsed = ureg.Quantity(parsed, "dimensionless")
    return parsed


def parse_quantity(value: float, unit: str, **where: str | None) -> Any:
    """A pint quantity from a number and a unit string."""
    return value * parse_unit(unit, **where)


def convert(value: float, from_unit: str, to_unit: str, **where: str | None) -> float:
    """Convert a magnitude between units; :class:`UnitError` if the dimensions differ."""
    import pint

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

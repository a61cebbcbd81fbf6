"""Annual average exchange rates and currency conversion that records the rate it used.

The ``fx`` data package stores, for each currency and year, one official annual average
rate against a single base currency (units of the currency per US dollar, e.g. ``CNY/USD``).
Any other pair is a cross rate computed here, ``rate(a -> b) = (b per USD) / (a per USD)``,
and the returned :class:`~greenprocure.reference.model.Factor` states the computation in its
``note``. A year or currency that is not in the table is an error naming what exists.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from greenprocure.errors import FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary, default_library
from greenprocure.reference.model import Factor

__all__ = ["CurrencyConversion", "convert_currency", "currencies", "exchange_rate", "years"]


@dataclass(frozen=True, slots=True)
class CurrencyConversion:
    """An amount converted between currencies, with the dated, cited rate that was used."""

    amount: float
    currency: str
    source_amount: float
    source_currency: str
    year: int
    rate: Factor

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "currency": self.currency,
            "source_amount": self.source_amount,
            "source_currency": self.source_currency,
            "year": self.year,
            "rate": self.rate.to_dict(),
        }


def _library(library: ReferenceLibrary | None) -> ReferenceLibrary:
    return library if library is not None else default_library()


def _base(library: ReferenceLibrary) -> str:
    """The base currency of the table (the one every row is quoted against)."""
    table = library.table("fx", "rates")
    for row in table.factors:
        numerator, denominator = row.unit.split("/", 1)
        return denominator if numerator == row.key["currency"] else numerator
    raise FactorNotFoundError(N_("the exchange-rate table is empty"))


def currencies(library: ReferenceLibrary | None = None) -> list[str]:
    """ISO 4217 codes with at least one rate (the base currency included), sorted."""
    lib = _library(library)
    return sorted({*lib.table("fx", "rates").values("currency"), _base(lib)})


def years(currency: str, library: ReferenceLibrary | None = None) -> list[str]:
    """The years with a rate for ``currency``."""
    table = _library(library).table("fx", "rates")
    return sorted({f.period for f in table.find(currency=currency.strip().upper()) if f.period})


@dataclass(frozen=True, slots=True)
class _PerBase:
    value: float  # units of the currency per one unit of the base currency
    row: Factor
    text: str  # how the value was read: "7.0809 CNY/USD" or "1 / 1.0817 USD/EUR"


def _per_base(code: str, year: int, library: ReferenceLibrary) -> _PerBase | None:
    """Units of ``code`` per base currency in ``year``; None when ``code`` is the base."""
    if code == _base(library):
        return None
    table = library.table("fx", "rates")
    rows = table.find(currency=code)
    if not rows:
        raise FactorNotFoundError(
            N_("no exchange rate for {currency}; available: {available}"),
            currency=code,
            available=", ".join(currencies(library)),
        )
    for row in rows:
        if row.period_start is not None and row.period_start <= year <= (row.period_end or year):
            if row.unit.split("/", 1)[0] == code:
                return _PerBase(row.value, row, f"{row.value:.10g} {row.unit}")
            return _PerBase(1.0 / row.value, row, f"1 / {row.value:.10g} {row.unit}")
    raise FactorNotFoundError(
        N_("no exchange rate for {currency} in {year}; available: {available}"),
        currency=code,
        year=year,
        available=", ".join(sorted({f.period for f in rows if f.period})),
    )


def exchange_rate(
    from_currency: str, to_currency: str, year: int, library: ReferenceLibrary | None = None
) -> Factor:
    """Annual average rate of ``year``: units of ``to_currency`` per ``from_currency``.

    The factor's citation is that of the rate of ``to_currency`` (or of ``from_currency``
    when ``to_currency`` is the base); its ``note`` shows how the rate was computed and
    ``extra`` names the source of each leg.
    """
    lib = _library(library)
    source = from_currency.strip().upper()
    target = to_currency.strip().upper()
    base = _base(lib)
    a = _per_base(source, year, lib)
    b = _per_base(target, year, lib)
    if source == target or (a is None and b is None):
        leg = a or b
        anchor = leg.row if leg is not None else lib.table("fx", "rates").factors[0]
        return dataclasses.replace(
            anchor,
            table="rates",
            key={"from": source, "to": target},
            value=1.0,
            unit=f"{target}/{source}",
            period_start=year,
            period_end=year,
            low=None,
            high=None,
            note="same currency: no conversion (rate 1 by definition)",
            extra={},
        )
    a_value = 1.0 if a is None else a.value
    b_value = 1.0 if b is None else b.value
    value = b_value / a_value
    leg = b or a
    assert leg is not None
    anchor = leg.row
    a_text = f"1 {base}/{base}" if a is None else a.text
    b_text = f"1 {base}/{base}" if b is None else b.text
    if a is None:
        how = f"{target} per {base}: {b_text}"
    elif b is None:
        how = f"{base} per {source} = 1 / ({a_text})"
    else:
        how = f"cross rate via {base}: ({b_text}) / ({a_text})"
    note = f"{how} = {value:.6g} {target}/{source}; annual average {year}"
    legs = {
        "from_source": "" if a is None else a.row.citation.id,
        "to_source": "" if b is None else b.row.citation.id,
    }
    return dataclasses.replace(
        anchor,
        table="rates",
        key={"from": source, "to": target},
        value=value,
        unit=f"{target}/{source}",
        region=anchor.region if b is not None else (a.row.region if a else anchor.region),
        low=None,
        high=None,
        note=note,
        extra={k: v for k, v in legs.items() if v},
    )


def convert_currency(
    amount: float,
    from_currency: str,
    to_currency: str,
    year: int,
    library: ReferenceLibrary | None = None,
) -> CurrencyConversion:
    """Convert ``amount`` at the annual average rate of ``year``; the result names the rate."""
    rate = exchange_rate(from_currency, to_currency, year, library)
    return CurrencyConversion(
        amount=amount * rate.value,
        currency=to_currency.strip().upper(),
        source_amount=amount,
        source_currency=from_currency.strip().upper(),
        year=year,
        rate=rate,
    )

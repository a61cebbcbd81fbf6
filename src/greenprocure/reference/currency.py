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

__all__ = ["CurrencyConversion", "convert_currency", "currencies", "exchange_rate"]


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


def currencies(library: ReferenceLibrary | None = None) -> list[str]:
    """ISO 4217 codes with at least one rate (the base currency included), sorted."""
    table = _library(library).table("fx", "rates")
    codes = set(table.values("currency"))
    codes.update(f.unit.split("/", 1)[1] for f in table.factors)
    return sorted(codes)


def _per_base(code: str, year: int, library: ReferenceLibrary) -> Factor | None:
    """Units of ``code`` per base currency in ``year``; None when ``code`` is the base."""
    table = library.table("fx", "rates")
    bases = {f.unit.split("/", 1)[1] for f in table.factors}
    if code in bases:
        return None
    rows = table.find(currency=code)
    if not rows:
        raise FactorNotFoundError(
            N_("no exchange rate for {currency}; available: {available}"),
            currency=code,
            available=", ".join(currencies(library)),
        )
    for row in rows:
        if row.period_start is not None and row.period_start <= year <= (row.period_end or year):
            return row
    raise FactorNotFoundError(
        N_("no exchange rate for {currency} in {year}; available: {available}"),
        currency=code,
        year=year,
        available=", ".join(sorted({f.period for f in rows if f.period})),
    )


def exchange_rate(
    from_currency: str, to_currency: str, year: int, library: ReferenceLibrary | None = None
) -> Factor:
    """Annual average rate of ``year``: units of ``to_currency`` per ``from_currency``."""
    lib = _library(library)
    source = from_currency.strip().upper()
    target = to_currency.strip().upper()
    a = _per_base(source, year, lib)
    b = _per_base(target, year, lib)
    if a is None and b is None:
        # Both are the base currency: the identity, still tied to the table's source.
        anchor = lib.table("fx", "rates").factors[0]
        return dataclasses.replace(
            anchor,
            key={"from": source, "to": target},
            value=1.0,
            unit=f"{target}/{source}",
            period_start=year,
            period_end=year,
            note="same currency: rate 1",
            low=None,
            high=None,
            extra={},
        )
    if a is None:
        assert b is not None
        return dataclasses.replace(
            b,
            key={"from": source, "to": target},
            note=f"{target} per {source}, annual average {b.period}" + _tail(b),
        )
    if b is None:
        return dataclasses.replace(
            a,
            key={"from": source, "to": target},
            value=1.0 / a.value,
            unit=f"{target}/{source}",
            low=None,
            high=None,
            note=f"inverse of {a.value:g} {a.unit}, annual average {a.period}" + _tail(a),
        )
    value = b.value / a.value
    return dataclasses.replace(
        b,
        key={"from": source, "to": target},
        value=value,
        unit=f"{target}/{source}",
        low=None,
        high=None,
        note=(
            f"cross rate computed: ({b.value:g} {b.unit}) / ({a.value:g} {a.unit}) = "
            f"{value:.6g} {target}/{source}, annual averages {b.period}" + _tail(b)
        ),
        extra={},
    )


def _tail(factor: Factor) -> str:
    return f"; {factor.note}" if factor.note else ""


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

"""Converting lot values to the reporting currency with the reference exchange rates.

Rates come from :func:`greenprocure.reference.convert_currency` (annual averages, cited,
versioned). One conversion per (currency, year) is looked up and then reused, so a national
dataset costs a handful of look-ups. Every rate used is written in the row's ``fx_note``
(``"MXN->EUR 2019: 0.0464 (fx@1.0.0)"``). A code that is no currency at all (not one of the
codes of CLDR, the Unicode Common Locale Data Repository, as Babel ships it: ISO 4217's
current and former codes) raises :class:`~greenprocure.errors.ValidationError`, which the row
builder turns into a :class:`~greenprocure.monitoring.rows.RecordError` for that record. A
real currency without a rate that year (e.g. the Paraguayan guaraní, for which the reference
rates have none) is not converted: the record's lots are counted, their converted values
stay empty and the note says so; no rate of another year is substituted.
"""

from __future__ import annotations

from functools import cache

from greenprocure.errors import FactorNotFoundError, ValidationError
from greenprocure.i18n import N_
from greenprocure.reference.library import ReferenceLibrary

__all__ = ["CurrencyConverter", "world_currencies"]


@cache
def world_currencies() -> frozenset[str]:
    """The currency codes CLDR knows (Babel's copy: ISO 4217's current and former codes),
    without ``XXX`` (no currency) and ``XTS`` (reserved for tests)."""
    from babel.numbers import list_currencies

    return frozenset(code for code in list_currencies() if code not in ("XXX", "XTS"))


class CurrencyConverter:
    """Converts amounts to ``reporting_currency`` and remembers each rate it used."""

    __slots__ = ("_cache", "_known", "_library", "reporting_currency")

    def __init__(self, reporting_currency: str = "EUR", library: ReferenceLibrary | None = None):
        self.reporting_currency = reporting_currency.strip().upper()
        self._library = library
        self._cache: dict[tuple[str, int], tuple[float | None, str]] = {}
        self._known: frozenset[str] | None = None

    def _is_known(self, code: str) -> bool:
        if self._known is None:
            from greenprocure.reference import currencies

            self._known = frozenset(currencies(self._library)) | world_currencies()
        return code in self._known

    def check(self, currency: str) -> None:
        """Raise :class:`ValidationError` unless ``currency`` is a currency code (one the
        reference rates convert, or any other CLDR knows)."""
        code = currency.strip().upper()
        if code != self.reporting_currency and (
            len(code) != 3 or not code.isalpha() or not self._is_known(code)
        ):
            raise ValidationError(
                N_("unknown currency {currency}"), field="currency", currency=currency
            )

    def rate(self, currency: str, year: int) -> tuple[float | None, str]:
        """Units of the reporting currency per unit of ``currency`` in ``year``, and its note.

        The rate is ``None`` when the currency is known but has no rate for ``year``.
        """
        key = (currency, year)
        found = self._cache.get(key)
        if found is not None:
            return found
        self.check(currency)
        code = currency.strip().upper()
        if code == self.reporting_currency:
            found = (1.0, "")
        else:
            from greenprocure.reference import convert_currency

            try:
                conversion = convert_currency(
                    1.0, code, self.reporting_currency, year, library=self._library
                )
            except FactorNotFoundError:
                found = (None, f"{code}->{self.reporting_currency} {year}: no rate, not converted")
            else:
                found = (
                    conversion.amount,
                    f"{code}->{self.reporting_currency} {year}: {conversion.amount:.6g} "
                    f"({conversion.rate.dataset})",
                )
        self._cache[key] = found
        return found

    def convert(self, amount: float, currency: str, year: int) -> tuple[float | None, str]:
        """``amount`` in the reporting currency (None: no rate that year) and the rate's note."""
        rate, note = self.rate(currency, year)
        return (None if rate is None else amount * rate), note

"""Locale-correct numbers, percentages, money, dates and quantities, through Babel.

Each function formats for the language in force (see :mod:`greenprocure.i18n.languages`)
unless a language is passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import dates, numbers

from greenprocure.i18n.languages import BABEL_LOCALES, get_language, normalize_language

__all__ = [
    "babel_locale",
    "colon",
    "comma",
    "format_currency",
    "format_date",
    "format_datetime",
    "format_list",
    "format_month",
    "format_number",
    "format_percent",
    "format_quantity",
    "semicolon",
]

Number = int | float | Decimal


def babel_locale(lang: str | None = None) -> str:
    """The Babel locale for a language (default: the one in force)."""
    return BABEL_LOCALES[normalize_language(lang) if lang else get_language()]


def format_number(value: Number, digits: int | None = None, lang: str | None = None) -> str:
    """A number with the locale's grouping; ``digits`` fixes the decimals shown."""
    locale = babel_locale(lang)
    if digits is None:
        return numbers.format_decimal(value, locale=locale)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return numbers.format_decimal(value, format=pattern, locale=locale)


def format_percent(value: Number, digits: int = 1, lang: str | None = None) -> str:
    """A fraction (0.25) as a percentage in the locale's style (25.0%)."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return numbers.format_percent(value, format=pattern, locale=babel_locale(lang))


def format_currency(
    value: Number, currency: str, lang: str | None = None, digits: int | None = None
) -> str:
    """Money in the locale's style; the currency's own decimals unless ``digits`` is given."""
    locale = babel_locale(lang)
    if digits is None:
        return numbers.format_currency(value, currency, locale=locale)
    return _currency_with_digits(value, currency, locale, digits)


def _currency_with_digits(value: Number, currency: str, locale: str, digits: int) -> str:
    from babel import Locale

    pattern = numbers.parse_pattern(Locale.parse(locale).currency_formats["standard"].pattern)
    pattern.frac_prec = (digits, digits)
    return str(pattern.apply(value, locale, currency=currency, currency_digits=False))


def format_date(value: dt.date, lang: str | None = None, style: str = "medium") -> str:
    """A date in the locale's style (2024年3月5日, 2024. 3. 5., Mar 5, 2024)."""
    return dates.format_date(value, format=style, locale=babel_locale(lang))


def format_datetime(value: dt.datetime, lang: str | None = None, style: str = "medium") -> str:
    """A date and time in the locale's style (Korean with 오전/오후, as it is written:
    CLDR's short form of the day period in Korean is "AM"/"PM")."""
    from babel import Locale

    locale = Locale.parse(babel_locale(lang))
    if locale.language != "ko" or style not in locale.time_formats:
        return dates.format_datetime(value, format=style, locale=locale)
    time_pattern = locale.time_formats[style].pattern.replace("a", "aaaa")
    time = dates.format_time(value, time_pattern, locale=locale)
    day = dates.format_date(value, format=style, locale=locale)
    return str(locale.datetime_formats[style]).replace("{1}", day).replace("{0}", time)


def format_territory(code: str, lang: str | None = None) -> str:
    """A country's name in the language, from its ISO 3166 alpha-2 code (CLDR, through
    Babel: 中国, 중국, China); a code CLDR does not know, as it is."""
    from babel import Locale

    return str(Locale.parse(babel_locale(lang)).territories.get(code.upper(), code))


def format_month(year: int, month: int, lang: str | None = None) -> str:
    """A month of a year in the locale's style (Aug 2019, 2019年8月, 2019년 8월)."""
    return dates.format_skeleton("yMMM", dt.date(year, month, 1), locale=babel_locale(lang))


def format_list(items: list[str], lang: str | None = None) -> str:
    """Items joined as the locale writes a list (a, b and c; a、b和c; a、b、c; a, b 및 c)."""
    from babel.lists import format_list as babel_list

    return babel_list(items, locale=babel_locale(lang)) if items else ""


#: The colon after a label, and the comma between parts of one line: full-width in Chinese
#: and Japanese (no space follows a full-width mark), ASCII with a space in English and
#: Korean.
_COLONS = {"zh_Hans": "：", "ja": "："}
_COMMAS = {"zh_Hans": "，", "ja": "、"}
_SEMICOLONS = {"zh_Hans": "；", "ja": "；"}


def _mark(marks: dict[str, str], default: str, lang: str | None) -> str:
    return marks.get(normalize_language(lang) if lang else get_language(), default)


def colon(lang: str | None = None) -> str:
    """The colon that ends a label, as the language writes it (``": "``, ``"："``)."""
    return _mark(_COLONS, ": ", lang)


def comma(lang: str | None = None) -> str:
    """The comma between the parts of a line, as the language writes it (``", "``, ``"、"``)."""
    return _mark(_COMMAS, ", ", lang)


def semicolon(lang: str | None = None) -> str:
    """The mark between items that may hold commas themselves (``"; "``, ``"；"``)."""
    return _mark(_SEMICOLONS, "; ", lang)


def format_quantity(
    value: Number, unit: str, digits: int | None = None, lang: str | None = None
) -> str:
    """A number followed by its unit symbol (``1,234.5 kg/kWh``)."""
    return f"{format_number(value, digits, lang)} {unit}"

"""Internationalisation: gettext catalogs for en, zh_Hans, ko, ja and Babel formatting.

Use ``_`` (alias of :func:`gettext`) for every user-facing string, ``N_`` to mark a string
that is translated later (error templates, table headers defined at import time), and the
``format_*`` functions for numbers, money and dates.
"""

from greenprocure.i18n.catalog import N_, catalog, catalog_files, gettext, ngettext
from greenprocure.i18n.formatting import (
    babel_locale,
    colon,
    comma,
    format_currency,
    format_date,
    format_datetime,
    format_list,
    format_month,
    format_number,
    format_percent,
    format_quantity,
    format_territory,
    semicolon,
)
from greenprocure.i18n.languages import (
    BABEL_LOCALES,
    LANGUAGES,
    detect_language,
    get_language,
    normalize_language,
    set_language,
    use_language,
)

_ = gettext

__all__ = [
    "BABEL_LOCALES",
    "LANGUAGES",
    "N_",
    "_",
    "babel_locale",
    "catalog",
    "catalog_files",
    "colon",
    "comma",
    "detect_language",
    "format_currency",
    "format_date",
    "format_datetime",
    "format_list",
    "format_month",
    "format_number",
    "format_percent",
    "format_quantity",
    "format_territory",
    "get_language",
    "gettext",
    "ngettext",
    "normalize_language",
    "semicolon",
    "set_language",
    "use_language",
]

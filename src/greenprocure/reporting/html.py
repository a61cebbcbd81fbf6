"""HTML rendering: one Jinja2 environment wired to GreenProcure's gettext and Babel formatting.

Templates live in ``reporting/templates`` and extend ``base.html`` (print-friendly CSS, a
CJK font stack chosen by the document language, ``<html lang>`` set). Inside a template:

- ``{{ _("Ranked {count} bids", count=n) }}`` translates, then fills ``{placeholders}`` with
  :meth:`str.format` (the project's placeholder style); ``{% trans %}`` blocks work too.
- ``{{ value|number(2) }}``, ``{{ value|money("EUR") }}``, ``{{ 0.25|percent }}``,
  ``{{ day|date }}``, ``{{ value|quantity("kWh", 1) }}`` format for the language in force.

Output is auto-escaped; an inline SVG from :func:`greenprocure.reporting.chart_svg` is marked
safe with ``|safe``. The environment is built once; the language is read when a message or a
number is rendered, so one environment serves all four languages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import jinja2

from greenprocure import __version__
from greenprocure.i18n import (
    format_currency,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_quantity,
    get_language,
    gettext,
    ngettext,
    use_language,
)

__all__ = ["HTML_LANG", "environment", "render_html", "translate"]

#: The ``lang`` attribute (BCP 47) of a document in each catalog language.
HTML_LANG: Mapping[str, str] = {"en": "en", "zh_Hans": "zh-Hans", "ko": "ko", "ja": "ja"}

Number = int | float | Decimal


def translate(message: str, **params: Any) -> str:
    """Translate ``message`` and fill its ``{placeholders}`` (none given: returned as is)."""
    text = gettext(message)
    return text.format(**params) if params else text


def _number(value: Number | None, digits: int | None = None) -> str:
    return "" if value is None else format_number(value, digits)


def _money(value: Number | None, currency: str, digits: int | None = None) -> str:
    return "" if value is None else format_currency(value, currency, digits=digits)


def _percent(value: Number | None, digits: int = 1) -> str:
    return "" if value is None else format_percent(value, digits)


def _date(value: dt.date | dt.datetime | str | None, style: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return format_datetime(value, style=style)
    return format_date(value, style=style)


def _quantity(value: Number | None, unit: str, digits: int | None = None) -> str:
    return "" if value is None else format_quantity(value, unit, digits)


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment (templates of ``greenprocure.reporting``, autoescaped)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("greenprocure.reporting", "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=False
    )
    env.globals["_"] = translate
    env.globals["generator_version"] = __version__
    env.filters["number"] = _number
    env.filters["money"] = _money
    env.filters["percent"] = _percent
    env.filters["date"] = _date
    env.filters["quantity"] = _quantity
    return env


def render_html(template_name: str, context: Mapping[str, Any], lang: str | None = None) -> str:
    """Render a template of ``reporting/templates`` in ``lang`` (default: the one in force).

    The context gets ``lang`` (catalog name), ``html_lang`` (BCP 47) and ``generated_on``
    (today, unless the caller gives one) in addition to what the caller passes.
    """
    with use_language(lang or get_language()) as current:
        values: dict[str, Any] = {
            "lang": current,
            "html_lang": HTML_LANG[current],
            "generated_on": dt.date.today(),
        }
        values.update(context)
        return environment().get_template(template_name).render(values)

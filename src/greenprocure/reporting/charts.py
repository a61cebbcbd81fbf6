"""Charts as inline SVG: an Altair (Vega-Lite) chart rendered offline by vl-convert.

The SVG goes straight into an HTML report, which therefore needs no JavaScript, no network and
no external file. Numbers on axes follow the language of the report (d3-format locales), text
uses the same CJK font stack as the HTML, and data URLs are refused (``allowed_base_urls=[]``):
a chart only shows the data inlined in its spec.

For assistive technology a chart is one image named by its caller's description, in the
report's language: Vega labels each axis, legend and mark in English ("X-axis titled ...",
"line mark container"), so those labels are taken out and the figures are left to the
report's tables.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any, Literal

import vl_convert

from greenprocure.i18n import get_language, normalize_language

__all__ = ["CHART_FONT", "chart_font", "chart_svg"]

#: Font family used for chart text: Latin first, then CJK fonts per script (Chinese first;
#: :func:`chart_font` puts the report's own script first).
CHART_FONT = (
    "'Noto Sans', 'Helvetica Neue', Arial, 'Noto Sans CJK SC', 'Noto Sans CJK KR', "
    "'Noto Sans CJK JP', 'Source Han Sans', 'PingFang SC', 'Malgun Gothic', "
    "'Hiragino Sans', 'Yu Gothic', sans-serif"
)

#: The CJK fonts of each language, put first for its reports: the same character (a kanji,
#: a hanja) is drawn as each language writes it.
_OWN_FONTS: Mapping[str, tuple[str, ...]] = {
    "ko": ("'Noto Sans CJK KR'", "'Malgun Gothic'"),
    "ja": ("'Noto Sans CJK JP'", "'Hiragino Sans'", "'Yu Gothic'"),
}


def chart_font(lang: str) -> str:
    """:data:`CHART_FONT` with the fonts of ``lang``'s script before the other CJK fonts."""
    own = _OWN_FONTS.get(lang, ())
    families = [f.strip() for f in CHART_FONT.split(",")]
    latin = families[:3]
    rest = [f for f in families[3:] if f not in own]
    return ", ".join([*latin, *own, *rest])


D3Locale = Literal["en-US", "zh-CN", "ko-KR", "ja-JP"]
_D3_LOCALES: Mapping[str, D3Locale] = {
    "en": "en-US",
    "zh_Hans": "zh-CN",
    "ko": "ko-KR",
    "ja": "ja-JP",
}


#: The ARIA attributes Vega writes (in English) on the elements of a chart.
_VEGA_ARIA = re.compile(r'\s(?:aria-[a-z]+|role)="[^"]*"')
#: An SVG tag (its attribute values may hold ">").
_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')


def chart_svg(chart: Any, lang: str | None = None, *, description: str) -> str:
    """Render an Altair chart (or a Vega-Lite dict) to a standalone ``<svg>`` string.

    ``lang`` picks the number and date format of axes (default: the language in force);
    ``description`` (translated) names the chart for assistive technology: the ``<svg>``
    is an image with that label, and Vega's English labels of its parts are removed.
    """
    spec: dict[str, Any] = dict(chart) if isinstance(chart, Mapping) else chart.to_dict()
    current = normalize_language(lang) if lang else get_language()
    locale = _D3_LOCALES[current]
    config = {"font": chart_font(current)}
    svg: str = vl_convert.vegalite_to_svg(
        spec,
        config=config,
        format_locale=locale,
        time_format_locale=locale,
        allowed_base_urls=[],
    )
    start = svg.find("<svg")
    # in the tags only: Vega does not escape quotes in text, which could read like one
    body = _TAG.sub(lambda tag: _VEGA_ARIA.sub("", tag[0]), svg[start:] if start > 0 else svg)
    label = html.escape(description, quote=True)
    return body.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)

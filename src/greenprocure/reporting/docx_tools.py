"""Word documents with python-docx: a document set up for the report language, tables, bytes.

python-docx leaves the East Asian font of a run to Word's defaults, which on many systems
renders Chinese, Korean and Japanese in a fallback font; :func:`new_document` therefore sets
the ``w:eastAsia`` font of the default styles to a font of the language's script and the
document language, so that the text is shaped and hyphenated correctly.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from greenprocure.i18n import get_language, normalize_language

__all__ = [
    "EAST_ASIAN_FONTS",
    "add_key_values",
    "add_table",
    "document_bytes",
    "new_document",
]

#: East Asian font per language (Latin text keeps the Latin font).
EAST_ASIAN_FONTS: Mapping[str, str] = {
    "en": "Noto Sans CJK SC",
    "zh_Hans": "Noto Sans CJK SC",
    "ko": "Noto Sans CJK KR",
    "ja": "Noto Sans CJK JP",
}
_WORD_LANG: Mapping[str, str] = {"en": "en-GB", "zh_Hans": "zh-CN", "ko": "ko-KR", "ja": "ja-JP"}
_LATIN_FONT = "Calibri"


def _set_fonts(style: Any, lang: str) -> None:
    style.font.name = _LATIN_FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONTS[lang])
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = rpr.makeelement(qn("w:lang"), {})
        rpr.append(language)
    language.set(qn("w:val"), _WORD_LANG["en"])
    language.set(qn("w:eastAsia"), _WORD_LANG[lang])


def new_document(lang: str | None = None, title: str | None = None) -> Any:
    """An A4 document with 2 cm margins, fonts and language set for ``lang``."""
    current = normalize_language(lang) if lang else get_language()
    document = Document()
    for section in document.sections:
        section.page_height = Cm(29.7)
        section.page_width = Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        try:
            _set_fonts(document.styles[name], current)
        except KeyError:
            continue
    document.styles["Normal"].font.size = Pt(10)
    if title:
        document.core_properties.title = title
    document.core_properties.language = _WORD_LANG[current]
    return document


def add_table(
    document: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    numeric: Sequence[bool] | None = None,
) -> Any:
    """A grid table with a bold, repeating header row; ``numeric`` columns right-aligned."""
    materialised = [list(row) for row in rows]
    table = document.add_table(rows=1 + len(materialised), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(repeat)
    for index, text in enumerate(headers):
        cell = header.cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
    for row_index, row in enumerate(materialised, start=1):
        cells = table.rows[row_index].cells
        for index, value in enumerate(row):
            paragraph = cells[index].paragraphs[0]
            paragraph.add_run("" if value is None else str(value))
            if numeric and index < len(numeric) and numeric[index]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def add_key_values(document: Any, pairs: Iterable[tuple[str, Any]]) -> Any:
    """A two-column table of labels (bold) and values, for parameters and metadata."""
    items = [(label, "" if value is None else str(value)) for label, value in pairs]
    table = document.add_table(rows=len(items), cols=2)
    table.style = document.styles["Table Grid"]
    for index, (label, value) in enumerate(items):
        left, right = table.rows[index].cells
        left.text = ""
        left.paragraphs[0].add_run(label).bold = True
        right.text = value
    return table


def document_bytes(document: Any) -> bytes:
    """The ``.docx`` file as bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""Renderers: HTML, XLSX, DOCX and charts, from result objects, in the four languages.

Reporting knows result objects, never how they were computed. The shared base:

- :func:`render_html` renders a template of ``reporting/templates`` (all extend
  ``base.html``) with the i18n extension and the ``number``/``money``/``percent``/``date``/
  ``quantity`` filters;
- :func:`chart_svg` turns an Altair chart into inline SVG (offline, self-contained HTML);
- ``docx_tools`` and ``xlsx_tools`` hold the Word and Excel helpers.

Reports: :func:`evaluation_html`, :func:`evaluation_docx`, :func:`evaluation_xlsx` render an
:class:`~greenprocure.evaluation.EvaluationResult` (the award report).
"""

from greenprocure.reporting.charts import chart_svg
from greenprocure.reporting.docx_tools import (
    add_key_values,
    add_table,
    document_bytes,
    new_document,
)
from greenprocure.reporting.evaluation_docx import evaluation_docx
from greenprocure.reporting.evaluation_html import evaluation_html
from greenprocure.reporting.evaluation_xlsx import evaluation_xlsx
from greenprocure.reporting.html import HTML_LANG, environment, render_html, translate
from greenprocure.reporting.impact_html import impact_html
from greenprocure.reporting.impact_xlsx import impact_template_xlsx, impact_xlsx
from greenprocure.reporting.xlsx_tools import (
    add_sheet,
    new_workbook,
    safe_sheet_title,
    set_cell,
    workbook_bytes,
)

__all__ = [
    "HTML_LANG",
    "add_key_values",
    "add_sheet",
    "add_table",
    "chart_svg",
    "document_bytes",
    "environment",
    "evaluation_docx",
    "evaluation_html",
    "evaluation_xlsx",
    "impact_html",
    "impact_template_xlsx",
    "impact_xlsx",
    "new_document",
    "new_workbook",
    "render_html",
    "safe_sheet_title",
    "set_cell",
    "translate",
    "workbook_bytes",
]

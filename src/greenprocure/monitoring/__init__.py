"""Monitoring of green public procurement from OCDS and eForms data.

Readers turn files into lot rows (:mod:`greenprocure.monitoring.rows`); engines aggregate
them into indicators.
"""

from greenprocure.monitoring.compile import compile_releases
from greenprocure.monitoring.green import GreenResult, detect_green
from greenprocure.monitoring.indicators import (
    IndicatorResult,
    IndicatorTable,
    IngestSummary,
    MonitoringReportData,
    indicator_sql,
)
from greenprocure.monitoring.lots import lot_rows
from greenprocure.monitoring.readers import Document, iter_documents, iter_notices
from greenprocure.monitoring.rows import ERROR_COLUMNS, LOT_COLUMNS, LotRow, RecordError

__all__ = [
    "ERROR_COLUMNS",
    "LOT_COLUMNS",
    "Document",
    "GreenResult",
    "IndicatorResult",
    "IndicatorTable",
    "IngestSummary",
    "LotRow",
    "MonitoringReportData",
    "RecordError",
    "compile_releases",
    "detect_green",
    "indicator_sql",
    "iter_documents",
    "iter_notices",
    "lot_rows",
]

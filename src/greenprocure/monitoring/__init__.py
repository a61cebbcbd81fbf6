"""Monitoring of green public procurement from OCDS and eForms data.

Readers turn files into lot rows (:mod:`greenprocure.monitoring.rows`); engines aggregate
them into indicators.
"""

from greenprocure.monitoring.indicators import (
    IndicatorResult,
    IndicatorTable,
    IngestSummary,
    MonitoringReportData,
    indicator_sql,
)
from greenprocure.monitoring.rows import ERROR_COLUMNS, LOT_COLUMNS, LotRow, RecordError

__all__ = [
    "ERROR_COLUMNS",
    "LOT_COLUMNS",
    "IndicatorResult",
    "IndicatorTable",
    "IngestSummary",
    "LotRow",
    "MonitoringReportData",
    "RecordError",
    "indicator_sql",
]

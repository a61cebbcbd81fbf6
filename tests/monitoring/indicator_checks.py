"""Comparison of two indicator results, value by value (shared by the differential tests)."""

from __future__ import annotations

import math

from greenprocure.monitoring.indicators import IndicatorResult

#: Every group key but cpv2 (its rows are those of cpv3 grouped).
ALL_KEYS = ["buyer", "country", "cpv3", "month", "procurement_method", "main_category"]


def assert_same(a: IndicatorResult, b: IndicatorResult) -> int:
    """Assert that ``a`` and ``b`` hold the same tables, rows and values (floats to a
    relative 1e-9); return how many rows were compared."""
    compared = 0
    for kind in ("tables", "totals"):
        for name, table in getattr(a, kind).items():
            other = getattr(b, kind)[name]
            assert table.columns == other.columns
            assert len(table.rows) == len(other.rows), (kind, name)
            for row, row_b in zip(table.records(), other.records(), strict=True):
                for column, value in row.items():
                    value_b = row_b[column]
                    if isinstance(value, float) and isinstance(value_b, float):
                        assert math.isclose(value, value_b, rel_tol=1e-9, abs_tol=1e-6), (
                            kind,
                            name,
                            column,
                            row,
                        )
                    else:
                        assert value == value_b, (kind, name, column, row, row_b)
                compared += 1
    return compared

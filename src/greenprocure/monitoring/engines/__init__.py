"""Engines: where lot rows are stored and indicators computed (DuckDB, Spark).

Every engine is a module with the same functions, so that the command line can switch
between them with ``--engine``:

``DEFAULT_STORE: Path``
    where the engine keeps its store unless told otherwise.
``ingest(paths, store, *, reporting_currency="EUR", errors_file=None, progress=None)``
    read files into the store (-> :class:`~greenprocure.monitoring.indicators.IngestSummary`);
    a file already stored (same content hash) adds nothing; each file is added whole or not
    at all; bad records go to the errors file (JSON Lines) and are counted.
``compute_indicators(store, by=())``
    every indicator grouped by ``by`` with totals
    (-> :class:`~greenprocure.monitoring.indicators.IndicatorResult`).
``indicators_from_compiled(paths, by=(), *, reporting_currency="EUR")``
    the fast path: the same indicators straight from compiled-release JSON Lines files.

DuckDB (:mod:`greenprocure.monitoring.engines.duckdb_engine`) is the embedded default;
the Spark engine (:mod:`greenprocure.monitoring.engines.spark_engine`) needs the ``spark`` extra
and is imported only when asked for.
"""

from greenprocure.monitoring.engines._common import (
    ENGINES,
    ProgressCallback,
    expand_inputs,
    load_engine,
    report_data,
)

__all__ = ["ENGINES", "ProgressCallback", "expand_inputs", "load_engine", "report_data"]

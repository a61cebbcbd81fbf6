"""The Spark session: one per process, its memory settings, and the JVM of an ingest."""

from __future__ import annotations

import os
from typing import Any

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def test_the_running_session_has_the_small_heap_and_the_lowered_reserve(spark: Any) -> None:
    from greenprocure.monitoring.engines import spark_engine

    conf = spark.sparkContext.getConf()
    # Spark would refuse a heap under 450 MiB with its own reserve of 300 MiB
    assert conf.get("spark.testing.reservedMemory") == str(150 * 1024 * 1024)
    assert conf.get("spark.driver.memory") == os.environ.get(
        "GREENPROCURE_SPARK_DRIVER_MEMORY", "384m"
    )
    assert spark_engine.spark_session() is spark
    # asked for an ingest once a session runs: the same session, not a second JVM
    assert spark_engine.spark_session(for_ingest=True) is spark


def test_a_session_started_to_ingest_gets_the_ingest_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("pyspark")
    from greenprocure.monitoring.engines import spark_engine

    started: list[bool] = []
    session = object()

    def start(for_ingest: bool) -> Any:
        started.append(for_ingest)
        return session

    monkeypatch.setattr(spark_engine, "_session", None)
    monkeypatch.setattr(spark_engine, "_start_session", start)
    assert spark_engine.spark_session(for_ingest=True) is session
    assert spark_engine.spark_session() is session
    assert started == [True]
    assert spark_engine._INGEST_JAVA_OPTIONS == ("-XX:TieredStopAtLevel=1",)

"""One Spark session for all Spark tests (local mode, started once per test process)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Any:
    """The Spark engine's session; skips when pyspark or Java is missing."""
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    if shutil.which("java") is None:
        pytest.skip("Java is needed for Spark")
    from greenprocure.monitoring.engines.spark_engine import spark_session

    return spark_session()

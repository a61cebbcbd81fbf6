"""Shared fixtures: paths to the shared real data, and a clean language per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from greenprocure.i18n import use_language

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GREENPROCURE_SHARED", ROOT.parent / "shared"))


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``: real public OCDS and eForms data (skips if absent)."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with use_language("en"):
        yield

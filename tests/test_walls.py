"""The walls of DESIGN.md, checked by import inspection of the source files."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "greenprocure"
PURE = ("reference", "criteria", "evaluation", "impact")
FORBIDDEN_FOR_PURE = (
    "greenprocure.store",
    "greenprocure.web",
    "greenprocure.cli",
    "greenprocure.reporting",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _files(area: str) -> list[Path]:
    return sorted((SRC / area).rglob("*.py"))


@pytest.mark.parametrize("area", PURE)
def test_domain_wings_do_not_import_adapters(area: str) -> None:
    for path in _files(area):
        bad = {m for m in _imports(path) if m.startswith(FORBIDDEN_FOR_PURE)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_pure_monitoring_does_not_import_adapters_or_engines() -> None:
    for path in _files("monitoring"):
        if "engines" in path.parts:
            continue
        imports = _imports(path)
        bad = {m for m in imports if m.startswith(FORBIDDEN_FOR_PURE)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_only_engines_know_duckdb_and_spark() -> None:
    for path in SRC.rglob("*.py"):
        if "engines" in path.relative_to(SRC).parts:
            continue
        bad = {m for m in _imports(path) if m.split(".")[0] in {"duckdb", "pyspark"}}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_only_store_knows_sqlalchemy() -> None:
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).parts[0] == "store":
            continue
        bad = {m for m in _imports(path) if m.split(".")[0] in {"sqlalchemy", "alembic"}}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_reporting_does_not_import_the_computing_wings() -> None:
    computing = (
        "greenprocure.evaluation.",
        "greenprocure.impact.",
        "greenprocure.monitoring.engines",
    )
    for path in _files("reporting"):
        for module in _imports(path):
            # Result types are public names of the wing packages; internal modules are not.
            assert not module.startswith(computing), f"{path.relative_to(SRC)} imports {module}"

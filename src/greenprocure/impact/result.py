"""The result of a quantification: figures per line and in total, each explainable.

:func:`quantify` is the one domain function the CLI and the web call. Its
:class:`ImpactResult` holds the figures as columns (so a million lines stay cheap) and builds
per-line views (:meth:`ImpactResult.lines`) and audit trails (:meth:`ImpactResult.audit`) on
demand.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from greenprocure.impact.engine import GroupResult, quantify_batches
from greenprocure.impact.equivalences import Equivalence, equivalences_for
from greenprocure.impact.model import (
    METRICS,
    FactorUse,
    FigureAudit,
    ImpactSettings,
    LineProblem,
)
from greenprocure.impact.register import Register
from greenprocure.reference import ReferenceLibrary, default_library

__all__ = ["Figure", "ImpactResult", "LineResult", "quantify"]


@dataclass(frozen=True)
class Figure:
    """A figure with its range: ``low <= value <= high`` (equal when factors give no range)."""

    value: float
    low: float
    high: float
    unit: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "unit": self.unit}


def _unit(unit: str, currency: str | None) -> str:
    return (currency or "") if unit == "currency" else unit


@dataclass(frozen=True)
class LineResult:
    """The figures of one purchase line."""

    row: str
    id: str
    group: str
    figures: dict[str, Figure]
    failed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "id": self.id,
            "group": self.group,
            "failed": self.failed,
            "figures": {k: v.to_dict() for k, v in self.figures.items()},
        }


@dataclass(frozen=True)
class ImpactResult:
    """Figures per line and in total, problems, equivalences and the datasets used."""

    source: str
    settings: ImpactSettings
    currency: str | None
    groups: tuple[GroupResult, ...]
    problems: tuple[LineProblem, ...]
    totals: dict[str, Figure]
    by_group: dict[str, dict[str, Figure]]
    equivalences: tuple[Equivalence, ...]
    datasets: dict[str, str]

    @property
    def line_count(self) -> int:
        return sum(g.batch.size for g in self.groups)

    def lines(self) -> Iterator[LineResult]:
        """Every line, in group order, with its figures."""
        for group in self.groups:
            ids = group.batch.text("id") if "id" in group.batch.texts else None
            for i in range(group.batch.size):
                figures = {
                    m.name: Figure(
                        float(group.central[m.name][i]),
                        float(group.low[m.name][i]),
                        float(group.high[m.name][i]),
                        _unit(m.unit, self.currency),
                    )
                    for m in METRICS
                    if m.name in group.central and not math.isnan(group.central[m.name][i])
                }
                yield LineResult(
                    row=group.batch.labels[i],
                    id="" if ids is None else str(ids[i]),
                    group=group.model.group,
                    figures=figures,
                    failed=bool(group.failed[i]),
                )

    def audit(self, row: str) -> tuple[FigureAudit, ...]:
        """How every figure of the line ``row`` (e.g. ``row 5``) was computed."""
        for group in self.groups:
            if row in group.batch.labels:
                return _audit(group, group.batch.labels.index(row), self)
        raise KeyError(row)

    def to_dict(self, *, lines: bool = True, audit: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "settings": self.settings.to_dict(),
            "currency": self.currency,
            "line_count": self.line_count,
            "totals": {k: v.to_dict() for k, v in self.totals.items()},
            "by_group": {
                g: {k: v.to_dict() for k, v in figures.items()}
                for g, figures in self.by_group.items()
            },
            "equivalences": [e.to_dict() for e in self.equivalences],
            "problems": [p.to_dict() for p in self.problems],
            "datasets": dict(self.datasets),
            "precision": {g.model.group: g.model.precision for g in self.groups},
        }
        if lines:
            rows = []
            for line in self.lines():
                item = line.to_dict()
                if audit and not line.failed:
                    item["audit"] = [a.to_dict() for a in self.audit(line.row)]
                rows.append(item)
            out["lines"] = rows
        return out


def _audit(group: GroupResult, i: int, result: ImpactResult) -> tuple[FigureAudit, ...]:
    model = group.model
    batch = group.batch
    audits = []
    for metric in METRICS:
        if metric.name not in group.central or math.isnan(group.central[metric.name][i]):
            continue
        inputs: dict[str, tuple[Any, str]] = {}
        for name in model.inputs_of(metric.name):
            if name in batch.numbers:
                value = float(batch.numbers[name][i])
                if math.isnan(value):
                    continue
                unit = model.field(name).unit if name in {f.name for f in model.fields} else ""
                if "{" in unit:
                    keys = {k: str(batch.text(k)[i]) for k in batch.texts}
                    unit = unit.replace("{currency}", keys.get("currency", "")).format(**keys)
                if model.field(name).units:
                    unit = f"{batch.text(model.field(name).basis_field)[i]}/(100 km)"
                inputs[name] = (value, unit)
            elif name in batch.texts:
                inputs[name] = (str(batch.text(name)[i]), "")
        if "annuity" in model.formulas.get(metric.name, ""):
            inputs["discount_rate"] = (result.settings.discount_rate, "")
        factors: list[FactorUse] = []
        for name in model.inputs_of(metric.name):
            column = group.factors.get(name)
            if column is None:
                continue
            slot = int(column.index[i])
            if slot >= 0:
                factors.append(column.uses[slot])
            elif slot == -1:
                factors.append(FactorUse(name, float(column.value[i]), column.spec.unit))
        if metric.name.startswith("money") and group.money_index[i] >= 0:
            factors.append(group.money_uses[int(group.money_index[i])])
        audits.append(
            FigureAudit(
                metric=metric.name,
                value=float(group.central[metric.name][i]),
                unit=_unit(metric.unit, result.currency),
                low=float(group.low[metric.name][i]),
                high=float(group.high[metric.name][i]),
                formula=model.formulas.get(metric.name)
                or (
                    "energy_kwh / 11630 (1 toe = 41.868 GJ)" if metric.name == "energy_toe" else ""
                ),
                inputs=inputs,
                factors=tuple(factors),
            )
        )
    return tuple(audits)


def _sum(groups: list[GroupResult], metric: str, unit: str) -> Figure | None:
    present = [g for g in groups if metric in g.central and not np.isnan(g.central[metric]).all()]
    if not present:
        return None
    return Figure(
        float(sum(np.nansum(g.central[metric]) for g in present)),
        float(sum(np.nansum(g.low[metric]) for g in present)),
        float(sum(np.nansum(g.high[metric]) for g in present)),
        unit,
    )


def quantify(
    register: Register,
    settings: ImpactSettings,
    library: ReferenceLibrary | None = None,
) -> ImpactResult:
    """Quantify every line of a validated register (see :mod:`greenprocure.impact.engine`)."""
    groups, problems, currency = quantify_batches(register, settings, library)
    totals: dict[str, Figure] = {}
    by_group: dict[str, dict[str, Figure]] = {}
    for metric in METRICS:
        unit = _unit(metric.unit, currency)
        total = _sum(groups, metric.name, unit)
        if total is not None:
            totals[metric.name] = total
        for group in groups:
            figure = _sum([group], metric.name, unit)
            if figure is not None:
                by_group.setdefault(group.model.group, {})[metric.name] = figure
    lib = library if library is not None else default_library()
    co2e = totals.get("co2e_period")
    found = equivalences_for(co2e.value if co2e else 0.0, lib)
    return ImpactResult(
        source=register.source,
        settings=settings,
        currency=currency,
        groups=tuple(groups),
        problems=tuple(problems),
        totals=totals,
        by_group=by_group,
        equivalences=found,
        datasets=lib.versions(),
    )

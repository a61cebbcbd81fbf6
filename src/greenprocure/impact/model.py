"""Typed inputs and results of impact quantification.

A purchase line is quantified by one :class:`ImpactModel` (one module per product group).
Each figure it produces is one of the :data:`METRICS`; every figure of every line can be
explained by :meth:`ImpactResult.audit`: the formula, every input with its unit and every
factor with its source and dataset version.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from greenprocure.i18n import N_
from greenprocure.reference import Factor, ReferenceLibrary

__all__ = [
    "METRICS",
    "METRIC_NAMES",
    "FactorSpec",
    "FactorUse",
    "Field",
    "FigureAudit",
    "ImpactModel",
    "ImpactSettings",
    "LineProblem",
    "Metric",
    "annuity",
    "common_fields",
    "finite",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Metric:
    """One kind of figure: its key, a translatable label and its unit."""

    name: str
    label: str
    unit: str


#: Every figure a model can produce, in display order. All are savings versus the baseline
#: (positive = the green purchase is better), except where the label says otherwise.
METRICS: tuple[Metric, ...] = (
    Metric("co2e_annual", N_("CO2e avoided per year"), "t"),
    Metric("co2e_period", N_("CO2e avoided over the period"), "t"),
    Metric("energy_kwh", N_("Energy saved over the period"), "kWh"),
    Metric("energy_toe", N_("Energy saved over the period (toe)"), "toe"),
    Metric("ods_kg", N_("Ozone-depleting substances eliminated"), "kg"),
    Metric("ods_odp_kg", N_("Ozone-depleting substances eliminated (ODP-weighted)"), "kg"),
    Metric("waste_t", N_("Waste diverted"), "t"),
    Metric("virgin_t", N_("Virgin material avoided"), "t"),
    Metric("water_m3", N_("Water saved"), "m3"),
    Metric("hazardous_kg", N_("Hazardous substances avoided"), "kg"),
    Metric("nox_kg", N_("NOx avoided over the period"), "kg"),
    Metric("pm_kg", N_("Particulates avoided over the period"), "kg"),
    Metric("money", N_("Money saved (undiscounted)"), "currency"),
    Metric("money_discounted", N_("Money saved (discounted)"), "currency"),
)
METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)


@dataclass(frozen=True)
class ImpactSettings:
    """The context of a quantification: where, when, which GWP basis, how money is discounted.

    ``country`` and ``year`` select grid factors when a line does not give its own;
    ``discount_rate`` is the annual real rate used for ``money_discounted`` (a user choice:
    3 % unless set); ``currency`` is the currency money is reported in (the first line's
    currency when not set).
    """

    country: str
    year: int
    gwp_basis: str = "AR5"
    discount_rate: float = 0.03
    currency: str | None = None
    grid_basis: str = "location"

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "year": self.year,
            "gwp_basis": self.gwp_basis,
            "discount_rate": self.discount_rate,
            "currency": self.currency,
            "grid_basis": self.grid_basis,
        }


@dataclass(frozen=True)
class Field:
    """One input column of a product group.

    ``unit`` is the canonical unit numbers are converted to (``""`` for text); ``units`` lists
    alternative canonical units of other dimensions (the vehicle consumption may be L, kWh,
    kg or m3 per 100 km) and ``basis_field`` names the derived text column that records which
    one a row used. ``choices`` restricts text values.
    """

    name: str
    label: str
    unit: str = ""
    required: bool = False
    default: float | str | None = None
    choices: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    basis_field: str = ""
    minimum: float | None = 0.0
    maximum: float | None = None

    @property
    def numeric(self) -> bool:
        return bool(self.unit or self.units)


@dataclass(frozen=True)
class FactorUse:
    """A factor as used for one line: the cited value, or a value the user gave."""

    name: str
    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    factor: Factor | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "low": self.low,
            "high": self.high,
        }
        if self.factor is not None:
            out["cited"] = self.factor.to_dict()
        else:
            out["cited"] = None
            out["given_by"] = "purchase register"
        return out


Resolver = Callable[[Mapping[str, str], ImpactSettings, ReferenceLibrary | None], Factor | float]


@dataclass(frozen=True)
class FactorSpec:
    """A factor a model needs.

    ``keys`` are the text columns (or ``country``/``year``) that select it; ``resolve`` looks
    it up in the reference library; ``override`` names the numeric column through which a
    line may give its own value instead. ``optional`` factors may be absent: the metrics
    that need them are then not produced (cleaning products: no CO2 claim without data).
    ``unit`` may name key columns in braces (``kg/{baseline_basis}``).
    """

    name: str
    unit: str
    keys: tuple[str, ...]
    resolve: Resolver
    label: str = ""
    override: str = ""
    optional: bool = False


@dataclass(frozen=True)
class FigureAudit:
    """How one figure of one line was computed: enough to redo it by hand."""

    metric: str
    value: float
    unit: str
    low: float
    high: float
    formula: str
    inputs: Mapping[str, tuple[Any, str]]
    factors: tuple[FactorUse, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "low": self.low,
            "high": self.high,
            "formula": self.formula,
            "inputs": {k: {"value": v, "unit": u} for k, (v, u) in self.inputs.items()},
            "factors": [f.to_dict() for f in self.factors],
        }


@dataclass(frozen=True)
class LineProblem:
    """A line that could not be quantified (reported, never silently dropped)."""

    row: str
    group: str
    message: str
    field: str | None = None
    error: Any = dataclasses.field(default=None, compare=False, repr=False)

    def localized(self) -> str:
        """The message in the current language."""
        return str(self.error.localized()) if self.error is not None else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "group": self.group, "field": self.field, "message": self.message}


Compute = Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ImpactModel:
    """One impact model: a product group, its input fields, factors, formulas and compute.

    ``compute(inputs, factors)`` receives numbers in the fields' canonical units and factors
    in their spec units, as numpy arrays (one element per line) or as plain floats (the
    per-line loop); it returns the metrics it produces, in :data:`METRICS` units, using only
    arithmetic and numpy ufuncs so that both work. ``formulas`` gives, per metric, the
    formula as a reader should redo it; ``sources`` names the method's source.
    """

    group: str
    title: str
    description: str
    fields: tuple[Field, ...]
    factors: tuple[FactorSpec, ...]
    formulas: Mapping[str, str]
    compute: Compute
    source: str
    precision: str = "activity"
    money_fields: tuple[str, ...] = ()
    claims_co2: bool = True

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(m for m in METRIC_NAMES if m in self.formulas)

    def inputs_of(self, metric: str) -> tuple[str, ...]:
        """Fields and factors named in a metric's formula."""
        formula = self.formulas.get(metric, "")
        names = [f.name for f in self.fields] + [f.name for f in self.factors]
        names += ["years", "quantity", "discount_rate", "annuity"]
        return tuple(dict.fromkeys(n for n in names if _mentions(formula, n)))


def _mentions(formula: str, name: str) -> bool:
    import re

    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", formula) is not None


def annuity(years: Any, rate: float) -> Any:
    """Present value of 1 per year for ``years`` years at ``rate``: (1-(1+r)^-T)/r, or T."""
    if rate == 0:
        return years
    return (1.0 - np.power(1.0 + rate, -np.asarray(years, dtype=float))) / rate


def finite(value: float) -> float:
    """``value``, or 0.0 where it is NaN (a metric a line does not produce)."""
    return 0.0 if value is None or math.isnan(value) else float(value)


def common_fields(
    quantity_unit: str, quantity_label: str, years: float | None = None
) -> tuple[Field, ...]:
    """Columns every product group has: identity, quantity, use period, place, currency."""
    return (
        Field("id", N_("Line identifier")),
        Field("description", N_("Description")),
        Field("quantity", quantity_label, unit=quantity_unit, required=True),
        Field("years", N_("Use period"), unit="year", required=years is None, default=years),
        Field("country", N_("Country (ISO code; default: the run's country)")),
        Field(
            "year",
            N_("Year of the factors (default: the run's year)"),
            "dimensionless",
            minimum=1900,
        ),
        Field("currency", N_("Currency of the money columns (ISO 4217)")),
    )

"""Quantify a validated purchase register: vectorised over lines, with an audit per figure.

For each product group the engine (1) resolves every factor once per distinct key (country
and year, gas, fuel, food ...) and broadcasts it to the lines, using a line's own value where
it gives one; (2) runs the model's formula on whole numpy columns three times, with the
factors' central, low and high values, giving low/central/high figures; (3) converts money
to the report currency and discounts it. A line whose factor cannot be found is reported in
``problems`` with the reason; it is never dropped silently and does not stop the others.

:func:`quantify_loop` computes the same totals line by line in plain Python: it is the
baseline of ``benchmarks/impact_bench.py`` and a cross-check in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from greenprocure import reference
from greenprocure.errors import GreenProcureError
from greenprocure.impact.model import (
    METRIC_NAMES,
    FactorSpec,
    FactorUse,
    ImpactModel,
    ImpactSettings,
    LineProblem,
    annuity,
)
from greenprocure.impact.register import GroupBatch, Register
from greenprocure.reference import Factor, ReferenceLibrary

__all__ = [
    "KWH_PER_TOE",
    "FactorColumn",
    "GroupResult",
    "quantify_batches",
    "quantify_loop",
    "report_currency",
]

KWH_PER_TOE = 11630.0  # 1 toe = 41.868 GJ (IEA/OECD) = 11 630 kWh
Floats = NDArray[np.float64]


@dataclass
class FactorColumn:
    """One factor broadcast to the lines of a group: values and which cited factor each used.

    ``index[i]`` points into ``uses``; -1 means the line gave the value itself, -2 that it
    could not be found (the line is in ``problems``).
    """

    spec: FactorSpec
    value: Floats
    low: Floats
    high: Floats
    index: NDArray[np.int64]
    uses: list[FactorUse]


@dataclass
class GroupResult:
    """Figures of the lines of one product group (central, low, high per metric)."""

    batch: GroupBatch
    central: dict[str, Floats]
    low: dict[str, Floats]
    high: dict[str, Floats]
    factors: dict[str, FactorColumn]
    failed: NDArray[np.bool_]
    money_rate: Floats
    money_uses: list[FactorUse]
    money_index: NDArray[np.int64]

    @property
    def model(self) -> ImpactModel:
        return self.batch.model


def _key_codes(
    batch: GroupBatch, name: str, settings: ImpactSettings
) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Category codes of a key column (text, or a number such as a year shown as text)."""
    if name in batch.texts:
        codes, categories = batch.texts[name]
        if name == "country":
            categories = tuple(c.upper() or settings.country for c in categories)
        return codes, categories
    values = batch.numbers[name].copy()
    if name == "year":
        values[np.isnan(values)] = settings.year
    uniques, codes = np.unique(values, return_inverse=True)
    labels = tuple(
        "" if np.isnan(u) else (str(int(u)) if float(u).is_integer() else str(u)) for u in uniques
    )
    return codes.astype(np.int64), labels


def _resolve(
    spec: FactorSpec,
    keys: Mapping[str, str],
    settings: ImpactSettings,
    library: ReferenceLibrary | None,
) -> FactorUse:
    found = spec.resolve(keys, settings, library)
    unit = spec.unit.format(**keys) if "{" in spec.unit else spec.unit
    if isinstance(found, Factor):
        value = found.to(unit) if found.unit != unit else found.value
        ratio = value / found.value if found.value else 1.0
        low = None if found.low is None else found.low * ratio
        high = None if found.high is None else found.high * ratio
        return FactorUse(spec.name, value, unit, low, high, found)
    return FactorUse(spec.name, float(found), unit)


def _factor_column(
    batch: GroupBatch,
    spec: FactorSpec,
    settings: ImpactSettings,
    library: ReferenceLibrary | None,
    failures: dict[tuple[str, GreenProcureError], list[int]],
) -> FactorColumn:
    size = batch.size
    value = np.full(size, np.nan)
    low = np.full(size, np.nan)
    high = np.full(size, np.nan)
    index = np.full(size, -2, dtype=np.int64)
    given = np.zeros(size, dtype=bool)
    if spec.override and spec.override in batch.numbers:
        override = batch.numbers[spec.override]
        given = ~np.isnan(override)
        value[given] = low[given] = high[given] = override[given]
        index[given] = -1
    need = np.flatnonzero(~given)
    uses: list[FactorUse] = []
    if need.size:
        coded = [_key_codes(batch, k, settings) for k in spec.keys]
        combined = np.zeros(need.size, dtype=np.int64)
        for codes, categories in coded:
            combined = combined * max(len(categories), 1) + codes[need]
        uniques, firsts, inverse = np.unique(combined, return_index=True, return_inverse=True)
        values = np.full(len(uniques), np.nan)
        lows = np.full(len(uniques), np.nan)
        highs = np.full(len(uniques), np.nan)
        slots = np.full(len(uniques), -2, dtype=np.int64)
        for position in range(len(uniques)):
            first = need[firsts[position]]
            keys = {k: coded[j][1][coded[j][0][first]] for j, k in enumerate(spec.keys)}
            try:
                use = _resolve(spec, keys, settings, library)
            except GreenProcureError as error:
                if not spec.optional:
                    rows = need[inverse == position]
                    failures.setdefault((spec.override or spec.name, error), []).extend(
                        rows.tolist()
                    )
                continue
            slots[position] = len(uses)
            uses.append(use)
            values[position] = use.value
            lows[position] = use.value if use.low is None else use.low
            highs[position] = use.value if use.high is None else use.high
        value[need] = values[inverse]
        low[need] = lows[inverse]
        high[need] = highs[inverse]
        index[need] = slots[inverse]
    return FactorColumn(spec, value, low, high, index, uses)


def _inputs(batch: GroupBatch) -> dict[str, Any]:
    x: dict[str, Any] = dict(batch.numbers)
    for name in batch.texts:
        x[name] = batch.text(name)
    return x


def _money_rates(
    batch: GroupBatch,
    currency: str | None,
    settings: ImpactSettings,
    library: ReferenceLibrary | None,
    failures: dict[tuple[str, GreenProcureError], list[int]],
) -> tuple[Floats, list[FactorUse], NDArray[np.int64]]:
    codes, categories = batch.texts.get("currency", (np.zeros(batch.size, np.int64), ("",)))
    rates = np.full(len(categories), np.nan)
    slots = np.full(len(categories), -1, dtype=np.int64)
    uses: list[FactorUse] = []
    for position, code in enumerate(categories):
        code = code.upper()
        if not code or currency is None or code == currency:
            rates[position] = 1.0
            continue
        try:
            rate = reference.exchange_rate(code, currency, settings.year, library=library)
        except GreenProcureError as error:
            rows = np.flatnonzero(codes == position)
            failures.setdefault(("currency", error), []).extend(rows.tolist())
            continue
        slots[position] = len(uses)
        uses.append(FactorUse("exchange_rate", rate.value, rate.unit, rate.low, rate.high, rate))
        rates[position] = rate.value
    return rates[codes], uses, slots[codes]


def report_currency(register: Register, settings: ImpactSettings) -> str | None:
    """The settings' currency, else that of the first line giving one.

    Lines are taken in register order within a product group, the groups in the order they
    first appear (not the alphabetical order of the currency codes).
    """
    if settings.currency:
        return settings.currency.upper()
    for batch in register.batches:
        if "currency" in batch.texts:
            codes, categories = batch.texts["currency"]
            given = np.flatnonzero(np.isin(codes, [i for i, c in enumerate(categories) if c]))
            if given.size:
                currency: str = categories[int(codes[given[0]])]
                return currency.upper()
    return None


def quantify_batches(
    register: Register, settings: ImpactSettings, library: ReferenceLibrary | None = None
) -> tuple[list[GroupResult], list[LineProblem], str | None]:
    """Figures per group, the problems met, and the report currency."""
    currency = report_currency(register, settings)
    results: list[GroupResult] = []
    problems: list[LineProblem] = []
    for batch in register.batches:
        model = batch.model
        failures: dict[tuple[str, GreenProcureError], list[int]] = {}
        columns = {
            spec.name: _factor_column(batch, spec, settings, library, failures)
            for spec in model.factors
        }
        money_failures: dict[tuple[str, GreenProcureError], list[int]] = {}
        rate, uses, money_index = _money_rates(batch, currency, settings, library, money_failures)
        failed = np.zeros(batch.size, dtype=bool)
        for (field, error), rows in (*failures.items(), *money_failures.items()):
            # A missing exchange rate only leaves the money figures out (rate NaN).
            if field != "currency":
                failed[rows] = True
            problems.append(
                LineProblem(
                    row=", ".join(batch.labels[r] for r in sorted(set(rows))),
                    group=model.group,
                    message=str(error),
                    field=field,
                    error=error,
                )
            )
        x = _inputs(batch)
        years = batch.numbers["years"]
        present = annuity(years, settings.discount_rate)
        runs = {}
        for variant in ("value", "low", "high"):
            f = {name: getattr(column, variant) for name, column in columns.items()}
            with np.errstate(invalid="ignore", divide="ignore"):
                runs[variant] = _complete(model.compute(x, f), years, present, rate, batch.size)
        central, low, high = runs["value"], {}, {}
        for metric in central:
            stack = np.vstack([runs["value"][metric], runs["low"][metric], runs["high"][metric]])
            with np.errstate(invalid="ignore"):
                low[metric] = np.min(stack, axis=0)
                high[metric] = np.max(stack, axis=0)
        for table in (central, low, high):
            for metric in table:
                table[metric] = np.where(failed, np.nan, table[metric])
        results.append(
            GroupResult(batch, central, low, high, columns, failed, rate, uses, money_index)
        )
    return results, problems, currency


def _complete(
    out: Mapping[str, Any], years: Floats, present: Any, rate: Floats, size: int
) -> dict[str, Floats]:
    done: dict[str, Floats] = {}
    for metric, value in out.items():
        done[metric] = np.broadcast_to(np.asarray(value, dtype=np.float64), (size,)).copy()
    if "money_annual" in done:
        annual = done.pop("money_annual") * rate
        done["money"] = annual * years
        done["money_discounted"] = annual * present
    if "energy_kwh" in done:
        done["energy_toe"] = done["energy_kwh"] / KWH_PER_TOE
    return {m: done[m] for m in METRIC_NAMES if m in done}


def quantify_loop(
    register: Register, settings: ImpactSettings, library: ReferenceLibrary | None = None
) -> dict[str, float]:
    """Central totals computed line by line in plain Python (the benchmark's baseline).

    Factors are cached per key as in the vectorised engine; lines whose factor cannot be
    found are skipped here (the vectorised engine reports them).
    """
    currency = report_currency(register, settings)
    totals = dict.fromkeys(METRIC_NAMES, 0.0)
    cache: dict[tuple[str, tuple[str, ...]], float | None] = {}
    rates: dict[str, float | None] = {}
    for batch in register.batches:
        model = batch.model
        texts = {name: batch.text(name) for name in batch.texts}
        numbers = {name: column.tolist() for name, column in batch.numbers.items()}
        for row in range(batch.size):
            x: dict[str, Any] = {name: column[row] for name, column in numbers.items()}
            x.update({name: column[row] for name, column in texts.items()})
            keys_of = dict(x)
            keys_of["country"] = (x.get("country") or settings.country).upper()
            year = x.get("year")
            keys_of["year"] = settings.year if year is None or year != year else year
            f: dict[str, float] = {}
            ok = True
            for spec in model.factors:
                given = x.get(spec.override) if spec.override else None
                if given is not None and given == given:
                    f[spec.name] = given
                    continue
                keys = {k: _as_key(keys_of[k]) for k in spec.keys}
                cache_key = (spec.name, tuple(keys.values()))
                if cache_key not in cache:
                    try:
                        cache[cache_key] = _resolve(spec, keys, settings, library).value
                    except GreenProcureError:
                        cache[cache_key] = None
                found = cache[cache_key]
                if found is None:
                    if not spec.optional:
                        ok = False
                    found = float("nan")
                f[spec.name] = found
            code = str(x.get("currency") or "").upper()
            if code not in rates:
                if not code or currency is None or code == currency:
                    rates[code] = 1.0
                else:
                    try:
                        rates[code] = reference.exchange_rate(
                            code, currency, settings.year, library=library
                        ).value
                    except GreenProcureError:
                        rates[code] = None
            rate = rates[code]
            if not ok or rate is None:
                continue
            out = model.compute(x, f)
            years = x["years"]
            for metric, value in out.items():
                value = float(value)
                if metric == "money_annual":
                    totals["money"] += _finite(value * rate * years)
                    totals["money_discounted"] += _finite(
                        value * rate * float(annuity(years, settings.discount_rate))
                    )
                    continue
                totals[metric] += _finite(value)
                if metric == "energy_kwh":
                    totals["energy_toe"] += _finite(value / KWH_PER_TOE)
    return totals


def _as_key(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def _finite(value: float) -> float:
    return 0.0 if value != value else value

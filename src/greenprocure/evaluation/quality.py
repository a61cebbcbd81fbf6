"""Quality award criteria: points scales, pass/fail, numeric interpolation and certificates.

Every criterion gives each bid a fraction in ``[0, 1]``; its score is ``weight x fraction``:

- ``points``: fraction = points / scale_max (points outside 0..scale_max are an input error);
- ``pass_fail``: 1 for yes, 0 for no (``exclude_on_fail``: a "no" excludes);
- ``numeric``: higher is better: ``(v - worst) / (best - worst)``; lower is better: the same
  with best below worst; clipped to ``[0, 1]``. ``best``/``worst`` default to the best and
  worst values among the compliant bids (all equal: fraction 1). ``minimum``/``maximum``
  exclude bids outside them;
- ``certificate``: 1 when the bid holds a listed certificate valid on the tender date.

Computation is vectorised per criterion over all bids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from greenprocure.errors import ValidationError
from greenprocure.evaluation._context import Context, FloatArray
from greenprocure.evaluation.result import Message
from greenprocure.evaluation.tender import Criterion
from greenprocure.i18n import N_

__all__ = ["QualityArrays", "criterion_exclusions", "score_criteria"]

_BELOW = N_("criterion {criterion}: {value} is below the minimum {limit}")
_ABOVE = N_("criterion {criterion}: {value} is above the maximum {limit}")
_FAILED = N_("criterion {criterion}: the bid does not meet this pass/fail criterion")
_TRUE = {"true", "yes", "y", "1", "pass", "ja", "是", "예", "はい"}


@dataclass(frozen=True)
class QualityArrays:
    """``fractions`` (bids x criteria, 0..1), ``weights`` and the raw values per criterion."""

    criteria: tuple[Criterion, ...]
    fractions: FloatArray
    weights: FloatArray
    raw: list[list[Any]]

    @property
    def scores(self) -> FloatArray:
        return self.fractions * self.weights


def _yes(ctx: Context, c: Criterion) -> FloatArray:
    assert c.parameter is not None
    values = ctx.raw(c.parameter)
    if set(map(type, values)) == {bool}:
        return np.array(values, dtype=np.float64)
    out = np.zeros(ctx.n)
    for i, value in enumerate(values):
        if value is None:
            raise ValidationError(
                N_("bid {bid}: parameter {parameter} is missing"),
                **ctx.where(ctx.bids[i], c.parameter),
                parameter=c.parameter,
            )
        out[i] = 1.0 if (value is True or str(value).strip().lower() in _TRUE) else 0.0
    return out


def _values(ctx: Context, c: Criterion, cache: dict[str, Any]) -> Any:
    """Raw numbers (or yes/no) of a criterion, read once."""
    if c.id not in cache:
        if c.kind == "certificate":
            found = ctx.has_certificate(c.schemes)
            cache[c.id] = np.array([1.0 if f is not None else 0.0 for f in found])
        elif c.kind == "pass_fail":
            cache[c.id] = _yes(ctx, c)
        else:
            assert c.parameter is not None
            cache[c.id] = ctx.numbers(c.parameter, c.unit, required=True)
    return cache[c.id]


def criterion_exclusions(
    ctx: Context, criteria: Sequence[Criterion], cache: dict[str, Any]
) -> list[list[Message]]:
    """Per bid, the exclusions caused by criterion minimums, maximums and failed pass/fail."""
    out: list[list[Message]] = [[] for _ in range(ctx.n)]
    for c in criteria:
        if c.kind == "numeric" and (c.minimum is not None or c.maximum is not None):
            values = _values(ctx, c, cache)
            for limit, bad, template in (
                (c.minimum, values < (c.minimum or 0), _BELOW),
                (c.maximum, values > (c.maximum or 0), _ABOVE),
            ):
                if limit is None:
                    continue
                for i in np.flatnonzero(bad):
                    unit = f" {c.unit}" if c.unit else ""
                    params = {
                        "criterion": c.id,
                        "value": f"{float(values[i]):g}{unit}",
                        "limit": f"{limit:g}{unit}",
                    }
                    out[int(i)].append(Message(template, params))
        elif c.kind == "pass_fail" and c.exclude_on_fail:
            values = _values(ctx, c, cache)
            for i in np.flatnonzero(values < 0.5):
                out[int(i)].append(Message(_FAILED, {"criterion": c.id}))
        elif c.kind == "points":
            values = _values(ctx, c, cache)
            bad = (values < 0) | (values > c.scale_max)
            if bad.any():
                first = int(np.flatnonzero(bad)[0])
                raise ValidationError(
                    N_("bid {bid}: {parameter} must be between 0 and {maximum}, got {value}"),
                    **ctx.where(ctx.bids[first], c.parameter or c.id),
                    parameter=c.parameter,
                    maximum=c.scale_max,
                    value=float(values[first]),
                )
    return out


def _numeric_fraction(c: Criterion, values: FloatArray, compliant: FloatArray) -> FloatArray:
    pool = values[compliant.astype(bool)] if compliant.any() else values
    if c.better == "higher":
        best = c.best if c.best is not None else float(np.max(pool))
        worst = c.worst if c.worst is not None else float(np.min(pool))
    else:
        best = c.best if c.best is not None else float(np.min(pool))
        worst = c.worst if c.worst is not None else float(np.max(pool))
    if best == worst:
        return np.where(
            (values >= best) if c.better == "higher" else (values <= best), 1.0, 0.0
        ).astype(np.float64)
    return np.clip((values - worst) / (best - worst), 0.0, 1.0)


def score_criteria(
    ctx: Context, criteria: Sequence[Criterion], compliant: FloatArray, cache: dict[str, Any]
) -> QualityArrays:
    """Fractions of every criterion for every bid (defaults taken from compliant bids)."""
    fractions = np.zeros((ctx.n, len(criteria)))
    raw: list[list[Any]] = []
    for k, c in enumerate(criteria):
        values = _values(ctx, c, cache)
        if c.kind == "points":
            fractions[:, k] = values / c.scale_max
        elif c.kind in ("pass_fail", "certificate"):
            fractions[:, k] = values
        else:
            fractions[:, k] = _numeric_fraction(c, values, compliant)
        if c.kind == "pass_fail" or c.kind == "certificate":
            raw.append([bool(v) for v in values.tolist()])
        else:
            raw.append(values.tolist())
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    return QualityArrays(tuple(criteria), fractions, weights, raw)

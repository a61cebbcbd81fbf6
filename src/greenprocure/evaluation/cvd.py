"""Operational lifetime cost of vehicles, Clean Vehicles Directive 2009/33/EC Art. 6 and Annex.

Per vehicle, with lifetime mileage ``L`` (Annex Table 3 for the category unless the tender
sets its own, minus ``mileage_covered``)::

    energy  = L x MJ/km x EUR/MJ
    CO2     = L x kg CO2/km x EUR/kg              (Annex Table 2: 0.03-0.04 EUR/kg)
    NOx, NMHC, PM = L x g/km x EUR/g              (Annex Table 2)
    OLC     = energy + CO2 + NOx + NMHC + PM

Fuel use per km is turned into MJ/km with the Annex Table 1 energy content of the fuel, or
taken directly when declared as energy per km (electric vehicles). One price per MJ applies
to every bid: the lower of the pre-tax petrol and diesel prices per MJ. Emission costs may be
overridden by the tender only within the range the reference data gives for the Directive
(outside it the tender is rejected with the reason). Electric vehicles may omit tailpipe
emissions (zero); any other missing value is an error naming the bid and the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greenprocure.errors import ReferenceDataError, UnitError, ValidationError
from greenprocure.evaluation import _refs
from greenprocure.evaluation._context import Context, FloatArray, linear_factor
from greenprocure.evaluation.tender import CvdSpec
from greenprocure.i18n import N_
from greenprocure.reference import Factor
from greenprocure.units import parse_unit

__all__ = ["CvdArrays", "compute_cvd"]

_POLLUTANTS = (("co2", "CO2", "kg"), ("nox", "NOx", "g"), ("nmhc", "NMHC", "g"), ("pm", "PM", "g"))
_ZERO_TAILPIPE = {"electricity"}


@dataclass(frozen=True)
class CvdArrays:
    """Per-vehicle costs of every bid and the common values used."""

    fuel: list[str]
    mj_per_km: FloatArray
    mileage: FloatArray
    price_per_mj: float
    costs: dict[str, FloatArray]
    total: FloatArray
    quantity: float


def _eur_rate(ctx: Context) -> float:
    if ctx.tender.currency.upper() == "EUR":
        return 1.0
    factor = _refs.exchange_rate("EUR", ctx.tender.currency, ctx.tender.year, ctx.library)
    ctx.sources.factor(
        N_("exchange rate"), factor, detail=f"EUR/{ctx.tender.currency} {ctx.tender.year}"
    )
    return factor.value


def _price_per_mj(ctx: Context, spec: CvdSpec) -> float:
    per_mj = []
    for fuel, price in (("petrol", spec.petrol_price), ("diesel", spec.diesel_price)):
        content = _refs.cvd_energy_content(fuel, ctx.library)
        ctx.sources.factor(N_("energy content"), content, detail=fuel)
        cur = ctx.tender.currency
        ctx.sources.tender(N_("pre-tax fuel price"), price, f"{cur}/L", detail=fuel)
        per_mj.append(price / (content.value * linear_factor(content.unit, "MJ/L")[0]))
    chosen = min(per_mj)
    ctx.sources.tender(
        N_("energy price per MJ"),
        chosen,
        f"{ctx.tender.currency}/MJ",
        N_("the lower of the pre-tax petrol and diesel prices per MJ"),
    )
    return chosen


def _emission_cost(ctx: Context, spec: CvdSpec, key: str, name: str, mass: str) -> float:
    factor = _refs.cvd_emission_cost(name, ctx.library)
    eur = factor.value * linear_factor(factor.unit, f"EUR/{mass}")[0]
    scale = linear_factor(factor.unit, f"EUR/{mass}")[0]
    low = (factor.low if factor.low is not None else factor.value) * scale
    high = (factor.high if factor.high is not None else factor.value) * scale
    rate = _eur_rate(ctx)
    override: float | None = getattr(spec, f"{key}_cost")
    cur = ctx.tender.currency
    if override is None:
        ctx.sources.factor(
            N_("emission cost"), factor, note=f"{eur * rate:.6g} {cur}/{mass}", detail=name
        )
        return eur * rate
    in_eur = override / rate
    if not low - 1e-12 <= in_eur <= high + 1e-12:
        raise ValidationError(
            N_(
                "the cost of {pollutant} {value} EUR/{mass} is outside the range "
                "{low}-{high} EUR/{mass} of Directive 2009/33/EC Annex Table 2"
            ),
            record="tender",
            field=f"cvd.{key}_cost",
            pollutant=name,
            value=round(in_eur, 6),
            mass=mass,
            low=low,
            high=high,
        )
    ctx.sources.tender(N_("emission cost"), override, f"{cur}/{mass}", detail=name)
    return override


def _mj_per_km(ctx: Context, fuels: list[str]) -> FloatArray:
    out = np.empty(ctx.n)
    contents: dict[str, Factor] = {}
    energy_per_km = parse_unit("MJ/km").dimensionality
    for i, bid in enumerate(ctx.bids):
        found = bid.parameters.get("fuel_consumption")
        if found is None or isinstance(found.value, bool | str) or not found.unit:
            raise ValidationError(
                N_("bid {bid}: parameter {parameter} is missing"),
                **ctx.where(bid, "fuel_consumption"),
                parameter="fuel_consumption",
            )
        unit = found.unit
        if parse_unit(unit).dimensionality == energy_per_km:
            out[i] = float(found.value) * linear_factor(unit, "MJ/km")[0]
            continue
        fuel = fuels[i]
        if fuel not in contents:
            try:
                contents[fuel] = _refs.cvd_energy_content(fuel, ctx.library)
            except ReferenceDataError as exc:
                raise ValidationError(
                    N_("bid {bid}: no energy content for fuel {fuel}: {reason}"),
                    **ctx.where(bid, "fuel"),
                    fuel=fuel,
                    reason=str(exc),
                ) from exc
            ctx.sources.factor(N_("energy content"), contents[fuel], detail=fuel)
        content = contents[fuel]
        try:
            scale = linear_factor(f"({unit}) * ({content.unit})", "MJ/km")[0]
        except UnitError as exc:
            raise UnitError(
                N_("bid {bid}: unit {unit!r} of {parameter} cannot be converted to {target!r}"),
                **ctx.where(bid, "fuel_consumption"),
                unit=unit,
                parameter="fuel_consumption",
                target=f"MJ/km via {content.unit}",
            ) from exc
        out[i] = float(found.value) * content.value * scale
    return out


def compute_cvd(ctx: Context, spec: CvdSpec) -> CvdArrays:
    """Operational lifetime cost per vehicle of every bid of the lot."""
    fuels = []
    for bid, raw in zip(ctx.bids, ctx.raw("fuel"), strict=True):
        if not isinstance(raw, str) or not raw:
            raise ValidationError(
                N_("bid {bid}: parameter {parameter} is missing"),
                **ctx.where(bid, "fuel"),
                parameter="fuel",
            )
        fuels.append(raw.strip().lower().replace(" ", "_"))
    if spec.lifetime_mileage is not None:
        mileage_total = spec.lifetime_mileage
        ctx.sources.tender(N_("lifetime mileage"), mileage_total, "km", detail=spec.category)
    else:
        factor = _refs.cvd_lifetime_mileage(spec.category, ctx.library)
        mileage_total = factor.value * linear_factor(factor.unit, "km")[0]
        ctx.sources.factor(N_("lifetime mileage"), factor, detail=spec.category)
    covered = np.nan_to_num(ctx.numbers("mileage_covered", "km", required=False))
    mileage = np.maximum(mileage_total - covered, 0.0)
    price_mj = _price_per_mj(ctx, spec)
    mj_km = _mj_per_km(ctx, fuels)
    costs = {"energy": mileage * mj_km * price_mj}
    zero_ok = np.array([f in _ZERO_TAILPIPE for f in fuels])
    for key, name, mass in _POLLUTANTS:
        per_km = ctx.numbers(key, f"{mass}/km", required=False)
        missing = np.isnan(per_km) & ~zero_ok
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            raise ValidationError(
                N_("bid {bid}: parameter {parameter} is missing"),
                **ctx.where(ctx.bids[first], key),
                parameter=key,
            )
        unit_cost = _emission_cost(ctx, spec, key, name, mass)
        costs[key] = mileage * np.nan_to_num(per_km) * unit_cost
    total = np.sum(list(costs.values()), axis=0)
    ctx.sources.tender(N_("vehicles bought"), spec.quantity, "unit")
    return CvdArrays(fuels, mj_km, mileage, price_mj, costs, total, spec.quantity)

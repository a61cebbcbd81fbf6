"""Life-cycle costing under Directive 2014/24/EU Art. 68, for all bids of a lot at once.

Cost items (Art. 68(1)): acquisition (year 0); use: energy, other resources, consumables
(years 1..T); maintenance (years 1..T); end of life: disposal cost or, negative, residual
value (year T); and externalities: CO2e from electricity (grid factor of the tender's country
and year) and from fuels burnt, valued at a stated carbon price (years 1..T).

For item ``c`` with yearly base amount ``A_c`` and escalation ``e_c``, the nominal cash flow
in year ``t`` is ``A_c x (1+e_c)^t`` and its present value ``A_c x (1+e_c)^t / (1+d)^t``::

    LCC = P + sum_{t=1..T} sum_c A_c (1+e_c)^t / (1+d)^t + EoL / (1+d)^T

Energy per year comes from ``energy_per_year`` (kWh) or ``power`` x ``hours_per_year`` x
``load_factor``; it is required when the tender prices electricity, or for externalities when
any bid declares it. Money parameters are per unit bought and multiplied by ``quantity``. An
optional money parameter that one bid declares must be declared by all: a missing one is an
error, never a silent zero. Computation is vectorised: one (bids x years) array per item.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greenprocure.errors import UnitError, ValidationError
from greenprocure.evaluation import _refs
from greenprocure.evaluation._context import Context, FloatArray, linear_factor
from greenprocure.evaluation.tender import LccSpec
from greenprocure.i18n import N_
from greenprocure.reference import Factor
from greenprocure.units import CURRENCIES, parse_unit

__all__ = ["COMPONENTS", "LccArrays", "compute_lcc"]

#: Cost items in the order of the cash-flow table.
COMPONENTS: tuple[str, ...] = (
    "acquisition",
    "energy",
    "resources",
    "consumables",
    "maintenance",
    "end_of_life",
    "externalities",
)


@dataclass(frozen=True)
class LccArrays:
    """Cash flows ``flows[item]`` (bids x years), discount factors and NPVs of all bids."""

    years: tuple[int, ...]
    flows: dict[str, FloatArray]
    discount: FloatArray
    npv: dict[str, FloatArray]
    total: FloatArray
    emissions_kg: FloatArray


def _growth(rate: float, lifetime: int) -> FloatArray:
    """``(1+rate)^t`` for t = 1..T, and 0 in year 0 (use-phase costs start in year 1)."""
    t = np.arange(lifetime + 1, dtype=np.float64)
    out = (1.0 + rate) ** t
    out[0] = 0.0
    return out


def _optional_money(ctx: Context, name: str) -> FloatArray:
    values = ctx.numbers(name, None, required=False, money=True)
    missing = np.isnan(values)
    if missing.all():
        return np.zeros(ctx.n)
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise ValidationError(
            N_("bid {bid}: parameter {parameter} is missing (other bids declare it)"),
            **ctx.where(ctx.bids[first], name),
            parameter=name,
        )
    if (values < 0).any():
        first = int(np.flatnonzero(values < 0)[0])
        raise ValidationError(
            N_("bid {bid}: parameter {parameter} must not be negative"),
            **ctx.where(ctx.bids[first], name),
            parameter=name,
        )
    return values


def _energy_kwh(ctx: Context, spec: LccSpec) -> FloatArray:
    energy = ctx.numbers("energy_per_year", "kWh", required=False)
    missing = np.isnan(energy)
    if missing.any():
        power = ctx.numbers("power", "kW", required=False)
        if spec.hours_per_year is None and not np.isnan(power[missing]).all():
            raise ValidationError(
                N_("the tender must set lcc.hours_per_year to turn power into energy"),
                file=ctx.file,
                record="tender",
                field="lcc.hours_per_year",
            )
        hours = spec.hours_per_year or 0.0
        energy = np.where(missing, power * hours * spec.load_factor, energy)
    still = np.isnan(energy)
    if still.any():
        first = int(np.flatnonzero(still)[0])
        raise ValidationError(
            N_("bid {bid}: parameter {parameter} is missing"),
            **ctx.where(ctx.bids[first], "energy_per_year"),
            parameter="energy_per_year",
        )
    if (energy < 0).any():
        first = int(np.flatnonzero(energy < 0)[0])
        raise ValidationError(
            N_("bid {bid}: parameter {parameter} must not be negative"),
            **ctx.where(ctx.bids[first], "energy_per_year"),
            parameter="energy_per_year",
        )
    return energy


def _fuel_basis(unit: str) -> str:
    dims = parse_unit(unit).dimensionality
    for basis in ("L", "kg", "MJ"):
        if dims == parse_unit(basis).dimensionality:
            return basis
    raise UnitError(
        N_("unit {unit!r} of a fuel must be a volume, a mass or an energy"),
        record="tender",
        field="lcc.resources",
        unit=unit,
    )


def _per_tonne(ctx: Context, factor: Factor) -> float:
    """A carbon-price factor as money of the tender's currency per tonne."""
    currency = next((c for c in CURRENCIES if c in factor.unit), ctx.tender.currency)
    value = factor.value * linear_factor(factor.unit, f"{currency}/t")[0]
    if currency != ctx.tender.currency:
        rate = _refs.exchange_rate(currency, ctx.tender.currency, ctx.tender.year, ctx.library)
        ctx.sources.factor(
            N_("exchange rate"), rate, detail=f"{currency}/{ctx.tender.currency} {ctx.tender.year}"
        )
        value *= rate.value
    return value


def _carbon_price(ctx: Context, spec: LccSpec) -> float:
    unit = f"{ctx.tender.currency}/t"
    if spec.carbon_price is not None:
        ctx.sources.tender(N_("carbon price"), spec.carbon_price, unit)
        return spec.carbon_price
    assert spec.carbon_price_name is not None
    factor = _refs.carbon_price(spec.carbon_price_name, ctx.tender.year, ctx.library)
    value = _per_tonne(ctx, factor)
    ctx.sources.factor(
        N_("carbon price"), factor, note=f"{value:.6g} {unit}", detail=spec.carbon_price_name
    )
    return value


def compute_lcc(ctx: Context, spec: LccSpec, prices: FloatArray) -> LccArrays:
    """Cash flows and NPV of every bid of the lot.

    ``prices`` are the total offer prices in the tender currency (already multiplied by the
    quantity when the tender asks for unit prices).
    """
    cur = ctx.tender.currency
    years = spec.lifetime_years
    q = spec.quantity
    esc = spec.escalation
    ctx.sources.tender(N_("lifetime"), years, "year")
    ctx.sources.tender(N_("discount rate"), spec.discount_rate, "1/year")
    ctx.sources.tender(N_("quantity"), q, "unit")
    for item, rate in sorted(esc.items()):
        ctx.sources.tender(N_("escalation"), rate, "1/year", detail=item)
    flows = {name: np.zeros((ctx.n, years + 1)) for name in COMPONENTS}
    flows["acquisition"][:, 0] = prices
    emissions = np.zeros(ctx.n)

    declared = any(name in ctx.columns() for name in ("energy_per_year", "power"))
    needs_energy = spec.electricity_price is not None or (spec.externalities and declared)
    energy = _energy_kwh(ctx, spec) * q if needs_energy else np.zeros(ctx.n)
    if spec.electricity_price is not None:
        ctx.sources.tender(N_("electricity price"), spec.electricity_price, f"{cur}/kWh")
        flows["energy"] = np.outer(
            energy * spec.electricity_price, _growth(esc.get("energy", 0.0), years)
        )
    if spec.hours_per_year is not None:
        ctx.sources.tender(N_("hours of use per year"), spec.hours_per_year, "h/year")
        ctx.sources.tender(N_("load factor"), spec.load_factor, "1")

    resources_base = np.zeros(ctx.n)
    for resource in spec.resources:
        use = ctx.numbers(resource.parameter, resource.unit, required=True) * q
        resources_base += use * resource.price
        ctx.sources.tender(
            N_("resource price"), resource.price, f"{cur}/{resource.unit}", detail=resource.name
        )
        if spec.externalities and resource.fuel:
            basis = _fuel_basis(resource.unit)
            factor = _refs.fuel_emission_factor(resource.fuel, basis, ctx.library)
            per_unit = factor.value * linear_factor(factor.unit, f"kg/{basis}")[0]
            emissions += use * linear_factor(resource.unit, basis)[0] * per_unit
            ctx.sources.factor(N_("fuel emission factor"), factor, detail=resource.fuel)
    if spec.resources:
        rate = esc.get("resources", 0.0)
        flows["resources"] = np.outer(resources_base, _growth(rate, years))

    flows["consumables"] = np.outer(
        _optional_money(ctx, "consumables_per_year") * q,
        _growth(esc.get("consumables", 0.0), years),
    )
    flows["maintenance"] = np.outer(
        _optional_money(ctx, "maintenance_per_year") * q,
        _growth(esc.get("maintenance", 0.0), years),
    )
    end = _optional_money(ctx, "disposal_cost") - _optional_money(ctx, "residual_value")
    flows["end_of_life"][:, years] = end * q

    if spec.externalities:
        if energy.any():
            region = spec.grid_region or ctx.tender.country
            grid = _refs.grid_factor(region, ctx.tender.year, spec.grid_basis, ctx.library)
            kg_per_kwh = grid.value * linear_factor(grid.unit, "kg/kWh")[0]
            ctx.sources.factor(
                N_("grid emission factor"), grid, detail=f"{region} {ctx.tender.year}"
            )
            emissions += energy * kg_per_kwh
        price_t = _carbon_price(ctx, spec)
        flows["externalities"] = np.outer(
            emissions / 1000.0 * price_t, _growth(esc.get("externalities", 0.0), years)
        )

    discount = (1.0 + spec.discount_rate) ** -np.arange(years + 1, dtype=np.float64)
    npv = {name: flows[name] @ discount for name in COMPONENTS}
    total = np.sum([npv[name] for name in COMPONENTS], axis=0)
    return LccArrays(
        years=tuple(range(years + 1)),
        flows=flows,
        discount=discount,
        npv=npv,
        total=total,
        emissions_kg=emissions * years,
    )

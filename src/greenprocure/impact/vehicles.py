"""Vehicles: fuel or electricity use over the distance driven, NOx and particulates.

Formula (the Clean Vehicles Directive 2009/33/EC Art. 6 logic of distance x consumption x
factor, applied to the green vehicle and its conventional alternative)::

    km_per_year    = distance                    if distance_basis = fleet
                   = distance x quantity         if distance_basis = per_vehicle
    used           = km_per_year x consumption / 100            (L, kWh, kg or m3 per year)
    co2e_annual    = (baseline used x baseline_emission_factor - used x emission_factor) / 1000
    co2e_period    = co2e_annual x years
    energy_kwh     = (baseline used x baseline_energy_factor - used x energy_factor) x years
    nox_kg         = km_per_year x (baseline_nox - nox) x years / 1000
    pm_kg          = km_per_year x (baseline_pm - pm) x years / 1000
    money_annual   = km_per_year x (baseline_cost_per_km - cost_per_km)

The emission factor is the grid factor (country, year) for ``electricity`` and the fuel's
combustion factor otherwise (:func:`greenprocure.reference.fuel_emission_factor`); the energy
factor converts litres, kg or m3 into kWh with the fuel's energy content.

Fleet totals without double counting: ``distance_basis`` says whether ``distance`` is per
vehicle or already the fleet's total; a fleet distance is never multiplied by the number
of vehicles (the error behind Rotterdam's published 726 t = 22 x 33 t).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["CONSUMPTION_UNITS", "MODEL", "compute"]

CONSUMPTION_UNITS = ("L/(100 km)", "kWh/(100 km)", "kg/(100 km)", "m3/(100 km)")


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    fleet = np.equal(x["distance_basis"], "fleet")
    km = x["distance"] * np.where(fleet, 1.0, x["quantity"])
    base_used = km * x["baseline_consumption"] / 100.0
    used = km * x["consumption"] / 100.0
    co2e_annual = (base_used * f["baseline_emission_factor"] - used * f["emission_factor"]) / 1000
    years = x["years"]
    energy = base_used * f["baseline_energy_factor"] - used * f["energy_factor"]
    return {
        "co2e_annual": co2e_annual,
        "co2e_period": co2e_annual * years,
        "energy_kwh": energy * years,
        "nox_kg": km * (x["baseline_nox"] - x["nox"]) * years / 1000.0,
        "pm_kg": km * (x["baseline_pm"] - x["pm"]) * years / 1000.0,
        "money_annual": km * (x["baseline_cost_per_km"] - x["cost_per_km"]),
    }


MODEL = ImpactModel(
    group="vehicles",
    title=N_("Vehicles and fleets"),
    description=N_("Fuel or electricity over the distance driven; NOx and particulates"),
    fields=(
        *common_fields("unit", N_("Number of vehicles")),
        Field("distance", N_("Distance per year"), "km/year", required=True),
        Field(
            "distance_basis",
            N_("Distance is per vehicle or for the whole fleet"),
            default="per_vehicle",
            choices=("per_vehicle", "fleet"),
        ),
        Field("fuel", N_("Fuel or electricity"), required=True),
        Field(
            "consumption",
            N_("Consumption per 100 km"),
            required=True,
            units=CONSUMPTION_UNITS,
            basis_field="basis",
        ),
        Field("baseline_fuel", N_("Baseline fuel"), required=True),
        Field(
            "baseline_consumption",
            N_("Baseline consumption per 100 km"),
            required=True,
            units=CONSUMPTION_UNITS,
            basis_field="baseline_basis",
        ),
        Field("nox", N_("NOx emissions"), "g/km", default=0.0),
        Field("baseline_nox", N_("Baseline NOx emissions"), "g/km", default=0.0),
        Field("pm", N_("Particulate emissions"), "g/km", default=0.0),
        Field("baseline_pm", N_("Baseline particulate emissions"), "g/km", default=0.0),
        Field("cost_per_km", N_("Energy cost per km"), "{currency}/km", default=0.0),
        Field(
            "baseline_cost_per_km", N_("Baseline energy cost per km"), "{currency}/km", default=0.0
        ),
        Field(
            "emission_factor",
            N_("Emission factor per unit of consumption (overrides)"),
            "kg/{basis}",
        ),
        Field(
            "baseline_emission_factor",
            N_("Baseline emission factor per unit of consumption (overrides)"),
            "kg/{baseline_basis}",
        ),
    ),
    factors=(
        FactorSpec(
            "emission_factor",
            "kg/{basis}",
            ("fuel", "basis", "country", "year"),
            _factors.vehicle_emission("fuel", "basis"),
            override="emission_factor",
        ),
        FactorSpec(
            "baseline_emission_factor",
            "kg/{baseline_basis}",
            ("baseline_fuel", "baseline_basis", "country", "year"),
            _factors.vehicle_emission("baseline_fuel", "baseline_basis"),
            override="baseline_emission_factor",
        ),
        FactorSpec(
            "energy_factor",
            "kWh/{basis}",
            ("fuel", "basis"),
            _factors.vehicle_energy("fuel", "basis"),
        ),
        FactorSpec(
            "baseline_energy_factor",
            "kWh/{baseline_basis}",
            ("baseline_fuel", "baseline_basis"),
            _factors.vehicle_energy("baseline_fuel", "baseline_basis"),
        ),
    ),
    formulas={
        "co2e_annual": "km_per_year × (baseline_consumption × baseline_emission_factor"
        " − consumption × emission_factor) / 100 / 1000; km_per_year = distance"
        " (× quantity when distance_basis = per_vehicle)",
        "co2e_period": "co2e_annual × years",
        "energy_kwh": "km_per_year × (baseline_consumption × baseline_energy_factor"
        " − consumption × energy_factor) / 100 × years",
        "nox_kg": "km_per_year × (baseline_nox − nox) × years / 1000",
        "pm_kg": "km_per_year × (baseline_pm − pm) × years / 1000",
        "money": "km_per_year × (baseline_cost_per_km − cost_per_km) × years",
        "money_discounted": "km_per_year × (baseline_cost_per_km − cost_per_km)"
        " × annuity(years, discount_rate)",
    },
    compute=compute,
    source="Directive 2009/33/EC Art. 6 (distance × consumption × factor); fuel and grid factors",
    money_fields=("cost_per_km", "baseline_cost_per_km"),
)

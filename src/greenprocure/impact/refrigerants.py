"""Refrigerants: leakage over the use period and loss at end of life, and ODS eliminated.

Formula (IPCC 2006 Guidelines Vol. 3 Ch. 7 product-life approach; screening Method C of the
NZ Ministry for the Environment's Measuring emissions guide, Appendix B)::

    emitted [kg per unit] = charge x (leak_rate x years + eol_loss)
    co2e_period [t] = quantity x (baseline emitted x gwp_baseline - emitted x gwp) / 1000
    co2e_annual [t] = quantity x (baseline_charge x baseline_leak_rate x gwp_baseline
                                  - charge x leak_rate x gwp) / 1000
    ods_kg          = quantity x (baseline_charge x [odp_baseline > 0] - charge x [odp > 0])
    ods_odp_kg      = quantity x (baseline_charge x odp_baseline - charge x odp)

GWP on the AR4/AR5/AR6 basis chosen in the settings (:func:`greenprocure.reference.gwp`);
ODP from the Montreal Protocol Annexes (:func:`greenprocure.reference.odp`). Charge and leak
rate default, per equipment type, to Table B.1 of the NZ guide; end-of-life loss has no
packaged default and must be given (share of the charge lost at disposal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    q, years, eol = x["quantity"], x["years"], x["eol_loss"]
    charge, base_charge = f["charge"], f["baseline_charge"]
    leak, base_leak = f["leak_rate"], f["baseline_leak_rate"]
    emitted = charge * (leak * years + eol)
    base_emitted = base_charge * (base_leak * years + eol)
    is_ods = (f["odp"] > 0) * 1.0
    base_is_ods = (f["odp_baseline"] > 0) * 1.0
    return {
        "co2e_annual": q
        * (base_charge * base_leak * f["gwp_baseline"] - charge * leak * f["gwp"])
        / 1000.0,
        "co2e_period": q * (base_emitted * f["gwp_baseline"] - emitted * f["gwp"]) / 1000.0,
        "ods_kg": q * (base_charge * base_is_ods - charge * is_ods),
        "ods_odp_kg": q * (base_charge * f["odp_baseline"] - charge * f["odp"]),
    }


MODEL = ImpactModel(
    group="refrigerants",
    title=N_("Refrigerants"),
    description=N_("Refrigerant leakage and end-of-life loss; ozone-depleting substances"),
    fields=(
        *common_fields("unit", N_("Number of units")),
        Field("equipment", N_("Equipment type (for default charge and leak rate)")),
        Field("gas", N_("Refrigerant"), required=True),
        Field("charge", N_("Refrigerant charge per unit"), "kg"),
        Field("leak_rate", N_("Annual leak rate"), "dimensionless", maximum=1.0),
        Field("baseline_gas", N_("Baseline refrigerant"), required=True),
        Field("baseline_charge", N_("Baseline refrigerant charge per unit"), "kg"),
        Field("baseline_leak_rate", N_("Baseline annual leak rate"), "dimensionless", maximum=1.0),
        Field(
            "eol_loss",
            N_("Share of the charge lost at end of life"),
            "dimensionless",
            required=True,
            maximum=1.0,
        ),
    ),
    factors=(
        FactorSpec("charge", "kg", ("equipment",), _factors.charge, override="charge"),
        FactorSpec(
            "baseline_charge", "kg", ("equipment",), _factors.charge, override="baseline_charge"
        ),
        FactorSpec(
            "leak_rate", "dimensionless", ("equipment",), _factors.leak_rate, override="leak_rate"
        ),
        FactorSpec(
            "baseline_leak_rate",
            "dimensionless",
            ("equipment",),
            _factors.leak_rate,
            override="baseline_leak_rate",
        ),
        FactorSpec("gwp", "dimensionless", ("gas",), _factors.gwp_of("gas")),
        FactorSpec(
            "gwp_baseline", "dimensionless", ("baseline_gas",), _factors.gwp_of("baseline_gas")
        ),
        FactorSpec("odp", "dimensionless", ("gas",), _factors.odp_of("gas")),
        FactorSpec(
            "odp_baseline", "dimensionless", ("baseline_gas",), _factors.odp_of("baseline_gas")
        ),
    ),
    formulas={
        "co2e_annual": "quantity × (baseline_charge × baseline_leak_rate × gwp_baseline"
        " − charge × leak_rate × gwp) / 1000",
        "co2e_period": "quantity × (baseline_charge × (baseline_leak_rate × years + eol_loss)"
        " × gwp_baseline − charge × (leak_rate × years + eol_loss) × gwp) / 1000",
        "ods_kg": "quantity × (baseline_charge × [odp_baseline > 0] − charge × [odp > 0])",
        "ods_odp_kg": "quantity × (baseline_charge × odp_baseline − charge × odp)",
    },
    compute=compute,
    source="IPCC 2006 Guidelines Vol. 3 Ch. 7; NZ MfE Measuring emissions guide, Appendix B",
)

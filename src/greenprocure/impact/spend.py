"""Spend-based fallback: spend x sector factor. The least precise method: use it only when
no activity data exist, and say so.

Formula (environmentally extended input-output factors, kg CO2e per unit of currency)::

    spend_in_factor_currency = quantity x exchange_rate(currency -> factor_currency, price_year)
                               x deflator
    co2e_period [t] = spend_in_factor_currency x (baseline_factor - factor) / 1000

``factor`` is the sector factor of what was bought, ``baseline_factor`` that of the
conventional purchase, both per unit of ``factor_currency`` at ``factor_year`` prices (for
example US EPA supply-chain factors, kg CO2e per 2021 USD). The exchange rate is the annual
average of ``price_year`` from :func:`greenprocure.reference.exchange_rate`; when the price
year and the factor year differ, ``deflator`` (price level of the factor year over that of
the price year) must be given. No sector factors are packaged yet: give both factors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from greenprocure.i18n import N_
from greenprocure.impact import _factors
from greenprocure.impact.model import FactorSpec, Field, ImpactModel, common_fields

__all__ = ["MODEL", "compute"]


def compute(x: Mapping[str, Any], f: Mapping[str, Any]) -> dict[str, Any]:
    spend = x["quantity"] * f["exchange_rate"] * f["deflator"]
    return {"co2e_period": spend * (f["baseline_factor"] - f["factor"]) / 1000.0}


MODEL = ImpactModel(
    group="spend",
    title=N_("Spend-based estimate (least precise)"),
    description=N_("Spend × sector factor, with currency and price year converted"),
    fields=(
        *common_fields("dimensionless", N_("Amount spent (in the line's currency)"), years=1.0),
        Field("sector", N_("Sector or commodity"), required=True),
        Field("price_year", N_("Price year of the amount"), "dimensionless", True, minimum=1900),
        Field(
            "factor",
            N_("Sector factor of the purchase (kg CO2e per currency unit)"),
            "dimensionless",
        ),
        Field(
            "baseline_factor",
            N_("Sector factor of the conventional purchase (kg CO2e per currency unit)"),
            "dimensionless",
        ),
        Field("factor_currency", N_("Currency of the factors"), required=True),
        Field("factor_year", N_("Price year of the factors"), "dimensionless", True, minimum=1900),
        Field("deflator", N_("Price level of the factor year / price year"), "dimensionless"),
    ),
    factors=(
        FactorSpec(
            "exchange_rate",
            "{factor_currency}/{currency}",
            ("currency", "factor_currency", "price_year"),
            _factors.exchange("currency", "factor_currency", "price_year"),
        ),
        FactorSpec(
            "deflator",
            "dimensionless",
            ("price_year", "factor_year"),
            _factors.same_year("price_year", "factor_year"),
            override="deflator",
        ),
        FactorSpec(
            "factor", "dimensionless", ("sector",), _factors.no_default("factor"), override="factor"
        ),
        FactorSpec(
            "baseline_factor",
            "dimensionless",
            ("sector",),
            _factors.no_default("baseline_factor"),
            override="baseline_factor",
        ),
    ),
    formulas={
        "co2e_period": "quantity × exchange_rate × deflator × (baseline_factor − factor) / 1000",
    },
    compute=compute,
    source="Environmentally extended input-output factors (e.g. US EPA supply-chain factors)",
    precision="spend",
)

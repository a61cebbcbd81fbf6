"""Display names of the sustainability extension's environmental goals and strategies.

The codes stay as they are in data (JSON, CSV, Parquet); tables for people (the terminal,
the HTML report) show these names, translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from greenprocure.i18n import N_, format_territory
from greenprocure.i18n import gettext as _

__all__ = [
    "CATEGORY_LABELS",
    "GOAL_LABELS",
    "KEY_VALUE_LABELS",
    "METHOD_LABELS",
    "STRATEGY_LABELS",
    "goal_label",
    "key_value_label",
    "label",
    "strategy_label",
]

#: Names of the environmental goals (sustainability extension codelist).
GOAL_LABELS: Mapping[str, str] = {
    "environmental": N_("Environmental (general aim)"),
    "environmental.biodiversityProtectionRestoration": N_(
        "Biodiversity protection and restoration"
    ),
    "environmental.carbonEmissionsReduction": N_("Carbon emissions reduction"),
    "environmental.circularEconomy": N_("Circular economy"),
    "environmental.climateChangeAdaptation": N_("Climate change adaptation"),
    "environmental.climateChangeMitigation": N_("Climate change mitigation"),
    "environmental.energyEfficiency": N_("Energy efficiency"),
    "environmental.pollutionPrevention": N_("Pollution prevention"),
    "environmental.recycling": N_("Recycling"),
    "environmental.resourceReuse": N_("Resource reuse"),
    "environmental.waterResourcesProtection": N_("Water resources protection"),
    "environmental.wasteReduction": N_("Waste reduction"),
}

#: Names of the sustainability strategies (sustainability extension codelist).
STRATEGY_LABELS: Mapping[str, str] = {
    "awardCriteria": N_("Award criteria"),
    "contractPerformanceConditions": N_("Contract performance conditions"),
    "marginOfPreference": N_("Margin of preference"),
    "reservedParticipation": N_("Reserved participation"),
    "selectionCriteria": N_("Selection criteria"),
    "technicalSpecifications": N_("Technical specifications"),
    "euGPPCriteria": N_("EU GPP criteria"),
    "nationalGPPCriteria": N_("National GPP criteria"),
    "otherGPPCriteria": N_("Other GPP criteria"),
}


#: Names of the procurement methods (OCDS ``method`` codelist: ``tender/procurementMethod``).
METHOD_LABELS: Mapping[str, str] = {
    "open": N_("Open"),
    "selective": N_("Selective"),
    "limited": N_("Limited"),
    "direct": N_("Direct"),
}

#: Names of the main procurement categories (OCDS ``procurementCategory`` codelist).
CATEGORY_LABELS: Mapping[str, str] = {
    "goods": N_("Goods"),
    "works": N_("Works"),
    "services": N_("Services"),
}

#: The names of the values of the group keys that hold codes.
KEY_VALUE_LABELS: Mapping[str, Mapping[str, str]] = {
    "procurement_method": METHOD_LABELS,
    "main_category": CATEGORY_LABELS,
}


def label(code: str, labels: Mapping[str, str]) -> str:
    """The translated name of ``code`` in ``labels``; a code not there as it is."""
    return _(labels[code]) if code in labels else code


def goal_label(code: str) -> str:
    """The translated name of a goal code; an unknown code as it is."""
    return label(code, GOAL_LABELS)


def strategy_label(code: str) -> str:
    """The translated name of a strategy code; an unknown code as it is."""
    return label(code, STRATEGY_LABELS)


def key_value_label(column: str, value: object) -> str:
    """How a value of group-key ``column`` is shown: the translated name of a code of the
    procurement method or the main category, a country's name in the language with its
    code, any other value as it is."""
    if column == "country" and isinstance(value, str) and len(value) == 2:
        name = format_territory(value)
        return f"{name} ({value})" if name != value else value
    labels = KEY_VALUE_LABELS.get(column)
    return label(str(value), labels) if labels is not None else str(value)

"""Display names of the sustainability extension's environmental goals and strategies.

The codes stay as they are in data (JSON, CSV, Parquet); tables for people (the terminal,
the HTML report) show these names, translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from greenprocure.i18n import N_
from greenprocure.i18n import gettext as _

__all__ = ["GOAL_LABELS", "STRATEGY_LABELS", "goal_label", "label", "strategy_label"]

#: Names of the environmental goals (sustainability extension codelist).
GOAL_LABELS: Mapping[str, str] = {
    "environmental": N_("Environmental (unspecified)"),
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


def label(code: str, labels: Mapping[str, str]) -> str:
    """The translated name of ``code`` in ``labels``; a code not there as it is."""
    return _(labels[code]) if code in labels else code


def goal_label(code: str) -> str:
    """The translated name of a goal code; an unknown code as it is."""
    return label(code, GOAL_LABELS)


def strategy_label(code: str) -> str:
    """The translated name of a strategy code; an unknown code as it is."""
    return label(code, STRATEGY_LABELS)

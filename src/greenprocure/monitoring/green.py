"""Green detection from structured OCDS data (sustainability extension, OCDS for eForms).

A lot (or a tender without lots) is green iff at least one of:

* a ``sustainability[].goal`` that is ``environmental`` or ``environmental.*``
  (eForms BT-06 ``env-imp`` and BT-774 map there);
* a GPP-criteria strategy ``euGPPCriteria``, ``nationalGPPCriteria`` or ``otherGPPCriteria``
  (eForms BT-805);
* the Clean Vehicles Directive in scope: ``coveredBy`` contains ``EU-CVD`` (eForms BT-717).

``hasSustainability`` alone, or social / economic goals only, are not green. Goals are
normalised to the sustainability extension's codelist (the OCDS for eForms profile writes
some codes differently, see :data:`GOAL_ALIASES`). The strategies reported are those of the
environmental sustainability objects plus any GPP-criteria strategy. Tender-level
``sustainability`` applies to every lot of the tender. Every finding carries its evidence:
the JSON path and the value that said so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "GOAL_ALIASES",
    "GPP_STRATEGIES",
    "GreenResult",
    "detect_green",
    "normalise_goal",
]

#: Spellings used by the OCDS for eForms profile (and some publishers) -> the extension's code.
GOAL_ALIASES: Mapping[str, str] = {
    "environmental.waterResources": "environmental.waterResourcesProtection",
    "environmental.biodiversityProtection": "environmental.biodiversityProtectionRestoration",
    "economic.processInnovation": "economic.processInnovationPromotion",
    "economic.productInnovation": "economic.productInnovationPromotion",
    "economic.marketInnovation": "economic.marketInnovationPromotion",
    "social.humanRightsInSupplyChain": "social.humanRightsInSupplyChains",
}

GPP_STRATEGIES: frozenset[str] = frozenset(
    ("euGPPCriteria", "nationalGPPCriteria", "otherGPPCriteria")
)

_CVD = "EU-CVD"
_CVD_SCHEME = "eu-cvd-contract-type"
_VEHICLE_SCHEMES = frozenset(("vehicles", "eu-vehicles"))
# Keys whose presence may change a result; without them an object is plainly not green.
_PLAIN_KEYS = frozenset(
    (
        "sustainability",
        "hasSustainability",
        "coveredBy",
        "additionalClassifications",
        "tender",
        "awards",
    )
)


@dataclass(frozen=True, slots=True)
class GreenResult:
    """What the structured data says about a lot's (or a tender's) environmental character.

    ``vehicles`` are the Clean Vehicles Directive counts of the awards (eForms OPT-155 /
    OPT-156: ``awards[].items[]`` classified ``vehicles`` / ``eu-vehicles`` with a
    ``quantity``), summed per code, e.g. ``(("vehicles", 33.0), ("vehicles-clean", 10.0))``.
    As the OCDS for eForms profile maps OPT-156, ``vehicles`` counts the vehicles that are
    neither clean nor zero-emission.
    """

    is_green: bool
    goals: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    cvd: bool = False
    cvd_contract_type: str | None = None
    has_sustainability: bool = False
    other_goals: tuple[str, ...] = field(default=())
    evidence: tuple[str, ...] = ()
    vehicles: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (tuples become lists)."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data


def normalise_goal(goal: str) -> str:
    """The extension codelist's spelling of ``goal`` (whitespace trimmed, aliases mapped)."""
    goal = goal.strip()
    return GOAL_ALIASES.get(goal, goal)


class _Collector:
    __slots__ = (
        "cvd",
        "cvd_type",
        "evidence",
        "goals",
        "has_sustainability",
        "other_goals",
        "strategies",
        "vehicles",
    )

    def __init__(self) -> None:
        self.vehicles: dict[str, float] = {}
        self.goals: list[str] = []
        self.other_goals: list[str] = []
        self.strategies: list[str] = []
        self.evidence: list[str] = []
        self.cvd = False
        self.cvd_type: str | None = None
        self.has_sustainability = False

    def scan(self, obj: Mapping[str, Any], path: str) -> None:
        if obj.get("hasSustainability") is True:
            self.has_sustainability = True
        entries = obj.get("sustainability")
        if type(entries) is list:
            for index, entry in enumerate(entries):
                if type(entry) is dict:
                    self._entry(entry, f"{path}/sustainability/{index}")
        covered = obj.get("coveredBy")
        if type(covered) is list:
            for code in covered:
                if type(code) is str and code.strip().upper() == _CVD:
                    self.cvd = True
                    self.evidence.append(f"{path}/coveredBy={_CVD}")
                    break
        self.cvd_type_from(
            obj.get("additionalClassifications"), f"{path}/additionalClassifications"
        )

    def cvd_type_from(self, classifications: Any, path: str) -> None:
        if type(classifications) is not list or self.cvd_type is not None:
            return
        for index, item in enumerate(classifications):
            if type(item) is dict and str(item.get("scheme", "")).lower() == _CVD_SCHEME:
                code = item.get("id")
                if type(code) is str and code:
                    self.cvd_type = code
                    self.evidence.append(f"{path}/{index}/id={code}")
                    return

    def award(self, index: int, award: Mapping[str, Any]) -> None:
        items = award.get("items")
        if type(items) is not list:
            return
        for position, item in enumerate(items):
            if type(item) is not dict:
                continue
            classifications = item.get("additionalClassifications")
            self.cvd_type_from(
                classifications, f"awards/{index}/items/{position}/additionalClassifications"
            )
            quantity = item.get("quantity")
            if type(classifications) is not list or not isinstance(quantity, (int, float)):
                continue
            for entry in classifications:
                if (
                    type(entry) is dict
                    and str(entry.get("scheme", "")).lower() in _VEHICLE_SCHEMES
                    and type(entry.get("id")) is str
                ):
                    code = entry["id"]
                    self.vehicles[code] = self.vehicles.get(code, 0.0) + float(quantity)

    def _entry(self, entry: Mapping[str, Any], path: str) -> None:
        raw_goal = entry.get("goal")
        strategies = entry.get("strategies")
        strategy_list = (
            [(i, s.strip()) for i, s in enumerate(strategies) if type(s) is str]
            if type(strategies) is list
            else []
        )
        environmental = False
        if type(raw_goal) is str and raw_goal.strip():
            goal = normalise_goal(raw_goal)
            if goal == "environmental" or goal.startswith("environmental."):
                environmental = True
                if goal not in self.goals:
                    self.goals.append(goal)
                self.evidence.append(f"{path}/goal={raw_goal.strip()}")
            elif goal not in self.other_goals:
                self.other_goals.append(goal)
        for index, strategy in strategy_list:
            if strategy in GPP_STRATEGIES:
                self.evidence.append(f"{path}/strategies/{index}={strategy}")
            elif not environmental:
                continue
            if strategy not in self.strategies:
                self.strategies.append(strategy)

    def result(self) -> GreenResult:
        gpp = any(strategy in GPP_STRATEGIES for strategy in self.strategies)
        return GreenResult(
            is_green=bool(self.goals) or gpp or self.cvd,
            goals=tuple(self.goals),
            strategies=tuple(self.strategies),
            cvd=self.cvd,
            cvd_contract_type=self.cvd_type,
            has_sustainability=self.has_sustainability,
            other_goals=tuple(self.other_goals),
            evidence=tuple(self.evidence),
            vehicles=tuple(sorted(self.vehicles.items())),
        )


_NOT_GREEN = GreenResult(is_green=False)


def detect_green(
    obj: Mapping[str, Any],
    path: str = "tender",
    *,
    tender: Mapping[str, Any] | None = None,
    awards: list[tuple[int, Mapping[str, Any]]] | None = None,
) -> GreenResult:
    """The green result of a lot, a tender, or a whole compiled release.

    ``obj`` is a lot (``path`` like ``"tender/lots/2"``) or a tender (``path`` ``"tender"``).
    For a lot, pass its ``tender`` too: tender-level sustainability applies to every lot.
    ``awards`` are the lot's awards with their index in ``awards[]``; their items give the
    ``eu-cvd-contract-type`` (eForms BT-735-LotResult) when the lot itself has none, and the
    vehicle counts. A compiled release as ``obj`` gives the result of the whole process: its
    tender, every lot and every award together (green if any part is).
    """
    if (
        not awards
        and _PLAIN_KEYS.isdisjoint(obj)
        and (tender is None or _PLAIN_KEYS.isdisjoint(tender))
    ):
        # Nothing that could make it green (the common case): skip the collector.
        return _NOT_GREEN
    collector = _Collector()
    if "ocid" in obj and path == "tender":
        inner = obj.get("tender")
        whole = inner if type(inner) is dict else {}
        collector.scan(whole, "tender")
        lots = whole.get("lots")
        if type(lots) is list:
            for index, lot in enumerate(lots):
                if type(lot) is dict:
                    collector.scan(lot, f"tender/lots/{index}")
        all_awards = obj.get("awards")
        if type(all_awards) is list:
            for index, award in enumerate(all_awards):
                if type(award) is dict:
                    collector.award(index, award)
        return collector.result()
    if tender is not None and tender is not obj:
        collector.scan(tender, "tender")
    collector.scan(obj, path)
    for index, award in awards or ():
        collector.award(index, award)
    return collector.result()

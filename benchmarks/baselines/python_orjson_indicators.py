"""Baseline: the green-procurement indicators in one pass of plain Python over orjson.

This is the script an analyst would write without an engine: read compiled releases (JSON
Lines) line by line with orjson, derive each lot's keys, green flags and money, and add them
into dictionaries. It follows the row rules of ``greenprocure.monitoring.lots`` (the module
docstring) on the fields the indicators read, written lean (no evidence strings, no error
records): lots of ``tender.lots`` (a tender without lots is one lot); awards split equally
between their ``relatedLots`` that are lots of the tender (else all lots), counted unless
pending/cancelled/unsuccessful; contracts through ``awardID`` with their award's shares (else
all lots), counted unless pending/cancelled; date = earliest counted award date, else tender
period start, else ``datePublished``, else release date; CPV of the lot's items, else items
without ``relatedLot``, else any item; green = an environmental goal, a GPP-criteria strategy
or ``EU-CVD`` in ``coveredBy`` (tender-level ``sustainability``/``coveredBy`` apply to every
lot); money converted with the project's reference rates (one look-up per currency and year).

Assumption (true of compiled-release files): each ocid appears once, so the engines'
deduplication of (ocid, lot id) changes nothing; the script counts repeated ocids and says so.

    python benchmarks/baselines/python_orjson_indicators.py FILE.jsonl [--by country,year]

prints JSON: ``{"green_share": [...], "goals": [...], "strategies": [...], "totals": {...}}``
with the same measures as ``greenprocure.monitoring.indicators``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any

import orjson

SKIP_AWARD = frozenset(("pending", "cancelled", "unsuccessful"))
SKIP_CONTRACT = frozenset(("pending", "cancelled"))
GPP = frozenset(("euGPPCriteria", "nationalGPPCriteria", "otherGPPCriteria"))
ALIASES = {
    "environmental.waterResources": "environmental.waterResourcesProtection",
    "environmental.biodiversityProtection": "environmental.biodiversityProtectionRestoration",
}
KEYS = {
    "buyer": ("buyer_id",),
    "country": ("country",),
    "cpv2": ("cpv2",),
    "cpv3": ("cpv3",),
    "year": ("year",),
    "month": ("year", "month"),
    "procurement_method": ("procurement_method",),
    "main_category": ("main_category",),
}

_rates: dict[tuple[str, int], float] = {}


def rate(currency: str, year: int, target: str) -> float:
    """Units of ``target`` per unit of ``currency`` in ``year`` (reference rates, cached)."""
    key = (currency, year)
    found = _rates.get(key)
    if found is None:
        if currency == target:
            found = 1.0
        else:
            from greenprocure.reference import convert_currency

            found = float(convert_currency(1.0, currency, target, year).amount)
        _rates[key] = found
    return found


def cpv_of(items: Iterable[Any], lot_id: str | None, *, unrelated: bool = False) -> str | None:
    for item in items:
        if unrelated and item.get("relatedLot"):
            continue
        if lot_id is not None and str(item.get("relatedLot") or "") != lot_id:
            continue
        classification = item.get("classification") or {}
        if str(classification.get("scheme", "")).upper() in ("CPV", ""):
            code = str(classification.get("id") or "").replace(" ", "")[:8]
            if len(code) == 8 and code.isdigit():
                return code
    return None


def green_of(objects: Iterable[dict[str, Any]]) -> tuple[list[str], list[str], bool]:
    goals: list[str] = []
    strategies: list[str] = []
    cvd = False
    for obj in objects:
        for entry in obj.get("sustainability") or ():
            goal = ALIASES.get((entry.get("goal") or "").strip(), (entry.get("goal") or "").strip())
            environmental = goal == "environmental" or goal.startswith("environmental.")
            if environmental and goal not in goals:
                goals.append(goal)
            for strategy in entry.get("strategies") or ():
                if (environmental or strategy in GPP) and strategy not in strategies:
                    strategies.append(strategy)
        if any(str(c).strip().upper() == "EU-CVD" for c in obj.get("coveredBy") or ()):
            cvd = True
    return goals, strategies, cvd


def lots_of(release: dict[str, Any], target: str) -> list[dict[str, Any]]:
    """The lot records of one compiled release (keys, green flags, converted money)."""
    tender = release.get("tender") or {}
    lots = [lot for lot in tender.get("lots") or () if isinstance(lot, dict)]
    lot_ids = [str(lot.get("id", "")) for lot in lots]
    buyer = release.get("buyer") or {}
    buyer_id = buyer.get("id")
    country = (buyer.get("address") or {}).get("country")
    if not country:
        for party in release.get("parties") or ():
            if party.get("id") == buyer_id:
                country = (party.get("address") or {}).get("country")
                break
    items = tender.get("items") or ()
    tender_cpv = cpv_of(items, None, unrelated=True) or cpv_of(items, None)
    period = tender.get("tenderPeriod") or {}
    fallback_date = (
        period.get("startDate") or tender.get("datePublished") or release.get("date") or ""
    )[:10]

    def shares(related: Any) -> list[tuple[str, float]]:
        if not lot_ids:
            return [("", 1.0)]
        known = list(dict.fromkeys(str(x) for x in related or () if str(x) in lot_ids))
        known = known or lot_ids
        return [(lot, 1.0 / len(known)) for lot in known]

    awarded: dict[str, list[tuple[float, str]]] = {}
    award_dates: dict[str, list[str]] = {}
    award_shares: dict[str, list[tuple[str, float]]] = {}
    for award in release.get("awards") or ():
        part = shares(award.get("relatedLots"))
        award_shares[str(award.get("id"))] = part
        if award.get("status") in SKIP_AWARD:
            continue
        value = award.get("value") or {}
        for lot, share in part:
            if value.get("amount") is not None:
                awarded.setdefault(lot, []).append((value["amount"] * share, value["currency"]))
            if award.get("date"):
                award_dates.setdefault(lot, []).append(award["date"][:10])
    contracted: dict[str, list[tuple[float, str]]] = {}
    for contract in release.get("contracts") or ():
        if contract.get("status") in SKIP_CONTRACT:
            continue
        value = contract.get("value") or {}
        if value.get("amount") is None:
            continue
        part = award_shares.get(str(contract.get("awardID"))) or shares(None)
        total = sum(share for _lot, share in part) or 1.0
        for lot, share in part:
            contracted.setdefault(lot, []).append(
                (value["amount"] * share / total, value["currency"])
            )

    out = []
    targets = list(zip(lot_ids, lots, strict=True)) if lots else [("", tender)]
    for lot_id, lot in targets:
        dates = award_dates.get(lot_id)
        date = min(dates) if dates else fallback_date
        year = int(date[:4]) if date else None
        month = int(date[5:7]) if date else None
        objects = [lot, tender] if lots else [tender]
        goals, strategies, cvd = green_of(objects)
        cpv = (cpv_of(items, lot_id) if lots else None) or tender_cpv or cpv_of(items, None)
        estimate = lot.get("value") or {}
        if len(lots) == 1 and estimate.get("amount") is None:
            estimate = tender.get("value") or {}  # one lot: the procedure's estimate

        def convert(
            entries: list[tuple[float, str]] | None, year: int | None = year
        ) -> float | None:
            if not entries or year is None:
                return None
            return sum(amount * rate(currency, year, target) for amount, currency in entries)

        estimated = (
            [(estimate["amount"], estimate["currency"])]
            if estimate.get("amount") is not None
            else None
        )
        out.append(
            {
                "buyer_id": buyer_id,
                "country": country,
                "year": year,
                "month": month,
                "procurement_method": tender.get("procurementMethod"),
                "main_category": lot.get("mainProcurementCategory")
                or tender.get("mainProcurementCategory"),
                "cpv2": cpv[:2] if cpv else None,
                "cpv3": cpv[:3] if cpv else None,
                "is_green": bool(goals) or bool(set(strategies) & GPP) or cvd,
                "cvd": cvd,
                "goals": goals,
                "strategies": strategies,
                "estimated": convert(estimated),
                "awarded": convert(awarded.get(lot_id)),
                "contracted": convert(contracted.get(lot_id)),
            }
        )
    return out


def _new_share() -> list[float]:
    # lots, green, cvd, then (count, sum, green sum) for estimated, awarded, contracted
    return [0, 0, 0, 0, 0.0, 0.0, 0, 0.0, 0.0, 0, 0.0, 0.0]


def run(path: str, by: tuple[str, ...], target: str = "EUR") -> dict[str, Any]:
    columns = [c for key in by for c in KEYS[key]]
    columns = list(dict.fromkeys(columns))
    shares: dict[tuple[Any, ...], list[float]] = {}
    total_share = _new_share()
    lists: dict[str, dict[tuple[Any, ...], list[float]]] = {"goals": {}, "strategies": {}}
    total_lists: dict[str, dict[tuple[Any, ...], list[float]]] = {"goals": {}, "strategies": {}}
    seen: set[str] = set()
    repeated = 0
    loads = orjson.loads
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            release = loads(line)
            ocid = release.get("ocid")
            if ocid in seen:
                repeated += 1
            seen.add(ocid)
            for lot in lots_of(release, target):
                key = tuple(lot[c] for c in columns)
                for acc in (shares.setdefault(key, _new_share()), total_share):
                    green = lot["is_green"]
                    acc[0] += 1
                    acc[1] += green
                    acc[2] += lot["cvd"]
                    for index, kind in ((3, "estimated"), (6, "awarded"), (9, "contracted")):
                        value = lot[kind]
                        if value is not None:
                            acc[index] += 1
                            acc[index + 1] += value
                            if green:
                                acc[index + 2] += value
                for name in ("goals", "strategies"):
                    for item in lot[name]:
                        for table, group in ((lists[name], key), (total_lists[name], ())):
                            acc = table.setdefault((*group, item), [0, 0, 0.0, 0, 0.0])
                            acc[0] += 1
                            if lot["awarded"] is not None:
                                acc[1] += 1
                                acc[2] += lot["awarded"]
                            if lot["contracted"] is not None:
                                acc[3] += 1
                                acc[4] += lot["contracted"]
    return {
        "by": list(by),
        "columns": columns,
        "green_share": [_share_row(columns, k, v) for k, v in _sorted(shares)],
        "goals": [_list_row(columns, "goal", k, v) for k, v in _sorted(lists["goals"])],
        "strategies": [
            _list_row(columns, "strategy", k, v) for k, v in _sorted(lists["strategies"])
        ],
        "totals": {
            "green_share": _share_row([], (), total_share),
            "goals": [_list_row([], "goal", k, v) for k, v in _sorted(total_lists["goals"])],
            "strategies": [
                _list_row([], "strategy", k, v) for k, v in _sorted(total_lists["strategies"])
            ],
        },
        "repeated_ocids": repeated,
    }


def _sorted(table: dict[tuple[Any, ...], list[float]]) -> list[tuple[tuple[Any, ...], Any]]:
    return sorted(table.items(), key=lambda kv: tuple((v is not None, v) for v in kv[0]))


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _share_row(columns: list[str], key: tuple[Any, ...], acc: list[float]) -> dict[str, Any]:
    row = dict(zip(columns, key, strict=True))
    row.update(
        lots=acc[0],
        green_lots=acc[1],
        green_share_count=_ratio(acc[1], acc[0]),
        cvd_lots=acc[2],
    )
    for index, kind in ((3, "estimated"), (6, "awarded"), (9, "contracted")):
        count, value, green = acc[index], acc[index + 1], acc[index + 2]
        row[f"lots_with_{kind}_value"] = count
        row[f"{kind}_value"] = value if count else None
        row[f"green_{kind}_value"] = green if count else None
        row[f"green_share_{kind}"] = _ratio(green, value) if count else None
    return row


def _list_row(
    columns: list[str], name: str, key: tuple[Any, ...], acc: list[float]
) -> dict[str, Any]:
    row = dict(zip([*columns, name], key, strict=True))
    row.update(
        lots=acc[0],
        lots_with_awarded_value=acc[1],
        awarded_value=acc[2] if acc[1] else None,
        lots_with_contracted_value=acc[3],
        contracted_value=acc[4] if acc[3] else None,
    )
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--by", default="")
    parser.add_argument("--currency", default="EUR")
    args = parser.parse_args(argv)
    by = tuple(k for k in args.by.split(",") if k)
    result = run(args.path, by, args.currency.upper())
    sys.stdout.buffer.write(orjson.dumps(result) + b"\n")


if __name__ == "__main__":
    main()

"""Synthetic OCDS data of any size, for benchmarks and scale tests.

:func:`generate` writes realistic OCDS 1.1 data as JSON Lines (plain, or gzip when the path
ends in ``.gz``): either release packages (one package per line, the input of the whole
pipeline and of ``ocdskit compile``) or compiled releases (one per line, the input of the
indicator engines and of ``ocdscardinal coverage``). The data is synthetic and says so: every
ocid starts with the prefix ``ocds-gpsyn0-`` and the publisher is "GreenProcure synthetic
data". Nothing here is presented as a real procurement.

What makes it realistic enough to exercise the whole pipeline:

- buyers from a fixed pool in ten countries, each with its currency (all currencies and the
  default years 2020-2023 have rates in the reference exchange-rate table) and a party entry
  (roles ``buyer``, ISO country code in ``address.country``);
- a main CPV code per lot (``tender.items[].classification`` with ``relatedLot``) drawn from
  real CPV codes of goods, works and services; procurement methods open/selective/limited/direct;
- tenders with 1..``max_lots`` lots, and a share of tenders without lots (their own lot);
- awards with ``relatedLots`` (sometimes one award for two lots, sometimes an unsuccessful
  award without money) and contracts pointing to them through ``awardID``;
- sustainability (OCDS sustainability extension) on ``green_share`` of the lots: environmental
  goals with their strategies, GPP-criteria strategies, Clean Vehicles Directive scope
  (``coveredBy: ["EU-CVD"]``) on vehicle lots; and, as realistic negatives, social-only goals
  and bare ``hasSustainability`` on some non-green lots;
- ``releases_per_ocid`` releases per contracting process (tender, award, contract, then
  contract amendments), whose merge under the OCDS merge rules is the compiled release that
  the ``compiled`` form writes (a differential test checks this against ocdsmerge).

Generation is deterministic for a given seed and parallel over processes: the processes are
made in chunks, each from its own seeded random generator, and the chunks are written in order.
Why hand-written: no library generates OCDS with lots, sustainability and money attribution.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

import orjson

from greenprocure.errors import ValidationError
from greenprocure.i18n import N_

__all__ = ["OCID_PREFIX", "SynthResult", "generate", "iter_processes"]

#: Prefix of every synthetic ocid (a made-up publisher prefix: the data is not real).
OCID_PREFIX = "ocds-gpsyn0-"

Form = Literal["release-package", "compiled"]

_CHUNK = 2000  # contracting processes per chunk (unit of parallel work and of determinism)

#: (country code, country name, currency, share of buyers)
_COUNTRIES: tuple[tuple[str, str, str, float], ...] = (
    ("DE", "Germany", "EUR", 0.20),
    ("FR", "France", "EUR", 0.16),
    ("ES", "Spain", "EUR", 0.10),
    ("GB", "United Kingdom", "GBP", 0.06),
    ("DK", "Denmark", "DKK", 0.04),
    ("NO", "Norway", "NOK", 0.06),
    ("SE", "Sweden", "SEK", 0.06),
    ("MX", "Mexico", "MXN", 0.10),
    ("KR", "Republic of Korea", "KRW", 0.08),
    ("JP", "Japan", "JPY", 0.08),
    ("CN", "China", "CNY", 0.06),
)

#: Approximate units of each currency per euro, to keep values plausible in every currency.
_PER_EUR = {
    "EUR": 1.0,
    "GBP": 0.86,
    "DKK": 7.45,
    "NOK": 11.0,
    "SEK": 11.0,
    "MXN": 20.0,
    "KRW": 1400.0,
    "JPY": 150.0,
    "CNY": 7.6,
}

_BUYER_KINDS = (
    "City of {place}",
    "{place} Municipal Council",
    "{place} Regional Health Authority",
    "{place} Public Transport Company",
    "{place} University",
    "{place} School District",
    "Ministry of Environment ({place} office)",
    "{place} Water and Sewerage Utility",
)
_PLACES = (
    "Northbrook", "Eastfield", "Lakeside", "Rivermouth", "Hillcrest", "Westport", "Oakridge",
    "Stonebridge", "Greenvale", "Ashford", "Maple Bay", "Pinecrest", "Harborview", "Silverton",
    "Brookhaven", "Fairmont", "Kingsbury", "Elmstead", "Crestwood", "Sunnydale",
)  # fmt: skip

#: Real CPV codes: (code, main procurement category, relative weight, vehicle lot?, title)
_CPV: tuple[tuple[str, str, float, bool, str], ...] = (
    ("09310000", "goods", 3, False, "Electricity"),
    ("09134200", "goods", 2, False, "Diesel fuel"),
    ("30213100", "goods", 4, False, "Portable computers"),
    ("30213300", "goods", 3, False, "Desktop computer"),
    ("30232110", "goods", 2, False, "Laser printers"),
    ("30197630", "goods", 3, False, "Printing paper"),
    ("39130000", "goods", 4, False, "Office furniture"),
    ("39100000", "goods", 2, False, "Furniture"),
    ("34144900", "goods", 1, True, "Electric vehicles"),
    ("34121000", "goods", 1, True, "Buses and coaches"),
    ("34110000", "goods", 1, True, "Passenger cars"),
    ("15800000", "goods", 3, False, "Miscellaneous food products"),
    ("33600000", "goods", 3, False, "Pharmaceutical products"),
    ("18100000", "goods", 1, False, "Occupational clothing"),
    ("31527260", "goods", 1, False, "Lighting systems"),
    ("45210000", "works", 4, False, "Building construction work"),
    ("45233140", "works", 3, False, "Roadworks"),
    ("45331000", "works", 2, False, "Heating, ventilation and air-conditioning installation"),
    ("45261215", "works", 1, False, "Solar panel roof-covering work"),
    ("55524000", "services", 3, False, "School catering services"),
    ("90910000", "services", 3, False, "Cleaning services"),
    ("90919200", "services", 2, False, "Office cleaning services"),
    ("90500000", "services", 2, False, "Refuse and waste related services"),
    ("60100000", "services", 1, True, "Road transport services"),
    ("72000000", "services", 3, False, "IT services"),
    ("71000000", "services", 2, False, "Architectural, construction and engineering services"),
    ("79000000", "services", 2, False, "Business services"),
)
_CPV_WEIGHTS = tuple(row[2] for row in _CPV)

#: Typical lot value in euro by main procurement category (median of a log-normal draw).
_MEDIAN_EUR = {"goods": 60_000.0, "works": 400_000.0, "services": 120_000.0}

_METHODS = (("open", 0.6), ("selective", 0.15), ("limited", 0.1), ("direct", 0.15))
_GREEN_GOALS = (
    "environmental",
    "environmental.climateChangeMitigation",
    "environmental.energyEfficiency",
    "environmental.circularEconomy",
    "environmental.pollutionPrevention",
    "environmental.wasteReduction",
    "environmental.biodiversityProtectionRestoration",
    "environmental.waterResourcesProtection",
)
_GREEN_STRATEGIES = (
    "awardCriteria",
    "technicalSpecifications",
    "contractPerformanceConditions",
    "selectionCriteria",
)
_GPP_STRATEGIES = ("euGPPCriteria", "nationalGPPCriteria", "otherGPPCriteria")
_SOCIAL_GOALS = ("social.smeInclusion", "social.accessibility", "social.laborRightsPromotion")
_CVD_TYPES = ("pur", "lea-ren", "serv-pub")

_EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_sustainability_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_coveredBy_extension/master/extension.json",
)  # fmt: skip


@dataclass(frozen=True)
class SynthResult:
    """What :func:`generate` wrote."""

    path: str
    form: str
    processes: int
    releases: int
    lines: int
    lots: int
    green_lots: int
    bytes_written: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """The result as a plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class _Settings:
    seed: int
    green_share: float
    releases_per_ocid: int
    max_lots: int
    no_lot_share: float
    buyers: int
    start_year: int
    years: int


def _buyer_pool(settings: _Settings) -> list[dict[str, Any]]:
    rng = random.Random(f"{settings.seed}:buyers")
    weights = [row[3] for row in _COUNTRIES]
    pool = []
    for index in range(settings.buyers):
        code, name, currency, _share = rng.choices(_COUNTRIES, weights)[0]
        place = rng.choice(_PLACES)
        pool.append(
            {
                "id": f"{code}-ORG-{index + 1:05d}",
                "name": rng.choice(_BUYER_KINDS).format(place=place),
                "country": code,
                "countryName": name,
                "currency": currency,
                "locality": place,
            }
        )
    return pool


def _money(rng: random.Random, category: str, currency: str) -> float:
    euros = rng.lognormvariate(0.0, 1.0) * _MEDIAN_EUR[category]
    amount = euros * _PER_EUR[currency]
    return float(round(amount, 2 if amount < 1e7 else 0))


def _sustainability(rng: random.Random, vehicle: bool) -> tuple[dict[str, Any], bool]:
    """Green lot fields: sustainability entries and, on vehicle lots, CVD scope."""
    entries: list[dict[str, Any]] = []
    kind = rng.random()
    if kind < 0.75:
        goals = rng.sample(_GREEN_GOALS, rng.choice((1, 1, 2)))
        for goal in goals:
            strategies = sorted(rng.sample(_GREEN_STRATEGIES, rng.randint(1, 3)))
            entries.append({"goal": goal, "strategies": strategies})
        if rng.random() < 0.3:
            entries.append({"strategies": [rng.choice(_GPP_STRATEGIES)]})
    else:
        # BT-805 alone: GPP criteria without a stated goal (eForms profile mapping).
        entries.append({"strategies": [rng.choice(_GPP_STRATEGIES)]})
    fields: dict[str, Any] = {"hasSustainability": True, "sustainability": entries}
    cvd = vehicle and rng.random() < 0.8
    return fields, cvd


def _not_green(rng: random.Random) -> dict[str, Any]:
    """Non-green lot fields: mostly nothing, sometimes a social goal or a bare flag."""
    draw = rng.random()
    if draw < 0.06:
        goal = rng.choice(_SOCIAL_GOALS)
        return {
            "hasSustainability": True,
            "sustainability": [{"goal": goal, "strategies": ["reservedParticipation"]}],
        }
    if draw < 0.09:
        return {"hasSustainability": True}
    if draw < 0.15:
        return {"hasSustainability": False}
    return {}


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Process:
    ocid: str
    tender: dict[str, Any]
    awards: list[dict[str, Any]]
    contracts: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    buyer: dict[str, Any]
    signed: dt.datetime


def _process(
    rng: random.Random, number: int, settings: _Settings, buyers: list[dict[str, Any]]
) -> _Process:
    """One contracting process in its final state."""
    ocid = f"{OCID_PREFIX}{number:09d}"
    buyer = rng.choice(buyers)
    currency = buyer["currency"]
    start = dt.datetime(settings.start_year, 1, 1) + dt.timedelta(
        # awards follow within 160 days: keep them inside the last year as well
        seconds=rng.randrange((settings.years * 365 - 160) * 86400)
    )
    cpv, category, _weight, vehicle, cpv_title = rng.choices(_CPV, _CPV_WEIGHTS)[0]
    method = rng.choices([m for m, _ in _METHODS], [w for _, w in _METHODS])[0]
    party_buyer = {
        "id": buyer["id"],
        "name": buyer["name"],
        "roles": ["buyer"],
        "address": {
            "locality": buyer["locality"],
            "country": buyer["country"],
            "countryName": buyer["countryName"],
        },
    }

    has_lots = rng.random() >= settings.no_lot_share
    n_lots = rng.randint(1, settings.max_lots) if has_lots else 0
    lots: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    cvd_lots: list[bool] = []
    tender_extra: dict[str, Any] = {}
    total = 0.0
    for index in range(max(n_lots, 1)):
        lot_cpv, lot_category, lot_vehicle, lot_title = cpv, category, vehicle, cpv_title
        if index > 0 and rng.random() < 0.3:
            lot_cpv, lot_category, _w, lot_vehicle, lot_title = rng.choices(_CPV, _CPV_WEIGHTS)[0]
        value = _money(rng, lot_category, currency)
        total += value
        green = rng.random() < settings.green_share
        if green:
            fields, cvd = _sustainability(rng, lot_vehicle)
        else:
            fields, cvd = _not_green(rng), False
        cvd_lots.append(cvd)
        item: dict[str, Any] = {
            "id": str(index + 1),
            "description": lot_title,
            "classification": {"scheme": "CPV", "id": lot_cpv, "description": lot_title},
        }
        if has_lots:
            lot: dict[str, Any] = {
                "id": f"LOT-{index + 1:04d}",
                "title": f"{lot_title}, lot {index + 1}",
                "status": "active",
                "value": {"amount": value, "currency": currency},
                "mainProcurementCategory": lot_category,
            }
            lot.update(fields)
            if cvd:
                lot["coveredBy"] = ["EU-CVD"]
                lot["additionalClassifications"] = [
                    {"scheme": "eu-cvd-contract-type", "id": rng.choice(_CVD_TYPES)}
                ]
            lots.append(lot)
            item["relatedLot"] = lot["id"]
        else:
            tender_extra.update(fields)
            if cvd:
                tender_extra["coveredBy"] = ["EU-CVD"]
        items.append(item)

    tender_period_end = start + dt.timedelta(days=rng.randint(20, 60))
    tender: dict[str, Any] = {
        "id": f"T-{number:09d}",
        "title": f"{cpv_title} for {buyer['name']}",
        "status": "active",
        "procurementMethod": method,
        "mainProcurementCategory": category,
        "value": {"amount": round(total, 2), "currency": currency},
        "tenderPeriod": {"startDate": _iso(start), "endDate": _iso(tender_period_end)},
        "items": items,
    }
    if lots:
        tender["lots"] = lots
    tender.update(tender_extra)

    # Awards: one per lot, sometimes one for two lots, sometimes unsuccessful (no money).
    award_date = tender_period_end + dt.timedelta(days=rng.randint(10, 90))
    lot_ids = [lot["id"] for lot in lots] or [""]
    awards: list[dict[str, Any]] = []
    groups: list[list[str]] = []
    position = 0
    while position < len(lot_ids):
        size = 2 if position + 1 < len(lot_ids) and rng.random() < 0.15 else 1
        groups.append(lot_ids[position : position + size])
        position += size
    for index, group in enumerate(groups):
        if lots:
            estimate = sum(lot["value"]["amount"] for lot in lots if lot["id"] in group)
        else:
            estimate = total
        award: dict[str, Any] = {"id": f"A-{number:09d}-{index + 1}", "date": _iso(award_date)}
        if rng.random() < 0.05:
            award["status"] = "unsuccessful"
        else:
            award["status"] = "active"
            award["value"] = {
                "amount": round(estimate * rng.uniform(0.75, 1.05), 2),
                "currency": currency,
            }
            supplier = rng.randrange(1, 50_000)
            award["suppliers"] = [
                {"id": f"{buyer['country']}-SUP-{supplier:06d}", "name": f"Supplier {supplier}"}
            ]
        if lots:
            award["relatedLots"] = group
        awards.append(award)

    contracts: list[dict[str, Any]] = []
    sign = award_date + dt.timedelta(days=rng.randint(5, 40))
    for award in awards:
        if award["status"] != "active":
            continue
        contracts.append(
            {
                "id": f"C-{award['id'][2:]}",
                "awardID": award["id"],
                "status": "active",
                "value": dict(award["value"]),
                "dateSigned": _iso(sign),
            }
        )
    parties = [party_buyer] + [
        {"id": s["id"], "name": s["name"], "roles": ["supplier"]}
        for award in awards
        for s in award.get("suppliers", [])
    ]
    buyer_ref = {"id": buyer["id"], "name": buyer["name"]}
    return _Process(ocid, tender, awards, contracts, parties, buyer_ref, sign)


def _releases(
    rng: random.Random, number: int, settings: _Settings, buyers: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The releases of one process, in date order: tender, award, contract, amendments."""
    process = _process(rng, number, settings, buyers)
    ocid, tender, awards, parties = process.ocid, process.tender, process.awards, process.parties
    contracts, sign, buyer_ref = process.contracts, process.signed, process.buyer
    count = settings.releases_per_ocid
    base = {"ocid": ocid, "initiationType": "tender", "buyer": buyer_ref}

    def release(index: int, date: str, tag: list[str], **sections: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"id": f"{ocid}-{index:02d}", "date": date, "tag": tag}
        body.update(base)
        body.update(sections)
        return body

    tender_done = {"id": tender["id"], "status": "complete"}
    # A process whose awards all failed ends with an unsuccessful tender, not with contracts.
    closing: dict[str, Any] = (
        {"contracts": contracts}
        if contracts
        else {"tender": {"id": tender["id"], "status": "unsuccessful"}}
    )
    closing_tag = ["contract"] if contracts else ["tenderUpdate"]
    if count == 1:
        single = {"parties": parties, "tender": dict(tender, status="complete"), "awards": awards}
        single.update(closing)
        return [release(1, _iso(sign), ["tender", "award", *closing_tag], **single)]
    start = tender["tenderPeriod"]["startDate"]
    out = [release(1, start, ["tender"], parties=parties[:1], tender=tender)]
    if count == 2:
        second = {"parties": parties, "tender": tender_done, "awards": awards}
        second.update(closing)
        out.append(release(2, _iso(sign), ["award", "tenderUpdate", *closing_tag], **second))
        return out
    award_date = awards[0]["date"]
    out.append(
        release(2, award_date, ["award", "tenderUpdate"], parties=parties, tender=tender_done,
                awards=awards)
    )  # fmt: skip
    out.append(release(3, _iso(sign), closing_tag, **_copy(closing)))
    moment = sign
    for index in range(4, count + 1):
        # Contract amendments: a later value for some contracts (merged by contract id).
        moment = moment + dt.timedelta(days=rng.randint(30, 200))
        if not contracts:
            out.append(release(index, _iso(moment), ["tenderUpdate"], **_copy(closing)))
            continue
        changed = []
        for contract in contracts:
            if rng.random() < 0.5:
                amount = round(contract["value"]["amount"] * rng.uniform(1.0, 1.15), 2)
                contract["value"] = {"amount": amount, "currency": contract["value"]["currency"]}
                changed.append({"id": contract["id"], "value": dict(contract["value"])})
        if not changed:
            changed.append({"id": contracts[0]["id"], "status": "active"})
        out.append(release(index, _iso(moment), ["contractAmendment"], contracts=changed))
    return out


def _merge_into(target: dict[str, Any], source: dict[str, Any]) -> None:
    """OCDS merge of ``source`` into ``target``: objects recursively, arrays of objects with
    ``id`` by id, every other value (arrays of strings, arrays without ids) replaced."""
    for key, value in source.items():
        if isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _merge_into(current, value)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "id" in v for v in value)
        ):
            current_list = target.get(key)
            if not isinstance(current_list, list):
                current_list = target[key] = []
            by_id = {entry.get("id"): entry for entry in current_list if isinstance(entry, dict)}
            for entry in value:
                if entry["id"] in by_id:
                    _merge_into(by_id[entry["id"]], entry)
                else:
                    fresh: dict[str, Any] = {}
                    _merge_into(fresh, entry)
                    current_list.append(fresh)
                    by_id[entry["id"]] = fresh
        elif isinstance(value, list):
            target[key] = _copy(value)
        else:
            target[key] = value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _compile(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process's releases (they are already in date order)."""
    compiled: dict[str, Any] = {}
    for release in releases:
        body = {k: v for k, v in release.items() if k not in ("tag", "id", "date")}
        _merge_into(compiled, body)
    last = releases[-1]
    compiled["id"] = f"{last['ocid']}-{last['date']}"
    compiled["date"] = last["date"]
    compiled["tag"] = ["compiled"]
    return compiled


def iter_processes(
    count: int,
    *,
    seed: int = 0,
    green_share: float = 0.3,
    releases_per_ocid: int = 3,
    max_lots: int = 4,
    no_lot_share: float = 0.3,
    buyers: int = 2000,
    start_year: int = 2020,
    years: int = 4,
    first: int = 0,
) -> Iterator[list[dict[str, Any]]]:
    """The releases of ``count`` contracting processes, one list per process, in memory.

    Process ``n`` depends only on the seed and ``n`` (its chunk's generator), so any slice of
    processes is the same whichever way it is produced.
    """
    settings = _check(
        seed, green_share, releases_per_ocid, max_lots, no_lot_share, buyers, start_year, years
    )
    pool = _buyer_pool(settings)
    end = first + count
    chunk = first // _CHUNK
    while chunk * _CHUNK < end:
        rng = random.Random(f"{settings.seed}:chunk:{chunk}")
        for number in range(chunk * _CHUNK, (chunk + 1) * _CHUNK):
            releases = _releases(rng, number, settings, pool)
            if first <= number < end:
                yield releases
        chunk += 1


def _check(
    seed: int,
    green_share: float,
    releases_per_ocid: int,
    max_lots: int,
    no_lot_share: float,
    buyers: int,
    start_year: int,
    years: int,
) -> _Settings:
    if not 0.0 <= green_share <= 1.0:
        raise ValidationError(
            N_("green share must be between 0 and 1, got {value}"),
            field="green_share",
            value=green_share,
        )
    if not 0.0 <= no_lot_share <= 1.0:
        raise ValidationError(
            N_("share of tenders without lots must be between 0 and 1, got {value}"),
            field="no_lot_share",
            value=no_lot_share,
        )
    for name, value in (
        ("releases_per_ocid", releases_per_ocid),
        ("max_lots", max_lots),
        ("buyers", buyers),
        ("years", years),
    ):
        if value < 1:
            raise ValidationError(
                N_("{name} must be at least 1, got {value}"), field=name, name=name, value=value
            )
    return _Settings(
        seed, green_share, releases_per_ocid, max_lots, no_lot_share, buyers, start_year, years
    )


@dataclass(frozen=True)
class _Job:
    settings: _Settings
    form: str
    package_size: int
    first: int
    count: int


def _render_chunk(job: _Job) -> tuple[bytes, int, int, int, int]:
    """Serialised lines of one chunk: (bytes, releases, lines, lots, green lots)."""
    settings = job.settings
    pool = _buyer_pool(settings)
    chunk = job.first // _CHUNK
    rng = random.Random(f"{settings.seed}:chunk:{chunk}")
    parts: list[bytes] = []
    n_releases = lots = green = 0
    pending: list[dict[str, Any]] = []
    lines = 0
    for number in range(job.first, job.first + job.count):
        releases = _releases(rng, number, settings, pool)
        n_releases += len(releases)
        compiled = _compile(releases)
        tender = compiled["tender"]
        lot_list = tender.get("lots") or [tender]
        lots += len(lot_list)
        green += sum(1 for lot in lot_list if _is_green(lot))
        if job.form == "compiled":
            parts.append(orjson.dumps(compiled))
            parts.append(b"\n")
            lines += 1
            continue
        pending.extend(releases)
        while len(pending) >= job.package_size:
            parts.append(_package(pending[: job.package_size], number))
            pending = pending[job.package_size :]
            lines += 1
    if pending:
        parts.append(_package(pending, job.first + job.count))
        lines += 1
    return b"".join(parts), n_releases, lines, lots, green


def _is_green(lot: dict[str, Any]) -> bool:
    """The greenness rule of the monitoring contract, on synthetic lots (for the summary)."""
    if "EU-CVD" in (lot.get("coveredBy") or []):
        return True
    for entry in lot.get("sustainability") or []:
        if str(entry.get("goal", "")).startswith("environmental"):
            return True
        if any(s in _GPP_STRATEGIES for s in entry.get("strategies") or []):
            return True
    return False


def _package(releases: list[dict[str, Any]], number: int) -> bytes:
    published = max(release["date"] for release in releases)
    package = {
        "uri": f"https://example.org/greenprocure-synthetic/packages/{number:09d}.json",
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": "GreenProcure synthetic data"},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "extensions": list(_EXTENSIONS),
        "releases": releases,
    }
    return orjson.dumps(package) + b"\n"


def generate(
    n_releases: int,
    output: str | Path,
    *,
    seed: int = 0,
    green_share: float = 0.3,
    releases_per_ocid: int = 3,
    max_lots: int = 4,
    no_lot_share: float = 0.3,
    form: Form = "release-package",
    package_size: int = 100,
    buyers: int = 2000,
    start_year: int = 2020,
    years: int = 4,
    workers: int | None = None,
) -> SynthResult:
    """Write synthetic OCDS data with about ``n_releases`` releases to ``output``.

    ``form="release-package"`` writes release packages of ``package_size`` releases, one per
    line; ``form="compiled"`` writes the compiled release of each process, one per line.
    The number of processes is ``ceil(n_releases / releases_per_ocid)``. A path ending in
    ``.gz`` is gzip-compressed. The file is written to a temporary name and renamed, so it is
    never half written. ``workers`` processes render chunks in parallel (default: CPU count).
    """
    settings = _check(
        seed, green_share, releases_per_ocid, max_lots, no_lot_share, buyers, start_year, years
    )
    if n_releases < 1:
        raise ValidationError(
            N_("{name} must be at least 1, got {value}"),
            field="n_releases",
            name="n_releases",
            value=n_releases,
        )
    if package_size < 1:
        raise ValidationError(
            N_("{name} must be at least 1, got {value}"),
            field="package_size",
            name="package_size",
            value=package_size,
        )
    if form not in ("release-package", "compiled"):
        raise ValidationError(
            N_("unknown form {form}; use release-package or compiled"), field="form", form=form
        )
    path = Path(output)
    processes = -(-n_releases // releases_per_ocid)
    jobs = [
        _Job(settings, form, package_size, start, min(_CHUNK, processes - start))
        for start in range(0, processes, _CHUNK)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    totals = [0, 0, 0, 0]
    try:
        with _open(temporary, path.name.endswith(".gz")) as handle:
            for data, n_rel, lines, lots, green in _run(jobs, workers):
                handle.write(data)
                for index, value in enumerate((n_rel, lines, lots, green)):
                    totals[index] += value
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return SynthResult(
        path=str(path),
        form=form,
        processes=processes,
        releases=totals[0],
        lines=totals[1],
        lots=totals[2],
        green_lots=totals[3],
        bytes_written=path.stat().st_size,
        seed=seed,
    )


def _open(path: Path, compress: bool) -> BinaryIO:
    if compress:
        return gzip.open(path, "wb", compresslevel=1)  # type: ignore[return-value]
    return path.open("wb")


def _run(jobs: list[_Job], workers: int | None) -> Iterator[tuple[bytes, int, int, int, int]]:
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count <= 1 or len(jobs) <= 1:
        yield from map(_render_chunk, jobs)
        return
    with ProcessPoolExecutor(max_workers=count) as pool:
        # map keeps the order; chunks are produced ahead but the pool bounds what is pending.
        window = count * 2
        for start in range(0, len(jobs), window):
            yield from pool.map(_render_chunk, jobs[start : start + window])

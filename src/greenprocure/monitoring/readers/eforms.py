"""eForms XML notices (SDK 1.x) to compiled OCDS releases, as the OCDS for eForms profile maps them.

Parsing is hardened: a notice with a document type declaration (the only place where entities
can be declared, so billion-laughs bombs and external entities) is refused with
:class:`~greenprocure.errors.UnsafeInputError` before parsing; lxml then parses with entity
resolution, DTD loading and network access off, and without ``huge_tree``.

What is read (business term -> OCDS path, per ``eforms/ocds-mapping/guidance.yaml``):

* BT-701 notice identifier -> ``id``; BT-04 procedure identifier -> ``ocid``
  (``ocds-eforms-<procedure id>``; the profile leaves the prefix to the publisher);
  BT-05 issue date -> ``date``;
* buyer (OPT-300) -> ``buyer`` and ``parties`` (BT-500 name, `` - `` BT-16 part name;
  country: ISO 3166 alpha-3 in
  eForms, alpha-2 in OCDS, converted with CLDR's territory aliases via Babel);
* BT-105 procedure type -> ``tender.procurementMethod`` by the guidance's mapping table
  (open and exp-int-rail -> open; restricted, neg-w-call, comp-dial, innovation and
  comp-tend -> selective; neg-wo-call -> limited; oth-single and oth-mult unmapped);
* BT-23 main nature -> ``mainProcurementCategory`` (supplies -> goods);
* BT-262 main CPV -> ``items[].classification`` (procedure, and per lot with ``relatedLot``);
* BT-27 estimated value -> ``tender.value`` / ``tender.lots[].value``;
* BT-06 strategic procurement, BT-774 environmental impact, BT-805 GPP criteria, BT-775 social
  and BT-776 innovation (their specific codes by the guidance's tables) ->
  ``tender.lots[].sustainability`` (one object per code; BT-06 with
  the four strategies the profile gives it; ``none`` discarded);
* BT-717 CVD scope -> ``tender.lots[].coveredBy`` ``EU-CVD``; BT-735 -> lot and award items'
  ``additionalClassifications`` ``eu-cvd-contract-type``; BT-723 vehicle category, OPT-155 /
  OPT-156 vehicle counts -> ``awards[].items``;
* lot results -> ``awards[]`` (BT-142 ``selec-w`` -> active, ``clos-nw`` -> unsuccessful,
  ``open-nw`` -> pending; value = the payable amounts, BT-720, of its winning tenders added
  up: those it lists that its settled contracts name, else those it lists ranked first,
  else all it lists; none in two currencies; european-union-support#178);
  settled contracts -> ``contracts[]`` with ``awardID`` and
  ``dateSigned`` (the guidance maps no eForms value to ``contracts[].value``, so eForms rows
  have no contracted value); BT-1451 earliest winner decision date -> ``awards[].date``;
* a notice of form type (BT-03) ``bri`` is left out, as the guidance says, with a record
  error saying so.
"""

from __future__ import annotations

import contextlib
import gzip
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from greenprocure.errors import ParseError, UnsafeInputError, ValidationError
from greenprocure.i18n import N_
from greenprocure.monitoring import reasons
from greenprocure.monitoring.readers._source import (
    COMPRESSION_ERRORS,
    UNSUPPORTED_MEMBER,
    open_zip,
)
from greenprocure.monitoring.readers.ocds import Document
from greenprocure.monitoring.rows import RecordError

__all__ = [
    "NOTICE_ROOTS",
    "is_xml_name",
    "iter_notices",
    "notice_to_release",
    "parse_notice",
    "parse_notice_bytes",
]

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
_MAX_BYTES = 64 * 1024 * 1024

#: The root elements of the eForms notices this reader maps (SDK 1.x, UBL 2.3).
NOTICE_ROOTS = frozenset(
    f"{{urn:oasis:names:specification:ubl:schema:xsd:{kind}-2}}{kind}"
    for kind in ("ContractNotice", "ContractAwardNotice", "PriorInformationNotice")
)

#: BT-105 procedure types as the OCDS for eForms mapping guidance maps them to
#: ``tender.procurementMethod`` (``../shared/data/eforms/ocds-mapping/guidance.yaml``,
#: BT-105-Procedure, and its procurement procedure type mapping table, Open Contracting
#: Partnership, european-union-support, ``output/mapping/eforms/mapping-tables/
#: procurement-procedure-type.csv``, 2024): competitive dialogue, innovation partnership
#: and competitive tendering (Regulation 1370/2007) are selective, a rail public service
#: intention (``exp-int-rail``) is open; ``oth-single`` and ``oth-mult`` set no method.
_METHOD = {
    "open": "open",
    "exp-int-rail": "open",
    "comp-tend": "selective",
    "restricted": "selective",
    "neg-w-call": "selective",
    "comp-dial": "selective",
    "innovation": "selective",
    "neg-wo-call": "limited",
}
_CATEGORY = {"supplies": "goods", "works": "works", "services": "services"}
_STRATEGIC = {
    "env-imp": "environmental",
    "inn-pur": "economic.innovativePurchase",
    "soc-obj": "social",
}
_BT06_STRATEGIES = [
    "awardCriteria",
    "contractPerformanceConditions",
    "selectionCriteria",
    "technicalSpecifications",
]
_ENVIRONMENTAL = {
    "biodiv-eco": "environmental.biodiversityProtectionRestoration",
    "circ-econ": "environmental.circularEconomy",
    "clim-adapt": "environmental.climateChangeAdaptation",
    "clim-mitig": "environmental.climateChangeMitigation",
    "other": "environmental",
    "pollu-prev": "environmental.pollutionPrevention",
    "water-mar": "environmental.waterResources",
}
#: BT-775 social objectives and BT-776 innovative acquisitions, by the guidance's mapping
#: tables (Open Contracting Partnership, european-union-support, ``output/mapping/eforms/
#: mapping-tables/social-objective.csv`` and ``innovative-acquisition.csv``, 2024); a code
#: they do not list keeps the general goal.
_SOCIAL = {
    "acc-all": "social.accessibility",
    "et-eq": "social.ethnicEquality",
    "gen-eq": "social.genderEquality",
    "hum-right": "social.humanRightsInSupplyChain",
    "opp": "social.disadvantagedEmploymentOpportunities",
    "other": "social",
    "work-cond": "social.laborRightsPromotion",
}
_INNOVATIVE = {
    "mar-nov": "economic.marketInnovationPromotion",
    "proc-innov": "economic.processInnovation",
    "prod-innov": "economic.productInnovation",
    "rd-act": "economic.researchDevelopmentActivities",
}
_GPP = {"eu": "euGPPCriteria", "national": "nationalGPPCriteria", "other": "otherGPPCriteria"}
_RESULT_STATUS = {"selec-w": "active", "clos-nw": "unsuccessful", "open-nw": "pending"}

_EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_notice(path: str | Path) -> etree._Element:
    """The root element of a notice; hostile or malformed XML raises an error naming the file."""
    opener = _gz_opener(Path(path)) if str(path).lower().endswith(".gz") else None
    if opener is None:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
    else:
        with opener() as handle:
            data = handle.read(_MAX_BYTES + 1)
    return parse_notice_bytes(data, str(path))


def _gz_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: cast(IO[bytes], gzip.open(path, "rb"))


def parse_notice_bytes(data: bytes, name: str) -> etree._Element:
    """:func:`parse_notice` for content already read (``name`` is used in errors)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # UTF-16: look for declarations in the decoded text too.
        probe = data.decode("utf-16", "replace").encode("utf-8")
    else:
        probe = data
    if len(data) > _MAX_BYTES:
        raise UnsafeInputError(
            N_("XML notice larger than {limit} bytes refused"), file=name, limit=_MAX_BYTES
        )
    if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
        raise UnsafeInputError(
            N_("XML with a document type declaration or entities refused"), file=name
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise ParseError(N_("malformed XML: {reason}"), file=name, reason=str(error)) from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise UnsafeInputError(
            N_("XML with a document type declaration or entities refused"), file=name
        )
    return root


def _text(node: Any, path: str) -> str | None:
    found = node.find(path, NS)
    if found is None or found.text is None:
        return None
    return str(found.text).strip() or None


def _amount(node: Any, path: str) -> dict[str, Any] | None:
    found = node.find(path, NS)
    if found is None or found.text is None:
        return None
    try:
        amount = float(found.text.strip())
    except ValueError:
        raise ValidationError(
            N_("amount {value} is not a number"),
            field=etree.QName(found).localname,
            value=found.text.strip()[:40],
        ) from None
    currency = found.get("currencyID")
    return {"amount": amount, "currency": currency} if currency else {"amount": amount}


def _date(value: str | None) -> str | None:
    """eForms dates carry an offset after the day (``2023-03-23+02:00``); keep the day."""
    if value is None:
        return None
    return value[:10]


def _country(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().upper()
    if len(code) == 2:
        return code
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    found = aliases.get(code)
    if found and len(found[0]) == 2:
        return str(found[0])
    return None


def _sustainability(project: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for additional in project.findall("cac:ProcurementAdditionalType", NS):
        code_node = additional.find("cbc:ProcurementTypeCode", NS)
        if code_node is None or not code_node.text:
            continue
        code = code_node.text.strip()
        listname = code_node.get("listName")
        if listname == "strategic-procurement":
            goal = _STRATEGIC.get(code)
            if goal:
                entry: dict[str, Any] = {"goal": goal, "strategies": list(_BT06_STRATEGIES)}
                description = _text(additional, "cbc:ProcurementType")
                if description:
                    entry["description"] = description
                entries.append(entry)
        elif listname == "environmental-impact":
            goal = _ENVIRONMENTAL.get(code)
            if goal:
                entries.append({"goal": goal})
        elif listname == "gpp-criteria":
            strategy = _GPP.get(code)
            if strategy:
                entries.append({"strategies": [strategy]})
        elif listname == "social-objective" and code != "none":
            entries.append({"goal": _SOCIAL.get(code, "social")})
        elif listname == "innovative-acquisition" and code != "none":
            entries.append({"goal": _INNOVATIVE.get(code, "economic.innovativePurchase")})
    return entries


def _cpv_item(project: Any, item_id: str, lot_id: str | None) -> dict[str, Any] | None:
    code = _text(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode")
    if code is None:
        return None
    item: dict[str, Any] = {"id": item_id, "classification": {"scheme": "CPV", "id": code}}
    if lot_id is not None:
        item["relatedLot"] = lot_id
    return item


def _lot(node: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    lot_id = _text(node, "cbc:ID") or ""
    lot: dict[str, Any] = {"id": lot_id}
    project = node.find("cac:ProcurementProject", NS)
    if project is not None:
        title = _text(project, "cbc:Name")
        if title:
            lot["title"] = title
        category = _CATEGORY.get(_text(project, "cbc:ProcurementTypeCode") or "")
        if category:
            lot["mainProcurementCategory"] = category
        value = _amount(project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount")
        if value:
            lot["value"] = value
        entries = _sustainability(project)
        if entries:
            lot["hasSustainability"] = True
            lot["sustainability"] = entries
        item = _cpv_item(project, str(len(items) + 1), lot_id)
        if item:
            items.append(item)
    for strategic in node.findall(f"cac:TenderingTerms/{_EXT}/efac:StrategicProcurement", NS):
        scope = strategic.find("efbc:ApplicableLegalBasis[@listName='cvd-scope']", NS)
        if scope is not None and (scope.text or "").strip().lower() == "true":
            lot.setdefault("coveredBy", []).append("EU-CVD")
        for code in strategic.findall(
            "efac:StrategicProcurementInformation/efbc:ProcurementCategoryCode", NS
        ):
            if code.text and code.get("listName") == "cvd-contract-type":
                lot.setdefault("additionalClassifications", []).append(
                    {"scheme": "eu-cvd-contract-type", "id": code.text.strip()}
                )
    return lot


def _results(root: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    result = root.find(f"{_EXT}/efac:NoticeResult", NS)
    if result is None:
        return [], []
    tenders: dict[str, dict[str, Any] | None] = {}
    first_ranked: set[str] = set()  # BT-171 rank 1
    tender_lots: dict[str, str | None] = {}  # the lot (or group) each tender is for
    for tender in result.findall("efac:LotTender", NS):
        tender_id = _text(tender, "cbc:ID")
        if tender_id:
            tenders[tender_id] = _amount(tender, "cac:LegalMonetaryTotal/cbc:PayableAmount")
            tender_lots[tender_id] = _text(tender, "efac:TenderLot/cbc:ID")
            if (_text(tender, "cbc:RankCode") or "").strip() == "1":
                first_ranked.add(tender_id)
    contract_info: dict[str, Any] = {}
    contract_tenders: dict[str, list[str]] = {}  # the winning tenders each contract names
    for contract in result.findall("efac:SettledContract", NS):
        contract_id = _text(contract, "cbc:ID")
        if contract_id:
            contract_info[contract_id] = contract
            contract_tenders[contract_id] = [
                t.text.strip() for t in _ids(contract, "efac:LotTender")
            ]
    awards: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    for lot_result in result.findall("efac:LotResult", NS):
        award_id = _text(lot_result, "cbc:ID") or f"award-{len(awards) + 1}"
        award: dict[str, Any] = {"id": award_id}
        lot_id = _text(lot_result, "efac:TenderLot/cbc:ID")
        if lot_id:
            award["relatedLots"] = [lot_id]
        status = _RESULT_STATUS.get(_text(lot_result, "cbc:TenderResultCode") or "")
        if status:
            award["status"] = status
        references = [r.text.strip() for r in _ids(lot_result, "efac:SettledContract")]
        value = _total(
            tenders.get(t)
            for t in _winners(lot_result, references, contract_tenders, first_ranked, tender_lots)
        )
        if value:
            award["value"] = value
        items = _vehicle_items(lot_result)
        if items:
            award["items"] = items
        for contract_id in references:
            node = contract_info.get(contract_id)
            settled: dict[str, Any] = {"id": contract_id, "awardID": award_id}
            if node is not None:
                # BT-1451: the earliest winner decision date of the award's contracts.
                award_date = _date(_text(node, "cbc:AwardDate"))
                if award_date and ("date" not in award or award_date < award["date"]):
                    award["date"] = award_date
                signed = _date(_text(node, "cbc:IssueDate"))
                if signed:
                    settled["dateSigned"] = signed
            contracts.append(settled)
        awards.append(award)
    return awards, contracts


def _ids(node: Any, child: str) -> list[Any]:
    return [found for found in node.findall(f"{child}/cbc:ID", NS) if found.text]


def _winners(
    lot_result: Any,
    contracts: list[str],
    contract_tenders: dict[str, list[str]],
    first_ranked: set[str],
    tender_lots: dict[str, str | None],
) -> list[str]:
    """The winning tenders of a lot result: those it lists that its contracts name (one
    contract may name the tenders of several lot results); when it lists none, those its
    contracts name that are for its lot (a contract may cover several lots); without
    such, those it lists ranked first when ranks are given (it may list the tenders
    ranked after the winner), else all it lists."""
    listed = [t.text.strip() for t in _ids(lot_result, "efac:LotTender")]
    named = {t for c in contracts for t in contract_tenders.get(c, ())}
    if named and not listed:
        lot = _text(lot_result, "efac:TenderLot/cbc:ID")
        return sorted(t for t in named if tender_lots.get(t) in (lot, None))
    if named:
        won = [t for t in listed if t in named]
        if won:
            return won
    return [t for t in listed if t in first_ranked] or listed


def _total(values: Any) -> dict[str, Any] | None:
    """The sum of the tender values (BT-720) ``values`` (None for a tender without one):
    an award's value is that of its winning tenders together (the guidance maps BT-720 to
    the award's value, not the contract's; european-union-support#178). None when no
    tender has a value, or when they are in different currencies (no sum without a rate).
    """
    found = [value for value in values if value]
    currencies = {value.get("currency") for value in found}
    if not found or len(currencies) > 1:
        return None
    total: dict[str, Any] = {"amount": sum(float(value["amount"]) for value in found)}
    if found[0].get("currency"):
        total["currency"] = found[0]["currency"]
    return total


def _vehicle_items(lot_result: Any) -> list[dict[str, Any]]:
    """The vehicle items of a lot result (CVD): one per vehicle count (OPT-155/OPT-156) of
    each group of procurement details, each classified with the group's vehicle category
    (BT-723) and the contract type (BT-735), as the guidance adds them to every item."""
    items: list[dict[str, Any]] = []
    for strategic in lot_result.findall("efac:StrategicProcurement", NS):
        for info in strategic.findall("efac:StrategicProcurementInformation", NS):
            contract_type: list[dict[str, Any]] = []
            code = _text(info, "efbc:ProcurementCategoryCode")
            if code:
                contract_type.append({"scheme": "eu-cvd-contract-type", "id": code})
            groups = info.findall("efac:ProcurementDetails", NS)
            for details in groups:
                category = _text(details, "efbc:AssetCategoryCode[@listName='vehicle-category']")
                base = list(contract_type)
                if category:
                    base.append({"scheme": "eu-vehicle-category", "id": category})
                counts: list[tuple[str, float | None]] = []
                for stats in details.findall("efac:StrategicProcurementStatistics", NS):
                    kind = _text(stats, "efbc:StatisticsCode[@listName='vehicles']")
                    if kind is None:
                        continue
                    number: float | None = None
                    with contextlib.suppress(TypeError, ValueError):
                        number = float(_text(stats, "efbc:StatisticsNumeric"))  # type: ignore[arg-type]
                    counts.append((kind, number))
                # OPT-156: "vehicles" is the total; OCDS gets the total minus the clean and
                # zero-emission vehicles of the same group. A count of 0 is not mapped.
                special = sum(
                    n or 0.0 for k, n in counts if k in ("vehicles-clean", "vehicles-zero-emission")
                )
                for kind, number in counts:
                    item: dict[str, Any] = {
                        "id": str(len(items) + 1),
                        "additionalClassifications": [*base, {"scheme": "vehicles", "id": kind}],
                    }
                    if number:
                        item["quantity"] = number - special if kind == "vehicles" else number
                    items.append(item)
                if not counts and base:
                    items.append({"id": str(len(items) + 1), "additionalClassifications": base})
            if not groups and contract_type:
                items.append(
                    {"id": str(len(items) + 1), "additionalClassifications": contract_type}
                )
    return items


def notice_to_release(root: Any) -> dict[str, Any]:
    """The compiled OCDS release that a parsed notice stands for (fields of the module docs).

    Raises :class:`~greenprocure.errors.ValidationError` for a notice without any identifier
    (it cannot be a contracting process: the SDK's ``INVALID_*_empty`` examples) or with an
    amount that is not a number, and for XML that is no eForms notice (its root element not
    one of :data:`NOTICE_ROOTS`: a TED schema export, another document).
    """
    if root.tag not in NOTICE_ROOTS:
        raise ValidationError(
            N_(
                "not an eForms notice: its root element is {element} (an eForms notice is a "
                "ContractNotice, ContractAwardNotice or PriorInformationNotice of UBL 2)"
            ),
            element=str(root.tag),
        )
    notice_id = _text(root, "cbc:ID[@schemeName='notice-id']") or _text(root, "cbc:ID") or ""
    procedure_id = _text(root, "cbc:ContractFolderID") or notice_id
    if not procedure_id:
        raise ValidationError(
            N_("notice has no identifier (BT-701 notice identifier or BT-04 procedure identifier)"),
            field="BT-701",
        )
    release: dict[str, Any] = {
        "ocid": f"ocds-eforms-{procedure_id}",
        "id": notice_id,
        "tag": ["compiled"],
        "date": _date(_text(root, "cbc:IssueDate")),
    }
    organizations: dict[str, Any] = {}
    for organization in root.findall(f"{_EXT}/efac:Organizations/efac:Organization", NS):
        company = organization.find("efac:Company", NS)
        if company is None:
            continue
        org_id = _text(company, "cac:PartyIdentification/cbc:ID")
        if org_id:
            organizations[org_id] = company
    # every buyer (joint procurement names several) is a party with role buyer; the first
    # is the release's buyer, to whom the lots are counted
    parties: list[dict[str, Any]] = []
    for contracting in root.findall("cac:ContractingParty", NS):
        party_id = _text(contracting, "cac:Party/cac:PartyIdentification/cbc:ID")
        if not party_id or any(p["id"] == party_id for p in parties):
            continue
        party: dict[str, Any] = {"id": party_id, "roles": ["buyer"]}
        company = organizations.get(party_id)
        if company is not None:
            name = _text(company, "cac:PartyName/cbc:Name")
            department = _text(company, "cac:PostalAddress/cbc:Department")
            if name and department:
                # BT-16: the organisation part is appended to the name with " - ".
                name = f"{name} - {department}"
            if name:
                party["name"] = name
            country = _country(
                _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
            )
            if country:
                party["address"] = {"country": country}
        parties.append(party)
    if parties:
        first = parties[0]
        release["parties"] = parties
        release["buyer"] = {
            "id": first["id"],
            **({"name": first["name"]} if "name" in first else {}),
        }
    tender: dict[str, Any] = {"id": procedure_id}
    method = _METHOD.get(_text(root, "cac:TenderingProcess/cbc:ProcedureCode") or "")
    if method:
        tender["procurementMethod"] = method
    items: list[dict[str, Any]] = []
    project = root.find("cac:ProcurementProject", NS)
    if project is not None:
        category = _CATEGORY.get(_text(project, "cbc:ProcurementTypeCode") or "")
        if category:
            tender["mainProcurementCategory"] = category
        value = _amount(project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount")
        if value:
            tender["value"] = value
        item = _cpv_item(project, "0", None)
        if item:
            items.append(item)
    lots = [
        _lot(node, items)
        for node in root.findall("cac:ProcurementProjectLot", NS)
        if node.find("cbc:ID[@schemeName='Lot']", NS) is not None
    ]
    if lots:
        tender["lots"] = lots
    if items:
        tender["items"] = items
    release["tender"] = tender
    awards, contracts = _results(root)
    if awards:
        release["awards"] = awards
    if contracts:
        release["contracts"] = contracts
    return release


def is_xml_name(name: str) -> bool:
    """Whether a file or archive member name is an XML notice (``.xml`` or ``.xml.gz``)."""
    lowered = name.lower()
    return lowered.endswith((".xml", ".xml.gz"))


def _inputs(path: Path) -> Iterator[tuple[str, Callable[[], IO[bytes]], int]]:
    """(name, opener, size on disk) of every notice in ``path``."""
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file() and is_xml_name(file.name):
                yield from _inputs(file)
        return
    lowered = path.name.lower()
    if lowered.endswith(".zip"):
        with open_zip(path) as archive:
            infos = [
                info
                for info in archive.infolist()
                if not info.is_dir() and is_xml_name(info.filename)
            ]
        for info in sorted(infos, key=lambda i: i.filename):
            yield f"{path}!{info.filename}", _member(path, info.filename), info.compress_size
        return
    size = path.stat().st_size
    if lowered.endswith(".gz"):
        yield str(path), _gz_opener(path), size
        return
    yield str(path), lambda: open(path, "rb"), size  # noqa: SIM115


def _member(path: Path, member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        with open_zip(path) as archive:
            try:
                stream = archive.open(member)
            except UNSUPPORTED_MEMBER as error:
                # an encrypted member or a compression method zipfile lacks: unreadable
                raise OSError(f"{path}!{member}: {error}") from error
            with stream:
                data = stream.read(_MAX_BYTES + 1)
        if member.lower().endswith(".gz"):
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(_MAX_BYTES + 1)
        return io.BytesIO(data)

    return opener


#: What reading a notice's bytes raises when they cannot be read.
_UNREADABLE: tuple[type[Exception], ...] = (OSError, *COMPRESSION_ERRORS)


#: Why a notice of BT-03 form type "bri" is left out.


def _notice_kind(root: Any) -> str | None:
    """BT-03, the notice's form type (``listName`` of its notice type code)."""
    code = root.find("cbc:NoticeTypeCode", NS)
    return None if code is None else code.get("listName")


def iter_notices(
    path: str | Path, *, progress: Callable[[int], None] | None = None
) -> Iterator[Document | RecordError]:
    """Every notice in ``path`` as a compiled-release document.

    ``path`` is a notice (``.xml`` or ``.xml.gz``), a zip archive (its XML members) or a folder
    (its XML files, recursively). A hostile, oversized or malformed notice is a
    :class:`RecordError` naming the file (never raised); a ``.zip`` that is not a readable
    zip archive raises an :class:`~greenprocure.errors.InputError` naming it. ``progress``
    is called with each notice's size on disk once it is read.
    """
    for name, opener, size in _inputs(Path(path)):
        if progress is not None:
            progress(size)
        try:
            with opener() as handle:
                data = handle.read(_MAX_BYTES + 1)
            root = parse_notice_bytes(data, name)
            if _notice_kind(root) == "bri":
                # BT-03 "bri": as the mapping guidance says, such a notice (a European
                # economic interest grouping, a company's registration) is no contracting
                # process: left out, and said so
                yield RecordError(name, "file", None, reasons.NOT_A_PROCESS)
                continue
            release = notice_to_release(root)
        except (UnsafeInputError, ParseError, ValidationError) as error:
            yield RecordError(name, "file", None, str(error))
            continue
        except _UNREADABLE as error:
            # a damaged notice (.xml.gz cut short, a zip member failing its CRC) is one
            # notice: a record error, as a malformed one
            yield RecordError(name, "file", None, reasons.CANNOT_READ.format(detail=error))
            continue
        yield Document("compiled", release, name, f"notice {release['id']}")

"""The whole pipeline in DuckDB: release packages in, compiled in SQL, indicators out.

Release packages (one JSON document per file, or one package per line) are read with
``read_json``; their releases are compiled per ``ocid`` in SQL on the fields the indicators
read (:data:`~greenprocure.monitoring.compile.INDICATOR_FIELDS`), following the OCDS merge
rules as :func:`greenprocure.monitoring.compile.compile_releases` applies them:

- releases in ``date`` order (ties: their order in the package);
- a field keeps the last value given (a scalar), objects are merged field by field;
- ``wholeListMerge`` arrays (``tender/sustainability``, ``tender/coveredBy``, lots'
  ``sustainability`` and ``coveredBy``, ``awards/relatedLots``, ``parties/roles``) take the
  last array given, other arrays of strings the last non-empty one;
- arrays of objects with ``id`` (parties, items, lots, awards and their items, contracts)
  are merged by ``id`` in the order the ids first appear; objects without ``id`` are
  appended.

Why written here: ``ocdsmerge`` and ``ocdskit compile`` merge release by release in Python;
a set-based merge in SQL on the few fields needed lets DuckDB do it in parallel. The merge
rules themselves come from the project's compile module, which is differential-tested
against ``ocdsmerge``.

For speed, releases are put in merge order by a number (their rank per ``ocid``), not by
text keys; ``parties`` keeps only the buyer's party (the one party the lot rows read); the
items of the tender and of the awards are read and compiled only for CPV keys. Inputs over
512 MiB are compiled in buckets of ocids (by hash), one pass over the input per bucket, so
that memory stays bounded whatever the input size.

The compiled releases then go through the same SQL as the compiled-release fast path
(:mod:`~greenprocure.monitoring.engines.duckdb_compiled`). Differences from the Python path,
stated: releases of one ``ocid`` are compiled together across all the files given (the
Python path compiles per file); JSON ``null`` cannot be told from a missing field here, so a
later ``null`` does not erase an earlier value; ids ``2`` and ``"2"`` are one id here;
releases without ``ocid`` or ``date`` are counted as errors, one each, as the readers report
them (test ``test_sql_compile_counts_releases_that_cannot_be_compiled``); files
must be UTF-8 (the Python readers also take the legacy encodings); record packages are not
read (use ``monitor ingest``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from greenprocure.errors import InputError
from greenprocure.i18n import N_
from greenprocure.monitoring.engines.duckdb_compiled import (
    COUNTRY_TABLE,
    RowQueries,
    compiled_lot_rows_sql,
    indicators_from_rows,
    needed_columns,
    reference_rates,
)
from greenprocure.monitoring.indicators import IndicatorResult, parse_group_keys
from greenprocure.reference.library import ReferenceLibrary

__all__ = [
    "RELEASE_STRUCTURE",
    "compile_sql",
    "indicators_from_releases",
    "release_structure",
    "releases_sql",
]

_MONEY = {"amount": "DOUBLE", "currency": "VARCHAR"}
_ADDRESS = {"country": "VARCHAR", "countryName": "VARCHAR"}
_SUSTAINABILITY = [{"goal": "VARCHAR", "strategies": ["VARCHAR"]}]
_CLASSIFICATION = {"scheme": "VARCHAR", "id": "VARCHAR"}

#: The release fields read (the compiled fields plus the ids that the merge needs), as the
#: structure of DuckDB's ``json_transform`` (keys not listed are skipped).
RELEASE_STRUCTURE: dict[str, Any] = {
    "ocid": "VARCHAR",
    "date": "VARCHAR",
    "buyer": {
        "id": "VARCHAR",
        "name": "VARCHAR",
        "identifier": {"scheme": "VARCHAR", "id": "VARCHAR"},
        "address": _ADDRESS,
    },
    "parties": [{"id": "VARCHAR", "name": "VARCHAR", "roles": ["VARCHAR"], "address": _ADDRESS}],
    "tender": {
        "procurementMethod": "VARCHAR",
        "mainProcurementCategory": "VARCHAR",
        "value": _MONEY,
        "tenderPeriod": {"startDate": "VARCHAR"},
        "datePublished": "VARCHAR",
        "items": [{"id": "VARCHAR", "classification": _CLASSIFICATION, "relatedLot": "VARCHAR"}],
        "sustainability": _SUSTAINABILITY,
        "coveredBy": ["VARCHAR"],
        "lots": [
            {
                "id": "VARCHAR",
                "value": _MONEY,
                "mainProcurementCategory": "VARCHAR",
                "sustainability": _SUSTAINABILITY,
                "coveredBy": ["VARCHAR"],
            }
        ],
    },
    "awards": [
        {
            "id": "VARCHAR",
            "status": "VARCHAR",
            "date": "VARCHAR",
            "value": _MONEY,
            "relatedLots": ["VARCHAR"],
            "items": [{"id": "VARCHAR", "classification": _CLASSIFICATION}],
        }
    ],
    "contracts": [
        {
            "id": "VARCHAR",
            "awardID": "VARCHAR",
            "awardIDs": ["VARCHAR"],
            "status": "VARCHAR",
            "value": _MONEY,
        }
    ],
}


def release_structure(cpv: bool = True) -> dict[str, Any]:
    """:data:`RELEASE_STRUCTURE`, without the items of the tender and of the awards when no
    CPV code is asked for (they are then neither parsed nor compiled)."""
    if cpv:
        return RELEASE_STRUCTURE
    tender = {k: v for k, v in RELEASE_STRUCTURE["tender"].items() if k != "items"}
    awards = [{k: v for k, v in RELEASE_STRUCTURE["awards"][0].items() if k != "items"}]
    return {**RELEASE_STRUCTURE, "tender": tender, "awards": awards}


def _last(expression: str, key: str = "k") -> str:
    """The value of the last release (in merge order) that gives ``expression``."""
    return f"arg_max({expression}, {key}) FILTER (WHERE {expression} IS NOT NULL)"


def _last_nonempty(expression: str, key: str = "k") -> str:
    return f"arg_max({expression}, {key}) FILTER (WHERE len({expression}) > 0)"


def _entry_key(position: str, key: str = "k") -> str:
    """Merge-order key of an array entry: its release's rank, then its position (numbers
    are compared faster than text; below 2**20 entries per array and 2**23 releases per
    ocid)."""
    return f"(({key}) * 1048576 + ({position}))"


def _merged(alias: str, key: str) -> str:
    """Merge identity of an array entry: its id, else its own position (appended)."""
    return f"coalesce('=' || {alias}.id, '#' || {key})"


_ITEMS_SQL = f"""), item_rows AS (
  SELECT ocid, {_entry_key("i")} AS ik, r.tender.items[i] AS it
  FROM (SELECT ocid, k, r, unnest(range(1, len(coalesce(r.tender.items, [])) + 1)) AS i
    FROM rel)
), items AS (
  SELECT ocid, list_sort(list(struct_pack(o := first, id := id,
      classification := struct_pack(scheme := scheme, id := code), relatedLot := related))) AS items
  FROM (
    SELECT ocid, {_merged("it", "ik")} AS merge_id, min(ik) AS first,
      {_last("it.id", "ik")} AS id, {_last("it.classification.scheme", "ik")} AS scheme,
      {_last("it.classification.id", "ik")} AS code, {_last("it.relatedLot", "ik")} AS related
    FROM item_rows GROUP BY ocid, merge_id
  ) GROUP BY ocid
"""

_AWARD_ITEMS_SQL = f"""), award_item_rows AS (
  SELECT ocid, merge_id, {_entry_key("j", "ak")} AS jk, a.items[j] AS it
  FROM (
    SELECT ocid, {_merged("a", "ak")} AS merge_id, ak, a,
      unnest(range(1, len(coalesce(a.items, [])) + 1)) AS j
    FROM award_rows
  )
), award_items AS (
  SELECT ocid, merge_id, list_sort(list(struct_pack(o := first, id := id,
      classification := struct_pack(scheme := scheme, id := code)))) AS items
  FROM (
    SELECT ocid, merge_id, {_merged("it", "jk")} AS item_id, min(jk) AS first,
      {_last("it.id", "jk")} AS id, {_last("it.classification.scheme", "jk")} AS scheme,
      {_last("it.classification.id", "jk")} AS code
    FROM award_item_rows GROUP BY ocid, merge_id, item_id
  ) GROUP BY ocid, merge_id
"""

_AWARD_ITEMS = "STRUCT(classification STRUCT(scheme VARCHAR, id VARCHAR))[]"
_TENDER_ITEMS = (
    "STRUCT(id VARCHAR, classification STRUCT(scheme VARCHAR, id VARCHAR), relatedLot VARCHAR)[]"
)


def releases_sql(source: str) -> str:
    """The releases of the packages in relation ``source`` (``filename``, ``releases``):
    columns ``filename``, ``r`` (the release) and ``position`` (in its package, from 1)."""
    return (
        "(SELECT filename, unnest(releases) AS r, "
        f"unnest(range(1, len(releases) + 1)) AS position FROM {source})"
    )


def compile_sql(source: str, *, cpv: bool = True, unnested: bool = False) -> str:
    """A query giving the compiled releases (columns of ``COMPILED_COLUMNS`` + ``filename``)
    of the release packages in relation ``source`` (columns ``filename``, ``releases``).

    ``parties`` holds only the buyer's party (the one the lot rows read). Without ``cpv``
    the items of the tender and of the awards are not compiled (NULL). ``unnested``: the
    relation holds releases already (columns ``filename``, ``r``, ``position``), as
    :func:`releases_sql` gives them.
    """
    releases = f"(SELECT filename, r, position FROM {source})" if unnested else releases_sql(source)
    items_block = _ITEMS_SQL if cpv else ""
    award_items_block = _AWARD_ITEMS_SQL if cpv else ""
    items_join = "LEFT JOIN items i USING (ocid)\n" if cpv else ""
    award_items_join = (
        "LEFT JOIN award_items ai ON ai.ocid = m.ocid AND ai.merge_id = m.merge_id" if cpv else ""
    )
    award_items = "ai.items" if cpv else f"NULL::{_AWARD_ITEMS}"
    tender_items = "i.items" if cpv else f"NULL::{_TENDER_ITEMS}"
    return f"""
WITH keyed AS (
  -- a release without ocid or date cannot be compiled: it becomes a group of its own, whose
  -- lot row is then skipped and counted (no ocid, no release date) as the readers report it
  SELECT filename, r, position,
    coalesce(r.ocid, '') = '' OR r.date IS NULL AS unreadable,
    CASE WHEN coalesce(r.ocid, '') = '' OR r.date IS NULL
      THEN 'gp-unreadable-' || gen_random_uuid()::VARCHAR ELSE r.ocid END AS ocid
  FROM {releases}
), rel AS (
  SELECT filename, r, ocid, unreadable,
    row_number() OVER (PARTITION BY ocid ORDER BY r.date, position) AS k
  FROM keyed
), base AS (
  SELECT ocid, bool_or(unreadable) AS unreadable, arg_max(r.ocid, k) AS given_ocid,
    max(r.date) AS date, arg_max(filename, k) AS filename,
    {_last("r.buyer.id")} AS buyer_id, {_last("r.buyer.name")} AS buyer_name,
    {_last("r.buyer.identifier.scheme")} AS buyer_scheme,
    {_last("r.buyer.identifier.id")} AS buyer_identifier,
    {_last("r.buyer.address.country")} AS buyer_country,
    {_last("r.buyer.address.countryName")} AS buyer_country_name,
    {_last("r.tender.procurementMethod")} AS method,
    {_last("r.tender.mainProcurementCategory")} AS category,
    {_last("r.tender.value.amount")} AS value_amount,
    {_last("r.tender.value.currency")} AS value_currency,
    {_last("r.tender.tenderPeriod.startDate")} AS start_date,
    {_last("r.tender.datePublished")} AS date_published,
    {_last("r.tender.sustainability")} AS sustainability,
    {_last("r.tender.coveredBy")} AS covered_by
  FROM rel GROUP BY ocid
), party_rows AS (
  SELECT ocid, {_entry_key("i")} AS pk, r.parties[i] AS p
  FROM (SELECT ocid, k, r, unnest(range(1, len(coalesce(r.parties, [])) + 1)) AS i FROM rel)
), party_merged AS (
  SELECT ocid, {_merged("p", "pk")} AS merge_id, min(pk) AS first,
    {_last("p.id", "pk")} AS id, {_last("p.name", "pk")} AS name,
    {_last("p.roles", "pk")} AS roles,
    {_last("p.address.country", "pk")} AS country,
    {_last("p.address.countryName", "pk")} AS country_name
  FROM party_rows GROUP BY ocid, merge_id
), parties AS (
  -- only the buyer's party, the one party the lot rows read: the first whose id is the
  -- buyer's (trimmed), or without a buyer id the first with the role buyer
  SELECT m.ocid, list_filter([arg_min(struct_pack(id := m.id, name := m.name,
      roles := m.roles, address := struct_pack(country := m.country,
      countryName := m.country_name)), m.first) FILTER (WHERE
      CASE WHEN nullif(trim(b.buyer_id), '') IS NOT NULL THEN trim(m.id) = trim(b.buyer_id)
      ELSE coalesce(list_contains(m.roles, 'buyer'), false) END)],
      lambda p: p IS NOT NULL) AS parties
  FROM party_merged m JOIN base b ON b.ocid = m.ocid
  GROUP BY m.ocid
{items_block}), lot_rows_ AS (
  SELECT ocid, {_entry_key("i")} AS lk, r.tender.lots[i] AS l
  FROM (SELECT ocid, k, r, unnest(range(1, len(coalesce(r.tender.lots, [])) + 1)) AS i
    FROM rel)
), lots AS (
  SELECT ocid, list_sort(list(struct_pack(o := first, id := id,
      value := struct_pack(amount := amount, currency := currency),
      mainProcurementCategory := category, sustainability := sustainability,
      coveredBy := covered_by))) AS lots
  FROM (
    SELECT ocid, {_merged("l", "lk")} AS merge_id, min(lk) AS first,
      {_last("l.id", "lk")} AS id, {_last("l.value.amount", "lk")} AS amount,
      {_last("l.value.currency", "lk")} AS currency,
      {_last("l.mainProcurementCategory", "lk")} AS category,
      {_last("l.sustainability", "lk")} AS sustainability,
      {_last("l.coveredBy", "lk")} AS covered_by
    FROM lot_rows_ GROUP BY ocid, merge_id
  ) GROUP BY ocid
), award_rows AS (
  SELECT ocid, {_entry_key("i")} AS ak, r.awards[i] AS a
  FROM (SELECT ocid, k, r, unnest(range(1, len(coalesce(r.awards, [])) + 1)) AS i FROM rel)
), award_merged AS (
  SELECT ocid, {_merged("a", "ak")} AS merge_id, min(ak) AS first,
    {_last("a.id", "ak")} AS id, {_last("a.status", "ak")} AS status,
    {_last("a.date", "ak")} AS date, {_last("a.value.amount", "ak")} AS amount,
    {_last("a.value.currency", "ak")} AS currency,
    {_last("a.relatedLots", "ak")} AS related_lots
  FROM award_rows GROUP BY ocid, merge_id
{award_items_block}), awards AS (
  SELECT m.ocid, list_sort(list(struct_pack(o := m.first, id := m.id, status := m.status,
      date := m.date, value := struct_pack(amount := m.amount, currency := m.currency),
      relatedLots := m.related_lots, items := {award_items}))) AS awards
  FROM award_merged m
  {award_items_join}
  GROUP BY m.ocid
), contract_rows AS (
  SELECT ocid, {_entry_key("i")} AS ck, r.contracts[i] AS c
  FROM (SELECT ocid, k, r, unnest(range(1, len(coalesce(r.contracts, [])) + 1)) AS i
    FROM rel)
), contracts AS (
  SELECT ocid, list_sort(list(struct_pack(o := first, id := id, awardID := award_id,
      awardIDs := award_ids, status := status,
      value := struct_pack(amount := amount, currency := currency)))) AS contracts
  FROM (
    SELECT ocid, {_merged("c", "ck")} AS merge_id, min(ck) AS first,
      {_last("c.id", "ck")} AS id, {_last("c.awardID", "ck")} AS award_id,
      {_last_nonempty("c.awardIDs", "ck")} AS award_ids, {_last("c.status", "ck")} AS status,
      {_last("c.value.amount", "ck")} AS amount, {_last("c.value.currency", "ck")} AS currency
    FROM contract_rows GROUP BY ocid, merge_id
  ) GROUP BY ocid
)
SELECT b.filename, NULL::BIGINT AS file_row_number,
  CASE WHEN b.unreadable THEN b.given_ocid ELSE b.ocid END AS ocid, b.date,
  CASE WHEN b.unreadable THEN NULL ELSE ['compiled'] END AS tag,
  struct_pack(id := b.buyer_id, name := b.buyer_name,
    identifier := struct_pack(scheme := b.buyer_scheme, id := b.buyer_identifier),
    address := struct_pack(country := b.buyer_country, countryName := b.buyer_country_name))
    AS buyer,
  p.parties,
  struct_pack(procurementMethod := b.method, mainProcurementCategory := b.category,
    value := struct_pack(amount := b.value_amount, currency := b.value_currency),
    tenderPeriod := struct_pack(startDate := b.start_date), datePublished := b.date_published,
    items := {tender_items}, sustainability := b.sustainability, coveredBy := b.covered_by,
    lots := l.lots) AS tender,
  a.awards, c.contracts
FROM base b
LEFT JOIN parties p USING (ocid)
{items_join}LEFT JOIN lots l USING (ocid)
LEFT JOIN awards a USING (ocid)
LEFT JOIN contracts c USING (ocid)
"""


def indicators_from_releases(
    paths: Sequence[str | Path],
    by: Sequence[str] = (),
    *,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
    threads: int | None = None,
) -> IndicatorResult:
    """Every indicator over release packages ``paths``, compiled and computed in DuckDB."""
    from greenprocure.monitoring.engines.duckdb_engine import limit_resources

    keys = parse_group_keys(by)
    currency = reporting_currency.strip().upper()
    files = [os.fspath(p) for p in paths]
    for file in files:
        if not Path(file).is_file():
            raise InputError(N_("no such file or folder"), file=file)
    con = duckdb.connect()
    try:
        limit_resources(con, threads=threads)
        rates, known = reference_rates(currency, library)
        listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
        columns = needed_columns(keys)
        # read_json_objects + json_transform: several times faster than read_json with
        # declared columns on packages of many releases (measured with DuckDB 2.0).
        cpv = bool({"cpv", "cpv2", "cpv3"} & set(columns))
        structure = json.dumps({"releases": [release_structure(cpv)]}).replace("'", "''")
        packages = (
            "(SELECT filename, "
            f"json_transform(json, '{structure}').releases AS releases "
            f"FROM read_json_objects({listing}, format='auto', filename=true))"
        )
        size = sum(os.path.getsize(f) for f in files)
        buckets = max(1, -(-size // _BUCKET_BYTES))
        # one pass over everything, or one pass per bucket of ocids for large inputs
        parts = (
            [compile_sql(packages, cpv=cpv)]
            if buckets == 1
            else [
                compile_sql(
                    f"(SELECT * FROM {releases_sql(packages)} "
                    f"WHERE hash(r.ocid) % {buckets} = {bucket})",
                    cpv=cpv,
                    unnested=True,
                )
                for bucket in range(buckets)
            ]
        )

        def queries(lean: bool) -> list[str]:
            wanted = needed_columns(keys, lean=lean)
            return [
                compiled_lot_rows_sql(f"({part})", currency, rates, known, COUNTRY_TABLE, wanted)
                for part in parts
            ]

        return indicators_from_rows(
            con,
            RowQueries(lean=queries(lean=True), full=queries(lean=False)),
            keys,
            reporting_currency=currency,
            files=files,
            failure=N_("cannot read the release packages: {reason}"),
        )
    finally:
        con.close()


#: Input size per bucket: larger inputs are compiled in buckets of ocids (by hash), one
#: bucket per pass over the input, so that DuckDB holds one bucket's releases at a time
#: (measured: 2 GB in one go ran out of its 640 MB; in 4 passes, 75 s and 779 MiB peak,
#: against 98 s when the releases were first spilled to Parquet files per bucket).
_BUCKET_BYTES = 512 * 1024 * 1024

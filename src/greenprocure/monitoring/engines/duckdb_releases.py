"""The whole pipeline in DuckDB: release packages in, compiled in SQL, indicators out.

Release packages (one JSON document per file, or one package per line) are read as
:mod:`.duckdb_packages` says (JSON Lines split by DuckDB's CSV reader and parsed once,
anything else with ``read_json_objects``); their releases are compiled per ``ocid`` in
SQL on the fields the indicators read
(:data:`~greenprocure.monitoring.compile.INDICATOR_FIELDS`), following the OCDS merge rules
as :func:`greenprocure.monitoring.compile.compile_releases` applies them:

- releases in ``date`` order (ties: their order in the package; releases of one date at the
  same place in two packages: in an arbitrary but fixed order of the packages for the
  entries of their arrays, where the Python path, which compiles file by file, keeps their
  order in the file);
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

For speed: the input is parsed once, only the fields the asked-for keys read
(:class:`ReleaseFields`), into a table of a temporary database on disk (removed at the end),
which the merge then reads as often as it needs; inputs over 512 MiB (640 MiB when no
names, procurement method or category are read) are merged in buckets of ocids (by hash),
one bucket at a time, so that memory stays bounded whatever the input size. The merge has
a quick case for what bulk data mostly holds, and applies the rules entry by entry only
where they could change something:

- merge order is a text key (the release's date, then its place in its package): DuckDB's
  ``arg_max`` is several times faster with it than with a struct of the two;
- scalar fields: one aggregation per ``ocid`` (last value given, in merge order);
- an array of objects (lots, tender items, awards, contracts) given by one release only,
  whose ids are distinct, is already its own merge: the aggregation notes which release
  gives it and the array is fetched from there by a join when the lot rows are made
  (aggregating nested values would hold them all in memory; the merged table keeps no
  array, so it is a temporary table in memory); whether a release's ids are distinct is
  noted when it is staged; processes where two releases give the same array, or one gives
  repeated ids, are merged entry by entry (entries in merge order, merged by id), in parts
  of a bucket small enough not to spill (:data:`_SLOW_RELEASES` releases each);
- ``parties`` keeps only the buyer's party (the one party the lot rows read): merged in an
  aggregation when every release that gives parties names the same buyer and gives one
  entry of that id, else from all the party entries whose id is the compiled buyer's;
- the items of the tender and of the awards are read and compiled only for CPV keys.

Test ``tests/monitoring/test_duckdb_release_merge.py`` takes each of these branches against
the Python path.

The compiled releases then go through the same SQL as the compiled-release fast path
(:mod:`~greenprocure.monitoring.engines.duckdb_compiled`). Differences from the Python path,
stated (both compile the releases of one ``ocid`` across all the files given, ``ingest``
across all the files of its store): JSON ``null`` cannot be told from a missing field here, so a
later ``null`` does not erase an earlier value; ids ``2`` and ``"2"`` are one id here;
releases without ``ocid`` or ``date`` are counted as errors, one each, as the readers report
them (test ``test_sql_compile_counts_releases_that_cannot_be_compiled``); files
must be UTF-8 (the Python readers also take the legacy encodings); record packages are not
read (use ``monitor ingest``): an object without a ``releases`` array is an error naming
the file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from greenprocure.errors import ParseError
from greenprocure.i18n import N_
from greenprocure.monitoring.engines.duckdb_compiled import (
    COUNTRY_TABLE,
    RowCounts,
    RowQueries,
    compiled_lot_rows_sql,
    empty_placeholder,
    existing_files,
    indicators_from_made_rows,
    make_rows,
    needed_columns,
    read_error,
    reference_rates,
    with_empty_files,
)
from greenprocure.monitoring.engines.duckdb_lot_sql import CPV_COLUMNS, NAME_COLUMNS
from greenprocure.monitoring.engines.duckdb_packages import (
    LineCounts,
    damaged_files,
    empty_files,
    file_table,
    json_lines,
    lenient_source,
    line_counts,
    package_sources,
    starts_with_bom,
    unreadable_file,
    whole_files,
    without_objects,
)
from greenprocure.monitoring.indicators import IndicatorResult, parse_group_keys
from greenprocure.reference.library import ReferenceLibrary

__all__ = [
    "ALL_FIELDS",
    "RELEASE_STRUCTURE",
    "ReleaseFields",
    "base_sql",
    "compiled_sql",
    "indicators_from_releases",
    "keyed_sql",
    "release_structure",
    "releases_sql",
    "stage_sql",
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


@dataclass(frozen=True)
class ReleaseFields:
    """The optional release fields a run reads; those it does not read are neither parsed
    nor merged (NULL in the compiled releases). Leaving out the names, the procurement
    method and the category when no key reads them made staging 2 GB of the benchmark's
    packages 0.7 s quicker (7.7 s instead of 8.4 s)."""

    #: the items of the tender and of the awards (CPV keys)
    cpv: bool = True
    #: the buyer's name and identifier, the parties' names (buyer key)
    names: bool = True
    #: ``tender/procurementMethod`` (procurement method key)
    method: bool = True
    #: ``tender/mainProcurementCategory`` and the lots' (main category key)
    category: bool = True

    @classmethod
    def for_columns(cls, columns: Sequence[str]) -> ReleaseFields:
        """The fields that lot-row columns ``columns`` read."""
        wanted = set(columns)
        return cls(
            cpv=bool(CPV_COLUMNS & wanted),
            names=bool(NAME_COLUMNS & wanted),
            method="procurement_method" in wanted,
            category="main_category" in wanted,
        )


#: Every optional field.
ALL_FIELDS = ReleaseFields()


def release_structure(fields: ReleaseFields = ALL_FIELDS) -> dict[str, Any]:
    """:data:`RELEASE_STRUCTURE` without the optional fields that ``fields`` leaves out."""
    buyer = dict(RELEASE_STRUCTURE["buyer"])
    party = dict(RELEASE_STRUCTURE["parties"][0])
    tender = dict(RELEASE_STRUCTURE["tender"])
    award = dict(RELEASE_STRUCTURE["awards"][0])
    if not fields.cpv:
        del tender["items"], award["items"]
    if not fields.names:
        del buyer["name"], buyer["identifier"], party["name"]
    if not fields.method:
        del tender["procurementMethod"]
    if not fields.category:
        lot = dict(tender["lots"][0])
        del tender["mainProcurementCategory"], lot["mainProcurementCategory"]
        tender["lots"] = [lot]
    return {
        **RELEASE_STRUCTURE,
        "buyer": buyer,
        "parties": [party],
        "tender": tender,
        "awards": [award],
    }


def _last(expression: str, key: str = "k") -> str:
    """The value of the last release (in merge order) that gives ``expression``: DuckDB's
    ``arg_max`` skips rows whose value is NULL, so no ``FILTER`` is needed (test
    ``test_arg_max_skips_null_values`` holds DuckDB to it)."""
    return f"arg_max({expression}, {key})"


def _last_nonempty(expression: str, key: str = "k") -> str:
    return f"arg_max({expression}, {key}) FILTER (WHERE len({expression}) > 0)"


def _order_key(first: str, position: str) -> str:
    """An order key as text: ``first`` (text), then ``position`` (a number below 10**10).

    Compared as text it orders as the pair (``first``, ``position``) does, as long as
    ``first`` holds no character below U+0002 (dates do not): a shorter ``first`` that
    begins a longer one sorts first, as in a pair. ``arg_max`` is several times faster with
    a text key than with a struct key (0.66 s against 2.54 s on the merge of 0.5 GB of the
    benchmark's packages).
    """
    return f"({first} || chr(1) || lpad(({position})::VARCHAR, 10, '0'))"


def _unique_key(alias: str = "") -> str:
    """The merge order of a staged release made unique: ``gk``, then ``pk`` (a 64-bit hash
    of its package's random id, as 16 hex digits).

    Releases of one process with the same date at the same place in two packages tie on
    ``gk``: the entries of their arrays are told apart by this key (entries without an id
    are appended, one each; an entry's fields come from one release). Two packages would
    tie again only if their hashes were equal too (1 in 2**64 for such a pair). The scalar
    fields keep ``gk``, a shorter key (each ``arg_max`` holds its own copy: the package's
    whole id made the merge twice as slow, as it spilled); on a tie they may be taken from
    either release.
    """
    prefix = f"{alias}." if alias else ""
    return f"({prefix}gk || chr(1) || lpad(to_hex({prefix}pk), 16, '0'))"


def _merged(alias: str, key: str) -> str:
    """Merge identity of an array entry: its id, else its own position (appended)."""
    return f"coalesce('=' || {alias}.id, '#' || {key})"


_ITEMS_SQL = f"""), item_rows AS (
  SELECT ocid, {_order_key("k", "i")} AS ik, it
  FROM (SELECT ocid, k, unnest(items) AS it, unnest(range(1, len(items) + 1)) AS i
    FROM rel WHERE len(items) > 0)
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
  SELECT ocid, merge_id, {_order_key("ak", "j")} AS jk, it
  FROM (
    SELECT ocid, {_merged("a", "ak")} AS merge_id, ak, unnest(a.items) AS it,
      unnest(range(1, len(a.items) + 1)) AS j
    FROM award_rows WHERE len(a.items) > 0
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

_TENDER_ITEMS = (
    "STRUCT(id VARCHAR, classification STRUCT(scheme VARCHAR, id VARCHAR), relatedLot VARCHAR)[]"
)


def releases_sql(source: str) -> str:
    """The releases of the packages in relation ``source`` (``fh``: a hash of the file's
    name, ``releases``): columns ``fh``, ``pk`` (a hash of a random UUID of the package: a
    sequence numbering the packages as read would make DuckDB read them on one thread),
    ``r`` (the release) and ``position`` (in its package, from 1). An object without a
    ``releases`` array (a record package, a compiled release) gives one row with
    ``position`` 0 and no release (DuckDB pads the shorter of two unnested lists with
    NULLs: coalescing ``releases`` with ``[NULL]`` instead copied every parsed package, and
    staging 2 GB of the benchmark's packages took 0.3-1.9 s longer)."""
    return (
        "(SELECT fh, pk, unnest(releases) AS r, "
        "unnest(CASE WHEN releases IS NULL THEN [0] ELSE range(1, len(releases) + 1) END) "
        "AS position "
        f"FROM (SELECT fh, hash(gen_random_uuid()) AS pk, releases FROM {source}))"
    )


def _given(array: str) -> str:
    """How many releases give a non-empty ``array``, and which one (its ``rid``, the row id
    of the staged release) gives it (used when one release alone does: the array is then
    fetched by a join, as aggregating nested values holds them all in memory; a join on
    the row id, one integer, is quicker than on the package and place)."""
    name = array.rsplit(".", 1)[-1]
    return (
        f"count(*) FILTER (WHERE len({array}) > 0) AS n_{name}, "
        f"first(rid) FILTER (WHERE len({array}) > 0) AS ref_{name}"
    )


def _unique_ids(array: str) -> str:
    """True when the entries of ``array`` that have an id have different ids (merging such
    an array into nothing gives it back as it is)."""
    return (
        f"(len(list_distinct(list_transform({array}, lambda e: e.id))) = "
        f"len(list_filter({array}, lambda e: e.id IS NOT NULL)))"
    )


#: The party entries of a release whose id is its buyer's (trimmed).
_BPS = "list_filter(r.parties, lambda p: trim(p.id) = trim(r.buyer.id))"


def _ids_unique(cpv: bool) -> str:
    """True when each array of objects of release ``r`` has distinct ids (with ``cpv``,
    its tender's items and each award's items too)."""
    arrays = ["r.tender.lots", "r.awards", "r.contracts"] + (["r.tender.items"] if cpv else [])
    checks = [f"coalesce({_unique_ids(a)}, true)" for a in arrays]
    if cpv:
        checks.append(
            "coalesce(list_bool_and(list_transform(r.awards, lambda a: "
            f"coalesce({_unique_ids('a.items')}, true))), true)"
        )
    return " AND ".join(checks)


def stage_sql(source: str, *, cpv: bool = True) -> str:
    """The releases of the packages in relation ``source`` (``fh``, ``releases``) as they
    are staged: ``fh``, ``pk``, ``r``, ``position``, ``oh`` (a hash of the release's ocid:
    the buckets and parts of the merge are taken by it) and ``ids_unique`` (the entries of
    each of its arrays of objects have distinct ids; items only with ``cpv``).
    :func:`keyed_sql` adds what is quicker computed when read than written and read back.

    The file's name, the merge key (``ocid``) and whether the release can be compiled are
    not staged: staging 2 GB of the benchmark's packages took 12.7 s without them against
    14.6 s with them (the name and the ocid were written out uncompressed, 130 MB).
    """
    return f"""SELECT fh, pk, r, position, hash(r.ocid) AS oh, {_ids_unique(cpv)} AS ids_unique
  FROM {releases_sql(source)}"""


def keyed_sql(staged: str) -> str:
    """The staged releases of relation ``staged`` (:func:`stage_sql` with ``rid``, their row
    ids in the staged table) as :func:`base_sql` and :func:`compiled_sql` read them, with
    ``unreadable`` (no ocid or no date: such a release cannot be compiled and becomes a
    group of its own, whose lot row is then skipped and counted as the readers report it),
    ``ocid`` (the merge group: the release's ocid, or for an unreadable release a name of
    its own made of its row id), ``gk`` (the merge order: date, then the position in the
    package; no date sorts first; see :func:`_unique_key` for releases that tie), ``bp``
    (the release's party entry of its buyer's id) and ``bp_count`` (how many entries have
    that id). Computed as read (DuckDB leaves out what a query does not use): staged, the
    keys made staging 2 GB of the benchmark's packages 0.9 s longer, and the merges were
    0.5 s quicker in all."""
    gk = _order_key("coalesce(r.date, '')", "position")
    unreadable = "coalesce(r.ocid, '') = '' OR r.date IS NULL"
    return (
        f"(SELECT * EXCLUDE (bps), {gk} AS gk, bps[1] AS bp, len(bps) AS bp_count "
        f"FROM (SELECT *, {_BPS} AS bps, {unreadable} AS unreadable, "
        f"CASE WHEN {unreadable} THEN 'gp-unreadable-' || rid::VARCHAR ELSE r.ocid END "
        f"AS ocid FROM {staged}))"
    )


def _last_of(expression: str, given: bool, key: str = "gk") -> str:
    """:func:`_last` of ``expression`` when the field is ``given`` (parsed), else NULL."""
    return _last(expression, key) if given else "NULL::VARCHAR"


def base_sql(keyed: str, *, fields: ReleaseFields = ALL_FIELDS) -> str:
    """The first step of the merge: one row per ``ocid`` of the releases in relation
    ``keyed`` (the columns of :func:`keyed_sql`), in one aggregation.

    Scalar fields are merged here. An array of objects (lots, items, awards, contracts) that
    one release alone gives, with distinct ids, is its own merge: the row notes which
    release gives it (``ref_*``), and :func:`compiled_sql` fetches it from there (a join on
    the release's place: aggregating nested values would hold them all in memory, and
    keeping them out of this table keeps it small). ``fast`` is false where two releases
    give the same array or one gives repeated ids (:func:`compiled_sql` merges those entry
    by entry). ``party_fast``: every release that gives parties names the same buyer and
    gives one entry of that id, so the buyer's party is merged here (``bp_*``). Fields that
    ``fields`` leaves out are NULL.
    """
    cpv, names = fields.cpv, fields.names
    given_items = f", {_given('r.tender.items')}" if cpv else ""
    with_parties = "FILTER (WHERE len(r.parties) > 0)"
    return f"""
WITH merged AS (
  SELECT ocid, count(*) AS n_releases, bool_or(unreadable) AS unreadable,
    arg_max(r.ocid, gk) AS given_ocid, min(oh) AS oh,
    max(r.date) AS date, arg_max(fh, gk) AS fh,
    {_last("r.buyer.id", "gk")} AS buyer_id, {_last_of("r.buyer.name", names)} AS buyer_name,
    {_last_of("r.buyer.identifier.scheme", names)} AS buyer_scheme,
    {_last_of("r.buyer.identifier.id", names)} AS buyer_identifier,
    {_last("r.buyer.address.country", "gk")} AS buyer_country,
    {_last("r.buyer.address.countryName", "gk")} AS buyer_country_name,
    {_last_of("r.tender.procurementMethod", fields.method)} AS method,
    {_last_of("r.tender.mainProcurementCategory", fields.category)} AS category,
    {_last("r.tender.value.amount", "gk")} AS value_amount,
    {_last("r.tender.value.currency", "gk")} AS value_currency,
    {_last("r.tender.tenderPeriod.startDate", "gk")} AS start_date,
    {_last("r.tender.datePublished", "gk")} AS date_published,
    {_last("r.tender.sustainability", "gk")} AS sustainability,
    {_last("r.tender.coveredBy", "gk")} AS covered_by,
    {_given("r.tender.lots")}, {_given("r.awards")}, {_given("r.contracts")}{given_items},
    bool_and(ids_unique) AS ids_unique,
    -- the buyer's party when every release giving parties names the same buyer and gives
    -- one entry of that id (then merging these entries is the general merge's result);
    -- bp is NULL in a release without parties
    {_last_of("bp.name", names)} AS bp_name,
    {_last("bp.address.country", "gk")} AS bp_country,
    {_last("bp.address.countryName", "gk")} AS bp_country_name,
    min(bp.id) AS bp_id, max(bp.id) AS bp_id_max,
    min(trim(r.buyer.id)) {with_parties} AS bp_buyer,
    max(trim(r.buyer.id)) {with_parties} AS bp_buyer_max,
    bool_and(bp_count <= 1 AND nullif(trim(r.buyer.id), '') IS NOT NULL) {with_parties}
      AS bp_single
  FROM {keyed} GROUP BY ocid
)
SELECT * EXCLUDE (ids_unique, bp_id_max, bp_buyer, bp_buyer_max, bp_single),
  coalesce(bp_single AND bp_id = bp_id_max AND bp_buyer = bp_buyer_max
    AND bp_buyer = trim(buyer_id), true) AS party_fast,
  -- each array of objects from one release at most, with distinct ids
  n_lots <= 1 AND n_awards <= 1 AND n_contracts <= 1 {"AND n_items <= 1" if cpv else ""}
    AND ids_unique AS fast
FROM merged
"""


def compiled_sql(
    keyed: str,
    base: str,
    *,
    fields: ReleaseFields = ALL_FIELDS,
    slow_arrays: bool = True,
    slow_parties: bool = True,
    fast_arrays: bool = True,
) -> str:
    """The compiled releases (columns of ``COMPILED_COLUMNS`` + ``filename``) from table
    ``base`` (:func:`base_sql`) and the releases in ``keyed`` (:func:`keyed_sql`).

    ``parties`` holds the party the lot rows read (the buyer's). The fields that ``fields``
    leaves out are NULL (without ``cpv`` the items of the tender and of the awards).
    ``slow_arrays``: some rows of ``base`` are not ``fast`` (their arrays are merged entry
    by entry here, in the order the ids first appear); ``slow_parties``: some are not
    ``party_fast`` (the buyer's party is merged from the party entries whose id is the
    compiled buyer's, all entries when the buyer has no id); ``fast_arrays``: some are
    ``fast`` (their arrays are fetched from the releases that give them). Without them
    those steps are left out of the query (a fetch join builds its table from the releases
    even when no row of ``base`` is fast).
    """
    cpv = fields.cpv
    items_block = _ITEMS_SQL if cpv else ""
    # the lots' category is parsed with the tender's (fetched lots lack it otherwise)
    lot_category = " mainProcurementCategory := category," if fields.category else ""
    lot_category_last = (
        f"      {_last('l.mainProcurementCategory', 'lk')} AS category,\n"
        if fields.category
        else ""
    )
    award_items_block = _AWARD_ITEMS_SQL if cpv else ""
    award_items_join = (
        "LEFT JOIN award_items ai ON ai.ocid = m.ocid AND ai.merge_id = m.merge_id" if cpv else ""
    )
    award_items = (
        "list_transform(ai.items, lambda x: struct_pack(id := x.id, "
        "classification := x.classification))"
        if cpv
        else "NULL"
    )
    fast_items = "fi.items" if cpv else f"NULL::{_TENDER_ITEMS}"
    slow_items = (
        "list_transform(i.items, lambda x: struct_pack(id := x.id, "
        "classification := x.classification, relatedLot := x.relatedLot))"
        if cpv
        else f"NULL::{_TENDER_ITEMS}"
    )
    # the arrays of the fast processes, each from the one release that gives it, by a left
    # join per array on the release's row id (without joining its result again on the ocid)
    fetched = [("lots", "r.tender.lots"), ("awards", "r.awards"), ("contracts", "r.contracts")]
    fetched += [("items", "r.tender.items")] if cpv else []
    fetch = fast_arrays or not slow_arrays
    fetch_joins = "\n".join(
        f"LEFT JOIN (SELECT rid, {path} AS {name} FROM {keyed} WHERE len({path}) > 0) "
        f"f{name[0]}\n"
        f"  ON f{name[0]}.rid = CASE WHEN b.fast THEN b.ref_{name} END"
        for name, path in (fetched if fetch else [])
    )
    ctes: list[str] = []
    if slow_parties:
        ctes.append(f"""party_rows AS (
  -- the buyer's party is the first merged party whose id is the buyer's (trimmed), or
  -- without a buyer id the first with the role buyer: entries of other ids are not needed
  SELECT k.ocid, {_order_key("k.uk", "k.i")} AS pk, k.p
  FROM (SELECT ocid, {_unique_key()} AS uk, unnest(r.parties) AS p,
      unnest(range(1, len(r.parties) + 1)) AS i
    FROM {keyed} WHERE len(r.parties) > 0) k
  JOIN (SELECT ocid, buyer_id FROM {base} WHERE NOT party_fast) b ON b.ocid = k.ocid
  WHERE nullif(trim(b.buyer_id), '') IS NULL OR trim(k.p.id) = trim(b.buyer_id)
), party_merged AS (
  SELECT ocid, coalesce('=' || p.id, '#' || pk::VARCHAR) AS merge_id, min(pk) AS first,
    {_last("p.id", "pk")} AS id, {_last_of("p.name", fields.names, "pk")} AS name,
    {_last("p.roles", "pk")} AS roles,
    {_last("p.address.country", "pk")} AS country,
    {_last("p.address.countryName", "pk")} AS country_name
  FROM party_rows GROUP BY ocid, merge_id
)""")
    # the party the lot rows read: the first (in merge order) whose id is the buyer's, or
    # without a buyer id the first with the role buyer; merged in the aggregation where
    # party_fast (taken from the merged row: no join)
    # (its roles are left out: the lot rows read them only when the buyer has no id, and
    # party_fast holds only for a buyer with an id, or when no release gives parties)
    fast_party = """CASE WHEN b.bp_id IS NULL THEN [] ELSE [struct_pack(id := b.bp_id,
      name := b.bp_name, roles := NULL::VARCHAR[],
      address := struct_pack(country := b.bp_country,
      countryName := b.bp_country_name))] END"""
    slow_party = f"""parties AS (
  SELECT m.ocid, list_filter([arg_min(struct_pack(id := m.id, name := m.name,
      roles := m.roles, address := struct_pack(country := m.country,
      countryName := m.country_name)), m.first) FILTER (WHERE
      nullif(trim(b.buyer_id), '') IS NOT NULL
      OR coalesce(list_contains(m.roles, 'buyer'), false))],
      lambda p: p IS NOT NULL) AS parties
  FROM party_merged m JOIN {base} b ON b.ocid = m.ocid
  GROUP BY m.ocid
)"""
    if slow_parties:
        ctes.append(slow_party)
        parties = f"CASE WHEN b.party_fast THEN {fast_party} ELSE p.parties END"
        parties_join = "LEFT JOIN parties p USING (ocid)"
    else:
        parties, parties_join = fast_party, ""
    if slow_arrays:
        ctes.append(f"""rel AS (
  -- the arrays of the releases of the processes whose arrays must be merged entry by
  -- entry, with their merge order (k)
  SELECT k.ocid, {_unique_key("k")} AS k, k.r.tender.lots AS lots, k.r.awards AS awards,
    k.r.contracts AS contracts{", k.r.tender.items AS items" if cpv else ""}
  FROM (SELECT ocid FROM {base} WHERE NOT fast) s JOIN {keyed} k ON k.ocid = s.ocid
{items_block}), lot_rows_ AS (
  SELECT ocid, {_order_key("k", "i")} AS lk, l
  FROM (SELECT ocid, k, unnest(lots) AS l, unnest(range(1, len(lots) + 1)) AS i
    FROM rel WHERE len(lots) > 0)
), lots AS (
  -- in the order of first appearance: sorted as (first, entry) pairs, which is faster than
  -- an ordered aggregate
  SELECT ocid, list_transform(list_sort(list(struct_pack(o := first, e := struct_pack(id := id,
      value := struct_pack(amount := amount, currency := currency),{lot_category}
      sustainability := sustainability, coveredBy := covered_by)))), lambda x: x.e) AS lots
  FROM (
    SELECT ocid, {_merged("l", "lk")} AS merge_id, min(lk) AS first,
      {_last("l.id", "lk")} AS id, {_last("l.value.amount", "lk")} AS amount,
      {_last("l.value.currency", "lk")} AS currency,
{lot_category_last}      {_last("l.sustainability", "lk")} AS sustainability,
      {_last("l.coveredBy", "lk")} AS covered_by
    FROM lot_rows_ GROUP BY ocid, merge_id
  ) GROUP BY ocid
), award_rows AS (
  SELECT ocid, {_order_key("k", "i")} AS ak, a
  FROM (SELECT ocid, k, unnest(awards) AS a, unnest(range(1, len(awards) + 1)) AS i
    FROM rel WHERE len(awards) > 0)
), award_merged AS (
  SELECT ocid, {_merged("a", "ak")} AS merge_id, min(ak) AS first,
    {_last("a.id", "ak")} AS id, {_last("a.status", "ak")} AS status,
    {_last("a.date", "ak")} AS date, {_last("a.value.amount", "ak")} AS amount,
    {_last("a.value.currency", "ak")} AS currency,
    {_last("a.relatedLots", "ak")} AS related_lots
  FROM award_rows GROUP BY ocid, merge_id
{award_items_block}), awards AS (
  SELECT m.ocid, list_transform(list_sort(list(struct_pack(o := m.first, e := struct_pack(
      id := m.id, status := m.status,
      date := m.date, value := struct_pack(amount := m.amount, currency := m.currency),
      relatedLots := m.related_lots{", items := " + award_items if cpv else ""})))),
    lambda x: x.e) AS awards
  FROM award_merged m
  {award_items_join}
  GROUP BY m.ocid
), contract_rows AS (
  SELECT ocid, {_order_key("k", "i")} AS ck, c
  FROM (SELECT ocid, k, unnest(contracts) AS c, unnest(range(1, len(contracts) + 1)) AS i
    FROM rel WHERE len(contracts) > 0)
), contracts AS (
  SELECT ocid, list_transform(list_sort(list(struct_pack(o := first, e := struct_pack(
      id := id, awardID := award_id, awardIDs := award_ids, status := status,
      value := struct_pack(amount := amount, currency := currency))))), lambda x: x.e)
    AS contracts
  FROM (
    SELECT ocid, {_merged("c", "ck")} AS merge_id, min(ck) AS first,
      {_last("c.id", "ck")} AS id, {_last("c.awardID", "ck")} AS award_id,
      {_last_nonempty("c.awardIDs", "ck")} AS award_ids, {_last("c.status", "ck")} AS status,
      {_last("c.value.amount", "ck")} AS amount, {_last("c.value.currency", "ck")} AS currency
    FROM contract_rows GROUP BY ocid, merge_id
  ) GROUP BY ocid
)""")
        if fast_arrays:
            tender_items = f"CASE WHEN b.fast THEN {fast_items} ELSE {slow_items} END"
            lots = "CASE WHEN b.fast THEN fl.lots ELSE l.lots END"
            awards = "CASE WHEN b.fast THEN fa.awards ELSE a.awards END"
            contracts = "CASE WHEN b.fast THEN fc.contracts ELSE c.contracts END"
        else:
            tender_items, lots, awards, contracts = slow_items, "l.lots", "a.awards", "c.contracts"
        slow_joins = (
            ("LEFT JOIN items i USING (ocid)\n" if cpv else "")
            + "LEFT JOIN lots l USING (ocid)\nLEFT JOIN awards a USING (ocid)\n"
            "LEFT JOIN contracts c USING (ocid)"
        )
    else:
        tender_items, lots = fast_items, "fl.lots"
        awards, contracts, slow_joins = "fa.awards", "fc.contracts", ""
    return (
        ("WITH " + ",\n".join(ctes) if ctes else "")
        + f"""
SELECT gf.filename, NULL::BIGINT AS file_row_number,
  CASE WHEN b.unreadable THEN b.given_ocid ELSE b.ocid END AS ocid, b.date,
  CASE WHEN b.unreadable THEN NULL ELSE ['compiled'] END AS tag,
  struct_pack(id := b.buyer_id, name := b.buyer_name,
    identifier := struct_pack(scheme := b.buyer_scheme, id := b.buyer_identifier),
    address := struct_pack(country := b.buyer_country, countryName := b.buyer_country_name))
    AS buyer,
  {parties} AS parties,
  struct_pack(procurementMethod := b.method, mainProcurementCategory := b.category,
    value := struct_pack(amount := b.value_amount, currency := b.value_currency),
    tenderPeriod := struct_pack(startDate := b.start_date), datePublished := b.date_published,
    items := {tender_items}, sustainability := b.sustainability, coveredBy := b.covered_by,
    lots := {lots}) AS tender,
  {awards} AS awards,
  {contracts} AS contracts
FROM {base} b
LEFT JOIN {_FILES} gf ON gf.fh = b.fh
{parties_join}
{fetch_joins}
{slow_joins}
"""
    )


def indicators_from_releases(
    paths: Sequence[str | Path],
    by: Sequence[str] = (),
    *,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
    threads: int | None = None,
) -> IndicatorResult:
    """Every indicator over release packages ``paths``, compiled and computed in DuckDB.

    The packages are parsed once into a staged table; the merge then runs in buckets of
    ocids (:func:`_bucket_count`). Should a bucket still not fit in DuckDB's memory (processes
    much larger than the input's average), the merge starts again from the staged table
    with twice as many buckets, up to :data:`_MAX_BUCKETS`.
    """
    from greenprocure.monitoring.engines.duckdb_engine import temp_folder

    keys = parse_group_keys(by)
    currency = reporting_currency.strip().upper()
    files = existing_files(paths)
    rates, known = reference_rates(currency, library)
    fields = ReleaseFields.for_columns(needed_columns(keys))
    structure = json.dumps({"releases": [release_structure(fields)]}).replace("'", "''")
    stage = Path(tempfile.mkdtemp(prefix="releases-", dir=temp_folder()))
    con = _stage_connection(stage, threads)
    try:
        # empty files are not read (DuckDB fails on some: an empty gzip file, a byte-order
        # mark alone): each is a record error; with no other file, an empty file of ours
        empty = empty_files(files)
        readable = [f for f in files if f not in empty] or [empty_placeholder(stage)]
        try:
            warnings = _stage(con, readable, structure, fields)
            con.execute("CHECKPOINT gp_stage")  # written out, so its pages can leave memory
        except duckdb.Error as error:
            raise read_error(_FAILURE, readable, error) from error
        buckets = _bucket_count(sum(map(os.path.getsize, readable)), fields)
        while True:
            try:
                counts = _merged_rows(con, buckets, fields, keys, currency, rates, known, readable)
                break
            except ParseError as error:
                if buckets >= _MAX_BUCKETS or not _out_of_memory(error.__cause__):
                    raise
            except duckdb.Error as error:
                if buckets >= _MAX_BUCKETS or not _out_of_memory(error):
                    raise read_error(_FAILURE, readable, error) from error
            # a fresh connection on the same staged releases: the failed try's bucket tables
            # (temporary) go with the old one
            con.close()
            con = _stage_connection(stage, threads)
            buckets = min(buckets * 2, _MAX_BUCKETS)
        if warnings:
            malformed = sum(int(w.params["count"]) for w in warnings)
            counts = dataclasses.replace(counts, skipped=counts.skipped + malformed)
        counts, warnings = with_empty_files(counts, warnings, empty)
        # the indicators read the narrow lot rows only: running out of memory there is not
        # helped by more buckets
        try:
            result = indicators_from_made_rows(
                con, counts, keys, reporting_currency=currency, files=files
            )
        except duckdb.Error as error:
            raise read_error(_FAILURE, files, error) from error
        return dataclasses.replace(result, warnings=tuple(warnings)) if warnings else result
    finally:
        con.close()
        shutil.rmtree(stage, ignore_errors=True)


def _stage(
    con: duckdb.DuckDBPyConnection, files: Sequence[str], structure: str, fields: ReleaseFields
) -> list[ParseError]:
    """Parse the packages of ``files`` into table ``gp_stage.keyed``; return the warnings of
    the files read without some lines or values (each a record error). A JSON object
    without a ``releases`` array stops the run with an error naming its file."""
    fh = file_table(con, files, _FILES)
    failures: list[duckdb.Error] = []
    warnings: list[ParseError] = []
    for packages in package_sources(files, structure, fh):
        try:
            con.execute(f"CREATE TABLE gp_stage.keyed AS {stage_sql(packages, cpv=fields.cpv)}")
            break
        except duckdb.Error as error:
            # what the JSON Lines reader cannot read, read_json_objects reads or reports
            failures.append(error)
            con.execute("DROP TABLE IF EXISTS gp_stage.keyed")
    else:
        # read without the lines that are not JSON objects: each is a record error
        warnings = _read_leniently(con, files, structure, fh, fields, failures)
    not_packages = _not_packages(con)
    if not_packages is not None and not warnings:
        # perhaps values that are JSON but no object (a line `[1]`, `123`), which the strict
        # readers take as objects without releases: read without them, if so
        # (or JSON Lines that read_json_objects cannot read: a byte-order mark, say)
        broken = whole_files(con, files)
        if broken:
            con.execute("DROP TABLE gp_stage.keyed")
            warnings = _read_leniently(con, files, structure, fh, fields, failures, broken)
            not_packages = _not_packages(con)
    if not_packages is not None:
        raise ParseError(
            N_(
                "not release packages: {count} JSON object(s) without a releases array "
                "(record packages and bare releases: use monitor ingest; compiled "
                "releases: --compiled)"
            ),
            file=str(not_packages[0]),
            count=int(not_packages[1]),
        )
    return warnings


def _not_packages(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """(file, how many) of the first file with staged objects without releases."""
    return con.execute(
        "SELECT f.filename, count(*) FROM gp_stage.keyed k "
        f"LEFT JOIN {_FILES} f USING (fh) WHERE k.position = 0 "
        "GROUP BY f.filename ORDER BY f.filename LIMIT 1"
    ).fetchone()


def _read_leniently(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[str],
    structure: str,
    fh: str,
    fields: ReleaseFields,
    failures: Sequence[duckdb.Error],
    broken: dict[str, duckdb.Error | int] | None = None,
) -> list[ParseError]:
    """Stage the packages of ``files`` leniently, after a strict read failed (``failures``,
    the strict readers' errors) or read values that are not objects: JSON Lines files that
    ``read_json_objects`` cannot read whole without their lines that are not JSON objects,
    the other files whole without their values that are not objects; return the warnings,
    one per file read without some lines or values (``count``: how many, each a record
    error). A file that cannot be read and is not JSON Lines, or none of whose lines is a
    JSON object, stops the run with its own error."""
    if broken is None:
        broken = whole_files(con, files)
    # read_json_objects's error (encodings, JSON) says best what is wrong
    failed = failures[min(1, len(failures) - 1)] if failures else None
    by_lines = [f for f, problem in broken.items() if not isinstance(problem, int)]
    for file, problem in broken.items():
        if isinstance(problem, int) and starts_with_bom(file):
            # read_json_objects reads an array after a byte-order mark as one value (its
            # elements would be lost as "not objects"): JSON Lines go to the line reader,
            # which skips the mark; anything else stops the run
            if not json_lines(file):
                raise ParseError(_BOM_VALUES, file=file, count=problem)
            by_lines.append(file)
    for file in by_lines:
        if not json_lines(file):
            error = broken[file]
            assert isinstance(error, duckdb.Error)  # (the others are JSON Lines)
            raise read_error(_FAILURE, [file], error) from error
    if not broken and failed is not None:
        raise failed  # every file reads whole: the strict readers failed on something else
    counts: dict[str, LineCounts] = {}
    if by_lines:
        try:
            counts = line_counts(con, by_lines)
        except duckdb.Error as lines_error:
            # not even lines of text: the first such file, with its own error
            found = unreadable_file(con, by_lines)
            if found is not None:
                raise read_error(_FAILURE, [found[0]], found[1]) from found[1]
            raise failed or lines_error from None
        unreadable = without_objects(counts, by_lines)
        if unreadable is not None:
            own = broken[unreadable]
            if isinstance(own, int):
                raise ParseError(_BOM_VALUES, file=unreadable, count=own)
            raise read_error(_FAILURE, [unreadable], own) from own
    whole = [f for f in dict.fromkeys(files) if f not in by_lines]
    source = lenient_source(whole, by_lines, structure, fh)
    try:
        con.execute(f"CREATE TABLE gp_stage.keyed AS {stage_sql(source, cpv=fields.cpv)}")
    except duckdb.Error:
        if failed is None:
            raise
        raise failed from None
    lines = dict(damaged_files(counts, by_lines))
    warnings = []
    for file in dict.fromkeys(files):
        if file in lines:
            warnings.append(ParseError(_MALFORMED_LINES, file=file, count=lines[file]))
        elif isinstance(values := broken.get(file), int):
            warnings.append(ParseError(_NOT_OBJECTS, file=file, count=values))
    return warnings


def _merged_rows(
    con: duckdb.DuckDBPyConnection,
    buckets: int,
    fields: ReleaseFields,
    keys: tuple[str, ...],
    currency: str,
    rates: list[tuple[str, int, float]],
    known: list[str],
    files: Sequence[str],
) -> RowCounts:
    """Merge the staged releases in ``buckets`` buckets of ocids and make the lot rows of
    the compiled releases (table ``gp_rows``)."""
    parts = _bucket_merges(con, buckets, fields)

    def queries(lean: bool) -> list[str]:
        wanted = needed_columns(keys, lean=lean)
        return [
            compiled_lot_rows_sql(f"({part})", currency, rates, known, COUNTRY_TABLE, wanted)
            for part in parts
        ]

    return make_rows(
        con, RowQueries(lean=queries(lean=True), full=queries(lean=False)), files, _FAILURE
    )


def _stage_connection(stage: Path, threads: int | None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with bounded resources and the staging database of folder
    ``stage`` attached as ``gp_stage`` (made on first use)."""
    from greenprocure.monitoring.engines.duckdb_engine import limit_resources, quote_path

    con = duckdb.connect()
    try:
        limit_resources(con, threads=threads)
        # The staged table is written once and read a few times, then deleted: written
        # without FSST string compression and one row group at a time, staging 2 GB of the
        # benchmark's packages took 8.4 s instead of 9.9 s (the table: 1 GB on disk
        # instead of 0.2 GB).
        con.execute("SET disabled_compression_methods = 'fsst,dict_fsst'")
        con.execute("SET write_buffer_row_group_count = 1")
        con.execute(f"ATTACH '{quote_path(stage / 'stage.duckdb')}' AS gp_stage")
    except BaseException:
        con.close()
        raise
    return con


def _out_of_memory(error: BaseException | None) -> bool:
    return isinstance(error, duckdb.OutOfMemoryException)


def _bucket_count(size: int, fields: ReleaseFields) -> int:
    """How many buckets of ocids the merge of ``size`` bytes of packages reading ``fields``
    starts with."""
    lean = not (fields.names or fields.method or fields.category)
    per_bucket = _LEAN_BUCKET_BYTES if lean else _BUCKET_BYTES
    return max(1, -(-size // per_bucket))


def _bucket_merges(
    con: duckdb.DuckDBPyConnection, buckets: int, fields: ReleaseFields
) -> list[str]:
    """Make the :func:`base_sql` table of each of ``buckets`` buckets of ocids of the staged
    releases (``gp_stage.keyed``) and return the queries of the compiled releases, without
    the steps that no process of a bucket needs.

    A bucket whose processes to merge entry by entry (not ``fast``) have many releases is
    compiled in parts (:data:`_SLOW_RELEASES` releases each, about), one query each: the
    entry-by-entry merge of a whole bucket of such processes would not fit in DuckDB's
    memory and would spill to disk (half again as slow)."""
    parts = []
    per_part = _SLOW_RELEASES // 2 if fields.cpv else _SLOW_RELEASES
    for bucket in range(buckets):
        # a temporary table (in memory, spilled if need be): a bucket's merged table is small
        # (no arrays), and written to the staging database it took a fifth of the merge
        base = f"gp_base_{bucket}"
        con.execute(
            f"CREATE TEMP TABLE {base} AS {base_sql(_bucket(buckets, bucket), fields=fields)}"
        )
        any_slow, any_slow_party, slow_releases, any_fast = con.execute(
            f"SELECT bool_or(NOT fast), bool_or(NOT party_fast), "
            f"coalesce(sum(n_releases) FILTER (WHERE NOT fast), 0), bool_or(fast) FROM {base}"
        ).fetchone() or (True, True, 0, True)
        slow_parties = bool(any_slow_party)
        pieces = max(1, -(-int(slow_releases) // per_part))
        if pieces == 1:
            parts.append(
                compiled_sql(
                    _bucket(buckets, bucket),
                    base,
                    fields=fields,
                    slow_arrays=bool(any_slow),
                    slow_parties=slow_parties,
                    fast_arrays=bool(any_fast),
                )
            )
            continue
        # the fast processes in one query (their arrays fetched once), the others in parts
        if any_fast:
            parts.append(
                compiled_sql(
                    _bucket(buckets, bucket),
                    f"(SELECT * FROM {base} WHERE fast)",
                    fields=fields,
                    slow_arrays=False,
                    slow_parties=slow_parties,
                )
            )
        for piece in range(pieces):
            parts.append(
                compiled_sql(
                    _bucket(buckets, bucket, pieces, piece),
                    f"(SELECT * FROM {base} WHERE NOT fast AND {_piece(buckets, pieces, piece)})",
                    fields=fields,
                    slow_parties=slow_parties,
                    fast_arrays=False,
                )
            )
    return parts


def _bucket(buckets: int, bucket: int, pieces: int = 1, piece: int = 0) -> str:
    """The staged releases of bucket ``bucket`` of ``buckets`` (and of its part ``piece``
    of ``pieces``), with their merge order ``gk``."""
    where = [] if buckets == 1 else [f"oh % {buckets} = {bucket}"]
    if pieces > 1:
        where.append(_piece(buckets, pieces, piece))
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    # rid: the row id of the staged release (the table is written once, never changed)
    return keyed_sql(f"(SELECT *, rowid AS rid FROM gp_stage.keyed{condition})")


def _piece(buckets: int, pieces: int, piece: int) -> str:
    """The condition on ``oh`` (the hash of the ocid) of part ``piece`` of ``pieces`` of a
    bucket."""
    return f"oh // {buckets} % {pieces} = {piece}"


#: Input size per bucket: larger inputs are merged in buckets of ocids (by hash), one at a
#: time from the staged table, so that DuckDB holds one bucket's aggregation at a time
#: (measured on 2 GB: one merge of everything ran out of its 640 MB; four buckets, 71 s and
#: 823 MiB peak, where parsing the input again for each bucket took 112 s). The same with
#: the items of the tender and of the awards (CPV keys): it was half of it while the merged
#: table held the arrays (0.5 GB in one bucket then ran out of memory); now that it holds
#: none, grouped by country, CPV division and year 2 GB took 20.4 s in three buckets
#: against 25.2 s in six, without spilling.
_BUCKET_BYTES = 512 * 1024 * 1024

#: Input size per bucket when neither names nor the procurement method nor the category are
#: read (six fewer merged fields): on 2 GB of the benchmark's packages, three buckets
#: merged without spilling (DuckDB allocated 554 MB of its 640 MB per bucket), 16.1 s in
#: all instead of 18.1 s with four.
_LEAN_BUCKET_BYTES = 640 * 1024 * 1024

#: The files read (``filename``) and the hash their releases carry (``fh``).
_FILES = "gp_stage.files"

#: The message of the error raised when DuckDB cannot read or merge the packages.
_FAILURE = N_("cannot read the release packages: {reason}")

#: The warning of a JSON Lines file read without its lines that are not JSON.
_MALFORMED_LINES = N_(
    "{count} line(s) of this file are not JSON objects: each is counted as a record error "
    "and the other lines are read; monitor ingest lists them"
)

#: The warning of a file read without its JSON values that are not objects.
_NOT_OBJECTS = N_(
    "{count} JSON value(s) of this file are not objects: each is counted as a record error "
    "and the other values are read; monitor ingest lists them"
)

#: The error of a file with a byte-order mark and JSON values that are not objects.
_BOM_VALUES = N_(
    "{count} JSON value(s) of this file after its byte-order mark are not objects (an array "
    "of packages after the mark is read as one value): remove the mark, or use monitor ingest"
)

#: Releases of the processes merged entry by entry per query of a bucket (half of it with
#: the items, for CPV keys): measured on 1.5 GB of packages where every process has
#: amendments (three buckets of about 680,000 such releases), the merge of a whole bucket
#: needed 1.4 GB of DuckDB's memory and, spilling, took 7.2-8 s instead of 4.6 s.
_SLOW_RELEASES = 200_000

#: The most buckets a merge is tried with after running out of memory.
_MAX_BUCKETS = 64

"""The fast path: indicators straight from compiled-release JSON Lines, in DuckDB SQL.

DuckDB's ``read_json`` parses the files in parallel with a declared schema holding only the
fields the indicators read; the lot rows are built in SQL (lots, buyer, CPV, dates, green
detection, money attribution, currency conversion) and the shared indicator queries of
:mod:`greenprocure.monitoring.indicators` run over them. No Python object is made per
record, which is what makes this path fast.

Why written here: no library computes green-procurement indicators from OCDS (Cardinal
computes red flags, OCDS Kit reshapes data), and going through Python objects per record is
what this path avoids.

It follows the rules of the Python path (:mod:`greenprocure.monitoring.lots` and
:mod:`greenprocure.monitoring.green`), and a differential test checks that both give the same
indicators on the real data and on synthetic data:

- a tender without lots is one lot (``lot_id = ''``); tender-level sustainability applies to
  every lot; a lot is green with an environmental goal, a GPP-criteria strategy or CVD scope;
  goals are normalised with :data:`~greenprocure.monitoring.green.GOAL_ALIASES`;
- an award counts unless its status is pending, cancelled or unsuccessful; it is split
  equally between its ``relatedLots`` (all lots when it names none); a contract counts
  unless pending or cancelled and is split like the awards it names through ``awardID``;
- the lot's date is its first award date, else the tender period start or publication
  date, else the release date; values are converted at the rate of that year
  (:class:`~greenprocure.monitoring.currency.CurrencyConverter`; no rate that year: no
  converted value); a record with a currency the reference rates do not know is skipped
  and counted as an error, like a record whose dates cannot be read.

Differences, stated: records that are not JSON objects with the declared field types make
DuckDB stop with a parse error naming the file (the Python path reports them one by one);
between two copies of one lot with the same date in the same file, the copy on the later
line is kept as on the store path (``record_ref`` = ``line N``), but lines are counted
without blank lines, and finding them costs a second, single-threaded read of the input
(only when there are such copies).

Speed (measured on the project's 2-core machine; ``benchmarks/README.md``): the scan is
parallel, only the fields the asked-for columns need are read (``read_json`` with a
declared schema; the awards' items only for CPV keys), each record's awards and contracts
are reduced once, and the work per lot is guarded so that a tender with at most one lot
(most of them) takes its awards and contracts without searching. Lot rows are
materialised once with only the columns the indicators read, and the deduplication window
is skipped when every (ocid, lot id) is there once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from greenprocure.errors import InputError, ParseError
from greenprocure.i18n import N_
from greenprocure.monitoring.currency import CurrencyConverter
from greenprocure.monitoring.engines._common import indicator_tables
from greenprocure.monitoring.green import GOAL_ALIASES, GPP_STRATEGIES
from greenprocure.monitoring.indicators import (
    INDICATOR_COLUMNS,
    KEY_COLUMNS,
    IndicatorResult,
    IndicatorTable,
    deduplicated_sql,
    indicator_sql,
    key_columns,
    parse_group_keys,
)
from greenprocure.monitoring.lots import country_names
from greenprocure.monitoring.rows import LOT_COLUMNS
from greenprocure.reference.library import ReferenceLibrary, default_library

__all__ = [
    "COMPILED_COLUMNS",
    "ROW_COLUMNS",
    "compiled_columns",
    "compiled_lot_rows",
    "compiled_lot_rows_sql",
    "duckdb_indicator_tables",
    "indicators_from_compiled",
    "indicators_from_rows",
    "needed_columns",
    "prepare_reference_tables",
    "read_compiled_sql",
    "resolve_country_names",
]

_MONEY = "STRUCT(amount DOUBLE, currency VARCHAR)"
_ADDRESS = "STRUCT(country VARCHAR, countryName VARCHAR)"
_SUSTAINABILITY = "STRUCT(goal VARCHAR, strategies VARCHAR[])[]"
_CLASSIFICATION = "STRUCT(scheme VARCHAR, id VARCHAR)"

_AWARD_ITEMS = f"STRUCT(classification {_CLASSIFICATION})[]"
_CPV_COLUMNS = frozenset(("cpv", "cpv2", "cpv3"))

#: The fields of a compiled release that the fast path reads, with their DuckDB types.
COMPILED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ocid", "VARCHAR"),
    ("date", "VARCHAR"),
    (
        "buyer",
        f"STRUCT(id VARCHAR, name VARCHAR, identifier STRUCT(scheme VARCHAR, id VARCHAR), "
        f"address {_ADDRESS})",
    ),
    ("parties", f"STRUCT(id VARCHAR, name VARCHAR, roles VARCHAR[], address {_ADDRESS})[]"),
    (
        "tender",
        "STRUCT(procurementMethod VARCHAR, mainProcurementCategory VARCHAR, "
        f"value {_MONEY}, tenderPeriod STRUCT(startDate VARCHAR), datePublished VARCHAR, "
        f"items STRUCT(classification {_CLASSIFICATION}, relatedLot VARCHAR)[], "
        f"sustainability {_SUSTAINABILITY}, coveredBy VARCHAR[], "
        f"lots STRUCT(id VARCHAR, value {_MONEY}, mainProcurementCategory VARCHAR, "
        f"sustainability {_SUSTAINABILITY}, coveredBy VARCHAR[])[])",
    ),
    (
        "awards",
        f"STRUCT(id VARCHAR, status VARCHAR, date VARCHAR, value {_MONEY}, "
        f"relatedLots VARCHAR[], items {_AWARD_ITEMS})[]",
    ),
    (
        "contracts",
        f"STRUCT(awardID VARCHAR, awardIDs VARCHAR[], status VARCHAR, value {_MONEY})[]",
    ),
)


_DEDUPLICATION_COLUMNS = ("ocid", "lot_id", "date", "source_file", "record_ref")


def compiled_columns(cpv: bool = True) -> tuple[tuple[str, str], ...]:
    """:data:`COMPILED_COLUMNS`, without the awards' items when no CPV code is asked for
    (DuckDB leaves out unused fields of structs, not those of the structs inside lists)."""
    if cpv:
        return COMPILED_COLUMNS
    return tuple(
        (name, kind.replace(f", items {_AWARD_ITEMS})[]", ")[]") if name == "awards" else kind)
        for name, kind in COMPILED_COLUMNS
    )


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _environmental_code(goal: str) -> bool:
    return goal == "environmental" or goal.startswith("environmental.")


#: Whether no alias turns a goal that is not environmental into one or back: then whether a
#: goal is environmental can be told before its spelling is normalised.
_ALIASES_KEEP_KIND = all(
    _environmental_code(alias) == _environmental_code(code) for alias, code in GOAL_ALIASES.items()
)


def _alias_sql(expression: str, aliases: Mapping[str, str]) -> str:
    """``expression`` with the spellings of ``aliases`` replaced (a column or a variable)."""
    if not aliases:
        return expression
    cases = " ".join(
        f"WHEN {_sql_string(alias)} THEN {_sql_string(code)}"
        for alias, code in sorted(aliases.items())
    )
    return f"(CASE {expression} {cases} ELSE {expression} END)"


def _gpp_list() -> str:
    return "[" + ", ".join(_sql_string(s) for s in sorted(GPP_STRATEGIES)) + "]"


def _is_environmental(goal: str) -> str:
    return f"({goal} = 'environmental' OR starts_with({goal}, 'environmental.'))"


def _cpv_sql(item: str) -> str:
    """The 8-digit CPV code of an item-like struct with a classification (else NULL)."""
    code = f"left(replace(trim({item}.classification.id), ' ', ''), 8)"
    return (
        f"(CASE WHEN upper(coalesce({item}.classification.scheme, 'None')) IN ('CPV', '') "
        f"AND length({code}) = 8 AND translate({code}, '0123456789', '') = '' "
        f"THEN {code} END)"
    )


def _date_sql(expression: str) -> str:
    return f"TRY_CAST(left({expression}, 10) AS DATE)"


#: The lot-row columns :func:`compiled_lot_rows_sql` gives (``line``: the record's line in
#: its file, from 1; ``skip_reason``: why the record would be skipped, else NULL;
#: ``first_lot``: true on one row per record). With ``country_lookup``, ``country`` is NULL
#: where a country name must still be looked up and ``country_lookup`` holds [buyer's
#: country name, party's country code, party's country name] (see
#: :func:`resolve_country_names`); without it the look-up is joined in the query.
ROW_COLUMNS: tuple[str, ...] = (
    "source_file",
    "line",
    "ocid",
    "lot_id",
    "buyer_id",
    "buyer_name",
    "country",
    "country_lookup",
    "date",
    "year",
    "month",
    "procurement_method",
    "main_category",
    "cpv",
    "cpv2",
    "cpv3",
    "is_green",
    "goals",
    "strategies",
    "cvd",
    "estimated_value_rc",
    "awarded_value_rc",
    "contracted_value_rc",
    "skip_reason",
    "first_lot",
)


def compiled_lot_rows_sql(
    source: str,
    reporting_currency: str,
    rates: Sequence[tuple[str, int, float]],
    known_currencies: Sequence[str],
    country_table: str,
    columns: Sequence[str] | None = None,
) -> str:
    """A query giving the lot rows of the compiled releases in relation ``source``.

    ``rates`` are (currency, year, units of the reporting currency per unit) for every
    currency and year the reference rates can convert; ``known_currencies`` are the codes
    the reference rates know; ``country_table`` has columns (name, code): country names
    (casefolded) and their ISO codes. ``columns`` (default: :data:`ROW_COLUMNS` but
    ``country_lookup``)
    are the columns wanted; asking only for what is needed is what makes the query cheap,
    as DuckDB then neither reads nor computes the rest (grouped by year, items, buyer and
    parties are never read). ``goals`` and ``strategies`` hold no duplicates.

    One parallel scan and a chain of projections, no grouping by record: each record's
    awards and contracts are reduced once to small lists (which lots, when, how much, in
    which currency), the lots are unnested and each lot takes its share. What costs is
    guarded by ``CASE`` so that it runs only on the rows that need it: a tender with at most
    one lot takes every counted award and contract without looking up ids, a lot without
    ``sustainability`` is not searched for goals.
    """
    wanted = (
        tuple(columns)
        if columns is not None
        else tuple(c for c in ROW_COLUMNS if c != "country_lookup")
    )
    unknown = [c for c in wanted if c not in ROW_COLUMNS]
    if unknown:
        raise ValueError(f"unknown lot-row columns: {unknown}")
    rc = _sql_string(reporting_currency)
    gpp = _gpp_list()
    award_items = "a.items" if _CPV_COLUMNS & set(wanted) else f"NULL::{_AWARD_ITEMS}"
    known = "[" + ", ".join(_sql_string(c) for c in sorted(set(known_currencies))) + "]"

    def goals_of(sus: str) -> str:
        """Distinct normalised environmental goals of a sustainability list (never NULL)."""
        trimmed = f"list_transform({sus}, lambda s: trim(s.goal))"
        if not _ALIASES_KEEP_KIND:
            trimmed = f"list_transform({trimmed}, lambda g: {_alias_sql('g', GOAL_ALIASES)})"
        aliases = {k: v for k, v in GOAL_ALIASES.items() if _environmental_code(v)}
        return (
            f"CASE WHEN {sus} IS NULL OR len({sus}) = 0 THEN []::VARCHAR[] ELSE "
            f"list_distinct(list_transform(list_filter({trimmed}, "
            f"lambda g: {_is_environmental('g')}), lambda g: {_alias_sql('g', aliases)})) END"
        )

    def strategies_of(sus: str) -> str:
        """Distinct strategies: all those of an environmental entry, GPP criteria of any."""
        goal = "trim(s.goal)" if _ALIASES_KEEP_KIND else _alias_sql("trim(s.goal)", GOAL_ALIASES)
        trimmed = "list_transform(coalesce(s.strategies, []), lambda x: trim(x))"
        return (
            f"CASE WHEN {sus} IS NULL OR len({sus}) = 0 THEN []::VARCHAR[] ELSE "
            f"list_distinct(flatten(list_transform({sus}, lambda s: "
            f"CASE WHEN coalesce({_is_environmental(goal)}, false) "
            f"THEN {trimmed} ELSE list_filter({trimmed}, lambda x: list_contains({gpp}, x)) "
            "END))) END"
        )

    def merged(tender_list: str, lot_list: str) -> str:
        return (
            f"CASE WHEN len({lot_list}) = 0 THEN {tender_list} "
            f"WHEN len({tender_list}) = 0 THEN {lot_list} "
            f"ELSE list_distinct(list_concat({tender_list}, {lot_list})) END"
        )

    def cvd(expression: str) -> str:
        return (
            f"coalesce(list_contains(list_transform({expression}, "
            "lambda c: upper(trim(c))), 'EU-CVD'), false)"
        )

    def currency(expression: str) -> str:
        return f"nullif(upper(trim({expression})), '')"

    def first_cpv(items: str) -> str:
        return (
            f"list_filter(list_transform(coalesce({items}, []), lambda i: {_cpv_sql('i')}), "
            "lambda c: c IS NOT NULL)[1]"
        )

    codes = sorted({c for c, _y, _r in rates})
    years = sorted({y for _c, y, _r in rates})
    first_year = years[0] if years else 0
    span = (years[-1] - first_year + 1) if years else 0
    table = {(c, y): r for c, y, r in rates}
    flat = [table.get((c, first_year + k)) for c in codes for k in range(span)]
    rate_list = "([" + ", ".join("NULL" if r is None else repr(r) for r in flat) + "]::DOUBLE[])"
    code_list = "([" + ", ".join(_sql_string(c) for c in codes) + "]::VARCHAR[])"

    def rate(code: str) -> str:
        """Units of the reporting currency per unit of ``code`` in the lot's year, or NULL."""
        if not rates:
            return f"(CASE WHEN {code} = {rc} THEN 1.0 END)"
        return (
            f"(CASE WHEN {code} = {rc} THEN 1.0 WHEN year_index BETWEEN 1 AND {span} "
            f"THEN {rate_list}[(list_position({code_list}, {code}) - 1) * {span} "
            "+ year_index] END)"
        )

    def convert(parts: str) -> str:
        """Sum of the (amount, currency) parts converted; NULL without parts or with a
        part whose currency is not given."""
        return (
            f"CASE WHEN len({parts}) = 0 OR lot_year IS NULL "
            f"OR list_bool_or(list_transform({parts}, lambda p: p.currency IS NULL)) "
            f"THEN NULL ELSE list_sum(list_transform({parts}, "
            f"lambda p: p.amount * {rate('p.currency')})) END"
        )

    def country(address: str) -> tuple[str, str]:
        code = f"nullif(trim({address}.country), '')"
        name = f"nullif(trim({address}.countryName), '')"
        direct = (
            f"CASE WHEN regexp_full_match({code}, '[A-Za-z]{{2}}') THEN upper({code}) "
            f"WHEN regexp_full_match({name}, '[A-Za-z]{{2}}') THEN upper({name}) END"
        )
        return direct, f"lower({name})"

    buyer_direct, buyer_name_key = country("buyer.address")
    party_direct, party_name_key = country("party.address")
    known_lots = "list_filter(coalesce(a.relatedLots, []), lambda x: list_contains(lot_ids, x))"
    # the lots an award is for: its relatedLots that are lots of the tender, else all lots
    award_lots = (
        f"CASE WHEN n_lots = 0 THEN [''] WHEN n_lots = 1 THEN lot_ids "
        f"WHEN len({known_lots}) = 0 THEN lot_ids ELSE list_distinct({known_lots}) END"
    )
    # a contract of a tender with several lots: the lot lists of the awards it names
    found = (
        "list_filter(list_transform(CASE WHEN c.awardID IS NOT NULL THEN [c.awardID] "
        "ELSE coalesce(c.awardIDs, []) END, lambda k: "
        "list_filter(award_list, lambda a: a.id = k)[-1].lots), lambda ls: ls IS NOT NULL)"
    )
    # an award's share of a lot; when lot ids repeat, an award for all lots counts once for
    # each lot of that id (as many rows have the id)
    awarded_parts = (
        "list_transform(list_filter(lot_awards, lambda a: a.amount IS NOT NULL), lambda a: "
        "struct_pack(amount := CASE WHEN repeated_ids "
        "THEN a.amount / len(a.lots) * len(list_filter(a.lots, lambda x: x = lot_id)) "
        "ELSE a.amount / len(a.lots) END, currency := a.currency))"
    )
    outputs = {
        "source_file": "source_file",
        "line": "line",
        "ocid": "ocid",
        "lot_id": "lot_id",
        "buyer_id": "buyer_id_",
        "buyer_name": "buyer_name_",
        "country": "coalesce(buyer_country_code, bc.code, party_country_code, pc.code)"
        if "country_lookup" not in wanted
        else "CASE WHEN buyer_country_key IS NULL AND party_country_key IS NULL "
        "THEN coalesce(buyer_country_code, party_country_code) END",
        "country_lookup": "CASE WHEN buyer_country_key IS NOT NULL "
        "OR party_country_key IS NOT NULL "
        "THEN [buyer_country_key, party_country_code, party_country_key] END",
        "date": "lot_date",
        "year": "lot_year",
        "month": "month(lot_date)",
        "procurement_method": "nullif(trim(tender_method), '')",
        "main_category": "coalesce(nullif(trim(lot.mainProcurementCategory), ''), "
        "nullif(trim(tender_category), ''))",
        "cpv": "cpv_",
        "cpv2": "left(cpv_, 2)",
        "cpv3": "left(cpv_, 3)",
        "is_green": f"(len(goals_) > 0 OR list_has_any(strategies_, {gpp}) OR cvd_)",
        "goals": "goals_",
        "strategies": "strategies_",
        "cvd": "cvd_",
        "estimated_value_rc": "estimated_value_rc",
        "awarded_value_rc": "awarded_value_rc",
        "contracted_value_rc": "contracted_value_rc",
        "skip_reason": "skip_reason",
        "first_lot": "lot_number <= 1",
    }
    select = ",\n  ".join(f"{outputs[c]} AS {c}" for c in wanted)
    joins = ""
    if "country" in wanted and "country_lookup" not in wanted:
        joins = (
            f"LEFT JOIN {country_table} bc ON bc.name = rows.buyer_country_key\n"
            f"LEFT JOIN {country_table} pc ON pc.name = rows.party_country_key"
        )
    return f"""
WITH records AS (
  SELECT filename AS source_file, file_row_number + 1 AS line, ocid, date AS release_text,
    buyer, parties,
    tender.procurementMethod AS tender_method,
    tender.mainProcurementCategory AS tender_category,
    tender.value AS tender_value, tender.tenderPeriod.startDate AS tender_start,
    tender.datePublished AS tender_published, tender.items AS items,
    tender.sustainability AS tender_sustainability, tender.coveredBy AS tender_covered,
    coalesce(tender.lots, []) AS lots_list, awards, contracts
  FROM {source}
), r1 AS (
  SELECT *,
    len(lots_list) AS n_lots,
    list_transform(lots_list, lambda l: coalesce(l.id, '')) AS lot_ids,
    trim(buyer.id) AS buyer_key
  FROM records
), r2 AS (
  SELECT * EXCLUDE (awards, contracts),
    n_lots > 1 AND len(list_distinct(lot_ids)) < n_lots AS repeated_ids,
    list_transform(coalesce(awards, []), lambda a: struct_pack(
      id := a.id,
      ok := coalesce(trim(a.status), '') NOT IN ('pending', 'cancelled', 'unsuccessful'),
      text := a.date, date := {_date_sql("a.date")},
      amount := a.value.amount, currency := {currency("a.value.currency")},
      items := {award_items}, lots := {award_lots})) AS award_list,
    list_filter(coalesce(contracts, []), lambda c:
      coalesce(trim(c.status), '') NOT IN ('pending', 'cancelled')
      AND c.value.amount IS NOT NULL) AS counted_contracts,
    CASE WHEN buyer_key <> ''
      THEN parties[list_position(list_transform(parties, lambda p: trim(p.id)), buyer_key)]
      ELSE parties[list_position(list_transform(parties,
        lambda p: coalesce(list_contains(p.roles, 'buyer'), false)), true)]
    END AS party,
    {_date_sql("tender_start")} AS start_date,
    {_date_sql("tender_published")} AS published_date,
    {_date_sql("release_text")} AS release_date
  FROM r1
), r3 AS (
  SELECT * EXCLUDE (lots_list, buyer, parties, party, counted_contracts, buyer_key),
    CASE WHEN n_lots > 1 THEN list_filter(award_list, lambda a: a.ok) END AS counted_awards,
    list_transform(list_filter(award_list, lambda a: a.ok AND a.amount IS NOT NULL),
      lambda a: struct_pack(amount := a.amount, currency := a.currency)) AS award_money,
    list_min(list_transform(award_list, lambda a: CASE WHEN a.ok THEN a.date END))
      AS award_date_all,
    coalesce(list_bool_or(list_transform(award_list,
      lambda a: a.ok AND a.text IS NOT NULL AND a.date IS NULL)), false) AS bad_award_date,
    list_transform(counted_contracts, lambda c: struct_pack(amount := c.value.amount,
      currency := {currency("c.value.currency")})) AS contract_money,
    CASE WHEN n_lots > 1 THEN list_transform(counted_contracts, lambda c: {found}) END
      AS contract_found,
    {goals_of("tender_sustainability")} AS tender_goals,
    {strategies_of("tender_sustainability")} AS tender_strategies,
    {cvd("tender_covered")} AS tender_cvd,
    list_filter(list_transform(coalesce(items, []), lambda i: struct_pack(
      related := coalesce(i.relatedLot, ''), cpv := {_cpv_sql("i")})),
      lambda i: i.cpv IS NOT NULL) AS item_cpvs,
    coalesce(nullif(trim(buyer.id), ''),
      CASE WHEN nullif(trim(buyer.identifier.id), '') IS NOT NULL THEN
        CASE WHEN nullif(trim(buyer.identifier.scheme), '') IS NOT NULL
          THEN trim(buyer.identifier.scheme) || '-' || buyer.identifier.id
          ELSE trim(buyer.identifier.id) END END,
      nullif(trim(party.id), '')) AS buyer_id_,
    coalesce(nullif(trim(buyer.name), ''), nullif(trim(party.name), '')) AS buyer_name_,
    {buyer_direct} AS buyer_country_code, {party_direct} AS party_country_code,
    CASE WHEN {buyer_direct} IS NULL THEN {buyer_name_key} END AS buyer_country_key,
    CASE WHEN {buyer_direct} IS NULL AND {party_direct} IS NULL
      THEN {party_name_key} END AS party_country_key,
    CASE WHEN n_lots > 0 THEN lots_list ELSE [NULL] END AS lot_values,
    CASE WHEN n_lots > 0 THEN lot_ids ELSE [''] END AS lot_keys,
    CASE WHEN n_lots > 0 THEN range(1, n_lots + 1) ELSE [0] END AS lot_numbers,
    coalesce(start_date, published_date, release_date) AS fallback_date
  FROM r2
), r4 AS (
  SELECT * EXCLUDE (contract_found),
    -- contracts of a tender with several lots: (lot, share) entries, shared like the
    -- awards they name, or between all lots when they name no known award
    CASE WHEN n_lots > 1 THEN flatten(list_transform(contract_found, lambda found, i:
      CASE WHEN len(found) = 0
        THEN list_transform(lot_ids, lambda x: struct_pack(lot := x,
          amount := contract_money[i].amount / n_lots, currency := contract_money[i].currency))
        ELSE flatten(list_transform(found, lambda ls: list_transform(ls, lambda x:
          struct_pack(lot := x, amount := contract_money[i].amount / len(ls) / len(found),
            currency := contract_money[i].currency))))
      END)) END AS contract_entries,
    CASE WHEN ocid IS NULL OR trim(ocid) = '' THEN 'no ocid'
      WHEN release_text IS NULL THEN 'no release date'
      WHEN (tender_start IS NOT NULL AND start_date IS NULL)
        OR (tender_published IS NOT NULL AND published_date IS NULL)
        OR release_date IS NULL OR bad_award_date
        THEN 'a date cannot be read'
      WHEN coalesce(list_bool_or(list_transform(list_concat(
        list_transform(award_money, lambda a: a.currency),
        list_transform(contract_money, lambda c: c.currency),
        CASE WHEN n_lots > 0
          THEN list_transform(list_filter(lot_values, lambda l: l.value.amount IS NOT NULL),
            lambda l: {currency("l.value.currency")})
          WHEN tender_value.amount IS NOT NULL THEN [{currency("tender_value.currency")}]
          ELSE []::VARCHAR[] END),
        lambda c: c IS NOT NULL AND c <> {rc} AND NOT list_contains({known}, c))), false)
        THEN 'unknown currency'
    END AS skip_reason,
    list_filter(item_cpvs, lambda i: i.related = '')[1].cpv AS tender_cpv0,
    item_cpvs[1].cpv AS tender_cpv1
  FROM r3
), lots AS (
  SELECT * EXCLUDE (lot_values, lot_keys, lot_numbers),
    unnest(lot_values) AS lot, unnest(lot_keys) AS lot_id, unnest(lot_numbers) AS lot_number
  FROM r4
), lot_share AS (
  SELECT *,
    CASE WHEN n_lots > 1
      THEN list_filter(counted_awards, lambda a: list_contains(a.lots, lot_id)) END
      AS lot_awards,
    CASE WHEN n_lots <= 1 THEN contract_money
      ELSE list_transform(list_filter(contract_entries, lambda e: e.lot = lot_id), lambda e:
        struct_pack(amount := e.amount, currency := e.currency)) END AS lot_contracts,
    {goals_of("lot.sustainability")} AS lot_goals,
    {strategies_of("lot.sustainability")} AS lot_strategies,
    {cvd("lot.coveredBy")} AS lot_cvd,
    CASE WHEN n_lots > 0 THEN lot.value ELSE tender_value END AS estimated
  FROM lots
), dated AS (
  SELECT *,
    coalesce(CASE WHEN n_lots <= 1 THEN award_date_all
      ELSE list_min(list_transform(lot_awards, lambda a: a.date)) END,
      fallback_date) AS lot_date,
    CASE WHEN n_lots <= 1 THEN award_money ELSE {awarded_parts} END AS awarded_parts,
    {merged("tender_goals", "lot_goals")} AS goals_,
    {merged("tender_strategies", "lot_strategies")} AS strategies_,
    tender_cvd OR lot_cvd AS cvd_,
    {currency("estimated.currency")} AS estimated_currency
  FROM lot_share
), valued AS (
  SELECT *, year(lot_date) AS lot_year, year(lot_date) - {first_year - 1} AS year_index
  FROM dated
), rows AS (
  SELECT *,
    CASE WHEN estimated.amount IS NULL OR lot_year IS NULL OR estimated_currency IS NULL
      THEN NULL ELSE estimated.amount * {rate("estimated_currency")} END AS estimated_value_rc,
    {convert("awarded_parts")} AS awarded_value_rc,
    {convert("lot_contracts")} AS contracted_value_rc,
    coalesce(
      CASE WHEN n_lots > 0
        THEN list_filter(item_cpvs, lambda i: i.related = lot_id)[1].cpv END,
      tender_cpv0, tender_cpv1,
      list_filter(list_transform(award_list, lambda a: CASE WHEN list_contains(a.lots, lot_id)
        THEN {first_cpv("a.items")} END), lambda c: c IS NOT NULL)[1]) AS cpv_
  FROM valued
)
SELECT {select}
FROM rows
{joins}
"""


def _fx_rates(
    reporting_currency: str, library: ReferenceLibrary
) -> tuple[list[tuple[str, int, float]], list[str]]:
    """Every (currency, year, rate) the reference rates convert, and the known currencies."""
    from greenprocure.reference import currencies

    converter = CurrencyConverter(reporting_currency, library)
    table = library.table("fx", "rates")
    years = sorted(
        {
            year
            for factor in table.factors
            if factor.period_start is not None
            for year in range(factor.period_start, (factor.period_end or factor.period_start) + 1)
        }
    )
    known = sorted(currencies(library))
    rates: list[tuple[str, int, float]] = []
    for code in known:
        for year in years:
            rate, _note = converter.rate(code, year)
            if rate is not None:
                rates.append((code, year, rate))
    return rates, known


def prepare_reference_tables(
    con: duckdb.DuckDBPyConnection, reporting_currency: str, library: ReferenceLibrary | None
) -> tuple[list[tuple[str, int, float]], list[str]]:
    """Create ``gp_country`` (country names); return the rates and the known currencies."""
    lib = library if library is not None else default_library()
    rates, known = _fx_rates(reporting_currency, lib)
    names = sorted(country_names().items())
    con.execute("CREATE OR REPLACE TEMP TABLE gp_country (name VARCHAR, code VARCHAR)")
    if names:
        con.execute(
            "INSERT INTO gp_country SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [[n for n, _code in names], [code for _n, code in names]],
        )
    return rates, known


def read_compiled_sql(
    files: Sequence[str], columns: Sequence[str] | None = None, *, numbered: bool = False
) -> str:
    """A relation with the compiled releases of JSON Lines ``files``: ``read_json`` with only
    the fields that the lot-row ``columns`` (default: all) read, ``filename`` and
    ``file_row_number`` (the record's number in its file from 0, NULL unless ``numbered``).

    DuckDB's JSON reader does not number records, so ``numbered`` reads each file in
    order and numbers it with a window: run it with one thread and insertion order kept.
    """
    from greenprocure.monitoring.engines.duckdb_engine import struct_columns

    cpv = columns is None or bool(_CPV_COLUMNS & set(columns))
    schema = struct_columns(compiled_columns(cpv))

    def scan(listing: str) -> str:
        return f"read_json({listing}, format='newline_delimited', filename=true, columns={schema})"

    if not numbered:
        return f"(SELECT *, NULL::BIGINT AS file_row_number FROM {scan(_file_list(files))})"
    parts = [
        f"SELECT *, row_number() OVER () - 1 AS file_row_number FROM {scan(_sql_string(f))}"
        for f in files
    ]
    return "(" + " UNION ALL ".join(parts) + ")"


def compiled_lot_rows(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    *,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
) -> str:
    """Register the lot rows of ``paths`` as the temporary view ``compiled_lot_rows``."""
    currency = reporting_currency.strip().upper()
    rates, known = prepare_reference_tables(con, currency, library)
    files = _existing(paths)
    query = compiled_lot_rows_sql(read_compiled_sql(files), currency, rates, known, "gp_country")
    con.execute(f"CREATE OR REPLACE TEMP VIEW compiled_lot_rows AS {query}")
    return "compiled_lot_rows"


def _existing(paths: Sequence[str | Path]) -> list[str]:
    files = [os.fspath(p) for p in paths]
    for file in files:
        if not Path(file).is_file():
            raise InputError(N_("no such file or folder"), file=file)
    return files


def _file_list(files: Sequence[str]) -> str:
    return "[" + ", ".join(_sql_string(f) for f in files) + "]"


def needed_columns(keys: Sequence[str]) -> tuple[str, ...]:
    """The lot-row columns that the indicators grouped by ``keys`` (and their totals) read,
    with those of the deduplication and of the skip count."""
    measures = [c for c in INDICATOR_COLUMNS if c not in _GROUP_COLUMNS]
    return tuple(
        dict.fromkeys(
            (
                *("ocid", "lot_id", "date", "source_file", "line"),
                *key_columns(keys),
                *(("country_lookup",) if "country" in key_columns(keys) else ()),
                *measures,
                *("skip_reason", "first_lot"),
            )
        )
    )


_GROUP_COLUMNS = frozenset(c for columns in KEY_COLUMNS.values() for c in columns)


def indicators_from_rows(
    con: duckdb.DuckDBPyConnection,
    rows_query: str | Sequence[str],
    keys: tuple[str, ...],
    *,
    reporting_currency: str,
    files: Sequence[str],
    failure: str,
    numbered_query: str | None = None,
) -> IndicatorResult:
    """Materialise the narrow lot rows of ``rows_query`` once, then every indicator.

    ``rows_query`` gives :func:`needed_columns` of ``keys`` (several queries: their rows
    together, made one after the other). Rows with a ``skip_reason``
    are counted (once per record) and left out. Each lot counts once: when some
    (``ocid``, ``lot_id``) repeats, the row with the latest date is kept
    (:func:`~greenprocure.monitoring.indicators.deduplicated_sql`); otherwise the rows are
    used as they are. Between copies of a lot with the same date in the same file, the
    store path keeps the one with the largest location (``line N``): if there are such
    ties and ``numbered_query`` (the same rows with their lines) is given, the rows are
    made again from it, in one thread (rare: a file of compiled releases normally has
    each ``ocid`` once). ``failure`` is the message of the error raised if DuckDB cannot
    read the input.
    """
    _create_rows(con, rows_query, files, failure)
    rows, skipped, distinct = _counts(con)
    if distinct != rows and numbered_query is not None and _has_ties(con):
        con.execute("DROP TABLE gp_rows")
        con.execute("SET threads = 1")
        con.execute("SET preserve_insertion_order = true")
        _create_rows(con, numbered_query, files, failure)
        rows, skipped, distinct = _counts(con)
    resolve_country_names(con, "gp_rows", "gp_country")
    present = {d[0] for d in con.execute("SELECT * FROM gp_rows LIMIT 0").description or ()}
    # columns no indicator of this run reads are NULL (the shared SQL names them all)
    filled = ", ".join(
        name if name in present else f"NULL::{kind} AS {name}"
        for name, kind in LOT_COLUMNS
        if name in (*_DEDUPLICATION_COLUMNS, *INDICATOR_COLUMNS) and name != "record_ref"
    )
    # the record's location as the store path writes it (ties between copies of a lot with
    # the same date and file are broken by it)
    filled += ", 'line ' || line AS record_ref" if "line" in present else ", NULL AS record_ref"
    con.execute(
        f"CREATE TEMP VIEW gp_kept AS SELECT {filled} FROM gp_rows WHERE skip_reason IS NULL"
    )
    if distinct == rows:
        # every (ocid, lot_id) once (their hashes differ): nothing to deduplicate, and
        # goals and strategies hold no duplicates
        source = "gp_kept"
    else:
        con.execute(f"CREATE TEMP TABLE gp_lots AS {deduplicated_sql('gp_kept')}")
        source = "gp_lots"
    tables, totals = duckdb_indicator_tables(con, keys, source)
    return IndicatorResult(
        by=keys,
        reporting_currency=reporting_currency,
        engine="duckdb",
        tables=tables,
        totals=totals,
        files=len(files),
        lot_rows=int(rows),
        errors=int(skipped),
        sources=tuple(files),
        computed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def _create_rows(
    con: duckdb.DuckDBPyConnection, query: str | Sequence[str], files: Sequence[str], failure: str
) -> None:
    queries = [query] if isinstance(query, str) else list(query)
    try:
        for number, part in enumerate(queries):
            if number == 0:
                con.execute(f"CREATE TEMP TABLE gp_rows AS {part}")
            else:
                con.execute(f"INSERT INTO gp_rows {part}")
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        raise ParseError(failure, file=", ".join(files), reason=reason) from error


def resolve_country_names(con: duckdb.DuckDBPyConnection, table: str, country_table: str) -> None:
    """Fill ``country`` of the rows of ``table`` that have a ``country_lookup``: the buyer's
    country name looked up, else the party's code, else the party's name looked up.

    Done after the rows are made, on the few rows that need it, instead of joining every
    row with the country names (two joins cost about a sixth of the whole run).
    """
    present = {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description or ()}
    if "country_lookup" not in present:
        return
    con.execute(
        f"UPDATE {table} SET country = coalesce("
        f"(SELECT c.code FROM {country_table} c WHERE c.name = country_lookup[1]), "
        f"country_lookup[2], "
        f"(SELECT c.code FROM {country_table} c WHERE c.name = country_lookup[3])) "
        "WHERE country_lookup IS NOT NULL"
    )


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Rows kept, records skipped, and distinct (ocid, lot_id) hashes of the kept rows."""
    counts = con.execute(
        "SELECT COUNT(*) FILTER (WHERE skip_reason IS NULL), "
        "COUNT(*) FILTER (WHERE skip_reason IS NOT NULL AND first_lot), "
        "COUNT(DISTINCT hash(ocid, lot_id)) FILTER (WHERE skip_reason IS NULL) "
        "FROM gp_rows"
    ).fetchone()
    rows, skipped, distinct = counts if counts else (0, 0, 0)
    return int(rows), int(skipped), int(distinct)


def _has_ties(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether two kept rows are the same lot with the same date from the same file."""
    found = con.execute(
        "SELECT 1 FROM gp_rows WHERE skip_reason IS NULL "
        "GROUP BY ocid, lot_id, date, source_file HAVING COUNT(*) > 1 LIMIT 1"
    ).fetchone()
    return found is not None


def duckdb_indicator_tables(
    con: duckdb.DuckDBPyConnection, keys: tuple[str, ...], table: str
) -> tuple[dict[str, IndicatorTable], dict[str, IndicatorTable]]:
    """Every indicator over the deduplicated lots ``table``, grouped by ``keys`` and totals."""

    def query(
        name: str, group: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
        cursor = con.execute(indicator_sql(name, group, table=table, deduplicated=True))
        columns = tuple(d[0] for d in cursor.description or ())
        return columns, tuple(tuple(row) for row in cursor.fetchall())

    return indicator_tables(keys, query)


def indicators_from_compiled(
    paths: Sequence[str | Path],
    by: Sequence[str] = (),
    *,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
    threads: int | None = None,
) -> IndicatorResult:
    """Every indicator over compiled-release JSON Lines ``paths`` (plain or ``.gz``).

    Records skipped (a date that cannot be read, a currency the reference rates do not
    know) are counted in ``errors``; ``lot_rows`` counts the lots of the other records.
    """
    from greenprocure.monitoring.engines.duckdb_engine import limit_resources

    keys = parse_group_keys(by)
    currency = reporting_currency.strip().upper()
    files = _existing(paths)
    con = duckdb.connect()
    try:
        limit_resources(con, threads=threads)
        rates, known = prepare_reference_tables(con, currency, library)
        columns = needed_columns(keys)
        query = compiled_lot_rows_sql(
            read_compiled_sql(files, columns), currency, rates, known, "gp_country", columns
        )
        numbered = compiled_lot_rows_sql(
            read_compiled_sql(files, columns, numbered=True),
            currency,
            rates,
            known,
            "gp_country",
            columns,
        )
        return indicators_from_rows(
            con,
            query,
            keys,
            reporting_currency=currency,
            files=files,
            failure=N_("cannot read the compiled releases: {reason}"),
            numbered_query=numbered,
        )
    finally:
        con.close()

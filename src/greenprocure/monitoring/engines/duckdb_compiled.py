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
``record_ref`` is empty, so between two copies of one lot with the same date in the same
file the deduplication may keep either (their values are the same when the copies are).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from greenprocure.errors import InputError, ParseError
from greenprocure.i18n import N_
from greenprocure.monitoring.currency import CurrencyConverter
from greenprocure.monitoring.green import GOAL_ALIASES, GPP_STRATEGIES
from greenprocure.monitoring.indicators import (
    INDICATOR_COLUMNS,
    IndicatorResult,
    parse_group_keys,
)
from greenprocure.monitoring.lots import country_names
from greenprocure.reference.library import ReferenceLibrary, default_library

__all__ = [
    "COMPILED_COLUMNS",
    "compiled_lot_rows",
    "compiled_lot_rows_sql",
    "indicators_from_compiled",
    "prepare_reference_tables",
]

_MONEY = "STRUCT(amount DOUBLE, currency VARCHAR)"
_ADDRESS = "STRUCT(country VARCHAR, countryName VARCHAR)"
_SUSTAINABILITY = "STRUCT(goal VARCHAR, strategies VARCHAR[])[]"
_CLASSIFICATION = "STRUCT(scheme VARCHAR, id VARCHAR)"

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
        f"relatedLots VARCHAR[], items STRUCT(classification {_CLASSIFICATION})[])[]",
    ),
    (
        "contracts",
        f"STRUCT(awardID VARCHAR, awardIDs VARCHAR[], status VARCHAR, value {_MONEY})[]",
    ),
)


_DEDUPLICATION_COLUMNS = ("ocid", "lot_id", "date", "source_file", "record_ref")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _goal_sql(expression: str) -> str:
    """The normalised goal (trimmed, aliases mapped) of a goal expression."""
    cases = " ".join(
        f"WHEN {_sql_string(alias)} THEN {_sql_string(code)}"
        for alias, code in sorted(GOAL_ALIASES.items())
    )
    return f"(CASE trim({expression}) {cases} ELSE trim({expression}) END)"


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


def _bad_date(expression: str) -> str:
    return f"({expression} IS NOT NULL AND {_date_sql(expression)} IS NULL)"


def compiled_lot_rows_sql(
    source: str,
    reporting_currency: str,
    rates: Sequence[tuple[str, int, float]],
    known_currencies: Sequence[str],
    country_table: str,
) -> str:
    """A query giving the lot rows of the compiled releases in relation ``source``.

    ``rates`` are (currency, year, units of the reporting currency per unit) for every
    currency and year the reference rates can convert; ``known_currencies`` are the codes
    the reference rates know; ``country_table`` has columns (name, code): country names
    (casefolded) and their ISO codes.

    Each record is worked on as a whole with list functions (awards, contracts and their
    shares per lot are lists inside the record), so there is no join or grouping by
    record: one parallel scan, one projection per stage.
    """
    rc = _sql_string(reporting_currency)
    gpp = _gpp_list()
    goal = _goal_sql("s.goal")
    known = "[" + ", ".join(_sql_string(c) for c in sorted(set(known_currencies))) + "]"

    def entries_of(sus: str) -> str:
        return (
            f"list_transform(list_filter(coalesce({sus}, []), lambda s: s.goal IS NOT NULL OR "
            "len(coalesce(s.strategies, [])) > 0), lambda s: struct_pack("
            f"goal := CASE WHEN trim(s.goal) <> '' THEN {goal} END, "
            "strategies := list_transform(coalesce(s.strategies, []), lambda x: trim(x))))"
        )

    environmental = "(e.goal = 'environmental' OR starts_with(e.goal, 'environmental.'))"
    goals = (
        "CASE WHEN len(entries) = 0 THEN []::VARCHAR[] ELSE list_distinct(list_transform("
        f"list_filter(entries, lambda e: coalesce({environmental}, false)), lambda e: e.goal)) END"
    )
    strategies = (
        "CASE WHEN len(entries) = 0 THEN []::VARCHAR[] ELSE list_distinct(flatten(list_transform("
        "entries, lambda e: list_filter(e.strategies, lambda x: list_contains("
        f"{gpp}, x) OR coalesce({environmental}, false))))) END"
    )

    def cvd(expression: str) -> str:
        return (
            f"list_contains(list_transform(coalesce({expression}, []), "
            "lambda c: upper(trim(c))), 'EU-CVD')"
        )

    def first_cpv(items: str) -> str:
        return (
            f"list_filter(list_transform(coalesce({items}, []), lambda i: {_cpv_sql('i')}), "
            "lambda c: c IS NOT NULL)[1]"
        )

    def first_cpv_of_items(items: str) -> str:
        return f"({items})[1].cpv"

    def currency(expression: str) -> str:
        return f"nullif(upper(trim({expression})), '')"

    codes = sorted({c for c, _y, _r in rates})
    years = sorted({y for _c, y, _r in rates})
    first_year = years[0] if years else 0
    span = (years[-1] - first_year + 1) if years else 0
    table = {(c, y): r for c, y, r in rates}
    flat = [table.get((c, first_year + k)) for c in codes for k in range(span)]
    rate_list = "([" + ", ".join("NULL" if r is None else repr(r) for r in flat) + "]::DOUBLE[])"
    code_list = "([" + ", ".join(_sql_string(c) for c in codes) + "]::VARCHAR[])"

    def convert(parts: str) -> str:
        position = f"list_position({code_list}, p.currency)"
        rate = (
            f"CASE WHEN p.currency = {rc} THEN 1.0 "
            f"WHEN lot_year < {first_year} OR lot_year >= {first_year + span} THEN NULL "
            f"ELSE {rate_list}[({position} - 1) * {span} + (lot_year - {first_year}) + 1] END"
            if rates
            else f"CASE WHEN p.currency = {rc} THEN 1.0 END"
        )
        return (
            f"CASE WHEN {parts} IS NULL OR len({parts}) = 0 OR lot_year IS NULL THEN NULL "
            f"ELSE list_sum(list_transform({parts}, lambda p: p.amount * ({rate}))) END"
        )

    def incomplete(parts: str) -> str:
        """Parts with no currency or no rate make the converted value unknown (NULL)."""
        return f"list_bool_or(list_transform({parts}, lambda p: p.currency IS NULL))"

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
    return f"""
WITH r0 AS (
  SELECT filename AS source_file, ocid, date AS release_text, buyer, parties,
    tender.procurementMethod AS tender_method,
    tender.mainProcurementCategory AS tender_category,
    tender.value AS tender_value, tender.tenderPeriod.startDate AS tender_start,
    tender.datePublished AS tender_published,
    coalesce(tender.lots, []) AS lots_list,
    list_transform(coalesce(tender.lots, []), lambda l: coalesce(l.id, '')) AS lot_ids,
    list_filter(list_transform(coalesce(tender.items, []), lambda i: struct_pack(
      related := coalesce(i.relatedLot, ''), cpv := {_cpv_sql("i")})),
      lambda i: i.cpv IS NOT NULL) AS item_cpvs,
    {entries_of("tender.sustainability")} AS tender_entries,
    {cvd("tender.coveredBy")} AS tender_cvd,
    list_transform(coalesce(awards, []), lambda a: struct_pack(
      id := a.id,
      ok := coalesce(trim(a.status), '') NOT IN ('pending', 'cancelled', 'unsuccessful'),
      date := {_date_sql("a.date")},
      bad := {_bad_date("a.date")},
      amount := a.value.amount,
      currency := {currency("a.value.currency")},
      cpv := {first_cpv("a.items")},
      ids := list_distinct(coalesce(a.relatedLots, [])))) AS awards0,
    list_transform(list_filter(coalesce(contracts, []), lambda c:
        coalesce(trim(c.status), '') NOT IN ('pending', 'cancelled')
        AND c.value.amount IS NOT NULL),
      lambda c: struct_pack(amount := c.value.amount,
        currency := {currency("c.value.currency")},
        ids := CASE WHEN c.awardID IS NOT NULL THEN [c.awardID]
          ELSE coalesce(c.awardIDs, []) END)) AS contracts0
  FROM {source}
), r1 AS (
  SELECT * EXCLUDE (awards0),
    len(lot_ids) > 0 AS has_lots,
    list_transform(awards0, lambda a: struct_pack(id := a.id, ok := a.ok, date := a.date,
      amount := a.amount, currency := a.currency, cpv := a.cpv,
      lots := CASE WHEN len(lot_ids) = 0 THEN ['']
        WHEN len(list_filter(a.ids, lambda x: list_contains(lot_ids, x))) = 0 THEN lot_ids
        ELSE list_filter(a.ids, lambda x: list_contains(lot_ids, x)) END)) AS awards1,
    coalesce(list_bool_or(list_transform(awards0, lambda a: a.ok AND a.bad)), false)
      AS bad_award_date,
    CASE WHEN nullif(trim(buyer.id), '') IS NOT NULL
      THEN list_filter(coalesce(parties, []), lambda p: trim(p.id) = trim(buyer.id))[1]
      ELSE list_filter(coalesce(parties, []), lambda p: list_contains(p.roles, 'buyer'))[1]
    END AS party
  FROM r0
), r2 AS (
  SELECT * EXCLUDE (awards1, buyer, parties, party),
    awards1 AS award_list,
    coalesce(nullif(trim(buyer.id), ''),
      CASE WHEN nullif(trim(buyer.identifier.id), '') IS NOT NULL THEN
        CASE WHEN nullif(trim(buyer.identifier.scheme), '') IS NOT NULL
          THEN trim(buyer.identifier.scheme) || '-' || buyer.identifier.id
          ELSE trim(buyer.identifier.id) END END,
      nullif(trim(party.id), '')) AS buyer_id_,
    coalesce(nullif(trim(buyer.name), ''), nullif(trim(party.name), '')) AS buyer_name_,
    {buyer_direct} AS buyer_country_code, {buyer_name_key} AS buyer_country_key,
    {party_direct} AS party_country_code, {party_name_key} AS party_country_key
  FROM r1
), r3 AS (
  SELECT * EXCLUDE (contracts0),
    list_transform(contracts0, lambda c: struct_pack(amount := c.amount,
      currency := c.currency,
      found := list_filter(list_transform(c.ids, lambda k:
        list_filter(award_list, lambda a: a.id = k)[-1].lots),
        lambda ls: ls IS NOT NULL))) AS contracts1
  FROM r2
), r AS (
  SELECT r3.* EXCLUDE (contracts1, buyer_country_code, buyer_country_key,
      party_country_code, party_country_key, lots_list, lot_ids, tender_start,
      tender_published, award_list, bad_award_date),
    list_transform(list_filter(award_list, lambda a: a.cpv IS NOT NULL),
      lambda a: struct_pack(lots := a.lots, cpv := a.cpv)) AS award_cpvs,
    coalesce(buyer_country_code, bc.code, party_country_code, pc.code) AS country_,
    flatten(list_transform(list_filter(award_list, lambda a: a.ok), lambda a:
      list_transform(a.lots, lambda x: struct_pack(lot := x, date := a.date,
        amount := a.amount / len(a.lots), currency := a.currency)))) AS award_entries,
    flatten(list_transform(contracts1, lambda c: CASE
      WHEN len(c.found) > 0 THEN flatten(list_transform(c.found, lambda ls:
        list_transform(ls, lambda x: struct_pack(lot := x,
          amount := c.amount / len(ls) / len(c.found), currency := c.currency))))
      WHEN has_lots THEN list_transform(lot_ids, lambda x: struct_pack(lot := x,
        amount := c.amount / len(lot_ids), currency := c.currency))
      ELSE [struct_pack(lot := '', amount := c.amount, currency := c.currency)]
    END)) AS contract_entries,
    coalesce({_date_sql("tender_start")}, {_date_sql("tender_published")}) AS tender_date,
    {_date_sql("release_text")} AS release_date,
    ({_bad_date("tender_start")} OR {_bad_date("tender_published")}
      OR {_bad_date("release_text")} OR bad_award_date) AS bad_date,
    {first_cpv_of_items("list_filter(item_cpvs, lambda i: i.related = '')")} AS tender_cpv0,
    {first_cpv_of_items("item_cpvs")} AS tender_cpv1,
    coalesce(list_bool_or(list_transform(list_concat(
      list_transform(list_filter(award_list, lambda a: a.ok AND a.amount IS NOT NULL),
        lambda a: a.currency),
      list_transform(contracts1, lambda c: c.currency),
      CASE WHEN has_lots
        THEN list_transform(list_filter(lots_list, lambda l: l.value.amount IS NOT NULL),
          lambda l: {currency("l.value.currency")})
        WHEN tender_value.amount IS NOT NULL THEN [{currency("tender_value.currency")}]
        ELSE []::VARCHAR[] END),
      lambda c: c IS NOT NULL AND c <> {rc} AND NOT list_contains({known}, c))), false)
      AS bad_currency,
    CASE WHEN has_lots THEN lots_list ELSE [NULL] END AS lot_values,
    CASE WHEN has_lots THEN lot_ids ELSE [''] END AS lot_keys,
    CASE WHEN has_lots THEN range(1, len(lot_ids) + 1) ELSE [0] END AS lot_numbers
  FROM r3
  LEFT JOIN {country_table} bc ON bc.name = r3.buyer_country_key
  LEFT JOIN {country_table} pc ON pc.name = r3.party_country_key
), lots AS (
  SELECT * EXCLUDE (lot_values, lot_keys, lot_numbers),
    unnest(lot_values) AS lot, unnest(lot_keys) AS lot_id, unnest(lot_numbers) AS lot_number
  FROM r
), per_lot AS (
  SELECT * EXCLUDE (lot_number),
    lot_number <= 1 AS first_lot,
    list_filter(award_entries, lambda e: e.lot = lot_id) AS lot_awards,
    list_filter(contract_entries, lambda e: e.lot = lot_id) AS lot_contracts
  FROM lots
), parts AS (
  SELECT *,
    list_min(list_transform(lot_awards, lambda a: a.date)) AS award_date,
    list_filter(lot_awards, lambda a: a.amount IS NOT NULL) AS awarded_parts,
    lot_contracts AS contracted_parts,
    CASE WHEN has_lots
      THEN CASE WHEN lot.value.amount IS NULL THEN NULL
        ELSE [struct_pack(amount := lot.value.amount,
          currency := {currency("lot.value.currency")})] END
      ELSE CASE WHEN tender_value.amount IS NULL THEN NULL
        ELSE [struct_pack(amount := tender_value.amount,
          currency := {currency("tender_value.currency")})] END
    END AS estimated_parts,
    CASE WHEN has_lots THEN list_concat(tender_entries, {entries_of("lot.sustainability")})
      ELSE tender_entries END AS entries,
    CASE WHEN has_lots THEN tender_cvd OR {cvd("lot.coveredBy")}
      ELSE tender_cvd END AS cvd
  FROM per_lot
), dated AS (
  SELECT *,
    coalesce(award_date, tender_date, release_date) AS lot_date,
    year(coalesce(award_date, tender_date, release_date)) AS lot_year,
    CASE WHEN len(awarded_parts) = 0 THEN NULL ELSE awarded_parts END AS awarded_parts_,
    CASE WHEN len(contracted_parts) = 0 THEN NULL ELSE contracted_parts END
      AS contracted_parts_
  FROM parts
), rows AS (
  SELECT *,
    {goals} AS goals_,
    {strategies} AS strategies_,
    coalesce(
      CASE WHEN has_lots
        THEN {first_cpv_of_items("list_filter(item_cpvs, lambda i: i.related = lot_id)")} END,
      tender_cpv0, tender_cpv1,
      list_filter(award_cpvs, lambda a: list_contains(a.lots, lot_id))[1].cpv) AS cpv_,
    CASE WHEN {incomplete("estimated_parts")} THEN NULL
      ELSE {convert("estimated_parts")} END AS estimated_value_rc,
    CASE WHEN {incomplete("awarded_parts_")} THEN NULL
      ELSE {convert("awarded_parts_")} END AS awarded_value_rc,
    CASE WHEN {incomplete("contracted_parts_")} THEN NULL
      ELSE {convert("contracted_parts_")} END AS contracted_value_rc,
    CASE WHEN ocid IS NULL OR trim(ocid) = '' THEN 'no ocid'
      WHEN release_text IS NULL THEN 'no release date'
      WHEN bad_date THEN 'a date cannot be read'
      WHEN bad_currency THEN 'unknown currency'
    END AS skip_reason
  FROM dated
)
SELECT source_file, 'ocds' AS source_kind, '' AS record_ref, ocid, lot_id,
  buyer_id_ AS buyer_id, buyer_name_ AS buyer_name, country_ AS country,
  lot_date AS date, lot_year AS year, month(lot_date) AS month,
  nullif(trim(tender_method), '') AS procurement_method,
  coalesce(nullif(trim(lot.mainProcurementCategory), ''),
    nullif(trim(tender_category), '')) AS main_category,
  cpv_ AS cpv, left(cpv_, 2) AS cpv2, left(cpv_, 3) AS cpv3,
  (len(goals_) > 0 OR list_has_any(strategies_, {gpp}) OR cvd) AS is_green,
  goals_ AS goals, strategies_ AS strategies, cvd,
  estimated_value_rc, awarded_value_rc, contracted_value_rc, skip_reason, first_lot
FROM rows
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


def compiled_lot_rows(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | Path],
    *,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
) -> str:
    """Register the lot rows of ``paths`` as the temporary view ``compiled_lot_rows``."""
    from greenprocure.monitoring.engines.duckdb_engine import struct_columns

    currency = reporting_currency.strip().upper()
    rates, known = prepare_reference_tables(con, currency, library)
    files = [os.fspath(p) for p in paths]
    for file in files:
        if not Path(file).is_file():
            raise InputError(N_("no such file or folder"), file=file)
    con.execute(
        "CREATE OR REPLACE TEMP VIEW gp_compiled AS SELECT * FROM read_json("
        f"{_file_list(files)}, format='newline_delimited', filename=true, "
        f"columns={struct_columns(COMPILED_COLUMNS)})"
    )
    query = compiled_lot_rows_sql("gp_compiled", currency, rates, known, "gp_country")
    con.execute(f"CREATE OR REPLACE TEMP VIEW compiled_lot_rows AS {query}")
    return "compiled_lot_rows"


def _file_list(files: Sequence[str]) -> str:
    return "[" + ", ".join(_sql_string(f) for f in files) + "]"


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
    from greenprocure.monitoring.engines.duckdb_engine import limit_resources, run_indicators

    keys = parse_group_keys(by)
    currency = reporting_currency.strip().upper()
    con = duckdb.connect()
    try:
        limit_resources(con, threads=threads)
        view = compiled_lot_rows(con, paths, reporting_currency=currency, library=library)
        needed = ", ".join(dict.fromkeys((*_DEDUPLICATION_COLUMNS, *INDICATOR_COLUMNS)))
        try:
            con.execute(
                f"CREATE TEMP TABLE gp_rows AS SELECT {needed}, skip_reason, first_lot FROM {view}"
            )
        except duckdb.Error as error:
            raise ParseError(
                N_("cannot read the compiled releases: {reason}"),
                file=", ".join(os.fspath(p) for p in paths),
                reason=str(error).splitlines()[0],
            ) from error
        counts = con.execute(
            "SELECT COUNT(*) FILTER (WHERE skip_reason IS NULL), "
            "COUNT(*) FILTER (WHERE skip_reason IS NOT NULL AND first_lot) "
            "FROM gp_rows"
        ).fetchone()
        con.execute("CREATE TEMP VIEW gp_kept AS SELECT * FROM gp_rows WHERE skip_reason IS NULL")
        tables, totals = run_indicators(con, "gp_kept", keys)
    finally:
        con.close()
    rows, skipped = counts if counts else (0, 0)
    return IndicatorResult(
        by=keys,
        reporting_currency=currency,
        engine="duckdb",
        tables=tables,
        totals=totals,
        files=len(paths),
        lot_rows=int(rows),
        errors=int(skipped),
        sources=tuple(os.fspath(p) for p in paths),
        computed_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )

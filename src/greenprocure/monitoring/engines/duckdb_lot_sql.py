"""The lot rows of compiled releases as one DuckDB query (the SQL of the fast paths).

:func:`compiled_lot_rows_sql` turns a relation of compiled releases (the fields of
:data:`COMPILED_COLUMNS`) into lot rows (:data:`ROW_COLUMNS`) by the rules of the Python path
(:mod:`greenprocure.monitoring.lots`, :mod:`greenprocure.monitoring.green`); a differential
test compares the two on real and synthetic data and on records made to hit every rule:

- a tender without lots is one lot (``lot_id = ''``); tender-level sustainability applies to
  every lot; a lot is green with an environmental goal, a GPP-criteria strategy or CVD scope;
  goals are normalised with :data:`~greenprocure.monitoring.green.GOAL_ALIASES`;
- an award counts unless its status is pending, cancelled or unsuccessful; it is split
  equally between its ``relatedLots`` that are lots of the tender (all lots when it names
  none); a contract counts unless pending or cancelled and is split like the awards it names
  through ``awardID`` (``awardIDs``), between all lots when it names no known award;
- the lot's date is its first counted award date, else the tender period start or
  publication date, else the release date; values are converted at the rate of that year
  (no rate that year: no converted value); a record with a code that is no currency, or a
  date that cannot be read, is skipped and counted.

How it is made fast (measured in ``benchmarks/README.md``): one parallel scan and a chain of
projections, no join and no grouping. Each record is reduced once, before its lots are
unnested, to scalars and to one short list with an entry per lot (its id, its first award
date, its shares of the awards and contracts as (amount, currency) pairs, its item CPV), so
that unnesting copies little: the awards and contracts themselves never reach the lot rows.
A tender with at most one lot (most of them) takes every counted award and contract without
any look-up by id; the look-ups of tenders with several lots are guarded by ``CASE`` and run
on those rows only.

Why written by hand: no library computes green-procurement lot rows from OCDS, and going
through Python objects per record is what this path exists to avoid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from greenprocure.monitoring.green import GOAL_ALIASES, GPP_STRATEGIES

__all__ = [
    "COMPILED_COLUMNS",
    "CPV_COLUMNS",
    "NAME_COLUMNS",
    "ROW_COLUMNS",
    "compiled_columns",
    "compiled_lot_rows_sql",
    "sql_string",
]

#: Whether a text is written as three capitals (what :func:`_currency` takes as it is).
_THREE_CAPITALS = re.compile("[A-Z]{3}").fullmatch

_MONEY = "STRUCT(amount DOUBLE, currency VARCHAR)"
_ADDRESS = "STRUCT(country VARCHAR, countryName VARCHAR)"
_SUSTAINABILITY = "STRUCT(goal VARCHAR, strategies VARCHAR[])[]"
_CLASSIFICATION = "STRUCT(scheme VARCHAR, id VARCHAR)"
_AWARD_ITEMS = f"STRUCT(classification {_CLASSIFICATION})[]"

#: The lot-row columns that need the items of the tender and of the awards.
CPV_COLUMNS = frozenset(("cpv", "cpv2", "cpv3"))

#: The fields of a compiled release that the fast path reads, with their DuckDB types.
COMPILED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ocid", "VARCHAR"),
    ("date", "VARCHAR"),
    ("tag", "VARCHAR[]"),
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

#: The lot-row columns :func:`compiled_lot_rows_sql` gives (``line``: the record's line in
#: its file, from 1; ``skip_reason``: why the record would be skipped, else NULL;
#: ``first_lot``: true on one row per record; ``lot_key``: a hash of ``ocid`` and
#: ``lot_id``, which tells whether any lot repeats). With ``country_lookup``, ``country`` is NULL
#: where a country name must still be looked up and ``country_lookup`` holds [buyer's
#: country name, party's country code, party's country name]; without it the look-up is
#: joined in the query.
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
    "unconverted",
    "release_date",
    "skip_reason",
    "first_lot",
    "lot_key",
)

#: Lot-row columns that need the buyer and the parties.
_BUYER_COLUMNS = frozenset(("buyer_id", "buyer_name", "country", "country_lookup"))

#: Lot-row columns that need the parties' names.
NAME_COLUMNS = frozenset(("buyer_id", "buyer_name"))


def compiled_columns(
    cpv: bool = True, names: bool = True, category: bool = True
) -> tuple[tuple[str, str], ...]:
    """:data:`COMPILED_COLUMNS` without what the asked-for columns do not read: the items
    of the tender and of the awards without ``cpv``, the parties' names without ``names``,
    the lots' main procurement category without ``category`` (DuckDB prunes unused fields
    of structs itself, but not those of structs inside lists)."""
    out = []
    for name, kind in COMPILED_COLUMNS:
        if name == "awards" and not cpv:
            kind = kind.replace(f", items {_AWARD_ITEMS})[]", ")[]")
        if name == "tender" and not category:
            kind = kind.replace(
                f"value {_MONEY}, mainProcurementCategory VARCHAR, ", f"value {_MONEY}, "
            )
        if name == "parties" and not names:
            kind = f"STRUCT(id VARCHAR, roles VARCHAR[], address {_ADDRESS})[]"
        out.append((name, kind))
    return tuple(out)


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal."""
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
        f"WHEN {sql_string(alias)} THEN {sql_string(code)}"
        for alias, code in sorted(aliases.items())
    )
    return f"(CASE {expression} {cases} ELSE {expression} END)"


_GPP = "[" + ", ".join(sql_string(s) for s in sorted(GPP_STRATEGIES)) + "]"


def _is_environmental(goal: str) -> str:
    return f"({goal} = 'environmental' OR starts_with({goal}, 'environmental.'))"


def _cpv_sql(item: str) -> str:
    """The 8-digit CPV code of an item-like struct with a classification (else NULL)."""
    code = f"left(replace(trim({item}.classification.id), ' ', ''), 8)"
    return (
        f"(CASE WHEN upper(coalesce({item}.classification.scheme, '')) IN ('CPV', '') "
        f"AND length({code}) = 8 AND translate({code}, '0123456789', '') = '' "
        f"THEN {code} END)"
    )


def _first_cpv(items: str) -> str:
    return (
        f"list_filter(list_transform(coalesce({items}, []), lambda i: {_cpv_sql('i')}), "
        "lambda c: c IS NOT NULL)[1]"
    )


def _date_sql(expression: str) -> str:
    return f"TRY_CAST(left({expression}, 10) AS DATE)"


def _currency(expression: str, known: str) -> str:
    """A currency code normalised (upper case, trimmed, NULL when empty); a code written
    as one of the ``known`` codes (an SQL list of literals, all three capitals, which the
    normalisation leaves as they are) is taken as it is, without a copy (an ``IN`` test
    costs a third of a regular expression)."""
    return (
        f"(CASE WHEN {expression} IN {known} THEN {expression} "
        f"ELSE nullif(upper(trim({expression})), '') END)"
    )


def _trim(text: str) -> str:
    """``trim(text)``, called only when ``text`` starts or ends with a space (trimming
    copies the string; nearly every value has nothing to trim)."""
    return (
        f"(CASE WHEN starts_with({text}, ' ') OR ends_with({text}, ' ') "
        f"THEN trim({text}) ELSE {text} END)"
    )


def _environmental_mask(sus: str) -> str:
    """Per entry of a sustainability list, whether its goal (trimmed) is environmental."""
    goal = _trim("s.goal")
    if not _ALIASES_KEEP_KIND:
        goal = _alias_sql(goal, GOAL_ALIASES)
    return (
        f"CASE WHEN len({sus}) > 0 "
        f"THEN list_transform({sus}, lambda s: coalesce({_is_environmental(goal)}, false)) END"
    )


def _goals_of(sus: str, mask: str) -> str:
    """Normalised environmental goals of a sustainability list (never NULL; repeats left
    to :func:`_dedupe`); ``mask`` is its :func:`_environmental_mask`."""
    aliases = {k: v for k, v in GOAL_ALIASES.items() if _environmental_code(v)}
    goals = f"list_where(list_transform({sus}, lambda s: {_trim('s.goal')}), {mask})"
    if aliases:
        goals = f"list_transform({goals}, lambda g: {_alias_sql('g', aliases)})"
    return (
        f"CASE WHEN {sus} IS NULL OR len({sus}) = 0 THEN []::VARCHAR[] "
        f"WHEN NOT list_bool_or({mask}) THEN []::VARCHAR[] ELSE {goals} END"
    )


def _strategies_of(sus: str, mask: str) -> str:
    """Strategies: all those of an environmental entry, GPP criteria of any (repeats left
    to :func:`_dedupe`); ``mask`` is the list's :func:`_environmental_mask`. When every
    entry or none is environmental (most lists), no entry is looked at on its own."""
    every = f"flatten(list_transform({sus}, lambda s: coalesce(s.strategies, [])))"
    trimmed = f"list_transform({every}, lambda x: {_trim('x')})"
    gpp = f"list_filter({trimmed}, lambda x: list_contains({_GPP}, x))"
    mixed = (
        f"list_transform(flatten(list_transform({sus}, lambda s, i: CASE WHEN {mask}[i] "
        "THEN coalesce(s.strategies, []) ELSE list_filter(coalesce(s.strategies, []), "
        f"lambda x: list_contains({_GPP}, {_trim('x')})) END)), lambda x: {_trim('x')})"
    )
    return (
        f"CASE WHEN {sus} IS NULL OR len({sus}) = 0 THEN []::VARCHAR[] "
        f"WHEN list_bool_and({mask}) THEN {trimmed} "
        f"WHEN NOT list_bool_or({mask}) THEN {gpp} "
        f"ELSE {mixed} END"
    )


def _dedupe(column: str) -> str:
    """The list ``column`` without repeats and NULLs, in the order of first appearance
    (a position test per value: cheaper than hashing on these short lists); lists of one
    or two values, most of them, are decided without a lambda."""
    first, second = f"{column}[1]", f"{column}[2]"
    return (
        f"CASE WHEN len({column}) = 0 OR (len({column}) = 1 AND {first} IS NOT NULL) "
        f"THEN {column} "
        f"WHEN len({column}) = 2 AND {first} IS NOT NULL AND {second} IS NOT NULL "
        f"THEN CASE WHEN {first} = {second} THEN [{first}] ELSE {column} END "
        f"ELSE list_filter({column}, "
        f"lambda v, i: v IS NOT NULL AND list_position({column}, v) = i) END"
    )


def _cvd(expression: str) -> str:
    return (
        f"(len({expression}) > 0 AND coalesce(list_contains(list_transform({expression}, "
        f"lambda c: upper({_trim('c')})), 'EU-CVD'), false))"
    )


def _country(address: str) -> tuple[str, str]:
    """(ISO code given directly, casefolded name to look up) of an address struct."""
    code = f"nullif(trim({address}.country), '')"
    name = f"nullif(trim({address}.countryName), '')"
    direct = (
        f"CASE WHEN regexp_full_match({code}, '[A-Za-z]{{2}}') THEN upper({code}) "
        f"WHEN regexp_full_match({name}, '[A-Za-z]{{2}}') THEN upper({name}) END"
    )
    return direct, f"lower({name})"


class _Rates:
    """Currency conversion in SQL: one flat list of rates indexed by currency and year."""

    def __init__(self, reporting_currency: str, rates: Sequence[tuple[str, int, float]]) -> None:
        self.rc = sql_string(reporting_currency)
        self.any = bool(rates)
        codes = sorted({c for c, _y, _r in rates})
        years = sorted({y for _c, y, _r in rates})
        self.first_year = years[0] if years else 0
        self.span = (years[-1] - self.first_year + 1) if years else 0
        table = {(c, y): r for c, y, r in rates}
        flat = [table.get((c, self.first_year + k)) for c in codes for k in range(self.span)]
        self.rate_list = (
            "([" + ", ".join("NULL" if r is None else repr(r) for r in flat) + "]::DOUBLE[])"
        )
        self.code_list = "([" + ", ".join(sql_string(c) for c in codes) + "]::VARCHAR[])"

    def rate(self, code: str) -> str:
        """Units of the reporting currency per unit of ``code`` in the lot's year, or NULL
        (the row's ``year_index`` is the lot's year counted from the first rate year)."""
        if not self.any:
            return f"(CASE WHEN {code} = {self.rc} THEN 1.0 END)"
        return (
            f"(CASE WHEN {code} = {self.rc} THEN 1.0 WHEN year_index BETWEEN 1 AND {self.span} "
            f"THEN {self.rate_list}[(list_position({self.code_list}, {code}) - 1) * {self.span} "
            "+ year_index] END)"
        )

    def convert(self, amounts: str, currencies: str) -> str:
        """The sum of ``amounts`` (a list) in ``currencies`` (a list of the same length)
        converted; NULL without amounts, or if one has no currency or no rate that year
        (as the Python path: amounts are summed per currency, then converted).

        One currency (the usual case) is one rate times the sum, with no lambda."""
        products = (
            f"list_transform(list_zip({amounts}, {currencies}), "
            f"lambda p: p[1] * {self.rate('p[2]')})"
        )
        return (
            f"CASE WHEN len({amounts}) = 0 OR lot_year IS NULL THEN NULL "
            f"WHEN len({amounts}) = 1 THEN {amounts}[1] * {self.rate(f'{currencies}[1]')} "
            f"WHEN list_count({currencies}) < len({currencies}) THEN NULL "
            f"WHEN list_min({currencies}) = list_max({currencies}) "
            f"THEN list_sum({amounts}) * {self.rate(f'list_min({currencies})')} "
            f"WHEN list_count({products}) < len({amounts}) THEN NULL "
            f"ELSE list_sum({products}) END"
        )


_AWARD_SKIP = "('pending', 'cancelled', 'unsuccessful')"
#: Stands for an award date that cannot be read: no text of ten characters reads as it.
_BAD_DATE = "DATE '1000000-01-01'"
_CONTRACT_SKIP = "('pending', 'cancelled')"


def _counted(status: str, skipped: str) -> str:
    """Whether an award or contract of this status counts (the status trimmed), with the
    usual statuses decided without trimming."""
    return (
        f"CASE WHEN {status} IS NULL OR {status} IN ('active', 'complete', 'terminated') "
        f"THEN true ELSE {_trim(status)} NOT IN {skipped} END"
    )


def _award_lots(lots: str = "lot_ids") -> str:
    """The lots an award ``a`` is for (tender with several lots): its ``relatedLots`` that
    are lots of the tender, without repeats, else all lots. The checks that need no search
    come first."""
    known = f"list_filter(a.relatedLots, lambda x: list_contains({lots}, x))"
    return (
        f"CASE WHEN a.relatedLots IS NULL OR len(a.relatedLots) = 0 THEN {lots} "
        f"WHEN len(a.relatedLots) = 1 AND list_contains({lots}, a.relatedLots[1]) "
        "THEN a.relatedLots "
        f"WHEN list_has_all({lots}, a.relatedLots) THEN list_distinct(a.relatedLots) "
        f"ELSE coalesce(nullif(list_distinct({known}), []), {lots}) END"
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

    ``source`` has the columns of :data:`COMPILED_COLUMNS` (or of :func:`compiled_columns`),
    ``filename`` and ``file_row_number`` (from 0, or NULL). ``rates`` are (currency, year,
    units of the reporting currency per unit) for every currency and year the reference
    rates can convert; ``known_currencies`` are the codes taken as currencies (those with
    rates and any other; a lot in one without a rate that year has no converted value);
    ``country_table`` (columns name, code: country names casefolded and their ISO codes)
    must exist when ``country`` is asked for without ``country_lookup``. ``columns``
    (default: :data:`ROW_COLUMNS` but ``country_lookup`` and ``lot_key``) are the columns
    wanted: DuckDB then neither reads nor computes the rest (grouped by year, items, buyer
    and parties are never read). ``goals`` and ``strategies`` hold no duplicates.

    Each record's awards, contracts and lots become parallel lists of plain values (dates,
    amounts, currencies, whether they count), which native list functions (``list_where``,
    ``list_min``, ``list_sum``) reduce without lambdas; tenders with several lots also get
    (lot, date, share) entries of their awards and contracts, filtered per lot.
    """
    wanted = (
        tuple(columns)
        if columns is not None
        else tuple(c for c in ROW_COLUMNS if c not in ("country_lookup", "lot_key"))
    )
    unknown = [c for c in wanted if c not in ROW_COLUMNS]
    if unknown:
        raise ValueError(f"unknown lot-row columns: {unknown}")
    cpv = bool(CPV_COLUMNS & set(wanted))
    fx = _Rates(reporting_currency, rates)
    # the codes with rates (and the reporting currency) are looked up first: nearly every
    # amount is in one of them; the other known codes only when one is not
    rated = sorted({*(c for c, _y, _r in rates), reporting_currency})
    rated_list = "[" + ", ".join(sql_string(c) for c in rated) + "]"
    known = sorted({*known_currencies, *rated})
    known_list = "[" + ", ".join(sql_string(c) for c in known) + "]"
    # the codes taken as they are by _currency: those with rates written as three capitals
    capitals = "(" + (", ".join(sql_string(c) for c in rated if _THREE_CAPITALS(c)) or "NULL") + ")"
    award_ok = _counted("a.status", _AWARD_SKIP)

    def unknown_currency(codes: str) -> str:
        """Whether the list ``codes`` (normalised, NULLs allowed) holds an unknown code
        (the long list of known codes is searched only for a code without rates)."""
        first = f"list_min({codes})"
        return (
            f"CASE WHEN list_count({codes}) = 0 THEN false "
            f"WHEN {first} = list_max({codes}) THEN CASE "
            f"WHEN list_position({rated_list}, {first}) IS NOT NULL THEN false "
            f"ELSE list_position({known_list}, {first}) IS NULL END "
            f"WHEN list_has_all({rated_list}, {codes}) THEN false "
            f"ELSE NOT list_has_all({known_list}, {codes}) END"
        )

    # A contract (tender with several lots) is shared like the awards it names (the last
    # award of each id; ids not found are left out), else equally between all lots.
    def last_award_lots(key: str) -> str:
        position = f"list_position(aw_ids_rev, {key})"
        return f"CASE WHEN {key} IS NOT NULL THEN award_lots[len(awards) + 1 - {position}] END"

    found = (
        f"list_filter(list_transform(ids, lambda k: {last_award_lots('k')}), "
        "lambda ls: ls IS NOT NULL)"
    )
    # each contract with the lot lists of the awards it names (found once), then its
    # (lot, share) entries; one award of one lot (the usual case) needs no inner lambda
    contract_entries = f"""flatten(list_transform(list_transform(c_ids, lambda ids, i:
        struct_pack(amount := c_amt[i], currency := c_cur[i], f := {found})), lambda g:
      CASE WHEN len(g.f) = 1 AND len(g.f[1]) = 1
        THEN [struct_pack(lot := g.f[1][1], amount := g.amount, currency := g.currency)]
      WHEN len(g.f) = 0
        THEN list_transform(lot_ids, lambda x: struct_pack(lot := x,
          amount := g.amount / n_lots, currency := g.currency))
      ELSE flatten(list_transform(g.f, lambda ls: list_transform(ls, lambda x:
        struct_pack(lot := x, amount := g.amount / len(ls) / len(g.f),
          currency := g.currency))))
      END))"""
    # An award's (lot, date, share) entries: one per lot it is for (tender with several
    # lots; a lot id that repeats takes a share per time it is named)
    award_entries = """flatten(list_transform(award_lots, lambda ls, i: CASE WHEN NOT a_ok[i]
      THEN []
      WHEN len(ls) = 1 THEN [struct_pack(lot := ls[1], d := a_d[i], amount := a_amt[i],
        currency := a_cur[i])]
      ELSE list_transform(ls, lambda x: struct_pack(lot := x, d := a_d[i],
        amount := a_amt[i] / len(ls), currency := a_cur[i])) END))"""

    buyer_direct, buyer_name_key = _country("buyer.address")
    party_direct, party_name_key = _country("party.address")
    party = (
        "CASE WHEN trim(buyer.id) <> '' "
        f"THEN parties[list_position(list_transform(parties, lambda p: {_trim('p.id')}), "
        "trim(buyer.id))] "
        "ELSE parties[list_position(list_transform(parties, "
        "lambda p: coalesce(list_contains(p.roles, 'buyer'), false)), true)] END"
        if _BUYER_COLUMNS & set(wanted)
        else "NULL"
    )
    # the parties' names are read only for the buyer key (compiled_columns)
    buyer_name = (
        "coalesce(nullif(trim(buyer.name), ''), nullif(trim(party.name), ''))"
        if NAME_COLUMNS & set(wanted)
        else "NULL::VARCHAR"
    )
    buyer_id = """coalesce(nullif(trim(buyer.id), ''),
      CASE WHEN nullif(trim(buyer.identifier.id), '') IS NOT NULL THEN
        CASE WHEN nullif(trim(buyer.identifier.scheme), '') IS NOT NULL
          THEN trim(buyer.identifier.scheme) || '-' || buyer.identifier.id
          ELSE trim(buyer.identifier.id) END END,
      nullif(trim(party.id), ''))"""
    # an eForms organisation id (ORG-0001: numbered within its notice) gives way to the
    # buyer's name, as in lots._buyer
    buyer_key = (
        f"CASE WHEN regexp_full_match({buyer_id}, 'ORG-[0-9]{{4}}') "
        f"AND {buyer_name} IS NOT NULL THEN {buyer_name} ELSE {buyer_id} END"
    )
    items = (
        "list_filter(list_transform(coalesce(items, []), lambda i: struct_pack("
        f"related := coalesce(i.relatedLot, ''), cpv := {_cpv_sql('i')})), "
        "lambda i: i.cpv IS NOT NULL)"
        if cpv
        else "NULL::STRUCT(related VARCHAR, cpv VARCHAR)[]"
    )
    award_cpv = (
        "CASE WHEN n_lots <= 1 THEN "
        f"list_filter(list_transform(awards, lambda a: {_first_cpv('a.items')}), "
        "lambda c: c IS NOT NULL)[1] ELSE "
        "list_filter(list_transform(awards, lambda a, i: CASE WHEN "
        f"list_contains(award_lots[i], lot_id) THEN {_first_cpv('a.items')} END), "
        "lambda c: c IS NOT NULL)[1] END"
    )
    cpv_sql = (
        f"coalesce(CASE WHEN n_lots > 0 THEN {_cpv_first_related('item_cpvs', 'lot_id')} END, "
        f"tender_cpv0, tender_cpv1, {award_cpv})"
        if cpv
        else "NULL::VARCHAR"
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
        "is_green": "CASE WHEN cvd_ OR len(goals_) > 0 THEN true "
        f"WHEN len(strategies_) = 0 THEN false ELSE list_has_any(strategies_, {_GPP}) END",
        "goals": "goals_",
        "strategies": "strategies_",
        "cvd": "cvd_",
        "estimated_value_rc": "estimated_value_rc",
        "awarded_value_rc": "awarded_value_rc",
        "contracted_value_rc": "contracted_value_rc",
        # an amount without a value in the reporting currency (no currency, no date, no rate)
        "unconverted": "(estimated_amount IS NOT NULL AND estimated_value_rc IS NULL) "
        "OR (len(awarded_amounts) > 0 AND awarded_value_rc IS NULL) "
        "OR (len(contracted_amounts) > 0 AND contracted_value_rc IS NULL)",
        "release_date": "release_date",
        "skip_reason": "skip_reason",
        "first_lot": "lot_number <= 1",
        "lot_key": "hash(ocid, lot_id)",
    }
    select = ",\n  ".join(f"{outputs[c]} AS {c}" for c in wanted)
    joins = ""
    if "country" in wanted and "country_lookup" not in wanted:
        joins = (
            f"LEFT JOIN {country_table} bc ON bc.name = rows.buyer_country_key\n"
            f"LEFT JOIN {country_table} pc ON pc.name = rows.party_country_key"
        )
    return f"""
WITH src AS (
  SELECT filename AS source_file, file_row_number + 1 AS line, ocid, date AS release_text,
    coalesce(list_contains(tag, 'compiled'), false) AS tagged_compiled, buyer, parties,
    tender.procurementMethod AS tender_method,
    tender.mainProcurementCategory AS tender_category,
    tender.value AS tender_value, tender.tenderPeriod.startDate AS start_text,
    tender.datePublished AS published_text, tender.items AS items,
    tender.sustainability AS tender_sus, tender.coveredBy AS tender_covered,
    coalesce(tender.lots, []) AS lots, coalesce(awards, []) AS awards,
    coalesce(contracts, []) AS contracts,
    -- the contracts that count, with an amount
    list_transform(coalesce(contracts, []), lambda c:
      c.value.amount IS NOT NULL AND {_counted("c.status", _CONTRACT_SKIP)}) AS c_ok
  FROM {source}
), r1 AS (
  SELECT *,
    len(lots) AS n_lots,
    list_transform(lots, lambda l: coalesce(l.id, '')) AS lot_ids,
    -- the currency of each lot's value (NULL without an amount); without lots, or with one
    -- lot without an amount, of the tender's value
    CASE WHEN len(lots) > 1 OR (len(lots) = 1 AND lots[1].value.amount IS NOT NULL)
      THEN list_transform(lots, lambda l:
        CASE WHEN l.value.amount IS NOT NULL THEN {_currency("l.value.currency", capitals)} END)
      ELSE [CASE WHEN tender_value.amount IS NOT NULL
        THEN {_currency("tender_value.currency", capitals)} END] END AS lot_curs,
    -- the awards as parallel lists
    list_transform(awards, lambda a: {award_ok}) AS a_ok,
    list_transform(awards, lambda a: {award_ok} AND a.value.amount IS NOT NULL) AS a_oka,
    -- dates that cannot be read are {_BAD_DATE} (which no 10-character text reads as)
    list_transform(awards, lambda a: CASE WHEN a.date IS NOT NULL
      THEN coalesce({_date_sql("a.date")}, {_BAD_DATE}) END) AS a_d,
    list_transform(awards, lambda a: a.value.amount) AS a_amt,
    list_transform(awards, lambda a: {_currency("a.value.currency", capitals)}) AS a_cur,
    -- the contracts as parallel lists (the ids of the awards they name: several lots only)
    list_where(list_transform(contracts, lambda c: c.value.amount), c_ok) AS c_amt,
    list_where(list_transform(contracts, lambda c: {_currency("c.value.currency", capitals)}),
      c_ok) AS c_cur,
    CASE WHEN len(lots) > 1 THEN list_where(list_transform(contracts, lambda c:
      CASE WHEN c.awardID IS NOT NULL THEN [c.awardID] ELSE coalesce(c.awardIDs, []) END),
      c_ok) END AS c_ids,
    {party} AS party,
    {_environmental_mask("tender_sus")} AS tender_env,
    {_date_sql("start_text")} AS start_date,
    {_date_sql("published_text")} AS published_date,
    {_date_sql("release_text")} AS release_date,
    {items} AS item_cpvs
  FROM src
), r2 AS (
  SELECT *,
    CASE WHEN n_lots > 1 THEN list_transform(awards, lambda a: {_award_lots()}) END
      AS award_lots,
    CASE WHEN n_lots > 1 THEN list_reverse(list_transform(awards, lambda a: a.id)) END
      AS aw_ids_rev,
    list_where(a_cur, a_oka) AS a_cur_counted,
    {buyer_direct} AS buyer_country_code, {party_direct} AS party_country_code
  FROM r1
), r3 AS (
  SELECT source_file, line, ocid, tender_method, tender_category, tender_value, n_lots,
    lots, lot_ids, lot_curs, item_cpvs, {"awards, award_lots, " if cpv else ""}
    {"release_date, " if "release_date" in wanted else ""}
    CASE WHEN ocid IS NULL OR ocid = '' THEN 'no ocid'
      -- a line not tagged compiled is read as a release, which must have a date
      WHEN release_text IS NULL AND NOT tagged_compiled THEN 'no release date'
      WHEN (start_text IS NOT NULL AND start_date IS NULL)
        OR (start_date IS NULL AND published_text IS NOT NULL AND published_date IS NULL)
        OR (release_text IS NOT NULL AND release_date IS NULL)
        OR list_contains(list_where(a_d, a_ok), {_BAD_DATE})
        THEN 'a date cannot be read'
      WHEN {unknown_currency("a_cur_counted")} OR {unknown_currency("c_cur")}
        OR {unknown_currency("lot_curs")}
        THEN 'unknown currency'
    END AS skip_reason,
    {_goals_of("tender_sus", "tender_env")} AS tender_goals,
    {_strategies_of("tender_sus", "tender_env")} AS tender_strategies,
    coalesce({_cvd("tender_covered")}, false) AS tender_cvd,
    {buyer_key} AS buyer_id_,
    {buyer_name} AS buyer_name_,
    buyer_country_code, party_country_code,
    CASE WHEN buyer_country_code IS NULL THEN {buyer_name_key} END AS buyer_country_key,
    CASE WHEN buyer_country_code IS NULL AND party_country_code IS NULL
      THEN {party_name_key} END AS party_country_key,
    coalesce(start_date, published_date, release_date) AS fallback_date,
    {_cpv_first_related("item_cpvs", "''") if cpv else "NULL::VARCHAR"} AS tender_cpv0,
    {"item_cpvs[1].cpv" if cpv else "NULL::VARCHAR"} AS tender_cpv1,
    -- one lot or none: every counted award and contract is the lot's
    CASE WHEN n_lots <= 1 THEN list_min(list_where(a_d, a_ok)) END AS single_date,
    CASE WHEN n_lots <= 1 THEN list_where(a_amt, a_oka) END AS single_amounts,
    a_cur_counted AS single_currencies,
    c_amt, c_cur,
    -- several lots: (lot, share) entries of the awards and the contracts (else NULL, as
    -- award_lots and c_ids are; a CASE would copy the lists and their strings)
    {award_entries} AS aentries,
    {contract_entries} AS centries
  FROM r2
), lots AS (
  SELECT * EXCLUDE (lots, lot_ids, lot_curs),
    unnest(CASE WHEN n_lots > 0 THEN lots ELSE [NULL] END) AS lot,
    unnest(CASE WHEN n_lots > 0 THEN lot_ids ELSE [''] END) AS lot_id,
    unnest(lot_curs) AS lot_cur,
    unnest(CASE WHEN n_lots > 0 THEN range(1, n_lots + 1) ELSE [0] END) AS lot_number
  FROM r3
), lot_lists AS (
  SELECT *,
    list_filter(aentries, lambda e: e.lot = lot_id) AS la,
    list_filter(centries, lambda e: e.lot = lot_id) AS lc,
    lot.sustainability AS lot_sus,
    {_environmental_mask("lot.sustainability")} AS lot_env
  FROM lots
), lot_green AS (
  SELECT *,
    {_goals_of("lot_sus", "lot_env")} AS lot_goals,
    {_strategies_of("lot_sus", "lot_env")} AS lot_strategies
  FROM lot_lists
), dated AS (
  SELECT *,
    -- a lot of a tender with several lots: its award and contract entries, taken without
    -- a lambda when there is one of each (the usual case)
    coalesce(CASE WHEN n_lots <= 1 THEN single_date WHEN len(la) = 1 THEN la[1].d
      ELSE list_min(list_transform(la, lambda e: e.d)) END, fallback_date) AS lot_date,
    CASE WHEN n_lots <= 1 THEN single_amounts
      WHEN len(la) = 1 THEN CASE WHEN la[1].amount IS NULL THEN []::DOUBLE[]
        ELSE [la[1].amount] END
      ELSE list_transform(list_filter(la, lambda e: e.amount IS NOT NULL),
        lambda e: e.amount) END AS awarded_amounts,
    CASE WHEN n_lots <= 1 THEN single_currencies
      WHEN len(la) = 1 THEN CASE WHEN la[1].amount IS NULL THEN []::VARCHAR[]
        ELSE [la[1].currency] END
      ELSE list_transform(list_filter(la, lambda e: e.amount IS NOT NULL),
        lambda e: e.currency) END AS awarded_currencies,
    CASE WHEN n_lots <= 1 THEN c_amt WHEN len(lc) = 1 THEN [lc[1].amount]
      ELSE list_transform(lc, lambda e: e.amount) END AS contracted_amounts,
    CASE WHEN n_lots <= 1 THEN c_cur WHEN len(lc) = 1 THEN [lc[1].currency]
      ELSE list_transform(lc, lambda e: e.currency) END AS contracted_currencies,
    list_concat(tender_goals, lot_goals) AS all_goals,
    list_concat(tender_strategies, lot_strategies) AS all_strategies,
    tender_cvd OR coalesce({_cvd("lot.coveredBy")}, false) AS cvd_,
    CASE WHEN n_lots > 1 OR (n_lots = 1 AND lot.value.amount IS NOT NULL)
      THEN lot.value.amount ELSE tender_value.amount END AS estimated_amount
  FROM lot_green
), valued AS (
  SELECT *, year(lot_date) AS lot_year, year(lot_date) - {fx.first_year - 1} AS year_index,
    {_dedupe("all_goals")} AS goals_, {_dedupe("all_strategies")} AS strategies_
  FROM dated
), rows AS (
  SELECT *,
    CASE WHEN estimated_amount IS NULL OR lot_year IS NULL OR lot_cur IS NULL
      THEN NULL ELSE estimated_amount * {fx.rate("lot_cur")} END AS estimated_value_rc,
    {fx.convert("awarded_amounts", "awarded_currencies")} AS awarded_value_rc,
    {fx.convert("contracted_amounts", "contracted_currencies")} AS contracted_value_rc,
    {cpv_sql} AS cpv_
  FROM valued
)
SELECT {select}
FROM rows
{joins}
"""


def _cpv_first_related(item_cpvs: str, related: str) -> str:
    return f"list_filter({item_cpvs}, lambda i: i.related = {related})[1].cpv"

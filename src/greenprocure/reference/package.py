"""Read and check versioned data packages (``datapackage.json`` + CSV tables).

Layout: ``data/<name>/<version>/datapackage.json`` with its CSV resources beside it.
Each package lists its ``licenses`` and ``sources`` (id, title, publisher, year, path = URL,
accessed); each resource declares its ``schema.fields`` and ``primaryKey``. Every CSV row
has the standard columns ``value, unit, region, period, source, note`` (optionally ``low``
and ``high``) plus its key columns; any other column is kept as ``extra``.

Loading checks the package: units parse with pint, every row cites a declared source,
primary keys are unique, periods are years or ``YYYY-YYYY``. A violation is a
:class:`ReferenceIntegrityError` naming the file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib.abc import Traversable
from typing import Any

from greenprocure.errors import FactorNotFoundError, ReferenceIntegrityError, UnitError
from greenprocure.i18n import N_
from greenprocure.reference.model import Citation, DatasetRef, Factor
from greenprocure.units import check_unit

__all__ = ["STANDARD_COLUMNS", "DataPackage", "Table", "load_package", "version_key"]

STANDARD_COLUMNS: tuple[str, ...] = ("value", "unit", "region", "period", "source", "note")
_OPTIONAL = ("low", "high")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_REGION = re.compile(r"^([A-Z]{2}|EU27|EU28|GLOBAL|[A-Z]{2}-[A-Z0-9]{1,3})$")


@dataclass(frozen=True)
class Table:
    """One resource of a data package: cited rows addressed by their primary key."""

    name: str
    dataset: DatasetRef
    primary_key: tuple[str, ...]
    factors: tuple[Factor, ...]
    title: str = ""

    def find(self, **criteria: str) -> list[Factor]:
        """All rows whose key columns equal the given values (case-insensitive).

        The rows of the first criterion come from an index made on first use (exchange
        rates are looked up hundreds of times per run); the others filter those rows.
        """
        wanted = {k: str(v).casefold() for k, v in criteria.items()}
        if not wanted:
            return list(self.factors)
        first, *rest = wanted.items()
        candidates = self._index(first[0]).get(first[1], ())
        return [f for f in candidates if all(str(_column(f, k)).casefold() == v for k, v in rest)]

    def _index(self, column: str) -> dict[str, list[Factor]]:
        indexes = self._indexes
        index = indexes.get(column)
        if index is None:
            index = {}
            for factor in self.factors:
                index.setdefault(str(_column(factor, column)).casefold(), []).append(factor)
            indexes[column] = index
        return index

    @cached_property
    def _indexes(self) -> dict[str, dict[str, list[Factor]]]:
        return {}

    def get(self, **criteria: str) -> Factor:
        """Exactly one row; :class:`FactorNotFoundError` naming what exists otherwise."""
        found = self.find(**criteria)
        if len(found) == 1:
            return found[0]
        if not found:
            raise self._missing(criteria)
        raise FactorNotFoundError(
            N_("{count} {table} values match {wanted}; add one of: {columns}"),
            count=len(found),
            table=self.name,
            wanted=_describe(criteria),
            columns=", ".join(k for k in self.primary_key if k not in criteria),
        )

    def get_for_year(self, year: int, **criteria: str) -> Factor:
        """The row whose period contains ``year`` among those matching ``criteria``.

        Never falls back to another year: the error lists the periods that exist.
        """
        candidates = self.find(**criteria)
        if not candidates:
            raise self._missing(criteria)
        hits = [
            f
            for f in candidates
            if f.period_start is not None
            and f.period_start <= year <= (f.period_end or f.period_start)
        ]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise FactorNotFoundError(
                N_("{count} {table} values for {wanted} in {year}; add one of: {columns}"),
                count=len(hits),
                table=self.name,
                wanted=_describe(criteria),
                year=year,
                columns=", ".join(k for k in self.primary_key if k not in criteria),
            )
        periods = sorted({f.period for f in candidates if f.period})
        raise FactorNotFoundError(
            N_("no {table} value for {wanted} in {year}; available: {available}"),
            table=self.name,
            wanted=_describe(criteria),
            year=year,
            available=", ".join(periods) or "-",
        )

    def values(self, column: str, **criteria: str) -> list[str]:
        """Distinct values of one column among the rows matching ``criteria``, sorted."""
        return sorted({str(_column(f, column)) for f in self.find(**criteria)})

    def _missing(self, criteria: Mapping[str, str]) -> FactorNotFoundError:
        # Name the first criterion that has no match, and what exists for it.
        narrowed: dict[str, str] = {}
        for key, value in criteria.items():
            if not self.find(**narrowed, **{key: value}):
                options = self.values(key, **narrowed)
                return FactorNotFoundError(
                    N_("no {table} value for {wanted}; available {column}: {available}"),
                    table=self.name,
                    wanted=_describe(criteria),
                    column=key,
                    available=", ".join(options) or "-",
                )
            narrowed[key] = value
        return FactorNotFoundError(
            N_("no {table} value for {wanted}"), table=self.name, wanted=_describe(criteria)
        )


@dataclass(frozen=True)
class DataPackage:
    """A loaded, checked data package."""

    ref: DatasetRef
    title: str
    description: str
    licenses: tuple[Mapping[str, str], ...]
    sources: Mapping[str, Citation]
    tables: Mapping[str, Table]

    def table(self, name: str) -> Table:
        if name not in self.tables:
            raise FactorNotFoundError(
                N_("dataset {dataset} has no table {table}; available: {available}"),
                dataset=str(self.ref),
                table=name,
                available=", ".join(sorted(self.tables)),
            )
        return self.tables[name]


def _column(factor: Factor, column: str) -> Any:
    if column in factor.key:
        return factor.key[column]
    if column in factor.extra:
        return factor.extra[column]
    if column == "region":
        return factor.region
    if column == "period":
        return factor.period
    return ""


def _describe(criteria: Mapping[str, Any]) -> str:
    return " ".join(str(v) for v in criteria.values()) or "(any)"


def _citation(raw: Mapping[str, Any], where: str) -> Citation:
    missing = [k for k in ("id", "title", "publisher", "path", "accessed") if not raw.get(k)]
    if missing:
        raise ReferenceIntegrityError(
            "{where}: source {source} lacks {missing}",
            where=where,
            source=raw.get("id", "?"),
            missing=", ".join(missing),
        )
    year = raw.get("year")
    return Citation(
        id=str(raw["id"]),
        title=str(raw["title"]),
        publisher=str(raw["publisher"]),
        year=int(year) if year not in (None, "") else None,
        url=str(raw["path"]),
        accessed=dt.date.fromisoformat(str(raw["accessed"])),
    )


def _float(text: str, where: str, column: str) -> float | None:
    if text is None or text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ReferenceIntegrityError(
            "{where}, column {column}: {text!r} is not a number",
            where=where,
            column=column,
            text=text,
        ) from exc


def _rows(
    resource: Mapping[str, Any],
    rows: Iterable[Mapping[str, str]],
    path: str,
    ref: DatasetRef,
    sources: Mapping[str, Citation],
) -> tuple[Factor, ...]:
    name = str(resource["name"])
    schema = resource.get("schema", {})
    primary_key = tuple(schema.get("primaryKey", ()))
    factors: list[Factor] = []
    seen: set[tuple[str, ...]] = set()
    for number, row in enumerate(rows, start=2):
        where = f"{path} row {number}"
        for column in (*STANDARD_COLUMNS, *primary_key):
            if column not in row:
                raise ReferenceIntegrityError(
                    "{where}: column {column} is missing", where=where, column=column
                )
        value = _float(row["value"], where, "value")
        if value is None:
            raise ReferenceIntegrityError("{where}: value is empty", where=where)
        try:
            check_unit(row["unit"])
        except UnitError as exc:
            raise ReferenceIntegrityError(
                "{where}, column unit: {unit!r} is not a pint unit", where=where, unit=row["unit"]
            ) from exc
        if row["source"] not in sources:
            raise ReferenceIntegrityError(
                "{where}: source {source!r} is not declared in datapackage.json",
                where=where,
                source=row["source"],
            )
        if not _REGION.match(row["region"]):
            raise ReferenceIntegrityError(
                "{where}: region {region!r} is not an ISO 3166 code, EU27 or GLOBAL",
                where=where,
                region=row["region"],
            )
        start = end = None
        if row["period"]:
            match = _PERIOD.match(row["period"])
            if not match:
                raise ReferenceIntegrityError(
                    "{where}: period {period!r} is not YYYY or YYYY-YYYY",
                    where=where,
                    period=row["period"],
                )
            start = int(match.group(1))
            end = int(match.group(2) or match.group(1))
        key = tuple(row[k] for k in primary_key)
        if key in seen:
            raise ReferenceIntegrityError(
                "{where}: duplicate key {key}", where=where, key=", ".join(key)
            )
        seen.add(key)
        low = _float(row.get("low", ""), where, "low")
        high = _float(row.get("high", ""), where, "high")
        if low is not None and high is not None and not low <= value <= high:
            raise ReferenceIntegrityError(
                "{where}: value {value} is outside its range {low}-{high}",
                where=where,
                value=value,
                low=low,
                high=high,
            )
        reserved = {*STANDARD_COLUMNS, *_OPTIONAL, *primary_key}
        factors.append(
            Factor(
                table=name,
                key={k: row[k] for k in primary_key},
                value=value,
                unit=row["unit"],
                region=row["region"],
                period_start=start,
                period_end=end,
                citation=sources[row["source"]],
                dataset=ref,
                note=row.get("note", "") or "",
                low=low,
                high=high,
                extra={k: v for k, v in row.items() if k not in reserved and k is not None},
            )
        )
    return tuple(factors)


def load_package(folder: Traversable) -> DataPackage:
    """Load and check the data package in ``folder``."""
    descriptor_path = folder.joinpath("datapackage.json")
    label = f"{folder.name}/datapackage.json"
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReferenceIntegrityError("{where}: {error}", where=label, error=str(exc)) from exc
    for required in ("name", "version", "licenses", "sources", "resources"):
        if not descriptor.get(required):
            raise ReferenceIntegrityError(
                "{where}: {field} is missing", where=label, field=required
            )
    ref = DatasetRef(str(descriptor["name"]), str(descriptor["version"]))
    sources = {str(s.get("id")): _citation(s, label) for s in descriptor["sources"]}
    tables: dict[str, Table] = {}
    for resource in descriptor["resources"]:
        path = f"{ref.name}/{ref.version}/{resource['path']}"
        text = folder.joinpath(resource["path"]).read_text(encoding="utf-8")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        factors = _rows(resource, reader, path, ref, sources)
        tables[str(resource["name"])] = Table(
            name=str(resource["name"]),
            dataset=ref,
            primary_key=tuple(resource.get("schema", {}).get("primaryKey", ())),
            factors=factors,
            title=str(resource.get("title", "")),
        )
    return DataPackage(
        ref=ref,
        title=str(descriptor.get("title", "")),
        description=str(descriptor.get("description", "")),
        licenses=tuple(descriptor["licenses"]),
        sources=sources,
        tables=tables,
    )


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sort key for versions such as ``1.0.0`` or ``2024.1``."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"[.\-]", version))

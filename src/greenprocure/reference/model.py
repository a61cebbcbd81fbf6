"""Typed values of the reference library: a cited :class:`Factor` and its :class:`Citation`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from greenprocure.units import parse_unit

__all__ = ["Citation", "DatasetRef", "Factor"]


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a value was published: title, publisher, year, URL and when it was accessed."""

    id: str
    title: str
    publisher: str
    year: int | None
    url: str
    accessed: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "year": self.year,
            "url": self.url,
            "accessed": self.accessed.isoformat(),
        }

    def short(self) -> str:
        """``Publisher (year), Title``: for a table cell."""
        year = f" ({self.year})" if self.year else ""
        return f"{self.publisher}{year}, {self.title}"


@dataclass(frozen=True, slots=True)
class DatasetRef:
    """Which data package and version a value came from; results record it."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class Factor:
    """One cited reference value.

    ``key`` holds the lookup columns of its table (e.g. ``{"gas": "HFC-32", "basis": "AR5"}``).
    ``period_start``/``period_end`` are years (equal for a single year). ``low``/``high`` give
    a range where the source gives one. ``note`` says how a derived value was computed.
    """

    table: str
    key: Mapping[str, str]
    value: float
    unit: str
    region: str
    period_start: int | None
    period_end: int | None
    citation: Citation
    dataset: DatasetRef
    note: str = ""
    low: float | None = None
    high: float | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def period(self) -> str:
        """``2022``, ``2019-2022`` or empty when the value is not tied to a period."""
        if self.period_start is None:
            return ""
        if self.period_end is None or self.period_end == self.period_start:
            return str(self.period_start)
        return f"{self.period_start}-{self.period_end}"

    def quantity(self) -> Any:
        """The value as a pint quantity."""
        return self.value * parse_unit(self.unit)

    def to(self, unit: str) -> float:
        """The value converted to another unit of the same dimension."""
        from greenprocure.units import convert

        return convert(self.value, self.unit, unit)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, with citation and dataset version."""
        return {
            "table": self.table,
            "key": dict(self.key),
            "value": self.value,
            "unit": self.unit,
            "low": self.low,
            "high": self.high,
            "region": self.region,
            "period": self.period,
            "note": self.note,
            "source": self.citation.to_dict(),
            "dataset": {"name": self.dataset.name, "version": self.dataset.version},
            **({"extra": dict(self.extra)} if self.extra else {}),
        }

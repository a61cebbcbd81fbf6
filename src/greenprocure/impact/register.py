"""The purchase register: parsed, unit-converted, validated columns per product group.

A register is a table of purchase lines (rows of CSV or XLSX, records of YAML or JSON). Each
line names its ``group`` (one of :data:`~greenprocure.impact.registry.MODELS`) and the
columns that group needs. A column header may carry its unit in brackets
(``kwh_per_year [MWh/year]``) and a cell may carry its own (``1.2 MWh/year``, ``3 %``);
numbers are converted to the field's canonical unit with the project's pint registry, so a
register in MWh gives the same result as one in kWh.

The whole register is checked before anything is computed: every problem (unknown group or
column, missing value, wrong unit, value out of range) is collected, each naming the file,
the record (row) and the field, and raised together as one :class:`RegisterError`.

Parsing is pure: :func:`read_register` takes the bytes of a file, not a path. Columns are
kept as numpy arrays (numbers) and category codes (text) so that 1,000,000 lines fit in
memory and quantify in a few vectorised passes (:func:`register_from_columns`).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from greenprocure.errors import InputError, ParseError, UnitError, ValidationError
from greenprocure.i18n import N_
from greenprocure.impact.model import Field, ImpactModel
from greenprocure.impact.registry import get_model, models_by_group
from greenprocure.units import CURRENCIES, convert

__all__ = [
    "SHOWN",
    "GroupBatch",
    "Register",
    "RegisterError",
    "parse_register",
    "read_register",
    "register_from_columns",
]

_HEADER = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[(.*)\])?\s*$")
_CELL = re.compile(r"^\s*([-+]?(?:\d[\d,_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_CURRENCY = re.compile(r"\b(" + "|".join(CURRENCIES) + r")\b")
#: Most problems listed in one error message; all are kept in ``RegisterError.problems``.
SHOWN = 20


class RegisterError(ValidationError):
    """A purchase register with problems; ``problems`` lists each (file, record, field)."""

    def __init__(self, problems: Sequence[InputError], *, file: str | None = None) -> None:
        self.problems: tuple[InputError, ...] = tuple(problems)
        first = "; ".join(str(p) for p in self.problems[:SHOWN])
        super().__init__(
            N_("{count} problems in the purchase register: {problems}"),
            file=file,
            count=len(self.problems),
            problems=first,
        )

    def localized(self) -> str:
        from greenprocure.i18n import gettext

        lines = [
            gettext("{count} problems in the purchase register:").format(count=len(self.problems))
        ]
        lines += [f"  - {_localized(p)}" for p in self.problems]
        return "\n".join(lines)


def _localized(problem: InputError) -> str:
    """A problem in the current language, its field label translated too."""
    from greenprocure.i18n import gettext

    label = problem.params.get("label")
    if not isinstance(label, str):
        return problem.localized()
    problem.params["label"] = gettext(label)
    try:
        return problem.localized()
    finally:
        problem.params["label"] = label


@dataclass
class GroupBatch:
    """The lines of one product group as columns (canonical units; NaN = not given)."""

    model: ImpactModel
    labels: list[str]
    numbers: dict[str, NDArray[np.float64]]
    texts: dict[str, tuple[NDArray[np.int64], tuple[str, ...]]]
    source: str = ""

    @property
    def size(self) -> int:
        return len(self.labels)

    def text(self, name: str) -> NDArray[Any]:
        """A text column decoded to an object array."""
        codes, categories = self.texts[name]
        return np.asarray(categories, dtype=object)[codes]


@dataclass
class Register:
    """A validated purchase register: one :class:`GroupBatch` per product group present."""

    source: str
    batches: list[GroupBatch] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(b.size for b in self.batches)


# -- reading files (bytes in, rows out) ---------------------------------------------------


def read_register(data: bytes, name: str, *, group: str | None = None) -> Register:
    """Parse a register file given as bytes; the format follows ``name``'s extension."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "csv":
        rows, labels = _csv_rows(data, name)
    elif suffix in ("xlsx", "xlsm"):
        rows, labels = _xlsx_rows(data, name)
    elif suffix in ("yaml", "yml", "json"):
        rows, labels = _document_rows(data, name, suffix)
    else:
        raise ParseError(
            N_("unsupported register format {suffix}; use CSV, XLSX, YAML or JSON"),
            file=name,
            suffix=suffix or "-",
        )
    return parse_register(rows, source=name, labels=labels, group=group)


def _csv_rows(data: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(N_("the file is not UTF-8 text"), file=name) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[dict[str, Any]] = []
    labels: list[str] = []
    try:
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise ParseError(
                    N_("more cells than column headers"), file=name, record=f"row {number}"
                )
            if _is_note(row.values()):
                continue
            rows.append(row)
            labels.append(f"row {number}")
    except csv.Error as exc:
        raise ParseError(N_("malformed file: {error}"), file=name, error=str(exc)) from exc
    return rows, labels


def _is_note(values: Iterable[Any]) -> bool:
    """A help row of a template: its first non-empty cell starts with ``#``."""
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return isinstance(value, str) and value.lstrip().startswith("#")
    return True


def _xlsx_rows(data: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ParseError(
            N_("not a readable XLSX workbook: {error}"), file=name, error=str(exc)
        ) from exc
    sheet = book["register"] if "register" in book.sheetnames else book.worksheets[0]
    rows: list[dict[str, Any]] = []
    labels: list[str] = []
    header: list[str] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not header:
            header = ["" if v is None else str(v).strip() for v in values]
            continue
        if _is_note(values):
            continue
        row = {h: v for h, v in zip(header, values, strict=False) if h}
        rows.append(row)
        labels.append(f"row {number}")
    book.close()
    return rows, labels


def _document_rows(data: bytes, name: str, suffix: str) -> tuple[list[dict[str, Any]], list[str]]:
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as Windows editors write
    try:
        if suffix == "json":
            import orjson

            document = orjson.loads(data)
        else:
            import yaml

            document = yaml.safe_load(data.decode("utf-8"))
    except Exception as exc:  # yaml and orjson errors, decoding errors
        raise ParseError(N_("malformed file: {error}"), file=name, error=str(exc)) from exc
    if isinstance(document, Mapping):
        document = document.get("lines")
    if not isinstance(document, list) or not all(isinstance(r, Mapping) for r in document):
        raise ParseError(
            N_("expected a list of purchase lines (or a mapping with 'lines')"), file=name
        )
    return [dict(r) for r in document], [f"line {i}" for i in range(1, len(document) + 1)]


# -- validation and conversion --------------------------------------------------------------


def parse_register(
    rows: Iterable[Mapping[str, Any]],
    *,
    source: str = "",
    labels: Sequence[str] | None = None,
    group: str | None = None,
) -> Register:
    """Validate and convert purchase lines; raise :class:`RegisterError` listing every problem."""
    rows = list(rows)
    labels = list(labels) if labels is not None else [f"line {i}" for i in range(1, len(rows) + 1)]
    problems: list[InputError] = []
    by_group: dict[str, list[int]] = {}
    known = models_by_group()
    for index, row in enumerate(rows):
        name = _text(row.get("group")) or (group or "")
        if name not in known:
            problems.append(
                ValidationError(
                    N_("unknown product group {group!r}; available: {available}")
                    if name
                    else N_("no product group given; available: {available}"),
                    file=source,
                    record=labels[index],
                    field="group",
                    group=name,
                    available=", ".join(known),
                )
            )
            continue
        by_group.setdefault(name, []).append(index)
    if not rows:
        problems.append(ValidationError(N_("the register has no purchase lines"), file=source))
    register = Register(source=source)
    for name, indices in by_group.items():
        model = get_model(name)
        columns: dict[str, list[Any]] = {}
        units: dict[str, str] = {}
        for key in {k for i in indices for k in rows[i]}:
            if key is None or key == "group":
                continue
            match = _HEADER.match(str(key))
            fname = match.group(1) if match else str(key)
            if not _has_field(model, fname):
                if any(not _empty(rows[i].get(key)) for i in indices):
                    first = next(i for i in indices if not _empty(rows[i].get(key)))
                    problems.append(_unknown_column(model, str(key), source, labels[first]))
                continue
            if match and match.group(2):
                units[fname] = match.group(2).strip()
            columns[fname] = [rows[i].get(key) for i in indices]
        batch = _build(model, columns, units, [labels[i] for i in indices], source, problems)
        register.batches.append(batch)
    if problems:
        order = {label: index for index, label in enumerate(labels)}
        problems.sort(key=lambda p: order.get(p.record or "", -1))
        raise RegisterError(problems, file=source)
    return register


def register_from_columns(
    group: str,
    columns: Mapping[str, Sequence[Any] | NDArray[Any]],
    *,
    units: Mapping[str, str] | None = None,
    source: str = "",
    labels: Sequence[str] | None = None,
) -> Register:
    """A register of one group from whole columns (fast path for large registers)."""
    model = get_model(group)
    size = len(next(iter(columns.values()))) if columns else 0
    labels = list(labels) if labels is not None else [f"line {i}" for i in range(1, size + 1)]
    problems: list[InputError] = []
    for key in columns:
        if not _has_field(model, key):
            problems.append(_unknown_column(model, key, source, None))
    batch = _build(model, dict(columns), dict(units or {}), labels, source, problems)
    if problems:
        raise RegisterError(problems, file=source)
    return Register(source=source, batches=[batch])


def _unknown_column(model: ImpactModel, column: str, source: str, record: str | None) -> InputError:
    return ValidationError(
        N_("unknown column {column!r} for group {group}; expected: {expected}"),
        file=source,
        record=record,
        field=column,
        column=column,
        group=model.group,
        expected=", ".join(f.name for f in model.fields),
    )


def _has_field(model: ImpactModel, name: str) -> bool:
    return any(f.name == name for f in model.fields)


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: Any) -> str:
    if _empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@functools.lru_cache(maxsize=4096)
def _scale(unit: str, target: str) -> float:
    return convert(1.0, unit, target)


def _build(
    model: ImpactModel,
    columns: dict[str, Any],
    units: dict[str, str],
    labels: list[str],
    source: str,
    problems: list[InputError],
) -> GroupBatch:
    size = len(labels)
    batch = GroupBatch(model=model, labels=labels, numbers={}, texts={}, source=source)
    text_values: dict[str, NDArray[Any]] = {}
    # Text first: numbers may need a row's currency or fuel.
    for spec in model.fields:
        if spec.numeric:
            continue
        raw = columns.get(spec.name)
        if raw is None:
            values = np.full(size, "", dtype=object)
        elif isinstance(raw, np.ndarray) and raw.dtype.kind in "US":
            values = raw.astype(object)
        else:
            values = np.asarray([_text(v) for v in raw] + [""], dtype=object)[:-1]
        empty = values == ""
        if spec.default is not None and empty.any():
            values[empty] = str(spec.default)
            empty = values == ""
        if spec.required:
            problems.extend(_missing(source, labels[row], spec) for row in np.flatnonzero(empty))
        if spec.choices:
            for row in np.flatnonzero(~empty & ~np.isin(values, list(spec.choices))):
                problems.append(
                    ValidationError(
                        N_("{value!r} is not allowed; use one of: {choices}"),
                        file=source,
                        record=labels[row],
                        field=spec.name,
                        value=values[row],
                        choices=", ".join(spec.choices),
                    )
                )
        text_values[spec.name] = values
    for spec in model.fields:
        if not spec.numeric:
            continue
        raw = columns.get(spec.name)
        before = len(problems)
        numbers = _numbers(
            spec, raw, units.get(spec.name, ""), size, text_values, labels, source, problems
        )
        reported = {p.record for p in problems[before:]}
        missing = np.isnan(numbers)
        if spec.default is not None and missing.any():
            numbers[missing] = float(spec.default)
            missing = np.isnan(numbers)
        if spec.required and missing.any():
            problems.extend(
                _missing(source, labels[i], spec)
                for i in np.flatnonzero(missing)
                if labels[i] not in reported
            )
        _check_range(spec, numbers, labels, source, problems)
        batch.numbers[spec.name] = numbers
    for name, values in text_values.items():
        categories, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
        batch.texts[name] = (codes.astype(np.int64), tuple(str(c) for c in categories))
    return batch


def _missing(source: str, label: str, spec: Field) -> InputError:
    return ValidationError(
        N_("a value is required ({label})"),
        file=source,
        record=label,
        field=spec.name,
        label=spec.label,
    )


def _check_range(
    spec: Field,
    numbers: NDArray[np.float64],
    labels: list[str],
    source: str,
    problems: list[InputError],
) -> None:
    checks: list[tuple[NDArray[np.bool_], str, dict[str, str]]] = []
    with np.errstate(invalid="ignore"):
        if spec.minimum is not None:
            checks.append(
                (
                    numbers < spec.minimum,
                    N_("{value} is below the minimum {minimum}"),
                    {"minimum": _show(spec.minimum)},
                )
            )
        if spec.maximum is not None:
            checks.append(
                (
                    numbers > spec.maximum,
                    N_("{value} is above the maximum {maximum}"),
                    {"maximum": _show(spec.maximum)},
                )
            )
    checks.append(
        (~np.isfinite(numbers) & ~np.isnan(numbers), N_("{value} is not a finite number"), {})
    )
    for bad, message, limit in checks:
        for i in np.flatnonzero(bad):
            problems.append(
                ValidationError(
                    message,
                    file=source,
                    record=labels[i],
                    field=spec.name,
                    value=_show(numbers[i]),
                    **limit,
                )
            )


def _show(value: float) -> str:
    return f"{value:g}"


def _cell(texts: Mapping[str, NDArray[Any]], name: str, row: int) -> str:
    column = texts.get(name)
    return "" if column is None else str(column[row])


def _canonical(spec: Field, unit: str, row: int, texts: dict[str, NDArray[Any]]) -> tuple[str, str]:
    """The canonical unit for one cell, and the basis to record (multi-unit fields)."""
    if spec.units:
        if unit:
            for candidate in spec.units:
                try:
                    _scale(unit, candidate)
                except UnitError:
                    continue
                return candidate, candidate.split("/", 1)[0]
            raise UnitError(
                N_("unit {unit!r} does not fit; use one of: {units}"),
                unit=unit,
                units=", ".join(spec.units),
            )
        fuel = _cell(texts, spec.name.replace("consumption", "fuel"), row)
        basis = "kWh" if fuel.casefold() == "electricity" else "L"
        return f"{basis}/(100 km)", basis
    target = spec.unit
    if "{currency}" in target:
        line_currency = _cell(texts, "currency", row)
        found = _CURRENCY.search(unit) if unit else None
        currency = found.group(1) if found else line_currency
        if not currency:
            raise UnitError(N_("money needs a currency: fill the currency column"))
        if found and line_currency.upper() != currency:
            if line_currency:
                raise UnitError(
                    N_("the unit's currency {unit_currency} differs from the line's {currency}"),
                    unit_currency=currency,
                    currency=line_currency,
                )
            # The unit names the line's currency: money is converted from it (and a second
            # money column in another currency is then reported above).
            if "currency" in texts:
                texts["currency"][row] = currency
        if not unit:
            return "", ""
        return target.replace("{currency}", currency), ""
    if "{" in target:
        target = target.format(**{k: v[row] for k, v in texts.items()})
    return target, ""


def _numbers(
    spec: Field,
    raw: Any,
    header_unit: str,
    size: int,
    texts: dict[str, NDArray[Any]],
    labels: list[str],
    source: str,
    problems: list[InputError],
) -> NDArray[np.float64]:
    out = np.full(size, np.nan)
    basis = np.full(size, "", dtype=object) if spec.basis_field else None
    if raw is None:
        if basis is not None:
            texts[spec.basis_field] = basis
        return out
    if spec.units and isinstance(raw, np.ndarray) and raw.dtype.kind in "fiu":
        # Fast path: numbers without a unit in each cell (the header may give one).
        if header_unit:
            try:
                target, unit_basis = _canonical(spec, header_unit, 0, texts)
                scale = _scale(header_unit, target)
            except UnitError as error:
                problems.append(_where(error, source, labels[0] if labels else None, spec))
                return out
            texts[spec.basis_field] = np.full(size, unit_basis, dtype=object)
            return raw.astype(np.float64) * scale
        fuel = texts.get(spec.name.replace("consumption", "fuel"))
        electric = (
            np.zeros(size, dtype=bool)
            if fuel is None
            else np.char.lower(fuel.astype(str)) == "electricity"
        )
        texts[spec.basis_field] = np.where(electric, "kWh", "L").astype(object)
        return raw.astype(np.float64)
    fixed = not spec.units and "{" not in spec.unit
    if fixed:
        # Fast path: a column of plain numbers (or numeric text) with one unit for all lines.
        values = _plain_numbers(raw)
        if values is not None:
            try:
                scale = _scale(header_unit, spec.unit) if header_unit else 1.0
            except UnitError as error:
                problems.append(_where(error, source, labels[0] if labels else None, spec))
                return out
            return values * scale
    cache: dict[tuple[str, str], float] = {}
    for row, cell in enumerate(raw):
        if _empty(cell):
            continue
        try:
            value, unit = _split(cell)
            unit = unit or header_unit
            target, row_basis = _canonical(spec, unit, row, texts)
            if basis is not None:
                basis[row] = row_basis
            if unit and target:
                key = (unit, target)
                if key not in cache:
                    cache[key] = _scale(unit, target)
                value *= cache[key]
            out[row] = value
        except (UnitError, ValidationError) as error:
            problems.append(_where(error, source, labels[row], spec))
    if basis is not None:
        texts[spec.basis_field] = basis
    return out


def _plain_numbers(raw: Any) -> NDArray[np.float64] | None:
    """The column as floats when every cell is a plain number or empty; else None."""
    if isinstance(raw, np.ndarray):
        if raw.dtype.kind in "fiu":
            return raw.astype(np.float64)
        if raw.dtype.kind != "O":
            return None
    cells = [None if _empty(c) else c for c in raw]
    if any(isinstance(c, bool) for c in cells):
        return None
    try:
        values = np.asarray(cells, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return values if values.shape == (len(cells),) else None


def _split(cell: Any) -> tuple[float, str]:
    if isinstance(cell, bool):
        raise ValidationError(N_("{value!r} is not a number"), value=cell)
    if isinstance(cell, int | float):
        return float(cell), ""
    match = _CELL.match(str(cell))
    if not match:
        raise ValidationError(N_("{value!r} is not a number"), value=str(cell))
    return float(match.group(1).replace(",", "").replace("_", "")), match.group(2).strip()


def _where(error: Any, source: str, label: str | None, spec: Field) -> InputError:
    kind = UnitError if isinstance(error, UnitError) else ValidationError
    return kind(error.message, file=source, record=label, field=spec.name, **error.params)

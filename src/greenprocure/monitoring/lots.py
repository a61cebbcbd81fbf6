"""From files to lot rows: group and compile releases, then one row per lot.

Grouping in bounded memory: releases are held in memory per ``ocid`` up to
``memory_budget`` releases (and up to 96 MB of the file read, for :func:`lot_rows`, and
768 MiB resident in all). A file that fits is compiled from memory, whatever its order.
Large releases that fill those bounds first are spilled, never streamed.
Beyond the budget:

* if the releases so far are sorted by ocid (each ocid in one run, runs in ascending order)
  and at least a tenth of the ocids already have several releases (evidence that releases
  were written process by process, not by date), the file is treated as sorted and streamed:
  each process is compiled as soon as the next one starts. Should a release of an already
  compiled process turn up later after all, it is reported as a RecordError (never merged or
  dropped silently) and the rest of the file goes through the spill below;
* otherwise every release is spilled to temporary JSON Lines buckets partitioned by a hash of
  its ``ocid`` (all releases of one ocid land in the same bucket, in file order); each bucket
  is then read back, grouped and compiled on its own, and a bucket still too large is
  partitioned again with another hash.

Memory stays bounded by the budget and the bucket size whatever the input size or order;
compiled releases and records need no grouping and are streamed straight through. While
rows are produced the cyclic garbage collector runs less often (its first threshold is raised,
and restored afterwards): the parsed releases are acyclic, and collecting every 700
allocations cost about 40% of the run time.

Row rules (the Spark engine reproduces them and is compared row for row):

* one row per ``tender.lots[]`` entry; a tender without lots is one row, ``lot_id == ""``;
* estimated value: the lot's ``value``; a tender without lots, or with one lot without a
  value, takes ``tender.value``;
* money: ``awards[].relatedLots`` attribute an award to lots; an award for several lots is
  split equally between them; an award without ``relatedLots`` (or naming no lot of the
  tender) is split equally between all lots. Awarded values count awards whose status is
  ``active`` or not given (not ``pending``, ``cancelled``, ``unsuccessful``). Contracts reach
  lots through ``contracts[].awardID`` (or ``awardIDs``) with their award's shares; a contract
  without a known award is split equally between all lots; contracts ``pending`` or
  ``cancelled`` are left out. Values in several currencies leave ``*_value`` and
  ``*_currency`` empty but are each converted into ``*_value_rc``; ``unconverted``: some
  amount of the lot has no ``*_value_rc`` (no currency code, no date, no rate that year);
* date: the earliest date of the counted awards of the lot, else
  ``tender.tenderPeriod.startDate``, else ``tender.datePublished``, else the release ``date``
  (its first ten characters, ``YYYY-MM-DD``);
* green: :func:`~greenprocure.monitoring.green.detect_green` on the lot with tender-level
  ``sustainability``, ``coveredBy`` and ``additionalClassifications`` applying to every lot,
  and the lot's awards' items for the CVD contract type;
* CPV: the first ``tender.items[]`` with ``relatedLot`` equal to the lot and scheme ``CPV``
  (or no scheme) whose id starts with eight digits (``30213100-6`` -> ``30213100``), else the
  first such item without ``relatedLot``, else the first such item of the tender, else of
  the lot's awards' items; ``cpv2`` / ``cpv3`` are its first two / three digits;
* category: the lot's ``mainProcurementCategory``, else the tender's; method: the tender's
  ``procurementMethod``;
* buyer: ``buyer.id`` (OCDS 1.0: ``identifier.scheme-identifier.id``), ``buyer.name`` else
  the buyer party's name; country: ``address.country`` (two letters) of the buyer, else of
  the party whose ``id`` is the buyer's (or, without a buyer id, the first party with role
  ``buyer``), else its ``countryName`` looked up in CLDR country names of 13 languages
  (:func:`country_names`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from greenprocure.errors import GreenProcureError
from greenprocure.monitoring import reasons
from greenprocure.monitoring.compile import compile_releases
from greenprocure.monitoring.currency import CurrencyConverter
from greenprocure.monitoring.green import detect_green
from greenprocure.monitoring.readers import Document, iter_documents, iter_notices
from greenprocure.monitoring.readers.eforms import is_xml_name
from greenprocure.monitoring.rows import LotRow, RecordError
from greenprocure.reference.library import ReferenceLibrary

__all__ = [
    "compiled_documents",
    "country_names",
    "is_eforms_path",
    "lot_rows",
    "rows_from_compiled",
]

_DEFAULT_BUDGET = 20_000
#: Bytes of a file (as stored) read while its releases are all held, beyond which they are
#: streamed or spilled even under the count budget: 20,000 releases of 40 KB held 896 MiB.
_BYTE_BUDGET = 96 * 1024 * 1024
#: Resident memory of the process beyond which releases held are spilled (gzip input of
#: large releases, which the byte budget counts compressed).
_RSS_BUDGET = 768 * 1024 * 1024
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_INPUT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".zip", ".xml", ".xml.gz")
_BUCKETS = 32
_MAX_BUCKET_BYTES = 48 * 1024 * 1024
_AWARD_SKIP = frozenset(("pending", "cancelled", "unsuccessful"))
_CONTRACT_SKIP = frozenset(("pending", "cancelled"))


class _BadFieldError(Exception):
    """A field of a record breaks the schema; becomes a RecordError."""

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        # ``reason``: one of the ``field {field}: ...`` messages of :mod:`.reasons`
        super().__init__(reason.format(field=field, **params))


def is_eforms_path(path: str | Path) -> bool:
    """Whether ``path`` is an eForms notice (``.xml``, ``.xml.gz``) rather than OCDS JSON."""
    return is_xml_name(str(path))


def lot_rows(
    path: str | Path,
    reporting_currency: str = "EUR",
    library: ReferenceLibrary | None = None,
    *,
    encoding: str | None = None,
    memory_budget: int = _DEFAULT_BUDGET,
    progress: Callable[[int], None] | None = None,
    releases: Callable[[Document], None] | None = None,
) -> Iterator[LotRow | RecordError]:
    """Every lot row of one OCDS (JSON) or eForms (XML) file, and a RecordError per bad record.

    ``path`` may also be a zip archive (OCDS and XML members) or a folder (its files named
    ``*.json``, ``*.jsonl``, ``*.ndjson``, ``*.xml``, optionally ``.gz``, and ``*.zip``).
    ``progress`` is called with numbers of bytes of the input (as stored on disk) as they are
    read; they add up to the input's size (for progress bars with bytes and ETA).
    ``releases`` is called with every release (not compiled release) read and grouped, in
    file order (not with one reported late): the stores keep them to merge processes across
    files.
    """
    with _relaxed_gc():
        yield from _lot_rows(
            path, reporting_currency, library, encoding, memory_budget, progress, releases
        )


@contextlib.contextmanager
def _relaxed_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _lot_rows(
    path: str | Path,
    reporting_currency: str,
    library: ReferenceLibrary | None,
    encoding: str | None,
    memory_budget: int,
    progress: Callable[[int], None] | None = None,
    releases: Callable[[Document], None] | None = None,
) -> Iterator[LotRow | RecordError]:
    if Path(path).is_dir():
        for file in sorted(Path(path).rglob("*")):
            if file.is_file() and file.name.lower().endswith(_INPUT_SUFFIXES):
                yield from _lot_rows(
                    file, reporting_currency, library, encoding, memory_budget, progress, releases
                )
        return
    converter = CurrencyConverter(reporting_currency, library)
    if is_eforms_path(path):
        yield from _rows_of(iter_notices(path, progress=progress), converter, "eforms")
        return
    if str(path).lower().endswith(".zip"):
        # An archive may hold eForms notices as well as OCDS files.
        yield from _rows_of(iter_notices(path, progress=progress), converter, "eforms")
    read = _BytesRead(progress)
    documents = compiled_documents(
        iter_documents(path, encoding, skip_xml=True, progress=read),
        memory_budget,
        indicator_fields_only=True,
        releases=releases,
        bytes_read=read.total,
    )
    yield from _rows_of(documents, converter, "ocds")


def _resident_bytes() -> int:
    """The process's resident memory (Linux: ``/proc/self/statm``; elsewhere 0, unknown)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


class _BytesRead:
    """A progress callback that counts the bytes read (and passes them on)."""

    __slots__ = ("_count", "_then")

    def __init__(self, then: Callable[[int], None] | None) -> None:
        self._count = 0
        self._then = then

    def __call__(self, size: int) -> None:
        self._count += size
        if self._then is not None:
            self._then(size)

    def total(self) -> int:
        return self._count


def _rows_of(
    documents: Iterable[Document | RecordError], converter: CurrencyConverter, kind: str
) -> Iterator[LotRow | RecordError]:
    for document in documents:
        if isinstance(document, RecordError):
            yield document
            continue
        result = rows_from_compiled(
            document.data, document.file, document.location, converter, source_kind=kind
        )
        if isinstance(result, RecordError):
            yield result
        else:
            yield from result


# --------------------------------------------------------------------------- grouping


def compiled_documents(
    items: Iterable[Document | RecordError],
    memory_budget: int = _DEFAULT_BUDGET,
    *,
    indicator_fields_only: bool = False,
    releases: Callable[[Document], None] | None = None,
    bytes_read: Callable[[], int] | None = None,
) -> Iterator[Document | RecordError]:
    """Compiled releases: compiled documents as they come, releases grouped by ocid and compiled.

    See the module docstring for the three grouping modes (memory, grouped stream, spill).
    With ``indicator_fields_only`` releases are compiled on the fields the rows read only
    (:data:`~greenprocure.monitoring.compile.INDICATOR_FIELDS`). ``releases``, if given, is
    called with every release that is grouped (not with one reported late). ``bytes_read``,
    if given, tells how many bytes of the input were read so far: memory is then also given
    up (streamed or spilled) past :data:`_BYTE_BUDGET` bytes, for files of large releases.
    """
    grouper = _Grouper(memory_budget, indicator_fields_only, bytes_read)
    try:
        for item in items:
            if isinstance(item, RecordError) or item.kind == "compiled":
                yield item
                continue
            yield from grouper.add(item)
            if releases is not None and not grouper.rejected:
                releases(item)
        yield from grouper.finish()
    finally:
        grouper.close()


_Entry = tuple[dict[str, Any], str, str]


class _Grouper:
    """Groups releases by ocid: in memory, as a grouped stream, or through a spill."""

    def __init__(
        self,
        budget: int,
        indicator_fields_only: bool = False,
        bytes_read: Callable[[], int] | None = None,
    ) -> None:
        self._budget = budget
        self._only = indicator_fields_only
        #: bytes of the file read so far: while every release is held, about what they hold
        self._bytes_read = bytes_read
        #: releases held when memory was given up (the count budget, or fewer large ones)
        self._switched_at = budget
        self._groups: dict[str, list[_Entry]] = {}
        self._held = 0
        self._grouped = True  # every ocid so far in one run, runs in ascending ocid order
        self._repeated = 0  # ocids seen with more than one release
        self._last: str | None = None
        self._streaming = False
        self._current: list[_Entry] = []
        self._done: set[int] = set()  # hashes of ocids already compiled and emitted
        self._spill: _Spill | None = None
        #: Whether the last release added was reported late (not grouped, not compiled).
        self.rejected = False

    def add(self, item: Document) -> Iterator[Document | RecordError]:
        self.rejected = False
        ocid = item.ocid
        entry = (item.data, item.file, item.location)
        if self._spill is not None:
            if self._done and hash(ocid) in self._done:
                yield self._late(item)
            else:
                self._spill.add(ocid, item.data, item.file, item.location)
            return
        if self._streaming:
            if ocid == self._last:
                self._current.append(entry)
                return
            if hash(ocid) in self._done:
                # Not grouped after all: from here on, spill (already emitted ocids cannot
                # be recompiled; their late releases are reported).
                yield self._late(item)
                self._spill = _Spill()
                assert self._last is not None
                for data, file, location in self._current:
                    self._spill.add(self._last, data, file, location)
                self._current = []
                return
            assert self._last is not None
            self._done.add(hash(self._last))
            yield _compile_group(self._last, self._current, self._only)
            self._last = ocid
            self._current = [entry]
            return
        if ocid != self._last:
            if self._last is not None and ocid < self._last:
                self._grouped = False
            self._last = ocid
            group = self._groups.get(ocid)
            if group is None:
                self._groups[ocid] = [entry]
            else:
                self._grouped = False
                group.append(entry)
        else:
            group = self._groups[ocid]
            if len(group) == 1:
                self._repeated += 1
            group.append(entry)
        self._held += 1
        too_large = self._held <= self._budget and self._too_large()
        if self._held <= self._budget and not too_large:
            return
        self._switched_at = self._held
        # past the count budget, a file sorted so far is streamed; large releases that fill
        # memory before it are always spilled: the few held are too little evidence of order
        # (streaming a file that is not sorted after all reports its later releases late)
        if not too_large and self._grouped and self._repeated * 10 >= len(self._groups):
            self._streaming = True
            self._current = self._groups.pop(ocid)
            for done, group in self._groups.items():
                self._done.add(hash(done))
                yield _compile_group(done, group, self._only)
        else:
            self._spill = _Spill()
            for done, group in self._groups.items():
                for data, file, location in group:
                    self._spill.add(done, data, file, location)
        self._groups = {}

    def _too_large(self) -> bool:
        """Whether the releases held are beyond :data:`_BYTE_BUDGET` bytes of the file read,
        or the process beyond :data:`_RSS_BUDGET` (compressed input is counted as stored:
        its releases can be ten times the bytes read). Looked at every 64 releases."""
        if self._held % 64:
            return False
        if self._bytes_read is not None and self._bytes_read() > _BYTE_BUDGET:
            return True
        return _resident_bytes() > _RSS_BUDGET

    def _late(self, item: Document) -> RecordError:
        self.rejected = True
        return RecordError(
            item.file,
            item.location,
            item.ocid,
            reasons.LATE_RELEASE.format(count=self._switched_at),
        )

    def finish(self) -> Iterator[Document | RecordError]:
        if self._spill is not None:
            for ocid, group in self._spill.groups():
                yield _compile_group(ocid, group, self._only)
        elif self._streaming:
            if self._current:
                assert self._last is not None
                yield _compile_group(self._last, self._current, self._only)
        else:
            for ocid, group in self._groups.items():
                yield _compile_group(ocid, group, self._only)
        self._groups = {}
        self._current = []

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()


def _compile_group(
    ocid: str, group: list[tuple[dict[str, Any], str, str]], indicator_fields_only: bool = False
) -> Document | RecordError:
    _, file, location = group[0]
    if len(group) > 1:
        location = f"{location} (+{len(group) - 1} releases)"
    try:
        compiled = compile_releases(
            [data for data, _, _ in group], indicator_fields_only=indicator_fields_only
        )
    except (GreenProcureError, TypeError, ValueError, RecursionError, OverflowError) as error:
        return RecordError(file, location, ocid, reasons.CANNOT_COMPILE.format(detail=error))
    return Document("compiled", compiled, file, location)


def json_bytes(value: Any) -> bytes:
    """``value`` as compact JSON; an integer beyond 64 bits (the readers keep them exact),
    which orjson refuses, goes through the standard library."""
    try:
        return orjson.dumps(value)
    except TypeError:
        # (ASCII escapes: a lone surrogate, which the exact parser may give, stays writable)
        return json.dumps(value, separators=(",", ":")).encode("ascii")


def replaced_by_merge(error: RecordError, first: tuple[str, str]) -> bool:
    """Whether ``error`` is what a file's own compile of a process reported: the file (a zip
    member's name, for one) and location of the process's first release in the file,
    ``first``, the location with or without ``(+N releases)``. Once the process is merged
    with earlier files' releases, the merge's outcome replaces it. Errors of single releases
    (malformed, no date, late) keep their own locations and stay."""
    file, location = first
    return error.file == file and (
        error.location == location or error.location.startswith(f"{location} (+")
    )


def rows_across_files(
    ocid: str,
    releases: list[tuple[dict[str, Any], str]],
    earlier: int,
    file: str,
    converter: CurrencyConverter,
) -> list[LotRow] | RecordError:
    """The lot rows of a process whose releases are in several files of a store.

    ``releases`` are (release, location) in the store's order: the ``earlier`` releases of
    files stored before, then those of ``file``, each file's in its own order (the merge
    sorts them by date; releases of one date keep this order). Both engines call this, so
    the rows (their ``record_ref`` included) are the same.
    """
    first = releases[earlier][1] if earlier < len(releases) else releases[0][1]
    location = f"{first} (+{len(releases) - 1} releases, {earlier} of earlier files)"
    try:
        compiled = compile_releases([data for data, _ in releases], indicator_fields_only=True)
    except (GreenProcureError, TypeError, ValueError, RecursionError, OverflowError) as error:
        return RecordError(file, location, ocid, reasons.CANNOT_COMPILE.format(detail=error))
    return rows_from_compiled(compiled, file, location, converter)


class _Spill:
    """Hash-partitioned temporary JSON Lines buckets of releases."""

    def __init__(self, directory: str | None = None, salt: int = 0) -> None:
        self._owner = tempfile.TemporaryDirectory(prefix="gp-spill-", dir=directory)
        self._dir = self._owner.name
        self._salt = salt
        self._files = [
            open(os.path.join(self._dir, f"{n}.jsonl"), "wb")  # noqa: SIM115
            for n in range(_BUCKETS)
        ]

    def add(self, ocid: str, data: Mapping[str, Any], file: str, location: str) -> None:
        bucket = hash((self._salt, ocid)) % _BUCKETS
        self._files[bucket].write(json_bytes((ocid, file, location, data)) + b"\n")

    def groups(self) -> Iterator[tuple[str, list[tuple[dict[str, Any], str, str]]]]:
        for out in self._files:
            out.close()
        for number in range(_BUCKETS):
            path = os.path.join(self._dir, f"{number}.jsonl")
            if os.path.getsize(path) > _MAX_BUCKET_BYTES and self._salt < 8:
                inner = _Spill(self._dir, self._salt + 1)
                try:
                    with open(path, "rb") as handle:
                        for line in handle:
                            ocid, file, location, data = orjson.loads(line)
                            inner.add(ocid, data, file, location)
                    os.remove(path)
                    yield from inner.groups()
                finally:
                    inner.close()
                continue
            groups: dict[str, list[tuple[dict[str, Any], str, str]]] = {}
            with open(path, "rb") as handle:
                for line in handle:
                    ocid, file, location, data = orjson.loads(line)
                    groups.setdefault(ocid, []).append((data, file, location))
            os.remove(path)
            yield from groups.items()

    def close(self) -> None:
        for out in self._files:
            out.close()
        self._owner.cleanup()


# --------------------------------------------------------------------------- rows


def _dict(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if type(value) is not dict:
        raise _BadFieldError(field, reasons.MUST_BE_OBJECT)
    return value


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if type(value) is not list:
        raise _BadFieldError(field, reasons.MUST_BE_ARRAY)
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        return value.strip() or None
    if type(value) in (int, float):
        return str(value)
    return None


def _id(value: Any) -> str | None:
    """An identifier as a string, unchanged (OCDS ids are compared exactly); None if absent."""
    if value is None:
        return None
    if type(value) is str:
        return value
    if type(value) in (int, float):
        return str(value)
    return None


def _amount(value: Any, field: str) -> tuple[float, str | None] | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise _BadFieldError(field, reasons.MUST_BE_OBJECT)
    amount = value.get("amount")
    if amount is None:
        return None
    if type(amount) not in (int, float):
        raise _BadFieldError(f"{field}/amount", reasons.MUST_BE_NUMBER)
    currency = value.get("currency")
    if currency is not None and type(currency) is not str:
        raise _BadFieldError(f"{field}/currency", reasons.MUST_BE_STRING)
    return float(amount), (currency.strip().upper() or None) if currency else None


def _date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    if type(value) is not str:
        raise _BadFieldError(field, reasons.MUST_BE_DATE_TIME)
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise _BadFieldError(field, reasons.NOT_A_DATE, value=repr(value[:40])) from None


def _cpv(code: Any) -> str | None:
    text = _text(code)
    if text is None:
        return None
    digits = text.replace(" ", "")[:8]
    return digits if len(digits) == 8 and digits.isdigit() else None


def _cpv_of(items: Iterable[Any], lot_id: str | None) -> str | None:
    for item in items:
        if type(item) is not dict:
            continue
        if lot_id is not None and (_id(item.get("relatedLot")) or "") != lot_id:
            continue
        classification = item.get("classification")
        if type(classification) is dict and str(classification.get("scheme") or "").upper() in (
            "CPV",
            "",
        ):
            found = _cpv(classification.get("id"))
            if found:
                return found
    return None


@cache
def country_names() -> dict[str, str]:
    """Country names (casefolded, in 13 languages, from CLDR via Babel) -> ISO 3166 alpha-2."""
    from babel import Locale

    names: dict[str, str] = {}
    for language in ("en", "es", "fr", "pt", "de", "it", "nl", "pl", "nb", "sv", "zh", "ko", "ja"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
    return names


def _country(address: Any) -> str | None:
    if type(address) is not dict:
        return None
    code = _text(address.get("country"))
    if code and len(code) == 2 and code.isalpha():
        return code.upper()
    name = _text(address.get("countryName"))
    if name:
        if len(name) == 2 and name.isalpha():
            return name.upper()
        return country_names().get(name.casefold())
    return None


#: eForms' organisation ids (OPT-200: ``ORG-0001``, ...) number the organisations of one
#: notice, and the OCDS for eForms profile maps them to ``parties/id``: as a buyer key they
#: would put every notice's first organisation in one group, so such a buyer is keyed by its
#: name (the same rule is in :mod:`.engines.duckdb_lot_sql`).
_NOTICE_LOCAL_ID = re.compile(r"ORG-[0-9]{4}")


def _buyer(release: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    buyer = _dict(release.get("buyer"), "buyer")
    parties = _list(release.get("parties"), "parties")
    buyer_id = _text(buyer.get("id"))
    name = _text(buyer.get("name"))
    party: Mapping[str, Any] | None = None
    for candidate in parties:
        if type(candidate) is not dict:
            continue
        if buyer_id is not None and _text(candidate.get("id")) == buyer_id:
            party = candidate
            break
        roles = candidate.get("roles")
        if party is None and buyer_id is None and type(roles) is list and "buyer" in roles:
            party = candidate
    if buyer_id is None:
        identifier = buyer.get("identifier")
        if type(identifier) is dict and _text(identifier.get("id")):
            scheme = _text(identifier.get("scheme"))
            buyer_id = f"{scheme}-{identifier['id']}" if scheme else _text(identifier["id"])
        elif party is not None:
            buyer_id = _text(party.get("id"))
    if name is None and party is not None:
        name = _text(party.get("name"))
    if buyer_id is not None and name is not None and _NOTICE_LOCAL_ID.fullmatch(buyer_id):
        buyer_id = name
    country = _country(buyer.get("address"))
    if country is None and party is not None:
        country = _country(party.get("address"))
    return buyer_id, name, country


class _Money:
    __slots__ = ("by_currency", "dates")

    def __init__(self) -> None:
        self.by_currency: dict[str | None, float] = {}
        self.dates: list[dt.date] = []

    def add(self, amount: float, currency: str | None) -> None:
        self.by_currency[currency] = self.by_currency.get(currency, 0.0) + amount

    def single(self) -> tuple[float | None, str | None]:
        if len(self.by_currency) == 1:
            ((currency, amount),) = self.by_currency.items()
            return amount, currency
        return None, None


def _convert(
    money: _Money | None, year: int | None, converter: CurrencyConverter, notes: list[str]
) -> float | None:
    if money is None or not money.by_currency or year is None:
        return None
    total = 0.0
    for currency, amount in money.by_currency.items():
        if currency is None:
            return None
        value, note = converter.convert(amount, currency, year)
        if note and note not in notes:
            notes.append(note)
        if value is None:
            return None
        total += value
    return total


def _shares(related: Any, lot_ids: list[str], field: str) -> list[tuple[str, float]]:
    if not lot_ids:
        return [("", 1.0)]
    ids = [found for x in _list(related, field) if (found := _id(x)) is not None]
    known = list(dict.fromkeys(x for x in ids if x in lot_ids))
    if not known:
        # No relatedLots, or only ids that are not lots of this tender: all lots share it.
        known = list(lot_ids)
    share = 1.0 / len(known)
    return [(lot, share) for lot in known]


def rows_from_compiled(
    release: Mapping[str, Any],
    file: str,
    location: str,
    converter: CurrencyConverter,
    *,
    source_kind: str = "ocds",
) -> list[LotRow] | RecordError:
    """The lot rows of one compiled release, or the RecordError that prevents them."""
    ocid = str(release.get("ocid"))
    try:
        return _rows(release, file, location, converter, source_kind)
    except _BadFieldError as error:
        return RecordError(file, location, ocid, str(error))
    except GreenProcureError as error:
        return RecordError(file, location, ocid, str(error))
    except (
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        OverflowError,
        RecursionError,
    ) as error:
        # A shape no check above foresaw: still one reported record, never a crash.
        return RecordError(file, location, ocid, reasons.BREAKS_SCHEMA.format(detail=repr(error)))


def _rows(
    release: Mapping[str, Any],
    file: str,
    location: str,
    converter: CurrencyConverter,
    source_kind: str,
) -> list[LotRow]:
    ocid = str(release["ocid"])
    tender = _dict(release.get("tender"), "tender")
    lots = [lot for lot in _list(tender.get("lots"), "tender/lots") if type(lot) is dict]
    lot_ids = [_id(lot.get("id")) or "" for lot in lots]
    buyer_id, buyer_name, country = _buyer(release)
    tender_items = _list(tender.get("items"), "tender/items")
    tender_cpv = _cpv_of(tender_items, "") or _cpv_of(tender_items, None)
    method = _text(tender.get("procurementMethod"))
    category = _text(tender.get("mainProcurementCategory"))
    tender_date = _date(
        _dict(tender.get("tenderPeriod"), "tender/tenderPeriod").get("startDate"),
        "tender/tenderPeriod/startDate",
    ) or _date(tender.get("datePublished"), "tender/datePublished")
    release_date = _date(release.get("date"), "date")

    # Awards -> lots
    currencies: list[str | None] = []  # of every amount counted, in order
    awarded: dict[str, _Money] = {}
    award_lots: dict[str, list[tuple[str, float]]] = {}
    lot_awards: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    awards = _list(release.get("awards"), "awards")
    for index, award in enumerate(awards):
        field = f"awards/{index}"
        if type(award) is not dict:
            raise _BadFieldError(field, reasons.MUST_BE_OBJECT)
        award_shares = _shares(award.get("relatedLots"), lot_ids, f"{field}/relatedLots")
        award_id = _id(award.get("id"))
        if award_id is not None:
            award_lots[award_id] = award_shares
        for lot_key, _ in award_shares:
            lot_awards.setdefault(lot_key, []).append((index, award))
        if _text(award.get("status")) in _AWARD_SKIP:
            continue
        value = _amount(award.get("value"), f"{field}/value")
        award_date = _date(award.get("date"), f"{field}/date")
        if value is not None:
            currencies.append(value[1])
        for lot_key, share in award_shares:
            money = awarded.setdefault(lot_key, _Money())
            if value is not None:
                money.add(value[0] * share, value[1])
            if award_date is not None:
                money.dates.append(award_date)

    contracted: dict[str, _Money] = {}
    for index, contract in enumerate(_list(release.get("contracts"), "contracts")):
        field = f"contracts/{index}"
        if type(contract) is not dict:
            raise _BadFieldError(field, reasons.MUST_BE_OBJECT)
        if _text(contract.get("status")) in _CONTRACT_SKIP:
            continue
        award_ids = contract.get("awardID")
        ids = [award_ids] if award_ids is not None else _list(contract.get("awardIDs"), field)
        shares: list[tuple[str, float]] = []
        for award_id in ids:
            found = _id(award_id)
            if found is not None:
                shares.extend(award_lots.get(found, []))
        if not shares:
            shares = _shares(None, lot_ids, field)
        total = sum(share for _, share in shares) or 1.0
        value = _amount(contract.get("value"), f"{field}/value")
        if value is None:
            continue
        currencies.append(value[1])
        for lot_key, share in shares:
            contracted.setdefault(lot_key, _Money()).add(value[0] * share / total, value[1])

    estimates = (
        [_amount(lot.get("value"), f"tender/lots/{i}/value") for i, lot in enumerate(lots)]
        if lots
        else [_amount(tender.get("value"), "tender/value")]
    )
    if len(lots) == 1 and estimates[0] is None:
        # one lot without a value of its own: the procedure's estimate is the lot's (eForms
        # notices give BT-27 for the procedure only, as often as for the lot)
        estimates = [_amount(tender.get("value"), "tender/value")]
    currencies.extend(estimate[1] for estimate in estimates if estimate is not None)
    # An amount in a code that is no currency (CurrencyConverter.check) makes the whole record
    # unusable, whether or not a lot's date would let it be converted (the SQL paths decide
    # the same way).
    for currency in dict.fromkeys(currencies):
        if currency is not None:
            converter.check(currency)

    targets: list[tuple[str, Mapping[str, Any], str]] = (
        [(lot_ids[i], lot, f"tender/lots/{i}") for i, lot in enumerate(lots)]
        if lots
        else [("", tender, "tender")]
    )
    rows: list[LotRow] = []
    for (lot_id, target, path), estimated in zip(targets, estimates, strict=True):
        lot = target
        money_awarded = awarded.get(lot_id)
        dates = money_awarded.dates if money_awarded is not None else []
        date = min(dates) if dates else tender_date or release_date
        year = date.year if date else None
        green = detect_green(
            lot, path, tender=tender if lots else None, awards=lot_awards.get(lot_id)
        )
        cpv = (_cpv_of(tender_items, lot_id) if lots else None) or tender_cpv
        if cpv is None:
            for index, award in lot_awards.get(lot_id, []):
                cpv = _cpv_of(_list(award.get("items"), f"awards/{index}/items"), None)
                if cpv:
                    break
        estimated_money: _Money | None = None
        if estimated is not None:
            estimated_money = _Money()
            estimated_money.add(*estimated)
        notes: list[str] = []
        awarded_value, awarded_currency = (
            money_awarded.single() if money_awarded and money_awarded.by_currency else (None, None)
        )
        money_contracted = contracted.get(lot_id)
        contracted_value, contracted_currency = (
            money_contracted.single() if money_contracted else (None, None)
        )
        estimated_rc = _convert(estimated_money, year, converter, notes)
        awarded_rc = _convert(money_awarded, year, converter, notes)
        contracted_rc = _convert(money_contracted, year, converter, notes)
        conversions = (
            (estimated_money, estimated_rc),
            (money_awarded, awarded_rc),
            (money_contracted, contracted_rc),
        )
        row: LotRow = {
            "source_file": file,
            "source_kind": source_kind,
            "record_ref": location,
            "ocid": ocid,
            "lot_id": lot_id,
            "buyer_id": buyer_id,
            "buyer_name": buyer_name,
            "country": country,
            "date": date,
            "year": year,
            "month": date.month if date else None,
            "procurement_method": method,
            "main_category": _text(lot.get("mainProcurementCategory")) or category,
            "cpv": cpv,
            "cpv2": cpv[:2] if cpv else None,
            "cpv3": cpv[:3] if cpv else None,
            "is_green": green.is_green,
            "goals": list(green.goals),
            "strategies": list(green.strategies),
            "cvd": green.cvd,
            "cvd_contract_type": green.cvd_contract_type,
            "evidence": list(green.evidence),
            "estimated_value": estimated[0] if estimated else None,
            "estimated_currency": estimated[1] if estimated else None,
            "awarded_value": awarded_value,
            "awarded_currency": awarded_currency,
            "contracted_value": contracted_value,
            "contracted_currency": contracted_currency,
            "estimated_value_rc": estimated_rc,
            "awarded_value_rc": awarded_rc,
            "contracted_value_rc": contracted_rc,
            "reporting_currency": converter.reporting_currency,
            "fx_note": "; ".join(notes) or None,
            "unconverted": any(
                money is not None and bool(money.by_currency) and value is None
                for money, value in conversions
            ),
            "release_date": release_date,
        }
        rows.append(row)
    return rows

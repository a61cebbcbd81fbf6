"""Streaming OCDS reader: any layout, any size, bounded memory.

Accepted layouts, detected from the content (not the file name):

* JSON Lines: one JSON value per line (release, compiled release, record, or a whole
  package). Each line is parsed with orjson; a bad line is one :class:`RecordError` at
  ``line N`` and reading goes on with the next line. A line over 256 MiB is reported and
  skipped rather than loaded (a single-document file of any size is streamed instead).
* One JSON document or several concatenated ones (release packages, record packages, bare
  releases, compiled releases, records, versioned releases, or a top-level array of any of
  them). The ``releases`` / ``records`` arrays of the first document are streamed item by
  item with ijson's C backend (yajl2_c), so a package of any size is read in bounded memory;
  a top-level array is read element by element; the documents that follow the first are
  streamed in the same way (their arrays entry by entry, through ijson's events, slower
  but in bounded memory), whatever their kind (nothing is skipped). Locations are the
  index of the item (``releases[12]``, ``item[3]``, ``value[2], releases[0]``). Malformed
  JSON here cannot be resynchronised: it is one :class:`RecordError` and the rest of that
  file is skipped; its location adds where the JSON breaks (``character N`` of the decoded
  text, or ``end of file``), found by ijson's Python backend in the first 64 MiB. yajl
  refuses integers beyond 64 bits; such a file is read again with ijson's Python backend
  (slower), without repeating what was already yielded.

JSON Lines is recognised when the first non-empty line is a whole JSON value, or when a later
one of the first three is a whole JSON object and the first is not a lone ``{`` or ``[`` (so
a malformed first line does not turn a JSON Lines file into one unreadable document). A file
whose only line is a JSON array (minified) is one document, read item by item.

Files may be plain, ``.gz`` or ``.zip`` (each member read in turn), UTF-8 or a declared or
detected legacy encoding (see :mod:`._source`).

Each value becomes a :class:`Document`: a ``release`` (to be compiled with the other
releases of its ``ocid``) or a ``compiled`` release (compiled releases as published,
records' ``compiledRelease``, records' embedded releases compiled here, versioned releases
unversioned here). Records with only linked releases and nothing compiled are a
:class:`RecordError`: their content is not in the file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import ijson
import orjson
from ijson.common import ObjectBuilder

from greenprocure.errors import GreenProcureError, InputError, ParseError
from greenprocure.i18n import N_
from greenprocure.monitoring import reasons
from greenprocure.monitoring.compile import compile_releases, unversion
from greenprocure.monitoring.readers._depth import (
    MAX_DEPTH,
    MAX_DOCUMENT_DEPTH,
    DepthGuard,
    TooDeepError,
)
from greenprocure.monitoring.readers._source import Source, iter_sources
from greenprocure.monitoring.rows import RecordError

__all__ = ["Document", "iter_documents", "read_release"]

_FIRST_LINE_LIMIT = 16 * 1024 * 1024
_LINE_LIMIT = 256 * 1024 * 1024
_VERSIONED_KEYS = frozenset(("releaseID", "releaseDate", "releaseTag", "value"))


@dataclass(frozen=True, slots=True)
class Document:
    """One release or compiled release read from a file, with where it was found."""

    kind: Literal["release", "compiled"]
    data: dict[str, Any]
    file: str
    location: str

    @property
    def ocid(self) -> str:
        """The contracting process identifier (validated non-empty by the reader)."""
        return str(self.data["ocid"])


Item = Document | RecordError


def iter_documents(
    path: str | Path,
    encoding: str | None = None,
    *,
    skip_xml: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Item]:
    """Every release and compiled release in ``path``, and a :class:`RecordError` per bad one.

    Never raises for bad content of the JSON. A file that cannot be read raises: ``OSError``
    (missing, no permission) or an :class:`~greenprocure.errors.InputError` naming the file
    (or zip member), the bytes of content read and, when known, the line or item reached,
    for damaged compressed data (a ``.gz`` cut short or corrupt, not a zip archive, a zip
    member cut short or failing its CRC): the file is not to be kept in part. ``skip_xml``
    leaves out the XML members of a zip archive (see :func:`iter_notices`). ``progress`` is
    called with the numbers of bytes of the file read (on disk, compressed if it is), adding
    up to its size at the end: for progress bars.
    """
    for source in iter_sources(path, encoding, skip_xml=skip_xml, progress=progress):
        try:
            yield from _read_source(source)
        except InputError:
            raise
        except TooDeepError as error:
            # no item of the document can be told from the next past this point
            raise InputError(
                N_(
                    "JSON nested deeper than {limit} levels by byte {offset}: no OCDS data "
                    "is; the file is not read"
                ),
                file=source.name,
                limit=MAX_DOCUMENT_DEPTH,
                offset=error.offset,
            ) from error
        except (OSError, EOFError, ValueError) as error:
            # A read error of the disk or of the text's encoding: the rest of this source
            # cannot be read, so none of it is kept (a run again reads it whole)
            raise InputError(
                N_("cannot read the file after {offset} bytes of it: {reason}"),
                file=source.name,
                offset=source.tally.done if source.tally is not None else 0,
                reason=str(error),
            ) from error
        source.finish()


def _read_source(source: Source) -> Iterator[Item]:
    with source.open(counted=True) as stream:
        # Look at the first few non-empty lines: JSON Lines if the first is a whole JSON
        # value, or if a later one is a whole JSON object while the first is not a bare
        # opening bracket (so that a malformed first line does not turn a JSON Lines file
        # into one unreadable document).
        head: list[bytes] = []
        complete = True
        ended = False
        seen = 0  # bytes of the head, blank lines too (a run of them is kept as its count)
        filled = 0  # lines of the head that are not blank
        blank = 0
        while seen < _FIRST_LINE_LIMIT:
            line = stream.readline(_FIRST_LINE_LIMIT)
            if not line:
                ended = True
                break
            seen += len(line)
            if not line.strip():
                blank += 1
                continue
            if blank:
                head.append(b"\n" * blank)
                blank = 0
            head.append(line)
            if len(line) >= _FIRST_LINE_LIMIT and not line.endswith(b"\n"):
                complete = False
                break
            filled += 1
            if filled >= 3:
                break
        if blank:
            head.append(b"\n" * blank)
        texts = [h.strip() for h in head if h.strip()]
        if not texts and ended:
            # counted as a record error, so that a run says it read nothing from this file
            yield RecordError(source.name, "file", None, reasons.EMPTY_FILE)
            return
        # (a file that is one JSON array on one line is one document, read item by item,
        # as the same array written over several lines is)
        one_array = ended and len(texts) == 1 and texts[0].startswith(b"[")
        if complete and texts and not one_array and _looks_like_lines(texts):
            yield from _read_lines(source, stream, head)
            return
    yield from _read_document(source)


#: A first line that opens a package's array of releases or records and ends there.
_OPENS_PACKAGE = re.compile(rb'"(?:releases|records)"\s*:\s*\[$')


def _looks_like_lines(texts: list[bytes]) -> bool:
    try:
        orjson.loads(texts[0])
        return True
    except orjson.JSONDecodeError:
        pass
    first = texts[0]
    if first in (b"{", b"[") or _OPENS_PACKAGE.search(first):
        # the opening of a document written over several lines (a package with one release
        # per line), not a line of JSON Lines cut short (which may end in "{" or "[" too)
        return False
    if first.endswith((b",", b":")) and any(
        text.startswith(b'"') or text.endswith(b",") for text in texts[1:]
    ):
        # a document's members or elements go on over the next lines
        return False
    for text in texts[1:]:
        try:
            if type(orjson.loads(text)) is dict:
                return True
        except orjson.JSONDecodeError:
            continue
    return False


def _read_lines(source: Source, stream: IO[bytes], head: list[bytes]) -> Iterator[Item]:
    number = 0
    name = source.name
    loads = orjson.loads
    limit = _LINE_LIMIT
    pending = list(head)
    try:
        line = pending.pop(0) if pending else stream.readline(limit)
        while line:
            # (a run of blank lines of the head is one item: its newlines count)
            number += 1 if line.strip() else max(1, line.count(b"\n"))
            if len(line) >= limit:
                # Keep memory bounded: a giant line is skipped (to its end) and reported.
                ocid = _guess_ocid(line[:4096])
                while line and not line.endswith(b"\n"):
                    line = stream.readline(limit)
                yield RecordError(
                    name,
                    f"line {number}",
                    ocid,
                    reasons.LONG_LINE.format(limit=limit),
                )
            else:
                text = line.strip()
                if text:
                    location = f"line {number}"
                    try:
                        value = loads(text)
                    except orjson.JSONDecodeError as error:
                        yield RecordError(
                            name,
                            location,
                            _guess_ocid(text),
                            reasons.MALFORMED_JSON.format(detail=error),
                        )
                    else:
                        items = _classify(value, name, location)
                        if text.count(b"[") + text.count(b"{") > MAX_DEPTH:
                            # (each release of a package on one line on its own)
                            items = _shallow(items, lambda: True)
                        yield from items
            line = pending.pop(0) if pending else stream.readline(limit)
    except InputError as error:
        # damaged compressed data (see ._source): say which line it cut
        if error.record is None:
            error.record = f"line {number + 1}"
        raise


def _shallow(items: Iterator[Item], maybe_deep: Callable[[], bool]) -> Iterator[Item]:
    """``items``, each release nested deeper than :data:`MAX_DEPTH` a record error instead
    (looked for while ``maybe_deep()``: a document's guard went that deep, a line has that
    many brackets)."""
    for item in items:
        if isinstance(item, Document) and maybe_deep() and _too_deep(item.data):
            yield RecordError(
                item.file,
                item.location,
                _text_ocid(item.data),
                reasons.TOO_DEEP.format(limit=MAX_DEPTH),
            )
        else:
            yield item


def _text_ocid(data: dict[str, Any]) -> str | None:
    ocid = data.get("ocid")
    return ocid if type(ocid) is str else None


def _too_deep(value: Any) -> bool:
    """Whether ``value`` is nested deeper than orjson writes (:data:`MAX_DEPTH`): the store
    could not keep it, nor the standard library's writer (its recursion limit) when deeper
    still."""
    try:
        orjson.dumps(value)
    except TypeError as error:
        return "Recursion limit" in str(error)
    return False


def _guess_ocid(text: bytes) -> str | None:
    start = text.find(b'"ocid"')
    if start < 0:
        return None
    rest = text[start + 6 : start + 300]
    colon = rest.find(b'"', rest.find(b":"))
    end = rest.find(b'"', colon + 1)
    if colon < 0 or end < 0:
        return None
    return rest[colon + 1 : end].decode("utf-8", "replace")


def _layout(source: Source, backend: Any = ijson) -> str:
    """The ijson prefix to read the first top-level value with.

    ``releases.item`` / ``records.item`` stream a package's array; ``item`` reads a top-level
    array element by element; ``""`` reads a bare value whole.
    """
    with source.open() as stream:
        started = False
        for prefix, event, value in backend.parse(DepthGuard(stream), multiple_values=True):
            if not started:
                if event == "start_array":
                    return "item"
                if event != "start_map":
                    return ""
                started = True
                continue
            if prefix == "" and event == "map_key" and value == "ocid":
                # a record (its releases beside its compiledRelease) or a release: whole
                return ""
            if prefix == "" and event == "map_key" and value in ("records", "releases"):
                return f"{value}.item"
            if prefix == "" and event == "end_map":
                return ""
    return ""


_LABELS = {"releases.item": "releases", "records.item": "records", "item": "item", "": "value"}


_FAST = ijson  # yajl2_c, the C backend
_EXACT = ijson.get_backend("python")  # slower, but takes integers beyond 64 bits


def _read_document(source: Source, backend: Any = _FAST) -> Iterator[Item]:
    """One JSON document, streamed; then, if more values follow, each of them whole.

    yajl refuses integers beyond 64 bits ("integer overflow"): such a file is read again,
    from the start but without repeating what was yielded, with ijson's Python backend.
    """
    name = source.name
    try:
        try:
            prefix = _layout(source, backend)
        except ijson.JSONError as error:
            if "integer overflow" not in str(error):
                raise
            prefix = _layout(source, _EXACT)
    except ijson.JSONError as error:
        where = _malformed_at(source) or "byte 0"
        if not source.member:
            # not even the first value is JSON: the file cannot be read (not "ingested with
            # one record error"); a zip member is one record error, and the archive's
            # other members are still read
            # (yajl's message goes on with the text around the error, raw bytes included:
            # its first line says what is wrong)
            reason = next(iter(str(error).strip().splitlines()), "")
            raise ParseError(
                N_("not JSON: {reason}"), file=name, record=where, reason=reason
            ) from error
        yield RecordError(name, where, None, reasons.MALFORMED_JSON.format(detail=error))
        return
    label = _LABELS[prefix]
    done = 0
    for attempt in (backend, _EXACT):
        index = -1
        with source.open(counted=attempt is backend) as stream:
            try:
                guard = DepthGuard(stream)
                values = attempt.items(guard, prefix, use_float=True)
                for index, value in enumerate(values):
                    if index < done:
                        continue
                    if label == "records":
                        items = _record(value, name, f"records[{index}]")
                    else:
                        items = _classify(value, name, f"{label}[{index}]")
                    yield from _shallow(items, guard.deep)
                    done = index + 1
                return
            except InputError as error:
                # damaged compressed data (see ._source): say which item it cut
                if error.record is None:
                    error.record = f"after {label}[{index}]" if index >= 0 else f"{label}[0]"
                raise
            except ijson.JSONError as error:
                text = str(error)
                if "integer overflow" in text and attempt is not _EXACT:
                    continue
                if "trailing garbage" not in text and "Additional data" not in text:
                    where = f"after {label}[{index}]" if index >= 0 else f"before {label}[0]"
                    at = _malformed_at(source)
                    where = f"{where}, {at}" if at else where
                    yield RecordError(
                        name, where, None, reasons.MALFORMED_JSON.format(detail=error)
                    )
                    return
                break
    # Concatenated JSON: the first value is done; the values that follow are streamed too.
    yield from _following_values(source, backend)


_OPEN = frozenset(("start_map", "start_array"))
_CLOSE = frozenset(("end_map", "end_array"))


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The whole JSON value that starts with (``event``, ``value``), from ``events``."""
    if event not in _OPEN:
        return value
    builder = ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in _OPEN:
            depth += 1
        elif event in _CLOSE:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _skip(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Pass over the JSON value that starts with ``event`` without building it (the depth
    walk of :func:`_build`, written twice: one generator of a value's events for both made
    reading concatenated JSON 45 % slower)."""
    if event not in _OPEN:
        return
    depth = 1
    for event, _value in events:
        if event in _OPEN:
            depth += 1
        elif event in _CLOSE:
            depth -= 1
            if depth == 0:
                return


def _streamed_value(
    event: str, value: Any, events: Iterator[tuple[str, Any]], file: str, location: str
) -> Iterator[Item]:
    """The items of one top-level value, in bounded memory: the entries of a package's
    ``releases`` or ``records`` array (or of a top-level array) are built one at a time;
    any other value is built whole and classified as :func:`_classify` does. A package is
    told from a record by its ``releases`` coming before any ``ocid`` (the schemas' order;
    a record written with its ``ocid`` after its releases is read as a package)."""
    if event == "start_array":
        # enumerate counts the entries: _build takes the rest of each entry's events
        for index, (event, value) in enumerate(events):
            if event == "end_array":
                return
            yield from _classify(_build(event, value, events), file, f"{location}, item[{index}]")
        return
    if event != "start_map":
        yield from _classify(value, file, location)
        return
    head: dict[str, Any] = {}
    streamed = False
    for event, value in events:
        if event == "end_map":
            break
        key = value  # a map_key
        event, value = next(events)
        if key in ("releases", "records") and event == "start_array" and "ocid" not in head:
            streamed = True
            read = _release if key == "releases" else _record
            for index, (event, value) in enumerate(events):
                if event == "end_array":
                    break
                item = _build(event, value, events)
                yield from read(item, file, f"{location}, {key}[{index}]")
        else:
            head[key] = _build(event, value, events)
    if not streamed:
        yield from _classify(head, file, location)


def _following_values(source: Source, backend: Any) -> Iterator[Item]:
    """The items of the values that follow the first one in a file of concatenated JSON,
    each streamed by :func:`_streamed_value` (the first is passed over unbuilt). On an
    integer beyond 64 bits the file is read again with the exact backend, without repeating
    what was yielded."""
    name = source.name
    emitted = 0
    for attempt in (backend, _EXACT):
        produced = 0
        done = 0  # the last value read to its end
        with source.open() as stream:
            guard = DepthGuard(stream)
            events = iter(attempt.basic_parse(guard, multiple_values=True, use_float=True))
            try:
                for number, (event, value) in enumerate(events):
                    if number == 0:
                        _skip(event, events)
                        continue
                    streamed = _streamed_value(event, value, events, name, f"value[{number}]")
                    for item in _shallow(streamed, guard.deep):
                        produced += 1
                        if produced > emitted:
                            emitted = produced
                            yield item
                    done = number
                return
            except ijson.JSONError as error:
                if "integer overflow" in str(error) and attempt is not _EXACT:
                    continue
                at = _malformed_at(source)
                where = f"after value[{done}]" + (f", {at}" if at else "")
                yield RecordError(name, where, None, reasons.MALFORMED_JSON.format(detail=error))
                return


#: How many bytes the exact backend reads to find where malformed JSON breaks.
_FIND_LIMIT = 64 * 1024 * 1024


class _Capped(io.RawIOBase):
    """A stream that ends after ``limit`` bytes of another: ``capped`` says that the limit
    was reached, ``ended`` that the other stream was read to its end."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._left = limit
        self.capped = False
        self.ended = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            self.capped = True
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = self._raw.read(wanted)
        if wanted and not data:
            self.ended = True
        self._left -= len(data)
        return data


def _malformed_at(source: Source) -> str | None:
    """Where the JSON of ``source`` breaks: ``character N`` (from 0, in the decoded text,
    as ijson's Python backend counts) or ``end of file`` (the text stops inside a value);
    ``None`` when that is not found in the first :data:`_FIND_LIMIT` bytes (the exact
    backend is slow: it reads again only what a reader can afford for an error), or when
    the bytes are not UTF-8 (which that backend reports as incomplete JSON)."""
    try:
        with source.open() as stream:
            capped = _Capped(stream, _FIND_LIMIT)
            try:
                for _event in _EXACT.basic_parse(capped, multiple_values=True):
                    pass
            except ijson.IncompleteJSONError as error:
                undecodable = isinstance(error.__context__, UnicodeDecodeError)
                return "end of file" if capped.ended and not undecodable else None
            except ijson.JSONError as error:
                # near the limit the cut itself may be the "error"
                found = None if capped.capped else re.search(r" at (\d+)$", str(error))
                return f"character {found[1]}" if found else None
    except (OSError, ValueError, EOFError):
        return None
    return None


def _classify(value: Any, file: str, location: str) -> Iterator[Item]:
    if type(value) is not dict:
        yield RecordError(file, location, None, reasons.NOT_AN_OBJECT)
        return
    records = value.get("records")
    if type(records) is list and "ocid" not in value:
        for index, record in enumerate(records):
            yield from _record(record, file, f"{location}, records[{index}]")
        return
    releases = value.get("releases")
    if "ocid" in value and (
        "compiledRelease" in value or "versionedRelease" in value or type(releases) is list
    ):
        yield from _record(value, file, location)
        return
    if type(releases) is list:
        for index, release in enumerate(releases):
            yield from _release(release, file, f"{location}, releases[{index}]")
        return
    yield from _release(value, file, location)


def _check_ocid(value: dict[str, Any], file: str, location: str) -> RecordError | None:
    ocid = value.get("ocid")
    if type(ocid) is not str or not ocid:
        found = None if ocid is None else str(ocid)
        return RecordError(file, location, found, reasons.NO_OCID)
    return None


def _is_versioned(value: dict[str, Any]) -> bool:
    if "date" in value and "id" in value:
        return False
    for field in ("initiationType", "tag", "tender", "buyer", "language"):
        history = value.get(field)
        if type(history) is list and history and type(history[0]) is dict:
            return _VERSIONED_KEYS.issuperset(history[0]) and "releaseID" in history[0]
    return False


def _release(value: Any, file: str, location: str) -> Iterator[Item]:
    if type(value) is not dict:
        yield RecordError(file, location, None, reasons.RELEASE_NOT_AN_OBJECT)
        return
    problem = _check_ocid(value, file, location)
    if problem is not None:
        yield problem
        return
    tag = value.get("tag")
    if type(tag) is list and "compiled" in tag:
        yield Document("compiled", value, file, location)
    elif _is_versioned(value):
        yield Document("compiled", unversion(value), file, location)
    else:
        if type(value.get("date")) is not str:
            yield RecordError(file, location, value["ocid"], reasons.NO_DATE)
            return
        yield Document("release", value, file, location)


def read_release(value: Any, file: str, location: str) -> Item:
    """One release object as the readers take it: a release, a compiled release (tagged
    ``compiled``, or versioned) or the RecordError that rejects it (no ocid, no date)."""
    return next(_release(value, file, location))


def _record(value: Any, file: str, location: str) -> Iterator[Item]:
    if type(value) is not dict:
        yield RecordError(file, location, None, reasons.RECORD_NOT_AN_OBJECT)
        return
    problem = _check_ocid(value, file, location)
    if problem is not None:
        yield problem
        return
    ocid = value["ocid"]
    compiled = value.get("compiledRelease")
    if type(compiled) is dict and compiled:
        if compiled.get("ocid") is None:  # absent or null: the record's
            compiled["ocid"] = ocid
        yield Document("compiled", compiled, file, location)
        return
    versioned = value.get("versionedRelease")
    if type(versioned) is dict and versioned:
        result = unversion(versioned)
        if result.get("ocid") is None:
            result["ocid"] = ocid
        yield Document("compiled", result, file, location)
        return
    releases = value.get("releases")
    if releases is not None and type(releases) is not list:
        yield RecordError(file, location, ocid, reasons.RELEASES_NOT_AN_ARRAY)
        return
    embedded = [
        release
        for release in releases or ()
        if type(release) is dict and not set(release) <= {"url", "date", "tag"}
    ]
    if not embedded:
        yield RecordError(file, location, ocid, reasons.LINKED_RELEASES_ONLY)
        return
    for release in embedded:
        release.setdefault("ocid", ocid)
    try:
        compiled = compile_releases(embedded)
    except GreenProcureError as error:
        yield RecordError(file, location, ocid, str(error))
        return
    except (TypeError, ValueError, RecursionError, OverflowError) as error:
        # a shape or a depth the merge cannot take: this record, not the file
        yield RecordError(file, location, ocid, reasons.CANNOT_COMPILE.format(detail=repr(error)))
        return
    yield Document("compiled", compiled, file, location)

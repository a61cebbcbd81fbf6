"""Opening input files: plain, ``.gz`` or ``.zip``, in UTF-8 or a declared legacy encoding.

Every opener returns a binary stream of UTF-8 bytes, so the JSON parsers (orjson, ijson's
yajl2_c backend) only ever see UTF-8. A legacy encoding (e.g. ISO-8859-1, used by one
Mexico City publisher) is either declared by the caller or detected: a byte-order mark
wins, else the first 4 MiB are tried as UTF-8 and the file is read as ``cp1252`` (a
superset of ISO-8859-1's printable range) when they are not valid UTF-8.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from greenprocure.errors import InputError
from greenprocure.i18n import N_

__all__ = ["Source", "iter_sources", "plain_opener", "text_encoding"]

_SNIFF = 4 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _Transcoder(io.RawIOBase):
    """A readable binary stream that re-encodes another stream from ``encoding`` to UTF-8."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        while len(self._pending) < size and not self._eof:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                self._eof = True
                text = self._decoder.decode(b"", final=True)
            else:
                text = self._decoder.decode(chunk)
            self._pending += text.encode("utf-8")
        count = min(size, len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Counting(io.RawIOBase):
    """A readable raw stream that reports how many bytes were read from another one."""

    def __init__(self, raw: IO[bytes], tally: _Tally) -> None:
        self._raw = raw
        self._tally = tally

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        if count:
            self._tally.add(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Tally:
    """Bytes of one file read so far, passed on to a progress callback."""

    __slots__ = ("done", "progress", "size")

    def __init__(self, size: int, progress: Callable[[int], None] | None) -> None:
        self.size = size
        self.done = 0
        self.progress = progress

    def add(self, count: int) -> None:
        count = max(0, min(count, self.size - self.done))
        if count:
            self.done += count
            if self.progress is not None:
                self.progress(count)

    def finish(self) -> None:
        self.add(self.size - self.done)


@dataclass(frozen=True)
class Source:
    """One logical input: a file, or one member of a zip archive.

    ``name`` is what errors and rows show (``path`` or ``path!member``); ``open()`` returns a
    fresh binary stream of UTF-8 bytes each time it is called (readers may read twice);
    ``open(counted=True)`` also reports the bytes read from disk to the progress callback
    given to :func:`iter_sources` (readers count their main pass only; :meth:`finish` tops
    the count up to the file's size when the source is done).
    """

    name: str
    opener: Callable[[], IO[bytes]]
    encoding: str
    counted_opener: Callable[[], IO[bytes]] | None = None
    tally: _Tally | None = None

    def finish(self) -> None:
        """Report the rest of this source's bytes as read."""
        if self.tally is not None:
            self.tally.finish()

    def open(self, counted: bool = False) -> IO[bytes]:
        """A new buffered stream of the content as UTF-8 bytes."""
        opener = self.counted_opener if counted and self.counted_opener else self.opener
        raw = opener()
        if self.encoding in ("utf-8", "utf8"):
            return raw
        if self.encoding == "utf-8-sig":
            if raw.read(3) != codecs.BOM_UTF8:
                raw.close()
                raw = opener()
            return raw
        return io.BufferedReader(_Transcoder(raw, self.encoding), buffer_size=1 << 16)


def _detect(opener: Callable[[], IO[bytes]]) -> str:
    with opener() as stream:
        head = stream.read(_SNIFF)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sniff window is still UTF-8.
        if error.start < len(head) - 4:
            return "cp1252"
    return "utf-8"


def plain_opener(path: Path) -> Callable[[], IO[bytes]]:
    """How to open file ``path`` as bytes: through gzip when it ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        return lambda: cast(IO[bytes], gzip.open(path, "rb"))
    return lambda: open(path, "rb")


def _gunzip(opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    return lambda: _gzip_over(opener())


def _member_opener(path: Path, member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        archive = zipfile.ZipFile(path)
        stream = archive.open(member)
        # Closing the member stream must close the archive too.
        original_close = stream.close

        def close() -> None:
            original_close()
            archive.close()

        stream.close = close  # type: ignore[method-assign]
        return stream

    return opener


def _gzip_over(inner: IO[bytes]) -> IO[bytes]:
    """A gzip reader over ``inner`` that closes ``inner`` too (GzipFile leaves it open)."""
    outer = gzip.GzipFile(fileobj=inner, mode="rb")
    original_close = outer.close

    def close() -> None:
        original_close()
        inner.close()

    outer.close = close  # type: ignore[method-assign]
    return cast(IO[bytes], outer)


def _counted_plain(path: Path, tally: _Tally) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        raw = open(path, "rb")  # noqa: SIM115 - closed through the returned stream
        counted = io.BufferedReader(_Counting(raw, tally), buffer_size=1 << 16)
        if path.suffix.lower() == ".gz":
            return _gzip_over(counted)
        return counted

    return opener


def iter_sources(
    path: str | Path,
    encoding: str | None = None,
    *,
    skip_xml: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Source]:
    """The logical inputs in ``path``: the file itself, or each member of a zip archive.

    ``encoding`` declares the text encoding; ``None`` detects it (see the module docstring).
    ``skip_xml`` leaves out zip members named ``*.xml`` / ``*.xml.gz`` (eForms notices, read
    by the eForms reader). ``progress`` is called with numbers of bytes of ``path`` (as
    stored on disk) as they are read; the calls add up to the file's size once every source
    is finished. Zip members are reported whole (their compressed size) when finished.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            infos = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not (skip_xml and info.filename.lower().endswith((".xml", ".xml.gz")))
            ]
        members = [info.filename for info in infos]
        sizes = {info.filename: info.compress_size for info in infos}
        for member in sorted(members):
            opener = _member_opener(path, member)
            if member.lower().endswith(".gz"):
                opener = _gunzip(opener)
            yield Source(
                f"{path}!{member}",
                opener,
                _declared(encoding) or _detect(opener),
                tally=_Tally(sizes[member], progress),
            )
        return
    opener = plain_opener(path)
    tally = _Tally(path.stat().st_size, progress)
    yield Source(
        str(path),
        opener,
        _declared(encoding) or _detect(opener),
        counted_opener=_counted_plain(path, tally),
        tally=tally,
    )


def text_encoding(encoding: str | None) -> str | None:
    """The codec name of a declared text ``encoding`` (``None``: none declared), or an
    :class:`~greenprocure.errors.InputError` naming it when Python knows no such text
    encoding."""
    if encoding is None:
        return None
    try:
        info = codecs.lookup(encoding)
        if not getattr(info, "_is_text_encoding", True):  # rot13, base64, ...
            raise LookupError(encoding)
        info.incrementaldecoder().decode(b"", final=False)  # "undefined" fails here
    except (LookupError, UnicodeError, TypeError):
        raise InputError(
            N_("unknown text encoding: {name}"), field="encoding", name=encoding
        ) from None
    return "utf-8" if info.name == "utf-8" else info.name


def _declared(encoding: str | None) -> str | None:
    """The codec a source is read with for a declared ``encoding``: UTF-8 declared still
    skips a byte-order mark, as an undeclared UTF-8 file does."""
    name = text_encoding(encoding)
    return "utf-8-sig" if name == "utf-8" else name

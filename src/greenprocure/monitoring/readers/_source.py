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

__all__ = ["Source", "iter_sources"]

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


@dataclass(frozen=True)
class Source:
    """One logical input: a file, or one member of a zip archive.

    ``name`` is what errors and rows show (``path`` or ``path!member``); ``open()`` returns a
    fresh binary stream of UTF-8 bytes each time it is called (readers may read twice).
    """

    name: str
    opener: Callable[[], IO[bytes]]
    encoding: str

    def open(self) -> IO[bytes]:
        """A new buffered stream of the content as UTF-8 bytes."""
        raw = self.opener()
        if self.encoding in ("utf-8", "utf8"):
            return raw
        if self.encoding == "utf-8-sig":
            if raw.read(3) != codecs.BOM_UTF8:
                raw.close()
                raw = self.opener()
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


def _plain_opener(path: Path) -> Callable[[], IO[bytes]]:
    if path.suffix.lower() == ".gz":
        return lambda: cast(IO[bytes], gzip.open(path, "rb"))
    return lambda: open(path, "rb")


def _gunzip(opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    return lambda: cast(IO[bytes], gzip.GzipFile(fileobj=opener(), mode="rb"))


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


def iter_sources(
    path: str | Path, encoding: str | None = None, *, skip_xml: bool = False
) -> Iterator[Source]:
    """The logical inputs in ``path``: the file itself, or each member of a zip archive.

    ``encoding`` declares the text encoding; ``None`` detects it (see the module docstring).
    ``skip_xml`` leaves out zip members named ``*.xml`` / ``*.xml.gz`` (eForms notices, read
    by the eForms reader).
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir()
                and not (skip_xml and info.filename.lower().endswith((".xml", ".xml.gz")))
            ]
        for member in sorted(members):
            opener = _member_opener(path, member)
            if member.lower().endswith(".gz"):
                opener = _gunzip(opener)
            yield Source(f"{path}!{member}", opener, _normalise(encoding) or _detect(opener))
        return
    opener = _plain_opener(path)
    yield Source(str(path), opener, _normalise(encoding) or _detect(opener))


def _normalise(encoding: str | None) -> str | None:
    if encoding is None:
        return None
    name = codecs.lookup(encoding).name
    return "utf-8" if name == "utf-8" else name

"""Opening input files: plain, ``.gz`` or ``.zip``, in UTF-8 or a declared legacy encoding.

Every opener returns a binary stream of UTF-8 bytes, so the JSON parsers (orjson, ijson's
yajl2_c backend) only ever see UTF-8. A legacy encoding (e.g. ISO-8859-1, used by one
Mexico City publisher) is either declared by the caller or detected: a byte-order mark
wins, else the first 4 MiB are tried as UTF-8 and the file is read as ``cp1252`` (a
superset of ISO-8859-1's printable range) when they are not valid UTF-8.

Damaged compressed input (a gzip stream cut short or corrupt, a file that is not a zip
archive, a zip member cut short or failing its CRC) raises an
:class:`~greenprocure.errors.InputError` naming the file (or ``file!member``) and how many
bytes of content were read before the damage, never the decompressor's own exception: every
caller then treats the file as one that cannot be read (rolled back, listed, the run goes
on). The guard is on compressed streams only; plain files are read as they are.
"""

from __future__ import annotations

import codecs
import gzip
import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from greenprocure.errors import InputError
from greenprocure.i18n import N_

__all__ = [
    "COMPRESSION_ERRORS",
    "UNSUPPORTED_MEMBER",
    "Source",
    "iter_sources",
    "open_zip",
    "plain_opener",
    "text_encoding",
]

#: What gzip, zlib and zipfile raise for damaged data (besides ``OSError`` for the file).
COMPRESSION_ERRORS: tuple[type[Exception], ...] = (
    EOFError,  # gzip stream or zip member cut short
    zlib.error,  # corrupt deflate data
    lzma.LZMAError,  # corrupt LZMA zip member
    zipfile.BadZipFile,  # not a zip archive, bad member header, bad CRC-32 of a member
    gzip.BadGzipFile,  # not gzip, bad CRC or length of a gzip member
)

#: What :mod:`zipfile` raises on opening a member it cannot read at all: a compression method
#: it lacks (Deflate64, which Windows uses for large files) or an encrypted member.
UNSUPPORTED_MEMBER: tuple[type[Exception], ...] = (NotImplementedError, RuntimeError)

_SNIFF = 4 * 1024 * 1024
_CHUNK = 64 * 1024
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


def _damaged(name: str, offset: int, error: BaseException) -> InputError:
    return InputError(
        N_("compressed data damaged or cut short after {offset} bytes of content: {reason}"),
        file=name,
        offset=offset,
        reason=str(error) or type(error).__name__,
    )


class _Guarded(io.BufferedIOBase):
    """A compressed stream (gzip, zip member) whose damage is an :class:`InputError`
    naming ``name`` and the bytes of content read before it (see the module docstring)."""

    def __init__(self, inner: IO[bytes], name: str) -> None:
        super().__init__()
        self._inner = inner
        self._name = name
        self._offset = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        # piece by piece (what one step of the decompressor gives): what a call that fails
        # had decompressed is lost, so the offset of the damage is known to such a piece
        left = -1 if size is None or size < 0 else size
        parts: list[bytes] = []
        read1 = cast(io.BufferedIOBase, self._inner).read1
        while left:
            try:
                part = read1(_CHUNK if left < 0 else min(left, _CHUNK))
            except COMPRESSION_ERRORS as error:
                raise _damaged(self._name, self._offset, error) from error
            if not part:
                break
            self._offset += len(part)
            parts.append(part)
            if left > 0:
                left -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def read1(self, size: int = -1) -> bytes:
        return self.read(_CHUNK if size < 0 else min(size, _CHUNK))

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        count = len(data)
        buffer[:count] = data
        return count

    def readline(self, size: int | None = -1) -> bytes:
        try:
            line = self._inner.readline(-1 if size is None else size)
        except COMPRESSION_ERRORS as error:
            raise _damaged(self._name, self._offset, error) from error
        self._offset += len(line)
        return line

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                super().close()


def _guarded(name: str, opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    """``opener`` with its stream guarded (:class:`_Guarded`), and damage found on opening
    (a bad zip member header) an :class:`InputError` too."""

    def guarded() -> IO[bytes]:
        try:
            stream = opener()
        except COMPRESSION_ERRORS as error:
            raise _damaged(name, 0, error) from error
        except UNSUPPORTED_MEMBER as error:
            raise InputError(
                N_("cannot read the file: {reason}"), file=name, reason=str(error)
            ) from error
        return cast(IO[bytes], _Guarded(stream, name))

    return guarded


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip archive ``path``; an :class:`InputError` naming it when it is not one (or its
    directory is damaged)."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as error:
        raise InputError(
            N_("cannot read the file: {reason}"), file=str(path), reason=str(error)
        ) from error


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
    #: a member of a zip archive (the archive's other members are read even if it is bad)
    member: bool = False

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
        # A multi-byte character cut by the sniff window is still UTF-8 (only when the
        # window is full: a whole file read is not cut); an unfinished one is not.
        cut = (
            len(head) == _SNIFF
            and error.start >= len(head) - 4
            and error.reason == "unexpected end of data"
        )
        if not cut:
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
        archive = open_zip(path)
        try:
            stream = archive.open(member)
        except BaseException:
            archive.close()
            raise
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
        with open_zip(path) as archive:
            files = [info for info in archive.infolist() if not info.is_dir()]
        if not files:
            # as an empty file is: a run that read nothing from it says so
            raise InputError(N_("the zip archive holds no file"), file=os.fspath(path))
        infos = [
            info
            for info in files
            if not (skip_xml and info.filename.lower().endswith((".xml", ".xml.gz")))
        ]
        members = [info.filename for info in infos]
        sizes = {info.filename: info.compress_size for info in infos}
        for member in sorted(members):
            name = f"{path}!{member}"
            opener = _member_opener(path, member)
            if member.lower().endswith(".gz"):
                opener = _gunzip(opener)
            opener = _guarded(name, opener)
            yield Source(
                name,
                opener,
                _declared(encoding) or _detect(opener),
                tally=_Tally(sizes[member], progress),
                member=True,
            )
        return
    opener = plain_opener(path)
    tally = _Tally(path.stat().st_size, progress)
    counted = _counted_plain(path, tally)
    if path.suffix.lower() == ".gz":
        opener, counted = _guarded(str(path), opener), _guarded(str(path), counted)
    yield Source(
        str(path),
        opener,
        _declared(encoding) or _detect(opener),
        counted_opener=counted,
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

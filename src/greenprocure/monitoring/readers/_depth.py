"""A guard against JSON nested deeper than any OCDS data is, as the bytes are read.

ijson's C backend keeps a path ("prefix") per level while it builds a value, so memory grows
with the square of the depth: a 200 KB file of nested brackets took more than 20 GB. OCDS
data is nested about 15 levels deep; the guard stops a document at :data:`MAX_DOCUMENT_DEPTH`
levels, before the parser builds it (so that no item after it can be told from the next: the
file is not read), and says how deep the document went (``deepest``) so that the reader
checks its items against :data:`MAX_DEPTH` only when one may be deeper.

It counts the brackets outside strings only: escaped quotes and backslashes are removed
first (a backslash run cut at a chunk's end is kept for the next chunk), then everything but
brackets and quotes, then quotes side by side; a bracket after an odd number of quotes is
inside a string. About 500 MB/s: some 10 % of ijson's time on a pretty-printed package.
"""

from __future__ import annotations

from typing import IO

import numpy as np

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_DEPTH", "DepthGuard", "TooDeepError"]

#: Levels of arrays and objects a release may have (orjson writes 254, not 255).
MAX_DEPTH = 254

#: Levels a document is read to: ijson's paths then take some 40 MB.
MAX_DOCUMENT_DEPTH = 4096

#: Every byte but the brackets and the quote, to be deleted before the depth is counted.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_QUOTE = ord('"')
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]] = 1
_STEP[[ord("]"), ord("}")]] = -1


class TooDeepError(ValueError):
    """The document is nested deeper than :data:`MAX_DOCUMENT_DEPTH`; ``offset``: the byte
    (of the text read) by which it was."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"nested deeper than {MAX_DOCUMENT_DEPTH} levels by byte {offset}")
        self.offset = offset


class DepthGuard:
    """A binary stream that reads ``stream`` and raises :class:`TooDeepError` once what it
    has read opens more than ``limit`` arrays and objects at once; ``deepest``: the most
    it opened at once so far."""

    def __init__(self, stream: IO[bytes], limit: int = MAX_DOCUMENT_DEPTH) -> None:
        self._stream = stream
        self._limit = limit
        self.deepest = 0
        self._depth = 0
        self._in_string = 0  # 1 inside a string
        self._carry = b""
        self._read = 0

    def deep(self) -> bool:
        """Whether what was read went deeper than a release may (:data:`MAX_DEPTH`)."""
        return self.deepest > MAX_DEPTH

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if data:
            self._scan(data)
            self._read += len(data)
        return data

    def _scan(self, data: bytes) -> None:
        text = self._carry + data
        if b"\\" in text:
            # a run of backslashes at the end may pair with the next chunk's first byte
            stripped = text.rstrip(b"\\")
            self._carry = text[len(stripped) :]
            text = stripped.replace(b"\\\\", b"").replace(b'\\"', b"")
        else:
            self._carry = b""
        # (two quotes side by side change no bracket's count of quotes before it: a key, a
        # string without brackets; what is left is mostly brackets)
        kept = text.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
        marks = np.frombuffer(kept, dtype=np.uint8)
        if not len(marks):
            return
        # inside a string after an odd number of quotes (counted from the chunk's start)
        quotes = np.cumsum(marks == _QUOTE, dtype=np.int64)
        steps = _STEP[marks].astype(np.int64)
        steps[(quotes + self._in_string) & 1 == 1] = 0
        levels = np.cumsum(steps) + self._depth
        self._in_string = int(quotes[-1] + self._in_string) & 1
        self.deepest = max(self.deepest, int(levels.max()))
        if self.deepest > self._limit:
            raise TooDeepError(self._read + len(data))
        self._depth = int(levels[-1])

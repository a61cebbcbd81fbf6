"""The depth guard counts the brackets of the JSON structure only, across chunk ends."""

from __future__ import annotations

import io

import orjson
import pytest

from greenprocure.monitoring.readers._depth import MAX_DEPTH, DepthGuard, TooDeepError


def _read_all(data: bytes, chunk: int) -> bytes:
    guard = DepthGuard(io.BytesIO(data), MAX_DEPTH)
    parts = []
    while part := guard.read(chunk):
        parts.append(part)
    return b"".join(parts)


# brackets and quotes inside strings, escaped quotes and backslashes, a string cut by
# every chunk size below
_TRICKY = orjson.dumps(
    {
        "a": "[[[[{{{{" * 100,
        "b": 'quote \\" and [ backslash \\\\',
        "c": "\\\\\\\\[[[[",
        "d": [[[["x"]]]],
    }
)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 65536])
def test_brackets_inside_strings_do_not_count(chunk: int) -> None:
    data = b"[" * (MAX_DEPTH - 6) + _TRICKY + b"]" * (MAX_DEPTH - 6)
    assert _read_all(data, chunk) == data


@pytest.mark.parametrize("chunk", [1, 5, 4096])
def test_one_level_too_many_is_refused_with_the_byte_reached(chunk: int) -> None:
    data = b'{"s":"]]]]",' + b'"x":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}"
    with pytest.raises(TooDeepError) as caught:
        _read_all(data, chunk)
    opening = data.index(b"[")
    # the level past the limit is the (MAX_DEPTH)th "[" after the object's own "{"
    assert opening + MAX_DEPTH - 1 < caught.value.offset <= opening + MAX_DEPTH - 1 + chunk


def test_depth_falls_back_as_arrays_close() -> None:
    data = (b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1)) * 3
    assert _read_all(data, 100) == data


def test_the_deepest_level_reached_is_kept() -> None:
    guard = DepthGuard(io.BytesIO(b'[{"a":[[1]]},"[[[["]'))
    guard.read(5)  # [{"a"
    assert guard.deepest == 2
    guard.read()
    assert guard.deepest == 4

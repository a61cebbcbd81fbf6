"""File names as DuckDB's file readers take them.

DuckDB's readers (``read_json``, ``read_json_objects``, ``read_csv``) take a name holding
``*``, ``?`` or ``[`` for a glob pattern: ``p[q].jsonl`` would read ``pq.jsonl`` if there is
one, and not itself. Each such character is written as a character class of itself
(``[*]``, ``[?]``, ``[[]``), which matches the name alone; DuckDB's ``filename`` column then
gives the name as it is.
"""

from __future__ import annotations

__all__ = ["literal_path"]

_SPECIAL = {"*": "[*]", "?": "[?]", "[": "[[]"}


def literal_path(path: str) -> str:
    """``path`` as a pattern that DuckDB's readers match to that file alone."""
    if not any(character in path for character in _SPECIAL):
        return path
    return "".join(_SPECIAL.get(character, character) for character in path)

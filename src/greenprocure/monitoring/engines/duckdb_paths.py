"""File names as DuckDB's file readers take them.

DuckDB's readers (``read_json``, ``read_json_objects``, ``read_csv``) take a name holding
``*``, ``?`` or ``[`` for a glob pattern: ``p[q].jsonl`` would read ``pq.jsonl`` if there is
one, and not itself. Each such character is written as a character class of itself
(``[*]``, ``[?]``, ``[[]``), which matches the name alone; DuckDB's ``filename`` column then
gives the name as it is, with ``.``, ``..`` and repeated separators resolved
(:func:`greenprocure.monitoring.engines.duckdb_compiled.existing_files` resolves them first, so
that the names agree).
"""

from __future__ import annotations

__all__ = ["literal_path"]

_SPECIAL = {"*": "[*]", "?": "[?]", "[": "[[]"}


def literal_path(path: str) -> str:
    """``path`` as a pattern that DuckDB's readers match to that file alone.

    A path with a backslash is left as it is: DuckDB's patterns give the backslash a
    meaning of their own that no class expresses, and a pattern that matches no file is
    read as the file of that name (as it was before any escaping)."""
    if "\\" in path or not any(character in path for character in _SPECIAL):
        return path
    return "".join(_SPECIAL.get(character, character) for character in path)

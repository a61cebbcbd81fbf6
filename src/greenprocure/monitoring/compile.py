"""Compiling the releases of one contracting process (OCDS merge rules).

Two paths give the same compiled release:

* :func:`compile_releases` is the fast path: a direct nested merge in pure Python over the
  dicts that orjson / ijson produce. It follows the OCDS 1.1 merging rules as implemented by
  ``ocdsmerge`` 0.8 (releases sorted by ``date``; ``omitWhenMerged`` fields dropped;
  ``wholeListMerge`` arrays and arrays of non-objects replaced; arrays of objects merged by
  ``id`` (same value and type; ocdsmerge's handling of one id written once as a number and
  once as a string depends on which fields repeat and is not reproduced), objects without
  ``id`` appended; empty objects and arrays
  ignored; ``null`` removes a value but not an object already built; ``id`` of the compiled
  release ``"{ocid}-{date}"`` and ``tag`` ``["compiled"]``). The rules come from the OCDS for
  eForms profile's patched release schema, stored in ``readers/merge_rules.json`` with its
  source.
* :func:`compile_releases_reference` calls ``ocdsmerge`` with a local schema (no network). A
  differential test shows both agree, on every field the indicators read, on all the real OCDS
  data of the project.

:func:`unversion` turns a versioned release (each field a history of values) into the
compiled release it stands for: the last value of each history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from greenprocure.errors import ValidationError
from greenprocure.i18n import N_

__all__ = [
    "INDICATOR_FIELDS",
    "MergeRules",
    "compile_releases",
    "compile_releases_reference",
    "unversion",
]

_OMIT = 1
_WHOLE = 2
_VERSIONED_KEYS = frozenset(("releaseID", "releaseDate", "releaseTag", "value"))


class MergeRules:
    """The merge rule of each field path (tuple of property names; arrays are transparent)."""

    __slots__ = ("_rules", "indicator_tree", "tree")

    def __init__(
        self, omit_when_merged: Iterable[str] = (), whole_list_merge: Iterable[str] = ()
    ) -> None:
        rules: dict[tuple[str, ...], int] = {}
        for path in whole_list_merge:
            rules[tuple(path.split("/"))] = _WHOLE
        for path in omit_when_merged:
            rules[tuple(path.split("/"))] = _OMIT
        # ocdsmerge drops ``tag`` whatever the schema says (before OCDS 1.1.4 it did not set
        # omitWhenMerged).
        rules[("tag",)] = _OMIT
        self._rules = rules
        self.tree: _Tree = _tree(rules)
        self.indicator_tree: _Tree = _project(INDICATOR_FIELDS, self.tree)

    def get(self, path: tuple[str, ...]) -> int:
        """0 (default merge), 1 (omitWhenMerged) or 2 (wholeListMerge)."""
        return self._rules.get(path, 0)

    @classmethod
    def from_file(cls, path: str | Path) -> MergeRules:
        """Read rules stored as ``{"omitWhenMerged": [...], "wholeListMerge": [...]}``."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return cls(data["omitWhenMerged"], data["wholeListMerge"])

    @classmethod
    @cache
    def default(cls) -> MergeRules:
        """The rules of the OCDS for eForms profile's patched release schema (packaged)."""
        text = (
            resources.files("greenprocure.monitoring.readers")
            .joinpath("merge_rules.json")
            .read_text(encoding="utf-8")
        )
        data = json.loads(text)
        return cls(data["omitWhenMerged"], data["wholeListMerge"])


def _is_structured(value: Any) -> bool:
    return type(value) is dict or (type(value) is list and bool(value) and _all_dicts(value))


def _all_dicts(items: list[Any]) -> bool:
    return all(type(item) is dict for item in items)


def _key(identifier: Any) -> Any:
    """Identifier-merge key: ocdsmerge matches ids by value and type (2 and "2" differ)."""
    if isinstance(identifier, (str, int, float)) or identifier is None:
        return (type(identifier), identifier)
    return (type(identifier), repr(identifier))


# A rule tree maps a property name to (rule, subtree). A tree holding the key ``None`` is a
# projection: properties it does not list are skipped (see ``INDICATOR_FIELDS``).
_Tree = dict[str | None, tuple[int, "_Tree"]]
_LEAF: _Tree = {}
_DEFAULT_NODE: tuple[int, _Tree] = (0, _LEAF)

#: The fields the lot rows and the indicators read (``monitoring.lots``, ``monitoring.green``).
#: ``True`` keeps a whole subtree. ``compile_releases(..., fields=INDICATOR_FIELDS)`` merges
#: only these: the differential test shows they equal ocdsmerge's on all real data.
INDICATOR_FIELDS: Mapping[str, Any] = {
    "ocid": True,
    "buyer": True,
    "parties": {"id": True, "name": True, "roles": True, "address": True, "identifier": True},
    "tender": {
        "id": True,
        "procurementMethod": True,
        "mainProcurementCategory": True,
        "value": True,
        "tenderPeriod": True,
        "datePublished": True,
        "items": {"id": True, "relatedLot": True, "classification": True},
        "lots": {
            "id": True,
            "value": True,
            "mainProcurementCategory": True,
            "hasSustainability": True,
            "sustainability": True,
            "coveredBy": True,
            "additionalClassifications": True,
        },
        "hasSustainability": True,
        "sustainability": True,
        "coveredBy": True,
        "additionalClassifications": True,
    },
    "awards": {
        "id": True,
        "status": True,
        "date": True,
        "value": True,
        "relatedLots": True,
        "items": {"id": True, "classification": True, "additionalClassifications": True},
    },
    "contracts": {"id": True, "awardID": True, "awardIDs": True, "status": True, "value": True},
}


def _project(spec: Mapping[str, Any], full: _Tree) -> _Tree:
    tree: _Tree = {None: _DEFAULT_NODE}
    for key, sub in spec.items():
        rule, full_sub = full.get(key, _DEFAULT_NODE)
        tree[key] = (rule, full_sub if sub is True else _project(sub, full_sub))
    return tree


def _tree(rules: dict[tuple[str, ...], int]) -> _Tree:
    """The rules as a nested dict, so the merge never builds path tuples."""
    root: dict[str, Any] = {}
    for path, rule in sorted(rules.items(), key=lambda item: len(item[0])):
        node = root
        for part in path[:-1]:
            child = node.get(part)
            if child is None:
                child = [0, {}]
                node[part] = child
            node = child[1]
        leaf = node.get(path[-1])
        if leaf is None:
            node[path[-1]] = [rule, {}]
        else:
            leaf[0] = rule

    def freeze(node: dict[str, Any]) -> _Tree:
        return {
            key: (value[0], freeze(value[1]) if value[1] else _LEAF) for key, value in node.items()
        }

    return freeze(root)


class _Merger:
    """Merges release dicts into one compiled dict in place (no flattening)."""

    __slots__ = ("_children",)

    def __init__(self) -> None:
        # Per target list: identifier -> the merged object, for identifier merge.
        self._children: dict[int, tuple[list[Any], dict[Any, dict[str, Any]]]] = {}

    def merge_object(self, target: dict[str, Any], source: Mapping[str, Any], rules: _Tree) -> None:
        projected = None in rules
        for key, value in source.items():
            node = rules.get(key)
            if node is None:
                if projected:
                    continue
                rule, sub = _DEFAULT_NODE
            else:
                rule, sub = node
                if rule == _OMIT:
                    continue
            kind = type(value)
            if kind is str or kind is float or kind is int or kind is bool:
                current = target.get(key)
                if current is not None:
                    held = type(current)
                    if held is dict or (held is list and current and _all_dicts(current)):
                        # ocdsmerge keeps an object already built when a later release sends
                        # a scalar for it.
                        continue
                target[key] = value
                continue
            if rule == _WHOLE or (kind is not dict and kind is not list):
                if value is None:
                    if key in target and not _is_structured(target[key]):
                        del target[key]
                    continue
                current = target.get(key)
                if current is not None and kind is not list and _is_structured(current):
                    # ocdsmerge keeps an object already built when a later release sends a
                    # scalar for it.
                    continue
                target[key] = value
                continue
            if not value:
                continue
            if kind is dict:
                current = target.get(key)
                if type(current) is not dict:
                    current = {}
                    target[key] = current
                self.merge_object(current, value, sub)
            elif not _all_dicts(value):
                target[key] = value
            else:
                current = target.get(key)
                if type(current) is not list or (current and not _all_dicts(current)):
                    current = []
                    target[key] = current
                self.merge_list(current, value, sub)

    def merge_list(
        self, target: list[dict[str, Any]], source: list[dict[str, Any]], rules: _Tree
    ) -> None:
        entry = self._children.get(id(target))
        if entry is not None and entry[0] is target:
            index = entry[1]
        else:
            index = {}
            for item in target:
                if "id" in item:
                    index[_key(item["id"])] = item
            self._children[id(target)] = (target, index)
        for item in source:
            if not item:
                continue
            if "id" in item:
                identifier = _key(item["id"])
                existing = index.get(identifier)
                if existing is None:
                    existing = {"id": item["id"]} if item["id"] is not None else {}
                    index[identifier] = existing
                    target.append(existing)
                self.merge_object(existing, item, rules)
            else:
                fresh: dict[str, Any] = {}
                self.merge_object(fresh, item, rules)
                target.append(fresh)


def _release_date(release: Mapping[str, Any]) -> str:
    date = release.get("date")
    if type(date) is not str:
        raise ValidationError(
            N_("release {release_id}: date must be a string"),
            record=str(release.get("ocid")),
            field="date",
            release_id=str(release.get("id")),
        )
    return date


def compile_releases(
    releases: Sequence[Mapping[str, Any]],
    rules: MergeRules | None = None,
    *,
    indicator_fields_only: bool = False,
) -> dict[str, Any]:
    """The compiled release of ``releases`` (all of one ``ocid``), by the OCDS merge rules.

    With ``indicator_fields_only`` only :data:`INDICATOR_FIELDS` are merged (faster; the
    result holds ``tag``, ``id``, ``date``, ``ocid`` and those fields). Raises
    :class:`~greenprocure.errors.ValidationError` when a release has no string ``date`` (the
    merge order is undefined then).
    """
    if rules is None:
        rules = MergeRules.default()
    if len(releases) == 1:
        ordered: Sequence[Mapping[str, Any]] = releases
    else:
        ordered = sorted(releases, key=_release_date)
    merger = _Merger()
    tree = rules.indicator_tree if indicator_fields_only else rules.tree
    compiled: dict[str, Any] = {"tag": ["compiled"]}
    for release in ordered:
        ocid = release.get("ocid")
        date = release.get("date")
        compiled["id"] = f"{ocid}-{date}"
        compiled["date"] = date
        compiled["ocid"] = ocid
        merger.merge_object(compiled, release, tree)
    return compiled


def compile_releases_reference(
    releases: Sequence[Mapping[str, Any]], schema: str | Path
) -> dict[str, Any]:
    """The compiled release by ``ocdsmerge`` with the local release ``schema`` (the reference)."""
    merger = _reference_merger(str(schema))
    result: dict[str, Any] = merger.create_compiled_release([dict(r) for r in releases])
    return result


@cache
def _reference_merger(schema: str) -> Any:
    import ocdsmerge

    return ocdsmerge.Merger(schema=schema)


def _is_versioned_history(value: Any) -> bool:
    if type(value) is not list or not value:
        return False
    for item in value:
        if type(item) is not dict or not _VERSIONED_KEYS.issuperset(item) or "value" not in item:
            return False
    return True


def unversion(versioned: Any) -> Any:
    """The compiled form of a versioned release: each field's history replaced by its last value."""
    if type(versioned) is dict:
        result: dict[str, Any] = {}
        for key, value in versioned.items():
            if _is_versioned_history(value):
                last = value[-1]["value"]
                if last is not None:
                    result[key] = last
            else:
                result[key] = unversion(value)
        return result
    if type(versioned) is list:
        return [unversion(item) for item in versioned]
    return versioned

"""The fast compile path equals ocdsmerge (the reference) on all real OCDS data."""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from greenprocure.errors import ValidationError
from greenprocure.monitoring import Document, compile_releases, iter_documents, lot_rows
from greenprocure.monitoring.compile import (
    INDICATOR_FIELDS,
    compile_releases_reference,
    unversion,
)
from greenprocure.monitoring.lots import compiled_documents


def _projected(data: Any, spec: Any) -> Any:
    """``data`` restricted to the fields of ``spec`` (as INDICATOR_FIELDS describes them)."""
    if spec is True:
        return data
    if isinstance(data, list):
        return [_projected(item, spec) for item in data]
    if isinstance(data, dict):
        out = {key: _projected(data[key], spec[key]) for key in spec if key in data}
        return {key: value for key, value in out.items() if value not in ({}, [])}
    return data


def _groups(shared_data: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(shared_data.rglob("*.json")):
        if "schema" in path.name or "extensions" in path.parts or "codelists" in path.parts:
            continue
        for item in iter_documents(path):
            if isinstance(item, Document) and item.kind == "release":
                groups[(str(path), item.ocid)].append(item.data)
    return groups


def test_fast_compile_equals_ocdsmerge_on_all_real_data(shared_data: Path) -> None:
    schema = shared_data / "ocds/eforms-profile/release-schema.json"
    groups = _groups(shared_data)
    assert len(groups) >= 100
    multi = 0
    for key, releases in groups.items():
        fast = compile_releases(copy.deepcopy(releases))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = compile_releases_reference(copy.deepcopy(releases), schema)
        assert fast == reference, key
        # The specialised path: only the fields the indicators read, equal to ocdsmerge's.
        only = compile_releases(copy.deepcopy(releases), indicator_fields_only=True)
        for field in ("tag", "id", "date", "ocid"):
            assert only[field] == reference[field], (key, field)
        body = {k: v for k, v in only.items() if k not in ("tag", "id", "date")}
        assert body == _projected(reference, INDICATOR_FIELDS), key
        multi += len(releases) > 1
    assert multi >= 5


def test_merge_rules_by_hand(shared_data: Path) -> None:
    first = {
        "ocid": "ocds-x-1",
        "id": "1",
        "date": "2020-01-01T00:00:00Z",
        "tag": ["tender"],
        "tender": {
            "title": "Buses",
            "lots": [{"id": "1", "title": "A"}, {"id": "2", "title": "B"}],
            "items": [{"id": "i", "classification": {"scheme": "CPV", "id": "34144910"}}],
            "submissionMethod": ["electronicSubmission"],
        },
    }
    second = {
        "ocid": "ocds-x-1",
        "id": "2",
        "date": "2020-02-01T00:00:00Z",
        "tag": ["award"],
        "tender": {
            "title": None,
            "lots": [{"id": "2", "status": "complete"}, {"id": "3", "title": "C"}],
            "items": [],
        },
        "awards": [{"id": "a", "relatedLots": ["2"], "value": {"amount": 5, "currency": "EUR"}}],
    }
    # Given in the wrong order on purpose: releases are sorted by date.
    compiled = compile_releases([second, first])
    assert compiled["id"] == "ocds-x-1-2020-02-01T00:00:00Z"
    assert compiled["tag"] == ["compiled"]
    assert "title" not in compiled["tender"]  # null removes a value
    assert compiled["tender"]["lots"] == [
        {"id": "1", "title": "A"},
        {"id": "2", "title": "B", "status": "complete"},
        {"id": "3", "title": "C"},
    ]
    assert len(compiled["tender"]["items"]) == 1  # an empty array changes nothing
    assert compiled["awards"][0]["relatedLots"] == ["2"]
    schema = shared_data / "ocds/eforms-profile/release-schema.json"
    assert compiled == compile_releases_reference([second, first], schema)


def test_release_without_date_cannot_be_compiled() -> None:
    with pytest.raises(ValidationError):
        compile_releases([{"ocid": "o", "id": "1"}, {"ocid": "o", "id": "2", "date": "2020"}])


def test_unversion_takes_last_value() -> None:
    versioned = {
        "ocid": "o",
        "tender": {
            "status": [
                {
                    "releaseID": "1",
                    "releaseDate": "d1",
                    "releaseTag": ["tender"],
                    "value": "active",
                },
                {
                    "releaseID": "2",
                    "releaseDate": "d2",
                    "releaseTag": ["award"],
                    "value": "complete",
                },
            ]
        },
    }
    assert unversion(versioned) == {"ocid": "o", "tender": {"status": "complete"}}


def _write_shuffled(path: Path, count: int) -> None:
    import orjson

    lines = []
    for step in range(3):
        for n in range(count):
            release = {
                "ocid": f"ocds-s-{n:05d}",
                "id": f"{n}-{step}",
                "date": f"2021-0{step + 1}-01T00:00:00Z",
                "tag": ["tender"],
                "tender": {"id": "t", "value": {"amount": float(n), "currency": "EUR"}},
            }
            if step == 2:
                release["awards"] = [{"id": "a", "value": {"amount": 1.0, "currency": "EUR"}}]
            lines.append(orjson.dumps(release))
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_spill_grouping_gives_the_same_compiled_releases(tmp_path: Path) -> None:
    path = tmp_path / "shuffled.jsonl"
    _write_shuffled(path, 400)
    in_memory = {
        d.ocid: d.data
        for d in compiled_documents(iter_documents(path), memory_budget=10_000)
        if isinstance(d, Document)
    }
    spilled = {
        d.ocid: d.data
        for d in compiled_documents(iter_documents(path), memory_budget=50)
        if isinstance(d, Document)
    }
    assert len(in_memory) == 400
    assert spilled == in_memory
    assert in_memory["ocds-s-00007"]["awards"][0]["value"]["amount"] == 1.0


def test_large_releases_give_up_memory_before_the_count_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the byte budget (96 MB of the file; lowered here) the releases are spilled even
    under the count budget, with the same compiled releases as in memory (20,000 releases
    of 40 KB held 896 MiB)."""
    import greenprocure.monitoring.lots as lots_module

    path = tmp_path / "shuffled.jsonl"
    _write_shuffled(path, 400)
    expected = [r for r in lot_rows(path) if not hasattr(r, "reason")]
    spills: list[int] = []
    original = lots_module._Spill.__init__

    def counted(self: object, *args: object, **kwargs: object) -> None:
        spills.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lots_module, "_BYTE_BUDGET", 10_000)
    monkeypatch.setattr(lots_module._Spill, "__init__", counted)
    rows = [r for r in lot_rows(path) if not hasattr(r, "reason")]
    assert spills  # memory was given up, though 1,200 releases are under the count budget
    key = lambda row: (row["ocid"], row["lot_id"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(expected, key=key)


def test_lot_rows_group_releases_spread_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "shuffled.jsonl"
    _write_shuffled(path, 30)
    rows = [r for r in lot_rows(path, memory_budget=20) if not hasattr(r, "reason")]
    assert len(rows) == 30
    assert all(r["awarded_value"] == 1.0 for r in rows)  # type: ignore[index]


def _write_sorted(path: Path, count: int, late: bool = False) -> None:
    import orjson

    lines = []
    for n in range(count):
        for step in range(3):
            lines.append(
                orjson.dumps(
                    {
                        "ocid": f"ocds-g-{n:05d}",
                        "id": f"{n}-{step}",
                        "date": f"2021-0{step + 1}-01T00:00:00Z",
                        "tag": ["tender"],
                        "tender": {"id": "t", "title": f"step {step}"},
                    }
                )
            )
    if late:
        lines.append(
            orjson.dumps({"ocid": "ocds-g-00001", "id": "late", "date": "2021-09-01T00:00:00Z"})
        )
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_sorted_input_streams_beyond_the_budget(tmp_path: Path) -> None:
    path = tmp_path / "sorted.jsonl"
    _write_sorted(path, 200)
    in_memory = list(compiled_documents(iter_documents(path), memory_budget=10_000))
    streamed = list(compiled_documents(iter_documents(path), memory_budget=30))
    assert [d.data for d in streamed if isinstance(d, Document)] == [
        d.data for d in in_memory if isinstance(d, Document)
    ]
    assert len(streamed) == 200


def test_late_release_in_streamed_input_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "late.jsonl"
    _write_sorted(path, 50, late=True)
    items = list(compiled_documents(iter_documents(path), memory_budget=30))
    errors = [i for i in items if not isinstance(i, Document)]
    assert len(errors) == 1
    assert errors[0].ocid == "ocds-g-00001"
    assert "sort the input" in errors[0].reason
    assert sum(isinstance(i, Document) for i in items) == 50


def test_spill_keeps_integers_beyond_64_bits(tmp_path: Path) -> None:
    import json

    releases = [
        {
            "ocid": f"ocds-l-{n % 7}",
            "id": str(n),
            "date": f"2020-01-{n % 28 + 1:02d}",
            "tender": {"value": {"amount": 10**30 if n == 3 else n, "currency": "EUR"}},
        }
        for n in range(30)
    ]
    path = tmp_path / "big.json"  # one document: ijson keeps big integers exact
    path.write_text(json.dumps({"releases": releases}, indent=1))
    docs = list(compiled_documents(iter_documents(path), memory_budget=5))
    assert len(docs) == 7
    assert all(isinstance(d, Document) for d in docs)

"""On Spark too, damaged compressed input, and a file that is not JSON at all, is a file
that cannot be read: named in the failures, nothing of it stored, the run goes on with the
next file."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from greenprocure.monitoring.synth import generate

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.xdist_group("spark")]


def test_damaged_gz_and_zip_fail_and_the_run_goes_on(spark: Any, tmp_path: Path) -> None:
    from greenprocure.monitoring.engines import spark_engine

    lines = tmp_path / "p.jsonl"
    generate(60, lines, seed=33, workers=1, package_size=5)
    packed = gzip.compress(lines.read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    not_zip = tmp_path / "corrupt.zip"
    not_zip.write_bytes(b"x\n")
    notes = tmp_path / "notes.json"
    notes.write_text("notes, not JSON\n")
    good = tmp_path / "good.jsonl"
    generate(30, good, seed=34, workers=1)
    store = tmp_path / "store"
    notes_copy = tmp_path / "notes-copy.json"
    notes_copy.write_text(notes.read_text())
    summary = spark_engine.ingest([cut, not_zip, notes, good, notes_copy], store)
    # the copy of a file that fails fails with it (not "already in the store")
    assert set(summary.files_failed) == {str(cut), str(not_zip), str(notes), str(notes_copy)}
    assert summary.files_skipped == ()
    assert summary.files_ingested == (str(good),)
    reasons = dict(summary.failures)
    assert "cut short after" in reasons[str(cut)]
    assert "File is not a zip file" in reasons[str(not_zip)]
    assert "not JSON" in reasons[str(notes)]
    # nothing of the failed files is left: one file's rows and manifest
    assert len(list((store / "lots").iterdir())) == 1
    assert len(list((store / "files").glob("*.json"))) == 1


def test_a_file_that_cannot_be_read_is_told_in_the_runs_language_and_logged_in_english(
    spark: Any, tmp_path: Path
) -> None:
    """Spark's workers have a language of their own: the summary still gives the reason in
    the run's language, and the errors file in English with the location apart."""
    import orjson

    from greenprocure.i18n import use_language
    from greenprocure.monitoring.engines import spark_engine

    notes = tmp_path / "notes.json"
    notes.write_text("notes, not JSON\n")
    errors = tmp_path / "errors.jsonl"
    with use_language("ja"):
        summary = spark_engine.ingest([notes], tmp_path / "store", errors_file=errors)
    [(name, reason)] = summary.failures
    assert name == str(notes)
    assert "JSON ではありません" in reason
    [line] = [orjson.loads(text) for text in errors.read_bytes().splitlines()]
    assert line["file"] == str(notes)
    assert line["location"] == "character 0"
    assert line["reason"].startswith("not JSON: ")

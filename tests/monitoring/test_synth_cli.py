"""``greenprocure monitor synth`` writes the file it is asked for, and refuses bad options."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from greenprocure.cli.app import main


def test_synth_writes_release_packages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "packages.jsonl.gz"
    with pytest.raises(SystemExit) as done:
        main(["monitor", "synth", "--releases", "600", "--output", str(target), "--json"])
    assert done.value.code in (0, None)
    summary = orjson.loads(capsys.readouterr().out)
    assert summary["releases"] == 600
    assert summary["processes"] == 200
    with gzip.open(target, "rb") as handle:
        packages = [orjson.loads(line) for line in handle]
    assert sum(len(p["releases"]) for p in packages) == 600


def test_synth_compiled_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "compiled.jsonl"
    with pytest.raises(SystemExit):
        # (-o, as the other commands take it)
        main(["monitor", "synth", "--releases", "90", "-o", str(target),
              "--form", "compiled", "--lang", "ja"])  # fmt: skip
    assert len(target.read_bytes().splitlines()) == 30
    # a compiled release per process: the summary counts them, not the releases they merge
    # (the console wraps long lines: compared without white space)
    message = "".join(capsys.readouterr().err.split())
    assert "コンパイル済みリリース30件（リリース90件から作成）" in message


def test_synth_refuses_a_bad_share(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["monitor", "synth", "--releases", "10", "--output", str(tmp_path / "x.jsonl"),
              "--green-share", "2"])  # fmt: skip
    assert done.value.code == 2
    assert "--green-share" in capsys.readouterr().err  # the option, not the parameter
    assert not (tmp_path / "x.jsonl").exists()
    with pytest.raises(SystemExit) as done:
        main(["monitor", "synth", "--releases", "0", "--output", str(tmp_path / "x.jsonl")])
    assert done.value.code == 2
    assert "--releases must be at least 1, got 0" in capsys.readouterr().err

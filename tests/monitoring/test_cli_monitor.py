"""``greenprocure monitor``: ingest, indicators in every format, report, engine selection."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import orjson
import pytest
from typer.testing import CliRunner

from greenprocure.cli.app import build_app
from greenprocure.cli.examples import EXAMPLES
from greenprocure.i18n import use_language
from greenprocure.monitoring.synth import generate

SAMPLE = EXAMPLES / "monitoring"


def _run(*args: str, lang: str = "en") -> tuple[int, str]:
    with use_language(lang):
        result = CliRunner().invoke(build_app(), list(args), env={"COLUMNS": "240"})
    return result.exit_code, result.output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "m.duckdb"
    code, output = _run("monitor", "ingest", str(SAMPLE), "--store", str(path), "--json")
    assert code == 0, output
    summary = orjson.loads(output[output.index("{") :])
    assert len(summary["files_ingested"]) == 9
    assert summary["lot_rows"] >= 10
    return path


def test_a_store_in_another_currency_takes_more_files_without_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cny.duckdb"
    files = sorted(p for p in (SAMPLE / "eforms").glob("*.xml"))
    code, output = _run(
        "monitor", "ingest", str(files[0]), "--store", str(path), "--currency", "cny"
    )
    assert code == 0, output
    # the second run takes the store's currency (it was refused as EUR)
    code, output = _run("monitor", "ingest", *map(str, files[1:]), "--store", str(path))
    assert code == 0, output
    code, output = _run("monitor", "indicators", "--store", str(path), "--format", "json")
    assert code == 0, output
    result = orjson.loads(output[output.index("{") :])
    assert result["reporting_currency"] == "CNY"
    assert result["files"] == len(files)
    code, output = _run(
        "monitor", "ingest", str(files[0]), "--store", str(path), "--currency", "USD"
    )
    assert code == 2
    assert "holds values in CNY" in " ".join(output.split())


def test_ingest_again_adds_nothing(store: Path) -> None:
    code, output = _run(
        "monitor", "ingest", str(SAMPLE / "eforms" / "*.xml"), "--store", str(store)
    )
    assert code == 0, output
    assert "Files already in the store" in output


def test_indicators_json(store: Path) -> None:
    code, output = _run(
        "monitor", "indicators", "--store", str(store), "--by", "country", "--format", "json"
    )
    assert code == 0, output
    data = orjson.loads(output[output.index("{") :])
    rows = {r["country"]: r for r in data["indicators"]["green_share"]["rows"]}
    assert data["by"] == ["country"]
    assert rows["LU"]["green_lots"] == rows["LU"]["lots"] > 0  # the SDK examples are green
    assert rows["DE"]["green_lots"] == 0  # furniture notice, strategic procurement none
    assert data["totals"]["green_share"]["rows"][0]["green_lots"] >= 5
    assert data["engine"] == "duckdb"


def test_indicators_csv_and_parquet(store: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        folder = tmp_path / fmt
        code, output = _run(
            "monitor", "indicators", "--store", str(store), "--by", "year",
            "--format", fmt, "--output", str(folder),
        )  # fmt: skip
        assert code == 0, output
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(
            f"{n}.{fmt}"
            for n in (
                "green_share", "goals", "strategies",
                "green_share_total", "goals_total", "strategies_total",
            )
        )  # fmt: skip
    with (tmp_path / "csv" / "green_share_total.csv").open(encoding="utf-8") as handle:
        (total,) = list(csv.DictReader(handle))
    parquet = tmp_path / "parquet" / "green_share_total.parquet"
    rows = duckdb.sql(f"SELECT lots, green_lots FROM '{parquet}'").fetchall()
    assert rows[0] == (int(total["lots"]), int(total["green_lots"]))


def test_csv_to_stdout_and_table(store: Path) -> None:
    code, output = _run("monitor", "indicators", "--store", str(store), "--format", "csv")
    assert code == 0, output
    assert output.splitlines()[0].startswith("lots,green_lots,green_share_count")
    code, output = _run("monitor", "indicators", "--store", str(store), "--by", "cpv2")
    assert code == 0, output
    assert "CPV division" in output
    assert "Lots per environmental goal" in output


def test_report_in_korean(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, output = _run(
        "monitor",
        "report",
        "--store",
        str(store),
        "--output",
        str(target),
        "--by",
        "country",
        lang="ko",
    )
    assert code == 0, output
    html = target.read_text(encoding="utf-8")
    assert "녹색공공조달 모니터링" in html  # the report's title in Korean
    assert "레코드 오류: 0" in html  # "record errors", as the CLI says it
    assert '<html lang="ko"' in html
    assert html.count("<svg") >= 3
    assert "<script" not in html
    assert "http://" not in html.split("<svg", 1)[0]


def test_fast_path_from_compiled_files(tmp_path: Path) -> None:
    compiled = tmp_path / "c.jsonl.gz"  # gzip is read as is
    made = generate(300, compiled, form="compiled", seed=5, workers=1)
    code, output = _run("monitor", "indicators", "--compiled", str(compiled), "--format", "json")
    assert code == 0, output
    data = orjson.loads(output[output.index("{") :])
    assert data["totals"]["green_share"]["rows"][0]["green_lots"] == made.green_lots


def test_fast_path_goes_on_past_a_malformed_line_and_says_so(tmp_path: Path) -> None:
    compiled = tmp_path / "c.jsonl"
    made = generate(50, compiled, form="compiled", seed=5, workers=1)
    with compiled.open("ab") as handle:
        handle.write(b'{"ocid": "cut off", "tender": \n')
    code, output = _run("monitor", "indicators", "--compiled", str(compiled), "--format", "json")
    assert code == 0, output
    data = orjson.loads(output[output.index("{") :])
    assert data["totals"]["green_share"]["rows"][0]["green_lots"] == made.green_lots
    assert data["errors"] == 1
    (warning,) = data["warnings"]
    assert str(compiled) in warning
    code, output = _run("monitor", "indicators", "--compiled", str(compiled), lang="ko")
    assert code == 0, output
    assert "관대한 방식으로 다시 읽었으며" in " ".join(output.split())


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _run("monitor", "indicators", "--store", str(tmp_path / "none.duckdb"))
    assert code == 1
    assert "no monitoring store" in output
    code, output = _run("monitor", "indicators", "--by", "planet", "--store", str(tmp_path))
    assert code == 2
    assert "unknown group-by key planet" in output
    code, output = _run("monitor", "ingest", str(tmp_path / "missing.json"))
    assert code == 2
    assert "no such file or folder" in output
    empty = tmp_path / "nodata"
    empty.mkdir()
    (empty / "notes.txt").write_text("not data")
    code, output = _run("monitor", "ingest", str(empty), "--store", str(tmp_path / "e.duckdb"))
    assert code == 2
    assert "no data file in this folder" in output
    code, output = _run("monitor", "indicators", "--format", "parquet", "--compiled", "x.jsonl")
    assert code == 2
    # pretty-printed JSON is not JSON Lines: the error names the file DuckDB stopped at
    pretty = tmp_path / "pretty"
    pretty.mkdir()
    for n in range(5):
        (pretty / f"f{n}.json").write_text('{"ocid": "x",\n "tag": ["compiled"]}\n')
    code, output = _run("monitor", "indicators", "--compiled", str(pretty))
    assert code != 0
    flat = "".join(output.split())
    assert "f0.json" in flat
    assert "f3.json" not in flat


def test_options_that_cannot_work_are_refused_before_any_work(store: Path, tmp_path: Path) -> None:
    compiled = tmp_path / "c.jsonl"
    generate(30, compiled, form="compiled", seed=5, workers=1)
    code, output = _run(
        "monitor", "indicators", "--compiled", str(compiled), "--releases", str(compiled)
    )
    assert code == 2
    assert "use one of --store, --compiled and --releases" in " ".join(output.split())
    code, output = _run("monitor", "ingest", str(compiled), "--currency", "XYZ")
    assert code == 2
    assert "unknown reporting currency XYZ: use one of" in " ".join(output.split())
    assert "EUR" in " ".join(output.split())
    # the store holds euros: another currency is refused, not silently ignored
    code, output = _run("monitor", "indicators", "--store", str(store), "--currency", "JPY")
    assert code != 0
    assert "holds values in EUR: its indicators are in EUR, not JPY" in " ".join(output.split())
    code, output = _run("monitor", "indicators", "--store", str(store), "--currency", "eur")
    assert code == 0, output
    code, output = _run("monitor", "indicators", "--store", str(store), "-o", str(tmp_path / "t"))
    assert code == 2
    assert "--output needs --format json, csv or parquet" in " ".join(output.split())
    afile = tmp_path / "afile"
    afile.write_text("keep")
    code, output = _run(
        "monitor", "indicators", "--store", str(store), "--format", "csv", "-o", str(afile)
    )
    assert code == 2
    assert "is a file" in " ".join(output.split())
    assert afile.read_text() == "keep"
    code, output = _run("monitor", "report", "--help")
    assert "--lang" in " ".join(output.split())


def test_spark_engine_without_pyspark_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from greenprocure.errors import ConfigurationError
    from greenprocure.monitoring.engines import load_engine

    monkeypatch.delitem(sys.modules, "greenprocure.monitoring.engines.spark_engine", raising=False)
    # pyspark absent: its package and the modules that an earlier test may have imported
    for name in ("pyspark", "pyspark.sql", "pyspark.sql.types"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ConfigurationError, match=r"pip install 'greenprocure\[spark\]'"):
        load_engine("spark")
    code, output = _run("monitor", "indicators", "--engine", "spark")
    assert code == 1
    assert "pyspark" in output


def test_whole_pipeline_from_release_packages(tmp_path: Path) -> None:
    packages = tmp_path / "p.jsonl"
    made = generate(300, packages, seed=6, workers=1)
    code, output = _run("monitor", "indicators", "--releases", str(packages), "--format", "json")
    assert code == 0, output
    data = orjson.loads(output[output.index("{") :])
    assert data["totals"]["green_share"]["rows"][0]["lots"] == made.lots
    assert data["totals"]["green_share"]["rows"][0]["green_lots"] == made.green_lots


def _polish_package(path: Path) -> str:
    """A release package in ISO-8859-2 whose buyer's name has Polish letters."""
    name = "Urząd Miasta Łódź"
    release = {
        "ocid": "ocds-pl-1",
        "id": "1",
        "date": "2024-03-01T00:00:00Z",
        "tag": ["tender"],
        "buyer": {"id": "PL-1", "name": name},
        "parties": [{"id": "PL-1", "name": name, "roles": ["buyer"], "address": {"country": "PL"}}],
        "tender": {"id": "t-1", "value": {"amount": 1000.0, "currency": "EUR"}},
    }
    text = orjson.dumps({"releases": [release]}, option=orjson.OPT_INDENT_2).decode()
    path.write_bytes(text.encode("iso-8859-2"))
    return name


def _buyer_names(store: Path) -> list[str]:
    from greenprocure.monitoring.engines import duckdb_engine

    table = duckdb_engine.compute_indicators(store, ["buyer"]).tables["green_share"]
    return [row["buyer_name"] for row in table.records()]


def test_declared_encoding_on_ingest(tmp_path: Path) -> None:
    package = tmp_path / "pl.json"
    name = _polish_package(package)
    declared = tmp_path / "declared.duckdb"
    code, output = _run(
        "monitor", "ingest", str(package), "--store", str(declared), "--encoding", "ISO-8859-2"
    )
    assert code == 0, output
    assert _buyer_names(declared) == [name]
    # not declared: the bytes are not UTF-8, so the file is read as Windows-1252
    detected = tmp_path / "detected.duckdb"
    code, output = _run("monitor", "ingest", str(package), "--store", str(detected))
    assert code == 0, output
    assert _buyer_names(detected) == [name.encode("iso-8859-2").decode("cp1252")]


def test_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    package = tmp_path / "pl.json"
    _polish_package(package)
    store = tmp_path / "m.duckdb"
    code, output = _run(
        "monitor", "ingest", str(package), "--store", str(store), "--encoding", "klingon"
    )
    assert code == 2  # bad input
    assert "encoding: unknown text encoding: klingon" in output
    code, output = _run(
        "monitor", "ingest", str(package), "--store", str(store), "--encoding", "klingon",
        lang="ja",
    )  # fmt: skip
    assert "--encoding：不明な文字エンコーディング：klingon" in output


def test_terminal_tables_name_goals_and_strategies(store: Path) -> None:
    """Codes stay in the data; the terminal shows their names, in the user's language."""
    code, output = _run("monitor", "indicators", "--store", str(store))
    assert code == 0, output
    assert "Climate change mitigation" in output
    assert "environmental.climateChangeMitigation" not in output
    code, output = _run("monitor", "indicators", "--store", str(store), lang="zh_Hans")
    assert code == 0, output
    with use_language("zh_Hans"):
        from greenprocure.monitoring.labels import goal_label

        name = goal_label("environmental.climateChangeMitigation")
    assert name != "Climate change mitigation"
    assert name in output


def test_ingest_shows_the_first_record_errors(tmp_path: Path) -> None:
    releases = [
        {"ocid": f"ocds-x-{n}", "id": f"r{n}", "date": "2021-13-45", "tag": ["tender"]}
        for n in range(7)
    ]
    source = tmp_path / "bad-dates.json"
    source.write_bytes(orjson.dumps({"uri": "u", "releases": releases}))
    code, output = _run(
        "monitor", "ingest", str(source), "--store", str(tmp_path / "m.duckdb"), lang="ja"
    )
    text = "".join(output.split())
    assert code == 0
    # five shown, with the file, the place and the process, and how many more the file has
    assert text.count("bad-dates.json·") == 5
    assert "ocds-x-0" in text
    # the reason in the run's language ("field date: not a date: '2021-13-45'")
    assert "フィールドdate：日付ではありません：'2021-13-45'" in text
    assert "エラーファイルにはさらに2件のレコードエラーがあります" in text


def test_csv_with_a_byte_order_mark_for_excel(store: Path, tmp_path: Path) -> None:
    folders = {bom: tmp_path / f"csv-{bom}" for bom in (False, True)}
    for bom, folder in folders.items():
        args = ["monitor", "indicators", "--store", str(store), "--by", "country"]
        code, output = _run(*args, "--format", "csv", "-o", str(folder), *(["--bom"] * bom))
        assert code == 0, output
    plain = (folders[False] / "green_share.csv").read_bytes()
    marked = (folders[True] / "green_share.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert marked == b"\xef\xbb\xbf" + plain  # the mark, then the same bytes
    code, output = _run("monitor", "indicators", "--store", str(store), "--format", "csv", "--bom")
    assert code == 0, output
    assert output.startswith("\ufefflots,green_lots")
    code, output = _run("monitor", "indicators", "--store", str(store), "--bom")
    assert code == 2
    assert "--bom is for --format csv" in " ".join(output.split())


def test_error_lines_use_the_languages_colon(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")
    expected = {
        "ja": "エラー：ファイル",
        "zh_Hans": "错误：文件",
        "ko": "오류: 파일",
        "en": "Error: file",
    }
    for lang, start in expected.items():
        code, output = _run("monitor", "indicators", "--releases", missing, lang=lang)
        assert code == 2
        assert output.startswith(start), (lang, output)
        assert ("：" in output) == (lang in ("ja", "zh_Hans"))
    args = ("monitor", "indicators", "--by", "planet", "--store", str(tmp_path))
    code, output = _run(*args, lang="ja")
    assert code == 2
    assert "".join(output.split()).startswith("エラー：--by：")


def test_csv_on_stdout_is_utf8_whatever_the_terminal(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redirect on Windows has a legacy code page: the CSV is UTF-8 all the same."""
    import io

    from greenprocure.cli.monitor import _csv_to_stdout
    from greenprocure.monitoring.engines.duckdb_engine import compute_indicators

    result = compute_indicators(store, ("country",))
    raw = io.BytesIO()
    legacy = io.TextIOWrapper(raw, encoding="cp932", newline="")
    monkeypatch.setattr("sys.stdout", legacy)
    _csv_to_stdout(result, bom=True)
    legacy.flush()
    data = raw.getvalue()
    assert data.startswith(b"\xef\xbb\xbfcountry,lots,green_lots")
    data.decode("utf-8")  # the whole output is UTF-8


def test_failed_files_are_listed_once_with_the_languages_colon(tmp_path: Path) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text("notes, not JSON\n")
    code, output = _run("monitor", "ingest", str(notes), "--store", str(tmp_path / "s.duckdb"))
    assert code == 3, output  # some files could not be read
    flat = "".join(output.split())
    assert flat.count("notes.json") == 1  # not again as a record error, nor as "file ..."
    assert "notJSON" in flat
    code, output = _run(
        "monitor", "ingest", str(notes), "--store", str(tmp_path / "j.duckdb"), lang="ja"
    )
    assert "notes.json：" in "".join(output.split())
    # with a good file beside it: the good one is stored, the code still says a file failed
    good = SAMPLE / "eforms"
    store = tmp_path / "g.duckdb"
    code, output = _run("monitor", "ingest", str(good), str(notes), "--store", str(store), "--json")
    assert code == 3, output
    summary = orjson.loads(output[output.index("{") :])
    assert summary["files_failed"] == [str(notes)]
    assert summary["files_ingested"]
    # record errors inside files that were read are no failure: code 0
    broken = tmp_path / "lines.jsonl"
    broken.write_text('{"ocid": "ocds-x-1", "tag": ["compiled"]}\nnot JSON\n')
    code, output = _run("monitor", "ingest", str(broken), "--store", str(store))
    assert code == 0, output


def test_an_error_naming_a_path_with_brackets_is_shown_as_it_is(tmp_path: Path) -> None:
    odd = tmp_path / "[bold]a[/x].json"
    code, output = _run("monitor", "indicators", "--releases", str(odd))
    assert code == 2
    assert "[bold]a[/x].json" in "".join(output.split())


def test_lots_with_amounts_not_converted_are_counted_on_screen(tmp_path: Path) -> None:
    """An amount in a currency without a reference rate (PYG) is said, in every language,
    with the count of such lots; the table's values leave it out."""
    compiled = tmp_path / "c.jsonl"
    release = {
        "ocid": "ocds-t-1",
        "id": "1",
        "date": "2022-05-01T00:00:00Z",
        "tag": ["compiled"],
        "buyer": {"id": "B1", "address": {"country": "PY"}},
        "awards": [{"id": "A", "value": {"amount": 1000.0, "currency": "PYG"}}],
    }
    second = {**release, "ocid": "ocds-t-2", "awards": [{"id": "A", "value": {"amount": 5.0}}]}
    third = {**release, "ocid": "ocds-t-3"}
    third["awards"] = [{"id": "A", "value": {"amount": 5.0, "currency": "EUR"}}]
    compiled.write_bytes(b"\n".join(orjson.dumps(r) for r in (release, second, third)))
    code, output = _run("monitor", "indicators", "--compiled", str(compiled))
    assert code == 0, output
    text = " ".join(output.split())
    assert "Lots with an amount not converted to EUR" in text
    assert "for the year): 2." in text
    code, output = _run("monitor", "indicators", "--compiled", str(compiled), lang="ja")
    assert code == 0, output
    assert "換算できなかった金額のあるロット" in "".join(output.split())
    code, output = _run("monitor", "indicators", "--compiled", str(compiled), "--format", "json")
    data = orjson.loads(output[output.index("{") :])
    total = data["totals"]["green_share"]["rows"][0]
    assert (total["lots"], total["lots_unconverted"], total["awarded_value"]) == (3, 2, 5.0)
    store, target = tmp_path / "m.duckdb", tmp_path / "report.html"
    code, output = _run("monitor", "ingest", str(compiled), "--store", str(store))
    assert code == 0, output
    code, output = _run(
        "monitor", "report", "--store", str(store), "--output", str(target), lang="zh"
    )
    assert code == 0, output
    assert "金额未能换算为 EUR 的标段" in target.read_text(encoding="utf-8")


def test_the_progress_bar_keeps_the_language_of_the_run_in_rich_s_thread() -> None:
    import threading

    from rich.progress import Progress

    from greenprocure.cli.monitor import _RecordsPerSecond

    with use_language("ko"):
        column = _RecordsPerSecond()
    progress = Progress(column)
    task = progress.add_task("x", total=10, records=0)
    rendered: list[str] = []
    # rich redraws from a thread of its own, where the run's language is not in force
    worker = threading.Thread(
        target=lambda: rendered.append(column.render(progress.tasks[task]).plain)
    )
    worker.start()
    worker.join()
    assert rendered == ["초당 0건"]


def _bad_file(path: Path, ocid: str) -> Path:
    good = {"ocid": ocid, "id": "1", "date": "2024-01-01", "tag": ["compiled"], "tender": {}}
    path.write_bytes(orjson.dumps(good) + b"\n{not json\n" + b'"a string"\n')
    return path


def test_errors_lists_the_record_errors_of_every_run(tmp_path: Path) -> None:
    store = tmp_path / "m.duckdb"
    first = _bad_file(tmp_path / "a.jsonl", "o-a")
    second = _bad_file(tmp_path / "b.jsonl", "o-b")
    for path in (first, second):
        code, output = _run("monitor", "ingest", str(path), "--store", str(store))
        assert code == 0, output
    # the errors file is the last run's; the store keeps both runs' errors
    errors_file = Path(f"{store}.errors.jsonl")
    assert {orjson.loads(line)["file"] for line in errors_file.read_bytes().splitlines()} == {
        str(second)
    }
    listed = tmp_path / "all-errors.jsonl"
    code, output = _run("monitor", "errors", "--store", str(store), "--output", str(listed))
    assert code == 0, output
    entries = [orjson.loads(line) for line in listed.read_bytes().splitlines()]
    assert [(e["file"], e["location"]) for e in entries] == [
        (str(first), "line 2"),
        (str(first), "line 3"),
        (str(second), "line 2"),
        (str(second), "line 3"),
    ]
    assert set(entries[0]) == {"file", "location", "ocid", "reason"}
    assert "Record errors in the store: 4" in output
    # the same count as the store's summary
    code, output = _run("monitor", "indicators", "--store", str(store), "--format", "json")
    assert orjson.loads(output[output.index("{") :])["errors"] == 4
    code, output = _run("monitor", "errors", "--store", str(store), lang="ja")
    assert "ストア内のレコードエラー：4" in output


def test_an_unknown_group_key_is_said_so_in_the_table() -> None:
    from greenprocure.cli.monitor import _cell

    with use_language("ko"):
        assert _cell("country", None, "EUR") == "알 수 없음"
        assert _cell("awarded_value", None, "EUR") == ""  # no value: blank
    with use_language("en"):
        assert _cell("buyer_id", None, "EUR") == "unknown"


def test_record_errors_on_screen_are_in_the_run_language(tmp_path: Path) -> None:
    """The errors file is English; the first record errors shown after an ingest say their
    reasons in the run's language."""
    bad = _bad_file(tmp_path / "a.jsonl", "o-a")
    store = tmp_path / "m.duckdb"
    code, output = _run("monitor", "ingest", str(bad), "--store", str(store), lang="zh")
    assert code == 0, output
    flat = "".join(output.split())
    assert "JSON格式错误：" in flat  # "malformed JSON: ..." of line 2
    assert "不是JSON对象" in flat  # "not a JSON object" of line 3
    lines = Path(f"{store}.errors.jsonl").read_bytes().splitlines()
    assert orjson.loads(lines[0])["reason"].startswith("malformed JSON: ")

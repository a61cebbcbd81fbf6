"""``greenprocure factors`` in English and Japanese/Chinese, tables and JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from greenprocure.cli.app import build_app
from greenprocure.i18n import use_language

runner = CliRunner()


def _run(*args: str, lang: str = "en") -> tuple[int, str]:
    with use_language(lang):
        app = build_app()
        result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_list_shows_every_dataset() -> None:
    code, out = _run("factors", "list")
    assert code == 0
    for name in ("refrigerants", "grid", "fuels", "cvd", "carbon_prices", "fx"):
        assert name in out


def test_list_json_is_deterministic() -> None:
    first = _run("factors", "list", "--json")[1]
    second = _run("factors", "list", "--json")[1]
    assert first == second
    names = [d["name"] for d in json.loads(first)]
    assert names == sorted(names)


def test_list_one_dataset_names_sources() -> None:
    code, out = _run("factors", "list", "cvd")
    assert code == 0
    assert "lifetime_mileage" in out
    assert "eur-lex.europa.eu" in out


def test_show_with_filters_json() -> None:
    code, out = _run(
        "factors", "show", "grid/grid", "region=CN", "basis=location", "--year", "2022", "--json"
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["value"] for r in rows] == [0.5366]
    assert rows[0]["source"]["publisher"].startswith("Ministry of Ecology")
    assert rows[0]["dataset"] == {"name": "grid", "version": "1.1.0"}


def test_show_bad_filter_is_a_clear_error() -> None:
    code, out = _run("factors", "show", "grid/grid", "colour=red")
    assert code != 0
    assert "no column colour" in out


def test_search_finds_computed_blends() -> None:
    code, out = _run("factors", "search", "R-410A", "--json")
    assert code == 0
    rows = json.loads(out)
    gwps = {r["key"]["basis"]: r["value"] for r in rows if r["table"] == "gwp"}
    assert gwps["AR4"] == 2087.5


def test_japanese_headers_and_help() -> None:
    code, out = _run("factors", "show", "cvd/lifetime_mileage", "category=M1", lang="ja")
    assert code == 0
    assert "値" in out
    assert "200,000" in out
    code, out = _run("factors", "--help", lang="zh")
    assert code == 0
    assert "参考数据" in out or "引用" in out


def test_error_is_translated() -> None:
    code, out = _run("factors", "show", "grid/grid", "region=XX", lang="ko")
    assert code != 0
    assert "grid/grid" in out


def test_a_malformed_filter_is_bad_input() -> None:
    code, out = _run("factors", "show", "grid/grid", "regionCN")
    assert code == 2
    assert "filter regionCN is not of the form column=value" in " ".join(out.split())


def test_dataset_and_table_titles_are_translated() -> None:
    from greenprocure.i18n import catalog
    from greenprocure.reference.library import ReferenceLibrary, available_datasets

    titles: set[str] = set()
    for name, versions in available_datasets().items():
        for version in versions:
            package = ReferenceLibrary(pins={name: version}).dataset(name)
            titles.add(package.title)
            titles.update(table.title for table in package.tables.values())
    assert len(titles) >= 20
    for lang in ("zh_Hans", "ko", "ja"):
        untranslated = [t for t in sorted(titles) if not catalog(lang).get(t)]
        assert untranslated == [], lang
    code, out = _run("factors", "list", lang="ja")
    assert code == 0
    assert "米ドルに対する年平均為替レート" in "".join(out.split())
    code, out = _run("factors", "list", "refrigerants", lang="zh_Hans")
    assert "混合制冷剂的质量组成" in "".join(out.split())
    # JSON keeps the data's own titles (English), whatever the language
    code, out = _run("factors", "list", "--json", lang="ja")
    assert code == 0
    listed = json.loads(out[out.index("[") :])
    assert {d["title"] for d in listed} <= titles

"""The command line: version, language selection, translated help, docs kept current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greenprocure import __version__
from greenprocure.cli.app import build_app, split_language
from greenprocure.cli.docs import render
from greenprocure.i18n import use_language

ROOT = Path(__file__).resolve().parents[1]


def test_version() -> None:
    result = CliRunner().invoke(build_app(), ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"greenprocure {__version__}"


def test_lang_is_taken_out_anywhere() -> None:
    assert split_language(["factors", "list", "--lang", "ko"]) == ("ko", ["factors", "list"])
    assert split_language(["--lang=ja", "factors"]) == ("ja", ["factors"])
    assert split_language(["factors", "--", "--lang", "x"]) == (
        None,
        ["factors", "--", "--lang", "x"],
    )


@pytest.mark.parametrize(
    ("lang", "expected", "usage"),
    [
        ("en", "Options", "Usage:"),
        ("zh", "选项", "用法："),
        ("ko", "옵션", "사용법:"),
        ("ja", "オプション", "使い方："),
    ],
)
def test_help_in_every_language(lang: str, expected: str, usage: str) -> None:
    with use_language(lang):
        result = CliRunner().invoke(build_app(), ["--help"])
        # the usage line of an error too
        wrong = CliRunner().invoke(build_app(), ["factors", "list", "--no-such-option"])
    assert result.exit_code == 0
    assert expected in result.output
    shown, refused = "".join(result.output.split()), "".join(wrong.output.split())
    assert f"{usage}greenprocure" in shown
    assert wrong.exit_code != 0
    assert f"{usage}greenprocurefactorslist" in refused
    if lang != "en":
        assert "Usage:" not in result.output + wrong.output


def test_environment_language_and_bad_lang_in_a_real_process() -> None:
    env = {"LANG": "ko_KR.UTF-8", "PATH": "/usr/bin:/bin"}
    ok = subprocess.run(
        [sys.executable, "-m", "greenprocure.cli.app", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0
    assert "옵션" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "greenprocure.cli.app", "--lang", "fr", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    # said in the environment's language
    assert bad.stderr.startswith("오류: ")
    assert "en, zh, ko, ja" in bad.stderr


def test_cli_reference_is_current() -> None:
    checked_in = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert checked_in == render(), "docs/cli.md is stale: run `make docs`"


@pytest.mark.parametrize(
    "command",
    [
        ["impact", "run", "{path}", "--country", "CN", "--year", "2022"],
        ["evaluate", "run", "{path}"],
    ],
)
def test_an_input_that_is_a_folder_is_a_clear_error(tmp_path: Path, command: list[str]) -> None:
    args = [str(tmp_path) if a == "{path}" else a for a in command]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    unwrapped = "".join(result.output.split())  # the console wraps long lines anywhere
    assert "cannotreadthefile" in unwrapped
    assert str(tmp_path) in unwrapped


def test_input_readers_name_the_file(tmp_path: Path) -> None:
    from greenprocure.cli.io import read_input, read_input_text
    from greenprocure.errors import InputError, ParseError

    with pytest.raises(InputError, match="file not found") as missing:
        read_input(tmp_path / "absent.csv")
    assert missing.value.file == str(tmp_path / "absent.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("é".encode("latin-1"))
    with pytest.raises(ParseError, match="not UTF-8") as caught:
        read_input_text(latin)
    assert caught.value.file == str(latin)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfa,b\n")
    assert read_input_text(bom) == "a,b\n"


def test_an_output_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    from greenprocure.cli.io import write_output
    from greenprocure.errors import InputError

    folder = tmp_path / "report.html"
    folder.mkdir()  # a folder where the file should go
    with pytest.raises(InputError, match="cannot write the file") as caught:
        write_output(folder, "<html></html>")
    assert caught.value.file == str(folder)
    assert caught.value.field == "output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left
    write_output(tmp_path / "sub" / "ok.html", "<p>ok</p>")
    assert (tmp_path / "sub" / "ok.html").read_text(encoding="utf-8") == "<p>ok</p>"


_RICH_UTILS_SCRIPT = """
import importlib, importlib.machinery, sys
seen = []
class Recorder:
    def find_spec(self, name, path, target=None):
        if name == "typer.rich_utils":
            seen.append(name)
            return importlib.machinery.PathFinder.find_spec(name, path, target)
        return None
class Delegating:
    # an import hook that asks the other finders in turn, skipping only itself
    def find_spec(self, name, path, target=None):
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    return spec
        return None
if sys.argv[1] == "hook":
    sys.meta_path.insert(0, Recorder())
elif sys.argv[1] == "reload":
    import typer.rich_utils  # loaded before install(): English
from greenprocure.cli import help_i18n
from greenprocure.i18n import set_language
set_language("ja")
help_i18n.install()
if sys.argv[1] == "twice":
    help_i18n = importlib.reload(help_i18n)  # a second watcher
    help_i18n.install()
    sys.meta_path.insert(1, Delegating())
import typer.rich_utils
if sys.argv[1] == "reload":
    importlib.reload(typer.rich_utils)
print(typer.rich_utils.OPTIONS_PANEL_TITLE, len(seen))
"""


@pytest.mark.parametrize(
    ("case", "expected"),
    [("hook", "オプション 1"), ("reload", "オプション 0"), ("twice", "オプション 0")],
)
def test_typer_panel_titles_through_import_hooks_and_reloads(case: str, expected: str) -> None:
    """Typer's panel titles are translated when another import hook finds its module (the
    hook is asked, not bypassed), when the module, loaded before, is reloaded, and when this
    module was loaded twice and a hook asks the other finders in turn (no endless search)."""
    result = subprocess.run(
        [sys.executable, "-c", _RICH_UTILS_SCRIPT, case],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("lang", ["zh_Hans", "ja"])
def test_help_in_chinese_and_japanese_wraps_instead_of_cutting_words(lang: str) -> None:
    # written without spaces, a sentence is one long word: it is broken at the column's end
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "80", "LANG": "C.UTF-8"}
    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "greenprocure.cli.app",
            "monitor",
            "synth",
            "--help",
            "--lang",
            lang,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert shown.returncode == 0
    assert "…" not in shown.stdout
    assert "--package-size" in shown.stdout


def test_a_path_the_system_refuses_is_a_named_error_not_a_traceback(tmp_path: Path) -> None:
    blocking = tmp_path / "a-file"
    blocking.write_text("x")
    with use_language("ja"):
        result = CliRunner().invoke(
            build_app(),
            ["monitor", "synth", "--releases", "10", "--output", str(blocking / "x.jsonl")],
        )
    assert result.exit_code == 2
    text = "".join(result.output.split())
    assert "Traceback" not in result.output
    assert "システムが拒否しました" in text
    assert str(blocking) in text


@pytest.mark.parametrize(
    ("args", "korean"),
    [
        (["monitor", "indicators", "--frob"], "그런옵션이없습니다:--frob"),
        (
            ["monitor", "indicators", "--format", "xml"],
            "'--format'의값이잘못되었습니다:'xml'은(는)",
        ),
        (
            ["monitor", "ingest", "--workers", "0", "x"],
            "'--workers'의값이잘못되었습니다:1이상이어야",
        ),
        (["monitor", "ingest"], "인수'paths'이(가)없습니다."),
        (["monitor", "synth", "--output", "x"], "옵션'--releases'이(가)없습니다."),
        (["monitor", "report", "a", "b"], "예상하지못한추가인수:ab"),
        (["bogus"], "그런명령이없습니다:'bogus'."),
        (["monitr"], "그런명령이없습니다:'monitr'.'monitor'을(를)입력하려고하셨나요?"),
        (["evaluate", "run", "t.yaml", "--format", "zz"], "'--format'/'-f'의값이잘못되었습니다"),
    ],
)
def test_a_wrong_command_line_is_told_in_the_language(args: list[str], korean: str) -> None:
    with use_language("ko"):
        result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 2
    assert korean in "".join(result.output.split())


def test_click_messages_unknown_to_the_patterns_are_kept() -> None:
    from greenprocure.cli.help_i18n import click_message

    with use_language("ja"):
        assert click_message("Something new from Click") == "Something new from Click"
        assert click_message("Invalid value for '--x': a reason of its own") == (
            "'--x' の値が正しくありません：a reason of its own"
        )


def test_an_option_value_refused_is_named_as_the_option(tmp_path: Path) -> None:
    with use_language("zh_Hans"):
        result = CliRunner().invoke(
            build_app(),
            ["monitor", "indicators", "--store", str(tmp_path / "none.duckdb"), "--by", "region"],
        )
    text = "".join(result.output.split())
    assert result.exit_code == 2
    assert "--by：" in text  # the full-width colon of Chinese
    assert "region" in text
    # "field by" (字段 by) is for the fields of files, not for options
    assert "字段" not in text


def test_a_folder_of_the_path_that_is_a_file_is_named(tmp_path: Path) -> None:
    from greenprocure.cli.io import write_output
    from greenprocure.errors import InputError

    blocking = tmp_path / "a-file"
    blocking.write_text("x")
    with use_language("en"), pytest.raises(InputError) as raised:
        write_output(blocking / "r.html", "<html></html>")
    # the file in the way is named, with what is wrong with it
    assert raised.value.file == str(blocking)
    assert "a part of the path is a file, not a folder" in raised.value.localized()


def test_an_unsupported_lang_is_refused_in_the_environments_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from greenprocure.cli.app import main

    for env, expected in (("ja_JP.UTF-8", "エラー：言語 xx"), ("C", "Error: language xx")):
        monkeypatch.setenv("LANG", env)
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LC_MESSAGES", raising=False)
        with pytest.raises(SystemExit) as raised:
            main(["--lang", "xx", "factors", "list"])
        assert raised.value.code == 2
        assert capsys.readouterr().err.startswith(expected)


def test_python_m_greenprocure_and_a_lang_with_no_value_after_a_command() -> None:
    """``python -m greenprocure`` is the command; a ``--lang`` left at the end of a
    command's line says that it needs a value (not that the command has no such option)."""
    env = {"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
    version = subprocess.run(
        [sys.executable, "-m", "greenprocure", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert version.returncode == 0
    assert version.stdout.strip() == f"greenprocure {__version__}"
    bare = subprocess.run(
        [sys.executable, "-m", "greenprocure", "monitor", "indicators", "--lang"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        check=False,
    )
    assert bare.returncode == 2
    assert "'--lang' needs a value" in bare.stderr
    assert "No such option" not in bare.stderr

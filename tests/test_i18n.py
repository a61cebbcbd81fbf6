"""Catalogs are complete and really translated; formatting follows the locale."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from greenprocure.errors import UnsupportedLanguageError
from greenprocure.i18n import (
    LANGUAGES,
    catalog,
    detect_language,
    format_currency,
    format_date,
    format_number,
    format_percent,
    gettext,
    normalize_language,
    use_language,
)

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "i18n.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_tool", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


#: Message ids whose translation may equal the English (codes, symbols, pure placeholders).
SAME_AS_ENGLISH_ALLOWED = {"{where}: {error}"}


def test_every_message_is_in_every_catalog() -> None:
    gaps = _tool().missing()
    assert not any(gaps.values()), {lang: keys[:20] for lang, keys in gaps.items() if keys}


@pytest.mark.parametrize("lang", ["zh_Hans", "ko", "ja"])
def test_translations_are_not_copies_of_english(lang: str) -> None:
    messages = _tool().extract()
    translated = catalog(lang)
    copies = [
        key
        for key in messages
        if isinstance(key, str)
        and key not in SAME_AS_ENGLISH_ALLOWED
        and any(c.isalpha() for c in key.replace("{", "").replace("}", ""))
        and translated.get(key) == key
    ]
    assert not copies, f"{lang}: untranslated copies of English: {copies[:20]}"


@pytest.mark.parametrize("lang", ["zh_Hans", "ko", "ja"])
def test_placeholders_survive_translation(lang: str) -> None:
    import string

    formatter = string.Formatter()
    for key, value in catalog(lang).items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        wanted = {f for _, f, _, _ in formatter.parse(key) if f}
        got = {f for _, f, _, _ in formatter.parse(value) if f}
        assert wanted == got, f"{lang}: {key!r} -> {value!r}"


def test_english_catalogs_translate_nothing() -> None:
    """English is the language of the message ids, so its catalogs are not read at run time
    (``catalog("en")`` is empty); a translation written into them would be ignored."""
    from importlib import resources

    from babel.messages.pofile import read_po

    from greenprocure.i18n.catalog import catalog_files

    folder = resources.files("greenprocure.i18n").joinpath("locales", "en", "LC_MESSAGES")
    names = catalog_files("en")
    assert names, "the English catalogs list the messages"
    for name in names:
        with folder.joinpath(name).open("rb") as handle:
            written = [
                m.id
                for m in read_po(handle)
                if m.id and any(m.string if isinstance(m.string, (tuple, list)) else [m.string])
            ]
        assert written == [], f"en/{name} translates {written[:5]}: write it in the message id"
    assert catalog("en") == {}


def test_catalogs_do_not_disagree_between_files() -> None:
    from babel.messages.pofile import read_po

    tool = _tool()
    for lang in LANGUAGES:
        seen: dict[str, tuple[str, str]] = {}
        for path in sorted((tool.LOCALES / lang / "LC_MESSAGES").glob("*.po")):
            with path.open("rb") as handle:
                for message in read_po(handle):
                    if isinstance(message.id, str) and message.id and message.string:
                        if message.id in seen:
                            first = seen[message.id][0]
                            assert seen[message.id][1] == message.string, (
                                f"{lang}: {message.id!r} differs in {first} and {path.name}"
                            )
                        seen[message.id] = (path.name, str(message.string))


def test_gettext_switches_language() -> None:
    with use_language("ko"):
        assert gettext("Options") == "옵션"
    with use_language("zh"):
        assert gettext("Options") == "选项"
    assert gettext("Options") == "Options"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("ko_KR.UTF-8", "ko"),
        ("ja-JP", "ja"),
        ("en_GB", "en"),
    ],
)
def test_normalize_language(raw: str, expected: str) -> None:
    assert normalize_language(raw) == expected


def test_unknown_language_is_an_error_naming_what_exists() -> None:
    with pytest.raises(UnsupportedLanguageError, match="available: en, zh, ko, ja"):
        normalize_language("fr")


def test_environment_precedence() -> None:
    assert detect_language({"LC_ALL": "ja_JP.UTF-8", "LANG": "ko_KR.UTF-8"}) == "ja"
    assert detect_language({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert detect_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert detect_language({}) == "en"


def test_locale_formatting() -> None:
    assert format_number(1234567.891, 2, lang="en") == "1,234,567.89"
    assert format_number(1234567.891, 2, lang="ko") == "1,234,567.89"
    assert format_currency(1234.5, "EUR", lang="en") == "€1,234.50"
    assert format_currency(1234, "KRW", lang="ko") == "₩1,234"
    assert format_currency(1234, "JPY", lang="ja") == "￥1,234"
    assert format_currency(1234.5, "CNY", lang="zh") == "¥1,234.50"
    assert format_currency(1234.567, "EUR", lang="en", digits=0) == "€1,235"
    assert format_percent(0.256, lang="en") == "25.6%"
    day = dt.date(2024, 3, 5)
    assert format_date(day, lang="en") == "Mar 5, 2024"
    assert format_date(day, lang="zh") == "2024年3月5日"
    assert format_date(day, lang="ja") == "2024/03/05"
    assert format_date(day, lang="ko") == "2024. 3. 5."


def test_korean_times_say_morning_or_afternoon_in_korean() -> None:
    from greenprocure.i18n.formatting import format_datetime

    afternoon = dt.datetime(2026, 12, 6, 15, 51, 48)
    assert format_datetime(afternoon, "ko") == "2026. 12. 6. 오후 3:51:48"
    assert "AM" not in format_datetime(afternoon.replace(hour=9), "ko")
    assert format_datetime(afternoon, "en") == "Dec 6, 2026, 3:51:48\u202fPM"
    assert format_datetime(afternoon, "ja") == "2026/12/06 15:51:48"


#: Translations that keep an ASCII colon on purpose (a literal of YAML's syntax).
_ASCII_COLON_ALLOWED = ("キー: 値", "键: 值")


@pytest.mark.parametrize("lang", ["zh_Hans", "ja"])
def test_chinese_and_japanese_use_the_full_width_colon(lang: str) -> None:
    """A label's colon is "：" (no space after) in Chinese and Japanese, as the CLI's error
    frame writes it: an ASCII ": " in a translation would mix both on one line."""
    mixed = []
    for message in catalog(lang).values():
        for text in message if isinstance(message, tuple) else (message,):
            if ": " in text and not any(a in text for a in _ASCII_COLON_ALLOWED):
                mixed.append(text)
    assert mixed == []


def test_marks_between_parts_of_a_line_follow_the_language() -> None:
    from greenprocure.i18n import colon, comma, semicolon

    assert (colon("en"), comma("en"), semicolon("en")) == (": ", ", ", "; ")
    assert (colon("ko"), comma("ko"), semicolon("ko")) == (": ", ", ", "; ")
    assert (colon("zh"), comma("zh-CN"), semicolon("zh_Hans")) == ("：", "，", "；")
    assert (colon("ja_JP.UTF-8"), comma("ja"), semicolon("ja")) == ("：", "、", "；")

"""Which language is in force: the four supported ones, their Babel locales, detection.

The language is held in a context variable so that a web request or a test can switch it
without touching global state. Precedence for the command line: ``--lang``, then the
environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), then English.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping

from greenprocure.errors import UnsupportedLanguageError

__all__ = [
    "BABEL_LOCALES",
    "LANGUAGES",
    "detect_language",
    "get_language",
    "normalize_language",
    "set_language",
    "use_language",
]

#: The catalogs GreenProcure ships, by catalog name.
LANGUAGES: tuple[str, ...] = ("en", "zh_Hans", "ko", "ja")

#: The Babel locale used to format numbers, dates and money for each catalog.
BABEL_LOCALES: Mapping[str, str] = {
    "en": "en",
    "zh_Hans": "zh_Hans_CN",
    "ko": "ko_KR",
    "ja": "ja_JP",
}

_ALIASES: Mapping[str, str] = {
    "en": "en",
    "zh": "zh_Hans",
    "zh_hans": "zh_Hans",
    "zh_cn": "zh_Hans",
    "zh_sg": "zh_Hans",
    "zh_hans_cn": "zh_Hans",
    "ko": "ko",
    "ko_kr": "ko",
    "ja": "ja",
    "ja_jp": "ja",
}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("greenprocure_lang", default="en")


def normalize_language(value: str) -> str:
    """Map ``zh``, ``zh-CN``, ``ko_KR.UTF-8``, ``ja-JP`` ... to a catalog name.

    English variants (``en_GB``) map to ``en``. Anything else raises
    :class:`UnsupportedLanguageError` listing what is supported.
    """
    raw = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if raw in _ALIASES:
        return _ALIASES[raw]
    if raw.startswith("en_") or raw == "c" or raw == "posix":
        return "en"
    if raw.startswith("zh_") and ("hant" in raw or raw in {"zh_tw", "zh_hk", "zh_mo"}):
        raise UnsupportedLanguageError(
            "language {value} is not supported (traditional Chinese); available: {available}",
            value=value,
            available="en, zh, ko, ja",
        )
    raise UnsupportedLanguageError(
        "language {value} is not supported; available: {available}",
        value=value,
        available="en, zh, ko, ja",
    )


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """The language asked for by ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``; English otherwise.

    An unsupported environment locale (say ``de_DE.UTF-8``) falls back to English, as
    every POSIX program does; only an explicit ``--lang`` is an error.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            try:
                return normalize_language(value)
            except UnsupportedLanguageError:
                return "en"
    return "en"


def get_language() -> str:
    """The catalog name in force in this context."""
    return _current.get()


def set_language(value: str) -> str:
    """Set the language for this context; returns the normalized catalog name."""
    lang = normalize_language(value)
    _current.set(lang)
    return lang


@contextlib.contextmanager
def use_language(value: str) -> Iterator[str]:
    """Temporarily switch language: ``with use_language("ko"): ...``."""
    token = _current.set(normalize_language(value))
    try:
        yield _current.get()
    finally:
        _current.reset(token)

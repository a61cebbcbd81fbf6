"""gettext over the packaged catalogs.

The catalogs are gettext ``.po`` files under ``locales/<lang>/LC_MESSAGES/``; there is one
file per area (``core.po``, ``reference.po``, ``evaluation.po`` ...) so that the areas can be
edited independently, and all files of a language are merged into one catalog at load time.
They are read with Babel's ``.po`` reader rather than compiled to ``.mo``: a fresh clone needs
no build step. The message ids are the English text, so the English catalogs hold no
translation (a test keeps it so) and are not read: parsing them cost every English command
a tenth of a second.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources

from greenprocure.i18n.languages import LANGUAGES, get_language

__all__ = ["N_", "SOURCE_LANGUAGE", "catalog", "catalog_files", "gettext", "ngettext"]

#: The language of the message ids: its catalogs list the messages without translating them.
SOURCE_LANGUAGE = "en"


def catalog_files(lang: str) -> list[str]:
    """Names of the ``.po`` files of one language, sorted."""
    folder = resources.files("greenprocure.i18n").joinpath("locales", lang, "LC_MESSAGES")
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".po"))


@functools.cache
def catalog(lang: str) -> Mapping[str | tuple[str, str], str | tuple[str, ...]]:
    """All translated messages of a language: msgid (or (singular, plural)) -> msgstr."""
    merged: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    if lang not in LANGUAGES or lang == SOURCE_LANGUAGE:
        return merged
    from babel.messages.pofile import read_po  # only the translated languages need it

    folder = resources.files("greenprocure.i18n").joinpath("locales", lang, "LC_MESSAGES")
    for name in catalog_files(lang):
        with folder.joinpath(name).open("rb") as handle:
            parsed = read_po(handle, locale=lang)
        for message in parsed:
            if not message.id:
                continue
            key: str | tuple[str, str]
            if isinstance(message.id, tuple | list):
                key = (str(message.id[0]), str(message.id[1]))
                value: str | tuple[str, ...] = tuple(str(s) for s in (message.string or ()))
                if not any(value):
                    continue
            else:
                key = str(message.id)
                value = str(message.string or "")
                if not value:
                    continue
            merged[key] = value
    return merged


def gettext(message: str) -> str:
    """Translate ``message`` into the current language (itself if untranslated)."""
    found = catalog(get_language()).get(message)
    return found if isinstance(found, str) and found else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form. Chinese, Korean and Japanese have one form."""
    found = catalog(get_language()).get((singular, plural))
    if isinstance(found, tuple) and found:
        index = 0 if n == 1 or len(found) == 1 else 1
        return found[min(index, len(found) - 1)] or (singular if n == 1 else plural)
    return singular if n == 1 else plural


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext name
    """Mark a message for extraction without translating it now (translate at display)."""
    return message

"""Messages that were rendered in English and kept as text, shown in the user's language.

Some messages are written out in English on purpose (the record errors of a monitoring
run are a machine-readable log, and the store keeps them as text) but are also shown on
screen. :func:`localize_rendered` finds the message id a text was rendered from: each id of
the current language's catalogs becomes a pattern (its literal text exact, each
``{placeholder}`` any text), the ids with the most literal text tried first, and the values
the placeholders took are put into the translation. Ids that begin with a placeholder or
format a value (``{value!r}``, ``{n:,}``) are left out: their text cannot be told apart
from the values. A text that begins with where it comes from (``file a.json, record line
3: ...``, as :class:`~greenprocure.errors.InputError` renders it) has those labels
translated too. Text that matches no id, or is very long, stays as it is.
"""

from __future__ import annotations

import functools
import re
import string

from greenprocure.i18n.catalog import SOURCE_LANGUAGE, catalog
from greenprocure.i18n.formatting import colon, comma
from greenprocure.i18n.languages import get_language

__all__ = ["localize_rendered"]

#: Ids with less literal text than this are not matched (``{reason}`` alone matches all).
_MIN_LITERAL = 8

#: Longer texts are shown as they are (matching costs time in the length of the text).
_MAX_LENGTH = 4000

#: Where an :class:`~greenprocure.errors.InputError` says it comes from, before its message.
_WHERE = re.compile(r"^((?:file|record|field) .+?(?:, (?:record|field) .+?)*): (.+)$", re.DOTALL)
_LABEL = re.compile(r"^(file|record|field) (.+)$", re.DOTALL)


def localize_rendered(text: str, lang: str | None = None) -> str:
    """``text``, an English rendering of a catalog message, in language ``lang`` (default:
    the current one); ``text`` itself when it matches no message of the catalogs."""
    language = lang or get_language()
    if language == SOURCE_LANGUAGE or not text or len(text) > _MAX_LENGTH:
        return text
    where = _WHERE.match(text)
    if where is not None:
        # where it comes from first: a message whose text begins with a value must not
        # take the labels for part of that value
        rest = _translate(where.group(2), language)
        parts = []
        for part in where.group(1).split(", "):
            label = _LABEL.match(part)
            if label is None:
                break
            parts.append(f"{_in(language, label.group(1))} {label.group(2)}")
        else:
            if rest is not None:
                return f"{comma(language).join(parts)}{colon(language)}{rest}"
    found = _translate(text, language)
    return text if found is None else found


def _in(language: str, message: str) -> str:
    translated = catalog(language).get(message)
    return translated if isinstance(translated, str) and translated else message


def _translate(text: str, language: str) -> str | None:
    exact = catalog(language).get(text)
    if isinstance(exact, str):
        return exact
    for pattern, message in _patterns(language):
        matched = pattern.match(text)
        if matched is None:
            continue
        translation = catalog(language).get(message)
        if not isinstance(translation, str):
            continue
        try:
            return translation.format(**matched.groupdict())
        except (KeyError, IndexError, ValueError):
            continue
    return None


@functools.cache
def _patterns(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """A pattern for every plain message id of ``language``'s catalogs, the ids with the most
    literal text first."""
    made: list[tuple[int, re.Pattern[str], str]] = []
    for message in catalog(language):
        if not isinstance(message, str) or "{" not in message:
            continue
        compiled = _pattern(message)
        if compiled is not None:
            made.append((compiled[1], compiled[0], message))
    made.sort(key=lambda item: -item[0])
    return tuple((pattern, message) for _, pattern, message in made)


def _pattern(message: str) -> tuple[re.Pattern[str], int] | None:
    """The pattern of ``message`` and how much literal text it has (None when it cannot be
    parsed as a format string or has too little literal text)."""
    try:
        pieces = list(string.Formatter().parse(message))
    except ValueError:
        return None
    if not pieces or not pieces[0][0]:
        return None  # an id that begins with a value: it would take any text's beginning
    regex = ["^"]
    literal = 0
    seen: set[str] = set()
    for text, name, spec, conversion in pieces:
        if spec or conversion:
            return None  # ``{value!r}``, ``{n:,}``: the text is not the value as given
        regex.append(re.escape(text))
        literal += len(text)
        if name is None:
            continue
        if not name.isidentifier():
            return None
        if name in seen:
            regex.append(f"(?P={name})")
        else:
            seen.add(name)
            regex.append(f"(?P<{name}>.+?)")
    if literal < _MIN_LITERAL:
        return None
    regex.append("$")
    return re.compile("".join(regex), re.DOTALL), literal

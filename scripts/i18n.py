"""Catalog maintenance for developers.

    python scripts/i18n.py missing            list messages absent or untranslated, per language
    python scripts/i18n.py add DOMAIN [PATH...]
                                              append the missing messages found under PATHs
                                              (default: all) to DOMAIN.po of the four languages
                                              (empty msgstr: then translate them)
    python scripts/i18n.py fill DOMAIN F.json set translations in DOMAIN.po from a JSON object
                                              {msgid: {"zh_Hans": .., "ko": .., "ja": ..}}

Messages are extracted from ``src/greenprocure`` (``_``, ``N_``, ``gettext``, ``ngettext``) and
from Jinja templates (``{{ _("...") }}``). The test suite fails on any missing message.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "greenprocure"
LOCALES = PACKAGE / "i18n" / "locales"
LANGUAGES = ("en", "zh_Hans", "ko", "ja")
ERRORS = (
    "GreenProcureError",
    "ConfigurationError",
    "UnsupportedLanguageError",
    "InputError",
    "ParseError",
    "ValidationError",
    "UnitError",
    "UnsafeInputError",
    "ReferenceDataError",
    "FactorNotFoundError",
    "DatasetVersionError",
    "ReferenceIntegrityError",
    "ComputationError",
    "StoreError",
)
# The first argument of every GreenProcure error is a message id too.
KEYWORDS: dict[str, object] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    **dict.fromkeys(ERRORS),
}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/**.txt", "jinja2.ext:babel_extract"),
]


def extract() -> dict[str | tuple[str, str], list[str]]:
    """Every message id in the package, with where it occurs."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE),
        METHODS,
        options_map={"**/templates/**": {"extensions": "jinja2.ext.i18n"}},
        keywords=KEYWORDS,
    ):
        key: str | tuple[str, str] = (
            message if isinstance(message, str) else (message[0], message[1])
        )
        if not key:
            continue
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def load(lang: str) -> dict[str | tuple[str, str], object]:
    merged: dict[str | tuple[str, str], object] = {}
    folder = LOCALES / lang / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id:
                    key = message.id if isinstance(message.id, str) else tuple(message.id)
                    merged[key] = message.string  # type: ignore[index]
    return merged


def missing() -> dict[str, list[str | tuple[str, str]]]:
    messages = extract()
    result: dict[str, list[str | tuple[str, str]]] = {}
    for lang in LANGUAGES:
        have = load(lang)
        gaps = []
        for key in messages:
            value = have.get(key)
            if (
                lang != "en"
                and (not value or (isinstance(value, (list, tuple)) and not all(value)))
            ) or (lang == "en" and key not in have):
                gaps.append(key)
        result[lang] = gaps
    return result


def add(domain: str, prefixes: list[str] | None = None) -> None:
    gaps = missing()
    if prefixes:
        where = extract()
        wanted = [str((ROOT / p).resolve().relative_to(PACKAGE)) for p in prefixes]
        for lang in gaps:
            gaps[lang] = [
                k
                for k in gaps[lang]
                if any(loc.startswith(tuple(wanted)) for loc in where.get(k, []))
            ]
    for lang in LANGUAGES:
        path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=None if lang == "en" else lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=None if lang == "en" else lang, project="greenprocure")
        have = load(lang)
        for key in gaps[lang]:
            if key in have:
                continue  # present but untranslated elsewhere: translate it there
            catalog.add(key, string=("", "") if isinstance(key, tuple) else "")
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=False)


def fill(domain: str, source: str) -> None:
    import json

    table = json.loads(Path(source).read_text(encoding="utf-8"))
    for lang in LANGUAGES:
        path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=None if lang == "en" else lang)
        for msgid, translations in table.items():
            if lang == "en":
                if msgid not in catalog:
                    catalog.add(msgid, string="")
                continue
            if lang in translations:
                existing = catalog.get(msgid)
                if existing is None:
                    catalog.add(msgid, string=translations[lang])
                else:
                    existing.string = translations[lang]
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=False)


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "missing":
        gaps = missing()
        for lang, keys in gaps.items():
            for key in keys:
                print(f"{lang}\t{key!r}")
        return 1 if any(gaps.values()) else 0
    if len(sys.argv) >= 3 and sys.argv[1] == "add":
        add(sys.argv[2], sys.argv[3:])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

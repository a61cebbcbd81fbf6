"""The one exception tree of GreenProcure.

Every error a user can see derives from :class:`GreenProcureError`. Its message is an English
gettext message id with ``{placeholders}``; ``str(error)`` renders it in English and
:meth:`GreenProcureError.localized` renders it in the current language (see
:mod:`greenprocure.i18n`). Errors about input name where the problem is: the file, the record
(row, line, byte offset, bid or ocid) and the field.

::

    GreenProcureError
    ├── ConfigurationError            settings or environment unusable
    ├── UnsupportedLanguageError      a language other than en, zh, ko, ja was asked for
    ├── InputError                    bad user input; carries file / record / field
    │   ├── ParseError                malformed JSON, YAML, CSV, XLSX or XML
    │   ├── ValidationError           well formed, but a value breaks the schema or a rule
    │   ├── UnitError                 a unit that pint cannot parse or that has the wrong dimension
    │   └── UnsafeInputError          hostile input refused (XML entities, size limits)
    ├── ReferenceDataError            the cited reference library cannot answer
    │   ├── FactorNotFoundError       no value for the asked key; says what exists
    │   ├── DatasetVersionError       a pinned dataset version is not installed
    │   └── ReferenceIntegrityError   a packaged data table is inconsistent
    ├── ComputationError              a method cannot be applied to valid input
    └── StoreError                    the database or local store refused an operation
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = [
    "ComputationError",
    "ConfigurationError",
    "DatasetVersionError",
    "FactorNotFoundError",
    "FailureEntry",
    "GreenProcureError",
    "InputError",
    "ParseError",
    "ReferenceDataError",
    "ReferenceIntegrityError",
    "StoreError",
    "UnitError",
    "UnsafeInputError",
    "UnsupportedLanguageError",
    "ValidationError",
    "failure_entry",
    "failure_reason",
]


class GreenProcureError(Exception):
    """Base of all GreenProcure errors.

    ``message`` is an English gettext message id (marked for extraction by the caller with
    ``N_``) formatted with ``params``. The English text is ``str(error)``; the translated
    text is :meth:`localized`.
    """

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params: dict[str, Any] = params
        super().__init__(self._render(message))

    def _render(self, template: str) -> str:
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def localized(self) -> str:
        """The message in the current language (English if untranslated)."""
        from greenprocure.i18n import gettext

        return self._render(gettext(self.message))


class ConfigurationError(GreenProcureError):
    """Settings or the environment cannot be used (e.g. no secret outside development)."""


class UnsupportedLanguageError(GreenProcureError):
    """A language was asked for that GreenProcure does not ship."""


class InputError(GreenProcureError):
    """Bad user input. ``file``, ``record`` and ``field`` say where, when known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: str | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        self.file = file
        self.record = record
        self.field = field
        super().__init__(message, **params)

    @property
    def location(self) -> Mapping[str, str]:
        """Where the problem is, as far as known: file, record and field."""
        found = {"file": self.file, "record": self.record, "field": self.field}
        return {key: value for key, value in found.items() if value}

    def _where(self, labels: Mapping[str, str], comma: str = ", ") -> str:
        parts = [f"{labels[key]} {value}" for key, value in self.location.items()]
        return comma.join(parts)

    def __str__(self) -> str:
        where = self._where({"file": "file", "record": "record", "field": "field"})
        base = super().__str__()
        return f"{where}: {base}" if where else base

    def localized(self) -> str:
        from greenprocure.i18n import colon, comma, gettext

        labels = {"file": gettext("file"), "record": gettext("record"), "field": gettext("field")}
        where = self._where(labels, comma())
        base = super().localized()
        return f"{where}{colon()}{base}" if where else base


class ParseError(InputError):
    """The input is not well-formed JSON, YAML, CSV, XLSX or XML."""


class ValidationError(InputError):
    """The input is well formed but a value breaks the schema or a rule."""


class UnitError(InputError):
    """A unit that cannot be parsed or has the wrong dimension for the field."""


class UnsafeInputError(InputError):
    """Hostile input was refused (external entities, entity expansion, size limits)."""


class ReferenceDataError(GreenProcureError):
    """The cited reference-data library cannot answer a lookup."""


class FactorNotFoundError(ReferenceDataError):
    """No value exists for the requested key; the message names what does exist."""


class DatasetVersionError(ReferenceDataError):
    """A caller pinned a dataset version that is not installed."""


class ReferenceIntegrityError(ReferenceDataError):
    """A packaged reference table is inconsistent (bad unit, missing source, duplicate key)."""


class ComputationError(GreenProcureError):
    """A method cannot be applied to otherwise valid input."""


class StoreError(GreenProcureError):
    """The database or local store refused an operation."""


def failure_reason(error: BaseException, path: str) -> str:
    """Why file ``path`` could not be read, in the current language, for a list of such
    files that names each: an :class:`InputError` about ``path`` itself is told without
    its ``file`` part (a zip member's or another file's name stays)."""
    if isinstance(error, InputError) and error.file == path:
        return InputError(
            error.message, record=error.record, field=error.field, **error.params
        ).localized()
    if isinstance(error, GreenProcureError):
        return error.localized()
    if isinstance(error, OSError):
        return str(error)
    # an error no check foresaw (a bug met by this file): its kind tells where to look
    return f"{type(error).__name__}: {error}"


class FailureEntry(NamedTuple):
    """A file's failure as the errors file of a run lists it: where in the file (empty when
    the file as a whole) and why, in English (a log that scripts read)."""

    location: str
    reason: str


def failure_entry(error: BaseException, path: str) -> FailureEntry:
    """Why file ``path`` could not be read, for the errors file: where apart (the record,
    ``character 0``; a zip member or another file the error names, before it), the reason
    in English without the file's name."""
    if isinstance(error, InputError):
        bare = InputError(error.message, field=error.field, **error.params)
        named = error.file if error.file != path else None
        where = ", ".join(part for part in (named, error.record) if part)
        return FailureEntry(where, str(bare))
    if isinstance(error, GreenProcureError | OSError):
        return FailureEntry("", str(error))
    return FailureEntry("", f"{type(error).__name__}: {error}")

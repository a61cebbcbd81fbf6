"""Why a record was skipped: the reasons of :class:`~greenprocure.monitoring.rows.RecordError`.

A record error's ``reason`` is English text (the errors file and the store are a
machine-readable log); each reason is rendered from one of these message ids, which the
catalogs translate, so that the screen can show it in the user's language
(:func:`greenprocure.i18n.rendered.localize_rendered`).
"""

from __future__ import annotations

from greenprocure.i18n import N_

EMPTY_FILE = N_("no JSON in the file: it is empty")
LONG_LINE = N_(
    "line longer than {limit} bytes not read: store such a package as a file of its own "
    "(it is then streamed item by item)"
)
MALFORMED_JSON = N_("malformed JSON: {detail}")
NOT_AN_OBJECT = N_("not a JSON object")
TOO_DEEP = N_("JSON nested deeper than {limit} levels: no OCDS data is")
RELEASE_NOT_AN_OBJECT = N_("release is not a JSON object")
RECORD_NOT_AN_OBJECT = N_("record is not a JSON object")
NO_OCID = N_("field ocid: missing or not a non-empty string")
NO_DATE = N_("field date: missing or not a string")
RELEASES_NOT_AN_ARRAY = N_("field releases: not an array")
LINKED_RELEASES_ONLY = N_("record has only linked releases and no compiledRelease")
NOT_COMPILED = N_("not a compiled release: no ocid")
CANNOT_COMPILE = N_("cannot compile: {detail}")
BREAKS_SCHEMA = N_("record breaks the schema: {detail}")
LATE_RELEASE = N_(
    "release comes after its process was compiled: the first {count} releases were grouped "
    "by ocid but this one is not; sort the input by ocid or raise the memory budget"
)
CANNOT_READ = N_("cannot read: {detail}")
NOT_A_PROCESS = N_(
    "not a procurement notice (form type bri: outside any contracting process); left out"
)

# A field of a record that breaks the schema (``field`` is its path: ``awards/0/value``).
MUST_BE_OBJECT = N_("field {field}: must be an object")
MUST_BE_ARRAY = N_("field {field}: must be an array")
MUST_BE_NUMBER = N_("field {field}: must be a number")
MUST_BE_STRING = N_("field {field}: must be a string")
MUST_BE_DATE_TIME = N_("field {field}: must be a date-time string")
NOT_A_DATE = N_("field {field}: not a date: {value}")

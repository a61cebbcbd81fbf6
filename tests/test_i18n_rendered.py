"""Messages kept as English text (record errors) shown in the user's language."""

from __future__ import annotations

import pytest

from greenprocure.errors import GreenProcureError, ParseError, StoreError, ValidationError
from greenprocure.i18n import N_, use_language
from greenprocure.i18n.rendered import localize_rendered
from greenprocure.monitoring import reasons

LANGUAGES = ("zh_Hans", "ko", "ja")

#: Every reason of a record error, rendered as the readers render it.
RENDERED = {
    reasons.EMPTY_FILE: {},
    reasons.LONG_LINE: {"limit": 16777216},
    reasons.MALFORMED_JSON: {"detail": "unexpected character: line 1 column 9 (char 8)"},
    reasons.NOT_AN_OBJECT: {},
    reasons.TOO_DEEP: {"limit": 255},
    reasons.RELEASE_NOT_AN_OBJECT: {},
    reasons.RECORD_NOT_AN_OBJECT: {},
    reasons.NO_OCID: {},
    reasons.NO_DATE: {},
    reasons.RELEASES_NOT_AN_ARRAY: {},
    reasons.LINKED_RELEASES_ONLY: {},
    reasons.NOT_COMPILED: {},
    reasons.CANNOT_COMPILE: {"detail": "RecursionError('maximum recursion depth exceeded')"},
    reasons.BREAKS_SCHEMA: {"detail": "TypeError('unhashable type: list')"},
    reasons.LATE_RELEASE: {"count": 200000},
    reasons.CANNOT_READ: {"detail": "Error -3 while decompressing data: invalid stored block"},
    reasons.NOT_A_PROCESS: {},
    reasons.MUST_BE_OBJECT: {"field": "tender"},
    reasons.MUST_BE_ARRAY: {"field": "awards"},
    reasons.MUST_BE_NUMBER: {"field": "awards/0/value/amount"},
    reasons.MUST_BE_STRING: {"field": "tender/value/currency"},
    reasons.MUST_BE_DATE_TIME: {"field": "date"},
    reasons.NOT_A_DATE: {"field": "awards/0/date", "value": "'2024-13-45'"},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_record_error_reason_is_shown_in_the_language(lang: str) -> None:
    assert set(RENDERED) == {
        value for name, value in vars(reasons).items() if name.isupper() and isinstance(value, str)
    }, "a reason without a case here"
    for message, params in RENDERED.items():
        english = message.format(**params)
        with use_language(lang):
            expected = GreenProcureError(message, **params).localized()
            assert localize_rendered(english) == expected != english
        # the values are carried over as they were
        for value in params.values():
            assert str(value) in expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_error_with_its_place_is_shown_as_it_would_have_been(lang: str) -> None:
    """``str()`` of an error that says where it comes from, read back: the labels and the
    message in the language, the values as they were."""
    errors = [
        ParseError(N_("not JSON: {reason}"), file="a b.json", record="line 3", reason="eof"),
        ValidationError(reasons.NO_OCID, field="ocid"),
        StoreError(
            N_("cannot open the monitoring store {store}: {reason}"), store="m.db", reason="x"
        ),
    ]
    for error in errors:
        with use_language(lang):
            assert localize_rendered(str(error)) == error.localized() != str(error)


def test_text_of_no_message_and_english_stay_as_they_are() -> None:
    with use_language("ja"):
        assert localize_rendered("a reason from somewhere else") == "a reason from somewhere else"
        assert localize_rendered("") == ""
        # labels before a text of no message: all left as it is
        assert localize_rendered("file a.json: whatever") == "file a.json: whatever"
    english = reasons.MALFORMED_JSON.format(detail="eof")
    with use_language("en"):
        assert localize_rendered(english) == english
    assert localize_rendered(english, "ko") == "잘못된 형식의 JSON: eof"

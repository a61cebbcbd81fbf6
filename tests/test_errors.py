"""The exception tree: messages render in English and in the current language, with location."""

from __future__ import annotations

from greenprocure.errors import GreenProcureError, InputError, UnitError, ValidationError
from greenprocure.i18n import use_language


def test_input_errors_name_file_record_and_field() -> None:
    error = ValidationError(
        "price must be positive", file="bids.csv", record="row 3", field="price"
    )
    assert str(error) == "file bids.csv, record row 3, field price: price must be positive"
    assert isinstance(error, InputError)
    assert isinstance(error, GreenProcureError)


def test_empty_location_parts_are_left_out() -> None:
    error = UnitError("unknown unit {unit!r}", file="", record="row 2", field=None, unit="xx")
    assert str(error) == "record row 2: unknown unit 'xx'"


def test_localized_message_and_labels() -> None:
    error = UnitError("unknown unit {unit!r}", file="a.csv", unit="xx")
    with use_language("ja"):
        # a full-width colon, with no space after it, in Japanese (and Chinese)
        assert error.localized() == "ファイル a.csv：不明な単位 'xx'"
        located = UnitError("unknown unit {unit!r}", file="a.csv", record="row 2", unit="xx")
        assert located.localized().startswith("ファイル a.csv、レコード row 2：")
    assert error.localized() == "file a.csv: unknown unit 'xx'"


def test_failure_reason_leaves_out_the_file_it_is_listed_with() -> None:
    from greenprocure.errors import ParseError, failure_reason

    error = ParseError("not JSON: {reason}", file="a.json", record="byte 0", reason="bad")
    assert failure_reason(error, "a.json") == "record byte 0: not JSON: bad"
    # another file's name (a zip member) is kept
    assert failure_reason(error, "b.zip").startswith("file a.json")
    assert failure_reason(OSError("disk"), "a.json") == "disk"
    with use_language("zh_Hans"):
        located = UnitError("unknown unit {unit!r}", file="a.csv", record="row 2", unit="xx")
        assert "，" in located.localized()  # the parts of the place, with a full-width comma


def test_a_failure_entry_keeps_where_apart_and_english() -> None:
    """The errors file's entry of a file that cannot be read: the record, and a zip member
    the error names, as the location; the reason without the file's name, in English."""
    from greenprocure.errors import InputError, failure_entry
    from greenprocure.i18n import N_, use_language

    with use_language("zh"):
        own = failure_entry(
            InputError(N_("not JSON: {reason}"), file="a.json", record="character 0", reason="x"),
            "a.json",
        )
        member = failure_entry(
            InputError(N_("no such file or folder"), file="z.zip!m.json"), "z.zip"
        )
    assert own == ("character 0", "not JSON: x")
    assert member == ("z.zip!m.json", "no such file or folder")
    assert failure_entry(OSError("denied"), "a.json") == ("", "denied")

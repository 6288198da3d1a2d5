"""Templates: placeholders, fallbacks, escapes; a missing value is a per-row finding, never sent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smskit.campaign.templates import Placeholder, parse_template, render
from smskit.i18n.catalog import LocalizedError


def test_placeholder_filled_and_fallback_used() -> None:
    tpl = parse_template("Hi {first_name|there}, your table for {party} is ready")
    assert tpl.render({"first_name": "Budi", "party": "4"}).text == (
        "Hi Budi, your table for 4 is ready"
    )
    assert tpl.render({"party": "2"}).text == "Hi there, your table for 2 is ready"


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_missing_or_blank_required_value_never_renders(blank: str | None) -> None:
    result = parse_template("Hi {first_name}").render({"first_name": blank})  # type: ignore[dict-item]
    assert result.text is None
    assert not result.ok
    assert result.missing == ("first_name",)
    reason = result.reason()
    assert reason is not None and "{first_name}" in str(reason)


def test_missing_fields_listed_once_in_order() -> None:
    result = render("{b} {a} {b} {c|x}", {})
    assert result.missing == ("b", "a")


def test_empty_fallback_leaves_placeholder_out() -> None:
    assert render("Dear {title|}{name}", {"name": "Ana"}).text == "Dear Ana"


def test_field_names_are_case_insensitive_and_trimmed() -> None:
    assert render("{ First_Name }", {" FIRST_NAME ": " Ana "}).text == "Ana"


def test_double_braces_are_literal() -> None:
    assert render("{{code}} {c}}}", {"c": "7"}).text == "{code} 7}"


@pytest.mark.parametrize(
    ("source", "position"),
    [("Hi {name", 4), ("Hi } there", 4), ("{a{b}", 1), ("x {first name}", 3), ("{}", 1)],
)
def test_syntax_errors_name_the_character(source: str, position: int) -> None:
    with pytest.raises(LocalizedError) as caught:
        parse_template(source)
    assert f"character {position}" in str(caught.value)


def test_syntax_error_is_translated() -> None:
    with pytest.raises(LocalizedError) as caught:
        parse_template("Hi {name")
    assert "karakter" in caught.value.render("id")


def test_fields_and_unknown_fields() -> None:
    tpl = parse_template("Hi {Name|there} {code} {code} {city}")
    assert tpl.fields == ("name", "code", "city")
    assert tpl.placeholders[0] == Placeholder("name", "there")
    assert tpl.unknown_fields(["phone", "CODE"]) == ("city",)


def test_sample_preview() -> None:
    assert parse_template("Hi {name|there}, {{x}}").sample() == "Hi [name], {x}"


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), max_size=50
    )
)
def test_text_without_braces_renders_unchanged(text: str) -> None:
    assert render(text, {}).text == text


@given(
    st.text(alphabet=st.characters(blacklist_characters="{}"), min_size=1, max_size=20).filter(
        str.strip
    )
)
def test_value_is_inserted_verbatim_after_trimming(value: str) -> None:
    assert render("<{v}>", {"v": value}).text == f"<{value.strip()}>"


# --- refused up front: lone surrogates, braces in a fallback, oversized fallbacks ----------------


@pytest.mark.parametrize(
    ("source", "position", "code"),
    [
        ("Hi \ud800 {name|there}", 4, "U+D800"),
        ("{name|x\udfff}", 8, "U+DFFF"),
        ("\udbff", 1, "U+DBFF"),
        ("Smile \ud83d\ude00", 7, "U+D83D"),  # an unjoined surrogate pair is refused too
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_code_point_and_position(
    source: str, position: int, code: str
) -> None:
    with pytest.raises(LocalizedError) as caught:
        parse_template(source)
    message = str(caught.value)
    assert code in message and f"character {position}" in message, message
    assert code in caught.value.render("id") and "karakter" in caught.value.render("id")


@pytest.mark.parametrize(
    ("source", "start", "brace"),
    [("Hi {name|fallback {x}}", 4, 19), ("{a|b{c}", 1, 5), ("x {a|{{b}}", 3, 6)],
)
def test_a_brace_inside_a_fallback_is_named_with_its_position(
    source: str, start: int, brace: int
) -> None:
    with pytest.raises(LocalizedError) as caught:
        parse_template(source)
    message = str(caught.value)
    assert "never closed" not in message, message
    assert "fallback" in message and f"character {brace}" in message, message
    assert f"character {start}" in message, message
    assert "karakter" in caught.value.render("id")


def test_a_fallback_longer_than_a_whole_message_is_a_template_error() -> None:
    from smskit.campaign.templates import MAX_FALLBACK

    assert MAX_FALLBACK == 1600  # Twilio error 21617: no body may be longer
    parse_template("Hi {name|" + "x" * MAX_FALLBACK + "}")  # at the limit: allowed
    with pytest.raises(LocalizedError) as caught:
        parse_template("Hi {name|" + "x" * 10_000 + "}")
    message = str(caught.value)
    assert "{name}" in message and "character 4" in message, message
    assert "10000" in message and "1600" in message and "21617" in message, message
    assert "karakter" in caught.value.render("id")

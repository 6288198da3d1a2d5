"""The inbound keyword engine against Twilio's documented matching and the FCC revocation rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smskit._data import DataFileError, read_table
from smskit.consent.keywords import (
    Keyword,
    KeywordKind,
    classify_reply,
    default_keywords,
    load_keywords,
    normalize_reply,
)
from smskit.i18n.catalog import LocalizedError

# Twilio defaults (Advanced Opt-Out tutorial; support article 223134027).
TWILIO_OPT_OUT = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
TWILIO_OPT_IN = ["START", "YES", "UNSTOP"]
TWILIO_HELP = ["HELP", "INFO"]


@pytest.mark.parametrize("word", TWILIO_OPT_OUT)
def test_every_twilio_opt_out_keyword_opts_out(word: str) -> None:
    assert classify_reply(word).kind is KeywordKind.OPT_OUT


@pytest.mark.parametrize("word", TWILIO_OPT_IN)
def test_every_twilio_opt_in_keyword_opts_in(word: str) -> None:
    assert classify_reply(word).kind is KeywordKind.OPT_IN


@pytest.mark.parametrize("word", TWILIO_HELP)
def test_every_twilio_help_keyword_is_help(word: str) -> None:
    assert classify_reply(word).kind is KeywordKind.HELP


@pytest.mark.parametrize(
    "text", ["STOP.", " stop ", "Stop!", "\tSTOP\n", "¿stop?", "(STOP)", "stop…"]
)
def test_case_whitespace_and_surrounding_punctuation_are_ignored(text: str) -> None:
    assert classify_reply(text).kind is KeywordKind.OPT_OUT


@pytest.mark.parametrize(
    "text", ["STOP PLEASE", "We have got to STOP this bill", "stopp it", "STOP2", "S.T.O.P"]
)
def test_only_a_message_that_is_exactly_one_keyword_counts(text: str) -> None:
    assert classify_reply(text).kind is KeywordKind.NONE


@pytest.mark.parametrize(
    ("text", "kind", "language"),
    [
        ("BERHENTI", KeywordKind.OPT_OUT, "id"),
        ("MULAI", KeywordKind.OPT_IN, "id"),
        ("YA", KeywordKind.OPT_IN, "id"),
        ("ALTO", KeywordKind.OPT_OUT, "es"),
        ("ARRET", KeywordKind.OPT_OUT, "fr"),
        ("ARRÊT", KeywordKind.OPT_OUT, "fr"),
        ("ARRETE", KeywordKind.OPT_OUT, "fr"),
        ("STOPP", KeywordKind.OPT_OUT, "de"),
        ("PARE", KeywordKind.OPT_OUT, "pt"),
        ("SAIR", KeywordKind.OPT_OUT, "pt"),
        ("AYUDA", KeywordKind.HELP, "es"),
        ("Sí", KeywordKind.OPT_IN, "es"),
    ],
)
def test_localised_keywords_report_their_language(
    text: str, kind: KeywordKind, language: str
) -> None:
    match = classify_reply(text)
    assert match.kind is kind
    assert language in match.languages


def test_the_data_covers_the_required_languages() -> None:
    languages = set(default_keywords().languages())
    assert {"en", "es", "fr", "de", "pt", "id"} <= languages
    for language in ("es", "fr", "de", "pt", "id"):
        kinds = {k.kind for k in default_keywords().keywords if k.language == language}
        assert kinds == {KeywordKind.OPT_OUT, KeywordKind.OPT_IN, KeywordKind.HELP}, language


def test_every_keyword_row_has_a_source_and_date() -> None:
    for row in read_table("keywords"):
        assert row["source"].strip() and row["as_of"][:2] == "20"


def test_market_specific_keyword_only_applies_in_its_market() -> None:
    assert classify_reply("TD", market="CA").kind is KeywordKind.OPT_OUT
    assert classify_reply("TD", market="US").kind is KeywordKind.NONE


def test_stop_help_start_cannot_be_removed_but_others_can() -> None:
    keywords = default_keywords()
    for word in ("STOP", "help", "Start"):
        with pytest.raises(LocalizedError):
            keywords.with_changes(remove=[word])
    trimmed = keywords.with_changes(remove=["CANCEL"])
    assert classify_reply("cancel", trimmed).kind is KeywordKind.NONE
    assert classify_reply("stop", trimmed).kind is KeywordKind.OPT_OUT


def test_custom_keyword_can_be_added() -> None:
    custom = default_keywords().with_changes(add=[Keyword("BASTA", KeywordKind.OPT_OUT, "it")])
    assert classify_reply("basta!", custom).languages == ("it",)


def test_a_word_with_two_meanings_is_refused() -> None:
    with pytest.raises(LocalizedError, match="YES"):
        default_keywords().with_changes(add=[Keyword("YES", KeywordKind.OPT_OUT, "xx")])


def test_bad_keyword_rows_name_the_row() -> None:
    base = {"keyword": "STOP", "kind": "opt_out", "language": "en", "source": "s", "as_of": "2026"}
    with pytest.raises(DataFileError, match="row 3"):
        load_keywords([base, {**base, "kind": "unsubscribe"}])
    with pytest.raises(DataFileError, match="row 2"):
        load_keywords([{**base, "keyword": " !! "}])


@pytest.mark.parametrize(
    "text",
    [
        "please stop texting me",
        "Remove me from your list",
        "STOP PLEASE",
        "opt me out",
        "Don't text me again",
        "opt-out",
        "tolong berhenti kirim sms",
        "Arrêtez de m'envoyer des messages",
    ],
)
def test_revocation_in_other_words_is_flagged_as_possible(text: str) -> None:
    match = classify_reply(text)
    assert match.kind is KeywordKind.NONE
    assert match.possible_revocation
    assert match.revocation_phrase


@pytest.mark.parametrize(
    "text", ["We have got to STOP this bill", "Thanks, see you Tuesday", "yes please", ""]
)
def test_ordinary_replies_are_not_possible_revocations(text: str) -> None:
    assert not classify_reply(text).possible_revocation


# The issue: fixed phrases flagged these (each opted a customer out under the "apply" policy) ...
@pytest.mark.parametrize(
    "text", ["Stop by the store tomorrow?", "Cancel my order", "End of the month works"]
)
def test_replies_that_only_start_with_an_opt_out_word_are_not_revocations(text: str) -> None:
    match = classify_reply(text)
    assert match.kind is KeywordKind.NONE and not match.possible_revocation
    assert match.intent is not None and not match.intent.revokes  # and it says why


# ... and missed these.
@pytest.mark.parametrize(
    "text", ["Please unsubscribe", "I want to unsubscribe", "I don't want these messages anymore"]
)
def test_revocations_without_a_fixed_phrase_are_flagged(text: str) -> None:
    match = classify_reply(text)
    assert match.possible_revocation and match.revocation_phrase
    assert match.intent is not None and match.revocation_phrase == match.intent.phrase


def test_a_custom_opt_out_keyword_counts_in_a_longer_reply() -> None:
    custom = default_keywords().with_changes(add=[Keyword("FERMA", KeywordKind.OPT_OUT, "it")])
    match = classify_reply("FERMA please", custom)
    assert match.possible_revocation and match.languages == ("it",)
    assert not classify_reply("FERMA please").possible_revocation


def test_an_exact_keyword_is_not_also_a_possible_revocation() -> None:
    assert not classify_reply("STOP").possible_revocation


EDGES = st.text(alphabet=" \t\n.,!?¡¿;:-()\"'…", max_size=4)
ALL_WORDS = [k.word for k in default_keywords().keywords]


@given(word=st.sampled_from(ALL_WORDS), before=EDGES, after=EDGES, data=st.data())
def test_any_case_and_punctuation_wrapping_classifies_the_same(
    word: str, before: str, after: str, data: st.DataObject
) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    cased = "".join(c.lower() if flip else c.upper() for c, flip in zip(word, flips, strict=True))
    plain, wrapped = classify_reply(word), classify_reply(before + cased + after)
    assert (wrapped.kind, wrapped.languages) == (plain.kind, plain.languages)


@given(st.text(max_size=40))
def test_classification_never_fails_and_normalising_is_idempotent(text: str) -> None:
    match = classify_reply(text)
    assert normalize_reply(match.normalized) == match.normalized
    if match.kind is not KeywordKind.NONE:
        assert not match.possible_revocation

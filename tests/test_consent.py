"""The consent ledger: event-sourced states (CTIA lifecycle), double opt-in, opt-outs, auto-replies
and the audit trail, on the real SQLite store."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smskit.consent.audit import AUDIT_COLUMNS, safe_cell, write_audit_csv
from smskit.consent.auto_replies import Program, ReplyKind, auto_reply, reply_languages
from smskit.consent.events import (
    TRANSITIONS,
    ConsentAction,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    business_days_after,
    fold,
    next_state,
)
from smskit.consent.ledger import ConsentLedger, RevocationPolicy
from smskit.i18n.catalog import LocalizedError
from smskit.numbers.phone import InvalidNumber
from smskit.store.database import Store

PHONE = "+14155550100"
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday
S, A = ConsentState, ConsentAction


@pytest.fixture
def store() -> Store:
    return Store.open("sqlite://")


@pytest.fixture
def ledger(store: Store) -> ConsentLedger:
    return ConsentLedger(store, program=Program("Acme", "4 msgs/month", "acme.example/help"))


def event(action: ConsentAction, minutes: int = 0, **kw: object) -> ConsentEvent:
    source = kw.pop("source", ConsentSource.MANUAL)
    assert isinstance(source, ConsentSource)
    return ConsentEvent(PHONE, "Acme", action, source, T0 + timedelta(minutes=minutes), **kw)  # type: ignore[arg-type]


# --- the transition table (CTIA lifecycle) ---------------------------------------------------


def test_the_lifecycle_unknown_pending_opted_in_opted_out_re_opted_in() -> None:
    path = [A.REQUEST, A.OPT_IN, A.OPT_OUT, A.OPT_IN]
    status = fold([event(a, i) for i, a in enumerate(path)])
    assert [s.after for s in status.steps] == [S.PENDING, S.OPTED_IN, S.OPTED_OUT, S.RE_OPTED_IN]
    assert status.state is S.RE_OPTED_IN and status.can_send


def test_no_events_means_unknown_and_no_sending() -> None:
    status = fold([], PHONE, "Acme")
    assert status.state is S.UNKNOWN and not status.can_send


def test_pending_cannot_be_sent_marketing() -> None:
    assert not fold([event(A.REQUEST)]).can_send


def test_a_confirmation_request_to_an_opted_out_number_is_not_allowed() -> None:
    assert next_state(S.OPTED_OUT, A.REQUEST) is None
    status = fold([event(A.OPT_OUT), event(A.REQUEST, 1)])
    assert status.state is S.OPTED_OUT
    assert status.steps[-1].applied is False


def test_opt_out_is_allowed_from_every_state() -> None:
    for state in ConsentState:
        assert next_state(state, A.OPT_OUT) is S.OPTED_OUT


def test_transition_table_targets_are_states() -> None:
    assert all(isinstance(v, ConsentState) for v in TRANSITIONS.values())


def test_events_fold_in_time_order_whatever_the_log_order() -> None:
    late_email = event(A.OPT_OUT, 10, source=ConsentSource.EMAIL)
    early_optin = event(A.OPT_IN, 0, source=ConsentSource.WEB_FORM)
    assert fold([late_email, early_optin]).state is S.OPTED_OUT


EVENTS = st.lists(
    st.builds(
        lambda a, m: event(a, m),
        st.sampled_from(list(ConsentAction)),
        st.integers(min_value=0, max_value=50),
    ),
    max_size=12,
)


@given(EVENTS)
def test_fold_is_deterministic_and_only_uses_table_transitions(events: list[ConsentEvent]) -> None:
    first, second = fold(events, PHONE, "Acme"), fold(list(events), PHONE, "Acme")
    assert first == second
    for step in first.steps:
        if step.applied and step.event.action in (A.REQUEST, A.OPT_IN, A.OPT_OUT):
            assert TRANSITIONS[(step.before, step.event.action)] is step.after
        if not step.applied:
            assert step.before is step.after


@given(EVENTS, st.randoms())
def test_fold_does_not_depend_on_log_order_when_times_differ(
    events: list[ConsentEvent], rng: object
) -> None:
    distinct = list({e.occurred_at: e for e in events}.values())
    shuffled = list(distinct)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert fold(shuffled, PHONE, "Acme") == fold(distinct, PHONE, "Acme")


def test_events_from_another_number_are_refused_by_the_fold() -> None:
    other = ConsentEvent("+14155550199", "Acme", A.OPT_IN, ConsentSource.MANUAL, T0)
    with pytest.raises(LocalizedError):
        fold([event(A.OPT_IN), other])


def test_naive_event_time_is_refused() -> None:
    with pytest.raises(LocalizedError, match="time zone"):
        ConsentEvent(PHONE, "Acme", A.OPT_IN, ConsentSource.MANUAL, datetime(2026, 1, 1))


# --- the ledger on the store -------------------------------------------------------------------


def test_double_opt_in_request_then_yes_confirms(ledger: ConsentLedger) -> None:
    status, text = ledger.request_confirmation(
        PHONE, "Acme", ConsentSource.WEB_FORM, "form #7", at=T0
    )
    assert status.state is S.PENDING
    assert "YES" in text and "Acme" in text and "Msg&Data Rates May Apply" in text
    result = ledger.handle_inbound(PHONE, "Acme", "yes", at=T0 + timedelta(minutes=2))
    assert result.status.state is S.OPTED_IN and result.status.can_send
    # The first confirmation is CTIA's opt-in confirmation, not Twilio's "re-subscribed" text.
    assert result.reply is not None and "successfully been subscribed" in result.reply
    assert "4 msgs/month" in result.reply and "STOP" in result.reply


def test_stop_is_honoured_immediately_and_confirmed_once(ledger: ConsentLedger) -> None:
    ledger.record(event(A.OPT_IN, source=ConsentSource.WEB_FORM))
    first = ledger.handle_inbound(PHONE, "Acme", "STOP", at=T0 + timedelta(minutes=1))
    assert first.status.state is S.OPTED_OUT
    assert first.reply is not None and "unsubscribed" in first.reply
    second = ledger.handle_inbound(PHONE, "Acme", "stop", at=T0 + timedelta(minutes=2))
    assert second.status.state is S.OPTED_OUT and second.reply is None


def test_state_is_derived_from_the_stored_log(store: Store, ledger: ConsentLedger) -> None:
    ledger.handle_inbound(PHONE, "Acme", "START", at=T0)
    ledger.handle_inbound(PHONE, "Acme", "END", at=T0 + timedelta(minutes=1))
    rows = store.consent_events(PHONE, "Acme")
    assert [r.action for r in rows] == ["opt_in", "opt_out"]
    assert rows[1].kind == "keyword:END" and rows[1].evidence == "END"
    assert ConsentLedger(store).status(PHONE, "Acme").state is S.OPTED_OUT


def test_start_after_opt_out_re_opts_in_with_confirmation(ledger: ConsentLedger) -> None:
    ledger.handle_inbound(PHONE, "Acme", "STOP", at=T0)
    result = ledger.handle_inbound(PHONE, "Acme", "unstop", at=T0 + timedelta(minutes=1))
    assert result.status.state is S.RE_OPTED_IN
    assert result.reply is not None and "re-subscribed" in result.reply


def test_toll_free_block_lifts_with_start_or_unstop_but_not_yes(store: Store) -> None:
    ledger = ConsentLedger(store, toll_free=True)
    ledger.handle_inbound(PHONE, "Acme", "STOP", at=T0)
    ignored = ledger.handle_inbound(PHONE, "Acme", "YES", at=T0 + timedelta(minutes=1))
    assert ignored.status.state is S.OPTED_OUT and ignored.event is None and ignored.reply is None
    lifted = ledger.handle_inbound(PHONE, "Acme", "UNSTOP", at=T0 + timedelta(minutes=2))
    assert lifted.status.state is S.RE_OPTED_IN


def test_twilio_opt_out_type_wins_over_local_matching(ledger: ConsentLedger) -> None:
    # A custom Advanced Opt-Out keyword Twilio knows and we don't: Twilio already blocked.
    result = ledger.handle_inbound(PHONE, "Acme", "BASTA", at=T0, opt_out_type="STOP")
    assert result.status.state is S.OPTED_OUT
    assert result.event is not None and result.event.kind == "keyword:BASTA"


def test_opt_out_by_email_or_phone_is_recordable(ledger: ConsentLedger) -> None:
    ledger.record(event(A.OPT_IN, source=ConsentSource.POINT_OF_SALE))
    status = ledger.record_opt_out(
        PHONE, "Acme", ConsentSource.EMAIL, "email 2 Mar", "ana", at=T0 + timedelta(hours=1)
    )
    assert status.state is S.OPTED_OUT
    assert status.steps[-1].event.source is ConsentSource.EMAIL


def test_the_ledger_refuses_a_disallowed_transition(ledger: ConsentLedger) -> None:
    ledger.handle_inbound(PHONE, "Acme", "STOP", at=T0)
    with pytest.raises(LocalizedError, match="opted out"):
        ledger.request_confirmation(PHONE, "Acme", ConsentSource.IVR, "ivr", at=T0)


def test_scopes_are_independent(ledger: ConsentLedger) -> None:
    ledger.handle_inbound(PHONE, "Acme", "STOP", at=T0)
    assert ledger.status(PHONE, "Other brand").state is S.UNKNOWN


def test_numbers_are_keyed_in_e164(ledger: ConsentLedger) -> None:
    ledger.handle_inbound("+1 (415) 555-0100", "Acme", "STOP", at=T0)
    assert ledger.status(PHONE, "Acme").state is S.OPTED_OUT
    with pytest.raises(InvalidNumber):
        ledger.status("not a number", "Acme")


def test_possible_revocation_is_queued_for_review_by_default(ledger: ConsentLedger) -> None:
    ledger.record(event(A.OPT_IN, source=ConsentSource.WEB_FORM))
    result = ledger.handle_inbound(PHONE, "Acme", "please stop texting me", at=T0)
    assert result.status.state is S.OPTED_IN
    assert result.status.needs_review and not result.status.can_send
    # FCC 24-24: honour within 10 business days (Mon 2 Mar 2026 -> Mon 16 Mar 2026).
    assert str(result.status.review_due) == "2026-03-16"
    assert result.reply is None


def test_possible_revocation_can_be_applied_automatically(store: Store) -> None:
    ledger = ConsentLedger(store, revocation_policy=RevocationPolicy.APPLY)
    result = ledger.handle_inbound(PHONE, "Acme", "Remove me from your list", at=T0)
    assert result.status.state is S.OPTED_OUT
    assert result.event is not None and result.event.source is ConsentSource.SMS_REPLY


@pytest.mark.parametrize(
    "text", ["Stop by the store tomorrow?", "Cancel my order", "End of the month works"]
)
def test_ordinary_replies_do_not_opt_out_under_the_apply_policy(store: Store, text: str) -> None:
    # The issue: fixed-phrase matching opted these customers out and texted a confirmation.
    ledger = ConsentLedger(store, revocation_policy=RevocationPolicy.APPLY)
    ledger.record(event(A.OPT_IN, source=ConsentSource.WEB_FORM))
    result = ledger.handle_inbound(PHONE, "Acme", text, at=T0)
    assert result.status.state is S.OPTED_IN and result.event is None and result.reply is None


def test_a_revocation_in_other_words_is_applied_and_confirmed_in_its_language(store: Store) -> None:
    ledger = ConsentLedger(store, revocation_policy=RevocationPolicy.APPLY)
    ledger.record(event(A.OPT_IN, source=ConsentSource.WEB_FORM))
    result = ledger.handle_inbound(PHONE, "Acme", "tolong jangan kirim sms lagi", at=T0)
    assert result.status.state is S.OPTED_OUT
    assert result.event is not None and result.event.kind == "revocation:jangan kirim"
    assert result.reply_language == "id" and result.reply is not None and "MULAI" in result.reply


def test_a_review_is_closed_by_dismissal_or_opt_out(ledger: ConsentLedger) -> None:
    ledger.record(event(A.OPT_IN, source=ConsentSource.WEB_FORM))
    ledger.handle_inbound(PHONE, "Acme", "STOP PLEASE", at=T0)
    status = ledger.dismiss_review(PHONE, "Acme", "asked about a bill", "ana", at=T0)
    assert not status.needs_review and status.can_send


def test_ten_business_days_skip_weekends() -> None:
    assert business_days_after(datetime(2026, 3, 6).date(), 10).isoformat() == "2026-03-20"


# --- auto-replies -------------------------------------------------------------------------------


def test_default_replies_are_twilios_when_no_programme_is_given() -> None:
    assert auto_reply(ReplyKind.OPT_OUT) == (
        "You have successfully been unsubscribed. You will not receive any more messages from "
        "this number. Reply START to resubscribe."
    )
    assert auto_reply(ReplyKind.OPT_IN) == (
        "You have successfully been re-subscribed to messages from this number. Reply HELP for "
        "help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
    )
    assert auto_reply(ReplyKind.HELP) == "Reply STOP to unsubscribe. Msg&Data Rates May Apply."


def test_help_reply_carries_the_ctia_disclosures() -> None:
    text = auto_reply(ReplyKind.HELP, "en", Program("Acme", "4 msgs/month", "support@acme.test"))
    for part in ("Acme", "4 msgs/month", "support@acme.test", "STOP", "Msg&Data Rates May Apply"):
        assert part in text


@pytest.mark.parametrize("language", ["es", "fr", "de", "pt", "id"])
def test_replies_are_localised(language: str) -> None:
    assert language in reply_languages()
    for kind in ReplyKind:
        assert auto_reply(kind, language, Program("Acme")) != auto_reply(
            kind, "en", Program("Acme")
        )


def test_reply_follows_the_keyword_language(ledger: ConsentLedger) -> None:
    result = ledger.handle_inbound(PHONE, "Acme", "BERHENTI", at=T0)
    assert result.reply_language == "id"
    assert result.reply is not None and "MULAI" in result.reply


def test_unknown_reply_language_falls_back_to_english() -> None:
    assert auto_reply(ReplyKind.HELP, "xx") == auto_reply(ReplyKind.HELP, "en")


# --- audit trail --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+14155550100", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_kept() -> None:
    assert safe_cell("STOP") == "STOP" and safe_cell("") == ""


def test_audit_csv_has_one_row_per_event_and_is_injection_safe(ledger: ConsentLedger) -> None:
    ledger.handle_inbound(PHONE, "Acme", "START", at=T0)
    ledger.record_opt_out(
        PHONE, "Acme", ConsentSource.EMAIL, '=HYPERLINK("http://evil")', "@bob", at=T0
    )
    buffer = io.StringIO()
    assert write_audit_csv(ledger.audit(), buffer) == 2
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == AUDIT_COLUMNS
    assert rows[0]["phone"] == "'+14155550100"
    assert rows[1]["evidence"].startswith("'=") and rows[1]["actor"] == "'@bob"
    assert (rows[1]["state_before"], rows[1]["state_after"]) == ("opted_in", "opted_out")
    assert rows[0]["event_id"] and rows[0]["occurred_at"].startswith("2026-03-02T15:00")
    for row in rows:
        assert not any(v[:1] in ("=", "+", "-", "@") for v in row.values())


def test_unknown_action_in_the_store_is_reported_with_its_id(store: Store) -> None:
    from smskit.store.records import NewConsentEvent

    store.append_consent_event(NewConsentEvent(PHONE, "Acme", "subscribe", "keyword", T0))
    with pytest.raises(LocalizedError, match="Consent event 1"):
        ConsentLedger(store).status(PHONE, "Acme")


# --- importing consent history (bad input: every row accounted for) ------------------------------


def test_import_records_good_rows_and_names_bad_ones(ledger: ConsentLedger) -> None:
    from smskit.consent.history import import_consent

    rows = [
        {"phone": "+1 415 555 0100", "action": "opt_in", "occurred_at": "2026-01-05T10:00:00Z"},
        {"phone": "not a phone", "action": "opt_in", "occurred_at": "2026-01-05T10:00:00Z"},
        {"phone": "+14155550101", "action": "subscribe", "occurred_at": "2026-01-05T10:00:00Z"},
        {"phone": "+14155550102", "action": "opt_in", "occurred_at": "2026-01-05 10:00"},
        {"phone": "+14155550103", "action": "opt_in", "occurred_at": "yesterday"},
    ]
    report = import_consent(ledger, rows, scope="Acme")
    assert report.recorded == 1
    assert [i.row for i in report.rejected] == [3, 4, 5, 6]
    assert "UTC offset" in str(report.rejected[2].reason)
    assert ledger.status(PHONE, "Acme").state is S.OPTED_IN
    assert ledger.status(PHONE, "Acme").steps[0].event.source is ConsentSource.IMPORT


def test_import_duplicates_are_skipped_and_conflicts_resolve_to_opt_out(
    ledger: ConsentLedger,
) -> None:
    from smskit.consent.history import import_consent

    at = "2026-01-05T10:00:00+07:00"
    rows = [
        {"phone": PHONE, "action": "opt_out", "occurred_at": at, "evidence": "call centre"},
        {"phone": PHONE, "action": "opt_in", "occurred_at": at, "evidence": "old CRM"},
        {"phone": PHONE, "action": "opt_in", "occurred_at": at, "evidence": "old CRM again"},
    ]
    report = import_consent(ledger, rows, scope="Acme")
    assert report.recorded == 2
    assert [i.row for i in report.duplicates] == [4]
    assert [i.row for i in report.conflicts] == [2, 3]
    status = ledger.status(PHONE, "Acme")
    assert status.state is S.OPTED_OUT
    assert [s.event.action for s in status.steps] == [A.OPT_IN, A.OPT_OUT]


def test_import_csv_with_bom_semicolons_and_bad_encoding(tmp_path: object) -> None:
    from pathlib import Path

    from smskit.consent.history import read_consent_csv

    folder = Path(str(tmp_path))
    good = folder / "good.csv"
    good.write_bytes("\ufeffphone;action;evidence\n+14155550100;opt_out;Zoë\n".encode())
    assert read_consent_csv(good) == [
        {"phone": "+14155550100", "action": "opt_out", "evidence": "Zoë"}
    ]
    latin = folder / "latin.csv"
    latin.write_bytes("phone,action,evidence\n+14155550100,opt_out,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(LocalizedError, match="not UTF-8: byte 0xeb"):
        read_consent_csv(latin)
    nophone = folder / "nophone.csv"
    nophone.write_text("number,action\n1,opt_in\n", encoding="utf-8")
    with pytest.raises(LocalizedError, match="no 'phone' column"):
        read_consent_csv(nophone)
    ragged = folder / "ragged.csv"
    ragged.write_text("phone,action\n+14155550100,opt_in,extra\n", encoding="utf-8")
    with pytest.raises(LocalizedError, match="Row 2"):
        read_consent_csv(ragged)

"""The Consent & Compliance dashboard, headless: conversation, keywords, quiet hours, inspector."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.consent import render as R
from smskit_widgets.consent.dashboard import (
    DEMO_PHONE,
    ConsentExplainer,
    DoubleOptInDemo,
    KeywordTester,
    PreflightChecker,
    QuietHoursPlanner,
)
from smskit_widgets.consent.inspector import ConsentInspector

from smskit.compliance.preflight import PlannedMessage, preflight, recipient
from smskit.compliance.quiet_hours import who_may_be_texted
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, ConsentState, fold
from smskit.consent.keywords import classify_reply, default_keywords
from smskit.consent.ledger import ConsentLedger
from smskit.store.database import Store


@pytest.fixture
def indonesian() -> Iterator[None]:
    LANGUAGE.lang = "id"
    yield
    LANGUAGE.lang = "en"


@pytest.fixture
def ledger() -> ConsentLedger:
    return ConsentLedger(Store.open("sqlite://"))


def reply(demo: DoubleOptInDemo, text: str) -> None:
    demo.reply.value = text
    demo.send.click()


def test_double_opt_in_conversation(ledger: ConsentLedger) -> None:
    demo = DoubleOptInDemo(ledger)
    assert demo.consent.state is ConsentState.UNKNOWN
    demo.sign_up.click()
    assert demo.consent.state is ConsentState.PENDING
    assert "Reply YES" in demo.conversation.value
    reply(demo, "Yes")
    assert demo.consent.state is ConsentState.OPTED_IN
    assert "smskit-consent-state-opted_in" in demo.state.value
    reply(demo, "STOP")
    assert demo.consent.state is ConsentState.OPTED_OUT
    assert "smskit-consent-state-opted_out" in demo.state.value
    assert "unsubscribed" in demo.conversation.value
    reply(demo, "START")
    assert demo.consent.state is ConsentState.RE_OPTED_IN
    assert demo.reply.value == ""


def test_sign_up_by_ivr_is_recorded_with_its_source(ledger: ConsentLedger) -> None:
    demo = DoubleOptInDemo(ledger)
    demo.method.value = "ivr"
    demo.sign_up.click()
    assert demo.consent.state is ConsentState.PENDING
    assert demo.consent.steps[-1].event.source.value == "ivr"
    assert "IVR" in demo.conversation.value


def test_revocation_policy_switch_applies_free_text_opt_out(ledger: ConsentLedger) -> None:
    demo = DoubleOptInDemo(ledger)
    demo.sign_up.click()
    reply(demo, "YES")
    reply(demo, "please stop texting me")
    assert demo.consent.state is ConsentState.OPTED_IN and demo.consent.needs_review
    demo.policy.value = "apply"
    reply(demo, "remove me from your list")
    assert demo.consent.state is ConsentState.OPTED_OUT


def test_disallowed_action_shows_an_error_not_a_traceback(ledger: ConsentLedger) -> None:
    demo = DoubleOptInDemo(ledger)
    reply(demo, "STOP")
    demo.sign_up.click()  # a confirmation request to an opted-out number is refused
    assert "smskit-status-error" in demo.status.value
    assert "opted out" in demo.status.value
    assert demo.consent.state is ConsentState.OPTED_OUT


def test_keyword_tester_classifies_across_languages() -> None:
    w = KeywordTester()
    w.reply.value = " berhenti! "
    assert w.match.kind.value == "opt_out" and w.match.languages == ("id",)
    assert "smskit-keyword-hit" in w.result.value and "BERHENTI" in w.result.value
    w.reply.value = "STOP PLEASE"
    assert w.match.kind.value == "none" and w.match.possible_revocation
    assert "possible revocation" in w.result.value


def test_quiet_hours_planner_shows_who_may_be_texted() -> None:
    # 14:00 UTC: 09:00 in New York (allowed), 21:00 in Jakarta (not allowed).
    w = QuietHoursPlanner(at=datetime(2026, 1, 5, 14, tzinfo=UTC))
    w.recipients.value = ["New York", "Jakarta"]
    allowed = [r.allowed_now for r in w.windows]
    assert allowed == [True, False]
    assert w.table.value.count("data-allowed='true'") == 1
    assert "<svg" in w.chart.value
    w.offset.value = 12  # 02:00 UTC: 21:00 New York (closed), 09:00 Jakarta (open)
    assert [r.allowed_now for r in w.windows] == [False, True]


def test_quiet_hours_planner_adds_a_number_and_rejects_a_bad_one() -> None:
    w = QuietHoursPlanner(at=datetime(2026, 1, 5, 14, tzinfo=UTC))
    w.recipients.value = ["New York"]
    w.number.value = "+33 6 12 34 56 78"
    w.add.click()
    assert [r.phone for r in w.windows] == ["+12125550123", "+33612345678"]
    w.number.value = "12345"
    w.add.click()
    # Said under the field it was typed in; no "default country" (this tool has no such field).
    said = w.add_feedback.value
    assert "smskit-status-error" in said and "12345" in said, said
    assert "write it with + and the country code" in said and "default country" not in said
    assert len(w.windows) == 2
    w.number.value = "+6281234567891"
    w.add.click()
    assert w.add_feedback.value == "" and len(w.windows) == 3


def test_preflight_checker_follows_the_demo_consent(
    ledger: ConsentLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit_widgets.common.timezone import USER_ZONE

    monkeypatch.setattr(USER_ZONE, "zone", "Asia/Jakarta")  # the user's zone, not the machine's
    # Tuesday 3 Mar 2026, 14:00 in San Francisco (the demo number's zone).
    w = PreflightChecker(ledger, at=datetime(2026, 3, 3, 22, tzinfo=UTC))
    w.check.click()
    assert w.result is not None and not w.result.allowed
    assert "smskit-finding-block" in w.findings.value and "Cannot be scheduled" in w.findings.value
    ledger.handle_inbound(DEMO_PHONE, "Acme", "START")
    w.check.click()
    assert w.result.allowed and "No findings" in w.findings.value
    # 22:00 UTC is 05:00 the next day in Jakarta: local time, with the zone named.
    assert "Wed, Mar 4, 2026 05:00 (Western Indonesia Time, Asia/Jakarta)" in w.findings.value
    w.sender.value = "short_code"
    w.to.value = "+6281234567890"
    w.check.click()
    assert "geo.short_code_abroad" in [f.code for f in w.result.findings]


def test_inspector_shows_the_timeline_and_a_safe_csv(ledger: ConsentLedger) -> None:
    ledger.handle_inbound("+14155550100", "Acme", "START")
    ledger.handle_inbound("+14155550100", "Acme", "STOP")
    w = ConsentInspector(ledger=ledger, scope="Acme")
    w.inspect("+1 415 555 0100")
    assert w.consent is not None and w.consent.state is ConsentState.OPTED_OUT
    assert w.timeline.value.count("<tr>") == 3  # header + two events
    payload = w.download.value.split("base64,")[1].split("'")[0]
    csv_text = base64.b64decode(payload).decode()
    assert "'+14155550100" in csv_text and "opted_out" in csv_text


def test_inspector_reports_a_bad_number_in_plain_words(ledger: ConsentLedger) -> None:
    w = ConsentInspector(ledger=ledger)
    w.inspect("hello")
    assert "smskit-status-error" in w.status.value and "Traceback" not in w.status.value
    assert w.consent is None


def test_inspector_accepts_a_store() -> None:
    store = Store.open("sqlite://")
    w = ConsentInspector(store, phone="+14155550100")
    assert w.store is store and w.consent is not None
    assert w.consent.state is ConsentState.UNKNOWN


def test_the_dashboard_wires_demo_and_inspector_together() -> None:
    real = Store.open("sqlite://")
    w = ConsentExplainer(store=real)
    assert "Consent &amp; Compliance" in w.header.title.value
    w.demo.reply.value = "STOP"
    w.demo.send.click()
    assert w.practice_inspector.consent is not None
    assert w.practice_inspector.consent.state is ConsentState.OPTED_OUT
    assert w.practice_inspector.phone.value == DEMO_PHONE
    # Practice never reaches the real records.
    assert real.consent_events(DEMO_PHONE) == []
    assert "Practice mode" in w.practice_title.value


def test_the_inspector_reads_the_real_store_that_campaigns_write() -> None:
    real = Store.open("sqlite://")
    # What a Campaign Sender import writes: an opt-in for the campaign's consent scope.
    ConsentLedger(real).record(
        ConsentEvent(
            "+14155550100",
            "Spring Sale",
            ConsentAction.OPT_IN,
            ConsentSource.IMPORT,
            datetime(2026, 11, 2, tzinfo=UTC),
            "row 2 of contacts.csv",
        )
    )
    w = ConsentExplainer(store=real)
    assert w.inspector.scope.value == "Spring Sale"  # the scope last used, offered first
    w.inspector.inspect("+1 415 555 0100")
    assert w.inspector.consent is not None
    assert w.inspector.consent.state is ConsentState.OPTED_IN
    assert "row 2 of contacts.csv" in w.inspector.timeline.value


def test_language_switch_keeps_the_demo_choices(ledger: ConsentLedger) -> None:
    demo = DoubleOptInDemo(ledger)
    demo.policy.value, demo.method.value = "apply", "ivr"
    LANGUAGE.lang = "id"
    try:
        assert (demo.policy.value, demo.method.value) == ("apply", "ivr")
        assert demo.ledger.revocation_policy.value == "apply"
    finally:
        LANGUAGE.lang = "en"


def test_dashboard_switches_to_indonesian(indonesian: None) -> None:
    w = ConsentExplainer()
    assert "Persetujuan &amp; Kepatuhan" in w.header.title.value
    assert w.demo.send.description == "Kirim balasan"
    assert "Ikut serta" in w.keywords.result.value or "Berhenti" in w.keywords.result.value


# --- pure renderers -------------------------------------------------------------


def test_state_badge_has_stable_classes() -> None:
    badge = R.state_badge(ConsentState.OPTED_OUT)
    assert "smskit-consent-state smskit-consent-state-opted_out" in badge
    assert 'data-state="opted_out"' in badge


def test_conversation_escapes_html() -> None:
    out = R.conversation_html([("in", "<script>x</script>")])
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_keyword_table_lists_every_language() -> None:
    out = R.keyword_result_html(classify_reply("ya"), default_keywords())
    for language in ("en", "es", "fr", "de", "pt", "id"):
        assert f"<b>{language}</b>" in out


def test_findings_render_translated_reasons(indonesian: None) -> None:
    result = preflight(PlannedMessage("Hi"), recipient("+12125550123"), None)
    out = R.findings_html(result)
    assert "Tidak ada catatan" in out and "smskit-finding-block" in out


def test_timeline_for_no_events() -> None:
    assert "No consent events" in R.timeline_html(fold([], "+14155550100", "Acme"))


def test_quiet_chart_is_inline_svg() -> None:
    at = datetime(2026, 1, 5, 14, tzinfo=UTC)
    rows = list(zip(["NY"], who_may_be_texted(["+12125550123"], at), strict=True))
    svg = R.quiet_chart_svg(rows, at, 24)
    assert svg.startswith("<div class='smskit-quiet-chart'><svg")

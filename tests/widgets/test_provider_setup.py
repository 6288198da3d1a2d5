"""Provider Setup wizard, headless: every step against a real simulator, and the pure renderers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.provider_setup import render as R
from smskit_widgets.provider_setup.dashboard import SIMULATOR, TWILIO, ProviderSetup

from smskit import simulator as sim
from smskit.providers import AccountInfo, MessageRecord, NumberPrice, OwnedNumber
from smskit.providers.credentials import ConnectionVerdict, Text


@pytest.fixture(scope="module")
def handle() -> Iterator[Any]:
    with sim.start(step_delay=0.05, rate_limits=False) as running:
        yield running


@pytest.fixture
def wizard(handle: Any) -> ProviderSetup:
    return ProviderSetup(handle, poll_interval=0.02)


def connect_simulator(w: ProviderSetup) -> None:
    w.mode.value = SIMULATOR
    w.connect_button.click()
    assert w.provider is not None, w.status.value


def test_starts_on_step_one_with_later_steps_hidden(wizard: ProviderSetup) -> None:
    assert wizard.mode.value == SIMULATOR
    assert wizard.connected_steps.layout.display == "none"
    assert wizard.credential_fields.layout.display == "none"  # simulator: nothing to type


def test_simulator_connects_and_lists_its_numbers(wizard: ProviderSetup) -> None:
    connect_simulator(wizard)
    assert "smskit-provider-verdict-ok" in wizard.verdict.value
    assert wizard.connected_steps.layout.display == ""
    assert "+15005550006" in wizard.numbers.value
    assert wizard.from_number.value == "+15005550006"


def test_search_and_buy_on_the_simulator_needs_no_confirmation(
    wizard: ProviderSetup, handle: Any
) -> None:
    connect_simulator(wizard)
    wizard.country.value, wizard.area_code.value, wizard.number_type.value = "US", "212", "local"
    wizard.search_button.click()
    assert wizard.results.options, wizard.status.value
    wizard.results.value = wizard.results.options[0][1]
    chosen = wizard.results.value
    wizard.buy_button.click()
    assert wizard.confirm_box.layout.display == "none"
    assert chosen in wizard.bought.value
    assert chosen in {n.phone_number for n in handle.numbers()}
    assert chosen in wizard.from_number.options


def test_test_message_status_changes_live_until_delivered(
    wizard: ProviderSetup, handle: Any
) -> None:
    connect_simulator(wizard)
    wizard.to.value = "+14155550123"
    wizard.body.value = "Hello from the wizard"
    wizard.send_button.click()
    assert wizard.message is not None, wizard.status.value
    wizard.wait_until_final(15)
    assert wizard.message.status == "delivered"
    assert wizard.history[0] == "queued" and wizard.history[-1] == "delivered"
    assert len(wizard.history) >= 2  # watched it change, not just the end state
    assert 'data-status="delivered"' in wizard.timeline.value
    assert handle.message(wizard.message.sid).body == "Hello from the wizard"


def test_refused_send_is_shown_in_plain_words(wizard: ProviderSetup) -> None:
    connect_simulator(wizard)
    wizard.to.value = "+15005550001"  # Twilio's magic "invalid number"
    wizard.send_button.click()
    assert "21211" in wizard.send_feedback.value
    assert "Traceback" not in wizard.send_feedback.value
    assert wizard.message is None and "data-status" not in wizard.timeline.value


def test_a_success_after_a_failure_clears_the_error_and_the_old_timeline(
    wizard: ProviderSetup,
) -> None:
    connect_simulator(wizard)
    wizard.body.value = "first"
    wizard.send_button.click()
    wizard.wait_until_final()
    first = wizard.message.sid
    assert 'data-status="delivered"' in wizard.timeline.value
    wizard.to.value = "+15005550001"  # invalid: the first message's timeline must go
    wizard.send_button.click()
    assert "21211" in wizard.send_feedback.value and first not in wizard.timeline.value
    wizard.to.value = "+14155550100"
    wizard.send_button.click()
    wizard.wait_until_final()
    assert wizard.send_feedback.value == ""  # no stale "not a valid phone number"
    assert 'data-status="delivered"' in wizard.timeline.value


def test_a_failed_search_clears_the_previous_results(wizard: ProviderSetup) -> None:
    connect_simulator(wizard)
    wizard.country.value = "GB"
    wizard.search_button.click()
    assert wizard.results.options
    wizard.country.value = "XX"
    wizard.search_button.click()
    assert wizard.search_feedback.kind == "error" and "XX" in wizard.search_feedback.value
    assert wizard.results.options == () and wizard.search_summary.value == ""


def test_real_account_flow_checks_format_before_any_request(wizard: ProviderSetup) -> None:
    wizard.mode.value = TWILIO
    assert wizard.credential_fields.layout.display == ""
    wizard.account_sid.value, wizard.auth_token.value = "AC123", "secret-ish"
    wizard.connect_button.click()
    assert "Account SID" in wizard.connect_feedback.value
    assert wizard.provider is None


def test_wrong_token_gives_a_verdict_and_never_shows_the_token(handle: Any) -> None:
    w = ProviderSetup(handle, twilio_base_url=handle.url)
    w.mode.value = TWILIO
    wrong = "0123456789abcdef" * 2
    w.account_sid.value, w.auth_token.value = handle.account_sid, wrong
    w.connect_button.click()
    assert "smskit-provider-verdict-wrong_credentials" in w.verdict.value
    assert w.provider is None
    assert w.auth_token.value == ""  # cleared from the widget state once read
    assert wrong not in w.verdict.value + w.status.value


def test_real_account_purchase_needs_explicit_confirmation(handle: Any) -> None:
    # "My Twilio account" pointed at the simulator's URL: the real-account code path, no bill.
    w = ProviderSetup(handle, twilio_base_url=handle.url)
    w.mode.value = TWILIO
    w.account_sid.value, w.auth_token.value = handle.account_sid, handle.auth_token
    w.connect_button.click()
    assert w.provider is not None, w.verdict.value + w.status.value
    w.area_code.value = "415"
    w.search_button.click()
    w.results.value = w.results.options[0][1]
    chosen = w.results.value
    w.buy_button.click()
    assert w.confirm_box.layout.display == ""
    assert chosen in w.confirm.value and "smskit-provider-monthly-price" in w.confirm.value
    assert "per month" in w.confirm.value  # the simulator's Pricing API gives the rental
    assert chosen not in {n.phone_number for n in handle.numbers()}  # nothing bought yet
    w.cancel_button.click()
    assert chosen not in {n.phone_number for n in handle.numbers()}
    w.buy_button.click()
    w.confirm_button.click()
    assert chosen in {n.phone_number for n in handle.numbers()}


def test_saved_credentials_are_used_without_showing_the_token(
    handle: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", handle.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", handle.auth_token)
    w = ProviderSetup(handle, twilio_base_url=handle.url)
    w.mode.value = TWILIO
    assert w.account_sid.value == handle.account_sid
    assert "Saved credentials found" in w.connect_feedback.value
    w.connect_button.click()  # token field left empty
    assert w.provider is not None, w.verdict.value + w.status.value
    shown = " ".join(str(getattr(c, "value", "")) for c in (w.auth_token, w.verdict, w.status))
    assert handle.auth_token not in shown


def test_trial_account_is_explained_before_the_first_send(handle: Any) -> None:
    handle.configure(trial=True, verified_numbers=["+14155550177"])
    try:
        w = ProviderSetup(handle, poll_interval=0.02)
        connect_simulator(w)
        assert w.trial
        assert "smskit-provider-verdict-trial" in w.verdict.value
        assert "Sent from your Twilio trial account" in w.trial_note.value
        w.to.value = "+14155550178"  # not verified
        w.send_button.click()
        assert "21608" in w.send_feedback.value
    finally:
        handle.configure(trial=False)


def test_language_switch_relabels(wizard: ProviderSetup) -> None:
    LANGUAGE.lang = "id"
    try:
        assert wizard.send_button.description == "Kirim pesan uji"
        assert "Kredensial" in wizard.titles[1].value
    finally:
        LANGUAGE.lang = "en"
    assert wizard.send_button.description == "Send test message"


# -- pure renderers ---------------------------------------------------------------------------


def test_confirmation_shows_the_monthly_price() -> None:
    price = NumberPrice("US", "local", Decimal("1.15"), "USD")
    out = R.confirmation_html("+13055550100", price)
    assert "$1.15 per month (Local)" in out and "+13055550100" in out


def test_confirmation_without_price_says_so() -> None:
    assert "twilio.com/pricing" in R.confirmation_html("+1", None)


def test_trial_verdict_mentions_prefix_and_verified_numbers() -> None:
    account = AccountInfo("AC" + "0" * 32, "Shop", "Trial", "active")
    verdict = ConnectionVerdict("trial", Text("Connected to a trial account"), account=account)
    out = R.verdict_html(verdict)
    assert "smskit-provider-verdict-trial" in out and "(trial account)" in out


def test_numbers_table_escapes_names() -> None:
    out = R.numbers_html([OwnedNumber("PN1", "+15005550006", "<b>shop</b>")])
    assert "&lt;b&gt;shop" in out and "smskit-provider-number" in out
    assert "smskit-provider-empty" in R.numbers_html([])


def test_timeline_shows_error_meaning() -> None:
    record = MessageRecord("SM1", "+1", "+2", "x", "undelivered", error_code=30003)
    out = R.timeline_html(["queued", "sent", "undelivered"], record)
    assert "smskit-provider-step-undelivered" in out and "30003" in out


def test_a_slow_connection_test_says_checking_while_it_runs(
    wizard: ProviderSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real-looking account with no network answers after seconds: the page says so meanwhile.
    from smskit_widgets.provider_setup import dashboard

    seen: list[str] = []
    real = dashboard.connect_simulator

    def slow(simulator: Any) -> Any:
        seen.append(wizard.connect_feedback.value)  # what the page shows during the check
        return real(simulator)

    monkeypatch.setattr(dashboard, "connect_simulator", slow)
    wizard.connect_button.click()
    assert seen and "Checking…" in seen[0] and "smskit-busy" in seen[0]
    # Shown only after 300 ms (CSS), so quick checks never flicker; cleared when done.
    assert "animation:smskit-appear 0s linear 300ms" in seen[0]
    assert wizard.connect_feedback.value == "" and wizard.provider is not None

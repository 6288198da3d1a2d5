"""Provider Setup with "My Vonage account", headless, against the simulator speaking Vonage: twins
of the Twilio account tests (format check, wrong secret, numbers, confirmed purchase, live status).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.provider_setup.dashboard import VONAGE, VONAGE_SIMULATOR, ProviderSetup

from smskit import simulator as sim
from smskit.providers.vonage import VonageProvider


@pytest.fixture(scope="module")
def handle() -> Iterator[Any]:
    with sim.start(step_delay=0.05, rate_limits=False) as running:
        yield running


def vonage_wizard(handle: Any) -> ProviderSetup:
    w = ProviderSetup(handle, vonage_base_url=handle.url, poll_interval=0.05)
    w.mode.value = VONAGE
    return w


def test_vonage_fields_are_labelled_and_format_checked(handle: Any) -> None:
    w = vonage_wizard(handle)
    assert w.credential_fields.layout.display == ""
    assert w.save_to.layout.display != "none"  # saved like Twilio's: keyring, file or not at all
    assert (w.account_sid.description, w.auth_token.description) == ("API key", "API secret")
    w.account_sid.value, w.auth_token.value = "abc", "whatever123"
    w.connect_button.click()
    assert "API key: expected 8" in w.connect_feedback.value and w.provider is None
    LANGUAGE.lang = "id"
    try:
        assert "Akun Vonage saya" in [label for label, _ in w.mode.options]
    finally:
        LANGUAGE.lang = "en"


def test_wrong_vonage_secret_gives_a_verdict_and_never_shows_it(handle: Any) -> None:
    w = vonage_wizard(handle)
    wrong = "Wrong0secret000"
    w.account_sid.value, w.auth_token.value = handle.vonage_api_key, wrong
    w.connect_button.click()
    assert "smskit-provider-verdict-wrong_credentials" in w.verdict.value
    assert "Vonage did not accept" in w.verdict.value
    assert w.provider is None and w.auth_token.value == ""
    assert wrong not in w.verdict.value + w.status.value


def test_vonage_account_numbers_purchase_and_live_test_message(handle: Any) -> None:
    w = vonage_wizard(handle)
    w.account_sid.value, w.auth_token.value = handle.vonage_api_key, handle.vonage_api_secret
    w.connect_button.click()
    assert isinstance(w.provider, VonageProvider), w.verdict.value + w.status.value
    assert "+15005550006" in w.numbers.value
    w.country.value, w.area_code.value, w.number_type.value = "US", "415", "local"
    w.search_button.click()
    assert w.results.options, w.status.value
    w.results.value = w.results.options[0][1]
    chosen = w.results.value
    w.buy_button.click()
    assert w.confirm_box.layout.display == ""  # a real account confirms the monthly price
    assert "per month" in w.confirm.value and "billed by Vonage" in w.confirm.value
    assert "Twilio" not in w.confirm.value  # a Vonage number is not bought on a Twilio account
    assert chosen not in {n.phone_number for n in handle.numbers()}
    w.confirm_button.click()
    assert chosen in {n.phone_number for n in handle.numbers()}
    w.from_number.value = chosen
    w.to.value, w.body.value = "+14155550100", "Hello from smskit through Vonage " + "x" * 150
    w.send_button.click()
    w.wait_until_final(30)
    assert w.message is not None and w.message.status == "delivered", w.status.value
    assert w.message.num_segments == 2  # two parts, two receipts, one message
    assert "delivered" in w.timeline.value


def test_vonage_refusal_is_shown_in_plain_words(handle: Any) -> None:
    w = vonage_wizard(handle)
    w.account_sid.value, w.auth_token.value = handle.vonage_api_key, handle.vonage_api_secret
    w.connect_button.click()
    w.to.value = "+15005550004"
    w.send_button.click()
    assert "barred list" in w.send_feedback.value
    assert "Traceback" not in w.send_feedback.value


def test_vonage_credentials_from_the_environment(
    handle: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VONAGE_API_KEY", handle.vonage_api_key)
    monkeypatch.setenv("VONAGE_API_SECRET", handle.vonage_api_secret)
    w = vonage_wizard(handle)
    assert w.account_sid.value == handle.vonage_api_key
    assert "found in the environment" in w.connect_feedback.value
    w.connect_button.click()  # secret left empty
    assert w.provider is not None, w.verdict.value + w.status.value
    shown = " ".join(str(getattr(c, "value", "")) for c in (w.auth_token, w.verdict, w.status))
    assert handle.vonage_api_secret not in shown


def test_start_page_names_a_vonage_account_masked() -> None:
    from pathlib import Path

    from smskit_widgets.start import render as start_render

    from smskit.deployment import describe_deployment

    env = {"VONAGE_API_KEY": "abcd1234", "VONAGE_API_SECRET": "Secret0123456789"}
    deployment = describe_deployment({**env, "SMSKIT_HOME": "/tmp/h"})
    html = start_render.environment_html(deployment)
    assert "Vonage" in html and "ab…34" in html and "smskit-mode-vonage" in html
    assert "abcd1234" not in html and "Secret0123456789" not in html
    assert deployment.home == Path("/tmp/h")


def test_the_comparison_lesson_is_shown_sourced_in_both_languages(handle: Any) -> None:
    w = vonage_wizard(handle)
    assert "Opt-Out Assist" in w.comparison.value and "developer.vonage.com" in w.comparison.value
    LANGUAGE.lang = "id"
    try:
        assert "Tanda terima pengiriman" in w.comparison.value
    finally:
        LANGUAGE.lang = "en"


def test_vonage_simulator_choice_runs_the_whole_wizard_through_the_vonage_sdk(handle: Any) -> None:
    # "Vonage (simulator)": no credentials typed; the real vonage SDK over HTTP to the simulator.
    w = ProviderSetup(handle, poll_interval=0.05)
    w.mode.value = VONAGE_SIMULATOR
    assert w.credential_fields.layout.display == "none"
    assert "official Vonage SDK" in w.note.value
    w.connect_button.click()
    assert isinstance(w.provider, VonageProvider), w.verdict.value + w.connect_feedback.value
    assert "smskit-provider-balance" in w.verdict.value and "€" in w.verdict.value
    assert "+15005550006" in w.numbers.value
    w.country.value, w.area_code.value = "US", "212"
    w.search_button.click()
    chosen = w.results.options[0][1]
    w.results.value = chosen
    w.buy_button.click()  # the simulator costs nothing: bought without a confirmation
    assert w.confirm_box.layout.display == "none" and chosen in w.numbers.value
    w.to.value, w.body.value = "+14155550123", "Part one and part two " * 9
    w.send_button.click()
    w.wait_until_final(30)
    assert w.message is not None and w.message.status == "delivered", w.send_feedback.value
    assert len(w.message.parts) == 2 and w.message.sid == w.message.parts[0][0]
    assert w.timeline.value.count("smskit-provider-part-delivered") == 2
    LANGUAGE.lang = "id"
    try:
        assert "Vonage (simulator bawaan)" in [label for label, _ in w.mode.options]
        assert "Bagian 2" in w.timeline.value and "Saldo" in w.verdict.value
    finally:
        LANGUAGE.lang = "en"


def test_vonage_credentials_saved_to_a_file_are_found_by_the_next_page(
    handle: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit.deployment import default_provider
    from smskit.providers import credentials

    for name in ("VONAGE_API_KEY", "VONAGE_API_SECRET", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.setattr(credentials, "_keyring", lambda: None)  # no OS keyring here
    w = vonage_wizard(handle)
    w.account_sid.value, w.auth_token.value = handle.vonage_api_key, handle.vonage_api_secret
    w.save_to.value = "file"
    w.connect_button.click()
    assert isinstance(w.provider, VonageProvider), w.verdict.value + w.status.value
    assert "Saved in a private file (0600)" in w.connect_feedback.value
    assert oct((tmp_path / "vonage-credentials.json").stat().st_mode & 0o777) == "0o600"
    assert isinstance(default_provider(), VonageProvider)  # campaigns now go through Vonage

    again = vonage_wizard(handle)  # a new page: the key is filled in, the secret never shown
    assert again.account_sid.value == handle.vonage_api_key
    assert "Saved credentials found" in again.connect_feedback.value
    again.connect_button.click()  # secret left empty
    assert isinstance(again.provider, VonageProvider), again.verdict.value + again.status.value
    shown = " ".join(str(getattr(c, "value", "")) for c in (again.auth_token, again.verdict))
    assert handle.vonage_api_secret not in shown + again.connect_feedback.value
    LANGUAGE.lang = "id"
    try:
        assert "Kredensial tersimpan" in vonage_wizard(handle).connect_feedback.value
    finally:
        LANGUAGE.lang = "en"


def test_switching_provider_clears_a_typed_secret(handle: Any) -> None:
    w = vonage_wizard(handle)
    w.account_sid.value, w.auth_token.value = "abc", "Secret0123456789"
    w.connect_button.click()  # refused for its format: the secret stays to be corrected
    assert w.auth_token.value == "Secret0123456789"
    w.mode.value = VONAGE_SIMULATOR
    assert w.auth_token.value == ""

"""Provider Setup in a real browser: the whole wizard against the built-in simulator."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .layout import layout_problems


def test_whole_wizard_against_the_simulator(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("provider_setup.ipynb", ".smskit-provider-setup")
    expect(page.locator(".smskit-title")).to_contain_text("Provider Setup", timeout=30_000)
    expect(page.locator(".smskit-lesson-provider_setup")).to_contain_text("Auth Token")

    # 1-2. The simulator is the default: connect, no credentials to type.
    expect(page.locator(".smskit-provider-sid input")).to_be_hidden()
    page.locator(".smskit-provider-connect").click()
    expect(page.locator(".smskit-provider-verdict-ok")).to_contain_text("Connected", timeout=30_000)

    # 3. Its numbers include Twilio's test sender.
    expect(page.locator(".smskit-provider-numbers")).to_contain_text("+15005550006")

    # 4. Search by area code and buy one: no confirmation on the simulator.
    page.locator(".smskit-provider-area-code input").fill("212")
    page.locator(".smskit-provider-search").click()
    expect(page.locator(".smskit-provider-search-summary")).to_contain_text(
        "numbers available", timeout=30_000
    )
    results = page.locator(".smskit-provider-results select")
    results.select_option(index=0)
    label = results.locator("option").first.inner_text()
    chosen = re.match(r"\+\d+", label).group(0)  # type: ignore[union-attr]
    page.locator(".smskit-provider-buy").click()
    expect(page.locator(".smskit-provider-bought")).to_contain_text(f"Bought {chosen}")
    expect(page.locator(".smskit-provider-numbers")).to_contain_text(chosen)
    # A country that does not exist: said beside Search, and the old results are gone.
    page.locator(".smskit-provider-country input").fill("XX")
    page.locator(".smskit-provider-search").click()
    search_feedback = page.locator(".smskit-provider-buy-step .smskit-feedback-search")
    expect(search_feedback).to_contain_text("Unknown country code XX", timeout=30_000)
    expect(results.locator("option")).to_have_count(0)
    expect(page.locator(".smskit-provider-search-summary")).to_have_count(0)

    # 5. A refused test message: the error beside Send, no timeline of an earlier message.
    send_feedback = page.locator(".smskit-provider-send-step .smskit-feedback-send")
    page.locator(".smskit-provider-to input").fill("+15005550001")  # Twilio's "invalid number"
    page.locator(".smskit-provider-send").click()
    expect(send_feedback).to_contain_text("21211", timeout=30_000)
    expect(page.locator(".smskit-provider-message")).to_have_count(0)
    # Then a good one: the error is gone, and its status moves to delivered, live.
    page.locator(".smskit-provider-to input").fill("+14155550199")
    page.locator(".smskit-provider-send").click()
    expect(page.locator(".smskit-provider-step-queued")).to_be_visible(timeout=30_000)
    expect(page.locator(".smskit-provider-step-delivered")).to_be_visible(timeout=30_000)
    expect(page.locator(".smskit-provider-message")).to_contain_text("+14155550199")
    expect(send_feedback).to_be_empty()
    screenshot(page, "provider_setup")
    # Every step shown (numbers, search results, the message's timeline): nothing cut or overlaid.
    problems = layout_problems(page, "provider_setup-done")
    assert not problems, "\n".join(problems)


def test_real_account_path_checks_the_format_first(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("provider_setup.ipynb", ".smskit-provider-setup")
    page.locator(".smskit-provider-mode button", has_text="My Twilio account").click()
    expect(page.locator(".smskit-provider-sid input")).to_be_visible()
    page.locator(".smskit-provider-sid input").fill("AC123")
    page.locator(".smskit-provider-token input").fill("not-a-token")
    expect(page.locator(".smskit-provider-token input")).to_have_attribute("type", "password")
    page.locator(".smskit-provider-connect").click()
    beside = page.locator(".smskit-provider-credentials-step .smskit-feedback-connect")
    expect(beside).to_contain_text("Account SID", timeout=30_000)
    expect(page.locator(".smskit-provider-verdict-ok")).to_have_count(0)
    page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia").click()
    expect(page.locator(".smskit-title")).to_contain_text("Pengaturan Penyedia", timeout=30_000)
    expect(page.locator(".smskit-provider-title-2")).to_contain_text("Kredensial")


def test_a_slow_connection_test_shows_checking(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    # Real-looking credentials: with no network (CI) the check takes seconds; meanwhile the page
    # says "Checking…" beside the button (sent at once, visible after 300 ms), then the verdict.
    page = open_dashboard("provider_setup.ipynb", ".smskit-provider-setup")
    page.locator(".smskit-provider-mode button", has_text="My Twilio account").click()
    expect(page.locator(".smskit-provider-sid input")).to_be_visible(timeout=30_000)
    page.evaluate(
        """() => { window.smskitBusySeen = false;
          new MutationObserver(() => {
            if (document.querySelector('.smskit-feedback-connect .smskit-busy'))
              window.smskitBusySeen = true;
          }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    page.locator(".smskit-provider-sid input").fill("AC" + "3" * 32)
    page.locator(".smskit-provider-token input").fill("f" * 32)
    page.locator(".smskit-provider-connect").click()
    expect(page.locator(".smskit-provider-verdict")).to_be_visible(timeout=90_000)
    assert page.evaluate("window.smskitBusySeen")
    expect(page.locator(".smskit-feedback-connect .smskit-busy")).to_have_count(0)
    expect(page.locator(".smskit-provider-verdict-ok")).to_have_count(0)

"""Provider Setup in a real browser, the Vonage twin of test_provider_setup.py: one scenario.

"My Vonage account" checks the format first and never shows the secret; "Vonage (simulator)" then
walks the whole wizard through the real ``vonage`` SDK over HTTP to the built-in simulator:
connection test with the balance, numbers, search and buy, a refused send in plain words, and a
two-part message whose per-part receipts arrive live; then the page in Bahasa Indonesia.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot
from .layout import layout_problems
from .test_indonesian_pages import _english_in


def test_vonage_wizard_account_check_then_the_whole_simulator_path(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("provider_setup.ipynb", ".smskit-provider-setup")
    expect(page.locator(".smskit-lesson-providers_compared")).to_contain_text(
        "Opt-Out Assist", timeout=30_000
    )
    # A real account: the format is checked before any request, the secret never shown.
    page.locator(".smskit-provider-mode button", has_text="My Vonage account").click()
    expect(page.locator(".smskit-provider-note")).to_contain_text("VONAGE_API_KEY")
    expect(page.locator(".smskit-provider-sid input")).to_have_attribute("placeholder", "abcd1234")
    page.locator(".smskit-provider-sid input").fill("abc")
    page.locator(".smskit-provider-token input").fill("Secret0123456789")
    expect(page.locator(".smskit-provider-token input")).to_have_attribute("type", "password")
    page.locator(".smskit-provider-connect").click()
    expect(page.locator(".smskit-feedback-connect")).to_contain_text(
        "API key: expected 8", timeout=30_000
    )
    expect(page.locator(".smskit-provider-verdict-ok")).to_have_count(0)
    expect(page.locator(".smskit-provider-setup")).not_to_contain_text("Secret0123456789")

    # 1-2. Vonage (simulator): no credentials to type; connected with the account's balance.
    page.locator(".smskit-provider-mode button", has_text="Vonage (simulator)").click()
    expect(page.locator(".smskit-provider-sid input")).to_be_hidden(timeout=30_000)
    expect(page.locator(".smskit-provider-note")).to_contain_text("official Vonage SDK")
    page.locator(".smskit-provider-connect").click()
    verdict = page.locator(".smskit-provider-verdict-ok")
    expect(verdict).to_contain_text("Connected to Vonage", timeout=30_000)
    expect(page.locator(".smskit-provider-balance")).to_contain_text("€")

    # 3. Its numbers, read through Vonage's Numbers API.
    numbers = page.locator(".smskit-provider-numbers")
    expect(numbers).to_contain_text("+15005550006", timeout=30_000)

    # 4. Search by area code and buy one (the simulator costs nothing: no confirmation).
    page.locator(".smskit-provider-area-code input").fill("212")
    page.locator(".smskit-provider-search").click()
    expect(page.locator(".smskit-provider-search-summary")).to_contain_text(
        "numbers available", timeout=30_000
    )
    results = page.locator(".smskit-provider-results select")
    results.select_option(index=0)
    chosen = re.match(r"\+\d+", results.locator("option").first.inner_text()).group(0)  # type: ignore[union-attr]
    page.locator(".smskit-provider-buy").click()
    expect(page.locator(".smskit-provider-bought")).to_contain_text(f"Bought {chosen}")
    expect(numbers).to_contain_text(chosen)

    # 5. A refused send (HTTP 200 with status 3 from Vonage) in plain words beside Send.
    send_feedback = page.locator(".smskit-provider-send-step .smskit-feedback-send")
    page.locator(".smskit-provider-to input").fill("+15005550001")
    page.locator(".smskit-provider-send").click()
    expect(send_feedback).to_contain_text("Vonage status 3", timeout=30_000)
    expect(page.locator(".smskit-provider-message")).to_have_count(0)
    # A two-part message: two message ids, a receipt each, one message delivered when both are.
    page.locator(".smskit-provider-to input").fill("+14155550199")
    page.locator(".smskit-provider-body textarea").fill("Hello from smskit through Vonage. " * 6)
    page.locator(".smskit-provider-send").click()
    expect(page.locator(".smskit-provider-step-delivered")).to_be_visible(timeout=30_000)
    expect(page.locator(".smskit-provider-message")).to_contain_text("2 segments")
    expect(page.locator(".smskit-provider-part-delivered")).to_have_count(2)
    expect(send_feedback).to_be_empty()
    screenshot(page, "provider_setup_vonage")
    # Every step shown (balance, numbers, results, the parts' receipts): nothing cut or overlaid.
    problems = layout_problems(page, "provider_setup_vonage-done")
    assert not problems, "\n".join(problems)

    # The same page in Bahasa Indonesia keeps the connection, its parts and its balance.
    page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia").click()
    expect(page.locator(".smskit-provider-mode")).to_contain_text(
        "Vonage (simulator bawaan)", timeout=30_000
    )
    expect(page.locator(".smskit-provider-parts")).to_contain_text("Bagian 2")
    expect(page.locator(".smskit-provider-balance")).to_contain_text("Saldo")
    expect(page.locator(".smskit-lesson-providers_compared")).to_contain_text("Penjadwalan")
    page.wait_for_timeout(500)  # the rest of the page follows the title
    assert not _english_in(page, ".smskit-provider-setup")
    problems = layout_problems(page, "provider_setup_vonage-id-done")
    assert not problems, "\n".join(problems)

    # "Akun Vonage saya": the longer note and the Ingat (Remember) choice, in Indonesian.
    page.locator(".smskit-provider-mode button", has_text="Akun Vonage saya").click()
    expect(page.locator(".smskit-provider-note")).to_contain_text("Di bagian Ingat", timeout=30_000)
    expect(page.locator(".smskit-provider-setup")).to_contain_text("Hanya untuk sesi ini")
    problems = layout_problems(page, "provider_setup_vonage-id-account")
    assert not problems, "\n".join(problems)

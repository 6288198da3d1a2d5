"""Provider Setup in a real browser, "My Vonage account": twin of the Twilio account path."""

from __future__ import annotations

from playwright.sync_api import expect


def test_vonage_account_path_checks_the_format_first(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("provider_setup.ipynb", ".smskit-provider-setup")
    expect(page.locator(".smskit-lesson-providers_compared")).to_contain_text(
        "Opt-Out Assist", timeout=30_000
    )
    page.locator(".smskit-provider-mode button", has_text="My Vonage account").click()
    expect(page.locator(".smskit-provider-note")).to_contain_text("VONAGE_API_KEY")
    expect(page.locator(".smskit-provider-sid input")).to_be_visible()
    expect(page.locator(".smskit-provider-sid input")).to_have_attribute("placeholder", "abcd1234")
    page.locator(".smskit-provider-sid input").fill("abc")
    page.locator(".smskit-provider-token input").fill("Secret0123456789")
    expect(page.locator(".smskit-provider-token input")).to_have_attribute("type", "password")
    page.locator(".smskit-provider-connect").click()
    expect(page.locator(".smskit-status")).to_contain_text("API key: expected 8", timeout=30_000)
    expect(page.locator(".smskit-provider-verdict-ok")).to_have_count(0)
    expect(page.locator(".smskit-provider-setup")).not_to_contain_text("Secret0123456789")
    page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia").click()
    expect(page.locator(".smskit-provider-mode")).to_contain_text(
        "Akun Vonage saya", timeout=30_000
    )
    expect(page.locator(".smskit-lesson-providers_compared")).to_contain_text("Penjadwalan")

"""Campaign Sender in a real browser, on the built-in simulator: upload, map, compose, preflight,
confirm, watch progress reach 100%, see the results table; the screenshot is saved."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from .conftest import screenshot

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "campaign_contacts.csv"


def test_staff_member_sends_a_campaign_end_to_end(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("campaign.ipynb", ".smskit-campaign")
    expect(page.locator(".smskit-title")).to_contain_text("Campaign Sender", timeout=30_000)

    # 1 Audience: upload, map the columns, import.
    with page.expect_file_chooser() as chooser:
        page.locator(".smskit-campaign-upload").click()
    chooser.value.set_files(str(FIXTURE))
    status = page.locator(".smskit-campaign-status")
    expect(status).to_contain_text("Check the columns", timeout=30_000)
    page.locator(".smskit-campaign-phone-column select").select_option("Mobile")
    page.locator(".smskit-campaign-consent-column select").select_option("SMS consent")
    page.locator(".smskit-campaign-import-button").click()
    expect(status).to_contain_text("4 recipients loaded", timeout=30_000)
    expect(page.locator(".smskit-campaign-import")).to_contain_text("invalid number")

    # 2 Compose, with a live preview.
    page.locator(".smskit-campaign-template textarea").fill(
        "Hi {name}, the {city|nearest} store has your order."
    )
    expect(page.locator(".smskit-campaign-preview")).to_contain_text(
        "Hi Ana, the Springfield store has your order.", timeout=30_000
    )
    expect(page.locator(".smskit-campaign-distribution")).to_contain_text("GSM-7: 4")

    # 3 Sender: order updates are transactional.
    page.locator(".smskit-campaign-purpose button", has_text="Transactional").click()

    # 4 Preflight and 5 confirm: the question states the numbers.
    page.locator(".smskit-campaign-preflight-button").click()
    expect(page.locator(".smskit-campaign-confirm")).to_contain_text(
        "Send 3 messages, about 3 segments, estimated $0.02?", timeout=60_000
    )
    expect(page.locator(".smskit-campaign-preflight")).to_contain_text("1 blocked")
    expect(page.locator(".smskit-campaign-dry-run")).to_contain_text("Dry run")
    page.locator(".smskit-campaign-send-button").click()
    expect(page.locator(".smskit-campaign-progress-head")).to_contain_text("(100%)", timeout=90_000)

    # 6 Results.
    table = page.locator(".smskit-campaign-results-table")
    expect(table).to_contain_text("+14152010001", timeout=60_000)
    expect(table).to_contain_text("blocked")
    expect(page.locator(".smskit-campaign-csv")).to_be_visible()
    page.locator(".smskit-campaign-step-results").scroll_into_view_if_needed()
    screenshot(page, "campaign_sender")

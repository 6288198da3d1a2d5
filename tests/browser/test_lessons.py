"""Real browser: the lessons' widgets respond (store and forward, cost calculator, charts)."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot


def test_store_and_forward_then_delivery(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("lessons.ipynb", ".smskit-journey-lesson")
    diagram = page.locator(".smskit-journey-diagram")
    expect(diagram.locator("svg.smskit-journey-svg")).to_be_visible(timeout=30_000)
    page.locator(".smskit-phone-off").click()
    for _ in range(3):
        page.locator(".smskit-next-hop").click()
    expect(diagram).to_contain_text("stores the message", timeout=30_000)
    expect(diagram.locator(".smskit-smsc-badge")).to_contain_text("stored")
    screenshot(page, "lessons-store-and-forward")
    page.locator(".smskit-phone-off").click()  # the phone is back on
    page.locator(".smskit-next-hop").click()
    page.locator(".smskit-next-hop").click()
    expect(diagram.locator(".smskit-status-strip")).to_contain_text("delivered", timeout=30_000)


def test_a_long_text_is_cheaper_as_mms(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("lessons.ipynb", ".smskit-cost-editor")
    editor = page.locator(".smskit-cost-editor textarea")
    editor.fill("a" * 400)
    editor.blur()
    expect(page.locator(".smskit-cost-result")).to_contain_text(
        "One MMS is cheaper than 3 SMS segments.", timeout=30_000
    )
    expect(page.locator(".smskit-why-sms-charts figure")).to_have_count(4)
    expect(page.locator(".smskit-why-sms-charts")).to_contain_text("respond.io")

"""Real browser: type into the Encoding Visualizer and watch the readout and colouring follow."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot


def test_typing_and_smart_encoding_update_the_page(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("encoding.ipynb", ".smskit-editor textarea")
    readout = page.locator(".smskit-readout")
    expect(readout).to_contain_text("0 segments", timeout=30_000)

    editor = page.locator(".smskit-editor textarea")
    editor.fill("Hello “friends”, sale ends soon!")
    # The curly quotes are not GSM: the whole message becomes UCS-2 and they turn red.
    expect(readout).to_contain_text("UCS-2", timeout=30_000)
    expect(page.locator(".smskit-char-nongsm.smskit-char").first).to_contain_text("“")
    expect(page.locator(".smskit-chars .smskit-char")).to_have_count(32)

    page.locator(".smskit-smart-toggle input[type=checkbox]").check()
    expect(readout).to_contain_text("GSM-7", timeout=30_000)
    expect(page.locator(".smskit-chars .smskit-char-substituted")).to_have_count(2)
    expect(page.locator(".smskit-substitutions")).to_contain_text("U+201C")

    editor.fill("a" * 161)
    expect(page.locator(".smskit-segment-count")).to_have_text("2", timeout=30_000)
    expect(page.locator(".smskit-boundary")).to_have_count(1)

    # One click on a Back-to-GSM-7 suggestion rewrites the text.
    page.locator(".smskit-smart-toggle input[type=checkbox]").uncheck()
    editor.fill("Şule, your order ships today")
    expect(readout).to_contain_text("UCS-2", timeout=30_000)
    page.locator(".smskit-apply-replacement").first.click()
    expect(readout).to_contain_text("GSM-7", timeout=30_000)
    expect(editor).to_have_value("Sule, your order ships today")
    expect(page.locator(".smskit-cost")).to_contain_text("1 segment", timeout=30_000)
    screenshot(page, "encoding")


def test_empty_message_negative_recipients_and_emoji_removal(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("encoding.ipynb", ".smskit-editor textarea")
    # Nothing typed: 0 segments and a plain hint, never "1 segment(s)".
    expect(page.locator(".smskit-segment-count")).to_have_text("0", timeout=30_000)
    expect(page.locator(".smskit-empty-hint")).to_contain_text("Type or pick a message")
    # A negative number of recipients is refused in words beside the field.
    recipients = page.locator(".smskit-recipients input")
    recipients.fill("-5")
    recipients.press("Enter")
    feedback = page.locator(".smskit-feedback-cost")
    expect(feedback).to_contain_text("zero or more, not -5")
    expect(page.locator(".smskit-cost")).to_have_count(0)
    recipients.fill("2")
    recipients.press("Enter")
    expect(feedback).to_be_empty()
    # The emoji has no GSM-7 equivalent: one click removes it; costs carry their currency.
    page.locator(".smskit-editor textarea").fill("Party tonight 🎉 see you")
    expect(page.locator(".smskit-readout")).to_contain_text("UCS-2")
    page.locator(".smskit-remove-character").click()
    expect(page.locator(".smskit-readout")).to_contain_text("GSM-7")
    expect(page.locator(".smskit-cost")).to_contain_text("1 segment × 2 recipients × $0.0083")
    assert "segment(s)" not in page.locator(".smskit-encoding-visualizer").inner_text()

"""Real browser: type into the Encoding Visualizer and watch the readout and colouring follow."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot


def test_typing_and_smart_encoding_update_the_page(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("encoding.ipynb", ".smskit-editor textarea")
    readout = page.locator(".smskit-readout")
    expect(readout).to_contain_text("GSM-7", timeout=30_000)

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

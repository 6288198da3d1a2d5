"""Real browser: the EN/ID switch relabels a dashboard, and the language travels between pages.

Every dashboard opening in Indonesian from its URL is tested in test_indonesian_pages.py.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot, serve_dashboards


def test_switching_the_lessons_to_indonesian(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("lessons.ipynb", ".smskit-lessons")
    expect(page.locator(".smskit-title")).to_contain_text("Lessons: how SMS works")
    page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia").click()
    expect(page.locator(".smskit-title")).to_contain_text("Pelajaran: cara kerja SMS")
    expect(page.locator(".smskit-lesson-journey")).to_contain_text("Bagaimana SMS bergerak")
    expect(page.locator(".smskit-next-hop")).to_contain_text("Lompatan berikutnya")
    expect(page.locator(".smskit-channel-comparison")).to_contain_text("Batas karakter")
    expect(page.locator(".smskit-why-sms-charts")).to_contain_text("Angka dari panduan")
    expect(page.locator("a.smskit-back-link")).to_contain_text("Mulai")
    screenshot(page, "lessons-id")
    # The back link carries the language to the Start page (a new kernel).
    page.locator("a.smskit-back-link").click()
    expect(page).to_have_url(re.compile(r"start\.ipynb\?lang=id$"))
    expect(page.locator(".smskit-title")).to_contain_text("Mulai di sini", timeout=90_000)
    expect(page.locator(".smskit-cards")).to_contain_text("Pelatih")
    expect(page.locator(".smskit-environment")).to_contain_text("Simulator bawaan")


def test_smskit_lang_id_makes_indonesian_the_default(page) -> None:  # type: ignore[no-untyped-def]
    with serve_dashboards(SMSKIT_LANG="id") as base:
        page.goto(f"{base}/", timeout=90_000)
        expect(page).to_have_url(re.compile(r"/voila/render/start\.ipynb$"), timeout=30_000)
        expect(page.locator(".smskit-title")).to_contain_text("Mulai di sini", timeout=90_000)
        expect(page.locator(".smskit-cards")).to_contain_text("Pelatih")
        # The switch still works from an Indonesian default.
        page.locator(".smskit-language-switch button", has_text="English").click()
        expect(page.locator(".smskit-title")).to_contain_text("Start here")

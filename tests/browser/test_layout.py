"""Every dashboard at 1366 and 800 px, in English and Indonesian: nothing cut, squeezed, overlaid.

One page load per dashboard: checked at 1366 px and 800 px in English, then switched to Bahasa
Indonesia and checked at both widths again. The DOM is measured, not eyeballed
(``layout_audit.js``):

- a label, button or list whose text is wider (or taller) than its box (``scrollWidth >
  clientWidth``; for a list, the chosen option measured in the list's font) is *cut*;
- a widget whose box sticks out of its parent widget's box *overflows*;
- a text box or list narrower than 60 px beside its label is *squeezed*;
- two visible children of one box whose rectangles intersect *overlap*;
- a page wider than the window *scrolls sideways*.

The same page shows no "Checked facts" (nbval's tested cells are tagged ``checked-fact`` and
removed by ``smskit serve``; ``tests/test_notebooks.py`` shows nbval still runs them).

Full-page screenshots go to ``screenshots/layout/``; with ``SMSKIT_DOCS_SCREENSHOTS=1`` the
first screen of each (what a user sees on opening) is also written to ``docs/screenshots/``, which
the README shows. The later steps are audited where the end-to-end tests reach them
(:func:`tests.browser.layout.layout_problems`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT
from .layout import WIDTHS, check_and_shoot

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_widget_is_cut_squeezed_or_overlapping(open_dashboard, notebook: str) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard(f"{notebook}?lang=en", ".smskit-header")
    stem = Path(notebook).stem
    title = page.locator(".smskit-title")
    expect(title).not_to_be_empty(timeout=30_000)
    # Developer material stays out of the page (the cells are in the notebook, for nbval).
    body = page.locator("#rendered_cells")
    expect(body).not_to_contain_text(re.compile("Checked facts|Fakta yang diuji"))
    expect(page.locator(".celltag_checked-fact")).to_have_count(0)
    problems = []
    english = title.inner_text()
    for width in WIDTHS:
        problems += [f"en {p}" for p in check_and_shoot(page, f"{stem}-en", width, docs=True)]
    page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia").click()
    expect(title).not_to_have_text(english, timeout=30_000)
    page.wait_for_timeout(500)  # the rest of the page follows the title
    for width in reversed(WIDTHS):
        problems += [f"id {p}" for p in check_and_shoot(page, f"{stem}-id", width, docs=True)]
    assert not problems, f"{notebook}:\n" + "\n".join(problems)


def test_the_audit_finds_a_cut_label_and_a_squeezed_input(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    # The audit itself: break a rendered dashboard on purpose and it must say so.
    page = open_dashboard("encoding.ipynb?lang=en", ".smskit-encoding-visualizer")
    expect(page.locator(".smskit-title")).not_to_be_empty(timeout=30_000)
    page.add_style_tag(
        content=".smskit-language-switch button { width: 12px !important; }"
        ".smskit-encoding-visualizer input, .smskit-encoding-visualizer select"
        " { width: 20px !important; min-width: 0 !important; flex: none !important; }"
    )
    found = "\n".join(check_and_shoot(page, "audit-self-check", 1366))
    assert "cut " in found and "squeezed " in found, found

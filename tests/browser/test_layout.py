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
the README shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, SCREENSHOTS

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
WIDTHS = (1366, 800)
HEIGHT = 900
DOCS = ROOT / "docs" / "screenshots"
WRITE_DOCS = os.environ.get("SMSKIT_DOCS_SCREENSHOTS", "") == "1"

AUDIT = (Path(__file__).parent / "layout_audit.js").read_text(encoding="utf-8")
CONTENT_HEIGHT = "() => (document.querySelector('#rendered_cells') || document.body).scrollHeight"


def _check_and_shoot(page, stem: str, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.wait_for_timeout(300)  # one layout pass for wrapped rows and grids
    if WRITE_DOCS:
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{stem}-{width}.png"))
    # The page scrolls inside Voilà's #rendered_cells: a window as tall as the content shows it all.
    full = min(int(page.evaluate(CONTENT_HEIGHT)) + 60, 12_000)
    page.set_viewport_size({"width": width, "height": max(full, HEIGHT)})
    page.wait_for_timeout(200)
    problems = [f"{width}px: {p}" for p in page.evaluate(AUDIT)]
    folder = SCREENSHOTS / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{stem}-{width}.png"))
    return problems


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
        problems += [f"en {p}" for p in _check_and_shoot(page, f"{stem}-en", width)]
    page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia").click()
    expect(title).not_to_have_text(english, timeout=30_000)
    page.wait_for_timeout(500)  # the rest of the page follows the title
    for width in reversed(WIDTHS):
        problems += [f"id {p}" for p in _check_and_shoot(page, f"{stem}-id", width)]
    assert not problems, f"{notebook}:\n" + "\n".join(problems)

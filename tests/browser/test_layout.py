"""Every dashboard at 1366 and 800 px, in English and Indonesian: nothing cut, squeezed or overlapping.

One page load per dashboard: checked at 1366 px and 800 px in English, then switched to Bahasa
Indonesia and checked at both widths again. The DOM is measured, not eyeballed:

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

# Returns a list of human-readable problems found in the rendered dashboard.
AUDIT = r"""
() => {
  const problems = [];
  const root = document.querySelector('#rendered_cells') || document.body;
  const name = (el) => {
    const smskit = [...el.classList].filter(c => c.startsWith('smskit')).join('.');
    const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return `<${el.tagName.toLowerCase()}${smskit ? '.' + smskit : ''}> "${text}"`;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const texts = '.widget-label, .widget-label-basic, .jupyter-button, .widget-upload, '
    + '.widget-checkbox label, .lm-TabBar-tabLabel';
  for (const el of root.querySelectorAll(texts)) {
    if (!shown(el)) continue;
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1)
      problems.push(`cut ${name(el)}: text ${el.scrollWidth}px, box ${el.clientWidth}px`);
    else if (el.scrollHeight > el.clientHeight + 2 && style.overflowY === 'hidden')
      problems.push(`cut ${name(el)}: text ${el.scrollHeight}px high, box ${el.clientHeight}px`);
  }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const el of root.querySelectorAll('select')) {
    if (!shown(el) || el.selectedIndex < 0 || el.multiple || el.size > 1) continue;
    const style = getComputedStyle(el);
    ctx.font = style.font;
    const text = el.options[el.selectedIndex].text;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const need = ctx.measureText(text).width;
    if (need > room + 1)
      problems.push(`cut list ${name(el.parentElement)}: "${text}" needs ${Math.round(need)}px, has ${Math.round(room)}px`);
  }
  for (const el of root.querySelectorAll('.widget-inline-hbox > input, .widget-inline-hbox > select, .widget-inline-hbox > textarea')) {
    if (!shown(el)) continue;
    const width = el.getBoundingClientRect().width;
    if (width < 60) problems.push(`squeezed ${name(el.parentElement)}: input ${Math.round(width)}px`);
  }
  for (const el of root.querySelectorAll('.jupyter-widgets')) {
    if (!shown(el) || !el.parentElement) continue;
    // Boxes scroll (overflow: auto) or clip what sticks out: either way a user loses part of it.
    const parent = el.parentElement.closest('.jupyter-widgets, .jp-OutputArea-output');
    if (!parent) continue;
    const r = el.getBoundingClientRect(), p = parent.getBoundingClientRect();
    const out = Math.max(r.right - p.right, p.left - r.left);
    if (out > 1) problems.push(`overflows ${name(el)}: ${Math.round(out)}px outside ${name(parent)}`);
  }
  for (const box of root.querySelectorAll('.widget-box')) {
    const kids = [...box.children].filter(shown).map(k => [k, k.getBoundingClientRect()]);
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      const [a, ra] = kids[i], [b, rb] = kids[j];
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 2 && y > 2) problems.push(`overlap ${name(a)} and ${name(b)}: ${Math.round(x)}x${Math.round(y)}px`);
    }
  }
  const wide = document.documentElement.scrollWidth;
  if (wide > window.innerWidth + 1) problems.push(`page scrolls sideways: ${wide}px in ${window.innerWidth}px`);
  return problems;
}
"""
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

// The layout audit of tests/browser/test_layout.py: returns the problems found on the page,
// one readable line each (cut, squeezed, overflowing, overlapping, sideways scrolling).
// Boxes scroll (overflow: auto) or clip what sticks out: either way a user loses part of it.
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

"""The Budget page's table in Chromium at 1440, 1280 and projector (1024) widths: header labels wrap between
words, never inside one, and no cell is cut (the grid scrolls sideways instead)."""

from __future__ import annotations

import pytest

from tests.e2e.browser_tools import wait_for_page

pytestmark = pytest.mark.browser

# Per header: the widest word (measured in the header's own font) against the room it has. Per cell: the
# text's full width against the cell's.
MEASURE = """(gridSel) => {
  const grid = document.querySelector(gridSel);
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
  document.body.appendChild(probe);
  const broken = [], cut = [];
  for (const h of grid.querySelectorAll('.ag-header-cell-text')) {
    probe.style.font = getComputedStyle(h).font;
    const widest = Math.max(...h.textContent.split(/\\s+/).map(w => {
      probe.textContent = w; return probe.getBoundingClientRect().width; }));
    if (widest > h.clientWidth + 0.5 || h.scrollWidth > h.clientWidth + 1) broken.push(h.textContent);
  }
  const cells = grid.querySelectorAll('.ag-cell');
  for (const c of cells) {
    const v = c.querySelector('.ag-cell-value') || c;
    if (v.scrollWidth > v.clientWidth + 1) cut.push(v.textContent);
  }
  probe.remove();
  return {broken, cut, cells: cells.length};
}"""


@pytest.mark.parametrize("width", [1440, 1280, 1024])
@pytest.mark.parametrize("by", ["", "?by=dispositif,region"])
def test_budget_table_readable(page, live_server, width, by):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/budget" + by)
    wait_for_page(page, "Taux d'engagement")
    page.locator("#budget-grid .ag-cell").first.wait_for()
    found = page.evaluate(MEASURE, "#budget-grid")
    assert found["cells"] > 0
    assert found["broken"] == [], f"{width} px: headers broken inside a word or cut: {found['broken']}"
    assert found["cut"] == [], f"{width} px: cells cut: {found['cut']}"

"""axe-core in the browser tests: run the npm package's axe.min.js in the page and list WCAG 2.1 A/AA violations.

axe-core comes from the npm registry (`npm ci` in tests/e2e/axe/, which .ci/run does); it is only ever
injected into the test browser, never served by the app.
"""

from __future__ import annotations

from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best-practice rules kept too: one banner/main/contentinfo landmark, headings that do not skip a level,
# all content inside landmarks, named dialogs.
BEST_PRACTICES = ["landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main",
                  "landmark-unique", "landmark-one-main", "heading-order", "page-has-heading-one", "region",
                  "aria-dialog-name"]


def require_axe() -> Path:
    """The path of axe.min.js, or skip the test saying how to install it."""
    if not AXE_JS.exists():
        pytest.skip(f"axe-core absent ({AXE_JS}): run `npm ci` in tests/e2e/axe/ (.ci/run does)")
    return AXE_JS


def axe_violations(page, tags: list[str] | None = None, rules: list[str] | None = None) -> list[dict]:
    """The violations axe finds on the page: every WCAG 2.1 A and AA rule (not the experimental ones, as
    axe's own tag filter does), and the BEST_PRACTICES rules."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the app's Content-Security-Policy forbids inline scripts,
        # so add_script_tag's <script> would be blocked (and reported as a console error).
        page.evaluate(require_axe().read_text(encoding="utf-8") + "\n;void 0")
    return page.evaluate(
        """([tags, extra]) => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'rule',
               values: axe.getRules(tags).filter(r => !r.tags.includes('experimental'))
                   .map(r => r.ruleId).concat(extra)}})
           .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary)})))""",
        [tags or WCAG_21_AA, BEST_PRACTICES if rules is None else rules])


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)

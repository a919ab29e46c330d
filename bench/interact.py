"""python -m bench interact [--scale S] [--n N] [--trace]: how long a filter change takes to be fully rendered
in Chromium, per page and per kind of change, on the warm server (gunicorn with the repo's gunicorn.conf.py).

A person signed in as a national account opens a page, then changes the month, the région or the couloir
with the page's own filter controls (click the select, click an option), N times each. For one change:

- t0 is the `mousedown` on the option (captured in the page, on `performance.now()`'s clock);
- "fully rendered" is reached when (1) the URL's query string holds the new value, (2) every Dash callback
  request sent since t0 has answered (the page's `fetch` is wrapped: requests to `/_dash-update-component`
  are counted in and out) and at least one was sent, (3) no element carries `data-dash-is-loading="true"`,
  (4) the DOM outside the select's dropdown has not changed for 400 ms (a MutationObserver stamps the last
  change), and (5) the page's lead or context line shows the new month (the overview and indicator pages:
  the new région and couloir too). The figure is the last DOM change (or the last answer, if later) − t0;
- "serveur" is the longest callback request of the change as the browser saw it (request sent → body read),
  "octets" the bytes of every callback answer of the change, "requêtes" their number.

`--trace` also records a Chromium performance trace of the changes and prints the main thread's time split
into scripting, rendering (style, layout) and painting, in ms per change.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.common import table
from bench.dashboard import _p
from bench.indicators import warehouse_for
from serving.launch import GunicornServer, sign_in

LOGIN = "bench.interact"  # a national person with every role
QUIET_MS = 400
PAGES = {"vue d'ensemble": "/", "indicateur": "/indicateurs/USE-02", "territoires": "/territoires",
         "budget": "/budget"}
REGIONS = ("53", "76", "11", "84", "32", "44", "28", "75")  # Bretagne, Occitanie, Île-de-France, …
COULOIRS = ("biologie", "radiologie", "hopital", "medecin_ville", "officine", "medico_social")
VIEW_TEXT = {"/": ".page-lead", "/indicateurs/USE-02": ".page-context"}  # where a page states its perimeter

PROBE = """
(() => {
  const ix = window.__ix = {pending: 0, reqs: [], lastMut: 0, t0: 0};
  const inPortal = n => { const e = n.nodeType === 1 ? n : n.parentElement;
                          return !!(e && e.closest && e.closest('[data-portal], .mantine-Popover-dropdown')); };
  new MutationObserver(records => {
    if (records.some(r => !inPortal(r.target))) ix.lastMut = performance.now();
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('mousedown', e => {
    if (e.target.closest && e.target.closest('[role=option]')) ix.t0 = performance.now();
  }, true);
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.includes('_dash-update-component')) return fetch0.apply(this, arguments);
    let output = '';
    try { output = JSON.parse(init.body).output; } catch (e) {}
    const rec = {output, start: performance.now(), end: null, bytes: 0};
    ix.reqs.push(rec); ix.pending++;
    const done = () => { rec.end = performance.now(); ix.pending--; };
    return fetch0.apply(this, arguments).then(resp => {
      resp.clone().arrayBuffer().then(b => { rec.bytes = b.byteLength; done(); }, done);
      return resp;
    }, err => { done(); throw err; });
  };
})();
"""

SETTLED = """([key, value, selector, texts, quiet]) => {
  const ix = window.__ix;
  if (!ix || !ix.t0) return false;
  if (new URLSearchParams(location.search).get(key) !== value) return false;
  const mine = ix.reqs.filter(r => r.start >= ix.t0);
  if (!mine.length || ix.pending > 0 || document.querySelector('[data-dash-is-loading="true"]')) return false;
  if (selector) {
    const el = document.querySelector(selector);
    if (!el || !texts.every(t => el.textContent.includes(t))) return false;
  }
  const last = Math.max(ix.lastMut, ...mine.map(r => r.end));
  if (performance.now() - last < quiet) return false;
  return {ms: last - ix.t0, server: Math.max(...mine.map(r => r.end - r.start)),
          bytes: mine.reduce((s, r) => s + r.bytes, 0), n: mine.length,
          outputs: mine.map(r => [r.output.slice(0, 60), Math.round(r.end - r.start), r.bytes])};
}"""


def _labels(settings) -> tuple[dict, dict, list[str]]:
    """Région and couloir labels (French) and the published months, newest first."""
    from dashboard.reference import load_reference
    from dashboard.warehouse import Warehouse

    ref = load_reference(settings.reference_dir)
    regions = {c: ref.label("regions", c, "fr") for c in REGIONS}
    couloirs = {c: ref.label("couloirs", c, "fr") for c in COULOIRS if c in ref.couloirs}
    return regions, couloirs, Warehouse(settings.warehouse).months()


def changes(n: int, regions: dict, couloirs: dict, months: list[str]) -> list[tuple[str, str, str, str]]:
    """(kind, URL key, value, option label) of the changes made on each page: months, then régions, then couloirs
    (the filters add up, as when a person narrows a view; the couloir last, as few indicators have one)."""
    from dashboard.format import fmt_month

    monthly = [m for m in months[1:] if m.endswith(("03", "06", "09", "12"))] or months
    region_codes, couloir_codes = list(regions), list(couloirs)
    out = [("mois", "as_of", m, fmt_month(m, "fr")) for m in (monthly[i % len(monthly)] for i in range(n))]
    out += [("région", "region", r, regions[r]) for r in (region_codes[i % len(region_codes)] for i in range(n))]
    out += [("couloir", "couloir", c, couloirs[c]) for c in (couloir_codes[i % len(couloir_codes)] for i in range(n))]
    return out


def choose(pg, label: str, option: str) -> None:
    """As a person does: open the select, click the option."""
    pg.get_by_role("textbox", name=label, exact=True).click()
    pg.get_by_role("option", name=option, exact=True).click()


FILTER_LABEL = {"as_of": "Mois de référence", "region": "Région", "couloir": "Couloir"}


def measure(pg, path: str, change: tuple[str, str, str, str], expect_text: str | None) -> dict | None:
    kind, key, value, label = change
    pg.evaluate("window.__ix.t0 = 0")
    choose(pg, FILTER_LABEL[key], label)
    selector = VIEW_TEXT.get(path, "main h1 + p, .page-lead") if expect_text else None
    handle = pg.wait_for_function(SETTLED, arg=[key, value, selector, [expect_text] if expect_text else [], QUIET_MS],
                                  timeout=120_000, polling=50)
    return handle.json_value()


def run(base: str, cookie: str, n: int, trace: bool, regions: dict, couloirs: dict, months: list[str]):
    from playwright.sync_api import sync_playwright

    from dashboard.format import fmt_month

    results: dict[tuple[int, str, str], list[dict]] = defaultdict(list)
    traces: dict[str, dict[str, float]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
        name, _, val = cookie.partition("=")
        context.add_cookies([{"name": name, "value": val, "url": base}])
        context.add_init_script(PROBE)
        pg = context.new_page()
        pg.set_default_timeout(120_000)
        plan = changes(n, regions, couloirs, months)
        for page_name, path in PAGES.items():
            for run_no in (1, 2):  # 1: views new to the server; 2: the same views again (warm server)
                pg.goto(base + path, wait_until="networkidle")
                pg.wait_for_selector("main h1")
                latest = months[0]  # one change unmeasured: the page's first redraw loads what it had not
                measure(pg, path, ("mois", "as_of", latest, fmt_month(latest, "fr")), None)
                if trace and run_no == 2:
                    browser.start_tracing(page=pg, categories=["devtools.timeline",
                                                               "disabled-by-default-devtools.timeline"])
                for change in plan:
                    kind, key, value, label = change
                    got = measure(pg, path, change, label if path in VIEW_TEXT or key == "as_of" else None)
                    results[(run_no, page_name, kind)].append(got)
                if trace and run_no == 2:
                    traces[page_name] = summarise_trace(browser.stop_tracing(), len(plan))
        browser.close()
    return results, traces


TRACE_KINDS = {
    "scripting": ("FunctionCall", "EvaluateScript", "v8.compile", "v8.evaluateModule", "TimerFire", "EventDispatch",
                  "FireAnimationFrame", "RunMicrotasks", "V8.GCScavenger", "MajorGC", "MinorGC", "v8.run",
                  "XHRReadyStateChange", "XHRLoad", "FireIdleCallback", "ParseHTML"),
    "rendering": ("UpdateLayoutTree", "RecalculateStyles", "Layout", "HitTest", "ScheduleStyleRecalculation",
                  "UpdateLayerTree", "PrePaint", "IntersectionObserverController::computeIntersections"),
    "painting": ("Paint", "PaintImage", "CompositeLayers", "Layerize", "Commit", "DecodeImage", "RasterTask",
                 "UpdateLayer"),
}


def summarise_trace(raw: bytes, changes_n: int) -> dict[str, float]:
    """Self time of the renderer main thread's events, grouped as DevTools does (ms per change)."""
    events = json.loads(raw)
    events = events.get("traceEvents", events) if isinstance(events, dict) else events
    main = {(e["pid"], e["tid"]) for e in events if e.get("name") == "thread_name"
            and e.get("args", {}).get("name") == "CrRendererMain"}
    spans = sorted(((e["ts"], e["ts"] + e.get("dur", 0), e["name"]) for e in events
                    if e.get("ph") == "X" and (e["pid"], e["tid"]) in main and e.get("dur")),
                   key=lambda s: (s[0], -s[1]))
    kind_of = {name: kind for kind, names in TRACE_KINDS.items() for name in names}
    totals: dict[str, float] = defaultdict(float)
    stack: list[list] = []  # [end, name, child time]

    def close(item):
        end, name, start, child = item
        totals[kind_of.get(name, "autre")] += (end - start - child) / 1000
        if stack:
            stack[-1][3] += end - start

    for start, end, name in spans:
        while stack and stack[-1][0] <= start:
            close(stack.pop())
        stack.append([end, name, start, 0])
    while stack:
        close(stack.pop())
    return {k: v / changes_n for k, v in totals.items()}


def rows_of(results, run_no: int) -> list[tuple]:
    rows = []
    for (run, page_name, kind), got in results.items():
        if run != run_no:
            continue
        ms = [g["ms"] for g in got]
        server = [g["server"] for g in got]
        rows.append((page_name, kind, len(got), f"{_p(ms, 50):.0f}", f"{_p(ms, 95):.0f}", f"{_p(server, 50):.0f}",
                     f"{_p(server, 95):.0f}", f"{statistics.median(g['bytes'] for g in got) / 1024:.0f}",
                     f"{statistics.median(g['n'] for g in got):.0f}"))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench interact")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--n", type=int, default=4, help="changes of each kind on each page")
    ap.add_argument("--trace", action="store_true", help="also a Chromium performance trace, summarised")
    ap.add_argument("--detail", action="store_true", help="print every change's callback requests")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "segur-bench")
    args = ap.parse_args(argv)
    wh = warehouse_for(args.scale, args.workdir)
    from settings import load_settings

    settings = load_settings({"SEGUR_DATA_DIR": str(wh.parent)})
    regions, couloirs, months = _labels(settings)
    log = Path(tempfile.mkdtemp(prefix="segur-bench-interact-")) / "gunicorn.log"
    env = {"SEGUR_DATA_DIR": str(wh.parent), "SEGUR_TODAY": "2026-11-28", "SEGUR_WARMUP": "full"}
    load_before = os.getloadavg()
    with GunicornServer(env, log) as server:
        cookie = sign_in(server.url, settings.app_db, LOGIN)
        from bench.load import _wait_warm

        t0 = time.monotonic()
        _wait_warm(server.url, cookie)
        print(f"préchauffage terminé en {time.monotonic() - t0:.0f} s")
        results, traces = run(server.url, cookie, args.n, args.trace, regions, couloirs, months)
    load_after = os.getloadavg()
    print(f"\néchelle {args.scale:g}, Chromium 1366×768, gunicorn.conf.py ; charge machine (1 min) "
          f"{load_before[0]:.1f} avant, {load_after[0]:.1f} après")
    print("changement de filtre entièrement affiché (ms) ; serveur = plus longue requête de callback vue du "
          "navigateur (ms) ; Ko = réponses des callbacks d'un changement (médiane)")
    for run_no, title in ((1, "1er passage : vues nouvelles pour le serveur"),
                          (2, "2e passage : les mêmes vues, serveur chaud")):
        print(f"\n{title}")
        print(table(rows_of(results, run_no), ("page", "changement", "n", "p50", "p95", "serveur p50", "serveur p95",
                                               "Ko", "requêtes")))
        every = [g["ms"] for (n_run, *_), got in results.items() if n_run == run_no for g in got]
        print(f"tous changements : n={len(every)}, p50 {_p(every, 50):.0f} ms, p95 {_p(every, 95):.0f} ms")
    if traces:
        print("\ntrace Chromium, fil principal (ms par changement, temps propre) :")
        kinds = ("scripting", "rendering", "painting", "autre")
        print(table([(name, *(f"{t.get(k, 0):.0f}" for k in kinds)) for name, t in traces.items()],
                    ("page", *kinds)))
    if args.detail:
        for (n_run, page_name, kind), got in results.items():
            for g in got:
                print(n_run, page_name, kind, f"{g['ms']:.0f} ms", g["outputs"])
    return 0

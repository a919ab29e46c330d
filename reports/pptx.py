"""The committee pack as 16:9 slides (python-pptx): the PDF's sections, to project during the meeting.

Charts are PNG pictures (with their one-sentence summary as alternative text) next to native tables that
carry the same figures; each slide's speaker notes hold the status reasons and the committee comments,
so the presenter has them at hand without putting them on screen.
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from appstate.changes import capped
from reports.charts import BLEU_FRANCE, ROUGE_MARIANNE, STATUS_COLOURS
from reports.pack_data import PackData, Row
from reports.pack_sections import Status
from reports.pptx_fit import FOOTER_TOP_IN, breakable, cells_height, fit_last_column, one_line_row_height

FONT = "Arial"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
ROWS_PER_SLIDE = 12
Cell = str | Status


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _style(run, size: float, bold: bool = False, colour: str = "#161616") -> None:
    run.font.name, run.font.size, run.font.bold = FONT, Pt(size), bold
    run.font.color.rgb = _rgb(colour)


def _text(slide, text: str, left, top, width, height, size: float = 12, bold: bool = False,
          colour: str = "#161616", align=PP_ALIGN.LEFT):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = line
        _style(run, size, bold, colour)
    return box


class Deck:
    """A presentation being built: one method per kind of slide part."""

    def __init__(self, pack: PackData, pngs: dict[str, bytes]) -> None:
        self.pack, self.pngs, self.t = pack, pngs, pack.text
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.prs.core_properties.title = f"{pack.meta.committee_label} — {pack.meta.title}"
        self.prs.core_properties.language = "fr-FR" if pack.meta.lang == "fr" else "en-GB"

    def slide(self, title: str, notes: list[str] | None = None):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # "Title Only": a real title placeholder
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.25), WIDTH - 2 * MARGIN, Inches(0.8)
        shape.text_frame.text = title
        para = shape.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        _style(para.runs[0], 26, True, BLEU_FRANCE)
        if notes:
            slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)
        return slide

    def table(self, slide, headers: list[str], rows: list[list[Cell]], left, top, widths: list[float],
              size: float = 11, numeric: set[int] = frozenset(), row_height: float = 0.3):
        height = Inches(row_height) * (len(rows) + 1)
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), left, top, Inches(sum(widths)), height)
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(w)
        for i, values in enumerate([headers, *rows]):
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.margin_left = cell.margin_right = Inches(0.06)
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                status = value if isinstance(value, Status) else None
                text = status.text if status else str(value)
                cell.text = breakable(text, widths[j], size, bold=i == 0) if j in numeric else text
                para = cell.text_frame.paragraphs[0]
                para.alignment = PP_ALIGN.RIGHT if j in numeric and i else PP_ALIGN.LEFT
                colour, fill = ("#FFFFFF", BLEU_FRANCE) if i == 0 else (
                    STATUS_COLOURS[status.key] if status else ("#161616", "#FFFFFF" if i % 2 else "#F6F6F6"))
                for run in para.runs:
                    _style(run, size, bold=i == 0 or status is not None, colour=colour)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(fill)
        for row in table.rows:
            row.height = Inches(row_height)
        return shape

    def picture(self, slide, key: str, left, top, width=None, height=None, alt: str = "") -> bool:
        from io import BytesIO

        png = self.pngs.get(key)
        if not png:
            return False
        pic = slide.shapes.add_picture(BytesIO(png), left, top, width=width, height=height)
        pic._element.nvPicPr.cNvPr.set("descr", alt)  # alternative text, read by screen readers
        return True

    def tiles(self, slide, top) -> None:
        n = len(self.pack.budget.tiles)
        width = (WIDTH - 2 * MARGIN - Inches(0.3) * (n - 1)) / n
        for i, (label, amount, detail) in enumerate(self.pack.budget.tiles):
            left = MARGIN + (width + Inches(0.3)) * i
            band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, Inches(0.08))
            band.fill.solid()
            band.fill.fore_color.rgb = _rgb(BLEU_FRANCE)
            band.line.fill.background()
            _text(slide, label, left, top + Inches(0.1), width, Inches(0.3), 11, colour="#3A3A3A")
            _text(slide, amount, left, top + Inches(0.38), width, Inches(0.45), 22, True, BLEU_FRANCE)
            _text(slide, detail, left, top + Inches(0.85), width, Inches(0.3), 10, colour="#3A3A3A")

    def footers(self) -> None:
        m, total = self.pack.meta, len(self.prs.slides)
        for n, slide in enumerate(self.prs.slides, start=1):
            _text(slide, f"{m.committee_label} · {m.scope_text} · {self.t['cover.as_of']} {m.as_of_text}",
                  MARGIN, HEIGHT - Inches(0.4), Inches(9), Inches(0.3), 9, colour="#666666")
            _text(slide, f"{n} / {total}", WIDTH - MARGIN - Inches(1.5), HEIGHT - Inches(0.4), Inches(1.5),
                  Inches(0.3), 9, colour="#3A3A3A", align=PP_ALIGN.RIGHT)


def _reasons(rows: list[Row], t: dict[str, str]) -> list[str]:
    return [t["notes.reasons"]] + [f"{r.id} {r.status.text} — {r.reason}" + (f" {r.forecast}" if r.forecast else "")
                                   for r in rows]


def _comments(items, t: dict[str, str]) -> list[str]:
    if not items:
        return []
    return ["", t["notes.comments"]] + [f"[{c.kind}{' · ' + c.indicator_id if c.indicator_id else ''}] {c.body} "
                                        f"({c.author}, {c.when})" for c in items]


def _cover(deck: Deck) -> None:
    m, t = deck.pack.meta, deck.t
    slide = deck.slide(m.committee_label, [m.title, f"{t['cover.snapshot']} {m.snapshot_id}"])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(3.2))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(BLEU_FRANCE)
    band.line.fill.background()
    slide.shapes._spTree.remove(band._element)
    slide.shapes._spTree.insert(2, band._element)  # behind the title
    title = slide.shapes.title
    title.top, title.height = Inches(2.1), Inches(0.9)
    _style(title.text_frame.paragraphs[0].runs[0], 32, True, "#FFFFFF")
    mark = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(0.45), Inches(0.08), Inches(0.5))
    mark.fill.solid()
    mark.fill.fore_color.rgb = _rgb(ROUGE_MARIANNE)
    mark.line.fill.background()
    _text(slide, "RÉPUBLIQUE\nFRANÇAISE", MARGIN + Inches(0.15), Inches(0.4), Inches(3), Inches(0.6), 11, True, "#FFFFFF")
    _text(slide, f"{t['programme']}\n{m.title}", MARGIN, Inches(1.1), Inches(12), Inches(1), 18, False, "#FFFFFF")
    rows = [[t["cover.as_of"], m.as_of_text], [t["cover.filters"], m.scope_text],
            [t["cover.snapshot"], m.snapshot_id], [t["cover.created"], m.created_text],
            [t["cover.author"], m.author], [t["cover.generated"], m.generated_text]]
    deck.table(slide, [t["cover.committee"], m.committee_label], rows, MARGIN, Inches(3.6), [3.2, 5.0], 13)


def _summary(deck: Deck) -> None:
    p, t = deck.pack, deck.t
    slide = deck.slide(t["section.summary"], [p.budget.summary] + [
        f"{o.label} : {o.status.text}, {o.progress_text} ({o.counts_text})" for o in p.objectives_rollup])
    deck.tiles(slide, Inches(1.15))
    rows = [[o.label, o.progress_text, o.status, o.counts_text] for o in p.objectives_rollup]
    deck.table(slide, [t["col.objective"], t["col.progress"], t["col.status"], t["col.indicators"]], rows,
               MARGIN, Inches(2.5), [4.6, 1.4, 2.2, 4.3], 12, {1})


def _indicator_rows(deck: Deck, rows: list[Row]) -> tuple[list[str], list[list[Cell]], list[float], set[int]]:
    t, regional = deck.t, deck.pack.meta.region is not None
    headers = [t["col.indicator"], t["col.period"], t["col.value"], t["col.target"]]
    widths = [3.9, 1.0, 1.6, 1.6]  # 12,5 in in all: the slide's width between its margins
    if regional:
        headers += [t["col.national"], t["col.gap"]]
        widths = [2.3, 0.9, 1.4, 1.4, 1.4, 1.3]  # the gap reads « +3,8 pts d'avancement »
    headers += [t["col.progress"], t["col.status"], t["col.trend"]]
    widths += [0.9, 1.6, 1.9] if not regional else [0.8, 1.5, 1.5]
    body = [[f"{r.id} {r.label}", r.period, r.value_text, r.target_text,
             *([r.national_text or "—", r.gap_text or "—"] if regional else []), r.progress_text, r.status,
             r.trend_text] for r in rows]
    return headers, body, widths, {2, 3, len(headers) - 3, len(headers) - 1} | ({4, 5} if regional else set())


def _indicator_table(deck: Deck) -> None:
    chunks = _pages(deck, deck.pack.indicators, 1.15, 10)
    for n, chunk in enumerate(chunks, start=1):
        title = deck.t["section.indicators"] + (f" ({n}/{len(chunks)})" if len(chunks) > 1 else "")
        slide = deck.slide(title, _reasons(chunk, deck.t))
        headers, body, widths, numeric = _indicator_rows(deck, chunk)
        deck.table(slide, headers, body, MARGIN, Inches(1.15), widths, 10, numeric)


def _pages(deck: Deck, rows: list[Row], top: float, size: float) -> list[list[Row]]:
    """The indicator rows cut into slides: at most ROWS_PER_SLIDE each, fewer when wrapped labels would take
    the table under the footer."""
    pages: list[list[Row]] = []
    for r in rows:
        page = pages[-1] if pages else None
        if page is not None and len(page) < ROWS_PER_SLIDE:
            headers, body, widths, _ = _indicator_rows(deck, [*page, r])
            if top + cells_height(headers, body, widths, size) <= FOOTER_TOP_IN:
                page.append(r)
                continue
        pages.append([r])
    return pages


def _objectives(deck: Deck) -> None:
    t = deck.t
    for s in deck.pack.objectives:
        slide = deck.slide(f"{s.label} — {s.rollup.status.text} ({s.rollup.progress_text})",
                           [s.description, s.summary, "", *_reasons(s.rows, t), *_comments(s.comments, t)])
        shown = deck.picture(slide, f"objective:{s.id}", MARGIN, Inches(1.15), width=Inches(7.6), alt=s.summary)
        left = MARGIN + Inches(7.8) if shown else MARGIN
        widths = [2.3, 1.3, 1.3] if shown else [6.5, 2.0, 2.0]
        rows = [[f"{r.id} {r.label}" if not shown else r.id, r.value_text, r.status] for r in s.rows]
        deck.table(slide, [t["col.indicator"], t["col.value"], t["col.status"]], rows, left, Inches(1.25), widths,
                   10, {1})


def _budget(deck: Deck) -> None:
    b, t = deck.pack.budget, deck.t
    rows = [[line.label, *line.texts] for line in [*b.lines, b.total]]
    slide = deck.slide(t["section.budget"], [b.summary, b.note, "", *_reasons(b.rows, t)])
    deck.tiles(slide, Inches(1.15))
    if deck.picture(slide, "budget", MARGIN, Inches(2.45), height=Inches(4.55), alt=b.summary):
        top, size = None, 9
    else:
        top, size = 2.45, 8
    if top is not None and one_line_row_height(top, len(rows) + 1, size) is None:  # under the tiles it would not fit
        top = None
    if top is None:
        slide = deck.slide(f"{t['section.budget']} — {t['col.dispositif'].lower()}", [b.note])
        top = 1.1
    deck.table(slide, [t["col.dispositif"], t["col.envelope"], t["col.committed"], t["col.paid"], t["col.to_pay"]],
               rows, MARGIN, Inches(top), [4.5, 1.8, 1.8, 1.8, 2.0], size, {1, 2, 3, 4},
               one_line_row_height(top, len(rows) + 1, size) or 0.22)


def _scorecard(deck: Deck) -> None:
    """The chart and the table on one slide when the table fits above the footer; else the table (comments cut
    to fit, whole in the speaker notes) on a slide of its own."""
    c, t = deck.pack.scorecard, deck.t
    notes = [c.summary, ""] + [f"{r.label} : {r.status.text} — {r.reason}" + (f" [{r.comment}]" if r.comment else "")
                               for r in c.rows]
    slide = deck.slide(t["section.scorecard"], notes)
    shown = deck.picture(slide, "scorecard", MARGIN, Inches(1.05), height=Inches(2.9), alt=c.summary)
    headers = [t["col.couloir"], t["col.documents"], t["col.segur_target"], t["col.achieved"], t["col.status"],
               t["col.comment"]]
    rows = [[r.label, r.value_text, r.target_text, r.achieved_text, r.status, r.comment] for r in c.rows]
    top, size, widths = (4.0, 9, [2.8, 2.0, 1.8, 1.3, 1.8, 2.8]) if shown else (1.15, 11, [2.6, 1.8, 1.7, 1.2, 1.7, 3.5])
    if shown and top + cells_height(headers, rows, widths, size) > FOOTER_TOP_IN:
        slide = deck.slide(t["section.scorecard_table"], notes)
        top, size, widths = 1.15, 11, [2.6, 1.8, 1.7, 1.2, 1.7, 3.5]
    rows = fit_last_column(headers, rows, widths, size, FOOTER_TOP_IN - top)
    deck.table(slide, headers, rows, MARGIN, Inches(top), widths, size, {1, 2, 3})


def _territories(deck: Deck) -> None:
    terr, t = deck.pack.territories, deck.t
    slide = deck.slide(f"{t['section.territories']} — {terr.title}", [terr.intro, terr.summary])
    shown = deck.picture(slide, "territories", MARGIN, Inches(1.1), height=Inches(5.7), alt=terr.summary)
    rows = [[f"{t['here']} {r.rank}" if r.here else str(r.rank), r.label, r.value_text, r.status, r.gap_text]
            for r in terr.rows] + [["", t["col.national"], terr.national_text, "", ""]]
    deck.table(slide, [t["col.rank"], t["col.region"], t["col.value"], t["col.status"], t["col.gap"]], rows,
               MARGIN + (Inches(5.4) if shown else 0), Inches(1.1), [0.6, 2.6, 1.1, 1.7, 1.1], 8, {0, 2, 4}, 0.27)


def _changes_and_decisions(deck: Deck) -> None:
    p, t = deck.pack, deck.t
    slide = deck.slide(t["section.changes"], [c.sentence for c in p.changes])
    shown, left = capped(p.changes, 14)  # every high-severity change stays on the slide
    lines = [f"{c.severity_text}   {c.sentence}" for c in shown] or [t["changes.none"]]
    if left or p.changes_more:
        lines.append(t["changes.more"].format(n=left + p.changes_more))
    _text(slide, "\n".join(lines), MARGIN, Inches(1.15), WIDTH - 2 * MARGIN, Inches(5.8), 13)
    slide = deck.slide(t["section.decisions"])
    if p.decisions:
        rows = [[d.text, d.owner, d.due_text, d.status_text, d.links] for d in p.decisions[:14]]
        deck.table(slide, [t["col.decision"], t["col.owner"], t["col.due"], t["col.status"], t["col.links"]], rows,
                   MARGIN, Inches(1.15), [5.5, 1.8, 1.6, 2.3, 1.3], 11)
    else:
        _text(slide, t["decisions.none"], MARGIN, Inches(1.15), Inches(10), Inches(0.5), 14)


def chart_pngs(pack: PackData, scale: float = 2.0) -> dict[str, bytes]:
    from reports.charts import chart_renderer, figures, render_png

    figs = figures(pack)
    with chart_renderer():
        return {key: render_png(fig, scale) for key, fig in figs.items()}


def build_presentation(pack: PackData, pngs: dict[str, bytes] | None = None) -> Presentation:
    deck = Deck(pack, pngs or {})
    for part in (_cover, _summary, _indicator_table, _objectives, _budget, _scorecard, _territories,
                 _changes_and_decisions):
        part(deck)
    deck.footers()
    return deck.prs


def write_pptx(pack: PackData, path, charts: bool = True) -> Path:
    """Build the slides and save them atomically (a partial file never takes the name)."""
    out = Path(path)
    tmp = out.with_name(f".{out.name}.partial")
    try:
        build_presentation(pack, chart_pngs(pack) if charts else None).save(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


__all__ = ["build_presentation", "chart_pngs", "write_pptx"]

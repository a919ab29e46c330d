"""The committee pack as PDF: read back with pypdf, its text shows the committee, the month and the engine's
figures; charts are vector SVG, each followed by its table; French by default, English on request."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from indicators import fmt
from indicators.query import ViewFilters
from reports.charts import figures
from reports.pack import build_pack
from reports.pack_data import gather
from reports.pdf import render_html
from tests.reports.test_pack_data import AS_OF, CHANGES, COMMENTS, DECISIONS, META, keep_chart_renderer, small_engine

SECTIONS_FR = ("Synthèse", "Tableau des indicateurs", "Objectif — Alimenter Mon espace santé", "Budget",
               "Tableau de bord par couloir", "Territoires", "Depuis le dernier comité", "Décisions")


def spaces(text: str) -> str:
    """Text extraction turns the no-break spaces of French numbers (`1 031,3 M€`) into plain spaces."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


def flat(text: str) -> str:
    """The text with its line breaks (table cells wrap) folded into single spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return small_engine(tmp_path_factory)


@pytest.fixture(scope="module")
def national(engine, tmp_path_factory):
    keep_chart_renderer()
    path = build_pack(engine, META, "pdf", tmp_path_factory.mktemp("pdf"), changes=CHANGES, comments=COMMENTS,
                      decisions=DECISIONS)
    reader = PdfReader(path)
    return path, reader, [spaces(p.extract_text()) for p in reader.pages]


def test_national_pdf_shows_the_committee_the_month_and_the_engine_figures(engine, national):
    path, reader, pages = national
    text = "\n".join(pages)
    assert path.name == "cosui-14_2026-10.pdf"
    assert "COSUI n°14" in pages[0] and "oct. 2026" in pages[0] and META.id in pages[0]
    for ind_id in ("USE-01", "CIT-02", "BUD-05"):
        r = engine.compute(ind_id, AS_OF)
        assert spaces(fmt.value(r.current.value, r.indicator.unit, "fr")) in text
    for title in SECTIONS_FR:
        assert title in text
    total = len(pages)
    assert pages[0].rstrip().endswith(f"page 1 / {total}")
    assert f"page {total} / {total}" in pages[-1]
    assert all("COSUI n°14 · Comité de suivi" in p for p in pages[1:])  # running header
    said = flat(text)
    assert COMMENTS[0]["body"] in said and COMMENTS[1]["body"] in said and COMMENTS[2]["body"] not in said
    assert DECISIONS[0]["text"] in said and CHANGES[0].sentence_fr in said
    assert "✖ En retard" in text and "✔ En bonne voie" in text  # statuses: icon + words


def test_charts_are_vector_svg_and_the_pdf_is_tagged_in_french(national):
    _, reader, pages = national
    text = "\n".join(pages)
    assert "Trajectoire cible" in text and "Cible Ségur" in text  # legends: text drawn from the inline SVG
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and "/StructTreeRoot" in root  # language and structure for screen readers
    assert reader.metadata.title.startswith("COSUI n°14")


def test_every_chart_is_followed_by_its_table(engine):
    pack = gather(engine, META)
    svgs = {key: '<svg viewBox="0 0 10 10"><rect width="10" height="10"/></svg>' for key in figures(pack)}
    html = render_html(pack, svgs)
    charts = [m.end() for m in re.finditer(r'<figure class="chart', html)]
    assert len(charts) == len(svgs) == 10  # 7 objectives, budget, scorecard, territories
    for end in charts:
        after = html[end:]
        next_table = after.find("<table")
        stops = [i for i in (after.find("<figure"), after.find("</section>")) if i >= 0]
        assert 0 <= next_table < min(stops)


def test_regional_pdf_in_english_without_charts(engine, tmp_path):
    path = build_pack(engine, META, "pdf", tmp_path, region="84", lang="en", comments=COMMENTS, charts=False)
    assert path.name == "cosui-14_2026-10_region-84_en.pdf"
    assert not list(tmp_path.glob(".*partial"))
    reader = PdfReader(path)
    pages = [spaces(p.extract_text()) for p in reader.pages]
    text = "\n".join(pages)
    assert "Regional factsheet — Auvergne-Rhône-Alpes" in pages[0] and "Oct 2026" in pages[0]
    assert pages[0].rstrip().endswith(f"page 1 / {len(pages)}")
    for title in ("Summary", "Indicator table", "Scorecard by strand", "Territories", "Since the last committee"):
        assert title in text
    assert "Gap to national" in text
    assert COMMENTS[2]["body"] in flat(text) and COMMENTS[1]["body"] not in flat(text)
    value = engine.compute("CIT-01", AS_OF, ViewFilters(region="84"))
    assert spaces(fmt.value(value.current.value, "profils", "en")) in text
    assert reader.trailer["/Root"]["/Lang"] == "en"

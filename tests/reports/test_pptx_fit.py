"""The slides keep inside the page: no table under the footer (the per-couloir scorecard with long comments and
its chart), no number or unit broken inside a word (the « Évolution » column), in the national and a regional
deck; a regional deck is offered by the route as the CLI makes it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx.util import Emu

from reports.pack_data import gather
from reports.pptx import FOOTER_TOP_IN, build_presentation
from reports.pptx_fit import CELL_MARGIN_IN, breakable, lines, table_height_in, text_width_in, words
from tests.reports.test_pack_data import META, small_engine

LONG = ("Les éditeurs de DPI annoncent un décalage de trois mois sur les installations de la vague 2 ; un plan "
        "d'action est suivi chaque semaine avec les ARS et la DNS, point d'étape au prochain comité.")
COUPLED = ("radiologie", "hopital", "biologie", "officine", "medecin", "medico_social", "sage_femme")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 500), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return small_engine(tmp_path_factory)


def _deck(engine, region=None):
    comments = [{"indicator_id": "USE-02", "couloir_code": c, "region_code": None, "departement_code": None,
                 "kind": "risque", "body": LONG, "author": "c.martin", "created_at": "2026-11-12T10:00:00+00:00",
                 "deleted": False} for c in COUPLED]
    pack = gather(engine, META, region=region, comments=comments)
    pngs = {"scorecard": _png(), "budget": _png(), "territories": _png()}
    return build_presentation(pack, pngs)


def _tables(prs):
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                yield slide, shape


def _size(cell) -> float:
    runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
    return runs[0].font.size.pt if runs and runs[0].font.size else 11


@pytest.mark.parametrize("region", [None, "84"], ids=["national", "region"])
def test_no_table_runs_under_the_footer_and_no_word_breaks(engine, region):
    prs = _deck(engine, region)
    seen_scorecard = False
    for slide, shape in _tables(prs):
        table = shape.table
        widths = [Emu(c.width).inches for c in table.columns]
        cells = [[c.text for c in row.cells] for row in table.rows]
        size = _size(table.cell(1, 0)) if len(table.rows) > 1 else 11
        height = table_height_in(cells[0], cells[1:], widths, size, Emu(table.rows[0].height).inches)
        assert Emu(shape.top).inches + height <= FOOTER_TOP_IN + 1e-6, slide.shapes.title.text
        for row in cells[1:]:
            for text, width in zip(row, widths, strict=True):
                if any(ch.isdigit() for ch in text):  # a figure: none of its words wider than the column
                    for w in words(text):
                        assert text_width_in(w, size) <= width - CELL_MARGIN_IN, (slide.shapes.title.text, text, w, width)
        seen_scorecard |= slide.shapes.title.text.startswith("Tableau de bord par couloir")
    assert seen_scorecard
    titles = [s.shapes.title.text for s in prs.slides]
    if region is not None:  # national comments are not on a regional deck: the table fits under the chart
        assert "Tableau de bord par couloir — détail" not in titles
        return
    # the long comments do not fit under the chart: the table goes to its own slide, the comments whole in notes
    assert "Tableau de bord par couloir — détail" in titles
    detail = prs.slides[titles.index("Tableau de bord par couloir — détail")]
    assert LONG in detail.notes_slide.notes_text_frame.text


def test_a_number_wraps_before_its_unit_not_inside_a_word():
    text = "↗ +531\u202f507\xa0ordonnances"
    assert breakable(text, 3.0, 10) == text  # it fits: unchanged
    narrow = breakable(text, 1.4, 10)
    assert narrow == "↗ +531\u202f507 ordonnances" and lines(narrow, 1.4, 10) == 2
    assert "531\u202f507" in words(narrow)[1]  # the number itself stays whole

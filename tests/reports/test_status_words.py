"""One word per status everywhere: the screen's badge, the workbook (Synthèse and Table longue), the committee
pack (PPTX table cells and the PDF's text) and the explanation of a figure are rendered and read back; each
says, for each indicator's status code, the catalogue's word (texts, locale/*.po), in French and in English."""

from __future__ import annotations

import re

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.components.status import status_badge
from indicators.explain import progress_rule
from indicators.status import STATUSES
from reports.excel import write_workbook
from reports.pack import build_pack
from tests.reports.test_pack_data import AS_OF, META, small_engine
from texts import status_icon, status_label

LANGS = ("fr", "en")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return small_engine(tmp_path_factory)


@pytest.fixture(scope="module")
def codes(engine) -> dict[str, str]:
    """Indicator id → its status code at the pack's month, national view (what every file must word)."""
    return {i.id: engine.compute(i.id, AS_OF).status for i in engine.catalogue.indicators}


def test_the_view_has_several_statuses(codes):
    assert len(set(codes.values())) >= 3, codes  # else the comparisons below would prove little


@pytest.mark.parametrize("lang", LANGS)
def test_screen_badge_says_the_catalogue_word(lang):
    for code in STATUSES:
        icon, text = status_badge(code, lang).children
        assert (icon.children, text.children) == (status_icon(code), status_label(code, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_workbook_says_the_catalogue_word(engine, codes, lang, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "view.xlsx", engine, AS_OF, lang=lang))
    ws = wb.worksheets[1]  # Synthèse / Summary
    header = [c.value for c in ws[1]]
    id_col, status_col = header.index("Identifiant" if lang == "fr" else "Id"), header.index(
        "Statut" if lang == "fr" else "Status")
    shown = {row[id_col]: row[status_col] for row in ws.iter_rows(min_row=2, values_only=True)
             if row[id_col] in codes}
    assert shown == {i: status_label(c, lang) for i, c in codes.items()}
    tidy = wb["Table longue" if lang == "fr" else "Long table"]
    header = [c.value for c in tidy[1]]
    status_at = header.index("Statut" if lang == "fr" else "Status")
    words = {row[status_at] for row in tidy.iter_rows(min_row=2, values_only=True)}
    assert words and words <= {status_label(c, lang) for c in STATUSES}, words


@pytest.fixture(scope="module")
def decks(engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("status-words")
    return {lang: build_pack(engine, META, "pptx", out / lang, lang=lang, charts=False) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_pptx_says_the_catalogue_word(decks, codes, lang):
    shown = {}
    for slide in Presentation(decks[lang]).slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            rows = [[c.text for c in r.cells] for r in shape.table.rows]
            if rows[0][0] != ("Indicateur" if lang == "fr" else "Indicator"):
                continue
            at = rows[0].index("Statut" if lang == "fr" else "Status")
            shown.update({r[0].split(" ")[0]: r[at] for r in rows[1:]})
    assert shown == {i: f"{status_icon(c)} {status_label(c, lang)}" for i, c in codes.items()}


def test_pdf_says_the_catalogue_word(engine, codes, tmp_path):
    path = build_pack(engine, META, "pdf", tmp_path, lang="en", charts=False)
    text = " ".join(p.extract_text() for p in PdfReader(path).pages)
    text = re.sub(r"\s+", " ", text)
    for code in set(codes.values()):
        assert f"{status_icon(code)} {status_label(code, 'en')}" in text, code
    # the old drifted words are gone: a status is never "Watch" alone
    assert not re.search(r"(?<!To )\bWatch\b", text)


@pytest.mark.parametrize("lang", LANGS)
def test_explanation_says_the_catalogue_word(engine, lang):
    rule = progress_rule(engine.catalogue.indicator("CIT-01"), lang)
    for code in ("on_track", "watch"):
        assert status_label(code, lang, lower=True) in rule

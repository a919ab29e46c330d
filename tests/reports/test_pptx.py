"""The committee pack as slides: read back with python-pptx, the titles, native tables, speaker notes and
chart pictures are there; `pack_command` writes one fiche territoriale per région from a snapshot."""

from __future__ import annotations

import argparse

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

from appstate import service
from appstate.db import forget, session_factory
from indicators import fmt
from reports.charts import figures
from reports.pack import add_pack_arguments, build_pack, pack_command
from reports.pack_data import gather
from reports.snapshot import create_snapshot
from tests.reports.test_pack_data import (
    AS_OF,
    CHANGES,
    COMMENTS,
    DECISIONS,
    META,
    TODAY,
    keep_chart_renderer,
    small_engine,
    small_settings,
)
from texts import status_label


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return small_engine(tmp_path_factory)


@pytest.fixture(scope="module")
def deck(engine, tmp_path_factory):
    keep_chart_renderer()
    path = build_pack(engine, META, "pptx", tmp_path_factory.mktemp("pptx"), changes=CHANGES, comments=COMMENTS,
                      decisions=DECISIONS)
    return path, Presentation(path)


def _cells(slide) -> list[list[str]]:
    return [[c.text for c in row.cells] for shape in slide.shapes if shape.has_table for row in shape.table.rows]


def test_slides_have_the_pack_sections_as_titles(engine, deck):
    path, prs = deck
    assert path.name == "cosui-14_2026-10.pptx"
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:5] == ["COSUI n°14", "Synthèse", "Tableau des indicateurs (1/3)", "Tableau des indicateurs (2/3)",
                          "Tableau des indicateurs (3/3)"]
    alim = gather(engine, META).objectives[0].rollup  # the slide title says the objective's status in words
    assert titles[5] == f"Alimenter Mon espace santé — {alim.status.text} ({alim.progress_text})"
    # the scorecard's table, with its comment, would end under the footer below the chart: it has its own slide
    assert titles[-7:] == ["Budget", "Budget — dispositif", "Tableau de bord par couloir",
                           "Tableau de bord par couloir — détail",
                           "Territoires — CIT-02 Taux d'activation (profils activés / assurés)",
                           "Depuis le dernier comité", "Décisions"]


def test_native_tables_carry_the_engine_values(engine, deck):
    _, prs = deck
    rows = _cells(prs.slides[2]) + _cells(prs.slides[3]) + _cells(prs.slides[4])
    by_id = {row[0].split()[0]: row for row in rows[1:] if row[0][:3] in ("BUD", "DEP", "USE", "CIT", "MSS", "INS",
                                                                         "EPR")}
    assert len(by_id) == len(engine.catalogue.indicators)
    for ind_id in ("USE-01", "CIT-02", "BUD-05"):
        r = engine.compute(ind_id, AS_OF)
        assert by_id[ind_id][2] == fmt.value(r.current.value, r.indicator.unit, "fr")
        assert by_id[ind_id][3] == fmt.value(r.current.target, r.indicator.unit, "fr")
    scorecard = next(s for s in prs.slides if s.shapes.title.text.startswith("Tableau de bord par couloir")
                     and _cells(s))
    radiology = next(row for row in _cells(scorecard) if row[0] == "Radiologie / imagerie")
    assert radiology[2] == fmt.value(35e6, "documents", "fr") and radiology[5] == COMMENTS[0]["body"]


def test_speaker_notes_carry_comments_and_status_reasons(engine, deck):
    _, prs = deck
    citizen = next(s for s in prs.slides if s.shapes.title.text.startswith("Usage citoyen"))
    notes = citizen.notes_slide.notes_text_frame.text
    assert COMMENTS[1]["body"] in notes and COMMENTS[2]["body"] not in notes
    assert engine.compute("CIT-01", AS_OF).reason_fr in notes
    changes = next(s for s in prs.slides if s.shapes.title.text == "Depuis le dernier comité")
    assert CHANGES[0].sentence_fr in changes.notes_slide.notes_text_frame.text


def test_charts_are_pictures_with_alternative_text(engine, deck):
    _, prs = deck
    pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == len(figures(gather(engine, META))) == 10
    assert all(p.image.content_type == "image/png" and p.image.size[0] >= 900 for p in pictures)  # 2× scale
    assert all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)


def test_pack_command_writes_one_fiche_per_region_from_a_snapshot(tmp_path_factory, monkeypatch, capsys):
    settings = small_settings(tmp_path_factory)
    monkeypatch.setenv("SEGUR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SEGUR_TODAY", TODAY.isoformat())
    sessions = session_factory(settings.app_db)
    with sessions.begin() as session:
        service.add_comment(session, "CIT-01", "action", "Campagne d'activation en Bretagne.", "ars.bretagne",
                            region="53")
    meta = create_snapshot(settings, "COSUI n°14", "2026-10", author="secretariat")
    out = tmp_path_factory.mktemp("regions")
    parser = add_pack_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--snapshot", meta.id, "--format", "pptx", "--all-regions", "--out", str(out), "--no-charts"])
    try:
        assert pack_command(args) == 0
        assert pack_command(parser.parse_args(["--snapshot", meta.id, "--region", "99", "--out", str(out)])) == 1
    finally:
        forget(settings.app_db)
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1].startswith("erreur : région inconnue « 99 »")
    files = sorted(out.glob("*.pptx"))
    assert len(files) == 18 and printed[:-1] == [str(p) for p in files]
    labels = small_engine(tmp_path_factory).territory().region_label_fr
    for path in files:
        code = path.stem.rsplit("region-", 1)[1]
        assert path.name == f"cosui-14_2026-10_region-{code}.pptx"
        cover = " ".join(sh.text_frame.text for sh in Presentation(path).slides[0].shapes if sh.has_text_frame)
        assert f"Fiche territoriale — {labels[code]}" in cover
    brittany = Presentation(out / "cosui-14_2026-10_region-53.pptx")
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in brittany.slides if s.has_notes_slide)
    assert "Campagne d'activation en Bretagne." in notes


def test_libreoffice_opens_the_deck_with_every_slide_and_its_figures(engine, deck, tmp_path):
    """The deck converted to PDF by LibreOffice headless (as a participant without PowerPoint would open it): one
    page per slide, each slide's title on its page, the indicator table's values and the statuses in words."""
    from pypdf import PdfReader

    from tests.reports.helpers import libreoffice_convert

    path, prs = deck
    pdf = libreoffice_convert(path, tmp_path, "pdf")
    if pdf is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé")
    def words(text: str) -> str:  # the icons are drawn from another font: the PDF's text puts them apart
        return " ".join(text.translate({ord(c): " " for c in "✔⚠✖○…◌▶"}).split())

    pages = [words(p.extract_text()) for p in PdfReader(pdf).pages]
    assert len(pages) == len(prs.slides)
    for page, slide in zip(pages, prs.slides, strict=True):
        assert words(slide.shapes.title.text) in page
    table = " ".join(pages[2:5])
    for ind_id in ("USE-01", "CIT-02", "BUD-05"):
        r = engine.compute(ind_id, AS_OF)
        for text in (fmt.value(r.current.value, r.indicator.unit, "fr"), fmt.value(r.current.target, r.indicator.unit, "fr")):
            assert words(text) in table, (ind_id, text)
    statuses = {engine.compute(i.id, AS_OF).status for i in engine.catalogue.indicators}
    for code in statuses:
        assert status_label(code, "fr") in table, code

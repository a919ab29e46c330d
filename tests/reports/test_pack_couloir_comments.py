"""A committee comment about a couloir, written through the service and frozen in a snapshot, fills the
« commentaire du comité » of that couloir in the scorecard: PDF text (pypdf) and PPTX table and speaker notes
(python-pptx); a région's pack carries that région's couloir comments, the national pack the national ones."""

from __future__ import annotations

import pytest
from pptx import Presentation
from pypdf import PdfReader

from appstate import service
from appstate.db import forget, session_factory
from reports.pack import build_pack
from reports.snapshot import create_snapshot, open_snapshot, snapshot_state
from tests.reports.test_pack_data import small_settings
from tests.reports.test_pdf import flat

RADIOLOGY = "Radiologie / imagerie"
NATIONAL = "Les cabinets de radiologie attendent la DRIMbox de la vague 2."
OLDER = "Premier point sur la radiologie, remplacé par le suivant."
REGIONAL = "L'ARS pilote le raccordement des hôpitaux de la région."
SCORECARD = "Tableau de bord par couloir"


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    """A snapshot whose app state holds couloir comments (national and regional) and a plain one."""
    settings = small_settings(tmp_path_factory)
    sessions = session_factory(settings.app_db)
    try:
        with sessions.begin() as session:
            service.add_comment(session, "USE-02", "analyse", OLDER, "c.martin", couloir="radiologie")
        with sessions.begin() as session:
            service.add_comment(session, "USE-02", "risque", NATIONAL, "c.martin", couloir="radiologie")
            service.add_comment(session, "USE-02", "action", REGIONAL, "ars.ara", region="84", couloir="hopital")
        meta = create_snapshot(settings, "COSUI couloirs", "2026-10", author="secretariat")
        engine, meta = open_snapshot(settings, meta.id)
        comments = snapshot_state(settings, meta.id)["comments"]
    finally:
        forget(settings.app_db)
    return engine, meta, comments, tmp_path_factory.mktemp("couloir-packs")


def _scorecard_rows(text: str, labels: list[str]) -> dict[str, str]:
    """The text of each couloir's row: from its label up to the next couloir's label."""
    text = flat(text)
    start = text.index(SCORECARD, text.index(SCORECARD) + 1)  # the section, not the table of contents
    starts = sorted((text.index(label, start), label) for label in labels)
    ends = [s for s, _ in starts[1:]] + [text.index("Territoires", starts[-1][0])]
    return {label: text[s:e] for (s, label), e in zip(starts, ends, strict=True)}


def test_the_snapshot_freezes_the_couloir_of_each_comment(frozen):
    _, _, comments, _ = frozen
    assert {c["body"]: c["couloir_code"] for c in comments if c["body"] in (NATIONAL, REGIONAL)} == {
        NATIONAL: "radiologie", REGIONAL: "hopital"}


def test_pdf_scorecard_shows_the_latest_comment_next_to_its_couloir(frozen):
    engine, meta, comments, out = frozen
    path = build_pack(engine, meta, "pdf", out, comments=comments, charts=False)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    rows = _scorecard_rows(text, [RADIOLOGY, "Hôpital", "Biologie médicale", "Officine"])
    assert NATIONAL in rows[RADIOLOGY]
    assert OLDER not in flat(text)  # only the latest comment of a couloir
    assert REGIONAL not in flat(text)  # a région's comment stays in that région's pack


def test_pptx_scorecard_table_and_notes_carry_the_comment_of_the_couloir(frozen):
    engine, meta, comments, out = frozen
    prs = Presentation(build_pack(engine, meta, "pptx", out, region="84", comments=comments, charts=False))
    slide = next(s for s in prs.slides if s.shapes.title.text == SCORECARD)
    cells = {row.cells[0].text: row.cells[5].text for sh in slide.shapes if sh.has_table for row in sh.table.rows}
    assert cells["Hôpital"] == REGIONAL and cells[RADIOLOGY] == ""  # the région's pack: its own comments
    notes = slide.notes_slide.notes_text_frame.text.splitlines()
    [line] = [n for n in notes if REGIONAL in n]
    assert line.startswith("Hôpital : ")
    national = Presentation(build_pack(engine, meta, "pptx", out, comments=comments, charts=False))
    slide = next(s for s in national.slides if s.shapes.title.text == SCORECARD)
    [line] = [n for n in slide.notes_slide.notes_text_frame.text.splitlines() if NATIONAL in n]
    assert line.startswith(f"{RADIOLOGY} : ") and line.endswith(f"[{NATIONAL}]")

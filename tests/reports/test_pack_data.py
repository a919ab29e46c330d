"""Pack data: every figure of a committee pack comes from the engine, formatted once, for the right view.

Also home of the small demo warehouse (etl.demo at scale 0.05, loaded by the ETL) and the hand-made
committee inputs that the PDF and PPTX tests share: `small_engine` builds it once per test process.
"""

from __future__ import annotations

import atexit
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from appstate.changes import make_change
from etl.demo import generate
from etl.load import load
from indicators import fmt
from indicators.compute import Engine
from indicators.query import ViewFilters
from indicators.rollup import rollup
from reports.charts import chart_renderer
from reports.pack import PackError, build_pack, pack_filename, slug
from reports.pack_data import gather
from settings import load_settings

TODAY = date(2026, 11, 28)
AS_OF = date(2026, 10, 1)
META = SimpleNamespace(id="s-20261120-c0517e", label="COSUI n°14", as_of=AS_OF,
                       created_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), created_by="secretariat.dns")
COMMENTS = [
    {"indicator_id": "USE-02", "couloir_code": "radiologie", "region_code": None, "departement_code": None,
     "kind": "risque", "body": "DRIMbox : les cabinets de radiologie attendent la vague 2.", "author": "c.martin",
     "created_at": "2026-11-12T10:00:00+00:00", "deleted": False},
    {"indicator_id": "CIT-01", "region_code": None, "departement_code": None, "kind": "analyse",
     "body": "Activation freinée par la campagne d'information reportée.", "author": "a.dupont",
     "created_at": "2026-11-13T10:00:00+00:00", "deleted": False},
    {"indicator_id": "CIT-01", "region_code": "84", "departement_code": None, "kind": "action",
     "body": "L'ARS Auvergne-Rhône-Alpes relance les maisons de santé.", "author": "ars.ara",
     "created_at": "2026-11-14T10:00:00+00:00", "deleted": False},
    {"indicator_id": "USE-01", "region_code": None, "departement_code": None, "kind": "information",
     "body": "Commentaire supprimé, à ne pas montrer.", "author": "x", "created_at": "2026-11-15T10:00:00+00:00",
     "deleted": True},
]
DECISIONS = [
    {"text": "Relancer les éditeurs de radiologie avant le prochain comité.", "owner": "DNS",
     "due_date": "2026-09-30", "status": "en_cours", "indicator_ids": ["USE-02"], "regions": [], "departements": []},
    {"text": "Plan d'activation régional en Auvergne-Rhône-Alpes.", "owner": "ARS ARA", "due_date": "2027-01-31",
     "status": "a_faire", "indicator_ids": ["CIT-01"], "regions": ["84"], "departements": []},
    {"text": "Mission d'appui en Bretagne.", "owner": "ARS BRE", "due_date": "2026-12-15", "status": "a_faire",
     "indicator_ids": [], "regions": ["53"], "departements": []},
]
CHANGES = [
    make_change("status", "CIT-01", None, "watch", "off_track", "status_off_track", 3,
                "CIT-01 Profils activés : le statut se dégrade.", "CIT-01 Activated profiles: status worsens."),
    make_change("value", "USE-01", "84", 1.0, 2.0, "big_move", 1,
                "USE-01 · Auvergne-Rhône-Alpes : forte hausse.", "USE-01 · Auvergne-Rhône-Alpes: big rise."),
    {"severity": "low", "territory": None, "sentence_fr": "Nouvelles données chargées.",
     "sentence_en": "New data loaded."},
]
_SMALL: dict = {}


def small_engine(tmp_path_factory) -> Engine:
    """An engine over a small demo warehouse, built once per test process and shared by the pack tests."""
    if "engine" not in _SMALL:
        root = tmp_path_factory.mktemp("packs")
        settings = load_settings({"SEGUR_DATA_DIR": str(root / "data"), "SEGUR_TODAY": TODAY.isoformat()})
        report = load(generate(root / "raw", scale=0.05, today=TODAY), settings)
        assert settings.warehouse.exists(), report
        _SMALL["settings"], _SMALL["engine"] = settings, Engine(settings.warehouse, today=TODAY)
    return _SMALL["engine"]


def keep_chart_renderer() -> None:
    """One kaleido browser for the whole test process: every pack rendered afterwards reuses it."""
    if "renderer" not in _SMALL:
        renderer = chart_renderer()
        renderer.__enter__()
        atexit.register(renderer.__exit__, None, None, None)
        _SMALL["renderer"] = renderer


def small_settings(tmp_path_factory):
    small_engine(tmp_path_factory)
    return _SMALL["settings"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    return small_engine(tmp_path_factory)


@pytest.fixture(scope="module")
def pack(engine):
    return gather(engine, META, comments=COMMENTS, decisions=DECISIONS, changes=CHANGES)


@pytest.fixture(scope="module")
def regional(engine):
    return gather(engine, META, region="84", comments=COMMENTS, decisions=DECISIONS, changes=CHANGES)


def test_every_indicator_row_shows_the_engine_value_target_and_status(engine, pack):
    assert [r.id for r in pack.indicators] == [i.id for i in engine.catalogue.indicators]
    for row in pack.indicators:
        r = engine.compute(row.id, AS_OF)
        unit = r.indicator.unit
        assert row.value_text == fmt.value(r.current.value, unit, "fr")
        assert row.target_text == fmt.value(r.current.target, unit, "fr")
        assert row.period == ("2026" if r.grain == "year" else fmt.month(r.current.period, "fr"))
        assert (row.status.key, row.reason) == (r.status, r.reason_fr)
        assert row.status.text.endswith(row.status.label) and row.status.icon  # icon + words, never colour alone


def test_objectives_roll_up_as_the_engine_and_carry_their_charts_and_comments(engine, pack):
    results = {i.id: engine.compute(i.id, AS_OF) for i in engine.catalogue.indicators}
    expected = rollup(engine.catalogue, results)
    assert [(o.id, o.status.key, o.progress) for o in pack.objectives_rollup] == [
        (o.id, o.status, o.progress) for o in expected]
    citoyen = next(s for s in pack.objectives if s.id == "OBJ-CITOYEN")
    assert [t.id for t in citoyen.trajectories] == ["CIT-01", "CIT-02", "CIT-03"]
    cit01 = citoyen.trajectories[0]
    assert cit01.actual[-1] == results["CIT-01"].current.value
    assert cit01.target_y[-1] == 40_000_000 and cit01.target_x[-1] == date(2027, 12, 31)
    assert cit01.table[-1] == ("oct. 2026", fmt.value(results["CIT-01"].current.value, "profils", "fr"),
                               fmt.value(results["CIT-01"].current.target, "profils", "fr"))
    assert [c.body for c in citoyen.comments] == [COMMENTS[1]["body"]]  # national only, deleted one dropped


def test_couloir_scorecard_compares_documents_with_each_segur_target_and_shows_its_comment(engine, pack):
    use02 = engine.compute("USE-02", AS_OF, breakdown="couloir")
    by_code = {r.code: r for r in pack.scorecard.rows}
    assert set(by_code) == {b.key for b in use02.breakdown}
    targets = {"medecin_ville": 120e6, "radiologie": 35e6, "biologie": 75e6, "hopital": 20e6}
    for code, target in targets.items():
        assert by_code[code].target == pytest.approx(target)
        assert by_code[code].target_text == fmt.value(target, "documents", "fr")
    assert by_code["radiologie"].comment == COMMENTS[0]["body"]
    assert by_code["officine"].status.key == "no_target" and by_code["officine"].target_text == "—"
    assert [r.target is not None for r in pack.scorecard.rows] == sorted(
        (r.target is not None for r in pack.scorecard.rows), reverse=True)  # couloirs with a target first


def test_budget_totals_agree_with_the_budget_indicators(engine, pack):
    budget = pack.budget
    bud01 = engine.compute("BUD-01", AS_OF).current.value
    bud05 = engine.compute("BUD-05", AS_OF).current.value
    assert fmt.percent(budget.committed / budget.envelope) == fmt.percent(bud01 / 100)
    assert budget.paid == pytest.approx(bud05)
    assert budget.tiles[2][1] == fmt.value(bud05, "EUR", "fr")
    assert sum(line.committed for line in budget.lines) == pytest.approx(budget.committed)
    assert [r.id for r in budget.rows] == ["BUD-01", "BUD-02", "BUD-03", "BUD-04", "BUD-05"]


def test_territories_rank_the_regions_and_mark_the_fiche_region(engine, pack, regional):
    cit02 = engine.compute("CIT-02", AS_OF, breakdown="region")
    assert len(pack.territories.rows) == 18
    values = [r.value for r in pack.territories.rows]
    assert values == sorted(values, reverse=True) and [r.rank for r in pack.territories.rows] == list(range(1, 19))
    assert pack.territories.national_text == fmt.value(cit02.current.value, "pct", "fr")
    assert not any(r.here for r in pack.territories.rows)
    here = [r for r in regional.territories.rows if r.here]
    assert [(r.code, r.label) for r in here] == [("84", "Auvergne-Rhône-Alpes")]
    assert f"rang {here[0].rank} sur 18" in regional.territories.summary


def test_regional_pack_compares_with_the_nation_and_keeps_its_own_comments_and_decisions(engine, regional):
    meta = regional.meta
    assert (meta.region, meta.region_label, meta.scope_text) == ("84", "Auvergne-Rhône-Alpes",
                                                                 "84 Auvergne-Rhône-Alpes")
    row = next(r for r in regional.indicators if r.id == "CIT-01")
    here = engine.compute("CIT-01", AS_OF, ViewFilters(region="84"))
    assert row.value_text == fmt.value(here.current.value, "profils", "fr")
    assert row.national_text == fmt.value(engine.compute("CIT-01", AS_OF).current.value, "profils", "fr")
    comments = [c.body for s in regional.objectives for c in s.comments]
    assert comments == [COMMENTS[2]["body"]]
    assert [d.text for d in regional.decisions] == [DECISIONS[0]["text"], DECISIONS[1]["text"]]
    assert regional.changes[0].sentence == CHANGES[1].sentence_fr  # the région's own change first
    assert regional.budget.tiles[1][2] == ""  # no rate against regional envelopes only


def test_changes_and_decisions_read_as_the_committee_needs_them(pack):
    assert [c.sentence for c in pack.changes] == [CHANGES[0].sentence_fr, CHANGES[2]["sentence_fr"],
                                                 CHANGES[1].sentence_fr]
    assert pack.changes[0].severity_text == "✖ forte"
    overdue = pack.decisions[0]
    assert overdue.overdue and overdue.status_text == "✖ En cours · échéance dépassée"
    # the national pack lists every decision, open ones by due date
    assert [d.text for d in pack.decisions] == [DECISIONS[i]["text"] for i in (0, 2, 1)]


def test_english_pack_speaks_english_with_english_numbers(engine):
    pack = gather(engine, META, lang="en", changes=CHANGES)
    assert pack.meta.as_of_text == "Oct 2026" and pack.text["section.summary"] == "Summary"
    assert {r.label for r in pack.scorecard.rows} >= {"Primary care doctors", "Radiology / imaging"}
    row = next(r for r in pack.indicators if r.id == "USE-01")
    assert row.value_text == fmt.value(engine.compute("USE-01", AS_OF).current.value, "documents", "en")
    assert pack.changes[0].sentence == CHANGES[0].sentence_en
    with pytest.raises(ValueError, match="langue inconnue"):
        gather(engine, META, lang="de")


def test_file_names_are_sanitised():
    assert slug("COSUI n°14") == "cosui-14"
    assert slug("Comité n° 3 / Île-de-France") == "comite-3-ile-de-france"
    assert pack_filename("COSUI n°14", AS_OF, "pdf", "11") == "cosui-14_2026-10_region-11.pdf"
    assert pack_filename("COSUI n°14", AS_OF, "pptx", lang="en") == "cosui-14_2026-10_en.pptx"
    assert pack_filename("../../etc", AS_OF, "pdf") == "etc_2026-10.pdf"


def test_build_pack_refuses_bad_input_and_delegates_xlsx(engine, tmp_path):
    with pytest.raises(PackError, match="format de dossier inconnu « docx »"):
        build_pack(engine, META, "docx", tmp_path)
    with pytest.raises(PackError, match="région inconnue « 99 »"):
        build_pack(engine, META, "pdf", tmp_path, region="99")
    with pytest.raises(PackError, match="« BUD-01 » inconnu ou non décliné par région"):
        build_pack(engine, META, "pdf", tmp_path, territory_indicator="BUD-01")
    path = build_pack(engine, META, "xlsx", tmp_path)
    assert path.name == "cosui-14_2026-10.xlsx" and path.stat().st_size > 0

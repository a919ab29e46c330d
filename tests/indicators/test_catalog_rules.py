"""One test per validation rule on the file itself (YAML, shape, ids, weights): the exact line(s) reported.

Rules that need the warehouse contracts and reference data are in test_catalog_checks.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.catalog import CatalogueError, Problem, load_catalogue, parse_catalogue
from indicators.checks import load_reference, warehouse_tables
from tests.indicators.samples import BASE, SECOND, edit, load_text, problems

F = "indicators.yaml"
OF = "      of: {kind: sum, table: fact_documents, column: documents_count, date: month, filters: {couloir_code: biologie}}"
COULOIRS = "hopital, medecin_ville, biologie, radiologie, officine, medico_social, mssante, sage_femme, dentiste, paramedical"


@pytest.fixture
def check(tmp_path, monkeypatch):
    def run(text: str) -> list[str]:
        return problems(tmp_path, monkeypatch, text)
    return run


def test_base_catalogue_is_valid(tmp_path, monkeypatch):
    cat = load_text(tmp_path, monkeypatch, BASE)
    assert [i.id for i in cat.indicators] == ["USE-01"]
    assert cat.objectives[0].weights == {"USE-01": 1}
    assert cat.warnings == ()
    assert cat.file == F


# --- YAML traps -------------------------------------------------------------------------------------

def test_duplicate_key_is_rejected(check):
    text = edit(BASE, "    direction: up\n", "    direction: up\n    owner: DNS\n")
    assert check(text) == [f"{F}:14:5: indicators[0].owner: duplicate key 'owner' (first at line 13): "
                           "YAML would keep only the last value; remove or rename one"]


def test_yaml11_booleans_are_rejected(check):
    text = edit(edit(BASE, "public: true", "public: yes"), "owner: Cnam", "owner: off")
    assert check(text) == [
        f"{F}:13:12: indicators[0].owner: expected true/false, got 'off' (a YAML 1.1 boolean): write true or false, "
        "or quote it if it is text",
        f"{F}:15:13: indicators[0].public: expected true/false, got 'yes' (a YAML 1.1 boolean): write true or false, "
        "or quote it if it is text",
    ]


def test_quoted_yes_is_text(tmp_path, monkeypatch):
    cat = load_text(tmp_path, monkeypatch, edit(BASE, "owner: Cnam", "owner: 'yes'"))
    assert cat.indicators[0].owner == "yes"


def test_date_outside_a_date_field_is_rejected(check):
    assert check(edit(BASE, "owner: Cnam", "owner: 2021-01-01")) == [
        f"{F}:13:12: indicators[0].owner: unexpected date 2021-01-01: only date fields take a date; "
        "quote it if it is text"]


def test_impossible_date_is_located(check):
    assert check(edit(BASE, "date: 2026-12-31", "date: 2026-13-01")) == [
        f"{F}:26:18: indicators[0].target.milestones[1].date: expected YYYY-MM-DD, got '2026-13-01'"]


@pytest.mark.parametrize(("written", "shown"), [
    ("2021-01-31T10:00:00", "'2021-01-31 10:00:00' (a date has no time)"),
    ("20210131", "20210131"),
    ("31/01/2021", "'31/01/2021'"),
])
def test_date_field_needs_yyyy_mm_dd(check, written, shown):
    assert check(edit(BASE, "date: 2021-01-31", f"date: {written}")) == [
        f"{F}:22:32: indicators[0].baseline.date: expected YYYY-MM-DD, got {shown}"]


def test_quoted_date_string_is_a_date(tmp_path, monkeypatch):
    cat = load_text(tmp_path, monkeypatch, edit(BASE, "date: 2021-01-31", "date: '2021-01-31'"))
    assert cat.indicators[0].baseline.date == dt.date(2021, 1, 31)


def test_syntax_error_is_located(check):
    assert check(edit(BASE, "grains: [month, quarter, year]", "grains: [month, quarter, year")) == [
        f"{F}:21:15: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence started at line 20)"]


def test_yaml11_directive_is_rejected(check):
    assert check("%YAML 1.1\n---\n" + BASE) == [
        f"{F}:1:1: expected YAML 1.2, got a %YAML 1.1 directive: remove it (YAML 1.1 turns yes/no into booleans and "
        "0777 into octal)"]


def test_root_must_be_a_mapping(check):
    assert check("- a\n- b\n") == [f"{F}:1:1: expected a mapping with keys version, defaults, objectives, indicators"]


def test_wrong_section_types_are_reported_not_crashing(check):
    assert check("version: 1\nobjectives: {a: 1}\nindicators: 3\n") == [
        f"{F}:2:13: objectives: expected a list, got a mapping",
        f"{F}:3:13: indicators: expected a list, got 3",
    ]


# --- shape (pydantic) ------------------------------------------------------------------------------

def test_unknown_key_suggests_the_right_one(check):
    assert check(edit(BASE, "    unit: documents", "    unti: documents")) == [
        f"{F}:8:5: indicators[0].unit: missing required key 'unit'",
        f"{F}:11:5: indicators[0].unti: unknown key 'unti' (did you mean 'unit'?): expected one of id, label, "
        "description, unit, direction, owner, sources, public, tags, notes, measure, grains, dimensions, baseline, "
        "target, status, freshness, completeness",
    ]


def test_milestone_without_date(check):
    assert check(edit(BASE, "{date: 2026-12-31, value: 400000000}", "{value: 400000000}")) == [
        f"{F}:26:11: indicators[0].target.milestones[1].date: missing required key 'date': "
        "date the value is due (YYYY-MM-DD)"]


def test_milestones_need_at_least_one(check):
    text = edit(BASE, "      milestones:\n        - {date: 2023-12-31, value: 250000000}\n"
                      "        - {date: 2026-12-31, value: 400000000}\n", "      milestones: []\n")
    assert check(text) == [f"{F}:24:19: indicators[0].target.milestones: expected at least 1 item(s), got 0"]


def test_bad_indicator_id(check):
    assert f"{F}:8:9: indicators[0].id: expected an id like USE-01 (^[A-Z]{{3,4}}-[0-9]{{2}}$), got 'use-1'" in check(
        edit(BASE, "id: USE-01", "id: use-1"))


def test_bad_objective_id(check):
    assert check(edit(BASE, "id: OBJ-ALIM", "id: OBJ-1")) == [
        f"{F}:3:9: objectives[0].id: expected an id like OBJ-ALIM (^OBJ-[A-Z]+$), got 'OBJ-1'"]


def test_unit_outside_the_closed_list(check):
    assert check(edit(BASE, "unit: documents", "unit: docs")) == [
        f"{F}:11:11: indicators[0].unit: expected 'EUR', 'pct', 'documents', 'profils', 'messages', 'etablissements', "
        "'medecins', 'solutions', 'jours', 'acteurs', 'ordonnances', 'consultations', 'structures', 'dossiers', "
        "'boites' or 'count', got 'docs'"]


def test_version_must_be_1(check):
    assert check(edit(BASE, "version: 1", "version: 2")) == [f"{F}:1:10: version: expected 1, got 2"]


def test_unknown_measure_kind(check):
    assert check(edit(BASE, "kind: rolling", "kind: moving")) == [
        f"{F}:17:13: indicators[0].measure.kind: unknown measure kind 'moving': expected one of sum, count, "
        "count_distinct, avg, last, at_risk, ratio, cumulative, rolling, difference"]


def test_measure_without_kind(check):
    assert check(edit(BASE, "      kind: rolling\n", "")) == [
        f"{F}:17:7: indicators[0].measure: missing required key 'kind': expected one of sum, count, count_distinct, "
        "avg, last, at_risk, ratio, cumulative, rolling, difference"]


def test_avg_needs_exactly_one_operand(check):
    line = "    measure: {kind: avg, table: fact_documents, column: documents_count, date: month}\n"
    text = edit(BASE, "    measure:\n      kind: rolling\n      months: 12\n" + OF + "\n", line)
    text = edit(text, "column: documents_count, date", "column: documents_count, days_between: [month, month], date")
    assert check(text) == [f"{F}:16:14: indicators[0].measure: expected exactly one of `column` or `days_between`"]


# --- status thresholds -----------------------------------------------------------------------------

def test_thresholds_out_of_order(check):
    text = BASE + "    status: {on_track: 0.8, watch: 0.9}\n"
    assert check(text) == [f"{F}:27:13: indicators[0].status: on_track (0.8) must be greater than watch (0.9)"]


def test_threshold_out_of_range(check):
    text = edit(BASE, "objectives:", "defaults:\n  status: {on_track: 1.2, watch: 0}\nobjectives:")
    assert check(text) == [
        f"{F}:3:22: defaults.status.on_track: expected a value ≤ 1, got 1.2",
        f"{F}:3:34: defaults.status.watch: expected a value > 0, got 0",
    ]


def test_defaults_apply_to_indicators(tmp_path, monkeypatch):
    text = edit(BASE, "objectives:", "defaults:\n  status: {on_track: 0.9, watch: 0.7}\n"
                                     "  freshness: {periodicity: quarterly, delay_days: 45}\nobjectives:")
    ind = load_text(tmp_path, monkeypatch, text).indicators[0]
    assert (ind.status.on_track, ind.status.watch) == (0.9, 0.7)
    assert (ind.freshness.periodicity, ind.freshness.delay_days) == ("quarterly", 45)


# --- ids and weights -------------------------------------------------------------------------------

def test_duplicate_indicator_id(check):
    assert check(BASE + SECOND.replace("USE-02", "USE-01")) == [
        f"{F}:27:9: indicators[1].id: duplicate id 'USE-01': already used by indicators[0]"]


def test_duplicate_objective_id(check):
    extra = ("  - id: OBJ-ALIM\n    label: {fr: Bis, en: Bis}\n    description: {fr: Bis, en: Bis}\n"
             "    weights: {USE-01: 1}\nindicators:\n")
    assert check(edit(BASE, "indicators:\n", extra)) == [
        f"{F}:7:9: objectives[1].id: duplicate id 'OBJ-ALIM': already used by objectives[0]"]


def test_weights_must_sum_to_one(check):
    assert check(edit(BASE, "weights: {USE-01: 1}", "weights: {USE-01: 0.9}")) == [
        f"{F}:6:14: objectives[0].weights: weights sum to 0.9, expected 1 (±0.001)"]


def test_weights_sum_tolerance(tmp_path, monkeypatch):
    text = edit(BASE + SECOND, "weights: {USE-01: 1}", "weights: {USE-01: 0.3333, USE-02: 0.6672}")
    assert load_text(tmp_path, monkeypatch, text).warnings == ()


def test_weight_for_unknown_indicator(check):
    assert check(edit(BASE, "weights: {USE-01: 1}", "weights: {USE-01: 0.5, USE-09: 0.5}")) == [
        f"{F}:6:28: objectives[0].weights.USE-09: unknown indicator 'USE-09' (did you mean 'USE-01'?): "
        "expected one of USE-01"]


def test_indicator_in_no_objective_is_a_warning(tmp_path, monkeypatch):
    cat = load_text(tmp_path, monkeypatch, BASE + SECOND)
    assert [str(w) for w in cat.warnings] == [
        f"{F}:27:9: indicators[1].id: warning: USE-02 belongs to no objective: give it a weight in one"]
    assert cat.warnings[0].severity == "warning"


# --- all problems at once, Problem and Catalogue API ------------------------------------------------

def test_every_problem_is_reported_at_once(check):
    text = edit(BASE, "direction: up", "direction: upward")
    text = edit(text, "table: fact_documents", "table: fact_docs")
    text = edit(text, "date: 2026-12-31", "date: 2026-13-01")
    text = edit(text, "weights: {USE-01: 1}", "weights: {USE-01: 0.5}")
    text = edit(text, "public: true", "public: no")
    assert [line.split(": ")[1] for line in check(text)] == [
        "objectives[0].weights", "indicators[0].direction", "indicators[0].public", "indicators[0].measure.of.table",
        "indicators[0].target.milestones[1].date"]


def test_problem_fields(tmp_path, monkeypatch):
    with pytest.raises(CatalogueError) as caught:
        load_text(tmp_path, monkeypatch, edit(BASE, "date: 2026-12-31", "date: 2026-13-01"))
    assert caught.value.problems == [Problem(
        "indicators[0].target.milestones[1].date", 26, 18, "expected YYYY-MM-DD, got '2026-13-01'", F)]


def test_unreadable_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue("absent.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "absent.yaml:1:1: cannot read the catalogue: No such file or directory"]


def test_not_utf8(tmp_path, monkeypatch):
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(BASE.replace("envoyés", "envoy\udce9s").encode("utf-8", "surrogateescape"))
    at = len(BASE[:BASE.index("envoyés") + 5].encode())
    assert str(caught.value) == f"indicators.yaml:1:1: expected UTF-8 text: invalid continuation byte at byte {at}"


_TABLES = warehouse_tables()
_REFERENCE = None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dates(dt.date(2022, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=4))
def test_milestone_order_property(dates):
    global _REFERENCE
    _REFERENCE = _REFERENCE or load_reference(__import__("settings").load_settings().reference_dir)
    lines = "".join(f"        - {{date: {d.isoformat()}, value: {i}}}\n" for i, d in enumerate(dates))
    text = BASE.split("      milestones:\n")[0] + "      milestones:\n" + lines
    bad = [i for i in range(1, len(dates)) if dates[i] <= dates[i - 1]]
    try:
        parse_catalogue(text, tables=_TABLES, reference=_REFERENCE)
        reported = []
    except CatalogueError as e:
        reported = [p.path_in_file for p in e.problems]
    assert reported == [f"indicators[0].target.milestones[{i}].date" for i in bad]

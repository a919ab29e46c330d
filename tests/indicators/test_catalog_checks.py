"""Rules that need the warehouse contracts and the reference data: tables, columns, codes, dimensions, targets."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.sources import CONTRACTS
from indicators.checks import warehouse_tables
from tests.indicators.samples import BASE, edit, load_text, problems

F = "indicators.yaml"
OF = "      of: {kind: sum, table: fact_documents, column: documents_count, date: month, filters: {couloir_code: biologie}}"
COULOIRS = "hopital, medecin_ville, biologie, radiologie, officine, medico_social, mssante, sage_femme, dentiste, paramedical"


@pytest.fixture
def check(tmp_path, monkeypatch):
    def run(text: str) -> list[str]:
        return problems(tmp_path, monkeypatch, text)
    return run


# --- sources, tables, columns ----------------------------------------------------------------------

def test_unknown_source(check):
    assert check(edit(BASE, "sources: [mes_documents]", "sources: [mes_documents, mes_docs]")) == [
        f"{F}:14:30: indicators[0].sources[1]: unknown source 'mes_docs' (did you mean 'mes_documents'?): "
        f"expected one of {', '.join(CONTRACTS)}"]


def test_table_must_come_from_a_declared_source(check):
    assert check(edit(BASE, "sources: [mes_documents]", "sources: [mes_profiles]")) == [
        f"{F}:19:30: indicators[0].measure.of.table: fact_documents comes from source 'mes_documents': "
        "add it to `sources`"]


def test_unknown_table(check):
    assert check(edit(BASE, "table: fact_documents", "table: fact_docs")) == [
        f"{F}:19:30: indicators[0].measure.of.table: unknown table 'fact_docs' (did you mean 'fact_documents'?): "
        f"expected one of {', '.join(warehouse_tables())}"]


def test_unknown_column(check):
    assert check(edit(BASE, "column: documents_count", "column: documents")) == [
        f"{F}:19:54: indicators[0].measure.of.column: unknown column 'documents' in fact_documents "
        "(did you mean 'documents_count'?): expected one of month, departement_code, couloir_code, document_type, "
        "documents_count"]


def test_sum_needs_a_number_column(check):
    assert check(edit(BASE, "column: documents_count", "column: couloir_code")) == [
        f"{F}:19:54: indicators[0].measure.of.column: sum needs a number column of fact_documents "
        "(documents_count), got 'couloir_code'"]


def test_date_must_be_a_date_column(check):
    assert check(edit(BASE, "date: month", "date: couloir_code")) == [
        f"{F}:19:77: indicators[0].measure.of.date: expected a date column of fact_documents (month), "
        "got 'couloir_code'"]


def test_yearly_table_flow_needs_year_grain(check):
    text = edit(BASE, OF, "      of: {kind: sum, table: fact_envelope, column: amount_eur, date: year}")
    text = edit(text, "sources: [mes_documents]", "sources: [budget_envelopes]")
    assert check(text) == [f"{F}:20:13: indicators[0].grains: fact_envelope is dated by year: a sum read from it "
                           "has no month or quarter; write grains: [year]"]


def test_cumulative_adds_up_flows_only(check):
    text = edit(BASE, "kind: rolling\n      months: 12", "kind: cumulative")
    text = edit(text, "of: {kind: sum, table: fact_documents, column: documents_count, date: month, "
                      "filters: {couloir_code: biologie}}",
                "of: {kind: last, table: fact_documents, column: documents_count, date: month}")
    assert check(text) == [f"{F}:18:18: indicators[0].measure.of.kind: cumulative adds up a flow (count, "
                           "count_distinct, difference, sum), got 'last'"]


# --- filters ---------------------------------------------------------------------------------------

def test_filter_on_unknown_column(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{vague: '1'}")) == [
        f"{F}:19:94: indicators[0].measure.of.filters.vague: unknown column 'vague' in fact_documents: "
        "expected one of month, departement_code, couloir_code, document_type, documents_count"]


def test_filter_unknown_reference_code(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{couloir_code: [hopital, biologi]}")) == [
        f"{F}:19:118: indicators[0].measure.of.filters.couloir_code[1]: unknown couloir code 'biologi' "
        f"(did you mean 'biologie'?): expected one of {COULOIRS}"]


def test_filter_value_outside_allowed_list(check):
    text = edit(BASE, OF, "      of: {kind: sum, table: fact_funding_event, column: amount_eur, date: event_date, "
                          "filters: {event_type: payment}}")
    text = edit(text, "sources: [mes_documents]", "sources: [funding_events]")
    assert check(text) == [
        f"{F}:19:110: indicators[0].measure.of.filters.event_type: unknown event_type value 'payment': "
        "expected one of commitment, advance, balance, lump_sum, cancellation"]


def test_filter_code_written_as_number(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{departement_code: 01}")) == [
        f"{F}:19:112: indicators[0].measure.of.filters.departement_code: expected a code as text for "
        "departement_code, got the number 1: quote the code as written (e.g. '01', not 01)"]


def test_filter_unknown_departement_points_to_reference_file(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{departement_code: '20'}")) == [
        f"{F}:19:112: indicators[0].measure.of.filters.departement_code: unknown departement code '20': "
        "expected a code listed in data/reference/departements.csv"]


def test_null_filter_on_required_column(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{couloir_code: {is_null: true}}")) == [
        f"{F}:19:118: indicators[0].measure.of.filters.couloir_code.is_null: couloir_code is always filled: "
        "`is_null: true` would keep no row"]


def test_filter_needs_one_form(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{couloir_code: {}}")) == [
        f"{F}:19:108: indicators[0].measure.of.filters.couloir_code: expected exactly one of: a value, a list of "
        "values, {not_null: true}, {is_null: true}, {gte: …, lte: …}"]


def test_range_filter_on_a_date_column(tmp_path, monkeypatch):
    text = edit(BASE, "{couloir_code: biologie}", "{month: {gte: 2022-01-01, lte: 2022-12-31}}")
    f = load_text(tmp_path, monkeypatch, text).indicators[0].measure.of.filters["month"]
    assert (f.gte, f.lte) == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def test_range_filter_bounds_in_order(check):
    assert check(edit(BASE, "{couloir_code: biologie}", "{month: {gte: 2022-12-01, lte: 2022-01-01}}")) == [
        f"{F}:19:124: indicators[0].measure.of.filters.month.lte: expected lte ≥ gte (2022-12-01), got 2022-01-01"]


# --- dimensions and targets ------------------------------------------------------------------------

def test_list_entries_are_unique(check):
    assert check(edit(BASE, "grains: [month, quarter, year]", "grains: [month, month]")) == [
        f"{F}:20:21: indicators[0].grains[1]: 'month' is listed twice"]


def test_dimension_must_be_available(check):
    assert check(edit(BASE, "dimensions: [region, couloir]", "dimensions: [region, vague]")) == [
        f"{F}:21:26: indicators[0].dimensions[1]: dimension 'vague' is not available on fact_documents "
        "(needs a column among vague)"]


def test_milestone_dates_strictly_increase(check):
    assert check(edit(BASE, "date: 2023-12-31", "date: 2026-12-31")) == [
        f"{F}:26:18: indicators[0].target.milestones[1].date: expected a date after 2026-12-31 (milestones[0]): "
        "dates must strictly increase, got '2026-12-31'"]


def test_baseline_before_first_milestone(check):
    assert check(edit(BASE, "date: 2021-01-31", "date: 2024-01-31")) == [
        f"{F}:22:32: indicators[0].baseline.date: expected a date before the first milestone (2023-12-31), "
        "got '2024-01-31'"]


def test_territorial_by_needs_the_dimension(check):
    assert check(BASE + "      territorial: {by: departement, share: population}\n") == [
        f"{F}:27:25: indicators[0].target.territorial.by: by: departement needs 'departement' in the "
        "indicator's dimensions"]


def test_territorial_values_use_known_codes(check):
    assert check(BASE + "      territorial: {by: couloir, values: {biologie: 75000000, biologi: 1}}\n") == [
        f"{F}:27:63: indicators[0].target.territorial.values.biologi: unknown couloir code 'biologi' "
        f"(did you mean 'biologie'?): expected one of {COULOIRS}"]


def test_territorial_code_keys_are_text(check):
    assert check(BASE + "      territorial: {by: region, values: {11: 1}}\n") == [
        f"{F}:27:42: indicators[0].target.territorial.values.11: expected text, got 11: quote it if it is text"]


def test_territorial_explicit_shares_sum_to_one(check):
    text = BASE + "      territorial: {by: region, share: explicit, shares: {'11': 0.5, '84': 0.4}}\n"
    assert check(text) == [
        f"{F}:27:58: indicators[0].target.territorial.shares: shares sum to 0.9, expected 1 (±0.001)"]


def test_territorial_one_rule_only(check):
    assert check(BASE + "      territorial: {by: region, share: equal, values: {'11': 1}}\n") == [
        f"{F}:27:20: indicators[0].target.territorial: expected exactly one of `values` (per-code targets) or "
        "`share` (population, equal, explicit)"]


def test_territorial_share_needs_an_additive_measure(check):
    text = edit(BASE, "    measure:\n      kind: rolling\n      months: 12\n" + OF + "\n",
                "    measure:\n      kind: ratio\n      numerator: {kind: sum, table: fact_documents, "
                "column: documents_count, date: month}\n      denominator: {kind: sum, table: fact_documents, "
                "column: documents_count, date: month}\n")
    assert check(text + "      territorial: {by: region, share: population}\n") == [
        f"{F}:27:40: indicators[0].target.territorial.share: a share splits a national total; a ratio does not "
        "add up across territories: give `values` per code"]

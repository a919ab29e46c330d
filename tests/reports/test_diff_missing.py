"""« Depuis le dernier comité » never computes a move against a missing or incomplete value (never as zero).

At the last committee (warehouse A, as of February 2024) the 13 (région 93) had not delivered February: the
national February value, 120, is half the country (status « données incomplètes ») and the 93 has no value.
Now (warehouse B, as of March) both delivered: 230 nationally, 90 in the 93.
"""

from __future__ import annotations

from datetime import date

import pytest

from reports.diff import committee_diff
from tests.appstate.factories import DOCUMENTS_B, engines_before_after

DOCUMENTS_A = """month;departement_code;couloir_code;document_type;documents_count
2024-01;75;biologie;11502-2;100
2024-01;13;biologie;11502-2;50
2024-02;75;biologie;11502-2;120
"""
FEB, MAR = date(2024, 2, 1), date(2024, 3, 1)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    return engines_before_after(tmp_path_factory.mktemp("diff-missing"), DOCUMENTS_A, DOCUMENTS_B)


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_no_move_is_computed_against_an_incomplete_or_missing_value(engines):
    a, b = engines
    assert a.compute("TST-01", FEB, with_forecast=False).status == "incomplete"
    changes = [c for c in committee_diff((b, MAR, None), (a, FEB, None), None) if c.indicator_id == "TST-01"]
    moves = {c.territory: c for c in changes if c.kind == "value"}
    # was: +110 documents (+91,7 %) nationally and +40 (+80 %) in the 93 against its January value
    assert all(moves[t].delta is None and moves[t].rank == "info" for t in (None, "93"))
    assert _plain(moves[None].sentence_fr) == ("TST-01 Indicateur TST-01 : 230 documents (mars 2024) ; au dernier "
                                               "comité : données incomplètes, évolution non calculée.")
    assert moves["93"].before is None  # the 93 had no February: no older value in its place
    assert _plain(moves["93"].sentence_en).endswith("at the last committee: missing data, no change computed.")
    back = {c.territory: c for c in changes if c.kind == "status"}
    assert back[None].before == "incomplete" and back[None].rank == "info"
    assert "données de nouveau complètes" in back[None].sentence_fr


def test_a_status_that_becomes_incomplete_is_said_not_hidden(engines):
    a, b = engines
    changes = [c for c in committee_diff((a, FEB, None), (b, MAR, None), None, regions=False)
               if c.indicator_id == "TST-01"]
    status = [c for c in changes if c.kind == "status"]
    assert [(c.before, c.after, c.rank) for c in status] == [("off_track", "incomplete", "info")]
    assert "données incomplètes" in status[0].sentence_fr and "n'est plus établi" in status[0].sentence_fr
    assert not [c for c in changes if c.kind == "value"]  # 120 is half the country: no −110 move


def test_a_region_move_does_not_claim_a_national_move_that_was_not_computed(engines):
    a, b = engines
    changes = committee_diff((b, MAR, None), (a, FEB, None), None)
    idf = next(c for c in changes if c.kind == "value" and c.territory == "11")
    assert idf.delta == 20 and idf.detail["national_delta_pct"] is None
    assert "national" not in idf.sentence_fr  # was « ; national : 0,0 % »

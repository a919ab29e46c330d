"""A tiny budget and deployment warehouse with hand-computed figures, loaded through the real ETL.

Shared by the budget / déploiement query, figure and page tests (`build_budget_warehouse`); the test
here checks that every row is loaded, so that the expected values below hold.

Funding events, as of 2023-09 (end 30/09/2023):
- C1 SONS-V1-HOP, Éditeur A (SIREN), région 11: 100 000 committed 10/03/2022, advance 30 000, balance
  70 000 on 01/10/2022 → paid, lag 205 days.
- C2 SONS-V1-HOP, Éditeur A, région 84: 50 000 committed 15/06/2022, advance 15 000, no balance 12 months
  later → 35 000 at risk ("not_validated").
- C3 SONS-V1-HOP, Éditeur B, région 11: 40 000 committed then cancelled → nothing left.
- C4 SUNES-V1, AP-HP (FINESS), région 11: 120 000 committed 01/09/2022, lump sum 01/05/2023 → paid, lag 242 days.
- C5 SUNES-V1, HCL, région 84: 80 000 committed 15/09/2022, no lump sum. Window closes 31/03/2024: more than
  6 months after 30/09/2023 → "target"; as of 2023-10 it is within 6 months → "window".
- C6 ESMS-NUM, Association, région 84: 200 000 committed 01/04/2023, lump sum 80 000 on 01/08/2023 (lag 122
  days) → 120 000 open, not at risk (target met, window closes end 2025).
Envelopes: SONS-V1-HOP 1 000 000 (national, 2022), SUNES-V1 300 000 (11) + 200 000 (84) in 2022, ESMS-NUM
400 000 (84, 2023).

Deployments (hopital vague 1 and biologie vague 1), usage per establishment and solutions: see
tests/indicators/test_deployment.py for the expected funnel.
"""

from __future__ import annotations

from pathlib import Path

from etl.load import load
from settings import Settings, load_settings

TODAY = "2024-01-15"
AS_OF = "2023-09"

ENVELOPES = """dispositif_code;couloir_code;region_code;year;amount_eur;source_label
SONS-V1-HOP;hopital;;2022;1 000 000,00;DNS — SONS vague 1
SUNES-V1;hopital;11;2022;300 000,00;ARS — SUN-ES volet 1
SUNES-V1;hopital;84;2022;200 000,00;ARS — SUN-ES volet 1
ESMS-NUM;medico_social;84;2023;400 000,00;CNSA — ESMS numérique
"""

_EVENT_HEADER = ("event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;"
                 "beneficiary_kind;beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref\n")
FUNDING = _EVENT_HEADER + """C1;SONS-V1-HOP;hopital;1;11;75;552100554;siren;Éditeur A;commitment;10/03/2022;100 000,00;;
P1;SONS-V1-HOP;hopital;1;11;75;552100554;siren;Éditeur A;advance;10/05/2022;30 000,00;;C1
P2;SONS-V1-HOP;hopital;1;11;75;552100554;siren;Éditeur A;balance;01/10/2022;70 000,00;;C1
C2;SONS-V1-HOP;hopital;1;84;69;552100554;siren;Éditeur A;commitment;15/06/2022;50 000,00;;
P3;SONS-V1-HOP;hopital;1;84;69;552100554;siren;Éditeur A;advance;01/08/2022;15 000,00;;C2
C3;SONS-V1-HOP;hopital;1;11;75;732829320;siren;Éditeur B;commitment;01/02/2023;40 000,00;;
X3;SONS-V1-HOP;hopital;1;11;75;732829320;siren;Éditeur B;cancellation;01/03/2023;40 000,00;;C3
C4;SUNES-V1;hopital;1;11;75;750712184;finess;AP-HP;commitment;01/09/2022;120 000,00;3;
P4;SUNES-V1;hopital;1;11;75;750712184;finess;AP-HP;lump_sum;01/05/2023;120 000,00;3;C4
C5;SUNES-V1;hopital;1;84;69;690781810;finess;HCL;commitment;15/09/2022;80 000,00;3;
C6;ESMS-NUM;medico_social;;84;69;690000019;finess;Association Rhône;commitment;01/04/2023;200 000,00;;
P6;ESMS-NUM;medico_social;;84;69;690000019;finess;Association Rhône;lump_sum;01/08/2023;80 000,00;;C6
"""

SOLUTIONS = """solution_id;solution_name;editeur_siren;editeur_name;couloir_code;vague;referenced_date
SOL-HOP-0001;DPI Alpha 1.0;552100554;Éditeur A;hopital;1;15/10/2021
SOL-HOP-0002;PFI Beta 2.0;552100554;Éditeur A;hopital;1;10/01/2022
SOL-BIO-0001;SGL Gamma 3;732829320;Éditeur B;biologie;1;01/11/2021
SOL-MDV-0001;LGC Delta 4;732829320;Éditeur B;medecin_ville;1;01/06/2022
SOL-RAD-0001;RIS Epsilon 5;732829320;Éditeur B;radiologie;1;01/12/2023
"""

DEPLOYMENTS = """site_id;site_kind;solution_id;dispositif_code;couloir_code;vague;departement_code;ordered_date;installed_date;validated_date
750712184;finess;SOL-HOP-0001;SONS-V1-HOP;hopital;1;75;10/01/2022;01/03/2022;01/04/2022
750712184;finess;SOL-HOP-0002;SONS-V1-HOP;hopital;1;75;01/02/2022;01/05/2022;
690781810;finess;SOL-HOP-0001;SONS-V1-HOP;hopital;1;69;15/06/2022;01/09/2022;
130786049;finess;SOL-HOP-0001;SONS-V1-HOP;hopital;1;13;01/08/2023;;
750100042;finess;SOL-BIO-0001;SONS-V1-BIO;biologie;1;75;01/03/2022;01/04/2022;20/04/2022
10003456789;rpps;SOL-MDV-0001;SONS-V1-MDV;medecin_ville;1;31;01/07/2022;01/08/2022;01/09/2022
"""

USAGE = """month;finess;departement_code;couloir_code;document_type;documents_count
2023-08;750712184;75;hopital;11490-0;40
2023-05;750100042;75;biologie;11502-2;10
2023-09;690781810;69;hopital;11490-0;5
"""

FILES = {
    "budget_envelopes_2023.csv": ENVELOPES, "funding_events_2023.csv": FUNDING, "solutions_2023.csv": SOLUTIONS,
    "deployments_2023.csv": DEPLOYMENTS, "usage_etablissements_2023.csv": USAGE,
}


def build_budget_warehouse(data_dir: Path):
    """Write the files, load them strictly; returns (settings, run report)."""
    settings: Settings = load_settings({"SEGUR_DATA_DIR": str(data_dir), "SEGUR_TODAY": TODAY})
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (inbox / name).write_text(text, encoding="utf-8")
    report = load([inbox], settings)
    return settings, report


def test_every_row_of_the_tiny_budget_warehouse_is_loaded(tmp_path):
    settings, report = build_budget_warehouse(tmp_path)
    assert report.status == "published", report.to_text()
    text = report.to_text()
    assert "0 rejetées" in text and "12 lignes lues, 12 chargées" in text and "6 lignes lues, 6 chargées" in text


_BUILT: dict[str, Settings] = {}


def budget_settings(tmp_path_factory) -> Settings:
    """The tiny warehouse, built once per test session (shared by the query, figure and page tests)."""
    if "settings" not in _BUILT:
        settings, report = build_budget_warehouse(tmp_path_factory.mktemp("budget-wh"))
        assert report.status == "published", report.to_text()
        _BUILT["settings"] = settings
    return _BUILT["settings"]

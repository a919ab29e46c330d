"""A tiny but real warehouse: a few French-style CSV files loaded by the ETL itself (etl.load.load).

Used by the dashboard tests and, through tests/e2e/conftest.py, by the browser tests.
"""

from __future__ import annotations

from pathlib import Path

from etl.load import load
from settings import Settings, load_settings

DEPARTEMENTS = ("75", "31", "69", "13", "59", "2A", "971")
COULOIRS = (("biologie", "11502-2"), ("hopital", "11490-0"))


def settings_for(data_dir: Path) -> Settings:
    return load_settings({"SEGUR_DATA_DIR": str(data_dir), "SEGUR_TODAY": "2025-12-15"})


def write_documents(path: Path, months: tuple[str, ...], factor: int = 1, bad_row: bool = False) -> Path:
    lines = ["month;departement_code;couloir_code;document_type;documents_count"]
    for m_i, month in enumerate(months):
        for d_i, dep in enumerate(DEPARTEMENTS):
            for c_i, (couloir, doc) in enumerate(COULOIRS):
                count = factor * (1000 * (d_i + 1) + 100 * c_i + 10 * m_i)
                lines.append(f"{month};{dep};{couloir};{doc};{count}")
    if bad_row:
        lines.append(f"{months[-1]};99;biologie;11502-2;12")  # unknown département → rejected (lenient)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_profiles(path: Path, months: tuple[str, ...]) -> Path:
    lines = ["month;departement_code;profiles_opened;profiles_activated;connections;monthly_users"]
    for m_i, month in enumerate(months):
        for d_i, dep in enumerate(DEPARTEMENTS):
            opened = 100_000 * (d_i + 1)
            lines.append(f"{month};{dep};{opened};{opened // 4 + 1000 * m_i};{opened // 10};{opened // 20}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_funding(path: Path) -> Path:
    path.write_text(
        "event_id;dispositif_code;couloir_code;vague;region_code;departement_code;beneficiary_id;beneficiary_kind;"
        "beneficiary_name;event_type;event_date;amount_eur;funding_window;commitment_ref\n"
        "ASP-2025-000001;SONS-V1-HOP;hopital;1;11;75;750712184;finess;AP-HP;commitment;15/03/2025;1 250 000,00;;\n"
        "ASP-2025-000002;SONS-V1-HOP;hopital;1;11;75;750712184;finess;AP-HP;advance;15/06/2025;375 000,00;;"
        "ASP-2025-000001\n",
        encoding="utf-8")
    return path


def write_populations(path: Path) -> Path:
    """A source without a period column: its files have no period (NULL dates in source_file)."""
    path.write_text("departement_code;population_kind;couloir_code;reference_year;population_count\n"
                    "75;assures;;2024;2133000\n31;assures;;2024;1431000\n", encoding="utf-8")
    return path


def build_warehouse(data_dir: Path, months: tuple[str, ...] = ("2025-09", "2025-10"),
                    with_rejects: bool = True) -> Settings:
    """Load documents, profiles, funding and population files into `data_dir`; one bad row is rejected (lenient)."""
    settings = settings_for(data_dir)
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    files = [
        write_documents(inbox / "mes_documents_2025.csv", months, bad_row=with_rejects),
        write_profiles(inbox / "mes_profiles_2025.csv", months),
        write_funding(inbox / "funding_events_2025.csv"),
        write_populations(inbox / "populations_2024.csv"),
    ]
    report = load(files, settings, lenient=True)
    assert report.status in ("published", "published_with_rejects"), report.to_text()
    return settings


def documents_total(months: tuple[str, ...], factor: int = 1) -> int:
    return sum(factor * (1000 * (d + 1) + 100 * c + 10 * m) for m in range(len(months))
               for d in range(len(DEPARTEMENTS)) for c in range(len(COULOIRS)))
